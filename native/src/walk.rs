//! Steps 1, 3 and 4 of the read (see newsmon/extract/indicators.py, which documents the rules and
//! holds every pattern used here): mask what is not a quantity, walk paragraphs, sentences and
//! clauses keeping the period and subject in force, and make one record per figure.

use std::collections::HashMap;
use std::rc::Rc;

use crate::doc::{at_end_or_in, back, char_at, char_before, forward, last_chars, first_chars, Captures, Re, Spans};
use crate::mentions::{Kind, Mention, MentionFinder};
use crate::numbers::parse_number;

/// Declares `Patterns` with one field per name and builds it from the strings indicators.py
/// hands over under the same names.
macro_rules! patterns {
    ($($name:ident),* $(,)?) => {
        /// Every pattern the walk uses, compiled once.
        pub struct Patterns {
            $(pub $name: Re,)*
        }

        impl Patterns {
            pub fn new(source: &HashMap<String, String>) -> Patterns {
                let re = |name: &str| Re::new(source.get(name).unwrap_or_else(|| panic!("no pattern {name}")));
                Patterns { $($name: re(stringify!($name)),)* }
            }
        }
    };
}

patterns!(
    period, deictic, fixed_phrases, short_quote, book_title, slogan_expansion, plus_code, rank_hint,
    clause_end, speech_clause, leading_words, period_lead, org_suffix, topic_suffix, topic_org,
    anaphoric_org, project_topic, project_after_amount, this_project, generic_project,
    metric_trim_left, metric_trim_right, metric_split, growth_before, basis, rank, bare_rank, scope,
    leading_verb, shared, growth_word_tail, post_cut, duration_lead, score_head, adverbial,
    pre_qualifier_tail, leading_context, zone_after_name, leading_zone, point, bare_year
);

/// Words and character sets the walk tests before trying a pattern.
pub struct Words {
    pub vague_years: Vec<String>,
    pub speech_verbs: Vec<String>,
    pub as_of_now: Vec<String>,
    pub this_project: Vec<String>,
    pub metric_trim_right: Vec<String>,
    pub pre_qualifier_words: Vec<String>,
    pub generic_metrics: Vec<String>,
    pub negative_directions: Vec<String>,
    pub leading_first_chars: String,
    pub deictic_first_chars: String,
    pub period_lead_chars: String,
    pub context_first_chars: String,
    pub refuse_object_before: String,
    pub object_verbs: Vec<String>,
}

/// A division the article names (or its context), as the Python side described it.
pub struct RegionInfo {
    pub name: String,
    pub code: Option<String>,
    pub parents: Rc<Vec<String>>,
    pub chain: Rc<Vec<String>>,
}

/// The gazetteer's names, for "longest name at the start of this wording".
pub struct Names {
    pub names: std::collections::HashSet<String>,
    /// By first two characters: the names' lengths in characters, longest first.
    pub lengths: HashMap<String, Vec<usize>>,
}

impl Names {
    fn longest_at_start<'a>(&self, text: &'a str) -> Option<&'a str> {
        let head = first_chars(text, 2);
        for &length in self.lengths.get(head)? {
            let end = forward(text, 0, length);
            let name = &text[..end];
            if crate::doc::char_len(name) == length && self.names.contains(name) {
                return Some(name);
            }
        }
        None
    }
}

pub struct Subject {
    pub name: String,
    pub code: Option<String>,
    pub parents: Rc<Vec<String>>,
}

pub struct Record {
    pub metric: Option<String>,
    pub subject: Option<Rc<Subject>>,
    pub period: Option<String>,
    pub mention: Option<Mention>,
    pub rank: Option<i64>,
    pub rank_scope: Option<String>,
    pub quote_start: usize,
    pub quote_end: usize,
    segment: usize,
}

#[derive(Clone, Copy)]
struct Clause {
    start: usize,
    end: usize,
    delimiter_colon: bool,
    segment: usize,
    sentence_first: bool,
}

pub struct Paragraph {
    pub start: usize,
    pub end: usize,
    pub body: bool,
}

/// What the article says about its regions: mentions (byte spans) and the deictic resolutions.
pub struct ArticleRegions {
    pub mentions: Vec<(usize, usize, usize)>, // start, end, index into regions
    pub regions: Vec<RegionInfo>,
    /// The region "全省/省委…", "全市/市委…", "全县…" and other deictic words stand for.
    pub province: Option<usize>,
    pub city: Option<usize>,
    pub county: Option<usize>,
    pub district: Option<usize>,
    pub context: Option<usize>,
    pub main: Option<usize>, // regions.main or the context region
}

pub struct Engine {
    pub p: Patterns,
    pub w: Words,
    pub mentions: MentionFinder,
    pub names: Names,
}

pub struct Reader<'a> {
    e: &'a Engine,
    text: &'a str,
    regions: &'a ArticleRegions,
    region_at: HashMap<usize, (usize, usize)>,
    region_starts: Vec<usize>,
    periods: Vec<(usize, usize)>,
    period_starts: Vec<usize>,
    period_at: HashMap<usize, usize>,
    mentions: Vec<Mention>,
    mention_starts: Vec<usize>,
    rank_hints: Vec<usize>,
    figure_starts: Vec<usize>,
    last_figure: Option<usize>,
    pub records: Vec<Record>,
    doc_period: Option<(usize, usize)>,
    topic: Option<Rc<Subject>>,
    project: Option<Rc<Subject>>,
    last_org: Option<Rc<Subject>>,
    empty_chain: Rc<Vec<String>>,
}

