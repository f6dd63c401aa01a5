//! The rules a line's item must meet before anything is written: DynamoDB's own (numbers, sets,
//! `NULL`, nesting, item size) and the table's (its key attributes present, of their types,
//! not empty, not too long; its indexes' key attributes likewise where an item has them).
//! A file that passes meets every rule of an item that DynamoDB checks on a put, so an import
//! does not stop half-way on a bad item.

use std::collections::HashSet;

use dynomodel_client::{AttributeValue, IndexKey, Item, KeyAttribute, KeyType, TableDescription};
use dynomodel_codec::{number, size};

use crate::error::Rule;

/// How deep lists and maps may nest (DynamoDB's limit).
const MAX_DEPTH: usize = 32;
/// The longest partition key value, in bytes.
const PARTITION_KEY_LIMIT: usize = 2048;
/// The longest sort key value, in bytes.
const SORT_KEY_LIMIT: usize = 1024;

/// The key attributes a table's items must hold: the table's (partition key first) and those
/// of its secondary indexes, which an item may leave out but must give their types.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// The table's key attributes, partition key first.
    pub keys: Vec<KeyAttribute>,
    /// The key attributes of its secondary indexes that are not the table's.
    pub index_keys: Vec<IndexKey>,
}

impl From<&TableDescription> for Schema {
    fn from(table: &TableDescription) -> Self {
        Self {
            keys: table.keys.clone(),
            index_keys: table.index_keys.clone(),
        }
    }
}

/// A rule broken, and the path to the value from the item (innermost step first while the
/// error travels up; [`Broken::path`] shows it outermost first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The rule.
    pub rule: Rule,
    steps: Vec<String>,
}

impl Broken {
    fn new(rule: Rule) -> Self {
        Self {
            rule,
            steps: Vec::new(),
        }
    }

    /// `rule` broken at `path`, a whole attribute path already known.
    pub(crate) fn new_at(rule: Rule, path: Option<String>) -> Self {
        Self {
            rule,
            steps: path.into_iter().collect(),
        }
    }

    fn at(mut self, step: String) -> Self {
        self.steps.push(step);
        self
    }

    /// The attribute path (`address.M.city`, `tags.SS`), or None for the item as a whole.
    pub fn path(&self) -> Option<String> {
        (!self.steps.is_empty()).then(|| {
            let mut steps = self.steps.clone();
            steps.reverse();
            steps.join(".")
        })
    }
}

/// Check `item` against DynamoDB's rules and the table's keys.
///
/// # Errors
/// The first rule the item breaks, with the path to the value.
pub fn check(item: &Item, schema: &Schema) -> Result<(), Broken> {
    let mut total = 0;
    for (name, value) in item {
        total += name.len() + value_size(value, 1).map_err(|b| b.at(name.clone()))?;
    }
    for (position, key) in schema.keys.iter().enumerate() {
        let Some(value) = item.get(&key.name) else {
            return Err(Broken::new(Rule::MissingKey {
                name: key.name.clone(),
            }));
        };
        let limit = if position == 0 {
            PARTITION_KEY_LIMIT
        } else {
            SORT_KEY_LIMIT
        };
        check_key(key, value, "of the table", limit)?;
    }
    for key in &schema.index_keys {
        if let Some(value) = item.get(&key.attribute.name) {
            let limit = if key.sort_key {
                SORT_KEY_LIMIT
            } else {
                PARTITION_KEY_LIMIT
            };
            check_key(&key.attribute, value, "of a secondary index", limit)?;
        }
    }
    if total > size::MAX_ITEM_SIZE {
        return Err(Broken::new(Rule::ItemTooLarge { size: total }));
    }
    Ok(())
}

fn check_key(
    key: &KeyAttribute,
    value: &AttributeValue,
    of: &'static str,
    limit: usize,
) -> Result<(), Broken> {
    let length = match (key.key_type, value) {
        (KeyType::S, AttributeValue::S(s)) => s.len(),
        (KeyType::B, AttributeValue::B(b)) => b.as_ref().len(),
        (KeyType::N, AttributeValue::N(_)) => return Ok(()),
        _ => {
            return Err(Broken::new(Rule::KeyType {
                name: key.name.clone(),
                expected: key.key_type,
                of,
            }))
        }
    };
    let name = key.name.clone();
    if length == 0 {
        return Err(Broken::new(Rule::EmptyKey { name }));
    }
    if length > limit {
        return Err(Broken::new(Rule::KeyTooLarge {
            name,
            size: length,
            limit,
        }));
    }
    Ok(())
}

fn checked_number(text: &str) -> Result<usize, Broken> {
    number::check(text).map_err(|rule| Broken::new(Rule::Number(rule)))?;
    Ok(size::number(text))
}

