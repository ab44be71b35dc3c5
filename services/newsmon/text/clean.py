"""Clean an article's text: normalise characters and punctuation, rebuild newspaper layout.

`clean(raw)` returns a `CleanedText` whose `text` is the body in reading order (title and
headings kept as their own paragraphs), with bylines, photo credits and captions moved out
into metadata. Pure function: never raises on any string.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib.resources import files
from statistics import median

import numpy as np
import yaml

CJK = r"\u3400-\u9fff\uf900-\ufaff"
_WIDE_RANGES = ((0x3400, 0x9FFF), (0xF900, 0xFAFF))  # CJK as code points: two printed columns

# Full-width ASCII letters and digits, the ideographic space, and full-width signs that belong to
# numbers (％ ＋ ．) become their half-width forms; Chinese punctuation stays as it is.
_WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}
_WIDTH_TABLE |= {code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)}
_WIDTH_TABLE |= {code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)}
_WIDTH_TABLE |= {0x3000: " ", 0xFF05: "%", 0xFF0B: "+", 0xA0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " "}
_WIDTH_TABLE |= {code: None for code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xAD)}
# Control characters go too, in the same pass ("\t", "\n" and "\r" are rewritten before it).
_WIDTH_TABLE |= {code: None for code in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)}
# Translating only the runs that need it: `str.translate` looks up every character of the text.
_WIDTH_RUN_RE = re.compile("[" + "".join(re.escape(chr(code)) for code in _WIDTH_TABLE) + "]+")

_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")

_TERMINAL_MARKS = ("。", "！", "？", "!", "?", "…")
_TERMINAL_CLOSERS = "”’」』）)"
_SENTENCE_PUNCT_RE = re.compile(r"[，。；！？,;!?]")
_CLOSING_PUNCT = "，。；：、！？）”’」』》"

# Punctuation between Chinese text is written in its Chinese form; numbers keep ASCII.
_CJK_SIDE = f"[{CJK}“”‘’（）《》、，。]"


def _spaced_mark_re(mark: str) -> re.Pattern[str]:
    """`mark` and the spaces around it, with Chinese text on one side. The pattern opens with a
    lookahead for the characters a match starts with, so that the engine rejects every other
    position in one test instead of trying the look-behind there."""
    spaced = rf"[ \t]{{0,3}}{mark}[ \t]{{0,3}}"
    return re.compile(rf"(?=[ \t{mark}])(?:(?<={_CJK_SIDE}){spaced}|{spaced}(?={_CJK_SIDE}))")


_COMMA_RE = _spaced_mark_re(",")
_SEMICOLON_RE = _spaced_mark_re(";")
_COLON_RE = _spaced_mark_re(":")
_QUESTION_RE = re.compile(rf"\?(?<={_CJK_SIDE}\?)")
_EXCLAIM_RE = re.compile(rf"!(?<={_CJK_SIDE}!)")
_PARENS_RE = re.compile(rf"\(([^()\n]{{0,100}}?[{CJK}][^()\n]{{0,100}}?)\)")
_STRAIGHT_QUOTES_RE = re.compile(rf'"([^"\n]{{0,100}}?[{CJK}][^"\n]{{0,100}}?)"')
# The mark first, then the digit before it: a leading look-behind would be tried at every position.
_FULLWIDTH_POINT_RE = re.compile(r"[．。](?<=\d[．。])(?=\d)")
_ASCII_PUNCT_RE = re.compile(r'[,;:?!("．]')  # one class, so the engine skips to them in one scan
# (the ASCII mark every match contains, pattern, replacement), applied in this order.
_PUNCTUATION_RULES = (
    (",", _COMMA_RE, "，"),
    (";", _SEMICOLON_RE, "；"),
    (":", _COLON_RE, "："),
    ("?", _QUESTION_RE, "？"),
    ("!", _EXCLAIM_RE, "！"),
    ("(", _PARENS_RE, r"（\1）"),
    ('"', _STRAIGHT_QUOTES_RE, r"“\1”"),
)

# Spaces that layout, not language, put inside numbers, dates and Chinese text.
_NUMBER_SPACE_RE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
_DATE_SPACE_RE = re.compile(r"(?<=[\d年月])[ \t]{1,3}(?=\d)|(?<=\d)[ \t]{1,3}(?=[年月日号时%])")
_CJK_SPACE_RE = re.compile(rf"(?<=[{CJK}，。；：、“”（）\d])[ \t]+(?=[{CJK}，。；：、“”（）])|(?<=[{CJK}，。；：、“”（）])[ \t]+(?=\d)")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the cleaned text: `kind` is "title", "heading" or "body"; offsets into it."""

    text: str
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class CleanedText:
    """An article after cleaning. `text` keeps the original script; `simplified` is for matching."""

    text: str
    title: str | None = None
    headings: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)

    @cached_property
    def simplified(self) -> str:
        """`text` in Simplified characters, same length, so offsets hold in both."""
        return to_simplified(self.text)


