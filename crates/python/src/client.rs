//! `Client`: the DynamoDB operations, each one Rust future that Python either awaits (asyncio) or
//! blocks on with the GIL released (`blocking=True`); see [`crate::bridge`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use dynomodel_client::batch::{get_all, write_all, Retry};
use dynomodel_client::{
    runtime, AwsBackend, Backend, ClientConfig, CreateTable, DeleteItem, Error, Expression,
    GetItem, IndexProjection, ItemOutput, KeyAttribute, KeyType, Page, PutItem, Query, Read, Scan,
    SecondaryIndex, TableDescription, TransactWrite, UpdateItem,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use tokio::sync::Semaphore;

use crate::attribute::{item_from_py, item_to_py};
use crate::batches::{
    table_keys, table_write, transact_action, transact_get_item, ActionArgs, DecodedBatch,
    DecodedGets, GetArgs, TableKeysArgs, WriteArgs,
};
use crate::bridge::{run, ToPython};
use crate::codec::{Codec, Shape};

/// A page with what it becomes in Python: decoded by a model's codec in one pass over the SDK's
/// values once the GIL is held, or left in wire form.
struct DecodedPage {
    page: Page,
    codec: Option<Py<Codec>>,
    shape: Shape,
    unread: Option<Py<PyAny>>,
}

impl ToPython for DecodedPage {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let out = PyDict::new(py);
        let items = match &self.codec {
            Some(codec) => codec.get().load_page(
                py,
                &self.page.items,
                self.shape,
                self.unread.as_ref().map(|unread| unread.bind(py)),
            )?,
            None => PyList::new(
                py,
                self.page
                    .items
                    .iter()
                    .map(|item| item_to_py(py, item))
                    .collect::<PyResult<Vec<_>>>()?,
            )?,
        };
        out.set_item("items", items)?;
        match &self.page.last_key {
            Some(key) => out.set_item("last_key", item_to_py(py, key)?)?,
            None => out.set_item("last_key", py.None())?,
        }
        out.set_item("count", self.page.count)?;
        out.set_item("scanned", self.page.scanned)?;
        out.set_item("read", self.page.capacity.read)?;
        out.set_item("write", self.page.capacity.write)?;
        out.set_item("duration", self.page.capacity.duration.as_secs_f64())?;
        Ok(out.into_any())
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

/// `(filter, projection, limit, start_key, consistent_read, count_only)` from Python.
type ReadArgs<'py> = (
    Option<ExpressionArgs<'py>>,
    Option<ExpressionArgs<'py>>,
    Option<i32>,
    Option<Bound<'py, PyDict>>,
    bool,
    bool,
);

fn read(
    (filter, projection, limit, start_key, consistent_read, count_only): ReadArgs<'_>,
) -> PyResult<Read> {
    Ok(Read {
        filter: expression(filter)?,
        projection: expression(projection)?,
        limit,
        start_key: start_key.as_ref().map(item_from_py).transpose()?,
        consistent_read,
        count_only,
    })
}

/// `(name, global, partition_key, sort_key, (projection, included), provisioned)` from Python.
type IndexArgs = (
    String,
    bool,
    (String, String),
    Option<(String, String)>,
    (String, Vec<String>),
    Option<(i64, i64)>,
);

fn secondary_index(
    (name, global, partition_key, sort_key, projection, provisioned): IndexArgs,
) -> PyResult<SecondaryIndex> {
    let projection = match (projection.0.as_str(), projection.1) {
        ("ALL", _) => IndexProjection::All,
        ("KEYS_ONLY", _) => IndexProjection::KeysOnly,
        ("INCLUDE", names) => IndexProjection::Include(names),
        (other, _) => {
            return Err(PyValueError::new_err(format!(
                "index {name:?}: projection must be ALL, KEYS_ONLY or INCLUDE, not {other:?}"
            )))
        }
    };
    Ok(SecondaryIndex {
        partition_key: key_attribute(partition_key)?,
        sort_key: sort_key.map(key_attribute).transpose()?,
        name,
        global,
        projection,
        provisioned,
    })
}

fn decoded(
    page: Result<Page, Error>,
    codec: Option<Py<Codec>>,
    shape: Shape,
    unread: Option<Py<PyAny>>,
) -> Result<DecodedPage, Error> {
    Ok(DecodedPage {
        page: page?,
        codec,
        shape,
        unread,
    })
}

impl ToPython for ItemOutput {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let out = PyDict::new(py);
        match &self.item {
            Some(item) => out.set_item("item", item_to_py(py, item)?)?,
            None => out.set_item("item", py.None())?,
        }
        out.set_item("read", self.capacity.read)?;
        out.set_item("write", self.capacity.write)?;
        out.set_item("duration", self.capacity.duration.as_secs_f64())?;
        Ok(out.into_any())
    }
}

