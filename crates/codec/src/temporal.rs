//! Dates and times as strings whose byte order is time order.
//!
//! A `datetime` is stored in UTC with microseconds and a fixed width,
//! `2024-05-01T09:30:00.000000Z`, so that a sort key of datetimes sorts and compares correctly
//! (`begins_with`, `between`) as plain strings.

/// The calendar fields of a UTC instant or a date, as Python's `datetime` holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTimeParts {
    /// 1..=9999
    pub year: u16,
    /// 1..=12
    pub month: u8,
    /// 1..=31
    pub day: u8,
    /// 0..=23
    pub hour: u8,
    /// 0..=59
    pub minute: u8,
    /// 0..=59
    pub second: u8,
    /// 0..=999_999
    pub microsecond: u32,
}

/// Length of [`format_datetime`]'s output.
pub const DATETIME_LEN: usize = 27;

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, always 27 bytes.
pub fn format_datetime(p: &DateTimeParts) -> String {
    let mut out = String::with_capacity(DATETIME_LEN);
    push_date(&mut out, p.year, p.month, p.day);
    out.push('T');
    push_padded(&mut out, u32::from(p.hour), 2);
    out.push(':');
    push_padded(&mut out, u32::from(p.minute), 2);
    out.push(':');
    push_padded(&mut out, u32::from(p.second), 2);
    out.push('.');
    push_padded(&mut out, p.microsecond, 6);
    out.push('Z');
    out
}

/// `YYYY-MM-DDTHH:MM:SS.ffffff+0000`: PynamoDB's `UTCDateTimeAttribute` form of a UTC instant.
pub fn format_pynamodb(p: &DateTimeParts) -> String {
    let mut out = format_datetime(p);
    out.pop();
    out.push_str("+0000");
    out
}

/// `YYYY-MM-DD`.
pub fn format_date(year: u16, month: u8, day: u8) -> String {
    let mut out = String::with_capacity(10);
    push_date(&mut out, year, month, day);
    out
}

/// Read back exactly what [`format_datetime`] writes; any other form is `None` (and is left to
/// pydantic's ISO-8601 parser, so items written by other tools still load).
pub fn parse_datetime(text: &str) -> Option<DateTimeParts> {
    let b = text.as_bytes();
    if b.len() != DATETIME_LEN
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'.'
        || b[26] != b'Z'
    {
        return None;
    }
    let (year, month, day) = parse_date_bytes(&b[..10])?;
    Some(DateTimeParts {
        year,
        month,
        day,
        hour: digits(&b[11..13])? as u8,
        minute: digits(&b[14..16])? as u8,
        second: digits(&b[17..19])? as u8,
        microsecond: digits(&b[20..26])?,
    })
}

/// Read `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<(u16, u8, u8)> {
    parse_date_bytes(text.as_bytes())
}

fn parse_date_bytes(b: &[u8]) -> Option<(u16, u8, u8)> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    Some((
        digits(&b[..4])? as u16,
        digits(&b[5..7])? as u8,
        digits(&b[8..10])? as u8,
    ))
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &d| {
        d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
    })
}

fn push_date(out: &mut String, year: u16, month: u8, day: u8) {
    push_padded(out, u32::from(year), 4);
    out.push('-');
    push_padded(out, u32::from(month), 2);
    out.push('-');
    push_padded(out, u32::from(day), 2);
}

fn push_padded(out: &mut String, value: u32, width: usize) {
    let mut buffer = itoa::Buffer::new();
    let text = buffer.format(value);
    out.extend(std::iter::repeat_n('0', width.saturating_sub(text.len())));
    out.push_str(text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_round_trip_and_order() {
        let early = DateTimeParts {
            year: 999,
            month: 1,
            day: 2,
            hour: 3,
            minute: 4,
            second: 5,
            microsecond: 60,
        };
        let late = DateTimeParts {
            year: 2024,
            microsecond: 0,
            ..early
        };
        let (a, b) = (format_datetime(&early), format_datetime(&late));
        assert_eq!(a, "0999-01-02T03:04:05.000060Z");
        assert_eq!(a.len(), DATETIME_LEN);
        assert!(a < b);
        assert_eq!(parse_datetime(&a), Some(early));
        assert_eq!(parse_datetime("2024-01-02T03:04:05+00:00"), None);
        assert_eq!(parse_datetime("2024-01-02T03:04:05.00000xZ"), None);
    }

    #[test]
    fn pynamodb_form() {
        let parts = DateTimeParts {
            year: 2024,
            month: 5,
            day: 1,
            hour: 9,
            minute: 30,
            second: 0,
            microsecond: 123_456,
        };
        assert_eq!(format_pynamodb(&parts), "2024-05-01T09:30:00.123456+0000");
    }

    #[test]
    fn dates() {
        assert_eq!(format_date(2024, 2, 29), "2024-02-29");
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_date("2024-2-29"), None);
    }
}
