//! `labrun sync`: a learner's pending progress to the class server, or an instructor's
//! collected logs into it.

use std::path::{Path, PathBuf};

use crate::progress::{ClassServer, SendError};
use crate::style::plural;

use super::args::SyncArgs;
use super::{CliError, exit};

pub(super) fn run(args: &SyncArgs) -> Result<u8, CliError> {
    match &args.server {
        Some(url) => import(url, &args.paths),
        None => {
            if !args.paths.is_empty() {
                return Err(CliError::Usage(
                    "logs to import go with --server URL (and LABRUN_INSTRUCTOR_TOKEN); without it, \
                     `labrun sync` sends your own logs"
                        .into(),
                ));
            }
            send_mine(args)
        }
    }
}

/// Each of the learner's logs that a server has seen (or all, with `--report-to`) sends
/// what it has not.
fn send_mine(args: &SyncArgs) -> Result<u8, CliError> {
    let dir = args
        .progress_dir
        .clone()
        .unwrap_or_else(crate::progress::default_dir);
    let logs = if dir.exists() {
        crate::report::log_files(std::slice::from_ref(&dir))?
    } else {
        Vec::new()
    };
    let code = std::env::var("LABRUN_CLASS_CODE").ok();
    let mut servers: Vec<ClassServer> = Vec::new();
    let (mut sent, mut failed, mut considered) = (0usize, 0usize, 0usize);
    for log in &logs {
        let Some(url) = args
            .report_to
            .clone()
            .or_else(|| crate::progress::sent_to(log))
            .or_else(|| std::env::var("LABRUN_REPORT_TO").ok())
            .filter(|url| !url.is_empty())
        else {
            continue;
        };
        let Some((learner, lesson)) = owner(log) else {
            continue;
        };
        considered += 1;
        let url = url.trim_end_matches('/').to_owned();
        let index = match servers.iter().position(|server| server.url() == url) {
            Some(index) => index,
            None => {
                servers.push(ClassServer::new(&url, code.clone())?);
                servers.len() - 1
            }
        };
        match servers[index].send_pending(log, &learner, &lesson, crate::progress::SentBy::Sync) {
            Ok(delivery) => {
                sent += delivery.lines;
                if delivery.replaced {
                    crate::note!(
                        "warning: {}: the log is not the one sent before (replaced or cut): sent again whole; the server shows where they differ",
                        log.display()
                    );
                }
                for refused in &delivery.refused {
                    crate::note!(
                        "warning: {}: {refused}; sent as a stand-in, which the server does not count",
                        log.display()
                    );
                }
            }
            Err(error) => {
                failed += 1;
                crate::note!("warning: {}: {error}", log.display());
            }
        }
    }
    if considered == 0 {
        crate::note!(
            "Nothing to send: no log in `{}` was sent to a class server; give --report-to URL to send them.",
            dir.display()
        );
        return Ok(exit::OK);
    }
    crate::note!(
        "Sent {} from {}.",
        plural(sent, "line"),
        plural(considered, "log")
    );
    Ok(if failed > 0 {
        exit::ENVIRONMENT
    } else {
        exit::OK
    })
}

/// The learner and lesson a log's first event names.
fn owner(log: &Path) -> Option<(String, String)> {
    let file = std::fs::File::open(log).ok()?;
    let mut found = None;
    let mut warnings = Vec::new();
    let _ = crate::progress::for_each_record(
        std::io::BufReader::new(file),
        log,
        &mut warnings,
        |record| {
            if found.is_none() {
                found = Some((record.learner, record.lesson));
            }
        },
    );
    found
}

/// The largest import request: far below the server's limit.
const IMPORT_BATCH: usize = 16 * 1024 * 1024;

/// The instructor's collected logs into the server.
fn import(url: &str, paths: &[PathBuf]) -> Result<u8, CliError> {
    let token = std::env::var("LABRUN_INSTRUCTOR_TOKEN")
        .ok()
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            CliError::Usage(
                "importing needs the instructor token in LABRUN_INSTRUCTOR_TOKEN".into(),
            )
        })?;
    if paths.is_empty() {
        return Err(CliError::Usage(
            "give the folders or files of logs to import".into(),
        ));
    }
    let files = crate::report::log_files(paths)?;
    let server = ClassServer::new(url, None)?;
    let (mut stored, mut duplicates, mut warnings) = (0u64, 0u64, 0u64);
    let mut body = String::new();
    let mut send = |body: &mut String| -> Result<(), SendError> {
        if body.is_empty() {
            return Ok(());
        }
        let request = server
            .client()
            .post(format!("{}/api/v1/import", server.url()))
            .bearer_auth(&token)
            .header(reqwest::header::CONTENT_TYPE, "application/x-ndjson")
            .timeout(std::time::Duration::from_secs(300))
            .body(std::mem::take(body));
        let answer: serde_json::Value = server.call(request)?;
        stored += answer["stored"].as_u64().unwrap_or(0);
        duplicates += answer["duplicates"].as_u64().unwrap_or(0);
        for warning in answer["warnings"].as_array().into_iter().flatten() {
            crate::note!("warning: {}", warning.as_str().unwrap_or_default());
            warnings += 1;
        }
        Ok(())
    };
    for path in &files {
        let text = std::fs::read(path).map_err(|source| SendError::Io {
            path: path.clone(),
            source,
        })?;
        let entry = serde_json::json!({
            "path": path.display().to_string(),
            "text": String::from_utf8_lossy(&text),
        })
        .to_string();
        if !body.is_empty() && body.len() + entry.len() > IMPORT_BATCH {
            send(&mut body)?;
        }
        body.push_str(&entry);
        body.push('\n');
    }
    send(&mut body)?;
    crate::note!(
        "Imported {}: {} stored, {} already there{}.",
        plural(files.len(), "log"),
        plural(stored as usize, "line"),
        duplicates,
        if warnings > 0 {
            format!(", {} skipped", plural(warnings as usize, "line"))
        } else {
            String::new()
        }
    );
    Ok(exit::OK)
}
