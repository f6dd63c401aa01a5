//! Items kept as DynamoDB sent them, for the decoder to read once: a Query's or Scan's page,
//! and the items a BatchGetItem found in each table.
//!
//! The SDK's deserializer would build an `AttributeValue` map for every item, which the decoder
//! then walks again into Python objects. The tap wraps a successful answer's body: once the
//! body is in, it finds the items without parsing them, keeps the body and the items' spans,
//! and hands the SDK the same answer with their arrays empty. The SDK still does everything
//! else (retries, signing, errors, the count, the last key, unprocessed keys, the consumed
//! capacity); an answer the tap cannot read goes to the SDK as it came, and its items are then
//! the SDK's values.

use std::collections::HashMap;
use std::ops::Range;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{ready, Context, Poll};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use bytes::{Bytes, BytesMut};
use http_body::{Body, Frame};

use crate::json::{member, Scan};
use crate::JsonItems;

/// What a tap cuts out of an answer's body.
pub(super) trait Cut: Sized + Send + 'static {
    /// What is kept of `body`, and the body the SDK reads instead; `None` when the body does
    /// not hold it (or is not JSON), and goes to the SDK as it came.
    fn cut(body: &Bytes) -> Option<(Self, Bytes)>;
}

/// A Query's or Scan's `Items` array.
impl Cut for JsonItems {
    fn cut(body: &Bytes) -> Option<(Self, Bytes)> {
        let span = member(body, "Items").filter(|span| body[span.start] == b'[')?;
        Some((
            JsonItems::new(body.clone(), span.clone())?,
            without(body, &[span], b"[]"),
        ))
    }
}

/// A BatchGetItem's `Responses`: each table's array of the items found.
#[derive(Debug, Default)]
pub(super) struct Responses(pub(super) HashMap<String, JsonItems>);

impl Cut for Responses {
    fn cut(body: &Bytes) -> Option<(Self, Bytes)> {
        let mut spans = Vec::new();
        let mut tables = HashMap::new();
        let mut found = false;
        Scan::new(body).members(|scan, name| {
            if found || scan.text(name)? != "Responses" {
                return scan.value().map(drop);
            }
            found = true;
            // Read in place: the arrays are found on the way through, once.
            scan.members(|scan, table| {
                let table = scan.text(table)?.into_owned();
                let span = scan.value().filter(|span| body[span.start] == b'[')?;
                tables.insert(table, JsonItems::new(body.clone(), span.clone())?);
                spans.push(span);
                Some(())
            })
        })?;
        // Each table keeps its name and an empty list: the SDK reads no item.
        found.then(|| (Self(tables), without(body, &spans, b"[]")))
    }
}

/// `body` with each of `spans` (in order, apart) replaced by `empty`.
fn without(body: &Bytes, spans: &[Range<usize>], empty: &[u8]) -> Bytes {
    let cut: usize = spans.iter().map(|span| span.len() - empty.len()).sum();
    let mut rest = BytesMut::with_capacity(body.len() - cut);
    let mut from = 0;
    for span in spans {
        rest.extend_from_slice(&body[from..span.start]);
        rest.extend_from_slice(empty);
        from = span.end;
    }
    rest.extend_from_slice(&body[from..]);
    rest.freeze()
}

/// Where the tap of one call leaves what it cut out of its successful answer.
#[derive(Debug)]
pub(super) struct Tap<T>(Arc<Mutex<Option<T>>>);

impl<T> Default for Tap<T> {
    fn default() -> Self {
        Self(Arc::default())
    }
}

impl<T> Clone for Tap<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T> Tap<T> {
    /// What the tap cut out of the answer, if it read it.
    pub(super) fn take(&self) -> Option<T> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

impl<T: Cut + std::fmt::Debug> Intercept for Tap<T> {
    fn name(&self) -> &'static str {
        "dynomodel.items_tap"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response_mut();
        // Errors stay the SDK's to read, whole.
        if response.status().is_success() {
            let body = std::mem::replace(response.body_mut(), SdkBody::taken());
            *response.body_mut() = SdkBody::from_body_1_x(Tapped {
                body,
                chunks: Vec::new(),
                slot: self.clone(),
                done: false,
            });
        }
        Ok(())
    }
}

/// An answer's body, read to its end, then given on without what the tap keeps.
struct Tapped<T> {
    body: SdkBody,
    chunks: Vec<Bytes>,
    slot: Tap<T>,
    done: bool,
}

impl<T: Cut> Body for Tapped<T> {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if self.done {
            return Poll::Ready(None);
        }
        while let Some(frame) = ready!(Pin::new(&mut self.body).poll_frame(cx)) {
            if let Ok(data) = frame?.into_data() {
                self.chunks.push(data);
            }
        }
        self.done = true;
        let body = join(std::mem::take(&mut self.chunks));
        let rest = match T::cut(&body) {
            Some((kept, rest)) => {
                *self.slot.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(kept);
                rest
            }
            None => body,
        };
        Poll::Ready(Some(Ok(Frame::data(rest))))
    }
}

