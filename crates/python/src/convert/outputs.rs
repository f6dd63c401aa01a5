//! What the client hands back to Python: frozen classes whose attributes Python reads (declared
//! in `_native.pyi`), built from the client crate's outputs once the GIL is held again, with the
//! items of a page decoded by their model's codec on the way.

use std::collections::HashMap;

use dynomodel_client::{
    json_tree, BatchGetOutput as Found, BatchStatementOutput as Statements,
    BatchWriteOutput as Written, Capacity, Item, ItemOutput as Done, KeyType, Page as Read,
    PageItems, StatementPage, TableDescription as Described, TableWrite, TransactGetOutput as Got,
    Write,
};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFrozenSet, PyList};

use crate::bridge::ToPython;
use crate::codec::Shape;
use crate::convert::args::{DecoderArg, DecodingArg};
use crate::convert::values::item_to_py;
use crate::errors::client_error;
use crate::source::json::JsonWire;
use crate::source::{SdkWire, Source};

/// What a call consumed: capacity units, seconds, the attempts the SDK sent and those throttled,
/// and the time it waited for its rate limits.
#[pyclass(frozen, get_all, module = "dynomodel._native")]
pub struct Cost {
    /// Read capacity units.
    read: f64,
    /// Write capacity units.
    write: f64,
    /// Seconds, retries included.
    duration: f64,
    /// Attempts sent, the SDK's retries included.
    attempts: u32,
    /// Requests made (several for a batch); the attempts beyond them are retries.
    requests: u32,
    /// The attempts the SDK sent again after a failed one.
    retries: u32,
    /// Attempts DynamoDB throttled (and the SDK retried).
    throttles: u32,
    /// Seconds spent waiting for rate limit tokens before sending.
    waited: f64,
}

impl From<Capacity> for Cost {
    fn from(capacity: Capacity) -> Self {
        Self {
            read: capacity.read,
            write: capacity.write,
            duration: capacity.duration.as_secs_f64(),
            attempts: capacity.attempts,
            requests: capacity.requests,
            retries: capacity.retries(),
            throttles: capacity.throttles,
            waited: capacity.waited.as_secs_f64(),
        }
    }
}

/// PutItem, GetItem, DeleteItem or UpdateItem: the item there is (wire form) and the cost.
#[pyclass(frozen, get_all, module = "dynomodel._native")]
pub struct ItemOutput {
    /// The item GetItem found or UpdateItem left; None otherwise.
    item: Option<Py<PyDict>>,
    /// What the call consumed.
    cost: Py<Cost>,
}

/// One page of a Query or Scan, its items decoded as asked.
#[pyclass(frozen, get_all, module = "dynomodel._native")]
pub struct PageOutput {
    /// Models, dicts, or wire items.
    items: Py<PyList>,
    /// Where the next page starts (wire form); None after the last.
    last_key: Option<Py<PyDict>>,
    /// Items returned (after the filter).
    count: i32,
    /// Items read (before the filter): what the capacity paid for.
    scanned: i32,
    /// What the call consumed.
    cost: Py<Cost>,
}

/// A batch get: each table's items in the order of its keys, what was not read, the cost.
#[pyclass(frozen, get_all, module = "dynomodel._native")]
pub struct BatchGetOutput {
    /// A list of items per table asked, in the order asked.
    items: Py<PyList>,
    /// `(table, keys)` still unread when the retries gave up.
    unprocessed: Py<PyList>,
    /// Why the retries gave up, when they did.
    gave_up: Option<String>,
    /// The capacity units each table consumed.
    units_by_table: HashMap<String, f64>,
    /// What the requests consumed.
    cost: Py<Cost>,
}

/// A batch write: what was not written, the cost.
#[pyclass(frozen, get_all, module = "dynomodel._native")]
pub struct BatchWriteOutput {
    /// `(table, is_put, item or key)` still unwritten when the retries gave up.
    unprocessed: Py<PyList>,
    /// Why the retries gave up, when they did.
    gave_up: Option<String>,
    /// The capacity units each table consumed.
    units_by_table: HashMap<String, f64>,
    /// What the requests consumed.
    cost: Py<Cost>,
}

/// TransactGetItems: one model (or None) per get.
#[pyclass(frozen, get_all, module = "dynomodel._native")]
pub struct TransactGetOutput {
    /// The items, in the order of the gets.
    items: Py<PyList>,
    /// What the call consumed.
    cost: Py<Cost>,
}

/// One page of a PartiQL statement.
#[pyclass(frozen, get_all, module = "dynomodel._native")]
pub struct StatementOutput {
    /// Models, dicts, or wire items.
    items: Py<PyList>,
    /// Where the next page starts; None after the last.
    next_token: Option<String>,
    /// What the call consumed.
    cost: Py<Cost>,
}

