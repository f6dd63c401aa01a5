//! Item size by DynamoDB's rules, to refuse an item over 400 KB before it is sent.
//!
//! Strings and binary count their bytes; a number about one byte per two significant digits plus
//! one; `BOOL` and `NULL` one byte; a list or map three bytes plus one per element (and, for maps,
//! each key's length); sets the sum of their elements. Attribute names count their UTF-8 bytes.
//! The encoder adds these up as it goes, so measuring an item costs no second pass.

use crate::number;

/// DynamoDB's item size limit in bytes (400 KB).
pub const MAX_ITEM_SIZE: usize = 400 * 1024;

/// The fixed cost of a list or map, whatever it holds.
pub const CONTAINER: usize = 3;

/// The extra cost of each element of a list or map.
pub const ELEMENT: usize = 1;

/// The size of `BOOL` and `NULL`.
pub const FLAG: usize = 1;

/// The size of a number given as DynamoDB's decimal text.
pub fn number(text: &str) -> usize {
    let digits = number::parse(text).map_or(text.len(), |shape| shape.significant_digits);
    digits.div_ceil(2) + 1
}

/// The size of one map entry or list element holding a value of `value_size`.
pub fn entry(name: &str, value_size: usize) -> usize {
    ELEMENT + name.len() + value_size
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_count_significant_digits() {
        assert_eq!(number("0"), 1);
        assert_eq!(number("12345.000"), 4);
        assert_eq!(number("-0.00012"), 2);
        assert_eq!(number("1E+100"), 2);
    }

    #[test]
    fn entries_count_name_and_overhead() {
        // A map {"k": "ab"}: 3 + (1 + 1 + 2)
        assert_eq!(CONTAINER + entry("k", 2), 7);
    }
}
