"""The first-character guards on the scanning patterns admit every start their pattern can match.

A guard that missed a start would silently drop matches, so each guard is checked against the
characters the regex parser says the pattern can begin with.
"""

import re
import re._constants as c
import re._parser as parser

import pytest

from newsmon.extract.indicators import (
    _ANAPHORIC_ORG_PATTERN, _CONTEXT_FIRST_CHARS, _LEADING_CONTEXT_PATTERN, _LEADING_WORDS_PATTERN,
    _THIS_PROJECT_WORDS, mention_pattern,
)
from newsmon.extract.periods import AS_OF_NOW_WORDS, PERIOD_PATTERN, PERIOD_RE, PERIOD_SECOND_CHARS
from newsmon.extract.regions import DEICTIC_RE


def _first(items) -> tuple[list, bool]:
    """(first-position items, nullable) of a parsed sequence: LITERAL/RANGE/CATEGORY/ANY entries."""
    found = []
    for op, av in items:
        if op is c.LITERAL:
            return found + [(op, av)], False
        if op is c.IN:
            return found + list(av), False
        if op in (c.ANY, c.NOT_LITERAL):
            return found + [(c.ANY, None)], False
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op is c.SUBPATTERN:
            inner, nullable = _first(av[-1])
        elif op is c.ATOMIC_GROUP:
            inner, nullable = _first(av)
        elif op is c.BRANCH:
            inner, nullable = [], False
            for alternative in av[1]:
                sub, sub_nullable = _first(alternative)
                inner += sub
                nullable |= sub_nullable
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            inner, nullable = _first(av[2])
            nullable |= av[0] == 0
        else:
            raise AssertionError(f"unhandled opcode {op}")
        found += inner
        if not nullable:
            return found, False
    return found, True


def _admitted(guard: re.Pattern[str], items) -> None:
    for op, av in items:
        if op is c.LITERAL:
            assert guard.match(chr(av)), chr(av)
        elif op is c.RANGE:
            assert all(guard.match(chr(code)) for code in range(av[0], av[1] + 1)), av
        elif op is c.CATEGORY:
            assert av is c.CATEGORY_DIGIT and guard.match("٣") and guard.match("7"), av
        else:
            raise AssertionError(f"a guard cannot admit {op}")


def _guard_and_body(pattern: str) -> tuple[re.Pattern[str], str]:
    match = re.match(r"\(\?=(\[[^\]]*\])(?:\[[^\]]*\])?\)", pattern)
    assert match, "pattern has no first-character guard"
    return re.compile(match.group(1)), pattern[match.end():]


def _pairs(items, need: int = 2) -> set:
    """The first `need` character classes of each way a parsed sequence can begin, as tuples of
    LITERAL/RANGE/CATEGORY entries; a shorter tuple is a way that ends before `need` characters."""
    ways = {()}
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op is c.LITERAL:
            element = {((op, av),)}
        elif op is c.IN:
            element = {(entry,) for entry in av}
        elif op is c.SUBPATTERN:
            element = _pairs(av[-1], need)
        elif op is c.BRANCH:
            element = set().union(*(_pairs(alternative, need) for alternative in av[1]))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            once = _pairs(av[2], need)
            element, unrolled = ({()} if av[0] == 0 else set()), {()}
            for count in range(1, min(av[1], max(av[0], need)) + 1):
                unrolled = _extend(unrolled, once, need)
                if count >= av[0]:
                    element |= unrolled
        else:
            raise AssertionError(f"unhandled opcode {op}")
        ways = _extend(ways, element, need)
    return ways


def _extend(ways: set, tails: set, need: int) -> set:
    return {(way + tail)[:need] for way in ways for tail in tails}


@pytest.mark.parametrize(
    "pattern", [PERIOD_RE.pattern, mention_pattern(), _LEADING_CONTEXT_PATTERN],
    ids=["period", "mention", "leading-context"],
)
def test_guard_admits_every_first_character(pattern):
    guard, body = _guard_and_body(pattern)
    items, nullable = _first(parser.parse(body))
    assert not nullable
    _admitted(guard, items)


def test_period_guard_admits_every_second_character():
    second = re.compile(f"[{PERIOD_SECOND_CHARS}]")
    ways = _pairs(parser.parse(PERIOD_PATTERN))
    assert ways and all(len(way) == 2 for way in ways)  # no period is a single character
    _admitted(second, [way[1] for way in ways])


def test_period_guard_is_only_a_guard():
    text = "今年以来，1至5月，2022年度，二季度，3月中旬，新的一年，首季，年底"
    assert [m.span() for m in PERIOD_RE.finditer(text)] == [m.span() for m in re.finditer(PERIOD_PATTERN, text)]


@pytest.mark.parametrize(
    "pattern", [DEICTIC_RE.pattern, _ANAPHORIC_ORG_PATTERN, _LEADING_WORDS_PATTERN],
    ids=["deictic", "anaphoric", "leading"],
)
def test_context_chars_admit_every_subject_or_adverb_opening_a_clause(pattern):
    # The walk passes over a clause without figures whose first character is not among these.
    guard = re.compile("[" + "".join(map(re.escape, sorted(_CONTEXT_FIRST_CHARS))) + "]")
    items, nullable = _first(parser.parse(pattern))
    assert not nullable
    _admitted(guard, items)
    words = (*AS_OF_NOW_WORDS, *_THIS_PROJECT_WORDS, "“", "‘", *"仅在截到于")
    assert all(word[0] in _CONTEXT_FIRST_CHARS for word in words)
