//! newsmon's extractor walk, compiled. newsmon/extract/indicators.py documents the rules, holds
//! every pattern and vocabulary, and calls `Extractor.read` once per article; this crate runs
//! the per-character and per-clause work that Python made the slowest stage of enrichment.

mod digits;
mod doc;
mod fingerprint;
mod mentions;
mod names;
mod numbers;
mod records;
mod walk;

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use pyo3::prelude::*;
use pyo3::exceptions::PyRuntimeError;
use pyo3::intern;
use pyo3::types::{PyDict, PyList};

use doc::Offsets;
use mentions::{Kind, MentionFinder, Unit};
use records::Metrics;
use walk::{ArticleRegions, Engine, Names, Paragraph, Patterns, Reader, RegionInfo, Words};

/// The compiled patterns and vocabularies; build once, then `read` each article.
#[pyclass(frozen, module = "newsmon._native")]
struct Extractor {
    engine: Engine,
    metrics: Metrics,
}

type RegionRow = (String, Option<String>, Vec<String>, Vec<String>);

#[pymethods]
impl Extractor {
    /// `patterns`: name -> regex source; `units`: written unit -> (normalized, kind);
    /// `words`: name -> word list; `chars`: name -> character set; `names`: gazetteer names;
    /// `metrics`: (wording pattern, id by wording, core-word pattern, fallback id).
    #[new]
    fn new(
        patterns: HashMap<String, String>,
        units: HashMap<String, (String, String)>,
        pre_qualifiers: HashMap<String, String>,
        words: HashMap<String, Vec<String>>,
        chars: HashMap<String, String>,
        names: Vec<String>,
        metrics: (String, HashMap<String, String>, String, String),
    ) -> PyResult<Self> {
        let units = units
            .into_iter()
            .map(|(text, (normalized, kind))| {
                let unit = Unit { text: text.clone(), normalized, kind: Kind::parse(&kind) };
                (text, unit)
            })
            .collect();
        let list = |name: &str| words.get(name).cloned().unwrap_or_else(|| panic!("no word list {name}"));
        let set = |name: &str| chars.get(name).cloned().unwrap_or_else(|| panic!("no character set {name}"));
        let w = Words {
            vague_years: list("vague_years"),
            speech_verbs: list("speech_verbs"),
            as_of_now: list("as_of_now"),
            this_project: list("this_project"),
            metric_trim_right: list("metric_trim_right"),
            pre_qualifier_words: list("pre_qualifier_words"),
            generic_metrics: list("generic_metrics"),
            negative_directions: list("negative_directions"),
            object_verbs: list("object_verbs"),
            leading_first_chars: set("leading_first"),
            deictic_first_chars: set("deictic_first"),
            period_lead_chars: set("period_lead"),
            context_first_chars: set("context_first"),
            refuse_object_before: set("object_before"),
        };
        let mut lengths: HashMap<String, Vec<usize>> = HashMap::new();
        for name in &names {
            let head: String = name.chars().take(2).collect();
            let length = name.chars().count();
            let entry = lengths.entry(head).or_default();
            if !entry.contains(&length) {
                entry.push(length);
            }
        }
        for entry in lengths.values_mut() {
            entry.sort_unstable_by(|a, b| b.cmp(a));
        }
        let names = Names { names: names.into_iter().collect::<HashSet<_>>(), lengths };
        let engine = Engine {
            p: Patterns::new(&patterns),
            w,
            mentions: MentionFinder::new(&patterns, &chars, units, pre_qualifiers),
            names,
        };
        let (wordings, id_by_wording, core_words, fallback) = metrics;
        let metrics = Metrics {
            wordings: doc::Re::new(&wordings),
            id_by_wording,
            core_words: doc::Re::new(&core_words),
            fallback,
        };
        Ok(Extractor { engine, metrics })
    }