@lru_cache(maxsize=1)
def _layout_vocabulary() -> dict:
    return yaml.safe_load(files("newsmon.text").joinpath("data/layout.yaml").read_text("utf-8"))


@lru_cache(maxsize=1)
def _byline_re() -> re.Pattern[str]:
    """A role, then names of two to five Chinese characters, apart by spaces, "、", "，", ":" or
    further roles. Roles are Chinese words of two characters or more, so names and roles together
    are runs of two or more Chinese characters: matching each run whole, instead of trying every
    way of cutting it into names, keeps a body line that opens with "记者" from taking exponential
    time (a line of 121 characters took 12 s)."""
    vocabulary = _layout_vocabulary()
    if not all(re.fullmatch(r"[\u4e00-\u9fff]{2,}", role) for role in vocabulary["byline_roles"]):
        raise ValueError("byline roles must be Chinese words of two characters or more")
    roles = "|".join(sorted(map(re.escape, vocabulary["byline_roles"]), key=len, reverse=True))
    names = r"[\u4e00-\u9fff·]{2,}+"
    role = rf"(?:驻[\u4e00-\u9fff]{{2,10}}?)?(?:本报|本台|本刊)?(?:{roles})"
    return re.compile(rf"^[\W_□■]*(?:{role})[ :：]*{names}(?:(?>[ 、，,]*[ :：]*){names})*[\W_]*$")


@lru_cache(maxsize=1)
def _credit_markers() -> tuple[str, ...]:
    return tuple(_layout_vocabulary()["photo_credit_markers"])


@lru_cache(maxsize=1)
def _caption_markers() -> tuple[str, ...]:
    return tuple(_layout_vocabulary()["caption_markers"])


@lru_cache(maxsize=1)
def _credit_re() -> re.Pattern[str]:
    markers = "|".join(map(re.escape, _credit_markers()))
    return re.compile(
        rf"^[（(\W_]*(?:{markers})?[ :：/]*(?:[\u4e00-\u9fff·]{{2,5}}[ 、]*){{1,4}}摄[）)]?$"
        rf"|^[（(]?(?:{markers})[ :：/]*[\u4e00-\u9fff·]{{2,5}}.*$"
    )


@lru_cache(maxsize=1)
def _traditional_table() -> tuple[dict[int, str], re.Pattern[str]]:
    """OpenCC's one-to-one Traditional->Simplified characters (phrases would shift offsets)."""
    import opencc

    path = files(opencc).joinpath("dictionary/TSCharacters.txt")
    table: dict[int, str] = {}
    for line in path.read_text("utf-8").splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(target) == 1 and target != source:
            table[ord(source)] = target
    # Runs of characters that may need mapping. A class holding characters beyond the BMP is
    # matched by a linear scan, so those are admitted as one range and `translate` decides.
    bmp = "".join(re.escape(chr(code)) for code in table if code <= 0xFFFF)
    detector = re.compile(f"(?:[{bmp}]|[\U00010000-\U0010FFFF])+")
    return table, detector


def to_simplified(text: str) -> str:
    """Traditional characters mapped to Simplified one for one; the text's length never changes."""
    table, detector = _traditional_table()
    return detector.sub(lambda run: run.group().translate(table), text)


def without_lone_surrogates(text: str) -> str:
    """`text` with each lone surrogate ("\\ud800", which JSON can carry) as U+FFFD: the same
    length and offsets, and a form UTF-8 (and so the compiled stages) can take."""
    return _LONE_SURROGATE_RE.sub("\ufffd", text)