fn sorted_insert_point(list: &[usize], value: usize) -> usize {
    list.partition_point(|&x| x < value)
}

impl<'a> Reader<'a> {
    pub fn new(e: &'a Engine, text: &'a str, regions: &'a ArticleRegions) -> Reader<'a> {
        let p = &e.p;
        let slogan_quotes = p.short_quote.find_all(text, 0, text.len());
        let in_slogan = Spans::of(slogan_quotes.clone());
        let periods: Vec<(usize, usize)> = p
            .period
            .find_all(text, 0, text.len())
            .into_iter()
            .filter(|&(s, e)| real_period(text, s, e) && !in_slogan.covers(s))
            .collect();
        let mut masked: Vec<(usize, usize)> = periods.clone();
        masked.extend(regions.mentions.iter().map(|&(s, e, _)| (s, e)));
        masked.extend(p.book_title.find_all(text, 0, text.len()));
        let mut caps = p.slogan_expansion.locations();
        let paren = caps.index("paren");
        let mut position = 0;
        while p.slogan_expansion.search_groups(text, position, text.len(), &mut caps) {
            masked.push(caps.span(paren).unwrap());
            position = caps.whole().1;
        }
        masked.extend(p.fixed_phrases.find_all(text, 0, text.len()));
        if text.contains('+') {
            masked.extend(p.plus_code.find_all(text, 0, text.len()));
        }
        let mentions = e.mentions.find(text, &Spans::of(masked), &Spans::of(slogan_quotes));
        let mention_starts: Vec<usize> = mentions.iter().map(|m| m.num_start).collect();
        let rank_hints: Vec<usize> = p.rank_hint.find_all(text, 0, text.len()).into_iter().map(|(s, _)| s).collect();
        let mut figure_starts: Vec<usize> = mention_starts.iter().chain(rank_hints.iter()).copied().collect();
        figure_starts.sort();
        let mut region_at = HashMap::new();
        for &(s, end, index) in &regions.mentions {
            region_at.insert(s, (end, index));
        }
        let mut region_starts: Vec<usize> = region_at.keys().copied().collect();
        region_starts.sort();
        let mut period_at = HashMap::new();
        for &(s, end) in &periods {
            period_at.insert(s, end);
        }
        Reader {
            e,
            text,
            regions,
            region_at,
            region_starts,
            period_starts: periods.iter().map(|&(s, _)| s).collect(),
            periods,
            period_at,
            mentions,
            mention_starts,
            rank_hints,
            last_figure: figure_starts.last().copied(),
            figure_starts,
            records: Vec::new(),
            doc_period: None,
            topic: None,
            project: None,
            last_org: None,
            empty_chain: Rc::new(Vec::new()),
        }
    }

    fn period_text(&self, span: (usize, usize)) -> &'a str {
        &self.text[span.0..span.1]
    }

    fn is_point(&self, period: &str) -> bool {
        self.e.p.point.contains(period)
    }

    fn is_bare_year(&self, period: &str) -> bool {
        matches!(self.e.p.bare_year.at(period, 0, period.len()), Some((_, e)) if e == period.len())
    }

    // -- subjects --

    fn region_subject(&self, index: usize) -> Rc<Subject> {
        let region = &self.regions.regions[index];
        Rc::new(Subject { name: region.name.clone(), code: region.code.clone(), parents: region.parents.clone() })
    }

    fn resolve_deictic(&self, word: &str) -> Option<usize> {
        let r = self.regions;
        if word.contains('省') {
            r.province
        } else if word.contains('市') {
            r.city
        } else if word.contains('县') {
            r.county
        } else {
            r.district
        }
    }

    fn deictic_subject(&self, word: &str) -> Option<Rc<Subject>> {
        let region = self.resolve_deictic(word).or(self.regions.context)?;
        Some(self.region_subject(region))
    }

    fn context_chain(&self) -> Rc<Vec<String>> {
        match self.regions.main {
            Some(main) => self.regions.regions[main].chain.clone(),
            None => self.empty_chain.clone(),
        }
    }

    /// The region, deictic word or organisation starting at `position`, and where it ends.
    fn subject_at(&mut self, position: usize, limit: usize) -> (Option<Rc<Subject>>, usize) {
        if let Some(&(end, region)) = self.region_at.get(&position) {
            return (Some(self.region_subject(region)), end);
        }
        let text = self.text;
        let deictic_first = at_end_or_in(text, position, &self.e.w.deictic_first_chars);
        if deictic_first {
            if let Some((s, e)) = self.e.p.deictic.at(text, position, limit) {
                return (self.deictic_subject(&text[s..e]), e);
            }
        }
        if at_end_or_in(text, position, "该本") {
            let mut caps = self.e.p.anaphoric_org.locations();
            if self.e.p.anaphoric_org.at_groups(text, position, limit, &mut caps) {
                let (a, b) = caps.span(1).unwrap();
                if let Some(org) = &self.last_org {
                    if org.name.ends_with(&text[a..b]) {
                        return (Some(org.clone()), caps.whole().1);
                    }
                }
            }
        }
        if let Some((s, e)) = self.organisation_at(position, limit) {
            let name = &text[s..e];
            if !(name.starts_with('该') || name.starts_with('本') || name.starts_with("这个")) {
                if name == "市委" || name == "市政府" {
                    return (self.deictic_subject("全市"), e);
                }
                let subject = self.organisation(name);
                self.last_org = Some(subject.clone());
                return (Some(subject), e);
            }
        }
        (None, position)
    }

