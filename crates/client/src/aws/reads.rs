//! Query and Scan: one page each, its items as DynamoDB sent them (see [`super::tap`]).

use aws_sdk_dynamodb::types::Select;

use super::call::{Call, Counted, Use, CONSUMED};
use super::convert::{placeholders, Placeholders};
use super::tap::Tap;
use super::AwsBackend;
use crate::{Error, JsonItems, Page, PageItems, Query, Scan};

/// Query and Scan take the same read parameters and answer with the same page fields, through SDK
/// builders and outputs that share no trait: this sets and reads them once for both.
macro_rules! read_page {
    ($backend:ident, $builder:expr, $call:ident, $read:ident,
     [$filter:ident, $projection:ident, $names:ident, $values:ident]) => {{
        let tap = Tap::<JsonItems>::default();
        let out = $builder
            .set_filter_expression($filter)
            .set_projection_expression($projection)
            .set_expression_attribute_names($names)
            .set_expression_attribute_values($values)
            .set_limit($read.limit)
            .set_exclusive_start_key($read.start_key)
            .consistent_read($read.consistent_read)
            .set_select($read.count_only.then_some(Select::Count))
            .return_consumed_capacity(CONSUMED)
            .customize()
            .interceptor(tap.clone())
            .send()
            .counted(&$call, $backend.sdk_time())
            .await
            .map_err(|err| $backend.fail(&$call, err))?;
        Ok(Page {
            items: match tap.take() {
                Some(json) => PageItems::Json(json),
                None => PageItems::Values(out.items.unwrap_or_default()),
            },
            // DynamoDB sends an empty map on some last pages.
            last_key: out.last_evaluated_key.filter(|key| !key.is_empty()),
            count: out.count,
            scanned: out.scanned_count,
            capacity: $call.cost(out.consumed_capacity.as_ref(), Use::Read),
        })
    }};
}

impl AwsBackend {
    pub(super) async fn send_query(&self, request: Query) -> Result<Page, Error> {
        let call = Call::new("Query", &request.table);
        let read = request.read;
        let Placeholders {
            texts: [key_condition, filter, projection],
            names,
            values,
        } = placeholders([Some(request.key_condition), read.filter, read.projection]);
        let builder = self
            .client
            .query()
            .table_name(&request.table)
            .set_index_name(request.index)
            .set_key_condition_expression(key_condition)
            .scan_index_forward(request.forward);
        read_page!(
            self,
            builder,
            call,
            read,
            [filter, projection, names, values]
        )
    }

    pub(super) async fn send_scan(&self, request: Scan) -> Result<Page, Error> {
        let call = Call::new("Scan", &request.table);
        let read = request.read;
        let Placeholders {
            texts: [filter, projection],
            names,
            values,
        } = placeholders([read.filter, read.projection]);
        let (segment, total) = request.segment.unzip();
        let builder = self
            .client
            .scan()
            .table_name(&request.table)
            .set_index_name(request.index)
            .set_segment(segment)
            .set_total_segments(total);
        read_page!(
            self,
            builder,
            call,
            read,
            [filter, projection, names, values]
        )
    }
}
