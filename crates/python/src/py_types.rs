//! Python objects the codec needs on every item, looked up once per process.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

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