/// What a batch of PartiQL statements answered, one entry per statement in order.
#[pyclass(frozen, get_all, module = "dynomodel._native")]
pub struct BatchStatementOutput {
    /// The item each statement read (None for writes and reads that found nothing).
    items: Py<PyList>,
    /// `(code, message)` where a statement failed alone, None where it did not.
    errors: Vec<Option<(String, String)>>,
    /// What the call consumed.
    cost: Py<Cost>,
}

/// What DescribeTable (or CreateTable) reports of a table.
#[pyclass(frozen, get_all, module = "dynomodel._native")]
pub struct TableDescription {
    /// The table name.
    name: String,
    /// `CREATING`, `ACTIVE`, `DELETING`, ...
    status: String,
    /// `(name, type)` of the partition key.
    partition_key: (String, &'static str),
    /// `(name, type)` of the sort key, if any.
    sort_key: Option<(String, &'static str)>,
    /// Approximate item count.
    item_count: i64,
    /// Approximate size in bytes.
    size_bytes: i64,
    /// `PAY_PER_REQUEST` or `PROVISIONED`.
    billing_mode: String,
    /// The table's ARN.
    arn: Option<String>,
    /// The secondary indexes' names, global then local.
    indexes: Vec<String>,
    /// `(read, write)` units of a provisioned table.
    capacity: Option<(i64, i64)>,
    /// `(read, write)` units of each global index of a provisioned table.
    index_capacity: HashMap<String, (i64, i64)>,
}

/// How the items of a read become Python values.
pub struct Decoding {
    /// The model's codec (or the entities' codecs); None keeps the wire form.
    pub codec: Option<DecoderArg>,
    /// Models, dicts or partial dicts.
    pub shape: Shape,
    /// The fields a projection leaves out, recorded on each model.
    pub unread: Option<Py<PyFrozenSet>>,
}

impl From<DecodingArg> for Decoding {
    fn from(DecodingArg(codec, shape, unread): DecodingArg) -> Self {
        Self {
            codec,
            shape: shape.0,
            unread,
        }
    }
}

impl Decoding {
    /// The items of one page or one table.
    pub fn items<'py>(&self, py: Python<'py>, items: &[Item]) -> PyResult<Bound<'py, PyList>> {
        self.decode(py, items.iter().map(SdkWire::Item))
    }

    /// The items of a page, read from DynamoDB's JSON where they came as it.
    pub fn page<'py>(&self, py: Python<'py>, items: &PageItems) -> PyResult<Bound<'py, PyList>> {
        match items {
            PageItems::Values(items) => self.items(py, items),
            PageItems::Json(json) => {
                let items =
                    json_tree::items(json.as_bytes()).map_err(|err| client_error(py, err))?;
                self.decode(py, items.iter().map(JsonWire::Item))
            }
        }
    }

    fn decode<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        items: impl Iterator<Item = S>,
    ) -> PyResult<Bound<'py, PyList>> {
        match &self.codec {
            Some(DecoderArg::Model(codec)) => {
                let unread = self.unread.as_ref().map(|u| u.bind(py).as_any().clone());
                codec
                    .get()
                    .load_page(py, items, self.shape, unread.as_ref())
            }
            Some(DecoderArg::Entities(entities)) => entities.get().load_page(py, items, self.shape),
            None => PyList::new(
                py,
                items
                    .map(|item| item.to_wire(py))
                    .collect::<PyResult<Vec<_>>>()?,
            ),
        }
    }

    /// One item (or None where there is none).
    pub fn one<'py>(&self, py: Python<'py>, item: Option<&Item>) -> PyResult<Bound<'py, PyAny>> {
        match item {
            Some(item) => self.items(py, std::slice::from_ref(item))?.get_item(0),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// The same decoding again, for another page (handles cloned while the GIL is held).
    pub fn clone_ref(&self, py: Python<'_>) -> Self {
        Self {
            codec: self.codec.as_ref().map(|c| match c {
                DecoderArg::Model(codec) => DecoderArg::Model(codec.clone_ref(py)),
                DecoderArg::Entities(all) => DecoderArg::Entities(all.clone_ref(py)),
            }),
            shape: self.shape,
            unread: self.unread.as_ref().map(|u| u.clone_ref(py)),
        }
    }
}

fn cost(py: Python<'_>, capacity: Capacity) -> PyResult<Py<Cost>> {
    Py::new(py, Cost::from(capacity))
}

fn key_type(key_type: KeyType) -> &'static str {
    match key_type {
        KeyType::S => "S",
        KeyType::N => "N",
        KeyType::B => "B",
    }
}

fn pyclass<T: pyo3::PyClass + Into<pyo3::PyClassInitializer<T>>>(
    py: Python<'_>,
    value: T,
) -> PyResult<Bound<'_, PyAny>> {
    Ok(Bound::new(py, value)?.into_any())
}

impl ToPython for Done {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let item = self
            .item
            .as_ref()
            .map(|item| Ok::<_, PyErr>(item_to_py(py, item)?.unbind()))
            .transpose()?;
        let cost = cost(py, self.capacity)?;
        pyclass(py, ItemOutput { item, cost })
    }
}

