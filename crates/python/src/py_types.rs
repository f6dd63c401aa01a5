//! Python objects the codec needs on every item, looked up once per process.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyModule, PyType};

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UUID: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static BASE_MODEL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn cached<'py>(
    cell: &'static PyOnceLock<Py<PyType>>,
    py: Python<'py>,
    module: &str,
    name: &str,
) -> PyResult<&'py Bound<'py, PyType>> {
    Ok(cell
        .get_or_try_init(py, || -> PyResult<_> {
            Ok(py
                .import(module)?
                .getattr(name)?
                .cast_into::<PyType>()?
                .unbind())
        })?
        .bind(py))
}

/// `decimal.Decimal`
pub fn decimal(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    cached(&DECIMAL, py, "decimal", "Decimal")
}

/// `uuid.UUID`
pub fn uuid(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    cached(&UUID, py, "uuid", "UUID")
}

/// `pydantic.BaseModel`
pub fn base_model(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    cached(&BASE_MODEL, py, "pydantic", "BaseModel")
}

static GC: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The cyclic garbage collector paused for the life of the guard (if it was running).
///
/// Decoding a page creates tens of thousands of containers (models, their `__dict__`s, nested
/// lists, sets and dicts), none of which can form a cycle. Left running, the collector starts a
/// collection every 700 of them and rescans the survivors of the ones before, again and again:
/// measured on the query benchmark, that was a quarter of the client's CPU. Paused, it sees the
/// page as one batch once the page is done.
pub struct PausedGc<'py> {
    gc: Option<Bound<'py, PyModule>>,
}

impl<'py> PausedGc<'py> {
    /// Pause the collector until the guard is dropped.
    pub fn new(py: Python<'py>) -> PyResult<Self> {
        let gc = GC
            .get_or_try_init(py, || -> PyResult<_> { Ok(py.import("gc")?.unbind()) })?
            .bind(py)
            .clone();
        if !gc
            .call_method0(pyo3::intern!(py, "isenabled"))?
            .is_truthy()?
        {
            return Ok(Self { gc: None });
        }
        gc.call_method0(pyo3::intern!(py, "disable"))?;
        Ok(Self { gc: Some(gc) })
    }
}

impl Drop for PausedGc<'_> {
    fn drop(&mut self) {
        if let Some(gc) = &self.gc {
            // Enabling cannot fail; if it somehow did, there is no caller left to tell.
            let _ = gc.call_method0(pyo3::intern!(gc.py(), "enable"));
        }
    }
}
