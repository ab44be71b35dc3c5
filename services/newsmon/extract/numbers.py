"""Numbers as Chinese news writes them: Arabic, Chinese numerals, fractions, magnitudes.

Pure functions; no vocabulary files (the numeral system is closed).
"""

from __future__ import annotations

import re

CHINESE_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

# Magnitude words written after a number ("2万", "60.5亿", "6万亿"), longest first.
MAGNITUDES = {
    "万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "亿": 1e8,
    "千万": 1e7, "百万": 1e6, "十万": 1e5, "万": 1e4,
}

CHINESE_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"
ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
CHINESE = f"[{CHINESE_NUMERAL_CHARS}]+"
_ARABIC_RE = re.compile(ARABIC)


def parse_chinese_integer(text: str) -> int | None:
    """Value of a Chinese numeral such as "三千" (3000), "十五" (15), "两万三千" (23000).

    Returns None when `text` is not a well-formed numeral.
    """
    if not text:
        return None
    if all(ch in CHINESE_DIGITS for ch in text) and len(text) > 1:
        # Digit-by-digit forms ("二〇二三") read positionally.
        return int("".join(str(CHINESE_DIGITS[ch]) for ch in text))
    total = section = digit = 0
    seen = False
    for ch in text:
        if ch in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[ch]
            seen = True
        elif ch in SMALL_UNITS:
            section += (digit or 1) * SMALL_UNITS[ch]
            digit = 0
            seen = True
        elif ch in BIG_UNITS:
            if not seen:
                return None
            section += digit
            if BIG_UNITS[ch] == 100_000_000:
                total = (total + section) * BIG_UNITS[ch]
            else:
                total += section * BIG_UNITS[ch]
            section = digit = 0
        else:
            return None
    return total + section + digit if seen else None


def parse_number(text: str) -> float | None:
    """Value of an Arabic ("1,200", "60.5"), fraction ("1/4") or Chinese ("十") number token.

    Magnitude words belong to the unit, not here, except inside pure Chinese numerals
    ("三千" is 3000). Returns None for anything else.
    """
    text = text.strip()
    if not text or len(text) > 24:
        return None  # longer digit runs are codes, not quantities
    if "/" in text:
        numerator, _, denominator = text.partition("/")
        top, bottom = parse_number(numerator), parse_number(denominator)
        if top is None or not bottom:
            return None
        return top / bottom
    if _ARABIC_RE.fullmatch(text):
        return float(text.replace(",", ""))
    value = parse_chinese_integer(text)
    return None if value is None else float(value)


def parse_magnitude(text: str | None) -> float:
    """Multiplier of a magnitude word ("亿" -> 1e8); 1.0 for none."""
    return MAGNITUDES.get(text or "", 1.0)
