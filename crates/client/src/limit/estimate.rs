//! What a request is expected to consume before it is sent, by DynamoDB's rules: a write 1 WCU
//! per KB of the item (at least 1), a read 1 RCU per 4 KB strongly consistent and half that
//! eventually consistent, a transactional one twice as much. What only the stored item knows
//! (the size an update leaves, what a delete removes, what a get finds) is taken at the minimum;
//! the response's consumed capacity corrects every estimate.

use dynomodel_codec::size;

use crate::{AttributeValue, Item};

const WRITE_UNIT: usize = 1024;
const READ_UNIT: usize = 4096;

/// The size of `item` by DynamoDB's rules: each attribute name's bytes and its value's.
pub(crate) fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value_size(value))
        .sum()
}

fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(text) => text.len(),
        AttributeValue::N(number) => size::number(number),
        AttributeValue::B(bytes) => bytes.as_ref().len(),
        AttributeValue::Ss(texts) => texts.iter().map(String::len).sum(),
        AttributeValue::Ns(numbers) => numbers.iter().map(|n| size::number(n)).sum(),
        AttributeValue::Bs(blobs) => blobs.iter().map(|b| b.as_ref().len()).sum(),
        AttributeValue::L(values) => {
            size::CONTAINER
                + values
                    .iter()
                    .map(|v| size::ELEMENT + value_size(v))
                    .sum::<usize>()
        }
        AttributeValue::M(map) => {
            size::CONTAINER
                + map
                    .iter()
                    .map(|(name, v)| size::entry(name, value_size(v)))
                    .sum::<usize>()
        }
        // BOOL, NULL, and whatever a later SDK adds: the smallest a value can be.
        _ => size::FLAG,
    }
}

/// Write units of writing `bytes` (at least one).
pub(crate) fn write_units(bytes: usize) -> f64 {
    bytes.div_ceil(WRITE_UNIT).max(1) as f64
}

/// Read units of reading `bytes` (at least one unit's worth), strongly or eventually consistent.
pub(crate) fn read_units(bytes: usize, consistent: bool) -> f64 {
    let units = bytes.div_ceil(READ_UNIT).max(1) as f64;
    if consistent {
        units
    } else {
        units / 2.0
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use aws_smithy_types::Blob;

    use super::*;

    #[test]
    fn sizes_follow_dynamodbs_rules() {
        let item: Item = HashMap::from([
            ("pk".to_owned(), AttributeValue::S("abc".into())),
            ("n".to_owned(), AttributeValue::N("12345".into())),
            ("b".to_owned(), AttributeValue::B(Blob::new(vec![0; 10]))),
            ("ok".to_owned(), AttributeValue::Bool(true)),
            (
                "m".to_owned(),
                AttributeValue::M(HashMap::from([(
                    "k".to_owned(),
                    AttributeValue::L(vec![AttributeValue::S("xy".into())]),
                )])),
            ),
        ]);
        // pk 2+3, n 1+4, b 1+10, ok 2+1, m 1 + (3 + 1 + 1 + (3 + 1 + 2))
        assert_eq!(item_size(&item), 5 + 5 + 11 + 3 + 12);
    }

    #[test]
    fn units_round_up_and_never_go_below_one() {
        assert_eq!(write_units(0), 1.0);
        assert_eq!(write_units(1024), 1.0);
        assert_eq!(write_units(1025), 2.0);
        assert_eq!(read_units(100, false), 0.5);
        assert_eq!(read_units(4097, true), 2.0);
    }
}
