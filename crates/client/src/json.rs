//! Items as DynamoDB sent them: the JSON of a response body, shared with it, parsed only by
//! the decoder (or into SDK values where those are needed).

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use bytes::{Bytes, BytesMut};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::{Error, ErrorKind, Item};

/// The items of a page, in one of two forms.
#[derive(Debug, Clone)]
pub enum PageItems {
    /// As SDK values.
    Values(Vec<Item>),
    /// The `Items` array of DynamoDB's answer as it came: read once, by the decoder, with no
    /// SDK value ever built for them.
    Json(JsonItems),
}

impl Default for PageItems {
    fn default() -> Self {
        Self::Values(Vec::new())
    }
}

impl PageItems {
    /// The items as SDK values, parsed now if they are still DynamoDB JSON (what opening a
    /// sealed table's items needs).
    ///
    /// # Errors
    /// When the JSON is not a list of items; the error names where, never a value.
    pub fn values(&mut self) -> Result<&mut Vec<Item>, Error> {
        match self {
            Self::Values(items) => Ok(items),
            Self::Json(json) => {
                let items = serde_json::from_slice::<Vec<serde_dynamo::Item>>(json.as_bytes())
                    .map_err(|err| unreadable_page(&err))?;
                *self = Self::Values(items.into_iter().map(Into::into).collect());
                self.values()
            }
        }
    }

    /// The items as SDK values, as [`PageItems::values`].
    ///
    /// # Errors
    /// As [`PageItems::values`].
    pub fn into_values(mut self) -> Result<Vec<Item>, Error> {
        Ok(std::mem::take(self.values()?))
    }
}

/// The `Items` array of a Query's or Scan's response body, shared with the body, not copied.
#[derive(Clone)]
pub struct JsonItems {
    body: Bytes,
    span: Range<usize>,
}

impl JsonItems {
    /// The array found at `span` of `body`; `None` when the span is not inside it.
    pub fn new(body: Bytes, span: Range<usize>) -> Option<Self> {
        body.get(span.clone())?;
        Some(Self { body, span })
    }

    /// The array's JSON text.
    pub fn as_bytes(&self) -> &[u8] {
        &self.body[self.span.clone()]
    }

    /// Each item of the array, sharing the body.
    ///
    /// # Errors
    /// When the JSON is not an array of objects; the error names where, never a value.
    pub fn items(&self) -> Result<Vec<JsonItem>, Error> {
        let raw = serde_json::from_slice::<Vec<&RawValue>>(self.as_bytes())
            .map_err(|err| unreadable_page(&err))?;
        raw.into_iter()
            .map(|item| {
                let span = span_of(&self.body, item).ok_or_else(outside_the_body)?;
                Ok(JsonItem {
                    body: self.body.clone(),
                    span,
                })
            })
            .collect()
    }

    /// One array of `items`, in their order (their text copied once, never parsed).
    pub fn join(items: &[&JsonItem]) -> Self {
        let size = items.iter().map(|item| item.span.len() + 1).sum::<usize>() + 1;
        let mut body = BytesMut::with_capacity(size);
        body.extend_from_slice(b"[");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(b",");
            }
            body.extend_from_slice(item.as_bytes());
        }
        body.extend_from_slice(b"]");
        let span = 0..body.len();
        Self {
            body: body.freeze(),
            span,
        }
    }
}

/// One item of a [`JsonItems`] array, as DynamoDB sent it.
#[derive(Clone)]
pub struct JsonItem {
    body: Bytes,
    span: Range<usize>,
}

impl JsonItem {
    /// The item's JSON text.
    pub fn as_bytes(&self) -> &[u8] {
        &self.body[self.span.clone()]
    }

    /// The attributes `names` of the item (its key), as SDK values; the rest is only skipped.
    ///
    /// # Errors
    /// When the item is not DynamoDB JSON; the error names where, never a value.
    pub fn attributes(&self, names: &[String]) -> Result<Item, Error> {
        let mut json = serde_json::Deserializer::from_slice(self.as_bytes());
        let found = Named(names)
            .deserialize(&mut json)
            .map_err(|err| unreadable_page(&err))?;
        Ok(serde_dynamo::Item::from(found).into())
    }