/// The size of `value` by DynamoDB's rules, once it is checked; `depth` is how deep it sits.
fn value_size(value: &AttributeValue, depth: usize) -> Result<usize, Broken> {
    Ok(match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => checked_number(n).map_err(|b| b.at("N".into()))?,
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) => size::FLAG,
        AttributeValue::Null(true) => size::FLAG,
        AttributeValue::Null(false) => return Err(Broken::new(Rule::NullFalse).at("NULL".into())),
        AttributeValue::Ss(members) => {
            distinct(members.iter().map(String::as_str)).map_err(|b| b.at("SS".into()))?;
            members.iter().map(String::len).sum()
        }
        AttributeValue::Bs(members) => {
            distinct(members.iter().map(|b| b.as_ref())).map_err(|b| b.at("BS".into()))?;
            members.iter().map(|b| b.as_ref().len()).sum()
        }
        AttributeValue::Ns(members) => {
            let sizes = members
                .iter()
                .map(|n| checked_number(n))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|b| b.at("NS".into()))?;
            distinct(members.iter().map(|n| canonical_number(n))).map_err(|b| b.at("NS".into()))?;
            sizes.into_iter().sum()
        }
        AttributeValue::L(values) => {
            let inner = nested(depth)?;
            let mut total = size::CONTAINER;
            for (index, value) in values.iter().enumerate() {
                let element = value_size(value, inner).map_err(|b| b.at(format!("L[{index}]")))?;
                total += size::ELEMENT + element;
            }
            total
        }
        AttributeValue::M(entries) => {
            let inner = nested(depth)?;
            let mut total = size::CONTAINER;
            for (name, value) in entries {
                let element = value_size(value, inner).map_err(|b| b.at(format!("M.{name}")))?;
                total += size::entry(name, element);
            }
            total
        }
        // A type newer than this SDK: the server judges it.
        _ => 0,
    })
}

fn nested(depth: usize) -> Result<usize, Broken> {
    if depth >= MAX_DEPTH {
        Err(Broken::new(Rule::TooDeep))
    } else {
        Ok(depth + 1)
    }
}

fn distinct<T: Eq + std::hash::Hash>(
    members: impl ExactSizeIterator<Item = T>,
) -> Result<(), Broken> {
    let count = members.len();
    if count == 0 {
        return Err(Broken::new(Rule::EmptySet));
    }
    let seen: HashSet<T> = members.collect();
    if seen.len() == count {
        Ok(())
    } else {
        Err(Broken::new(Rule::DuplicateMember))
    }
}

/// A number's value as text, the same for every way of writing it (`1`, `1.0`, `10E-1`,
/// `+1`): sign, significant digits, and the power of ten of the first. `text` is checked.
pub fn canonical_number(text: &str) -> String {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let mantissa = unsigned.split(['e', 'E']).next().unwrap_or_default();
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_start_matches('0').trim_end_matches('0');
    if digits.is_empty() {
        return "0".into();
    }
    let exponent = number::parse(text).map_or(0, |shape| shape.exponent);
    let sign = if negative { "-" } else { "" };
    format!("{sign}{digits}e{exponent}")
}

