//! Reading a row the same way from either database.

use sqlx::Row;

/// Reading a row of either database.
pub(super) trait RowAccess {
    fn int(&self, index: usize) -> i64;
    fn optional_int(&self, index: usize) -> Option<i64>;
    fn text(&self, index: usize) -> String;
    fn optional_text(&self, index: usize) -> Option<String>;
}

macro_rules! row_access {
    ($row:ty) => {
        impl RowAccess for $row {
            fn int(&self, index: usize) -> i64 {
                self.get(index)
            }
            fn optional_int(&self, index: usize) -> Option<i64> {
                self.get(index)
            }
            fn text(&self, index: usize) -> String {
                self.get(index)
            }
            fn optional_text(&self, index: usize) -> Option<String> {
                self.get(index)
            }
        }
    };
}

row_access!(sqlx::sqlite::SqliteRow);
row_access!(sqlx::postgres::PgRow);
