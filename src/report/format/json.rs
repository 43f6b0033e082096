//! `--format json`: the [`Summary`] as is, pretty-printed (see `summary.rs` for the fields).

use std::io::{self, Write};

use crate::report::Summary;

pub fn write(out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
    crate::text::write_json(out, summary)
}
