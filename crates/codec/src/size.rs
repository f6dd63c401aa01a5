//! Item size by DynamoDB's rules, to refuse an item over 400 KB before it is sent.
//!
//! Strings and binary count their bytes; a number about one byte per two significant digits plus
//! one; `BOOL` and `NULL` one byte; a list or map three bytes plus one per element (and, for maps,
//! each key's length); sets the sum of their elements. Attribute names count their UTF-8 bytes.

use crate::{number, Item, Value};

/// DynamoDB's item size limit in bytes (400 KB).
pub const MAX_ITEM_SIZE: usize = 400 * 1024;

/// The size of a whole item, attribute names included.
pub fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value_size(value))
        .sum()
}

/// The size of one attribute value.
pub fn value_size(value: &Value) -> usize {
    match value {
        Value::S(s) => s.len(),
        Value::N(n) => number_size(n),
        Value::B(b) => b.len(),
        Value::Bool(_) | Value::Null => 1,
        Value::Ss(items) => items.iter().map(String::len).sum(),
        Value::Ns(items) => items.iter().map(|n| number_size(n)).sum(),
        Value::Bs(items) => items.iter().map(Vec::len).sum(),
        Value::L(items) => 3 + items.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        Value::M(entries) => {
            3 + entries
                .iter()
                .map(|(k, v)| 1 + k.len() + value_size(v))
                .sum::<usize>()
        }
    }
}

fn number_size(text: &str) -> usize {
    let digits = number::parse(text).map_or(text.len(), |shape| shape.significant_digits);
    digits.div_ceil(2) + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        let item: Item = vec![
            ("pk".into(), Value::S("abc".into())),
            ("n".into(), Value::N("12345.000".into())),
            ("ok".into(), Value::Bool(true)),
            (
                "l".into(),
                Value::L(vec![Value::Null, Value::B(vec![0; 4])]),
            ),
            (
                "m".into(),
                Value::M(vec![("k".into(), Value::Ss(vec!["ab".into(), "c".into()]))]),
            ),
        ];
        // 2+3, 1+(5 digits -> 3 bytes + 1), 2+1, 1+(3+1+1+1+4), 1+(3+1+1+3)
        assert_eq!(item_size(&item), 5 + 5 + 3 + 11 + 9);
    }
}
