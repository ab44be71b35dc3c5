//! The article text with Python's view of it: offsets inside are UTF-8 byte offsets, and the
//! helpers step by characters where the Python extractor counts characters (`text[p : p + 27]`).
//!
//! A pattern runs on the `regex` crate's engine (finite automata with literal prefilters: a scan
//! of a whole article costs a fraction of a backtracking one) unless it needs what only a
//! backtracker has (look-around, possessive repeats) or uses `$`, which in Python also matches
//! before a final newline; those run on PCRE2. Both are Unicode-aware and leftmost-first, as
//! Python's `re` is, and tests hold every pattern to `re.finditer`.

use pcre2::bytes::{CaptureLocations, Regex, RegexBuilder};
use regex_automata::meta;
use regex_automata::util::captures::Captures as MetaCaptures;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, PatternID};

/// A pattern, compiled for Python's `search` (anywhere) and `match` (anchored at a position).
pub enum Re {
    Automaton(meta::Regex),
    /// `guard`: the automaton of a leading lookahead `(?=X)`, which finds the places where a
    /// match can start faster than PCRE2 does in UTF-8 (most Chinese characters share a lead byte).
    Backtracking { search: Regex, anchored: Regex, guard: Option<meta::Regex> },
}

fn automaton(pattern: &str) -> Option<meta::Regex> {
    if pattern.contains('$') {
        return None;
    }
    meta::Regex::builder().syntax(syntax::Config::new().unicode(true).utf8(true)).build(pattern).ok()
}