impl ToPython for TableDescription {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let out = PyDict::new(py);
        out.set_item("name", self.name)?;
        out.set_item("status", self.status)?;
        let keys = PyList::empty(py);
        for key in self.keys {
            keys.append((key.name, key_type_name(key.key_type)))?;
        }
        out.set_item("keys", keys)?;
        out.set_item("item_count", self.item_count)?;
        out.set_item("size_bytes", self.size_bytes)?;
        out.set_item("billing_mode", self.billing_mode)?;
        out.set_item("arn", self.arn)?;
        out.set_item("indexes", self.indexes)?;
        out.set_item("capacity", self.capacity)?;
        out.set_item("index_capacity", self.index_capacity)?;
        Ok(out.into_any())
    }
}

impl ToPython for bool {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok(pyo3::types::PyBool::new(py, self).to_owned().into_any())
    }
}

impl ToPython for () {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok(py.None().into_bound(py))
    }
}

fn key_type_name(key_type: KeyType) -> &'static str {
    match key_type {
        KeyType::S => "S",
        KeyType::N => "N",
        KeyType::B => "B",
    }
}

fn key_attribute((name, key_type): (String, String)) -> PyResult<KeyAttribute> {
    let key_type = match key_type.as_str() {
        "S" => KeyType::S,
        "N" => KeyType::N,
        "B" => KeyType::B,
        other => {
            return Err(PyValueError::new_err(format!(
                "key attribute {name:?}: type must be 'S', 'N' or 'B', not {other:?}"
            )))
        }
    };
    Ok(KeyAttribute { name, key_type })
}

/// `(text, names, values)` from Python -> an [`Expression`].
pub type ExpressionArgs<'py> = (
    String,
    std::collections::HashMap<String, String>,
    Bound<'py, PyDict>,
);

pub fn expression(args: Option<ExpressionArgs<'_>>) -> PyResult<Option<Expression>> {
    args.map(|(text, names, values)| {
        Ok(Expression {
            text,
            names,
            values: item_from_py(&values)?,
        })
    })
    .transpose()
}

/// A connection to DynamoDB (credentials, region, endpoint, HTTP pool), shared by every call.
#[pyclass(frozen, module = "dynomodel._native")]
pub struct Client {
    backend: Arc<dyn Backend>,
    /// Batch requests in flight at once, over every batch of this client.
    permits: Arc<Semaphore>,
    /// Put before every table name this client sends (`dev-`), so one code base serves several
    /// environments in one account. Names come back from DynamoDB with it.
    prefix: String,
}

/// Enough concurrent batch requests to hide round trips, few enough not to provoke throttling.
const BATCH_REQUESTS_IN_FLIGHT: usize = 16;

impl Client {
    /// The name DynamoDB knows `table` by.
    fn table(&self, table: String) -> String {
        if self.prefix.is_empty() {
            table
        } else {
            format!("{}{table}", self.prefix)
        }
    }

    fn retry(&self, timeout: f64) -> PyResult<Retry> {
        Ok(Retry {
            timeout: Duration::try_from_secs_f64(timeout)
                .map_err(|_| PyValueError::new_err(format!("invalid retry timeout {timeout}")))?,
            permits: Arc::clone(&self.permits),
        })
    }
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (
        *, region=None, endpoint_url=None, profile=None, access_key_id=None,
        secret_access_key=None, session_token=None, connect_timeout=None, read_timeout=None,
        max_retries=None, table_prefix=None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        region: Option<String>,
        endpoint_url: Option<String>,
        profile: Option<String>,
        access_key_id: Option<String>,
        secret_access_key: Option<String>,
        session_token: Option<String>,
        connect_timeout: Option<f64>,
        read_timeout: Option<f64>,
        max_retries: Option<u32>,
        table_prefix: Option<String>,
    ) -> PyResult<Self> {
        let seconds = |s: Option<f64>| -> PyResult<Option<Duration>> {
            s.map(|s| {
                Duration::try_from_secs_f64(s)
                    .map_err(|_| PyValueError::new_err(format!("invalid timeout {s}")))
            })
            .transpose()
        };
        let config = ClientConfig {
            region,
            endpoint_url,
            profile,
            access_key_id,
            secret_access_key,
            session_token,
            connect_timeout: seconds(connect_timeout)?,
            read_timeout: seconds(read_timeout)?,
            max_retries,
        };
        let backend = py
            .detach(|| runtime().block_on(AwsBackend::connect(&config)))
            .map_err(|err| crate::errors::client_error(py, err))?;
        Ok(Self {
            backend: Arc::new(backend),
            permits: Arc::new(Semaphore::new(BATCH_REQUESTS_IN_FLIGHT)),
            prefix: table_prefix.unwrap_or_default(),
        })
    }

