//! Conversions between the crate's request types and the SDK's.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{
    BillingMode, KeySchemaElement, KeyType as SdkKeyType, Projection, ProjectionType,
    ProvisionedThroughput, ProvisionedThroughputDescription, ScalarAttributeType,
};

use crate::{
    Error, ErrorKind, Expression, IndexKey, IndexProjection, Item, KeyAttribute, KeyType,
    TableDescription,
};

/// The expressions of one request with their shared placeholder maps, shaped for the SDK's
/// setters (which want `None`, not an empty map, when there are no placeholders).
pub(super) struct Placeholders<const N: usize> {
    pub texts: [Option<String>; N],
    pub names: Option<HashMap<String, String>>,
    pub values: Option<Item>,
}

pub(super) fn placeholders<const N: usize>(
    expressions: [Option<Expression>; N],
) -> Placeholders<N> {
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

/// A request the SDK's builders refused to build (a required field missing).
pub(super) fn invalid(err: impl std::fmt::Display) -> Error {
    ErrorKind::Validation {
        message: err.to_string(),
    }
    .into()
}

pub(super) fn key_schema(
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

pub(super) fn projection(projection: &IndexProjection) -> Projection {
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

pub(super) fn throughput((read, write): (i64, i64)) -> Result<ProvisionedThroughput, Error> {
    ProvisionedThroughput::builder()
        .read_capacity_units(read)
        .write_capacity_units(write)
        .build()
        .map_err(invalid)
}

pub(super) fn sdk_key_type(key_type: KeyType) -> ScalarAttributeType {
    match key_type {
        KeyType::S => ScalarAttributeType::S,
        KeyType::N => ScalarAttributeType::N,
        KeyType::B => ScalarAttributeType::B,
    }
}

/// `(read, write)` units of a provisioned table or index (on-demand ones report none, or 0).
fn units(throughput: Option<&ProvisionedThroughputDescription>) -> Option<(i64, i64)> {
    let throughput = throughput?;
    match (
        throughput.read_capacity_units(),
        throughput.write_capacity_units(),
    ) {
        (Some(read), Some(write)) if read > 0 || write > 0 => Some((read, write)),
        _ => None,
    }
}

/// The SDK's description of a table as the crate's.
pub(super) fn describe(table: &aws_sdk_dynamodb::types::TableDescription) -> TableDescription {
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
    let attribute = |name: &str| KeyAttribute {
        name: name.to_owned(),
        key_type: types.get(name).copied().unwrap_or(KeyType::S),
    };
    let mut index_keys: Vec<IndexKey> = Vec::new();
    let index_schemas = table
        .global_secondary_indexes()
        .iter()
        .map(|i| i.key_schema())
        .chain(
            table
                .local_secondary_indexes()
                .iter()
                .map(|i| i.key_schema()),
        );
    for element in index_schemas.flatten() {
        let name = element.attribute_name();
        let sort_key = *element.key_type() == SdkKeyType::Range;
        if schema.iter().any(|k| k.attribute_name() == name) {
            continue;
        }
        match index_keys.iter_mut().find(|k| k.attribute.name == name) {
            Some(known) => known.sort_key |= sort_key,
            None => index_keys.push(IndexKey {
                attribute: attribute(name),
                sort_key,
            }),
        }
    }
    TableDescription {
        name: table.table_name().unwrap_or_default().to_owned(),
        status: table
            .table_status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        keys: schema
            .into_iter()
            .map(|k| attribute(k.attribute_name()))
            .collect(),
        index_keys,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AttributeValue;

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