/// X of a pattern that opens with the lookahead `(?=X)`.
fn leading_lookahead(pattern: &str) -> Option<&str> {
    let body = pattern.strip_prefix("(?=")?;
    let (mut depth, mut escaped, mut in_class) = (1, false, false);
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => in_class = true,
            ']' => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                depth -= 1;
                if depth == 0 {
                    return Some(&body[..i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// Python `\uXXXX` escapes written as `\x{XXXX}`, which both engines read.
fn portable_syntax(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('u') => {
                    chars.next();
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push_str("\\x{");
                    out.push_str(&hex);
                    out.push('}');
                }
                Some(&next) => {
                    chars.next();
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn pcre(pattern: &str) -> Regex {
    RegexBuilder::new()
        .utf(true)
        .ucp(true)
        .jit_if_available(true)
        .build(pattern)
        .unwrap_or_else(|error| panic!("bad pattern {pattern:?}: {error}"))
}

impl Re {
    pub fn new(pattern: &str) -> Re {
        let pattern = portable_syntax(pattern);
        if let Some(automaton) = automaton(&pattern) {
            return Re::Automaton(automaton);
        }
        Re::Backtracking {
            anchored: pcre(&format!("\\G(?:{pattern})")),
            search: pcre(&pattern),
            guard: leading_lookahead(&pattern).and_then(automaton),
        }
    }

    /// The next place at or after `position` where the guard of a guarded pattern holds.
    fn next_start(guard: &meta::Regex, subject: &[u8], position: usize) -> Option<usize> {
        guard.search(&Input::new(subject).range(position..)).map(|found| found.start())
    }

    fn find(&self, s: &str, start: usize, end: usize, anchored: bool) -> Option<(usize, usize)> {
        if start > end {
            return None;
        }
        let subject = &s.as_bytes()[..end];
        match self {
            Re::Automaton(automaton) => {
                let mode = if anchored { Anchored::Yes } else { Anchored::No };
                let found = automaton.search(&Input::new(subject).range(start..).anchored(mode))?;
                Some((found.start(), found.end()))
            }
            Re::Backtracking { anchored: at, guard: Some(guard), .. } if !anchored => {
                let mut position = start;
                loop {
                    let candidate = Self::next_start(guard, subject, position)?;
                    if let Ok(Some(found)) = at.find_at(subject, candidate) {
                        return Some((found.start(), found.end()));
                    }
                    position = next_char(s, candidate);
                    if position > subject.len() {
                        return None;
                    }
                }
            }
            Re::Backtracking { search, anchored: at, .. } => {
                let engine = if anchored { at } else { search };
                let found = engine.find_at(subject, start).ok()??;
                Some((found.start(), found.end()))
            }
        }
    }

    /// Python's `pattern.search(s, start, end)`: the first match in `s[start:end]`.
    pub fn search(&self, s: &str, start: usize, end: usize) -> Option<(usize, usize)> {
        self.find(s, start, end, false)
    }

    /// Python's `pattern.match(s, start, end)`: a match that begins at `start`.
    pub fn at(&self, s: &str, start: usize, end: usize) -> Option<(usize, usize)> {
        self.find(s, start, end, true)
    }

    pub fn is_at(&self, s: &str, start: usize) -> bool {
        self.at(s, start, s.len()).is_some()
    }

    pub fn contains(&self, s: &str) -> bool {
        self.search(s, 0, s.len()).is_some()
    }

    /// Python's `pattern.finditer(s, start, end)` (no pattern here matches the empty string).
    pub fn find_all(&self, s: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        let mut position = start;
        while position <= end {
            match self.search(s, position, end) {
                Some((a, b)) => {
                    found.push((a, b));
                    if a == b {
                        if b >= end {
                            break;
                        }
                        position = next_char(s, b);
                    } else {
                        position = b;
                    }
                }
                None => break,
            }
        }
        found
    }

    pub fn locations(&self) -> Captures {
        match self {
            Re::Automaton(automaton) => {
                let names = automaton
                    .group_info()
                    .pattern_names(PatternID::ZERO)
                    .map(|name| name.map(str::to_string))
                    .collect();
                Captures { engine: Groups::Automaton(automaton.create_captures()), names }
            }
            Re::Backtracking { search, .. } => Captures {
                engine: Groups::Backtracking(search.capture_locations()),
                names: search.capture_names().to_vec(),
            },
        }
    }

    fn find_groups(&self, s: &str, start: usize, end: usize, caps: &mut Captures, anchored: bool) -> bool {
        if start > end {
            return false;
        }
        let subject = &s.as_bytes()[..end];
        match (self, &mut caps.engine) {
            (Re::Automaton(automaton), Groups::Automaton(groups)) => {
                let mode = if anchored { Anchored::Yes } else { Anchored::No };
                automaton.search_captures(&Input::new(subject).range(start..).anchored(mode), groups);
                groups.is_match()
            }
            (Re::Backtracking { anchored: at, guard: Some(guard), .. }, Groups::Backtracking(locs)) if !anchored => {
                let mut position = start;
                loop {
                    let Some(candidate) = Self::next_start(guard, subject, position) else { return false };
                    if matches!(at.captures_read_at(locs, subject, candidate), Ok(Some(_))) {
                        return true;
                    }
                    position = next_char(s, candidate);
                    if position > subject.len() {
                        return false;
                    }
                }
            }
            (Re::Backtracking { search, anchored: at, .. }, Groups::Backtracking(locs)) => {
                let engine = if anchored { at } else { search };
                matches!(engine.captures_read_at(locs, subject, start), Ok(Some(_)))
            }
            _ => panic!("captures of another pattern"),
        }
    }

    /// `search` with groups.
    pub fn search_groups(&self, s: &str, start: usize, end: usize, caps: &mut Captures) -> bool {
        self.find_groups(s, start, end, caps, false)
    }

    /// `at` with groups.
    pub fn at_groups(&self, s: &str, start: usize, end: usize, caps: &mut Captures) -> bool {
        self.find_groups(s, start, end, caps, true)
    }
}

enum Groups {
    Automaton(MetaCaptures),
    Backtracking(CaptureLocations),
}

/// Group spans of the last match; the `\G(?:...)` wrapper adds no group, so indexes agree.
pub struct Captures {
    engine: Groups,
    names: Vec<Option<String>>,
}

impl Captures {
    pub fn span(&self, group: usize) -> Option<(usize, usize)> {
        match &self.engine {
            Groups::Automaton(groups) => groups.get_group(group).map(|span| (span.start, span.end)),
            Groups::Backtracking(locs) => locs.get(group),
        }
    }

    pub fn index(&self, name: &str) -> usize {
        self.names.iter().position(|n| n.as_deref() == Some(name)).unwrap_or_else(|| panic!("no group {name}"))
    }

    pub fn whole(&self) -> (usize, usize) {
        self.span(0).expect("a match")
    }
}

// -- character steps over UTF-8 --------------------------------------------------------------

pub fn next_char(s: &str, position: usize) -> usize {
    match s[position..].chars().next() {
        Some(c) => position + c.len_utf8(),
        None => position + 1,
    }
}

/// `position` moved `n` characters forward, at most to the end.
pub fn forward(s: &str, position: usize, n: usize) -> usize {
    let mut end = position;
    for c in s[position..].chars().take(n) {
        end += c.len_utf8();
    }
    end
}

/// `position` moved `n` characters back, at least to 0.
pub fn back(s: &str, position: usize, n: usize) -> usize {
    let mut start = position;
    for c in s[..position].chars().rev().take(n) {
        start -= c.len_utf8();
    }
    start
}

pub fn char_at(s: &str, position: usize) -> Option<char> {
    s.get(position..).and_then(|rest| rest.chars().next())
}

pub fn char_before(s: &str, position: usize) -> Option<char> {
    s[..position].chars().next_back()
}

/// Python's `text[position : position + 1] in chars` (true for the empty slice at the end).
pub fn at_end_or_in(s: &str, position: usize, chars: &str) -> bool {
    match char_at(s, position) {
        Some(c) => chars.contains(c),
        None => true,
    }
}

pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Python's `s[-n:]`.
pub fn last_chars(s: &str, n: usize) -> &str {
    &s[back(s, s.len(), n)..]
}

/// Python's `s[:n]`.
pub fn first_chars(s: &str, n: usize) -> &str {
    &s[..forward(s, 0, n)]
}

/// Byte offsets of an article to Python string offsets and back.
pub struct Offsets {
    byte_of_char: Vec<u32>,
}

impl Offsets {
    pub fn of(s: &str) -> Offsets {
        let mut byte_of_char: Vec<u32> = s.char_indices().map(|(i, _)| i as u32).collect();
        byte_of_char.push(s.len() as u32);
        Offsets { byte_of_char }
    }

    pub fn byte(&self, char_offset: usize) -> usize {
        self.byte_of_char[char_offset.min(self.byte_of_char.len() - 1)] as usize
    }

    pub fn char(&self, byte_offset: usize) -> usize {
        self.byte_of_char.partition_point(|&b| (b as usize) < byte_offset)
    }
}

// -- spans ------------------------------------------------------------------------------------

/// Sorted, merged spans with a fast "inside?" test.
#[derive(Default)]
pub struct Spans {
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl Spans {
    pub fn of(mut spans: Vec<(usize, usize)>) -> Spans {
        spans.sort();
        let mut merged = Spans::default();
        for (start, end) in spans {
            if let Some(last) = merged.ends.last_mut() {
                if start <= *last {
                    *last = (*last).max(end);
                    continue;
                }
            }
            merged.starts.push(start);
            merged.ends.push(end);
        }
        merged
    }

    pub fn covers(&self, position: usize) -> bool {
        let index = self.starts.partition_point(|&s| s <= position);
        index > 0 && position < self.ends[index - 1]
    }
}