    /// An organisation; "市发改委" is written out as its city's ("荆州市发改委").
    fn organisation(&self, name: &str) -> Rc<Subject> {
        let mut chars = name.chars();
        let level = chars.next();
        let second = chars.next();
        if let Some(level) = level {
            if "省市区县".contains(level) && !second.is_none_or(|c| "委政".contains(c)) {
                let region = self.resolve_deictic(&format!("全{level}")).or(if level == '市' {
                    self.regions.context
                } else {
                    None
                });
                if let Some(region) = region {
                    let info = &self.regions.regions[region];
                    return Rc::new(Subject {
                        name: format!("{}{}", info.name, &name[level.len_utf8()..]),
                        code: None,
                        parents: info.chain.clone(),
                    });
                }
            }
        }
        Rc::new(Subject { name: name.to_string(), code: None, parents: self.context_chain() })
    }

    /// Where the clause's content starts after quotes and adverbs such as 其中/同时/力争.
    fn after_leading_words(&self, position: usize, end: usize) -> usize {
        if at_end_or_in(self.text, position, &self.e.w.leading_first_chars) {
            if let Some((_, e)) = self.e.p.leading_words.at(self.text, position, end) {
                return e;
            }
        }
        position
    }

    /// Subject in topic position of a clause; `position` is past leading adverbs and the period.
    fn topic_at(&mut self, position: usize, clause_end: usize) -> Option<Rc<Subject>> {
        let (subject, end) = self.subject_at(position, clause_end);
        if let Some(subject) = subject {
            if matches!(char_at(self.text, end), Some('、' | '和' | '与' | '及' | '等')) {
                return None; // several subjects share the clause
            }
            return Some(subject);
        }
        if let Some((s, e)) = self.project_at(position, clause_end) {
            let name = &self.text[s..e];
            if !self.e.p.generic_project.is_at(name, 0) {
                let project = Rc::new(Subject { name: name.to_string(), code: None, parents: self.context_chain() });
                self.project = Some(project.clone());
                return Some(project);
            }
        }
        if let Some(project) = &self.project {
            if self.e.w.this_project.iter().any(|w| self.text[position..].starts_with(w.as_str())) {
                return Some(project.clone());
            }
        }
        None
    }

    /// The nearest region or deictic word before `before` in the clause, if any.
    fn subject_in_clause(&self, clause: &Clause, before: usize) -> Option<Rc<Subject>> {
        let text = self.text;
        let mut chosen: Option<(usize, Rc<Subject>)> = None;
        let mut index = sorted_insert_point(&self.region_starts, clause.start);
        while index < self.region_starts.len() && self.region_starts[index] < before {
            let start = self.region_starts[index];
            let (end, region) = self.region_at[&start];
            if end <= before && !self.is_object(start) && !matches!(char_at(text, end), Some('、' | '等')) {
                chosen = Some((start, self.region_subject(region)));
            }
            index += 1;
        }
        for (s, e) in self.e.p.deictic.find_all(text, clause.start, before) {
            if !self.is_object(s) && chosen.as_ref().is_none_or(|(at, _)| s > *at) {
                if let Some(subject) = self.deictic_subject(&text[s..e]) {
                    chosen = Some((s, subject));
                }
            }
        }
        chosen.map(|(_, subject)| subject)
    }

    /// A place right after a preposition or verb is not the subject ("占全市比重", "在全市…中").
    fn is_object(&self, position: usize) -> bool {
        let text = self.text;
        let before = &text[back(text, position, 2)..position];
        match char_before(text, position) {
            None => true,
            Some(c) => self.e.w.refuse_object_before.contains(c) || self.e.w.object_verbs.iter().any(|v| v == before),
        }
    }

    // -- periods --

    /// (period, end, standalone) for a period opening the clause (after 仅/在/截至...).
    fn period_at_clause_start(&self, position: usize, clause_end: usize) -> Option<((usize, usize), bool)> {
        let mut found = self.period_at.get(&position).map(|&e| (position, e));
        if found.is_none() && at_end_or_in(self.text, position, &self.e.w.period_lead_chars) {
            if let Some((_, lead_end)) = self.e.p.period_lead.at(self.text, position, clause_end) {
                found = self.period_at.get(&lead_end).map(|&e| (lead_end, e));
            }
        }
        let (start, end) = found?;
        let rest = if end <= clause_end { &self.text[end..clause_end] } else { "" };
        let standalone = matches!(rest, "" | "内" | "中" | "里" | "期间" | "来");
        Some(((start, end), standalone))
    }

    fn periods_in(&self, start: usize, end: usize) -> &[(usize, usize)] {
        let first = sorted_insert_point(&self.period_starts, start);
        let last = sorted_insert_point(&self.period_starts, end);
        &self.periods[first..last.max(first)]
    }

    // -- the walk --

