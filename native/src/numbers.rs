//! Numbers as Chinese news writes them (the compiled twin of newsmon/extract/numbers.py's
//! parse_number and parse_magnitude, which stay the reference for everything else).

fn chinese_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn small_unit(c: char) -> Option<u64> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        _ => return None,
    })
}

/// parse_chinese_integer: "三千" 3000, "十五" 15, "两万三千" 23000, "二〇二三" 2023.
fn parse_chinese_integer(text: &str) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    if text.chars().count() > 1 && text.chars().all(|c| chinese_digit(c).is_some()) {
        let mut value = 0f64;
        for c in text.chars() {
            value = value * 10.0 + chinese_digit(c).unwrap() as f64;
        }
        return Some(value);
    }
    // Floats: past 2^53 the digits are noise anyway, and nothing can overflow.
    let (mut total, mut section, mut digit) = (0f64, 0f64, 0f64);
    let mut seen = false;
    for c in text.chars() {
        if let Some(d) = chinese_digit(c) {
            digit = d as f64;
            seen = true;
        } else if let Some(unit) = small_unit(c) {
            section += (if digit == 0.0 { 1.0 } else { digit }) * unit as f64;
            digit = 0.0;
            seen = true;
        } else if c == '万' || c == '亿' {
            if !seen {
                return None;
            }
            section += digit;
            if c == '亿' {
                total = (total + section) * 1e8;
            } else {
                total += section * 1e4;
            }
            section = 0.0;
            digit = 0.0;
        } else {
            return None;
        }
    }
    if seen { Some(total + section + digit) } else { None }
}

/// The value of a decimal digit in any script, as Python's float() reads it.
fn decimal_value(c: char) -> Option<u32> {
    if c.is_ascii_digit() {
        return Some(c as u32 - '0' as u32);
    }
    let code = c as u32;
    crate::digits::ZEROS.iter().find(|&&zero| code >= zero && code < zero + 10).map(|&zero| code - zero)
}

/// _ARABIC_RE.fullmatch: \d+(?:,\d{3})*(?:\.\d+)?, read as Python's float(text.replace(",", "")).
fn parse_arabic(text: &str) -> Option<f64> {
    // Digits of any script as ASCII; "," and "." kept; anything else is no Arabic number.
    let ascii: String = text
        .chars()
        .map(|c| if c == ',' || c == '.' { Some(c) } else { char::from_digit(decimal_value(c)?, 10) })
        .collect::<Option<_>>()?;
    let (integer, fraction) = match ascii.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (ascii.as_str(), None),
    };
    let mut groups = integer.split(',');
    let first = groups.next()?;
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    let well_formed = !first.is_empty()
        && digits(first)
        && groups.all(|group| group.len() == 3 && digits(group))
        && fraction.is_none_or(|f| !f.is_empty() && digits(f));
    if !well_formed {
        return None;
    }
    ascii.replace(',', "").parse().ok()
}

/// parse_number: Arabic ("1,200", "60.5"), fraction ("1/4") or Chinese ("十"); None for anything else.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 24 {
        return None;
    }
    if let Some((numerator, denominator)) = text.split_once('/') {
        let top = parse_number(numerator)?;
        let bottom = parse_number(denominator)?;
        if bottom == 0.0 {
            return None;
        }
        return Some(top / bottom);
    }
    parse_arabic(text).or_else(|| parse_chinese_integer(text))
}

/// parse_magnitude: the multiplier of a magnitude word, as a power of ten (亿 -> 8).
pub fn magnitude_exponent(word: &str) -> i32 {
    match word {
        "万亿" => 12,
        "千亿" => 11,
        "百亿" => 10,
        "亿" => 8,
        "千万" => 7,
        "百万" => 6,
        "十万" => 5,
        "万" => 4,
        _ => 0,
    }
}

/// value × 10^exponent in decimal, as `float(Decimal(repr(value)) * Decimal(repr(scale)))`:
/// the shortest repr shifted, then rounded once (34.7亿 is 3470000000.0, not ...0000005).
pub fn scaled(value: f64, exponent: i32) -> f64 {
    if exponent == 0 {
        return value;
    }
    format!("{value}e{exponent}").parse().unwrap_or(value * 10f64.powi(exponent))
}

/// Python's round(value, digits).
pub fn round_to(value: f64, digits: usize) -> f64 {
    format!("{value:.digits$}").parse().unwrap_or(value)
}
