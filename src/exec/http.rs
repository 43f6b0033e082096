//! HTTP blocks, run for real: the requests of an `http` block sent with reqwest (rustls, no
//! OpenSSL) on a tokio runtime that stays inside this module, their responses checked with
//! Hurl's meaning, polling until they hold.
//!
//! [`HttpRunner`] is the entry point, called by the real [`Executor`](super::Executor) for
//! `http` blocks; [`Limits`] bound time, retries and body size. Progress and results use the
//! executor's types ([`RunProgress`](super::RunProgress), [`BlockRun`](super::BlockRun)).
//!
//! Where labrun and Hurl differ, on purpose:
//! - Redirects are followed, up to 50 as `hurl --location` does; Hurl's default is not to
//!   follow them.
//!   On the way to another origin (scheme, host or port), `Authorization`, `Cookie`,
//!   `Proxy-Authorization` and any header holding a secret or a `{{NAME}}` value are dropped,
//!   and no `Referer` is added.
//! - Every request has a timeout, and a body larger than [`Limits::max_body`] fails the check.
//! - A failed entry is retried on any failure but a mistake in the block itself (an undefined
//!   variable, a URL or regex that is invalid once filled in), with `Retry-After` (seconds or an
//!   HTTP date) honoured on 429 and 503.
//!
//! Layout: `request` builds a request from an entry, `client` sends it, `evaluate` (with
//! `jsonpath`, `filter` and `value`) checks the response against the block's captures and
//! asserts (which `lesson/http` parses), `runner` runs a block's entries and polls.

mod client;
mod evaluate;
mod filter;
mod jsonpath;
mod request;
mod runner;
mod value;

#[cfg(test)]
mod test_server;
#[cfg(test)]
mod tests;

pub use runner::{HttpError, HttpRunner, Limits};