    pub fn read(&mut self, paragraphs: &[Paragraph]) {
        let mut segment = 0;
        for paragraph in paragraphs {
            match self.last_figure {
                Some(last) if paragraph.start <= last => {}
                _ => break, // only a figure makes or changes a record: the rest of the walk is idle
            }
            if !paragraph.body {
                self.doc_period = None;
                continue;
            }
            let clauses = self.clauses(paragraph.start, paragraph.end, segment);
            if let Some(last) = clauses.last() {
                segment = last.segment + 1;
                self.read_paragraph(&clauses);
            }
        }
    }

    fn clauses(&self, start: usize, end: usize, first_segment: usize) -> Vec<Clause> {
        let text = self.text;
        let mut clauses = Vec::new();
        let (mut position, mut segment, mut sentence_first) = (start, first_segment, true);
        for (mark_start, mark_end) in self.e.p.clause_end.find_all(text, start, end) {
            let marks = &text[mark_start..mark_end];
            if mark_start > position {
                clauses.push(Clause {
                    start: position,
                    end: mark_start,
                    delimiter_colon: marks.starts_with(['：', ':']),
                    segment,
                    sentence_first,
                });
                sentence_first = false;
            }
            position = mark_end;
            if marks != "，" && marks.contains(['；', ';', '。', '！', '？', '!', '?', '…']) {
                segment += 1;
                if marks.contains(['。', '！', '？', '!', '?', '…']) {
                    sentence_first = true;
                }
            }
        }
        if position < end {
            clauses.push(Clause { start: position, end, delimiter_colon: false, segment, sentence_first });
        }
        clauses
    }

    fn ends_with_speech_verb(&self, start: usize, end: usize) -> bool {
        let clause = &self.text[start..end];
        self.e.w.speech_verbs.iter().any(|verb| clause.ends_with(verb.as_str()))
    }

    /// True for a clause that sets no period, subject or speaker.
    fn inert(&self, start: usize, end: usize) -> bool {
        let text = self.text;
        if self.ends_with_speech_verb(start, end) {
            return false;
        }
        let position = if matches!(char_at(text, start), Some('“' | '‘')) { crate::doc::next_char(text, start) } else { start };
        if char_at(text, position).is_some_and(|c| self.e.w.context_first_chars.contains(c))
            || self.period_at.contains_key(&position)
            || self.region_at.contains_key(&position)
        {
            return false;
        }
        let window = forward(text, position, 27).min(end);
        if self.e.p.topic_suffix.search(text, position, window).is_none() {
            return true;
        }
        self.organisation_at(position, end).is_none() && self.project_at(position, end).is_none()
    }

    /// An organisation name in topic position ("市发改委将…"); its suffix is checked first.
    fn organisation_at(&self, position: usize, limit: usize) -> Option<(usize, usize)> {
        let window = forward(self.text, position, 18).min(limit);
        self.e.p.org_suffix.search(self.text, position, window)?;
        self.e.p.topic_org.at(self.text, position, limit)
    }

    /// A project name in topic position ("XX项目总投资…"); "项目" is looked for first.
    fn project_at(&self, position: usize, limit: usize) -> Option<(usize, usize)> {
        let window = forward(self.text, position, 27);
        self.text[position..window].find("项目")?;
        self.e.p.project_topic.at(self.text, position, limit)
    }

