use std::collections::HashMap;
use std::time::Instant;

use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, ConsumedCapacity, GlobalSecondaryIndex, KeySchemaElement,
    KeyType as SdkKeyType, LocalSecondaryIndex, Projection, ProjectionType, ProvisionedThroughput,
    ReturnConsumedCapacity, ReturnValue, ReturnValuesOnConditionCheckFailure, ScalarAttributeType,
    Select, TimeToLiveSpecification, TimeToLiveStatus,
};

mod batches;
mod transactions;

use crate::backend::BoxFuture;
#[cfg(test)]
use crate::AttributeValue;
use crate::{
    Backend, BatchGetOutput, BatchWriteOutput, Capacity, ClientConfig, CreateTable, DeleteItem,
    Error, Expression, GetItem, IndexProjection, Item, ItemOutput, KeyAttribute, KeyType, Page,
    PutItem, Query, Scan, TableDescription, TableKeys, TableWrite, TransactGetItem,
    TransactGetOutput, TransactWrite, UpdateItem,
};

/// DynamoDB through aws-sdk-dynamodb.
#[derive(Debug, Clone)]
pub struct AwsBackend {
    client: aws_sdk_dynamodb::Client,
    endpoint: String,
}

impl AwsBackend {
    /// Resolve `config` (profiles, environment, credential chain) into a backend.
    ///
    /// # Errors
    /// [`Error::Configuration`] when the configuration lacks what every call needs.
    pub async fn connect(config: &ClientConfig) -> Result<Self, Error> {
        Ok(Self {
            client: config.connect().await?,
            endpoint: config.endpoint_label(),
        })
    }

    fn fail<E, R>(&self, table: &str, err: aws_sdk_dynamodb::error::SdkError<E, R>) -> Error
    where
        E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        Error::from_sdk(err, table, &self.endpoint, |_| None)
    }
}

enum Use {
    Read,
    Write,
}

fn capacity(consumed: Option<&ConsumedCapacity>, used: Use, start: Instant) -> Capacity {
    let units = consumed
        .and_then(ConsumedCapacity::capacity_units)
        .unwrap_or(0.0);
    let (read, write) = match used {
        Use::Read => (units, 0.0),
        Use::Write => (0.0, units),
    };
    Capacity {
        read,
        write,
        duration: start.elapsed(),
    }
}

/// The expressions of one request with their shared placeholder maps, shaped for the SDK's
/// setters (which want `None`, not an empty map, when there are no placeholders).
struct Placeholders<const N: usize> {
    texts: [Option<String>; N],
    names: Option<HashMap<String, String>>,
    values: Option<Item>,
}

fn placeholders<const N: usize>(expressions: [Option<Expression>; N]) -> Placeholders<N> {
    let (mut names, mut values) = (HashMap::new(), HashMap::new());
    let texts = expressions.map(|expression| {
        expression.map(|e| {
            names.extend(e.names);
            values.extend(e.values);
            e.text
        })
    });
    Placeholders {
        texts,
        names: (!names.is_empty()).then_some(names),
        values: (!values.is_empty()).then_some(values),
    }
}

fn invalid(err: impl std::fmt::Display) -> Error {
    Error::Validation {
        message: err.to_string(),
    }
}

fn key_schema(
    partition: &KeyAttribute,
    sort: Option<&KeyAttribute>,
) -> Result<Vec<KeySchemaElement>, Error> {
    std::iter::once((partition, SdkKeyType::Hash))
        .chain(sort.map(|k| (k, SdkKeyType::Range)))
        .map(|(key, role)| {
            KeySchemaElement::builder()
                .attribute_name(&key.name)
                .key_type(role)
                .build()
                .map_err(invalid)
        })
        .collect()
}

fn projection(projection: &IndexProjection) -> Projection {
    let (kind, included) = match projection {
        IndexProjection::All => (ProjectionType::All, None),
        IndexProjection::KeysOnly => (ProjectionType::KeysOnly, None),
        IndexProjection::Include(names) => (ProjectionType::Include, Some(names.clone())),
    };
    Projection::builder()
        .projection_type(kind)
        .set_non_key_attributes(included)
        .build()
}

fn throughput((read, write): (i64, i64)) -> Result<ProvisionedThroughput, Error> {
    ProvisionedThroughput::builder()
        .read_capacity_units(read)
        .write_capacity_units(write)
        .build()
        .map_err(invalid)
}

fn page(
    items: Option<Vec<Item>>,
    last_key: Option<Item>,
    counts: (i32, i32),
    consumed: Option<&ConsumedCapacity>,
    start: Instant,
) -> Page {
    Page {
        items: items.unwrap_or_default(),
        // DynamoDB sends an empty map on some last pages.
        last_key: last_key.filter(|key| !key.is_empty()),
        count: counts.0,
        scanned: counts.1,
        capacity: capacity(consumed, Use::Read, start),
    }
}