def normalize_characters(text: str) -> str:
    """Half-width digits, letters and spaces; no control or zero-width characters; "\\n" newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _WIDTH_RUN_RE.sub(lambda run: run.group().translate(_WIDTH_TABLE), text)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def normalize_punctuation(text: str) -> str:
    """Chinese punctuation between Chinese text; ASCII kept inside numbers."""
    if not (_ASCII_PUNCT_RE.search(text) or _FULLWIDTH_POINT_RE.search(text)):
        return text
    text = _FULLWIDTH_POINT_RE.sub(".", text)
    # Each pattern needs its ASCII mark; testing for the mark first spares a scan of the whole
    # paragraph with look-behinds at every position.
    for mark, pattern, replacement in _PUNCTUATION_RULES:
        if mark in text:
            text = pattern.sub(replacement, text)
    return text


def normalize_spacing(text: str) -> str:
    """No spaces inside numbers ("1 200"), dates ("2月 8日") or between Chinese characters."""
    if " " not in text:
        return text
    text = _NUMBER_SPACE_RE.sub("", text)
    text = _DATE_SPACE_RE.sub("", text)
    return _CJK_SPACE_RE.sub("", text)


def _line_widths(text: str) -> list[int]:
    """Printed width of each line of `text` (Chinese characters two columns, others one), for
    all lines in one numpy pass rather than a regex call per line."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    wide = np.zeros(len(codes) + 1, dtype=np.int64)
    for low, high in _WIDE_RANGES:
        wide[1:] += (codes >= low) & (codes <= high)
    wide_before = np.cumsum(wide)  # wide characters before each position
    breaks = np.flatnonzero(codes == ord("\n"))
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(codes)]))
    return (ends - starts + wide_before[ends] - wide_before[starts]).tolist()


def _is_short_line(line: str) -> bool:
    """Heading- or caption-like: short, without sentence punctuation inside."""
    return len(line) <= 40 and not _SENTENCE_PUNCT_RE.search(line.rstrip("：:"))


def _needs_space(left: str, right: str) -> bool:
    """Re-joining a line broken by column wrapping adds no space, except between two Latin words."""
    return bool(left and right) and left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum()


@dataclass
class _Item:
    text: str
    kind: str  # body | short | byline | credit | caption
    wrapped: bool = False  # came from column-wrapped lines


_Line = tuple[str, str, int]  # as written, stripped, printed width


def _blocks(text: str) -> list[list[_Line]]:
    """Runs of non-blank lines."""
    blocks, current = [], []
    for line, width in zip(text.split("\n"), _line_widths(text)):
        stripped = line.strip()
        if stripped:
            current.append((line, stripped, width))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_terminal(line: str) -> bool:
    """Ends a sentence: "。！？!?…", then maybe closing quotes and brackets."""
    return line.rstrip(_TERMINAL_CLOSERS).endswith(_TERMINAL_MARKS)


def _split_wrapped(lines: list[_Line]) -> list[tuple[str, str]]:
    """Column-wrapped lines joined into paragraphs: a short line ending a sentence ends one.

    Returns (kind, text) pairs; a short unpunctuated line after a finished sentence is a heading.
    """
    full = median([width for _, _, width in lines[:-1]]) if len(lines) > 1 else lines[0][2]
    paragraphs: list[tuple[str, str]] = []
    current: list[str] = []
    current_terminal = False  # whether current[-1] ends a sentence
    last = len(lines) - 1
    for index, (line, text, width) in enumerate(lines):
        if current and line.startswith(("  ", "\u3000")):
            paragraphs.append(("body", _join_all(current)))
            current = []
        if index == last and index and (current_terminal or not current) and _is_short_line(text):
            if current:
                paragraphs.append(("body", _join_all(current)))
            paragraphs.append(("short", text))
            return paragraphs
        current.append(text)
        current_terminal = _is_terminal(text)
        if current_terminal and width < full - 2:
            paragraphs.append(("body", _join_all(current)))
            current = []
    if current:
        paragraphs.append(("body", _join_all(current)))
    return paragraphs


def _join_all(lines: list[str]) -> str:
    """Wrapped lines joined back into one text, in linear time."""
    if len(lines) == 1:
        return lines[0]
    out = [lines[0]]
    for line in lines[1:]:
        if _needs_space(out[-1], line):
            out.append(" ")
        out.append(line)
    return "".join(out)


def _items(raw: str) -> list[_Item]:
    """Lines grouped into paragraphs, headings/captions, bylines and photo credits, in order."""
    byline_re, credit_re, credit_markers = _byline_re(), _credit_re(), _credit_markers()
    items: list[_Item] = []
    for block in _blocks(raw):
        if len(block) >= 3 and all(len(text) <= 2 for _, text, _ in block):
            # A vertical headline, one character a line.
            items.append(_Item("".join(text for _, text, _ in block), "short"))
            continue
        run: list[_Line] = []
        for line in block:
            text = line[1]
            if byline_re.match(text):
                kind = "byline"
            # The credit pattern backtracks through every long line; a credit has "摄" or opens with a marker.
            elif ("摄" in text or text.lstrip("（(").startswith(credit_markers)) and credit_re.match(text):
                kind = "credit"
            else:
                if items and items[-1].kind == "credit" and not run and text.startswith(_caption_markers()):
                    items.append(_Item(text, "caption"))  # the caption under a credit
                else:
                    run.append(line)
                continue
            caption = None
            if kind == "credit" and run and run[-1][1].startswith(_caption_markers()):
                caption = _Item(run.pop()[1], "caption")  # the caption above a credit
            items.extend(_run_items(run))
            run = []
            if caption is not None:
                items.append(caption)
            items.append(_Item(text, kind))
        items.extend(_run_items(run))
    return items