    fn read_paragraph(&mut self, clauses: &[Clause]) {
        let text = self.text;
        let mut para_period = self.doc_period;
        let mut sentence_period: Option<(usize, usize)> = None;
        let mut sentence_subject: Option<Rc<Subject>> = None;
        let mut segment_periods: HashMap<usize, Vec<(usize, (usize, usize))>> = HashMap::new();
        let mut speech_next = false;
        let mut pending_rank: Option<Record> = None;
        let last_figure = self.last_figure.unwrap_or(0);
        for (index, clause) in clauses.iter().enumerate() {
            let (start, end, segment) = (clause.start, clause.end, clause.segment);
            if start > last_figure && pending_rank.is_none() {
                break; // as in read()
            }
            let sentence_initial = clause.sentence_first || speech_next;
            if clause.sentence_first {
                sentence_period = None;
                sentence_subject = None;
            }
            // Does a number or a ranking phrase start inside the clause?
            let first_figure = sorted_insert_point(&self.figure_starts, start);
            let figures = first_figure < self.figure_starts.len() && self.figure_starts[first_figure] < end;
            if !figures && pending_rank.is_none() && self.inert(start, end) {
                speech_next = false;
                continue;
            }
            speech_next = self.ends_with_speech_verb(start, end) && {
                let trimmed = text[start..end].trim_start_matches(['“', '‘']);
                self.e.p.speech_clause.is_at(trimmed, 0)
            };
            if speech_next {
                let (speaker, _) = self.subject_at(start, end);
                if let Some(speaker) = speaker {
                    self.topic = Some(speaker.clone());
                    sentence_subject = Some(speaker);
                }
                continue;
            }
            let mut position = if matches!(char_at(text, start), Some('“' | '‘')) { crate::doc::next_char(text, start) } else { start };
            let mut clause_period = None;
            if let Some((period, standalone)) = self.period_at_clause_start(position, end) {
                let period_text = self.period_text(period);
                if self.is_point(period_text) {
                    if standalone && sentence_initial {
                        sentence_period = Some(period);
                    } else {
                        clause_period = Some(period);
                    }
                } else if !(self.is_bare_year(period_text) && !standalone) {
                    para_period = Some(period);
                    if index == 0 && standalone && !self.e.w.vague_years.iter().any(|y| y == period_text) {
                        self.doc_period = Some(period);
                    }
                }
                position = self.after_leading_words(period.1, end);
            } else {
                position = self.after_leading_words(position, end);
                if self.e.w.as_of_now.iter().any(|w| text[position..].starts_with(w.as_str())) {
                    para_period = None;
                }
            }
            if let Some(topic) = self.topic_at(position, end) {
                let is_project = self.project.as_ref().is_some_and(|p| Rc::ptr_eq(p, &topic));
                if !is_project {
                    self.topic = Some(topic.clone());
                }
                sentence_subject = Some(topic);
            }
            let mut mentions: Vec<usize> = Vec::new();
            let mut ranks: Vec<(i64, Option<String>, usize)> = Vec::new();
            if figures {
                mentions = self.mentions_in(clause);
                let hint = sorted_insert_point(&self.rank_hints, start);
                if hint < self.rank_hints.len() && self.rank_hints[hint] < end {
                    ranks = self.rank_matches(clause);
                }
            }
            if mentions.is_empty() && ranks.is_empty() {
                if pending_rank.as_ref().is_some_and(|r| segment != r.segment) {
                    self.records.push(pending_rank.take().unwrap());
                }
                continue;
            }
            let mut period_for: Option<(usize, usize)> = clause_period.or_else(|| {
                self.periods_in(clause.start, clause.end)
                    .iter()
                    .find(|&&span| !(self.is_bare_year(self.period_text(span)) && para_period.is_some()))
                    .copied()
            });
            if period_for.is_none() {
                let candidates = segment_periods.entry(segment).or_insert_with(|| self.segment_periods(clauses, index));
                // The nearest in characters, the first of equals (as Python's min).
                let distance = |at: usize| crate::doc::char_len(&text[at.min(clause.start)..at.max(clause.start)]);
                if let Some(best) = candidates.iter().min_by_key(|(s, _)| distance(*s)) {
                    period_for = Some(best.1);
                }
            }
            let period_for = period_for.or(sentence_period).or(para_period);
            pending_rank = self.emit(clause, mentions, ranks, period_for, sentence_subject.clone(), pending_rank);
        }
        if let Some(rank) = pending_rank {
            self.records.push(rank);
        }
    }

    /// Spans named inside the clauses of the "；" segment of clauses[index] (not opening them).
    fn segment_periods(&self, clauses: &[Clause], index: usize) -> Vec<(usize, (usize, usize))> {
        let segment = clauses[index].segment;
        let mut first = index;
        while first > 0 && clauses[first - 1].segment == segment {
            first -= 1;
        }
        let mut found = Vec::new();
        for member in &clauses[first..] {
            if member.segment != segment {
                break;
            }
            let periods = self.periods_in(member.start, member.end);
            if periods.is_empty() {
                continue;
            }
            let from = if matches!(char_at(self.text, member.start), Some('“' | '‘')) {
                crate::doc::next_char(self.text, member.start)
            } else {
                member.start
            };
            let opening = self.e.p.period_lead.at(self.text, from, self.text.len()).map_or(from, |(_, e)| e);
            for &(start, end) in periods {
                let period = &self.text[start..end];
                if self.is_point(period) || self.is_bare_year(period) || start == opening {
                    continue;
                }
                found.push((start, (start, end)));
            }
        }
        found
    }

    /// Indexes of the mentions whose number starts inside the clause, growth phrases applied.
    fn mentions_in(&mut self, clause: &Clause) -> Vec<usize> {
        let mut index = sorted_insert_point(&self.mention_starts, clause.start);
        let mut found = Vec::new();
        while index < self.mentions.len() && self.mentions[index].num_start < clause.end {
            let mention = &mut self.mentions[index];
            if mention.start < clause.start {
                mention.start = clause.start;
            }
            if mention.kind == Kind::Percent || mention.unit.as_deref() == Some("倍") {
                apply_growth(self.e, mention, self.text, clause.start);
            }
            found.push(index);
            index += 1;
        }
        found
    }

