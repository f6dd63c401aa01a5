//! Where each item a batch get found goes: back to the place of its key among the keys asked,
//! whichever form it came in.

use crate::{AttributeValue, Error, Item, JsonItem, JsonItems, PageItems};

/// A key attribute's value, comparable: what makes two keys the same.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum KeyValue {
    S(String),
    N(String),
    B(Vec<u8>),
    Other(String),
}

/// A key's identity within a table: its attributes' names and values, in name order.
pub(super) type Fingerprint = Vec<(String, KeyValue)>;

pub(super) fn fingerprint<'a>(item: &Item, names: impl Iterator<Item = &'a String>) -> Fingerprint {
    let mut print: Fingerprint = names
        .map(|name| {
            let value = match item.get(name) {
                Some(AttributeValue::S(s)) => KeyValue::S(s.clone()),
                Some(AttributeValue::N(n)) => KeyValue::N(n.clone()),
                Some(AttributeValue::B(b)) => KeyValue::B(b.as_ref().to_vec()),
                other => KeyValue::Other(format!("{other:?}")),
            };
            (name.clone(), value)
        })
        .collect();
    print.sort_by(|a, b| a.0.cmp(&b.0));
    print
}

/// An item a batch get found: as SDK values, or as DynamoDB sent it.
pub(super) enum Found {
    Value(Item),
    Json(JsonItem),
}

impl Found {
    /// Each item of `items` with the fingerprint of its key attributes `names`.
    pub(super) fn keyed(
        items: PageItems,
        names: &[String],
    ) -> Result<Vec<(Fingerprint, Self)>, Error> {
        match items {
            PageItems::Values(items) => Ok(items
                .into_iter()
                .map(|item| (fingerprint(&item, names.iter()), Self::Value(item)))
                .collect()),
            PageItems::Json(json) => Ok(json
                .keyed(names)?
                .into_iter()
                .map(|(item, key)| (fingerprint(&key, names.iter()), Self::Json(item)))
                .collect()),
        }
    }

    /// One table's items, in order: still DynamoDB's JSON where every one of them is.
    pub(super) fn gathered(found: Vec<Self>) -> Result<PageItems, Error> {
        let json: Vec<&JsonItem> = found
            .iter()
            .filter_map(|item| match item {
                Self::Json(item) => Some(item),
                Self::Value(_) => None,
            })
            .collect();
        if !json.is_empty() && json.len() == found.len() {
            return Ok(PageItems::Json(JsonItems::join(&json)));
        }
        found
            .into_iter()
            .map(|item| match item {
                Self::Value(item) => Ok(item),
                Self::Json(item) => item.value(),
            })
            .collect::<Result<_, _>>()
            .map(PageItems::Values)
    }
}
