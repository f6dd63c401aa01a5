//! Batches and transactions between Python and the client crate: the argument tuples the
//! `Client` methods take, and the outputs they hand back.

use dynomodel_client::{
    BatchGetOutput, BatchWriteOutput, Capacity, Item, TableKeys, TableWrite, TransactAction,
    TransactGetItem, TransactGetOutput, Write,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::attribute::{item_from_py, item_to_py};
use crate::bridge::ToPython;
use crate::client::{expression, ExpressionArgs};
use crate::codec::{Codec, Shape};

/// `(table, keys, consistent_read, projection)` from Python.
pub type TableKeysArgs<'py> = (
    String,
    Vec<Bound<'py, PyDict>>,
    bool,
    Option<ExpressionArgs<'py>>,
);

pub fn table_keys(
    (table, keys, consistent_read, projection): TableKeysArgs<'_>,
) -> PyResult<TableKeys> {
    Ok(TableKeys {
        table,
        keys: keys.iter().map(item_from_py).collect::<PyResult<_>>()?,
        consistent_read,
        projection: expression(projection)?,
    })
}

/// `(table, is_put, item or key)` from Python.
pub type WriteArgs<'py> = (String, bool, Bound<'py, PyDict>);

pub fn table_write((table, put, item): WriteArgs<'_>) -> PyResult<TableWrite> {
    let item = item_from_py(&item)?;
    Ok(TableWrite {
        table,
        write: if put {
            Write::Put(item)
        } else {
            Write::Delete(item)
        },
    })
}

/// `(kind, table, item or key, update, condition)` from Python; `kind` is `put`, `update`,
/// `delete` or `check`.
pub type ActionArgs<'py> = (
    String,
    String,
    Bound<'py, PyDict>,
    Option<ExpressionArgs<'py>>,
    Option<ExpressionArgs<'py>>,
);

pub fn transact_action(
    (kind, table, item, update, condition): ActionArgs<'_>,
) -> PyResult<TransactAction> {
    let item = item_from_py(&item)?;
    let condition = expression(condition)?;
    Ok(match (kind.as_str(), expression(update)?, condition) {
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
            return Err(PyValueError::new_err(format!(
                "a {kind:?} action with these expressions is not a transaction action"
            )))
        }
    })
}

/// `(table, key)` from Python.
pub type GetArgs<'py> = (String, Bound<'py, PyDict>);

pub fn transact_get_item((table, key): GetArgs<'_>) -> PyResult<TransactGetItem> {
    Ok(TransactGetItem {
        table,
        key: item_from_py(&key)?,
    })
}

fn costs(out: &Bound<'_, PyDict>, capacity: Capacity) -> PyResult<()> {
    out.set_item("read", capacity.read)?;
    out.set_item("write", capacity.write)?;
    out.set_item("duration", capacity.duration.as_secs_f64())
}

/// Items of one table as Python values: decoded by its codec, or in wire form without one.
fn loaded<'py>(
    py: Python<'py>,
    items: &[Item],
    codec: Option<&Py<Codec>>,
    shape: Shape,
    unread: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    match codec {
        Some(codec) => codec.get().load_page(py, items, shape, unread),
        None => PyList::new(
            py,
            items
                .iter()
                .map(|item| item_to_py(py, item))
                .collect::<PyResult<Vec<_>>>()?,
        ),
    }
}

/// A batch get with the codecs of its tables (in the order of the tables asked).
pub struct DecodedBatch {
    pub output: BatchGetOutput,
    pub codecs: Vec<Option<Py<Codec>>>,
    pub shape: Shape,
    /// The fields a projection left out, recorded on each model.
    pub unread: Option<Py<PyAny>>,
}

impl ToPython for DecodedBatch {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let out = PyDict::new(py);
        let items = PyList::empty(py);
        let unread = self.unread.as_ref().map(|unread| unread.bind(py));
        for ((_, found), codec) in self.output.items.iter().zip(&self.codecs) {
            items.append(loaded(py, found, codec.as_ref(), self.shape, unread)?)?;
        }
        out.set_item("items", items)?;
        let unprocessed = PyList::empty(py);
        for table in &self.output.unprocessed {
            let keys = table
                .keys
                .iter()
                .map(|key| item_to_py(py, key))
                .collect::<PyResult<Vec<_>>>()?;
            unprocessed.append((&table.table, keys))?;
        }
        out.set_item("unprocessed", unprocessed)?;
        out.set_item("gave_up", self.output.gave_up)?;
        out.set_item("units_by_table", self.output.units_by_table)?;
        costs(&out, self.output.capacity)?;
        Ok(out.into_any())
    }
}

impl ToPython for BatchWriteOutput {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let out = PyDict::new(py);
        let unprocessed = PyList::empty(py);
        for TableWrite { table, write } in &self.unprocessed {
            let (put, item) = match write {
                Write::Put(item) => (true, item),
                Write::Delete(key) => (false, key),
            };
            unprocessed.append((table, put, item_to_py(py, item)?))?;
        }
        out.set_item("unprocessed", unprocessed)?;
        out.set_item("gave_up", self.gave_up)?;
        out.set_item("units_by_table", self.units_by_table)?;
        costs(&out, self.capacity)?;
        Ok(out.into_any())
    }
}

impl ToPython for Capacity {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let out = PyDict::new(py);
        costs(&out, self)?;
        Ok(out.into_any())
    }
}

/// A transactional read with the codec of each get.
pub struct DecodedGets {
    pub output: TransactGetOutput,
    pub codecs: Vec<Option<Py<Codec>>>,
}

impl ToPython for DecodedGets {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let out = PyDict::new(py);
        let items = PyList::empty(py);
        for (item, codec) in self.output.items.iter().zip(&self.codecs) {
            match item {
                Some(item) => {
                    let one = loaded(
                        py,
                        std::slice::from_ref(item),
                        codec.as_ref(),
                        Shape::Models,
                        None,
                    )?;
                    items.append(one.get_item(0)?)?;
                }
                None => items.append(py.None())?,
            }
        }
        out.set_item("items", items)?;
        costs(&out, self.output.capacity)?;
        Ok(out.into_any())
    }
}

impl ToPython for Option<String> {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok(self.into_pyobject(py)?.into_any())
    }
}