fn sdk_key_type(key_type: KeyType) -> ScalarAttributeType {
    match key_type {
        KeyType::S => ScalarAttributeType::S,
        KeyType::N => ScalarAttributeType::N,
        KeyType::B => ScalarAttributeType::B,
    }
}

/// `(read, write)` units of a provisioned table or index (on-demand ones report none, or 0).
fn units(
    throughput: Option<&aws_sdk_dynamodb::types::ProvisionedThroughputDescription>,
) -> Option<(i64, i64)> {
    let throughput = throughput?;
    match (
        throughput.read_capacity_units(),
        throughput.write_capacity_units(),
    ) {
        (Some(read), Some(write)) if read > 0 || write > 0 => Some((read, write)),
        _ => None,
    }
}

fn describe(table: &aws_sdk_dynamodb::types::TableDescription) -> TableDescription {
    let types: HashMap<&str, KeyType> = table
        .attribute_definitions()
        .iter()
        .map(|d| {
            let key_type = match d.attribute_type() {
                ScalarAttributeType::N => KeyType::N,
                ScalarAttributeType::B => KeyType::B,
                _ => KeyType::S,
            };
            (d.attribute_name(), key_type)
        })
        .collect();
    let mut schema: Vec<&KeySchemaElement> = table.key_schema().iter().collect();
    schema.sort_by_key(|k| *k.key_type() != SdkKeyType::Hash);
    TableDescription {
        name: table.table_name().unwrap_or_default().to_owned(),
        status: table
            .table_status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        keys: schema
            .into_iter()
            .map(|k| KeyAttribute {
                name: k.attribute_name().to_owned(),
                key_type: types.get(k.attribute_name()).copied().unwrap_or(KeyType::S),
            })
            .collect(),
        item_count: table.item_count().unwrap_or(0),
        size_bytes: table.table_size_bytes().unwrap_or(0),
        billing_mode: table
            .billing_mode_summary()
            .and_then(|b| b.billing_mode())
            .map_or("PROVISIONED", BillingMode::as_str)
            .to_owned(),
        arn: table.table_arn().map(str::to_owned),
        indexes: table
            .global_secondary_indexes()
            .iter()
            .filter_map(|i| i.index_name())
            .chain(
                table
                    .local_secondary_indexes()
                    .iter()
                    .filter_map(|i| i.index_name()),
            )
            .map(str::to_owned)
            .collect(),
        capacity: units(table.provisioned_throughput()),
        index_capacity: table
            .global_secondary_indexes()
            .iter()
            .filter_map(|index| {
                let (read, write) = units(index.provisioned_throughput())?;
                Some((index.index_name()?.to_owned(), read, write))
            })
            .collect(),
    }
}

/// Query and Scan take the same read parameters and answer with the same page fields, through SDK
/// builders and outputs that share no trait: this sets and reads them once for both.
macro_rules! read_page {
    ($backend:ident, $call:expr, $table:expr, $read:ident,
     [$filter:ident, $projection:ident, $names:ident, $values:ident], $start:ident) => {{
        let out = $call
            .set_filter_expression($filter)
            .set_projection_expression($projection)
            .set_expression_attribute_names($names)
            .set_expression_attribute_values($values)
            .set_limit($read.limit)
            .set_exclusive_start_key($read.start_key)
            .consistent_read($read.consistent_read)
            .set_select($read.count_only.then_some(Select::Count))
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(|err| $backend.fail(&$table, err))?;
        Ok(page(
            out.items,
            out.last_evaluated_key,
            (out.count, out.scanned_count),
            out.consumed_capacity.as_ref(),
            $start,
        ))
    }};
}