    /// (rank, scope, start) for each ranking phrase in the clause.
    fn rank_matches(&self, clause: &Clause) -> Vec<(i64, Option<String>, usize)> {
        let (text, p) = (self.text, &self.e.p);
        let mut ranks = Vec::new();
        let mut caps = p.rank.locations();
        let (champion, n, scope, scope2, scope3) =
            (caps.index("champion"), caps.index("n"), caps.index("scope"), caps.index("scope2"), caps.index("scope3"));
        let group = |caps: &Captures, i: usize| caps.span(i).map(|(a, b)| &text[a..b]);
        let mut position = clause.start;
        let mut found = false;
        while p.rank.search_groups(text, position, clause.end, &mut caps) {
            let (match_start, match_end) = caps.whole();
            position = match_end;
            found = true;
            if let Some(word) = group(&caps, champion) {
                let mut scope_found = None;
                for (s, e) in p.scope.find_all(text, back(text, clause.start, 40), match_start) {
                    scope_found = Some(text[s..e].to_string());
                }
                let rank = match word {
                    "冠军" => 1,
                    "亚军" => 2,
                    _ => 3,
                };
                ranks.push((rank, scope_found, match_start));
                continue;
            }
            let Some(number) = group(&caps, n) else {
                let scope = group(&caps, scope3).filter(|s| !s.is_empty()).map(str::to_string);
                ranks.push((1, scope, match_start));
                continue;
            };
            let scope = group(&caps, scope)
                .filter(|s| !s.is_empty())
                .or_else(|| group(&caps, scope2).filter(|s| !s.is_empty()))
                .map(str::to_string);
            if let Some(rank) = parse_number(number) {
                if rank != 0.0 {
                    ranks.push((rank as i64, scope, match_start));
                }
            }
        }
        if !found {
            let mut caps = p.bare_rank.locations();
            let (noun, n) = (caps.index("noun"), caps.index("n"));
            let mut position = clause.start;
            while p.bare_rank.search_groups(text, position, clause.end, &mut caps) {
                position = caps.whole().1;
                let (noun_start, noun_end) = caps.span(noun).unwrap();
                let (a, b) = caps.span(n).unwrap();
                if let Some(rank) = parse_number(&text[a..b]) {
                    if rank != 0.0 && !p.leading_verb.is_at(&text[noun_start..noun_end], 0) {
                        ranks.push((rank as i64, None, noun_end));
                    }
                }
            }
        }
        ranks
    }

    fn emit(
        &mut self,
        clause: &Clause,
        mention_indexes: Vec<usize>,
        ranks: Vec<(i64, Option<String>, usize)>,
        period: Option<(usize, usize)>,
        sentence_subject: Option<Rc<Subject>>,
        mut pending_rank: Option<Record>,
    ) -> Option<Record> {
        let text = self.text;
        let period_text = period.map(|span| self.period_text(span).to_string());
        let first_clause_record = self.records.len();
        let mut previous_end = clause.start;
        for (position, &mention_index) in mention_indexes.iter().enumerate() {
            let mention = self.mentions[mention_index].clone();
            let following: Vec<&Mention> =
                mention_indexes[position + 1..].iter().take(2).map(|&i| &self.mentions[i]).collect();
            let mut metric = metric_for(self.e, text, clause, &mention, previous_end, &following);
            // No wording of its own right after the figure before it: that figure's metric.
            if metric.is_empty()
                && mention.kind != Kind::Growth
                && position > 0
                && previous_end == mention.start
                && self.records.len() > first_clause_record
            {
                metric = self.records.last().unwrap().metric.clone().unwrap_or_default();
            }
            previous_end = mention.end;
            if mention.kind == Kind::Growth && metric.is_empty() {
                if let Some(target) = self.last_record_mut(clause.segment) {
                    if let Some(target_mention) = target.mention.as_mut() {
                        if target_mention.growth_pct.is_none() && target_mention.kind != Kind::Growth {
                            target_mention.growth_pct = mention.growth_pct;
                            target_mention.growth_basis = mention.growth_basis;
                            target.quote_end = target.quote_end.max(clause.end);
                            continue;
                        }
                    }
                }
            }
            let subject = self.subject_for(clause, &mention, sentence_subject.clone());
            let metrics = split_shared(&self.e.p, &metric);
            for single in metrics {
                self.records.push(Record {
                    metric: Some(single),
                    subject: subject.clone(),
                    period: period_text.clone(),
                    mention: Some(mention.clone()),
                    rank: None,
                    rank_scope: None,
                    quote_start: clause.start,
                    quote_end: clause.end,
                    segment: clause.segment,
                });
            }
        }
        let clause_records = self.records.len() - first_clause_record;
        if let Some(rank) = pending_rank.take() {
            let similar = clause_records > 0
                && similar(rank.metric.as_deref(), self.records[first_clause_record].metric.as_deref(), 0.75);
            if similar {
                let first = &mut self.records[first_clause_record];
                first.rank = rank.rank;
                first.rank_scope = rank.rank_scope;
                first.quote_start = rank.quote_start;
            } else {
                self.records.insert(first_clause_record, rank);
            }
        }
        for (rank, scope, rank_start) in ranks {
            if clause_records > 0 {
                let target = self.records.last_mut().unwrap();
                target.rank = Some(rank);
                if target.rank_scope.is_none() {
                    target.rank_scope = scope;
                }
                continue;
            }
            let metric = clean_metric(self.e, &text[clause.start..rank_start]);
            let generic = self.e.w.generic_metrics.contains(&metric)
                || ["增速", "增幅", "位居", "排名"].iter().any(|w| metric.starts_with(w));
            if generic {
                let segment = clause.segment;
                let found = if self.last_record_mut(segment).is_some() {
                    self.last_record_mut(segment)
                } else if segment > 0 {
                    self.last_record_mut(segment - 1)
                } else {
                    None
                };
                if let Some(target) = found {
                    if target.rank.is_none() {
                        target.rank = Some(rank);
                        target.rank_scope = scope;
                        target.quote_end = target.quote_end.max(clause.end);
                        continue;
                    }
                }
            }
            let subject = if self.e.p.this_project.is_at(text, clause.start) && self.project.is_some() {
                self.project.clone()
            } else {
                sentence_subject.clone().or_else(|| self.topic.clone()).or_else(|| self.main_subject())
            };
            let record = Record {
                metric: if metric.is_empty() { None } else { Some(metric) },
                subject,
                period: period_text.clone(),
                mention: None,
                rank: Some(rank),
                rank_scope: scope,
                quote_start: clause.start,
                quote_end: clause.end,
                segment: clause.segment,
            };
            if clause.delimiter_colon {
                pending_rank = Some(record);
            } else {
                self.records.push(record);
            }
        }
        pending_rank
    }

