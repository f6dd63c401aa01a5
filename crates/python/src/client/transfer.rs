//! Export and import steps: a file opened against its table, a chunk of lines written to the
//! table, a page of each segment written to the file. Python runs them as steps and sees
//! counts, never the items.

use std::path::PathBuf;
use std::sync::Arc;

use dynomodel_client::{Read, Scan};
use dynomodel_transfer::{export_pages, import_chunk, Schema, Source, TransferError};
use pyo3::prelude::*;

use super::Client;
use crate::convert::args::ItemArg;
use crate::transfer::{ExportSink, ImportSource};

#[pymethods]
impl Client {
    /// DescribeTable of `table`, then `file` opened (gzip when `gzip` says so, or when it
    /// starts as gzip does) to be checked against the table's keys: an `ImportSource`.
    #[pyo3(signature = (table, file, gzip, blocking))]
    fn open_import<'py>(
        &self,
        py: Python<'py>,
        table: String,
        file: PathBuf,
        gzip: Option<bool>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (backend, table) = (self.backend(), self.table(table));
        self.run_raising(py, blocking, async move {
            let description = backend.describe_table(table.clone()).await?;
            let schema = Schema::from(&description);
            let source = tokio::task::spawn_blocking(move || Source::open(&file, gzip, schema))
                .await
                .unwrap_or_else(|err| Err(dynomodel_client::batch::task_failed(&err).into()))?;
            Ok::<_, TransferError>(ImportSource::new(source, table))
        })
    }

    /// The next chunk of `source` (at most `max_items` items, `max_bytes` of lines) put into
    /// its table with batch writes, unprocessed ones retried for up to `timeout` seconds: an
    /// `ImportOutput`.
    #[pyo3(signature = (source, max_items, max_bytes, timeout, blocking))]
    fn import_chunk<'py>(
        &self,
        py: Python<'py>,
        source: PyRef<'py, ImportSource>,
        max_items: usize,
        max_bytes: usize,
        timeout: f64,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (backend, retry) = (self.backend(), self.retry(timeout)?);
        let (importing, table) = (Arc::clone(&source.importing), source.table.clone());
        drop(source);
        self.run_raising(
            py,
            blocking,
            import_chunk(backend, importing, table, (max_items, max_bytes), retry),
        )
    }

    /// One Scan page of each of `segments` (`(segment, start_key)` of a scan in `total`
    /// segments), requested together, the items written to `sink` as lines: an
    /// `ExportOutput`.
    #[pyo3(signature = (table, segments, total, page_size, sink, blocking))]
    #[allow(clippy::too_many_arguments)]
    fn export_pages<'py>(
        &self,
        py: Python<'py>,
        table: String,
        segments: Vec<(i32, Option<ItemArg>)>,
        total: i32,
        page_size: Option<i32>,
        sink: PyRef<'py, ExportSink>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let table = self.table(table);
        let requests = segments
            .into_iter()
            .map(|(segment, start_key)| Scan {
                table: table.clone(),
                index: None,
                read: Read {
                    limit: page_size,
                    start_key: start_key.map(|key| key.0),
                    ..Read::default()
                },
                segment: (total > 1).then_some((segment, total)),
            })
            .collect();
        let exporting = Arc::clone(&sink.exporting);
        drop(sink);
        self.run_raising(
            py,
            blocking,
            export_pages(self.backend(), requests, exporting),
        )
    }
}
