//! The step ids of one lesson, each stored once and named by a number: a report keeps a
//! figure per learner and step, and ten thousand copies of every step id would cost more
//! than the figures.

use std::collections::HashMap;
use std::sync::Arc;

/// Interned step ids: `intern("deploy")` gives the same index every time.
#[derive(Debug, Clone, Default)]
pub(super) struct StepIds {
    names: Vec<Arc<str>>,
    index: HashMap<Arc<str>, usize>,
}

impl StepIds {
    /// The index of `id`, added if new.
    pub(super) fn intern(&mut self, id: &str) -> usize {
        if let Some(&index) = self.index.get(id) {
            return index;
        }
        let name: Arc<str> = Arc::from(id);
        self.names.push(Arc::clone(&name));
        self.index.insert(name, self.names.len() - 1);
        self.names.len() - 1
    }

    pub(super) fn get(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The id at `index` (shared, not copied).
    pub(super) fn name(&self, index: usize) -> Option<&Arc<str>> {
        self.names.get(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_keeps_its_index_and_its_name() {
        let mut ids = StepIds::default();
        assert_eq!(ids.intern("a"), 0);
        assert_eq!(ids.intern("b"), 1);
        assert_eq!(ids.intern("a"), 0);
        assert_eq!(ids.get("b"), Some(1));
        assert_eq!(ids.get("c"), None);
        assert_eq!(ids.name(1).map(|n| &**n), Some("b"));
        assert!(ids.name(2).is_none());
    }
}
