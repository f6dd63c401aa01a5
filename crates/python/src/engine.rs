//! The embedded engine served over HTTP: `EngineServer`, for `python -m dynomodel serve` and
//! the pytest plugin's `dynomodel_memory_url`.

use std::sync::Mutex;

use dynomodel_client::engine::{Engine, Server};
use dynomodel_client::runtime;
use pyo3::prelude::*;

use crate::errors;

/// An engine served on 127.0.0.1 until `stop()`.
#[pyclass(frozen, module = "dynomodel._native")]
pub struct EngineServer {
    server: Mutex<Option<Server>>,
    port: u16,
    url: String,
}

impl EngineServer {
    /// Serve `engine` on `port` (0: a free one).
    pub fn start(py: Python<'_>, engine: &Engine, port: u16) -> PyResult<Self> {
        let server = py
            .detach(|| runtime().block_on(Server::start(engine, port)))
            .map_err(|err| errors::client_error(py, err))?;
        Ok(Self {
            port: server.port(),
            url: server.url(),
            server: Mutex::new(Some(server)),
        })
    }
}

#[pymethods]
impl EngineServer {
    /// The port it listens on.
    #[getter]
    fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// Stop accepting requests, finish those under way and let go of the database (its file
    /// is complete when this returns). The GIL is released meanwhile.
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        let taken = self
            .server
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        let Some(mut server) = taken else {
            return Ok(());
        };
        py.detach(move || runtime().block_on(server.stop()))
            .map_err(|err| errors::client_error(py, err))
    }
}

/// Serve the database in the SQLite file `database` (created if missing), or a fresh in-memory
/// one, on 127.0.0.1:`port`.
#[pyfunction]
#[pyo3(signature = (database, port))]
pub fn serve(py: Python<'_>, database: Option<String>, port: u16) -> PyResult<EngineServer> {
    let engine = match database {
        Some(path) => Engine::open(&path),
        None => Engine::memory("memory://".into()),
    }
    .map_err(|err| errors::client_error(py, err))?;
    EngineServer::start(py, &engine, port)
}
