//! The files of an export or an import, held by Python between the steps that use them, and
//! what each step reports. The items never come to Python: a step reads lines and writes them
//! to the table, or scans pages and writes them as lines, in Rust.

use std::path::PathBuf;
use std::sync::Arc;

use dynomodel_client::Capacity;
use dynomodel_transfer::{Checked, Exported, Exporting, Imported, Importing, Sink, Source};
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::bridge::{self, ToPython};
use crate::convert::outputs::Cost;
use crate::convert::values::item_to_py;
use crate::errors::transfer_error;

/// A DynamoDB JSON lines file being imported, checked against its table's keys.
#[pyclass(frozen, module = "dynomodel._native")]
pub struct ImportSource {
    pub(crate) importing: Arc<Importing>,
    /// The table the items go to, as DynamoDB names it (the client's prefix included).
    pub(crate) table: String,
    file: PathBuf,
    gzip: bool,
}

impl ImportSource {
    pub(crate) fn new(source: Source, table: String) -> Self {
        Self {
            file: source.file().to_owned(),
            gzip: source.gzip(),
            importing: Arc::new(Importing::new(source)),
            table,
        }
    }
}

#[pymethods]
impl ImportSource {
    /// The file.
    #[getter]
    fn file(&self) -> PathBuf {
        self.file.clone()
    }

    /// Whether it is read as gzip.
    #[getter]
    fn gzip(&self) -> bool {
        self.gzip
    }

    /// The table the items go to, as DynamoDB names it.
    #[getter]
    fn table(&self) -> String {
        self.table.clone()
    }

    /// Parse and check the next `max_lines` lines (nothing is kept or sent): a `CheckOutput`.
    #[pyo3(signature = (max_lines, blocking))]
    fn check<'py>(
        &self,
        py: Python<'py>,
        max_lines: u64,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        bridge::run(py, blocking, Arc::clone(&self.importing).check(max_lines))
    }

    /// Read again from the first line, past the first `skip` lines; the file must not have
    /// changed since it was opened.
    #[pyo3(signature = (skip, blocking))]
    fn rewind<'py>(
        &self,
        py: Python<'py>,
        skip: u64,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        bridge::run(py, blocking, Arc::clone(&self.importing).rewind(skip))
    }
}

/// A DynamoDB JSON lines file being written, under `FILE.partial` until `finish()`.
#[pyclass(frozen, module = "dynomodel._native")]
pub struct ExportSink {
    pub(crate) exporting: Arc<Exporting>,
}

#[pymethods]
impl ExportSink {
    /// Create `file`'s partial file; gzip when `gzip` says so, or (None) when the name ends
    /// in `.gz`.
    #[new]
    #[pyo3(signature = (file, gzip))]
    fn new(py: Python<'_>, file: PathBuf, gzip: Option<bool>) -> PyResult<Self> {
        let sink = Sink::create(&file, gzip).map_err(|err| transfer_error(py, err))?;
        Ok(Self {
            exporting: Arc::new(Exporting::new(sink)),
        })
    }

    /// Write what is left, flush the file and give it its name.
    #[pyo3(signature = (blocking))]
    fn finish<'py>(&self, py: Python<'py>, blocking: bool) -> PyResult<Bound<'py, PyAny>> {
        bridge::run(py, blocking, Arc::clone(&self.exporting).finish())
    }

    /// Stop writing and remove the partial file.
    fn discard(&self) {
        self.exporting.discard();
    }
}

/// What checking lines found.
#[pyclass(frozen, get_all, module = "dynomodel._native")]
pub struct CheckOutput {
    /// Lines read, blank ones included.
    lines: u64,
    /// Items among them.
    items: u64,
    /// Whether the file ended.
    done: bool,
}

/// What writing one chunk of lines did.
#[pyclass(frozen, get_all, module = "dynomodel._native")]
pub struct ImportOutput {
    /// Items read from the chunk's lines.
    items: usize,
    /// The chunk's last line: all up to it are written unless `unprocessed` is not 0.
    last_line: u64,
    /// Whether the file ended.
    done: bool,
    /// Writes still unwritten when the retries gave up.
    unprocessed: usize,
    /// Why the retries gave up, when they did.
    gave_up: Option<String>,
    /// What the requests consumed.
    cost: Py<Cost>,
}

/// What one round of an export's scan did.
#[pyclass(frozen, get_all, module = "dynomodel._native")]
pub struct ExportOutput {
    /// Items written.
    items: usize,
    /// Each segment's next start key (wire form), None after its last page.
    last_keys: Py<PyList>,
    /// What the requests consumed.
    cost: Py<Cost>,
}

fn cost(py: Python<'_>, capacity: Capacity) -> PyResult<Py<Cost>> {
    Py::new(py, Cost::from(capacity))
}

impl ToPython for ImportSource {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok(Bound::new(py, self)?.into_any())
    }
}

impl ToPython for Checked {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let output = CheckOutput {
            lines: self.lines,
            items: self.items,
            done: self.done,
        };
        Ok(Bound::new(py, output)?.into_any())
    }
}

impl ToPython for Imported {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let output = ImportOutput {
            items: self.items,
            last_line: self.last_line,
            done: self.done,
            unprocessed: self.unprocessed,
            gave_up: self.gave_up,
            cost: cost(py, self.capacity)?,
        };
        Ok(Bound::new(py, output)?.into_any())
    }
}

impl ToPython for Exported {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let keys = PyList::empty(py);
        for key in &self.last_keys {
            match key {
                Some(key) => keys.append(item_to_py(py, key)?)?,
                None => keys.append(py.None())?,
            }
        }
        let output = ExportOutput {
            items: self.items,
            last_keys: keys.unbind(),
            cost: cost(py, self.capacity)?,
        };
        Ok(Bound::new(py, output)?.into_any())
    }
}