/// What makes two items the same item in the table: their table key values, numbers by value.
pub fn identity(item: &Item, schema: &Schema) -> Vec<Vec<u8>> {
    schema
        .keys
        .iter()
        .map(|key| match item.get(&key.name) {
            Some(AttributeValue::S(s)) => s.as_bytes().to_vec(),
            Some(AttributeValue::B(b)) => b.as_ref().to_vec(),
            Some(AttributeValue::N(n)) => canonical_number(n).into_bytes(),
            _ => Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use aws_smithy_types::Blob;

    use super::*;

    fn schema() -> Schema {
        Schema {
            keys: vec![
                KeyAttribute {
                    name: "pk".into(),
                    key_type: KeyType::S,
                },
                KeyAttribute {
                    name: "sk".into(),
                    key_type: KeyType::N,
                },
            ],
            index_keys: vec![IndexKey {
                attribute: KeyAttribute {
                    name: "status".into(),
                    key_type: KeyType::S,
                },
                sort_key: true,
            }],
        }
    }

    fn item(extra: &[(&str, AttributeValue)]) -> Item {
        let mut item = HashMap::from([
            ("pk".to_owned(), AttributeValue::S("a".into())),
            ("sk".to_owned(), AttributeValue::N("1".into())),
        ]);
        item.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
        item
    }

    fn broken(extra: &[(&str, AttributeValue)]) -> (Rule, Option<String>) {
        let err = check(&item(extra), &schema()).expect_err("breaks a rule");
        (err.rule.clone(), err.path())
    }

    #[test]
    fn a_good_item_passes() {
        let nested = AttributeValue::M(HashMap::from([(
            "l".to_owned(),
            AttributeValue::L(vec![
                AttributeValue::Null(true),
                AttributeValue::Bool(false),
            ]),
        )]));
        let good = [
            (
                "n",
                AttributeValue::N("1.2345678901234567890123456789012345678".into()),
            ),
            ("ns", AttributeValue::Ns(vec!["1".into(), "2".into()])),
            ("bs", AttributeValue::Bs(vec![Blob::new(b"x".to_vec())])),
            ("m", nested),
            ("status", AttributeValue::S("open".into())),
        ];
        assert_eq!(check(&item(&good), &schema()), Ok(()));
    }

    #[test]
    fn numbers_follow_dynamodb() {
        let digits39 = "1.00000000000000000000000000000000000001";
        assert_eq!(
            broken(&[("n", AttributeValue::N(digits39.into()))]),
            (
                Rule::Number(dynomodel_codec::Rule::TooPrecise { digits: 39 }),
                Some("n.N".into())
            )
        );
        let (rule, path) = broken(&[("n", AttributeValue::Ns(vec!["1E+126".into()]))]);
        assert_eq!(rule, Rule::Number(dynomodel_codec::Rule::OutOfRange));
        assert_eq!(path.as_deref(), Some("n.NS"));
        let (rule, _) = broken(&[("n", AttributeValue::N("twelve".into()))]);
        assert_eq!(rule, Rule::Number(dynomodel_codec::Rule::Malformed));
    }

    #[test]
    fn sets_are_not_empty_and_hold_each_member_once() {
        assert_eq!(
            broken(&[("s", AttributeValue::Ss(vec![]))]).0,
            Rule::EmptySet
        );
        let twice = AttributeValue::Ss(vec!["a".into(), "a".into()]);
        assert_eq!(broken(&[("s", twice)]).0, Rule::DuplicateMember);
        let same_value = AttributeValue::Ns(vec!["1".into(), "1.00".into()]);
        assert_eq!(broken(&[("s", same_value)]).0, Rule::DuplicateMember);
        let bytes = AttributeValue::Bs(vec![Blob::new(b"x".to_vec()), Blob::new(b"x".to_vec())]);
        assert_eq!(broken(&[("s", bytes)]).0, Rule::DuplicateMember);
    }

    #[test]
    fn nested_paths_and_depth() {
        let inner = AttributeValue::M(HashMap::from([(
            "tags".to_owned(),
            AttributeValue::L(vec![AttributeValue::Ss(vec![])]),
        )]));
        assert_eq!(
            broken(&[("a", inner)]),
            (Rule::EmptySet, Some("a.M.tags.L[0].SS".into()))
        );
        let mut deep = AttributeValue::Null(true);
        for _ in 0..=MAX_DEPTH {
            deep = AttributeValue::L(vec![deep]);
        }
        assert_eq!(broken(&[("deep", deep)]).0, Rule::TooDeep);
        assert_eq!(
            broken(&[("x", AttributeValue::Null(false))]).0,
            Rule::NullFalse
        );
    }

    #[test]
    fn keys_are_present_typed_not_empty_and_short() {
        let mut missing = item(&[]);
        missing.remove("sk");
        let err = check(&missing, &schema()).expect_err("no sort key");
        assert_eq!(err.rule, Rule::MissingKey { name: "sk".into() });
        let (rule, _) = broken(&[("sk", AttributeValue::S("1".into()))]);
        assert!(matches!(
            rule,
            Rule::KeyType {
                expected: KeyType::N,
                ..
            }
        ));
        let (rule, _) = broken(&[("pk", AttributeValue::S(String::new()))]);
        assert_eq!(rule, Rule::EmptyKey { name: "pk".into() });
        let (rule, _) = broken(&[("pk", AttributeValue::S("x".repeat(2049)))]);
        assert!(matches!(rule, Rule::KeyTooLarge { limit: 2048, .. }));
        let (rule, _) = broken(&[("status", AttributeValue::N("1".into()))]);
        assert!(matches!(
            rule,
            Rule::KeyType {
                of: "of a secondary index",
                ..
            }
        ));
        let (rule, _) = broken(&[("status", AttributeValue::S("s".repeat(1025)))]);
        assert!(matches!(rule, Rule::KeyTooLarge { limit: 1024, .. }));
    }

    #[test]
    fn items_over_400_kb_are_refused() {
        let big = AttributeValue::S("x".repeat(size::MAX_ITEM_SIZE));
        assert!(matches!(
            broken(&[("big", big)]).0,
            Rule::ItemTooLarge { .. }
        ));
    }

    #[test]
    fn numbers_have_one_identity_per_value() {
        assert_eq!(canonical_number("1"), canonical_number("1.000"));
        assert_eq!(canonical_number("100"), canonical_number("1E+2"));
        assert_eq!(canonical_number("-0.0"), canonical_number("0"));
        assert_ne!(canonical_number("1"), canonical_number("-1"));
        assert_ne!(canonical_number("10"), canonical_number("1"));
        let a = item(&[("sk", AttributeValue::N("10".into()))]);
        let b = item(&[("sk", AttributeValue::N("1.0E1".into()))]);
        assert_eq!(identity(&a, &schema()), identity(&b, &schema()));
    }
}
