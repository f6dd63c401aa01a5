//! What Python hands the client, typed: each struct is extracted from the tuple (a `NamedTuple`
//! of `dynomodel._table.requests`) of the same fields in the same order, and converted into the
//! client crate's request as it is.

use std::collections::HashMap;
use std::time::Duration;

use dynomodel_client::{
    AttributeValue, Expression, IndexProjection, Item, KeyAttribute, KeyType, Read, SecondaryIndex,
    TableKeys, TableWrite, TransactAction, TransactGetItem, Write,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFrozenSet};

use crate::codec::{Codec, Shape};
use crate::convert::values::{item_from_py, value_from_py};
use crate::encode::NativeItem;
use crate::entities::Entities;
use crate::errors::invalid_argument;

/// A wire item (`{"pk": {"S": "a"}}`), converted to the SDK's form on extraction, or a
/// `NativeItem`, taken as it is.
pub struct ItemArg(pub Item);

impl<'a, 'py> FromPyObject<'a, 'py> for ItemArg {
    type Error = PyErr;

    fn extract(object: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(native) = object.cast::<NativeItem>() {
            return Ok(Self(native.get().take()?));
        }
        Ok(Self(item_from_py(&object.cast::<PyDict>()?.to_owned())?))
    }
}

/// One wire value (`{"S": "a"}`), converted to the SDK's form on extraction.
pub struct ValueArg(pub AttributeValue);

impl<'a, 'py> FromPyObject<'a, 'py> for ValueArg {
    type Error = PyErr;

    fn extract(object: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Self(value_from_py(&object.to_owned())?))
    }
}

/// `Expression(text, names, values)`.
#[derive(FromPyObject)]
pub struct ExpressionArg(String, HashMap<String, String>, ItemArg);

impl From<ExpressionArg> for Expression {
    fn from(ExpressionArg(text, names, values): ExpressionArg) -> Self {
        Self {
            text,
            names,
            values: values.0,
        }
    }
}

fn expression(argument: Option<ExpressionArg>) -> Option<Expression> {
    argument.map(Expression::from)
}

/// `ReadRequest(filter, projection, limit, start_key, consistent_read, count_only)`.
#[derive(FromPyObject)]
pub struct ReadArg(
    Option<ExpressionArg>,
    Option<ExpressionArg>,
    Option<i32>,
    Option<ItemArg>,
    bool,
    bool,
);

impl From<ReadArg> for Read {
    fn from(
        ReadArg(filter, projection, limit, start_key, consistent_read, count_only): ReadArg,
    ) -> Self {
        Self {
            filter: expression(filter),
            projection: expression(projection),
            limit,
            start_key: start_key.map(|key| key.0),
            consistent_read,
            count_only,
        }
    }
}

/// `Decoding(codec, shape, unread)`: what a page of items becomes in Python; without a codec,
/// items stay in wire form.
#[derive(FromPyObject)]
pub struct DecodingArg(
    pub Option<DecoderArg>,
    pub ShapeArg,
    pub Option<Py<PyFrozenSet>>,
);

/// What decodes a read's items: one model's codec, or the codecs of a table's entities.
#[derive(FromPyObject)]
pub enum DecoderArg {
    /// Every item is one model.
    Model(Py<Codec>),
    /// Each item is the entity its type attribute names.
    Entities(Py<Entities>),
}

/// `"models"`, `"dicts"` or `"partial"`.
pub struct ShapeArg(pub Shape);

impl<'a, 'py> FromPyObject<'a, 'py> for ShapeArg {
    type Error = PyErr;

    fn extract(object: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Self(Shape::parse(&object.extract::<String>()?)?))
    }
}

/// `KeyDefinition(name, type)`: a key attribute and its `"S"`, `"N"` or `"B"` type.
#[derive(FromPyObject)]
pub struct KeyArg(String, String);

impl TryFrom<KeyArg> for KeyAttribute {
    type Error = PyErr;

    fn try_from(KeyArg(name, key_type): KeyArg) -> PyResult<Self> {
        let key_type = match key_type.as_str() {
            "S" => KeyType::S,
            "N" => KeyType::N,
            "B" => KeyType::B,
            other => {
                return Err(invalid_argument(format!(
                    "key attribute {name:?}: type must be 'S', 'N' or 'B', not {other:?}"
                )))
            }
        };
        Ok(Self { name, key_type })
    }
}

