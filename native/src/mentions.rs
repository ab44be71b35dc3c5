//! Step 2 of the read: every number with its unit and qualifier; names, codes, dates and
//! ordinals refused (see `_find_mentions` in newsmon/extract/indicators.py).

use std::collections::HashMap;

use crate::doc::{at_end_or_in, char_at, char_before, forward, Captures, Re, Spans};
use crate::numbers::{magnitude_exponent, parse_number, round_to, scaled};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Money,
    Percent,
    Pp,
    Score,
    Count,
    Physical,
    Duration,
    Growth,
}

impl Kind {
    pub fn parse(name: &str) -> Kind {
        match name {
            "money" => Kind::Money,
            "percent" => Kind::Percent,
            "pp" => Kind::Pp,
            "score" => Kind::Score,
            "count" => Kind::Count,
            "physical" => Kind::Physical,
            "duration" => Kind::Duration,
            other => panic!("unknown unit kind {other}"),
        }
    }
}

pub struct Unit {
    pub text: String,
    pub normalized: String,
    pub kind: Kind,
}

#[derive(Clone, Debug)]
pub struct Mention {
    pub start: usize, // incl. a leading qualifier
    pub num_start: usize,
    pub end: usize,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub value_normalized: Option<f64>,
    pub unit_normalized: Option<String>,
    pub kind: Kind,
    pub qualifier: Option<String>,
    pub growth_pct: Option<f64>,
    pub growth_basis: Option<&'static str>,
}

/// The mention pattern's groups: pre, pct, num, q1, mag, q2, unit, post.
pub struct MentionFinder {
    pattern: Re,
    groups: [usize; 8],
    units: HashMap<String, Unit>,
    pre_qualifiers: HashMap<String, String>,
    score_after: Re,
    refuse_after: Re,
    /// Chinese numerals (numbers.CHINESE_NUMERAL_CHARS).
    chinese_numerals: String,
    /// Characters that make a number right after them a code or part of one ("前3", "+5").
    refuse_before: String,
}

impl MentionFinder {
    /// `patterns` holds "mention", "score_after" and "refuse_after", `chars` "chinese_numerals"
    /// and "refuse_before" (see indicators.py).
    pub fn new(
        patterns: &HashMap<String, String>,
        chars: &HashMap<String, String>,
        units: HashMap<String, Unit>,
        pre_qualifiers: HashMap<String, String>,
    ) -> MentionFinder {
        let set = |name: &str| chars.get(name).cloned().unwrap_or_else(|| panic!("no character set {name}"));
        let re = |name: &str| Re::new(patterns.get(name).unwrap_or_else(|| panic!("no pattern {name}")));
        let pattern = re("mention");
        let caps = pattern.locations();
        let groups = ["pre", "pct", "num", "q1", "mag", "q2", "unit", "post"].map(|name| caps.index(name));
        MentionFinder {
            pattern,
            groups,
            units,
            pre_qualifiers,
            score_after: re("score_after"),
            refuse_after: re("refuse_after"),
            chinese_numerals: set("chinese_numerals"),
            refuse_before: set("refuse_before"),
        }
    }

    pub fn find(&self, text: &str, masks: &Spans, slogan_quotes: &Spans) -> Vec<Mention> {
        let mut caps = self.pattern.locations();
        let mut found = Vec::new();
        let mut position = 0;
        // The pattern never matches the empty string, so the next search starts at the end.
        while self.pattern.search_groups(text, position, text.len(), &mut caps) {
            position = caps.whole().1;
            let g = |i: usize| caps.span(self.groups[i]);
            // Most matches are a number without a unit (a name, code or date part, or a lone "一").
            if let Some((ns, ne)) = g(2) {
                if g(4).is_none() && g(6).is_none() && !text[ns..ne].contains('/')
                    && !self.score_after.is_at(text, position)
                {
                    continue;
                }
            }
            if let Some(mention) = self.mention(text, &caps, masks, slogan_quotes) {
                found.push(mention);
            }
        }
        found
    }