def _run_items(run: list[_Line]) -> list[_Item]:
    if not run:
        return []
    stripped = [text for _, text, _ in run]
    if len(run) == 1 and _is_short_line(stripped[0]):
        return [_Item(stripped[0], "short")]
    if len(run) <= 3 and all(_is_short_line(line) and len(line) <= 25 and "、" not in line for line in stripped):
        return [_Item(" ".join(stripped), "short")]
    if len(run) == 1:
        return [_Item(stripped[0], "body")]
    return [_Item(text, kind, wrapped=kind == "body") for kind, text in _split_wrapped(run)]


def _merge_broken_paragraphs(items: list[_Item]) -> list[_Item]:
    """A wrapped paragraph cut by a blank line ("早\\n\\n投产。") continues in the next block."""
    merged: list[_Item] = []
    pieces: list[list[str]] = []  # the texts each merged item is made of, joined at the end
    for item in items:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.kind == "body"
            and previous.wrapped
            and not _is_terminal(pieces[-1][-1])
            and pieces[-1][-1][-1:] not in "：:"
            and item.kind in ("body", "short")
            and (item.kind == "body" or not _is_short_line(pieces[-1][-1][-1:] + item.text))
        ):
            pieces[-1].append(item.text)
            previous.wrapped = item.wrapped or item.kind == "short"
            continue
        merged.append(item)
        pieces.append([item.text])
    for item, texts in zip(merged, pieces):
        item.text = _join_all(texts)
    return merged


def clean(raw: str) -> CleanedText:
    """Clean one article's raw text (see module doc). Never raises; empty input gives empty text."""
    text = normalize_characters(raw if isinstance(raw, str) else str(raw))
    items = _merge_broken_paragraphs(_items(text))
    body_positions = [i for i, item in enumerate(items) if item.kind == "body"]
    first_body = body_positions[0] if body_positions else len(items)
    last_body = body_positions[-1] if body_positions else -1
    first_byline = next((i for i, item in enumerate(items) if item.kind in ("byline", "credit")), len(items))

    bylines: list[str] = []
    captions: list[str] = []
    blocks: list[tuple[str, str]] = []  # (kind, text)
    for index, item in enumerate(items):
        if item.kind in ("byline", "credit"):
            bylines.append(item.text)
        elif item.kind == "caption":
            captions.append(normalize_punctuation(item.text))
        elif item.kind == "short":
            caption = index > last_body or (first_byline < index < first_body)
            heading = normalize_punctuation(item.text)
            if caption:
                captions.append(heading)
            else:
                blocks.append(("heading", heading))
        else:
            blocks.append(("body", normalize_spacing(normalize_punctuation(item.text))))

    title_index = _title_index(blocks, _first_body_index(blocks))
    paragraphs: list[Paragraph] = []
    parts: list[str] = []
    offset = 0
    for index, (kind, paragraph_text) in enumerate(blocks):
        if index == title_index:
            kind = "title"
        if parts:
            offset += 2  # the "\n\n" between paragraphs
        paragraphs.append(Paragraph(paragraph_text, kind, offset, offset + len(paragraph_text)))
        parts.append(paragraph_text)
        offset += len(paragraph_text)
    return CleanedText(
        text="\n\n".join(parts),
        title=blocks[title_index][1] if title_index is not None else None,
        headings=[p.text for p in paragraphs if p.kind == "heading"],
        bylines=bylines,
        captions=captions,
        paragraphs=paragraphs,
    )


def _first_body_index(blocks: list[tuple[str, str]]) -> int:
    return next((i for i, (kind, _) in enumerate(blocks) if kind == "body"), len(blocks))


def _title_index(blocks: list[tuple[str, str]], first_body: int) -> int | None:
    """The main headline: the heading just before a "——" subtitle, else the last one before the body."""
    headings = [i for i in range(first_body) if blocks[i][0] == "heading"]
    if not headings:
        return None
    for i in headings:
        if blocks[i][1].startswith(("——", "--", "—")) and i - 1 in headings:
            return i - 1
    return headings[-1] if len(headings) == 1 else headings[0]