    fn last_record_mut(&mut self, segment: usize) -> Option<&mut Record> {
        self.records.last_mut().filter(|r| r.segment == segment)
    }

    fn main_subject(&self) -> Option<Rc<Subject>> {
        self.regions.main.map(|main| self.region_subject(main))
    }

    fn subject_for(&mut self, clause: &Clause, mention: &Mention, sentence_subject: Option<Rc<Subject>>) -> Option<Rc<Subject>> {
        let p = &self.e.p;
        let mut caps = p.project_after_amount.locations();
        if mention.kind == Kind::Money && p.project_after_amount.at_groups(self.text, mention.end, self.text.len(), &mut caps) {
            let (a, b) = caps.span(1).unwrap();
            let name = &self.text[a..b];
            if !p.generic_project.is_at(name, 0) {
                let project = Rc::new(Subject { name: name.to_string(), code: None, parents: self.context_chain() });
                self.project = Some(project.clone());
                return Some(project);
            }
        }
        self.subject_in_clause(clause, mention.start)
            .or(sentence_subject)
            .or_else(|| self.topic.clone())
            .or_else(|| self.main_subject())
    }
}

/// PERIOD_RE also hits "年" inside words; keep matches that are not glued to other digits.
fn real_period(text: &str, start: usize, end: usize) -> bool {
    let period = &text[start..end];
    if period == "以来" {
        return false;
    }
    match char_before(text, start) {
        None => true,
        Some(before) => {
            let digit = crate::digits::is_digit(before);
            !(digit || (before == '第' && !period.starts_with(['一', '二', '三', '四'])))
        }
    }
}

/// Turn a percentage right after a growth verb into a growth rate.
fn apply_growth(e: &Engine, mention: &mut Mention, text: &str, clause_start: usize) {
    let p = &e.p;
    let window_start = back(text, mention.start, 14).max(clause_start);
    let window = &text[window_start..mention.start.max(window_start)];
    let mut caps = p.growth_before.locations();
    if !p.growth_before.search_groups(window, 0, window.len(), &mut caps) {
        return;
    }
    let Some(value) = mention.value else { return };
    let group = |name: &str| caps.span(caps.index(name)).map(|(a, b)| &window[a..b]);
    let direction = group("dir").unwrap_or("");
    let mut rate = value;
    if e.w.negative_directions.iter().any(|w| direction.contains(w.as_str())) && group("to").is_none() {
        rate = -rate;
    }
    let mut basis_text = group("basis").unwrap_or("").to_string();
    if basis_text.is_empty() {
        if let Some((a, b)) = p.basis.search(text, clause_start, mention.start) {
            basis_text = text[a..b].to_string();
        }
    }
    mention.growth_pct = Some(rate);
    mention.growth_basis = Some(if basis_text.contains("环比") || basis_text.contains("上月") {
        "mom"
    } else if !basis_text.is_empty() {
        "yoy"
    } else {
        "unspecified"
    });
    mention.start = (window_start + caps.whole().0).max(clause_start);
    mention.value = None;
    mention.unit = None;
    mention.value_normalized = None;
    mention.unit_normalized = None;
    mention.kind = Kind::Growth;
    mention.qualifier = None;
}

/// The measured thing: the words before the figure, plus the noun after a count ("36名县级干部").
fn metric_for(e: &Engine, text: &str, clause: &Clause, mention: &Mention, previous_end: usize, following: &[&Mention]) -> String {
    let p = &e.p;
    let left = clause.start.max(previous_end).max(back(text, mention.start, 40));
    let mut pre_text = if left <= mention.start { &text[left..mention.start] } else { "" };
    if mention.kind != Kind::Growth {
        if let Some(cut) = pre_text.rfind('、') {
            pre_text = &pre_text[cut + '、'.len_utf8()..];
        }
    }
    let mut pre = clean_metric(e, pre_text);
    if mention.kind == Kind::Growth {
        let shared = if p.shared.search(text, mention.start, mention.num_start).is_some() { "均" } else { "" };
        if let Some((a, _)) = p.basis.search(&pre, 0, pre.len()) {
            pre = pre[..a].to_string();
        }
        let trimmed = match p.growth_word_tail.search(&pre, 0, pre.len()) {
            Some((a, b)) => format!("{}{}", &pre[..a], &pre[b..]),
            None => pre.clone(),
        };
        let pre = clean_metric(e, &trimmed);
        return if pre.is_empty() { pre } else { format!("{pre}{shared}") };
    }
    if mention.kind == Kind::Duration {
        let post_end = following.first().map_or(clause.end, |f| f.start);
        let post_text = if mention.end <= post_end { &text[mention.end..post_end] } else { "" };
        let lead = p.duration_lead.at(post_text, 0, post_text.len()).map_or(0, |(_, e)| e);
        let post = first_chars(&post_text[lead..], 20);
        let cleaned = clean_metric(e, post);
        if !cleaned.is_empty() {
            return cleaned;
        }
        return clean_metric(e, pre.strip_suffix('第').unwrap_or(&pre));
    }
    if mention.kind == Kind::Score {
        let head = p.score_head.search(text, mention.end, clause.end).map_or("", |(a, b)| &text[a..b]);
        let context = if pre.is_empty() { adverbial_context(e, text, clause) } else { pre };
        return format!("{context}{head}");
    }
    let mut post = String::new();
    if matches!(mention.kind, Kind::Count | Kind::Physical) || matches!(mention.unit.as_deref(), Some("家" | "个")) {
        let post_end = following.first().map_or(clause.end, |f| f.start);
        let mut post_text = if mention.end <= post_end { &text[mention.end..post_end] } else { "" };
        if let Some(next) = following.first() {
            if text[next.end..].starts_with('的') && next.end < clause.end {
                let after_de = next.end + '的'.len_utf8();
                let until = following.get(1).map_or(clause.end, |f| f.start);
                post_text = if after_de <= until { &text[after_de..until] } else { "" };
            }
        }
        if let Some((a, _)) = p.post_cut.search(post_text, 0, post_text.len()) {
            post_text = &post_text[..a];
        }
        post = first_chars(post_text.trim_matches('的'), 20).to_string();
    }
    let metric = if post.is_empty() { pre } else { format!("{pre}{post}") };
    last_chars(&metric, 24).to_string()
}

