//! BatchGetItem and BatchWriteItem, one request each; [`crate::batch`] retries what they leave.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{
    ConsumedCapacity, DeleteRequest, KeysAndAttributes, PutRequest, WriteRequest,
};

use super::call::{Call, Counted, Use, CONSUMED};
use super::convert::{invalid, placeholders, Placeholders};
use super::tap::{Responses, Tap};
use super::AwsBackend;
use crate::{BatchGetOutput, BatchWriteOutput, Error, PageItems, TableKeys, TableWrite, Write};

/// The capacity units each table of a batch consumed.
fn by_table(consumed: Option<&[ConsumedCapacity]>) -> HashMap<String, f64> {
    let mut units = HashMap::new();
    for entry in consumed.unwrap_or_default() {
        if let (Some(table), Some(used)) = (entry.table_name(), entry.capacity_units()) {
            *units.entry(table.to_owned()).or_insert(0.0) += used;
        }
    }
    units
}

fn keys_and_attributes(request: TableKeys) -> Result<(String, KeysAndAttributes), Error> {
    let Placeholders {
        texts: [projection],
        names,
        ..
    } = placeholders([request.projection]);
    let keys = KeysAndAttributes::builder()
        .set_keys(Some(request.keys))
        .consistent_read(request.consistent_read)
        .set_projection_expression(projection)
        .set_expression_attribute_names(names)
        .build()
        .map_err(invalid)?;
    Ok((request.table, keys))
}

fn table_keys(table: String, keys: KeysAndAttributes) -> TableKeys {
    TableKeys {
        table,
        consistent_read: keys.consistent_read().unwrap_or(false),
        projection: keys.projection_expression().map(|text| crate::Expression {
            text: text.to_owned(),
            names: keys
                .expression_attribute_names()
                .cloned()
                .unwrap_or_default(),
            values: HashMap::new(),
        }),
        keys: keys.keys,
    }
}

fn write_request(write: Write) -> Result<WriteRequest, Error> {
    Ok(match write {
        Write::Put(item) => WriteRequest::builder()
            .put_request(
                PutRequest::builder()
                    .set_item(Some(item))
                    .build()
                    .map_err(invalid)?,
            )
            .build(),
        Write::Delete(key) => WriteRequest::builder()
            .delete_request(
                DeleteRequest::builder()
                    .set_key(Some(key))
                    .build()
                    .map_err(invalid)?,
            )
            .build(),
    })
}

fn table_write(table: &str, request: WriteRequest) -> Option<TableWrite> {
    let write = match (request.put_request, request.delete_request) {
        (Some(put), _) => Write::Put(put.item),
        (None, Some(delete)) => Write::Delete(delete.key),
        (None, None) => return None,
    };
    Some(TableWrite {
        table: table.to_owned(),
        write,
    })
}

impl AwsBackend {
    pub(super) async fn send_batch_get(
        &self,
        request: Vec<TableKeys>,
    ) -> Result<BatchGetOutput, Error> {
        let _permit = self.batch_permit().await?;
        let order: Vec<String> = request.iter().map(|t| t.table.clone()).collect();
        let call = Call::new("BatchGetItem", order.first().map_or("", String::as_str));
        let tap = Tap::<Responses>::default();
        let items = request
            .into_iter()
            .map(keys_and_attributes)
            .collect::<Result<HashMap<_, _>, _>>()?;
        let out = self
            .client
            .batch_get_item()
            .set_request_items(Some(items))
            .return_consumed_capacity(CONSUMED)
            .customize()
            .interceptor(tap.clone())
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| self.fail(&call, err))?;
        let capacity = call.cost(out.consumed_capacity(), Use::Read);
        let units_by_table = by_table(out.consumed_capacity.as_deref());
        let mut responses = out.responses.unwrap_or_default();
        let Responses(mut json) = tap.take().unwrap_or_default();
        Ok(BatchGetOutput {
            items: order
                .into_iter()
                .map(|table| {
                    let found = match json.remove(&table) {
                        Some(items) => PageItems::Json(items),
                        None => PageItems::Values(responses.remove(&table).unwrap_or_default()),
                    };
                    (table, found)
                })
                .collect(),
            unprocessed: out
                .unprocessed_keys
                .unwrap_or_default()
                .into_iter()
                .filter(|(_, keys)| !keys.keys.is_empty())
                .map(|(table, keys)| table_keys(table, keys))
                .collect(),
            capacity,
            units_by_table,
            gave_up: None,
        })
    }

    pub(super) async fn send_batch_write(
        &self,
        request: Vec<TableWrite>,
    ) -> Result<BatchWriteOutput, Error> {
        let _permit = self.batch_permit().await?;
        let call = Call::new(
            "BatchWriteItem",
            request.first().map_or("", |w| w.table.as_str()),
        );
        let mut items: HashMap<String, Vec<WriteRequest>> = HashMap::new();
        for TableWrite { table, write } in request {
            items.entry(table).or_default().push(write_request(write)?);
        }
        let out = self
            .client
            .batch_write_item()
            .set_request_items(Some(items))
            .return_consumed_capacity(CONSUMED)
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| self.fail(&call, err))?;
        let capacity = call.cost(out.consumed_capacity(), Use::Write);
        let units_by_table = by_table(out.consumed_capacity.as_deref());
        Ok(BatchWriteOutput {
            unprocessed: out
                .unprocessed_items
                .unwrap_or_default()
                .into_iter()
                .flat_map(|(table, writes)| {
                    writes
                        .into_iter()
                        .filter_map(move |w| table_write(&table, w))
                        .collect::<Vec<_>>()
                })
                .collect(),
            capacity,
            units_by_table,
            gave_up: None,
        })
    }
}