fn join(mut chunks: Vec<Bytes>) -> Bytes {
    if chunks.len() == 1 {
        return chunks.pop().unwrap_or_default();
    }
    let mut body = BytesMut::with_capacity(chunks.iter().map(Bytes::len).sum());
    for chunk in chunks {
        body.extend_from_slice(&chunk);
    }
    body.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_items_are_cut_out_and_the_rest_is_kept() {
        let body = Bytes::from_static(
            br#"{"Count":2,"Items":[{"a":{"S":"x]"}},{"b":{"N":"1"}}],"ScannedCount":3}"#,
        );
        let (items, rest) = JsonItems::cut(&body).expect("an answer with items");
        assert_eq!(items.as_bytes(), br#"[{"a":{"S":"x]"}},{"b":{"N":"1"}}]"#);
        assert_eq!(&rest[..], br#"{"Count":2,"Items":[],"ScannedCount":3}"#);
    }

    #[test]
    fn each_tables_items_are_cut_out_of_a_batch_get() {
        let body = Bytes::from_static(
            br#"{"Responses":{"a":[{"k":{"S":"1"}}],"b":[]},"UnprocessedKeys":{}}"#,
        );
        let (Responses(tables), rest) = Responses::cut(&body).expect("responses");
        assert_eq!(tables["a"].as_bytes(), br#"[{"k":{"S":"1"}}]"#);
        assert_eq!(tables["b"].as_bytes(), b"[]");
        assert_eq!(
            &rest[..],
            br#"{"Responses":{"a":[],"b":[]},"UnprocessedKeys":{}}"#
        );
        assert!(Responses::cut(&Bytes::from_static(br#"{"UnprocessedKeys":{}}"#)).is_none());
        // Found after other members, never inside them; a table name's escapes undone.
        let body = Bytes::from_static(
            br#"{"UnprocessedKeys":{"Responses":{"x":[]}}, "Responses" : {"t\u0061":[{"k":{"N":"1"}}]}}"#,
        );
        let (Responses(tables), rest) = Responses::cut(&body).expect("responses");
        assert_eq!(tables["ta"].as_bytes(), br#"[{"k":{"N":"1"}}]"#);
        assert_eq!(
            &rest[..],
            br#"{"UnprocessedKeys":{"Responses":{"x":[]}}, "Responses" : {"t\u0061":[]}}"#
        );
    }

    #[test]
    fn answers_without_items_or_not_json_are_left_alone() {
        assert!(JsonItems::cut(&Bytes::from_static(br#"{"Count":4,"ScannedCount":4}"#)).is_none());
        assert!(JsonItems::cut(&Bytes::from_static(b"<html>")).is_none());
    }

    /// Through the SDK and the embedded engine: a page's items and a batch get's arrive as
    /// JSON, and parsed they are the items stored; a count has no items to keep.
    #[tokio::test]
    async fn a_scan_keeps_its_items_as_the_engine_sent_them() -> Result<(), crate::Error> {
        use crate::{
            AttributeValue, Backend, ClientConfig, CreateTable, KeyAttribute, KeyType, PageItems,
            PutItem, Read, Scan,
        };
        let backend = super::super::AwsBackend::connect(&ClientConfig {
            endpoint_url: Some("memory://".into()),
            region: Some("us-east-1".into()),
            access_key_id: Some("k".into()),
            secret_access_key: Some("s".into()),
            ..ClientConfig::default()
        })
        .await?;
        let key = KeyAttribute {
            name: "pk".into(),
            key_type: KeyType::S,
        };
        backend
            .create_table(CreateTable {
                table: "tapped".into(),
                partition_key: key,
                sort_key: None,
                provisioned: None,
                indexes: Vec::new(),
            })
            .await?;
        let item = |pk: &str| {
            crate::Item::from([
                ("pk".to_owned(), AttributeValue::S(pk.into())),
                (
                    "note".to_owned(),
                    AttributeValue::S("a \"quoted\" word".into()),
                ),
            ])
        };
        for pk in ["a", "b"] {
            backend
                .put_item(PutItem {
                    table: "tapped".into(),
                    item: item(pk),
                    condition: None,
                    return_old: false,
                })
                .await?;
        }
        let scan = |count_only| Scan {
            table: "tapped".into(),
            read: Read {
                count_only,
                ..Read::default()
            },
            ..Scan::default()
        };
        let mut page = backend.scan(scan(false)).await?;
        assert!(matches!(page.items, PageItems::Json(_)), "{:?}", page.items);
        assert_eq!(page.count, 2);
        let mut found = page.items.values()?.clone();
        found.sort_by_key(|item| format!("{:?}", item.get("pk")));
        assert_eq!(found, vec![item("a"), item("b")]);
        let keys = vec![item("b"), item("a"), item("none")]
            .into_iter()
            .map(|mut key| {
                key.remove("note");
                key
            })
            .collect();
        let mut got = backend
            .batch_get(vec![crate::TableKeys {
                table: "tapped".into(),
                keys,
                ..crate::TableKeys::default()
            }])
            .await?;
        let (table, items) = &mut got.items[0];
        assert_eq!(table, "tapped");
        assert!(matches!(items, PageItems::Json(_)), "{items:?}");
        let mut found = items.values()?.clone();
        found.sort_by_key(|item| format!("{:?}", item.get("pk")));
        assert_eq!(found, vec![item("a"), item("b")]);
        let counted = backend.scan(scan(true)).await?;
        assert!(matches!(counted.items, PageItems::Values(ref v) if v.is_empty()));
        assert_eq!(counted.count, 2);
        Ok(())
    }

    #[test]
    fn chunks_are_joined_in_order() {
        let chunks = vec![
            Bytes::from_static(b"{\"It"),
            Bytes::from_static(b"ems\":[]}"),
        ];
        assert_eq!(&join(chunks)[..], b"{\"Items\":[]}");
    }
}