impl Backend for AwsBackend {
    fn put_item(&self, request: PutItem) -> BoxFuture<'_, ItemOutput> {
        Box::pin(async move {
            let start = Instant::now();
            let Placeholders {
                texts: [condition],
                names,
                values,
            } = placeholders([request.condition]);
            let call = self
                .client
                .put_item()
                .table_name(&request.table)
                .set_item(Some(request.item))
                .set_condition_expression(condition)
                .set_expression_attribute_names(names)
                .set_expression_attribute_values(values)
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .return_consumed_capacity(ReturnConsumedCapacity::Total);
            let out = call.send().await.map_err(|err| {
                Error::from_sdk(err, &request.table, &self.endpoint, |e| match e {
                    PutItemError::ConditionalCheckFailedException(c) => c.item().cloned(),
                    _ => None,
                })
            })?;
            Ok(ItemOutput {
                item: None,
                capacity: capacity(out.consumed_capacity(), Use::Write, start),
            })
        })
    }

    fn get_item(&self, request: GetItem) -> BoxFuture<'_, ItemOutput> {
        Box::pin(async move {
            let start = Instant::now();
            let out = self
                .client
                .get_item()
                .table_name(&request.table)
                .set_key(Some(request.key))
                .consistent_read(request.consistent_read)
                .return_consumed_capacity(ReturnConsumedCapacity::Total)
                .send()
                .await
                .map_err(|err| self.fail(&request.table, err))?;
            let capacity = capacity(out.consumed_capacity(), Use::Read, start);
            Ok(ItemOutput {
                item: out.item,
                capacity,
            })
        })
    }

    fn delete_item(&self, request: DeleteItem) -> BoxFuture<'_, ItemOutput> {
        Box::pin(async move {
            let start = Instant::now();
            let Placeholders {
                texts: [condition],
                names,
                values,
            } = placeholders([request.condition]);
            let call = self
                .client
                .delete_item()
                .table_name(&request.table)
                .set_key(Some(request.key))
                .set_condition_expression(condition)
                .set_expression_attribute_names(names)
                .set_expression_attribute_values(values)
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .return_consumed_capacity(ReturnConsumedCapacity::Total);
            let out = call.send().await.map_err(|err| {
                Error::from_sdk(err, &request.table, &self.endpoint, |e| match e {
                    DeleteItemError::ConditionalCheckFailedException(c) => c.item().cloned(),
                    _ => None,
                })
            })?;
            Ok(ItemOutput {
                item: None,
                capacity: capacity(out.consumed_capacity(), Use::Write, start),
            })
        })
    }

    fn update_item(&self, request: UpdateItem) -> BoxFuture<'_, ItemOutput> {
        Box::pin(async move {
            let start = Instant::now();
            let Placeholders {
                texts: [update, condition],
                names,
                values,
            } = placeholders([Some(request.update), request.condition]);
            let out = self
                .client
                .update_item()
                .table_name(&request.table)
                .set_key(Some(request.key))
                .set_update_expression(update)
                .set_condition_expression(condition)
                .set_expression_attribute_names(names)
                .set_expression_attribute_values(values)
                .return_values(ReturnValue::AllNew)
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .return_consumed_capacity(ReturnConsumedCapacity::Total)
                .send()
                .await
                .map_err(|err| {
                    Error::from_sdk(err, &request.table, &self.endpoint, |e| match e {
                        UpdateItemError::ConditionalCheckFailedException(c) => c.item().cloned(),
                        _ => None,
                    })
                })?;
            let capacity = capacity(out.consumed_capacity(), Use::Write, start);
            Ok(ItemOutput {
                item: out.attributes,
                capacity,
            })
        })
    }

    fn create_table(&self, request: CreateTable) -> BoxFuture<'_, TableDescription> {
        Box::pin(async move {
            let mut call = self.client.create_table().table_name(&request.table);
            let mut defined = std::collections::HashSet::new();
            let keys = std::iter::once(&request.partition_key)
                .chain(&request.sort_key)
                .chain(
                    request
                        .indexes
                        .iter()
                        .flat_map(|i| std::iter::once(&i.partition_key).chain(&i.sort_key)),
                );
            for key in keys {
                if defined.insert(&key.name) {
                    let definition = AttributeDefinition::builder()
                        .attribute_name(&key.name)
                        .attribute_type(sdk_key_type(key.key_type))
                        .build()
                        .map_err(invalid)?;
                    call = call.attribute_definitions(definition);
                }
            }
            call = call.set_key_schema(Some(key_schema(
                &request.partition_key,
                request.sort_key.as_ref(),
            )?));
            for index in &request.indexes {
                let schema = Some(key_schema(&index.partition_key, index.sort_key.as_ref())?);
                if index.global {
                    let global = GlobalSecondaryIndex::builder()
                        .index_name(&index.name)
                        .set_key_schema(schema)
                        .projection(projection(&index.projection))
                        .set_provisioned_throughput(index.provisioned.map(throughput).transpose()?)
                        .build()
                        .map_err(invalid)?;
                    call = call.global_secondary_indexes(global);
                } else {
                    let local = LocalSecondaryIndex::builder()
                        .index_name(&index.name)
                        .set_key_schema(schema)
                        .projection(projection(&index.projection))
                        .build()
                        .map_err(invalid)?;
                    call = call.local_secondary_indexes(local);
                }
            }
            call = match request.provisioned {
                None => call.billing_mode(BillingMode::PayPerRequest),
                Some(units) => call
                    .billing_mode(BillingMode::Provisioned)
                    .provisioned_throughput(throughput(units)?),
            };
            let out = call
                .send()
                .await
                .map_err(|err| self.fail(&request.table, err))?;
            out.table_description()
                .map(describe)
                .ok_or_else(|| invalid("CreateTable returned no description"))
        })
    }

    fn query(&self, request: Query) -> BoxFuture<'_, Page> {
        Box::pin(async move {
            let start = Instant::now();
            let read = request.read;
            let Placeholders {
                texts: [key_condition, filter, projection],
                names,
                values,
            } = placeholders([Some(request.key_condition), read.filter, read.projection]);
            let call = self
                .client
                .query()
                .table_name(&request.table)
                .set_index_name(request.index)
                .set_key_condition_expression(key_condition)
                .scan_index_forward(request.forward);
            read_page!(
                self,
                call,
                request.table,
                read,
                [filter, projection, names, values],
                start
            )
        })
    }

    fn scan(&self, request: Scan) -> BoxFuture<'_, Page> {
        Box::pin(async move {
            let start = Instant::now();
            let read = request.read;
            let Placeholders {
                texts: [filter, projection],
                names,
                values,
            } = placeholders([read.filter, read.projection]);
            let (segment, total) = request.segment.unzip();
            let call = self
                .client
                .scan()
                .table_name(&request.table)
                .set_index_name(request.index)
                .set_segment(segment)
                .set_total_segments(total);
            read_page!(
                self,
                call,
                request.table,
                read,
                [filter, projection, names, values],
                start
            )
        })
    }

    fn describe_table(&self, table: String) -> BoxFuture<'_, TableDescription> {
        Box::pin(async move {
            let out = self
                .client
                .describe_table()
                .table_name(&table)
                .send()
                .await
                .map_err(|err| self.fail(&table, err))?;
            out.table()
                .map(describe)
                .ok_or_else(|| Error::TableNotFound {
                    table,
                    message: "no description returned".into(),
                })
        })
    }

    fn batch_get(&self, request: Vec<TableKeys>) -> BoxFuture<'_, BatchGetOutput> {
        Box::pin(self.send_batch_get(request))
    }

    fn batch_write(&self, request: Vec<TableWrite>) -> BoxFuture<'_, BatchWriteOutput> {
        Box::pin(self.send_batch_write(request))
    }

    fn transact_write(&self, request: TransactWrite) -> BoxFuture<'_, Capacity> {
        Box::pin(self.send_transact_write(request))
    }

    fn transact_get(&self, request: Vec<TransactGetItem>) -> BoxFuture<'_, TransactGetOutput> {
        Box::pin(self.send_transact_get(request))
    }

    fn enable_time_to_live(&self, table: String, attribute: String) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let specification = TimeToLiveSpecification::builder()
                .attribute_name(attribute)
                .enabled(true)
                .build()
                .map_err(invalid)?;
            self.client
                .update_time_to_live()
                .table_name(&table)
                .time_to_live_specification(specification)
                .send()
                .await
                .map_err(|err| self.fail(&table, err))?;
            Ok(())
        })
    }

    fn describe_time_to_live(&self, table: String) -> BoxFuture<'_, Option<String>> {
        Box::pin(async move {
            let out = self
                .client
                .describe_time_to_live()
                .table_name(&table)
                .send()
                .await
                .map_err(|err| self.fail(&table, err))?;
            let description = out.time_to_live_description();
            let on = description
                .and_then(|d| d.time_to_live_status())
                .is_some_and(|s| {
                    matches!(s, TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)
                });
            Ok(on
                .then(|| {
                    description
                        .and_then(|d| d.attribute_name())
                        .map(str::to_owned)
                })
                .flatten())
        })
    }

    fn delete_table(&self, table: String) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            self.client
                .delete_table()
                .table_name(&table)
                .send()
                .await
                .map_err(|err| self.fail(&table, err))?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expression(text: &str, name: &str, value: &str) -> Expression {
        Expression {
            text: text.into(),
            names: HashMap::from([(name.to_owned(), "attr".to_owned())]),
            values: HashMap::from([(value.to_owned(), AttributeValue::N("1".into()))]),
        }
    }

    #[test]
    fn update_and_condition_share_one_placeholder_map() {
        let p = placeholders([
            Some(expression("SET #u0 = :u0", "#u0", ":u0")),
            None,
            Some(expression("#c0 > :c0", "#c0", ":c0")),
        ]);
        let [update, nothing, condition] = p.texts;
        assert_eq!(update.as_deref(), Some("SET #u0 = :u0"));
        assert_eq!(condition.as_deref(), Some("#c0 > :c0"));
        assert!(nothing.is_none());
        assert_eq!(p.names.map(|n| n.len()), Some(2));
        assert_eq!(p.values.map(|v| v.len()), Some(2));
    }

    #[test]
    fn no_expressions_means_no_maps() {
        let p = placeholders::<2>([None, None]);
        assert!(p.texts.iter().all(Option::is_none));
        assert!(p.names.is_none() && p.values.is_none());
    }
}
