//! Leftmost-longest occurrences of the gazetteer's names (newsmon/extract/regions.py).

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::doc::Offsets;

/// Leftmost-longest, non-overlapping occurrences of a fixed set of names, by one automaton pass.
#[pyclass(frozen, module = "newsmon._native")]
pub struct NameAutomaton {
    automaton: AhoCorasick,
    names: Vec<String>,
}

#[pymethods]
impl NameAutomaton {
    #[new]
    fn new(names: Vec<String>) -> PyResult<Self> {
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&names)
            .map_err(|error| PyValueError::new_err(error.to_string()))?;
        Ok(NameAutomaton { automaton, names })
    }

    /// (start, end, name) of each occurrence in text order, in Python string offsets.
    fn matches(&self, text: &str) -> Vec<(usize, usize, String)> {
        let found: Vec<_> = self.automaton.find_iter(text).collect();
        if found.is_empty() {
            return Vec::new();
        }
        let offsets = Offsets::of(text);
        found
            .into_iter()
            .map(|m| (offsets.char(m.start()), offsets.char(m.end()), self.names[m.pattern().as_usize()].clone()))
            .collect()
    }
}