    /// The Indicator fields of each record of one article, in text order, as dicts.
    /// `text` is the Simplified text the rules read, `original` the cleaned text quotes come
    /// from (same offsets). Offsets in and out are Python string offsets; `regions` rows are
    /// (name, code, parent_codes, chain), and `deictic` gives the row (or None) for province,
    /// city, county, district, context and main. `period_dates(period)` returns the ISO first
    /// and last day of a period (or Nones); it is called once per period.
    #[allow(clippy::too_many_arguments)]
    fn read<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        original: &str,
        paragraphs: Vec<(usize, usize, bool)>,
        mentions: Vec<(usize, usize, usize)>,
        regions: Vec<RegionRow>,
        deictic: (Option<usize>, Option<usize>, Option<usize>, Option<usize>, Option<usize>, Option<usize>),
        period_dates: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let offsets = Offsets::of(text);
        let article = ArticleRegions {
            mentions: mentions.into_iter().map(|(s, e, r)| (offsets.byte(s), offsets.byte(e), r)).collect(),
            regions: regions
                .into_iter()
                .map(|(name, code, parents, chain)| RegionInfo {
                    name,
                    code,
                    parents: Rc::new(parents),
                    chain: Rc::new(chain),
                })
                .collect(),
            province: deictic.0,
            city: deictic.1,
            county: deictic.2,
            district: deictic.3,
            context: deictic.4,
            main: deictic.5,
        };
        let paragraphs: Vec<Paragraph> = paragraphs
            .into_iter()
            .map(|(s, e, body)| Paragraph { start: offsets.byte(s), end: offsets.byte(e), body })
            .collect();
        // A bug here must not take the worker down: a panic becomes a Python error (the worker
        // dead-letters the record with it), not PyO3's PanicException, which is no Exception.
        let records = catch_unwind(AssertUnwindSafe(|| {
            let mut reader = Reader::new(&self.engine, text, &article);
            reader.read(&paragraphs);
            reader.records
        }))
        .map_err(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("panic");
            PyRuntimeError::new_err(format!("indicator walk failed: {message}"))
        })?;
        // The cleaned text is usually the Simplified one itself (no Traditional characters).
        let own_offsets = (original != text).then(|| Offsets::of(original));
        let original_offsets = own_offsets.as_ref().unwrap_or(&offsets);
        let mut dates: HashMap<String, (Py<PyAny>, Py<PyAny>)> = HashMap::new();
        let found = PyList::empty(py);
        for record in &records {
            let mention = record.mention.as_ref();
            let subject = record.subject.as_ref();
            let metric = record.metric.as_deref().filter(|m| !m.is_empty());
            let kind = mention.map(|m| m.kind);
            let identifier =
                if kind != Some(Kind::Growth) || metric.is_some() { self.metrics.id(metric) } else { "other" };
            let (period_start, period_end) = match record.period.as_deref() {
                None => (py.None(), py.None()),
                Some(period) => {
                    if !dates.contains_key(period) {
                        let (start, end): (Py<PyAny>, Py<PyAny>) = period_dates.call1((period,))?.extract()?;
                        dates.insert(period.to_string(), (start, end));
                    }
                    let (start, end) = &dates[period];
                    (start.clone_ref(py), end.clone_ref(py))
                }
            };
            let (quote_start, quote_end) = (offsets.char(record.quote_start), offsets.char(record.quote_end));
            let quote = {
                let (a, b) = (original_offsets.byte(quote_start), original_offsets.byte(quote_end));
                if a <= b { &original[a..b] } else { "" }
            };
            let parents: Vec<&str> = subject.map_or(Vec::new(), |s| s.parents.iter().map(String::as_str).collect());
            let fields = PyDict::new(py);
            fields.set_item(intern!(py, "metric"), metric)?;
            fields.set_item(intern!(py, "metric_id"), identifier)?;
            fields.set_item(intern!(py, "subject"), subject.map(|s| s.name.as_str()))?;
            fields.set_item(intern!(py, "subject_code"), subject.and_then(|s| s.code.as_deref()))?;
            fields.set_item(intern!(py, "subject_parent_codes"), PyList::new(py, parents)?)?;
            fields.set_item(intern!(py, "period"), record.period.as_deref())?;
            fields.set_item(intern!(py, "period_start"), period_start)?;
            fields.set_item(intern!(py, "period_end"), period_end)?;
            fields.set_item(intern!(py, "value"), mention.and_then(|m| m.value))?;
            fields.set_item(intern!(py, "unit"), mention.and_then(|m| m.unit.as_deref()))?;
            fields.set_item(intern!(py, "value_normalized"), mention.and_then(|m| m.value_normalized))?;
            fields.set_item(intern!(py, "unit_normalized"), mention.and_then(|m| m.unit_normalized.as_deref()))?;
            fields.set_item(intern!(py, "growth_pct"), mention.and_then(|m| m.growth_pct))?;
            fields.set_item(intern!(py, "growth_basis"), mention.and_then(|m| m.growth_basis))?;
            fields.set_item(intern!(py, "rank"), record.rank)?;
            fields.set_item(intern!(py, "rank_scope"), record.rank_scope.as_deref())?;
            fields.set_item(intern!(py, "qualifier"), mention.and_then(|m| m.qualifier.as_deref()))?;
            fields.set_item(intern!(py, "quote"), quote)?;
            fields.set_item(intern!(py, "quote_start"), quote_start)?;
            fields.set_item(intern!(py, "quote_end"), quote_end)?;
            fields.set_item(intern!(py, "core"), self.metrics.is_core(metric, identifier, kind))?;
            found.append(fields)?;
        }
        Ok(found)
    }
}

/// (start, end) of each match of `pattern` in `text`, as the walk finds them (Python string
/// offsets): lets tests hold the compiled engine to Python's `re.finditer`.
#[pyfunction]
fn find_all(pattern: &str, text: &str) -> Vec<(usize, usize)> {
    let offsets = Offsets::of(text);
    doc::Re::new(pattern)
        .find_all(text, 0, text.len())
        .into_iter()
        .map(|(s, e)| (offsets.char(s), offsets.char(e)))
        .collect()
}

/// The walk's reading of a number token, for tests that hold it to numbers.parse_number.
#[pyfunction]
fn parse_number(text: &str) -> Option<f64> {
    numbers::parse_number(text)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Extractor>()?;
    m.add_class::<names::NameAutomaton>()?;
    m.add_class::<fingerprint::SimHasher>()?;
    m.add_function(wrap_pyfunction!(find_all, m)?)?;
    m.add_function(wrap_pyfunction!(parse_number, m)?)?;
    Ok(())
}