/// `IndexSpec(name, is_global, partition_key, sort_key, (projection, included), provisioned)`.
#[derive(FromPyObject)]
pub struct IndexArg(
    String,
    bool,
    KeyArg,
    Option<KeyArg>,
    (String, Vec<String>),
    Option<(i64, i64)>,
);

impl TryFrom<IndexArg> for SecondaryIndex {
    type Error = PyErr;

    fn try_from(
        IndexArg(name, global, partition_key, sort_key, projection, provisioned): IndexArg,
    ) -> PyResult<Self> {
        let projection = match (projection.0.as_str(), projection.1) {
            ("ALL", _) => IndexProjection::All,
            ("KEYS_ONLY", _) => IndexProjection::KeysOnly,
            ("INCLUDE", names) => IndexProjection::Include(names),
            (other, _) => {
                return Err(invalid_argument(format!(
                    "index {name:?}: projection must be ALL, KEYS_ONLY or INCLUDE, not {other:?}"
                )))
            }
        };
        Ok(Self {
            partition_key: partition_key.try_into()?,
            sort_key: sort_key.map(KeyAttribute::try_from).transpose()?,
            name,
            global,
            projection,
            provisioned,
        })
    }
}

/// `TableRead(table, keys, consistent_read, projection)`: one table's part of a batch get.
#[derive(FromPyObject)]
pub struct TableKeysArg(String, Vec<ItemArg>, bool, Option<ExpressionArg>);

impl TableKeysArg {
    /// The request for the table DynamoDB knows as `table(name)`.
    pub fn into_keys(self, table: impl Fn(String) -> String) -> TableKeys {
        let Self(name, keys, consistent_read, projection) = self;
        TableKeys {
            table: table(name),
            keys: keys.into_iter().map(|key| key.0).collect(),
            consistent_read,
            projection: expression(projection),
        }
    }
}

/// `(table, is_put, item or key)`: one write of a batch.
#[derive(FromPyObject)]
pub struct WriteArg(String, bool, ItemArg);

impl WriteArg {
    /// The write to the table DynamoDB knows as `table(name)`.
    pub fn into_write(self, table: impl Fn(String) -> String) -> TableWrite {
        let Self(name, put, item) = self;
        TableWrite {
            table: table(name),
            write: if put {
                Write::Put(item.0)
            } else {
                Write::Delete(item.0)
            },
        }
    }
}

/// `(kind, table, item or key, update, condition)`: one action of a transaction, `kind` being
/// `put`, `update`, `delete` or `check`.
#[derive(FromPyObject)]
pub struct ActionArg(
    String,
    String,
    ItemArg,
    Option<ExpressionArg>,
    Option<ExpressionArg>,
);

impl ActionArg {
    /// The action on the table DynamoDB knows as `table(name)`.
    pub fn into_action(self, table: impl Fn(String) -> String) -> PyResult<TransactAction> {
        let Self(kind, name, item, update, condition) = self;
        let (table, item, condition) = (table(name), item.0, expression(condition));
        Ok(match (kind.as_str(), expression(update), condition) {
            ("put", None, condition) => TransactAction::Put {
                table,
                item,
                condition,
            },
            ("update", Some(update), condition) => TransactAction::Update {
                table,
                key: item,
                update,
                condition,
            },
            ("delete", None, condition) => TransactAction::Delete {
                table,
                key: item,
                condition,
            },
            ("check", None, Some(condition)) => TransactAction::ConditionCheck {
                table,
                key: item,
                condition,
            },
            (kind, ..) => {
                return Err(invalid_argument(format!(
                    "a {kind:?} action with these expressions is not a transaction action"
                )))
            }
        })
    }
}

/// `(table, key)`: one read of a transaction.
#[derive(FromPyObject)]
pub struct GetArg(String, ItemArg);

impl GetArg {
    /// The read of the table DynamoDB knows as `table(name)`.
    pub fn into_get(self, table: impl Fn(String) -> String) -> TransactGetItem {
        TransactGetItem {
            table: table(self.0),
            key: self.1 .0,
        }
    }
}

/// Seconds from Python, refused when negative or not finite.
pub fn seconds(value: f64, what: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| invalid_argument(format!("invalid {what} {value}")))
}
