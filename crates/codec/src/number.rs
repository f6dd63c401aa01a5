//! DynamoDB's number rules: at most 38 significant digits, magnitude between 1E-130 and
//! 9.9999999999999999999999999999999999999E+125, never NaN or infinite.
//!
//! Numbers travel as decimal strings end to end, so a `Decimal` is never rounded through a float.

use crate::Rule;

/// The most significant digits a DynamoDB number holds.
pub const MAX_DIGITS: usize = 38;
const MAX_EXPONENT: i64 = 125;
const MIN_EXPONENT: i64 = -130;

/// What [`parse`] learns of a decimal string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Digits between the first and the last non-zero digit (0 for zero).
    pub significant_digits: usize,
    /// The power of ten of the first significant digit (0 for zero).
    pub exponent: i64,
}

/// Check a decimal string (`"-12.50"`, `"1E+5"`, `"0.001"`) against DynamoDB's rules.
pub fn check(text: &str) -> Result<Shape, Rule> {
    let shape = parse(text)?;
    if shape.significant_digits > MAX_DIGITS {
        return Err(Rule::TooPrecise {
            digits: shape.significant_digits,
        });
    }
    if shape.significant_digits > 0 && !(MIN_EXPONENT..=MAX_EXPONENT).contains(&shape.exponent) {
        return Err(Rule::OutOfRange);
    }
    Ok(shape)
}

/// Format a float as the shortest string that reads back as the same float, checked.
pub fn format_float(value: f64) -> Result<String, Rule> {
    if !value.is_finite() {
        return Err(Rule::NotFinite);
    }
    let text = ryu::Buffer::new().format_finite(value).to_owned();
    check(&text)?;
    Ok(text)
}

/// Format a machine integer (at most 19 digits, always within the rules).
pub fn format_int(value: i64) -> String {
    itoa::Buffer::new().format(value).to_owned()
}

/// Read the shape of a decimal string without converting it to a binary number.
pub fn parse(text: &str) -> Result<Shape, Rule> {
    let bytes = text.as_bytes();
    let unsigned = match bytes.first() {
        Some(b'+' | b'-') => &bytes[1..],
        _ => bytes,
    };
    if is_non_finite(unsigned) {
        return Err(Rule::NotFinite);
    }
    let (mantissa, exponent) = match unsigned.iter().position(|b| matches!(b, b'e' | b'E')) {
        Some(at) => (&unsigned[..at], parse_exponent(&unsigned[at + 1..])?),
        None => (unsigned, 0),
    };
    let (int_part, frac_part) = match mantissa.iter().position(|&b| b == b'.') {
        Some(at) => (&mantissa[..at], &mantissa[at + 1..]),
        None => (mantissa, &[][..]),
    };
    if int_part.is_empty() && frac_part.is_empty()
        || !int_part.iter().chain(frac_part).all(u8::is_ascii_digit)
    {
        return Err(Rule::Malformed);
    }
    let digits = || int_part.iter().chain(frac_part);
    let Some(first) = digits().position(|&b| b != b'0') else {
        return Ok(Shape {
            significant_digits: 0,
            exponent: 0,
        });
    };
    let total = int_part.len() + frac_part.len();
    let trailing_zeros = digits().rev().take_while(|&&b| b == b'0').count();
    // The first significant digit's power of ten: its place before the point, plus the exponent.
    let place = int_part.len() as i64 - 1 - first as i64;
    Ok(Shape {
        significant_digits: total - first - trailing_zeros,
        exponent: place.saturating_add(exponent),
    })
}

fn is_non_finite(unsigned: &[u8]) -> bool {
    let lower = unsigned.to_ascii_lowercase();
    matches!(&lower[..], b"nan" | b"snan" | b"inf" | b"infinity")
}

fn parse_exponent(text: &[u8]) -> Result<i64, Rule> {
    let (negative, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(Rule::Malformed);
    }
    // Saturate: an exponent past i64 is out of range either way.
    let magnitude = digits.iter().fold(0i64, |acc, &d| {
        acc.saturating_mul(10).saturating_add(i64::from(d - b'0'))
    });
    Ok(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str) -> (usize, i64) {
        let s = parse(text).expect("parses");
        (s.significant_digits, s.exponent)
    }

    #[test]
    fn shapes() {
        assert_eq!(shape("0"), (0, 0));
        assert_eq!(shape("-0.000"), (0, 0));
        assert_eq!(shape("12.50"), (3, 1));
        assert_eq!(shape("0.001"), (1, -3));
        assert_eq!(shape("1E+5"), (1, 5));
        assert_eq!(shape("1.5e-7"), (2, -7));
        assert_eq!(shape("1000"), (1, 3));
        assert_eq!(shape(".5"), (1, -1));
    }

    #[test]
    fn limits() {
        assert!(check("0.1000000000000000000000000000000000001").is_ok());
        assert_eq!(
            check("1.00000000000000000000000000000000000001"),
            Err(Rule::TooPrecise { digits: 39 })
        );
        assert!(check("9.9999999999999999999999999999999999999E+125").is_ok());
        assert_eq!(check("1E+126"), Err(Rule::OutOfRange));
        assert!(check("1E-130").is_ok());
        assert_eq!(check("1E-131"), Err(Rule::OutOfRange));
        assert_eq!(check("-1E-131"), Err(Rule::OutOfRange));
        assert_eq!(check("1E+99999999999999999999999"), Err(Rule::OutOfRange));
        assert!(check("0E-1000").is_ok());
    }

    #[test]
    fn refuses_non_numbers() {
        for text in ["NaN", "-Infinity", "inf", "sNaN"] {
            assert_eq!(check(text), Err(Rule::NotFinite), "{text}");
        }
        for text in ["", "-", ".", "1e", "1.2.3", "0x10", "1e+-2", " 1"] {
            assert_eq!(check(text), Err(Rule::Malformed), "{text:?}");
        }
    }

    #[test]
    fn floats() {
        assert_eq!(format_float(0.1).as_deref(), Ok("0.1"));
        assert_eq!(format_float(f64::NAN), Err(Rule::NotFinite));
        assert_eq!(format_float(1e200), Err(Rule::OutOfRange));
        assert_eq!(format_float(f64::MIN_POSITIVE), Err(Rule::OutOfRange));
        let text = format_float(123.456e-9).expect("in range");
        assert_eq!(text.parse::<f64>().ok(), Some(123.456e-9));
    }
}
