//! The output formats of `labrun report`, each a function writing a [`Summary`] to an
//! `io::Write`, so every one can be snapshot-tested.
//!
//! [`Summary`]: super::Summary

pub mod csv;
pub mod html;
pub mod json;
pub mod junit;
mod legend;
pub mod markdown;
pub mod table;
