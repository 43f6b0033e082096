//! `labrun serve`: the class server.

use std::io::Write;

use crate::serve::{Config, default_database, run as serve};

use super::CliError;
use super::args::ServeArgs;
use super::exit;

pub(super) fn run(args: &ServeArgs) -> Result<u8, CliError> {
    let config = Config {
        listen: args.listen.clone(),
        database: args.database.clone().unwrap_or_else(default_database),
        instructor_token: std::env::var("LABRUN_INSTRUCTOR_TOKEN").ok(),
        class_code: std::env::var("LABRUN_CLASS_CODE").ok(),
        roster: args.roster.clone(),
    };
    serve(config, |line| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    })?;
    Ok(exit::OK)
}
