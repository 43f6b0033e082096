//! The append-only JSON Lines file: durable writes, one session at a time, tolerant reads.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::chain::Chain;
use super::event::{Event, FORMAT_VERSION, Record};
use super::state::LessonState;

/// The longest line read from a log: far above any event labrun writes (a failure's reason
/// is cut to [`MAX_REASON_BYTES`](super::MAX_REASON_BYTES)), far below what would hurt the
/// machine. A longer line is skipped, without ever being held whole.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("cannot use the progress log `{}`: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "the disk is full: cannot write progress to `{}`; the log still ends with the last event saved, free some space and start again",
        path.display()
    )]
    DiskFull { path: PathBuf },
    #[error(
        "another labrun session is already using `{}`; finish or quit it first (one session per learner and lesson)",
        path.display()
    )]
    Busy { path: PathBuf },
    #[error(
        "`{}` line {line} was written by a newer labrun (format v{found}, this labrun reads v{FORMAT_VERSION}); upgrade labrun to go on with this log",
        path.display()
    )]
    NewerFormat {
        path: PathBuf,
        line: usize,
        found: u32,
    },
}

impl LogError {
    fn io(path: &Path, source: io::Error) -> Self {
        if source.kind() == io::ErrorKind::StorageFull {
            Self::DiskFull {
                path: path.to_path_buf(),
            }
        } else {
            Self::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    }
}

/// A line that could not be read; it is skipped, never fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

/// What was read from a log: its events folded into the learner's state as they were read,
/// so a log of any length costs the memory of one line.
#[derive(Debug, Default)]
pub struct ReadLog {
    pub state: LessonState,
    /// How many events were read.
    pub records: usize,
    pub warnings: Vec<Warning>,
    /// Lines skipped beyond the warnings kept.
    pub more_warnings: usize,
    /// The chain of its lines, where the next line written continues it.
    pub chain: Chain,
}

/// What reading a log found besides its events.
#[derive(Debug, Default)]
pub struct LogScan {
    /// Lines skipped beyond the warnings kept.
    pub more_warnings: usize,
    /// The chain of the file's lines.
    pub chain: Chain,
    /// The learner its first event names: whose log it is. An event naming anyone else is
    /// skipped.
    pub owner: Option<String>,
    /// The first line written by a newer labrun (its number and format version): skipped.
    pub newer: Option<(usize, u32)>,
}

/// The part of a line every format version has.
#[derive(serde::Deserialize)]
struct Version {
    v: u32,
}

/// The platform data folder for progress logs: `$XDG_DATA_HOME/labrun/progress`, else
/// `~/.local/share/labrun/progress`.
pub fn default_dir() -> PathBuf {
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    data.join("labrun").join("progress")
}

/// `DIR/LESSON/LEARNER.jsonl`, with names made safe for any file system.
pub fn log_path(dir: &Path, learner: &str, lesson: &str) -> PathBuf {
    learner_log(&dir.join(file_name(lesson)), learner)
}

/// The log of `learner` in the folder of one lesson's logs.
pub fn learner_log(lesson_dir: &Path, learner: &str) -> PathBuf {
    lesson_dir.join(format!("{}.jsonl", file_name(learner)))
}

/// The longest name kept as it is, far below any file system's limit.
const MAX_PLAIN_NAME: usize = 100;

/// A name as a file name, one-to-one: a name of letters, digits, `-`, `_` and `.` (not
/// first) is its own file name; any other is made safe (`_` for each other character) and
/// followed by `+` and a digest of the name, so `ada x`, `ada@x` and `ada_x` never share a
/// log (`+` is in no name kept as it is).
fn file_name(name: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !name.is_empty()
        && name.len() <= MAX_PLAIN_NAME
        && !name.starts_with('.')
        && name.chars().all(plain)
    {
        return name.to_owned();
    }
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(name.as_bytes());
    let digest = crate::text::hex(&digest[..8]);
    let safe: String = name
        .chars()
        .map(|c| if plain(c) { c } else { '_' })
        .take(MAX_PLAIN_NAME / 2)
        .collect();
    format!("{}+{digest}", safe.trim_start_matches('.'))
}

/// Reads every record of a log without locking it. Unreadable lines become warnings.
pub fn read_log(path: &Path) -> Result<ReadLog, LogError> {
    let file = File::open(path).map_err(|e| LogError::io(path, e))?;
    read_lines(BufReader::new(file), path)
}

/// The most warnings kept per log read: a log of a million bad lines is told in a hundred
/// and a count, not in a million messages held in memory.
pub(super) const MAX_WARNINGS_KEPT: usize = 100;

/// Reads records from `reader`, calling `each` for every good one: reports stream a log
/// without holding it in memory. Adds at most `MAX_WARNINGS_KEPT` warnings to `warnings`;
/// what else it found (the chain, whose log it is, lines of a newer labrun) is returned.
///
/// Skipped with a warning: a line that is no event, a torn last line, a line of a newer
/// format version, an event naming another learner than the log's first event.
pub fn for_each_record(
    reader: impl BufRead,
    path: &Path,
    warnings: &mut Vec<Warning>,
    mut each: impl FnMut(Record),
) -> Result<LogScan, LogError> {
    let mut reader = reader;
    let mut line = Vec::new();
    let mut number = 0;
    let mut kept = 0;
    let mut scan = LogScan::default();
    let mut push = |warning: Warning, more: &mut usize| {
        if kept < MAX_WARNINGS_KEPT {
            kept += 1;
            warnings.push(warning);
        } else {
            *more += 1;
        }
    };
    loop {
        let mut hasher = Sha256::new();
        let Some(read) =
            next_line(&mut reader, &mut line, &mut hasher).map_err(|e| LogError::io(path, e))?
        else {
            return Ok(scan);
        };
        number += 1;
        let warn = |message: String| Warning {
            path: path.to_path_buf(),
            line: number,
            message,
        };
        let hash = super::chain::line_hash(hasher);
        if let Line::TooLong(len) = read {
            scan.chain.line(hash, None);
            push(
                warn(format!(
                    "a line of {len} bytes, longer than any event ({MAX_LINE_BYTES} at most); skipped"
                )),
                &mut scan.more_warnings,
            );
            continue;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            scan.chain.line(hash, None);
            continue;
        }
        // A torn line that a later session closed with a line feed is still the last.
        let is_last = read == Line::Last || reader.fill_buf().is_ok_and(<[u8]>::is_empty);
        let record = match serde_json::from_slice::<Record>(&line) {
            Ok(record) => Ok(record),
            // A newer format may have changed more than this labrun can read.
            Err(error) => match serde_json::from_slice::<Version>(&line) {
                Ok(version) if version.v > FORMAT_VERSION => Ok(Record {
                    v: version.v,
                    seq: None,
                    prev: None,
                    ts: jiff::Timestamp::UNIX_EPOCH,
                    learner: String::new(),
                    lesson: String::new(),
                    event: Event::Unknown,
                }),
                _ => Err(error),
            },
        };
        let record = match record {
            Ok(record) => record,
            Err(error) if is_last && error.is_eof() => {
                scan.chain.line(hash, None);
                push(
                    warn(
                        "the last line is incomplete (labrun stopped while writing it); skipped"
                            .into(),
                    ),
                    &mut scan.more_warnings,
                );
                continue;
            }
            Err(error) => {
                scan.chain.line(hash, None);
                push(
                    warn(format!("not a progress event ({error}); skipped")),
                    &mut scan.more_warnings,
                );
                continue;
            }
        };
        if record.v > FORMAT_VERSION {
            scan.chain.line(hash, None);
            scan.newer.get_or_insert((number, record.v));
            push(
                warn(format!(
                    "written by a newer labrun (format v{}, this labrun reads v{FORMAT_VERSION}); skipped",
                    record.v
                )),
                &mut scan.more_warnings,
            );
            continue;
        }
        scan.chain
            .line(hash, Some((record.seq, record.prev.as_deref())));
        let owner = scan.owner.get_or_insert_with(|| record.learner.clone());
        if record.learner != *owner {
            let message = format!(
                "names learner `{}`, but this log is `{owner}`'s; skipped",
                record.learner
            );
            push(warn(message), &mut scan.more_warnings);
            continue;
        }
        each(record);
    }
}

/// How a line read by [`next_line`] ended.
#[derive(Debug, PartialEq, Eq)]
enum Line {
    /// At a line feed.
    Ended,
    /// At the end of the file, without a line feed: maybe torn by a crash.
    Last,
    /// Past [`MAX_LINE_BYTES`]: this many bytes were read and dropped, the line feed included.
    TooLong(usize),
}

/// Reads the next line of `reader` into `line` (without its line feed), holding at most
/// [`MAX_LINE_BYTES`] of it. `None` at the end of the file.
fn next_line(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    hasher: &mut Sha256,
) -> io::Result<Option<Line>> {
    line.clear();
    let mut dropped = 0;
    loop {
        let buffer = match reader.fill_buf() {
            Ok(buffer) => buffer,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if buffer.is_empty() {
            return Ok(match (dropped, line.is_empty()) {
                (0, true) => None,
                (0, false) => Some(Line::Last),
                (dropped, _) => Some(Line::TooLong(dropped + line.len())),
            });
        }
        let (piece, ended) = match buffer.iter().position(|&byte| byte == b'\n') {
            Some(end) => (&buffer[..end], true),
            None => (buffer, false),
        };
        hasher.update(piece);
        let used = piece.len() + usize::from(ended);
        if dropped > 0 || line.len() + piece.len() > MAX_LINE_BYTES {
            dropped += line.len() + used;
            line.clear();
        } else {
            line.extend_from_slice(piece);
        }
        reader.consume(used);
        if ended {
            return Ok(Some(if dropped > 0 {
                Line::TooLong(dropped)
            } else {
                Line::Ended
            }));
        }
    }
}

/// Reads a log to go on with it: a line of a newer labrun is an error there, as this one
/// would write after events it cannot read.
fn read_lines(reader: impl BufRead, path: &Path) -> Result<ReadLog, LogError> {
    let mut log = ReadLog::default();
    let (state, records) = (&mut log.state, &mut log.records);
    let scan = for_each_record(reader, path, &mut log.warnings, |record| {
        state.apply(&record.event);
        *records += 1;
    })?;
    if let Some((line, found)) = scan.newer {
        return Err(LogError::NewerFormat {
            path: path.to_path_buf(),
            line,
            found,
        });
    }
    log.more_warnings = scan.more_warnings;
    log.chain = scan.chain;
    Ok(log)
}

/// A log opened for a session: locked, so a second session on it is refused.
#[derive(Debug)]
pub struct ProgressLog {
    file: File,
    path: PathBuf,
    learner: String,
    lesson: String,
    /// Length after the last complete line: a failed write is cut back to it.
    len: u64,
    /// Lines in the file, and the hash of the last: the next line's `seq` and `prev`.
    lines: u64,
    last_hash: Option<String>,
}

impl ProgressLog {
    /// Opens (creating it and its folders) and locks the log, and reads what it holds.
    pub fn open(path: &Path, learner: &str, lesson: &str) -> Result<(Self, ReadLog), LogError> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| LogError::io(parent, e))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| LogError::io(path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(LogError::Busy {
                    path: path.to_path_buf(),
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(LogError::io(path, e)),
        }
        file.seek(SeekFrom::Start(0))
            .map_err(|e| LogError::io(path, e))?;
        let read = read_lines(BufReader::new(&file), path)?;
        let mut len = file.metadata().map_err(|e| LogError::io(path, e))?.len();
        if len > 0 && !ends_with_newline(&mut file, len).map_err(|e| LogError::io(path, e))? {
            // Close the torn line, so the next event starts on a line of its own.
            file.write_all(b"\n").map_err(|e| LogError::io(path, e))?;
            len += 1;
        }
        let log = Self {
            file,
            path: path.to_path_buf(),
            learner: learner.to_owned(),
            lesson: lesson.to_owned(),
            len,
            lines: read.chain.lines(),
            last_hash: read.chain.last_hash().map(str::to_owned),
        };
        Ok((log, read))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one event and makes it durable before returning it.
    pub fn append(&mut self, event: Event) -> Result<Record, LogError> {
        let record = Record {
            v: FORMAT_VERSION,
            seq: Some(self.lines + 1),
            prev: self.last_hash.clone(),
            ts: jiff::Timestamp::now(),
            learner: self.learner.clone(),
            lesson: self.lesson.clone(),
            event,
        };
        let mut line =
            serde_json::to_vec(&record).map_err(|e| LogError::io(&self.path, e.into()))?;
        line.push(b'\n');
        let written = self
            .file
            .write_all(&line)
            .and_then(|()| self.file.flush())
            .and_then(|()| self.file.sync_data());
        if let Err(error) = written {
            // Leave no partial line behind: the log must end with the last complete event.
            let _ = self.file.set_len(self.len);
            return Err(LogError::io(&self.path, error));
        }
        self.len += line.len() as u64;
        self.lines += 1;
        let mut hasher = Sha256::new();
        hasher.update(&line[..line.len() - 1]);
        self.last_hash = Some(super::chain::line_hash(hasher));
        Ok(record)
    }
}

fn ends_with_newline(file: &mut File, len: u64) -> io::Result<bool> {
    use std::io::Read;
    let mut last = [0u8; 1];
    let mut reader = &*file;
    reader.seek(SeekFrom::Start(len - 1))?;
    reader.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

#[cfg(test)]
mod tests;