    fn mention(&self, text: &str, caps: &Captures, masks: &Spans, slogan_quotes: &Spans) -> Option<Mention> {
        let group = |i: usize| caps.span(self.groups[i]).map(|(a, b)| &text[a..b]);
        let (pre, pct, number, q1, magnitude, q2, unit_text, post) =
            (group(0), group(1), group(2), group(3), group(4), group(5), group(6), group(7));
        let (start, end) = caps.whole();
        let number_text = number.or(pct)?;
        let num_start = match caps.span(self.groups[2]) {
            Some((s, _)) => s,
            None => crate::doc::back(text, caps.span(self.groups[1])?.0, 3),
        };
        if masks.covers(num_start) {
            return None;
        }
        let before = if num_start > 0 { char_before(text, num_start) } else { None };
        let chinese = self.chinese_numerals.contains(number_text.chars().next()?);
        if let Some(b) = before {
            if (b.is_ascii() && b.is_ascii_alphanumeric()) || self.refuse_before.contains(b) {
                return None;
            }
        }
        let after_end = forward(text, end, 4);
        if self.refuse_after.at(text, end, after_end).is_some()
            || (post.is_some() && char_at(text, end) == Some('的'))
        {
            return None;
        }
        if before == Some('第') && unit_text != Some("天") {
            return None;
        }
        if pct.is_some() {
            let value = parse_number(number_text)?;
            return Some(Mention {
                start, num_start, end, value: Some(value), unit: Some("%".into()), value_normalized: Some(value),
                unit_normalized: Some("percent".into()), kind: Kind::Percent, qualifier: None, growth_pct: None,
                growth_basis: None,
            });
        }
        if chinese {
            if number_text == "一" || (unit_text.is_some() && at_end_or_in(text, end, &self.chinese_numerals)) {
                return None;
            }
            if number_text.starts_with(['零', '〇']) {
                return None; // "零部件", "零距离"
            }
            let only_magnitude = number_text.chars().all(|c| "十百千".contains(c));
            if only_magnitude && !(q1.is_some() || q2.is_some() || (magnitude.is_some() && unit_text.is_some())) {
                return None; // "十分", "千家万户", "千亿产业"; but "十余家", "千亿元"
            }
            if let Some(u) = unit_text {
                if u == "期" || u == "分" || self.units.get(u).map(|unit| unit.kind) == Some(Kind::Duration) {
                    return None;
                }
            }
        }
        let value = parse_number(number_text)?;
        let unit = unit_text.and_then(|u| self.units.get(u));
        match unit {
            None => {
                if magnitude.is_none() && slogan_quotes.covers(num_start) {
                    return None;
                }
            }
            Some(u) => {
                if !matches!(u.kind, Kind::Money | Kind::Percent) && slogan_quotes.covers(num_start) {
                    return None;
                }
            }
        }
        let qualifier = post
            .or(q1)
            .or(q2)
            .map(str::to_string)
            .or_else(|| pre.and_then(|p| self.pre_qualifiers.get(p).cloned()));
        let exponent = magnitude_exponent(magnitude.unwrap_or(""));
        let base = Mention {
            start, num_start, end, value: Some(value), unit: None, value_normalized: None, unit_normalized: None,
            kind: Kind::Count, qualifier, growth_pct: None, growth_basis: None,
        };
        if number_text.contains('/') {
            if unit.is_some() || magnitude.is_some() {
                return None;
            }
            return Some(Mention {
                value: Some(round_to(value, 4)),
                value_normalized: Some(round_to(value * 100.0, 2)),
                unit_normalized: Some("percent".into()),
                kind: Kind::Percent,
                ..base
            });
        }
        let Some(unit) = unit else {
            if let Some(m) = magnitude {
                if exponent >= 4 {
                    // "6100万", "冲刺3000亿": in economic news a bare magnitude is an amount of money.
                    return Some(Mention {
                        unit: Some(m.to_string()),
                        value_normalized: Some(scaled(value, exponent)),
                        unit_normalized: Some("CNY".into()),
                        kind: Kind::Money,
                        ..base
                    });
                }
            }
            if self.score_after.is_at(text, end) {
                return Some(Mention {
                    unit: Some("分".into()),
                    value_normalized: Some(value),
                    unit_normalized: Some("score".into()),
                    kind: Kind::Score,
                    ..base
                });
            }
            return None;
        };
        if matches!(unit.kind, Kind::Percent | Kind::Pp | Kind::Score) {
            if magnitude.is_some() {
                return None;
            }
            return Some(Mention {
                unit: Some(unit.text.clone()),
                value_normalized: Some(value),
                unit_normalized: Some(unit.normalized.clone()),
                kind: unit.kind,
                ..base
            });
        }
        let written = match magnitude {
            Some(m) => format!("{m}{}", unit.text),
            None => unit.text.clone(),
        };
        Some(Mention {
            unit: Some(written),
            value_normalized: Some(scaled(value, exponent)),
            unit_normalized: Some(unit.normalized.clone()),
            kind: unit.kind,
            ..base
        })
    }
}
