//! Columns aligned by display width, for Markdown tables and `labrun list`.

use super::pieces::width;

/// How a column's cells sit in their width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// A painted cell and its display width.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cell {
    pub painted: String,
    pub width: usize,
}

impl Cell {
    /// A cell whose text has no escape codes, or whose width is that of `plain`.
    pub fn new(painted: String, plain: &str) -> Self {
        Self {
            painted,
            width: width(plain),
        }
    }
}

/// The width of each column: its widest cell.
pub(crate) fn column_widths(rows: &[Vec<Cell>]) -> Vec<usize> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    (0..columns)
        .map(|column| {
            rows.iter()
                .filter_map(|row| row.get(column))
                .map(|cell| cell.width)
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// One row, each cell padded to its column's width and joined by `separator`. The last
/// column is not padded on the right, so lines carry no trailing spaces.
pub(crate) fn row(cells: &[Cell], widths: &[usize], aligns: &[Align], separator: &str) -> String {
    let empty = Cell::default();
    let mut line = String::new();
    for (column, &column_width) in widths.iter().enumerate() {
        let cell = cells.get(column).unwrap_or(&empty);
        let pad = column_width.saturating_sub(cell.width);
        let (left, right) = match aligns.get(column).copied().unwrap_or_default() {
            Align::Left => (0, pad),
            Align::Right => (pad, 0),
            Align::Center => (pad / 2, pad - pad / 2),
        };
        if column > 0 {
            line.push_str(separator);
        }
        line.push_str(&" ".repeat(left));
        line.push_str(&cell.painted);
        if column + 1 < widths.len() {
            line.push_str(&" ".repeat(right));
        }
    }
    line.trim_end().to_owned()
}
