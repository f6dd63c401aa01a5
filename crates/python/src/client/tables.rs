//! CreateTable, DescribeTable, DeleteTable, waits and time to live.

use dynomodel_client::tables::{table_exists, wait_for_table};
use dynomodel_client::{CreateTable, KeyAttribute, SecondaryIndex};
use pyo3::prelude::*;

use super::Client;
use crate::convert::args::{seconds, IndexArg, KeyArg};

#[pymethods]
impl Client {
    /// CreateTable; `provisioned` is `(read, write)` or None for on-demand billing: a
    /// `TableDescription`.
    #[pyo3(signature = (table, partition_key, sort_key, provisioned, indexes, blocking))]
    #[allow(clippy::too_many_arguments)]
    fn create_table<'py>(
        &self,
        py: Python<'py>,
        table: String,
        partition_key: KeyArg,
        sort_key: Option<KeyArg>,
        provisioned: Option<(i64, i64)>,
        indexes: Vec<IndexArg>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = CreateTable {
            table: self.table(table),
            partition_key: partition_key.try_into()?,
            sort_key: sort_key.map(KeyAttribute::try_from).transpose()?,
            provisioned,
            indexes: indexes
                .into_iter()
                .map(SecondaryIndex::try_from)
                .collect::<PyResult<_>>()?,
        };
        let backend = self.backend();
        self.run(
            py,
            blocking,
            async move { backend.create_table(request).await },
        )
    }

    /// DescribeTable: a `TableDescription`.
    #[pyo3(signature = (table, blocking))]
    fn describe_table<'py>(
        &self,
        py: Python<'py>,
        table: String,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (backend, table) = (self.backend(), self.table(table));
        self.run(
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
        let (backend, table) = (self.backend(), self.table(table));
        self.run(
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
        let (backend, table) = (self.backend(), self.table(table));
        self.run(
            py,
            blocking,
            async move { table_exists(&*backend, table).await },
        )
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
        let (backend, table) = (self.backend(), self.table(table));
        let timeout = seconds(timeout, "wait timeout")?;
        self.run(py, blocking, async move {
            wait_for_table(&*backend, table, exists, timeout).await
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
        let (backend, table) = (self.backend(), self.table(table));
        self.run(py, blocking, async move {
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
        let (backend, table) = (self.backend(), self.table(table));
        self.run(py, blocking, async move {
            backend.describe_time_to_live(table).await
        })
    }
}
