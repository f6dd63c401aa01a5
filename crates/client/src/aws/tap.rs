//! A Query's or Scan's items kept as DynamoDB sent them, for the decoder to read once.
//!
//! The SDK's deserializer would build an `AttributeValue` map for every item, which the decoder
//! then walks again into Python objects. The tap wraps a successful answer's body: once the
//! body is in, it finds the `Items` array without parsing it, keeps the body and the array's
//! span, and hands the SDK the same answer with `"Items":[]`. The SDK still does everything
//! else (retries, signing, errors, the count, the last key, the consumed capacity); an answer
//! the tap cannot read goes to the SDK as it came, and its items are then the SDK's values.

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
use serde_json::value::RawValue;

use crate::JsonItems;

/// Where the tap of one call leaves the items of its successful answer.
#[derive(Debug, Clone, Default)]
pub(super) struct ItemsTap(Arc<Mutex<Option<JsonItems>>>);

impl ItemsTap {
    /// The items of the answer, if the tap read it.
    pub(super) fn take(&self) -> Option<JsonItems> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

impl Intercept for ItemsTap {
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

/// An answer's body, read to its end, then given on without its items.
struct Tapped {
    body: SdkBody,
    chunks: Vec<Bytes>,
    slot: ItemsTap,
    done: bool,
}

impl Body for Tapped {
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
        let rest = match split(&body) {
            Some((items, rest)) => {
                *self.slot.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(items);
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

/// The `Items` array of `body`, and the body without it; `None` when there is no such array
/// (a count) or the body is not a JSON object.
fn split(body: &Bytes) -> Option<(JsonItems, Bytes)> {
    #[derive(serde::Deserialize)]
    struct Answer<'a> {
        #[serde(rename = "Items", borrow)]
        items: Option<&'a RawValue>,
    }
    let items = serde_json::from_slice::<Answer<'_>>(body)
        .ok()?
        .items?
        .get();
    // The raw value borrows from `body`: its offset there is where the array starts.
    let start = (items.as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
    let span = start..start + items.len();
    let mut rest = BytesMut::with_capacity(body.len() - items.len() + 2);
    rest.extend_from_slice(&body[..span.start]);
    rest.extend_from_slice(b"[]");
    rest.extend_from_slice(&body[span.end..]);
    Some((JsonItems::new(body.clone(), span)?, rest.freeze()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_items_are_cut_out_and_the_rest_is_kept() {
        let body = Bytes::from_static(
            br#"{"Count":2,"Items":[{"a":{"S":"x]"}},{"b":{"N":"1"}}],"ScannedCount":3}"#,
        );
        let (items, rest) = split(&body).expect("an answer with items");
        assert_eq!(items.as_bytes(), br#"[{"a":{"S":"x]"}},{"b":{"N":"1"}}]"#);
        assert_eq!(&rest[..], br#"{"Count":2,"Items":[],"ScannedCount":3}"#);
    }

    #[test]
    fn answers_without_items_or_not_json_are_left_alone() {
        assert!(split(&Bytes::from_static(br#"{"Count":4,"ScannedCount":4}"#)).is_none());
        assert!(split(&Bytes::from_static(b"<html>")).is_none());
    }

    /// Through the SDK and the embedded engine: the page's items arrive as JSON, and parsed
    /// they are the items stored; a count has no items to keep.
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