/// A page with how its items are decoded.
pub struct DecodedPage(pub Read, pub Decoding);

impl ToPython for DecodedPage {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let Self(page, decoding) = self;
        let last_key = page
            .last_key
            .as_ref()
            .map(|key| Ok::<_, PyErr>(item_to_py(py, key)?.unbind()))
            .transpose()?;
        let output = PageOutput {
            items: decoding.page(py, &page.items)?.unbind(),
            last_key,
            count: page.count,
            scanned: page.scanned,
            cost: cost(py, page.capacity)?,
        };
        pyclass(py, output)
    }
}

/// A page of a PartiQL statement with how its items are decoded.
pub struct DecodedStatementsPage(pub StatementPage, pub Decoding);

impl ToPython for DecodedStatementsPage {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let Self(page, decoding) = self;
        let output = StatementOutput {
            items: decoding.items(py, &page.items)?.unbind(),
            next_token: page.next_token,
            cost: cost(py, page.capacity)?,
        };
        pyclass(py, output)
    }
}

/// A batch of PartiQL statements' answers with how their items are decoded.
pub struct DecodedStatements(pub Statements, pub Decoding);

impl ToPython for DecodedStatements {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let Self(answered, decoding) = self;
        let items = PyList::empty(py);
        let mut errors = Vec::with_capacity(answered.results.len());
        for result in answered.results {
            items.append(decoding.one(py, result.item.as_ref())?)?;
            errors.push(result.error);
        }
        let output = BatchStatementOutput {
            items: items.unbind(),
            errors,
            cost: cost(py, answered.capacity)?,
        };
        pyclass(py, output)
    }
}

impl<T: ToPython> ToPython for Vec<T> {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let values = self
            .into_iter()
            .map(|value| value.to_python(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, values)?.into_any())
    }
}

/// A batch get with the decoding of each table (in the order of the tables asked).
pub struct DecodedBatch(pub Found, pub Vec<Decoding>);

impl ToPython for DecodedBatch {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let Self(found, decodings) = self;
        let items = PyList::empty(py);
        for ((_, table_items), decoding) in found.items.iter().zip(&decodings) {
            items.append(decoding.page(py, table_items)?)?;
        }
        let unprocessed = PyList::empty(py);
        for table in &found.unprocessed {
            let keys = table
                .keys
                .iter()
                .map(|key| item_to_py(py, key))
                .collect::<PyResult<Vec<_>>>()?;
            unprocessed.append((&table.table, keys))?;
        }
        let output = BatchGetOutput {
            items: items.unbind(),
            unprocessed: unprocessed.unbind(),
            gave_up: found.gave_up,
            units_by_table: found.units_by_table,
            cost: cost(py, found.capacity)?,
        };
        pyclass(py, output)
    }
}

impl ToPython for Written {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let unprocessed = PyList::empty(py);
        for TableWrite { table, write } in &self.unprocessed {
            let (put, item) = match write {
                Write::Put(item) => (true, item),
                Write::Delete(key) => (false, key),
            };
            unprocessed.append((table, put, item_to_py(py, item)?))?;
        }
        let output = BatchWriteOutput {
            unprocessed: unprocessed.unbind(),
            gave_up: self.gave_up,
            units_by_table: self.units_by_table,
            cost: cost(py, self.capacity)?,
        };
        pyclass(py, output)
    }
}

impl ToPython for Capacity {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        pyclass(py, Cost::from(self))
    }
}

/// A transactional read with the decoding of each get.
pub struct DecodedGets(pub Got, pub Vec<Decoding>);

impl ToPython for DecodedGets {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let Self(got, decodings) = self;
        let items = PyList::empty(py);
        for (item, decoding) in got.items.iter().zip(&decodings) {
            items.append(decoding.one(py, item.as_ref())?)?;
        }
        let output = TransactGetOutput {
            items: items.unbind(),
            cost: cost(py, got.capacity)?,
        };
        pyclass(py, output)
    }
}

impl ToPython for Described {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let mut keys = self
            .keys
            .into_iter()
            .map(|key| (key.name, key_type(key.key_type)));
        let partition_key = keys.next().unwrap_or_default();
        let output = TableDescription {
            name: self.name,
            status: self.status,
            partition_key,
            sort_key: keys.next(),
            item_count: self.item_count,
            size_bytes: self.size_bytes,
            billing_mode: self.billing_mode,
            arn: self.arn,
            indexes: self.indexes,
            capacity: self.capacity,
            index_capacity: self
                .index_capacity
                .into_iter()
                .map(|(name, read, write)| (name, (read, write)))
                .collect(),
        };
        pyclass(py, output)
    }
}

impl ToPython for bool {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok(PyBool::new(py, self).to_owned().into_any())
    }
}

impl ToPython for () {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok(py.None().into_bound(py))
    }
}

impl ToPython for Option<String> {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok(self.into_pyobject(py)?.into_any())
    }
}
