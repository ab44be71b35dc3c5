//! Step 4's output: each walk record as the dict of Indicator fields (GUIDE.md), with its metric
//! id and "core" flag (the rules of newsmon/extract/metrics.py and indicators._is_core).

use std::collections::HashMap;

use crate::doc::{char_len, Re};
use crate::mentions::Kind;

/// The metric vocabulary: every wording and its canonical id, and the words of economic metrics.
pub struct Metrics {
    pub wordings: Re,
    pub id_by_wording: HashMap<String, String>,
    pub core_words: Re,
    pub fallback: String,
}

impl Metrics {
    /// The id of the longest known wording the metric contains (the first of equals).
    pub fn id<'a>(&'a self, metric: Option<&str>) -> &'a str {
        let Some(metric) = metric.filter(|m| !m.is_empty()) else { return &self.fallback };
        let mut best: Option<(usize, &str)> = None;
        for (start, end) in self.wordings.find_all(metric, 0, metric.len()) {
            let wording = &metric[start..end];
            let length = char_len(wording);
            if best.is_none_or(|(longest, _)| length > longest) {
                best = Some((length, wording));
            }
        }
        match best {
            Some((_, wording)) => self.id_by_wording.get(wording).map_or(&self.fallback, String::as_str),
            None => &self.fallback,
        }
    }

    fn is_economic(&self, metric: Option<&str>) -> bool {
        metric.is_some_and(|m| !m.is_empty() && self.core_words.contains(m))
    }

    /// GUIDE "core": money, rates, shares, scores, economic counts; not trainings, meetings, durations.
    pub fn is_core(&self, metric: Option<&str>, identifier: &str, kind: Option<Kind>) -> bool {
        match kind {
            Some(Kind::Duration) => false,
            Some(Kind::Money | Kind::Growth | Kind::Pp | Kind::Score) => true,
            _ if !matches!(identifier, "other" | "training" | "investment_promotion") => true,
            Some(Kind::Percent) => self.is_economic(metric),
            _ => {
                self.is_economic(metric)
                    && !metric.is_some_and(|m| m.starts_with("培训") || m.starts_with("举办") || m.starts_with("开展"))
            }
        }
    }
}