    /// PutItem: `{"item": None, "read", "write", "duration"}`.
    #[pyo3(signature = (table, item, condition, blocking))]
    fn put_item<'py>(
        &self,
        py: Python<'py>,
        table: String,
        item: &Bound<'py, PyDict>,
        condition: Option<ExpressionArgs<'py>>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = PutItem {
            table: self.table(table),
            item: item_from_py(item)?,
            condition: expression(condition)?,
        };
        let backend = Arc::clone(&self.backend);
        run(py, blocking, async move { backend.put_item(request).await })
    }

    /// GetItem: `{"item": item or None, "read", "write", "duration"}`.
    #[pyo3(signature = (table, key, consistent_read, blocking))]
    fn get_item<'py>(
        &self,
        py: Python<'py>,
        table: String,
        key: &Bound<'py, PyDict>,
        consistent_read: bool,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = GetItem {
            table: self.table(table),
            key: item_from_py(key)?,
            consistent_read,
        };
        let backend = Arc::clone(&self.backend);
        run(py, blocking, async move { backend.get_item(request).await })
    }

    /// DeleteItem.
    #[pyo3(signature = (table, key, condition, blocking))]
    fn delete_item<'py>(
        &self,
        py: Python<'py>,
        table: String,
        key: &Bound<'py, PyDict>,
        condition: Option<ExpressionArgs<'py>>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = DeleteItem {
            table: self.table(table),
            key: item_from_py(key)?,
            condition: expression(condition)?,
        };
        let backend = Arc::clone(&self.backend);
        run(
            py,
            blocking,
            async move { backend.delete_item(request).await },
        )
    }

    /// UpdateItem, returning the whole item after the update.
    #[pyo3(signature = (table, key, update, condition, blocking))]
    fn update_item<'py>(
        &self,
        py: Python<'py>,
        table: String,
        key: &Bound<'py, PyDict>,
        update: ExpressionArgs<'py>,
        condition: Option<ExpressionArgs<'py>>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let update = expression(Some(update))?.unwrap_or_default();
        let request = UpdateItem {
            table: self.table(table),
            key: item_from_py(key)?,
            update,
            condition: expression(condition)?,
        };
        let backend = Arc::clone(&self.backend);
        run(
            py,
            blocking,
            async move { backend.update_item(request).await },
        )
    }

    /// Query: one page, its items decoded by `codec` in `shape` (wire form without a codec).
    #[pyo3(signature = (
        table, index, key_condition, read_args, forward, codec, shape, unread, blocking
    ))]
    #[allow(clippy::too_many_arguments)]
    fn query<'py>(
        &self,
        py: Python<'py>,
        table: String,
        index: Option<String>,
        key_condition: ExpressionArgs<'py>,
        read_args: ReadArgs<'py>,
        forward: bool,
        codec: Option<Py<Codec>>,
        shape: &str,
        unread: Option<Py<PyAny>>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = Query {
            table: self.table(table),
            index,
            key_condition: expression(Some(key_condition))?.unwrap_or_default(),
            read: read(read_args)?,
            forward,
        };
        let shape = Shape::parse(shape)?;
        let backend = Arc::clone(&self.backend);
        run(py, blocking, async move {
            decoded(backend.query(request).await, codec, shape, unread)
        })
    }

    /// Scan: one page of each of `segments` (`(segment, start_key)` pairs of a scan split in
    /// `total` segments, or one `(0, start_key)` with `total` 0 for a plain scan), the requests
    /// running concurrently; a list of pages in the order of `segments`.
    #[pyo3(signature = (
        table, index, read_args, segments, total, codec, shape, unread, blocking
    ))]
    #[allow(clippy::too_many_arguments)]
    fn scan<'py>(
        &self,
        py: Python<'py>,
        table: String,
        index: Option<String>,
        read_args: ReadArgs<'py>,
        segments: Vec<(i32, Option<Bound<'py, PyDict>>)>,
        total: i32,
        codec: Option<Bound<'py, Codec>>,
        shape: &str,
        unread: Option<Bound<'py, PyAny>>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let shared = read(read_args)?;
        let table = self.table(table);
        let requests = segments
            .into_iter()
            .map(|(segment, start_key)| {
                Ok(Scan {
                    table: table.clone(),
                    index: index.clone(),
                    read: Read {
                        start_key: start_key.as_ref().map(item_from_py).transpose()?,
                        ..shared.clone()
                    },
                    segment: (total > 0).then_some((segment, total)),
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        let shape = Shape::parse(shape)?;
        // One handle per page, taken now: the runtime's threads do not hold the GIL to clone.
        let codecs: Vec<_> = requests
            .iter()
            .map(|_| {
                (
                    codec.as_ref().map(|c| c.clone().unbind()),
                    unread.as_ref().map(|u| u.clone().unbind()),
                )
            })
            .collect();
        let backend = Arc::clone(&self.backend);
        run(py, blocking, async move {
            let tasks: Vec<_> = requests
                .into_iter()
                .map(|request| {
                    let backend = Arc::clone(&backend);
                    tokio::spawn(async move { backend.scan(request).await })
                })
                .collect();
            let mut pages = Vec::with_capacity(tasks.len());
            for (task, (codec, unread)) in tasks.into_iter().zip(codecs) {
                let page = task.await.map_err(|err| Error::Service {
                    code: "TaskFailed".into(),
                    message: err.to_string(),
                })?;
                pages.push(decoded(page, codec, shape, unread)?);
            }
            Ok(pages)
        })
    }

    /// BatchGetItem of every key of `tables` (`(table, keys, consistent_read, projection)`),
    /// in requests of at most 100, unprocessed keys retried with backoff for up to `timeout`
    /// seconds; each table's items decoded by its codec (in `codecs`) in `shape`, in the order
    /// of its keys.
    #[pyo3(signature = (tables, codecs, shape, unread, timeout, blocking))]
    #[allow(clippy::too_many_arguments)]
    fn batch_get<'py>(
        &self,
        py: Python<'py>,
        tables: Vec<TableKeysArgs<'py>>,
        codecs: Vec<Option<Py<Codec>>>,
        shape: &str,
        unread: Option<Py<PyAny>>,
        timeout: f64,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let tables = tables
            .into_iter()
            .map(|(table, keys, consistent, projection)| {
                table_keys((self.table(table), keys, consistent, projection))
            })
            .collect::<PyResult<_>>()?;
        let shape = Shape::parse(shape)?;
        let (backend, retry) = (Arc::clone(&self.backend), self.retry(timeout)?);
        run(py, blocking, async move {
            let output = get_all(backend, tables, retry).await?;
            Ok(DecodedBatch {
                output,
                codecs,
                shape,
                unread,
            })
        })
    }

    /// BatchWriteItem of `writes` (`(table, is_put, item or key)`, no two on one key), in
    /// requests of at most 25, unprocessed writes retried with backoff for up to `timeout`
    /// seconds.
    #[pyo3(signature = (writes, timeout, blocking))]
    fn batch_write<'py>(
        &self,
        py: Python<'py>,
        writes: Vec<WriteArgs<'py>>,
        timeout: f64,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let writes = writes
            .into_iter()
            .map(|(table, put, item)| table_write((self.table(table), put, item)))
            .collect::<PyResult<_>>()?;
        let (backend, retry) = (Arc::clone(&self.backend), self.retry(timeout)?);
        run(py, blocking, async move {
            write_all(backend, writes, retry).await
        })
    }

    /// TransactWriteItems of `actions` (`(kind, table, item or key, update, condition)`).
    #[pyo3(signature = (actions, token, blocking))]
    fn transact_write<'py>(
        &self,
        py: Python<'py>,
        actions: Vec<ActionArgs<'py>>,
        token: Option<String>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = TransactWrite {
            actions: actions
                .into_iter()
                .map(|(kind, table, item, update, condition)| {
                    transact_action((kind, self.table(table), item, update, condition))
                })
                .collect::<PyResult<_>>()?,
            token,
        };
        let backend = Arc::clone(&self.backend);
        run(py, blocking, async move {
            backend.transact_write(request).await
        })
    }

    /// TransactGetItems of `gets` (`(table, key)`), each item decoded by its codec (or None).
    #[pyo3(signature = (gets, codecs, blocking))]
    fn transact_get<'py>(
        &self,
        py: Python<'py>,
        gets: Vec<GetArgs<'py>>,
        codecs: Vec<Option<Py<Codec>>>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let gets = gets
            .into_iter()
            .map(|(table, key)| transact_get_item((self.table(table), key)))
            .collect::<PyResult<_>>()?;
        let backend = Arc::clone(&self.backend);
        run(py, blocking, async move {
            let output = backend.transact_get(gets).await?;
            Ok(DecodedGets { output, codecs })
        })
    }

    /// UpdateTimeToLive: items expire by the epoch seconds in `attribute`.
    #[pyo3(signature = (table, attribute, blocking))]
    fn enable_time_to_live<'py>(
        &self,
        py: Python<'py>,
        table: String,
        attribute: String,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (backend, table) = (Arc::clone(&self.backend), self.table(table));
        run(py, blocking, async move {
            backend.enable_time_to_live(table, attribute).await
        })
    }

    /// DescribeTimeToLive: the attribute items expire by, or None when TTL is off.
    #[pyo3(signature = (table, blocking))]
    fn describe_time_to_live<'py>(
        &self,
        py: Python<'py>,
        table: String,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (backend, table) = (Arc::clone(&self.backend), self.table(table));
        run(py, blocking, async move {
            backend.describe_time_to_live(table).await
        })
    }

    /// CreateTable; keys are `(name, "S" | "N" | "B")`, `provisioned` is `(read, write)` or None
    /// for on-demand billing; `indexes` are `(name, global, partition_key, sort_key,
    /// (projection, included attributes))`.
    #[pyo3(signature = (table, partition_key, sort_key, provisioned, indexes, blocking))]
    #[allow(clippy::too_many_arguments)]
    fn create_table<'py>(
        &self,
        py: Python<'py>,
        table: String,
        partition_key: (String, String),
        sort_key: Option<(String, String)>,
        provisioned: Option<(i64, i64)>,
        indexes: Vec<IndexArgs>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = CreateTable {
            table: self.table(table),
            partition_key: key_attribute(partition_key)?,
            sort_key: sort_key.map(key_attribute).transpose()?,
            provisioned,
            indexes: indexes
                .into_iter()
                .map(secondary_index)
                .collect::<PyResult<_>>()?,
        };
        let backend = Arc::clone(&self.backend);
        run(
            py,
            blocking,
            async move { backend.create_table(request).await },
        )
    }

    /// DescribeTable.
    #[pyo3(signature = (table, blocking))]
    fn describe_table<'py>(
        &self,
        py: Python<'py>,
        table: String,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (backend, table) = (Arc::clone(&self.backend), self.table(table));
        run(
            py,
            blocking,
            async move { backend.describe_table(table).await },
        )
    }

    /// DeleteTable.
    #[pyo3(signature = (table, blocking))]
    fn delete_table<'py>(
        &self,
        py: Python<'py>,
        table: String,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (backend, table) = (Arc::clone(&self.backend), self.table(table));
        run(
            py,
            blocking,
            async move { backend.delete_table(table).await },
        )
    }

    /// Whether the table exists (DescribeTable).
    #[pyo3(signature = (table, blocking))]
    fn table_exists<'py>(
        &self,
        py: Python<'py>,
        table: String,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (backend, table) = (Arc::clone(&self.backend), self.table(table));
        run(py, blocking, async move {
            match backend.describe_table(table).await {
                Ok(_) => Ok(true),
                Err(Error::TableNotFound { .. }) => Ok(false),
                Err(err) => Err(err),
            }
        })
    }

    /// Poll DescribeTable until the table is ACTIVE (`exists=True`) or gone (`exists=False`).
    #[pyo3(signature = (table, exists, timeout, blocking))]
    fn wait_for_table<'py>(
        &self,
        py: Python<'py>,
        table: String,
        exists: bool,
        timeout: f64,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (backend, table) = (Arc::clone(&self.backend), self.table(table));
        let deadline =
            Instant::now() + Duration::try_from_secs_f64(timeout).unwrap_or(Duration::MAX);
        run(py, blocking, async move {
            let mut pause = Duration::from_millis(50);
            loop {
                let done = match backend.describe_table(table.clone()).await {
                    Ok(description) => exists && description.status == "ACTIVE",
                    Err(Error::TableNotFound { .. }) => !exists,
                    Err(err) => return Err(err),
                };
                if done {
                    return Ok(());
                }
                if Instant::now() >= deadline {
                    let state = if exists { "active" } else { "deleted" };
                    return Err(Error::Service {
                        code: "WaiterTimeout".into(),
                        message: format!("table '{table}' was not {state} within {timeout}s"),
                    });
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(2));
            }
        })
    }
}
