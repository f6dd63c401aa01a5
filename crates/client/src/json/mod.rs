//! Items as DynamoDB sent them: the JSON of a response body, shared with it, parsed only by
//! the decoder (or into SDK values where those are needed).

use std::collections::HashMap;
use std::ops::Range;

use bytes::{Bytes, BytesMut};
use serde::de::IgnoredAny;

mod parse;
mod scan;
pub mod tree;

pub(crate) use scan::{member, Scan};

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

    /// Each item of the array, sharing the body, with its attributes `names` (its key) as SDK
    /// values: one scan of the text, the other attributes only skipped.
    ///
    /// # Errors
    /// When the JSON is not an array of items; the error names where, never a value.
    pub fn keyed(&self, names: &[String]) -> Result<Vec<(JsonItem, Item)>, Error> {
        let text = self.as_bytes();
        let mut items = Vec::new();
        Scan::new(text)
            .elements(|scan| {
                let start = scan.start()?;
                let mut key = Vec::with_capacity(names.len());
                scan.members(|scan, name| {
                    let value = scan.value()?;
                    let name = scan.text(name)?;
                    if let Some(wanted) = names.iter().find(|wanted| **wanted == name) {
                        key.push((wanted, value));
                    }
                    Some(())
                })?;
                items.push((start..scan.at(), key));
                Some(())
            })
            .ok_or_else(|| unreadable(text))?;
        let at = self.span.start;
        items
            .into_iter()
            .map(|(span, key)| {
                let key = key
                    .into_iter()
                    .map(|(name, span)| {
                        serde_json::from_slice::<serde_dynamo::AttributeValue>(&text[span])
                            .map(|value| (name.clone(), value))
                            .map_err(|err| unreadable_page(&err))
                    })
                    .collect::<Result<HashMap<_, _>, _>>()?;
                let item = JsonItem {
                    body: self.body.clone(),
                    span: at + span.start..at + span.end,
                };
                Ok((item, serde_dynamo::Item::from(key).into()))
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
    let fault = format!("{:?} fault", err.classify());
    unreadable_at(&fault, err.line(), err.column())
}

/// A page whose items do not parse: `fault` says what kind, never the text there.
pub(crate) fn unreadable_at(fault: &str, line: usize, column: usize) -> Error {
    Error::new(ErrorKind::Service {
        code: "UnreadableResponse".to_owned(),
        message: format!(
            "the items of the page do not parse as DynamoDB JSON ({fault} at line {line}, \
             column {column})"
        ),
    })
}

/// Text the scan could not follow: where serde_json finds the fault (the scan trusts the text
/// to be JSON and does not look for it), or only that it is not the value expected.
fn unreadable(text: &[u8]) -> Error {
    match serde_json::from_slice::<IgnoredAny>(text) {
        Err(err) => unreadable_page(&err),
        Ok(_) => Error::new(ErrorKind::Service {
            code: "UnreadableResponse".to_owned(),
            message: "the items of the page are not the JSON expected".to_owned(),
        }),
    }
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

    fn json(text: &'static [u8]) -> JsonItems {
        JsonItems::new(Bytes::from_static(text), 0..text.len()).expect("in the body")
    }

    #[test]
    fn each_item_comes_with_its_key_wherever_its_key_attributes_are() -> Result<(), Error> {
        let items = json(
            br#" [ {"n":{"L":[{"S":"pk"}]},"sk":{"N":"2"},"p\u006b":{"S":"a\"b"}} ,
                  {"pk":{"S":"c"}},{"other":{"M":{"pk":{"S":"nested"}}}} ] "#,
        );
        let names = ["pk".to_owned(), "sk".to_owned()];
        let keyed = items.keyed(&names)?;
        let texts: Vec<&[u8]> = keyed.iter().map(|(item, _)| item.as_bytes()).collect();
        let expected: Vec<&[u8]> = vec![
            br#"{"n":{"L":[{"S":"pk"}]},"sk":{"N":"2"},"p\u006b":{"S":"a\"b"}}"#,
            br#"{"pk":{"S":"c"}}"#,
            br#"{"other":{"M":{"pk":{"S":"nested"}}}}"#,
        ];
        assert_eq!(texts, expected);
        let s = |text: &str| AttributeValue::S(text.into());
        assert_eq!(
            keyed[0].1,
            Item::from([
                ("pk".into(), s("a\"b")),
                ("sk".into(), AttributeValue::N("2".into()))
            ])
        );
        assert_eq!(keyed[1].1, Item::from([("pk".into(), s("c"))]));
        // A projection may leave the key out: a nested `pk` is not the item's.
        assert!(keyed[2].1.is_empty());
        Ok(())
    }

    #[test]
    fn a_key_that_does_not_parse_says_where_never_what() {
        for text in [
            &br#"[{"pk":{"S":"secret-value"}"#[..],
            br#"[{"pk":{"N":["secret-value"]}}]"#,
        ] {
            let items = JsonItems::new(Bytes::from_static(text), 0..text.len()).expect("in it");
            let err = items
                .keyed(&["pk".to_owned()])
                .expect_err("not DynamoDB JSON");
            let message = err.to_string();
            assert!(message.contains("column"), "{message}");
            assert!(!message.contains("secret-value"), "{message}");
        }
    }
}
