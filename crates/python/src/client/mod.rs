//! `Client`: the DynamoDB operations, each one Rust future that Python either awaits (asyncio) or
//! blocks on with the GIL released (`blocking=True`); see [`crate::bridge`]. The methods are
//! written by family: [`items`], [`reads`], [`batches`] (and transactions), [`tables`], and the
//! client's rate limits, [`limits`]; the encrypted fields' sealing and the values kept in S3,
//! [`storage`].

mod batches;
mod items;
mod limits;
mod reads;
mod statements;
mod storage;
mod tables;
mod transfer;

pub use limits::BudgetState;

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use dynomodel_client::batch::Retry;
use dynomodel_client::crypt::{KeyCache, KeyRing, Sealing};
use dynomodel_client::engine::{Clock, Engine};
use dynomodel_client::limit::{Limited, Limits};
use dynomodel_client::s3::S3Store;
use dynomodel_client::{runtime, AwsBackend, Backend, ClientConfig, Error};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::bridge::{self, Raise, ToPython};
use crate::convert::args::seconds;
use crate::engine::EngineServer;
use crate::errors;

/// A connection to DynamoDB (credentials, region, endpoint, HTTP pool), shared by every call.
#[pyclass(frozen, module = "dynomodel._native")]
pub struct Client {
    /// The SDK's backend behind this client's rate limits: every call draws from `limits`.
    backend: Arc<dyn Backend>,
    /// The read and write budgets of tables and indexes, shared by every call.
    limits: Arc<Limits>,
    /// Put before every table name this client sends (`dev-`), so one code base serves several
    /// environments in one account. Names come back from DynamoDB with it.
    prefix: String,
    /// The embedded engine behind a `memory://` endpoint, to serve over HTTP on request.
    engine: Option<Engine>,
    /// On `memory://`: the CPU time of this client's calls in the SDK's request path.
    sdk_time: Option<Clock>,
    /// This client's operations under way, so that an application can wait for them on
    /// shutdown (`DynamoClient.drain`).
    in_flight: Arc<AtomicUsize>,
    /// The encrypted attributes of its tables and the data keys from KMS: every call seals
    /// the items it sends and opens the items it reads.
    sealing: Arc<Sealing>,
    /// S3, for the values kept there.
    s3: Arc<S3Store>,
}

/// One operation of a client, counted until it ends, however it ends (an aborted one too).
struct Counted(Arc<AtomicUsize>);

impl Counted {
    fn enter(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(Arc::clone(count))
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Client {
    /// The name DynamoDB knows `table` by.
    fn table(&self, table: String) -> String {
        if self.prefix.is_empty() {
            table
        } else {
            format!("{}{table}", self.prefix)
        }
    }

    fn backend(&self) -> Arc<dyn Backend> {
        Arc::clone(&self.backend)
    }

    fn sealing(&self) -> Arc<Sealing> {
        Arc::clone(&self.sealing)
    }

    /// Run one of this client's operations (see [`bridge::run`]), counted in flight.
    fn run<'py, T: ToPython>(
        &self,
        py: Python<'py>,
        blocking: bool,
        operation: impl Future<Output = Result<T, Error>> + Send + 'static,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.run_raising(py, blocking, operation)
    }

    /// [`Client::run`] of an operation whose errors are not only DynamoDB's.
    fn run_raising<'py, T: ToPython, E: Raise>(
        &self,
        py: Python<'py>,
        blocking: bool,
        operation: impl Future<Output = Result<T, E>> + Send + 'static,
    ) -> PyResult<Bound<'py, PyAny>> {
        let counted = Counted::enter(&self.in_flight);
        bridge::run(py, blocking, async move {
            let _counted = counted;
            operation.await
        })
    }

    fn retry(&self, timeout: f64) -> PyResult<Retry> {
        Ok(Retry {
            timeout: seconds(timeout, "retry timeout")?,
        })
    }
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (
        *, region=None, endpoint_url=None, profile=None, access_key_id=None,
        secret_access_key=None, session_token=None, connect_timeout=None, read_timeout=None,
        max_retries=None, table_prefix=None, kms_endpoint_url=None, s3_endpoint_url=None,
        key_cache=None,
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
        kms_endpoint_url: Option<String>,
        s3_endpoint_url: Option<String>,
        key_cache: Option<(f64, u64, usize)>,
    ) -> PyResult<Self> {
        let key_cache = match key_cache {
            Some((max_age, max_uses, max_keys)) => KeyCache {
                max_age: seconds(max_age, "key cache max_age")?,
                max_uses,
                max_keys,
            },
            None => KeyCache::default(),
        };
        let config = ClientConfig {
            region,
            endpoint_url,
            profile,
            access_key_id,
            secret_access_key,
            session_token,
            connect_timeout: connect_timeout
                .map(|s| seconds(s, "connect timeout"))
                .transpose()?,
            read_timeout: read_timeout
                .map(|s| seconds(s, "read timeout"))
                .transpose()?,
            max_retries,
        };
        let backend = py
            .detach(|| runtime().block_on(AwsBackend::connect(&config)))
            .map_err(|err| errors::client_error(py, err))?;
        let limits = Arc::new(Limits::default());
        Ok(Self {
            engine: backend.engine().cloned(),
            sdk_time: backend.sdk_time().cloned(),
            backend: Arc::new(Limited::new(Arc::new(backend), Arc::clone(&limits))),
            limits,
            prefix: table_prefix.unwrap_or_default(),
            in_flight: Arc::new(AtomicUsize::new(0)),
            sealing: Arc::new(Sealing::new(KeyRing::new(
                &config,
                kms_endpoint_url,
                key_cache,
            ))),
            s3: Arc::new(S3Store::new(&config, s3_endpoint_url)),
        })
    }

    /// How many of this client's operations are under way.
    #[getter]
    fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// CPU seconds the embedded engine of this client's `memory://` database has spent answering
    /// requests (every client of that database counted), or None on any other endpoint: the
    /// engine's share of a call, which benchmarks subtract to find the client's own.
    #[getter]
    fn engine_seconds(&self) -> Option<f64> {
        self.engine.as_ref().map(|e| e.busy().as_secs_f64())
    }

    /// CPU seconds this client's calls have spent in the SDK's request path on `memory://`
    /// (building and signing each request, the interceptors, parsing the answer), the engine's
    /// answers included, or None on any other endpoint: less `engine_seconds`, the SDK's own
    /// share of a call.
    #[getter]
    fn sdk_seconds(&self) -> Option<f64> {
        self.sdk_time.as_ref().map(|c| c.spent().as_secs_f64())
    }

    /// This client's `memory://` database, served over HTTP on 127.0.0.1:`port` (0: a free
    /// port), for SDKs in other processes or threads to share.
    #[pyo3(signature = (port = 0))]
    fn serve(&self, py: Python<'_>, port: u16) -> PyResult<EngineServer> {
        let Some(engine) = &self.engine else {
            return Err(PyValueError::new_err(
                "only a memory:// client has an embedded database to serve",
            ));
        };
        EngineServer::start(py, engine, port)
    }
}
