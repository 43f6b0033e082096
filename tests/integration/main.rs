//! Integration tests of the `labrun` binary. See `tests/README.md` for how to add one.

// Tests may print what they measured.
#![allow(clippy::disallowed_macros)]

mod browser;
mod closed_output;
mod crash;
mod fuzz_corpus;
mod hardening;
mod harness;
mod hurl_conformance;
mod iks;
mod import;
mod instructor;
mod interrupt;
mod layering;
mod lint;
mod list;
mod postgres;
mod pty;
mod report;
mod serve;
mod serve_trust;
mod server;
mod show;
mod start;
mod tls;
mod tutorials;