/// "在全市一季度项目拉练中，…95.06分" -> "项目拉练": the event a score was given in.
fn adverbial_context(e: &Engine, text: &str, clause: &Clause) -> String {
    let before = text[back(text, clause.start, 24)..clause.start].trim_end_matches(['，', ',']);
    let mut caps = e.p.adverbial.locations();
    if e.p.adverbial.search_groups(before, 0, before.len(), &mut caps) {
        let (a, b) = caps.span(1).unwrap();
        return clean_metric(e, &before[a..b]);
    }
    String::new()
}

fn python_strip(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

fn clean_metric(e: &Engine, text: &str) -> String {
    let p = &e.p;
    let mut text = strip_leading_context(e, python_strip(text));
    if let Some((_, end)) = p.metric_trim_left.at(&text, 0, text.len()) {
        text = text[end..].to_string();
    }
    // "$" also matches before a final newline, as in Python.
    if e.w.metric_trim_right.iter().any(|w| text.ends_with(w.as_str())) || text.ends_with('\n') {
        text = sub_all(&p.metric_trim_right, &text);
    }
    if e.w.pre_qualifier_words.iter().any(|w| text.ends_with(w.as_str())) || text.ends_with('\n') {
        text = sub_all(&p.pre_qualifier_tail, &text);
    }
    text.trim_matches(['“', '‘', '”', '’', ' ']).to_string()
}

/// Python's `pattern.sub("", text)`: every match removed.
fn sub_all(pattern: &Re, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (a, b) in pattern.find_all(text, 0, text.len()) {
        out.push_str(&text[last..a]);
        last = b;
    }
    out.push_str(&text[last..]);
    out
}

/// Drop the period, deictic subject and adverbs that open the words before a figure.
fn strip_leading_context(e: &Engine, text: &str) -> String {
    let p = &e.p;
    let mut text = text;
    loop {
        let previous = text;
        if let Some((_, end)) = p.leading_context.at(text, 0, text.len()) {
            text = &text[end..];
        }
        if let Some(name) = e.names.longest_at_start(first_chars(text, 12)) {
            let after = name.len();
            text = match p.zone_after_name.at(text, after, text.len()) {
                Some((_, end)) => &text[end..],
                None => &text[after..],
            };
        }
        if let Some((_, end)) = p.leading_zone.at(text, 0, text.len()) {
            text = &text[end..];
        }
        if text == previous {
            return text.to_string();
        }
    }
}

/// "企业数量和产值均占全市" -> ["企业数量占全市", "产值占全市"]: one metric per name before 均/都.
fn split_shared(p: &Patterns, metric: &str) -> Vec<String> {
    let separator = if metric.contains('均') {
        '均'
    } else if metric.contains('都') {
        '都'
    } else {
        return vec![metric.to_string()];
    };
    let (head, tail) = metric.split_once(separator).unwrap();
    let mut names = Vec::new();
    let mut last = 0;
    for (a, b) in p.metric_split.find_all(head, 0, head.len()) {
        names.push(&head[last..a]);
        last = b;
    }
    names.push(&head[last..]);
    let names: Vec<&str> = names.into_iter().filter(|n| !n.is_empty()).collect();
    if names.len() < 2 {
        return vec![metric.to_string()];
    }
    names.into_iter().map(|name| format!("{name}{tail}")).collect()
}

/// True when the wordings share at least `share` of the shorter one's characters.
fn similar(a: Option<&str>, b: Option<&str>, share: f64) -> bool {
    let (Some(a), Some(b)) = (a, b) else { return false };
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let a: std::collections::HashSet<char> = a.chars().collect();
    let b: std::collections::HashSet<char> = b.chars().collect();
    let common = a.intersection(&b).count() as f64;
    common >= share * a.len().min(b.len()) as f64
}