    /// The whole item as SDK values.
    ///
    /// # Errors
    /// When the item is not DynamoDB JSON; the error names where, never a value.
    pub fn value(&self) -> Result<Item, Error> {
        serde_json::from_slice::<serde_dynamo::Item>(self.as_bytes())
            .map(Into::into)
            .map_err(|err| unreadable_page(&err))
    }
}

/// Reads the attributes it names out of an item, and only skips the others.
struct Named<'n>(&'n [String]);

/// An attribute name, borrowed from the JSON unless it holds escapes.
#[derive(serde::Deserialize)]
struct Name<'a>(#[serde(borrow)] Cow<'a, str>);

impl<'de> DeserializeSeed<'de> for Named<'_> {
    type Value = HashMap<String, serde_dynamo::AttributeValue>;

    fn deserialize<D: Deserializer<'de>>(self, json: D) -> Result<Self::Value, D::Error> {
        json.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Named<'_> {
    type Value = HashMap<String, serde_dynamo::AttributeValue>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an item")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
        let mut found = HashMap::with_capacity(self.0.len());
        while let Some(Name(name)) = entries.next_key()? {
            match self.0.iter().find(|wanted| **wanted == name) {
                Some(wanted) => {
                    found.insert(wanted.clone(), entries.next_value()?);
                }
                None => {
                    entries.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

/// Its size only, as [`JsonItems`].
impl std::fmt::Debug for JsonItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JsonItem({} bytes)", self.span.len())
    }
}

/// Its size only: the items are stored values, which no log or message shows.
impl std::fmt::Debug for JsonItems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JsonItems({} bytes)", self.span.len())
    }
}

/// A page whose items do not parse: where, and what kind of fault (serde's own message can
/// quote the value it choked on).
pub fn unreadable_page(err: &serde_json::Error) -> Error {
    Error::new(ErrorKind::Service {
        code: "UnreadableResponse".to_owned(),
        message: format!(
            "the items of the page do not parse as DynamoDB JSON ({:?} fault at line {}, column {})",
            err.classify(),
            err.line(),
            err.column()
        ),
    })
}

/// Where `raw`, parsed from `body` and borrowing from it, sits in `body`.
pub(crate) fn span_of(body: &[u8], raw: &RawValue) -> Option<Range<usize>> {
    let start = (raw.get().as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
    let span = start..start + raw.get().len();
    body.get(span.clone())?;
    Some(span)
}

/// An item serde_json located outside the text it parsed: it cannot, as it borrows from it.
fn outside_the_body() -> Error {
    Error::new(ErrorKind::Service {
        code: "UnreadableResponse".to_owned(),
        message: "an item of the answer is not where it was read".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AttributeValue;

    fn page(json: &'static [u8]) -> PageItems {
        let body = Bytes::from_static(json);
        let span = 0..body.len();
        PageItems::Json(JsonItems::new(body, span).expect("in the body"))
    }

    #[test]
    fn json_items_parse_into_values_once() -> Result<(), Error> {
        let mut items = page(br#"[{"pk":{"S":"a"},"n":{"N":"1"}}]"#);
        assert_eq!(items.values()?.len(), 1);
        assert!(matches!(items, PageItems::Values(_)));
        let first = &items.values()?[0];
        assert_eq!(first.get("n"), Some(&AttributeValue::N("1".into())));
        Ok(())
    }

    #[test]
    fn items_that_do_not_parse_say_where_never_what() {
        let err = page(br#"[{"pk":{"BOOL":"secret-value"}}]"#)
            .into_values()
            .expect_err("a BOOL holding text is not DynamoDB JSON");
        let message = err.to_string();
        assert!(
            message.contains("do not parse as DynamoDB JSON"),
            "{message}"
        );
        assert!(message.contains("column"), "{message}");
        assert!(!message.contains("secret-value"), "{message}");
        assert!(!format!("{:?}", page(b"[\"secret-value\"]")).contains("secret"));
    }
}
