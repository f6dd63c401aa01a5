use std::collections::HashMap;
use std::time::Instant;

use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, ConsumedCapacity, KeySchemaElement, KeyType as SdkKeyType,
    ProvisionedThroughput, ReturnConsumedCapacity, ReturnValue,
    ReturnValuesOnConditionCheckFailure, ScalarAttributeType,
};

use crate::backend::BoxFuture;
#[cfg(test)]
use crate::AttributeValue;
use crate::{
    Backend, Capacity, ClientConfig, CreateTable, DeleteItem, Error, Expression, GetItem, Item,
    ItemOutput, KeyAttribute, KeyType, PutItem, TableDescription, UpdateItem,
};

/// DynamoDB through aws-sdk-dynamodb.
#[derive(Debug, Clone)]
pub struct AwsBackend {
    client: aws_sdk_dynamodb::Client,
    endpoint: String,
}

impl AwsBackend {
    /// Resolve `config` (profiles, environment, credential chain) into a backend.
    pub async fn connect(config: &ClientConfig) -> Self {
        Self {
            client: config.connect().await,
            endpoint: config.endpoint_label(),
        }
    }

    fn fail<E, R>(&self, table: &str, err: aws_sdk_dynamodb::error::SdkError<E, R>) -> Error
    where
        E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
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
struct Placeholders {
    update: Option<String>,
    condition: Option<String>,
    names: Option<HashMap<String, String>>,
    values: Option<Item>,
}

fn placeholders(update: Option<Expression>, condition: Option<Expression>) -> Placeholders {
    let (mut names, mut values) = (HashMap::new(), HashMap::new());
    let mut text = |expression: Option<Expression>| {
        expression.map(|e| {
            names.extend(e.names);
            values.extend(e.values);
            e.text
        })
    };
    let (update, condition) = (text(update), text(condition));
    Placeholders {
        update,
        condition,
        names: (!names.is_empty()).then_some(names),
        values: (!values.is_empty()).then_some(values),
    }
}

fn sdk_key_type(key_type: KeyType) -> ScalarAttributeType {
    match key_type {
        KeyType::S => ScalarAttributeType::S,
        KeyType::N => ScalarAttributeType::N,
        KeyType::B => ScalarAttributeType::B,
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
    }
}

impl Backend for AwsBackend {
    fn put_item(&self, request: PutItem) -> BoxFuture<'_, ItemOutput> {
        Box::pin(async move {
            let start = Instant::now();
            let expressions = placeholders(None, request.condition);
            let call = self
                .client
                .put_item()
                .table_name(&request.table)
                .set_item(Some(request.item))
                .set_condition_expression(expressions.condition)
                .set_expression_attribute_names(expressions.names)
                .set_expression_attribute_values(expressions.values)
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
            let expressions = placeholders(None, request.condition);
            let call = self
                .client
                .delete_item()
                .table_name(&request.table)
                .set_key(Some(request.key))
                .set_condition_expression(expressions.condition)
                .set_expression_attribute_names(expressions.names)
                .set_expression_attribute_values(expressions.values)
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
            let expressions = placeholders(Some(request.update), request.condition);
            let out = self
                .client
                .update_item()
                .table_name(&request.table)
                .set_key(Some(request.key))
                .set_update_expression(expressions.update)
                .set_condition_expression(expressions.condition)
                .set_expression_attribute_names(expressions.names)
                .set_expression_attribute_values(expressions.values)
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
            let keys = std::iter::once((&request.partition_key, SdkKeyType::Hash))
                .chain(request.sort_key.iter().map(|k| (k, SdkKeyType::Range)));
            for (key, role) in keys {
                let definition = AttributeDefinition::builder()
                    .attribute_name(&key.name)
                    .attribute_type(sdk_key_type(key.key_type))
                    .build()
                    .map_err(|e| Error::Validation {
                        message: e.to_string(),
                    })?;
                let element = KeySchemaElement::builder()
                    .attribute_name(&key.name)
                    .key_type(role)
                    .build()
                    .map_err(|e| Error::Validation {
                        message: e.to_string(),
                    })?;
                call = call.attribute_definitions(definition).key_schema(element);
            }
            call = match request.provisioned {
                None => call.billing_mode(BillingMode::PayPerRequest),
                Some((read, write)) => call
                    .billing_mode(BillingMode::Provisioned)
                    .provisioned_throughput(
                        ProvisionedThroughput::builder()
                            .read_capacity_units(read)
                            .write_capacity_units(write)
                            .build()
                            .map_err(|e| Error::Validation {
                                message: e.to_string(),
                            })?,
                    ),
            };
            let out = call
                .send()
                .await
                .map_err(|err| self.fail(&request.table, err))?;
            out.table_description()
                .map(describe)
                .ok_or_else(|| Error::Validation {
                    message: "CreateTable returned no description".into(),
                })
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
        let p = placeholders(
            Some(expression("SET #u0 = :u0", "#u0", ":u0")),
            Some(expression("#c0 > :c0", "#c0", ":c0")),
        );
        assert_eq!(p.update.as_deref(), Some("SET #u0 = :u0"));
        assert_eq!(p.condition.as_deref(), Some("#c0 > :c0"));
        assert_eq!(p.names.map(|n| n.len()), Some(2));
        assert_eq!(p.values.map(|v| v.len()), Some(2));
    }

    #[test]
    fn no_expressions_means_no_maps() {
        let p = placeholders(None, None);
        assert!(p.update.is_none() && p.condition.is_none());
        assert!(p.names.is_none() && p.values.is_none());
    }
}
