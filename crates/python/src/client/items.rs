//! PutItem, GetItem, DeleteItem and UpdateItem.

use dynomodel_client::{DeleteItem, GetItem, PutItem, UpdateItem};
use pyo3::prelude::*;

use super::Client;
use crate::convert::args::{ExpressionArg, ItemArg};

#[pymethods]
impl Client {
    /// PutItem: an `ItemOutput` without an item.
    #[pyo3(signature = (table, item, condition, blocking))]
    fn put_item<'py>(
        &self,
        py: Python<'py>,
        table: String,
        item: ItemArg,
        condition: Option<ExpressionArg>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = PutItem {
            table: self.table(table),
            item: item.0,
            condition: condition.map(Into::into),
        };
        let backend = self.backend();
        self.run(py, blocking, async move { backend.put_item(request).await })
    }

    /// GetItem: an `ItemOutput` with the item, or None.
    #[pyo3(signature = (table, key, consistent_read, blocking))]
    fn get_item<'py>(
        &self,
        py: Python<'py>,
        table: String,
        key: ItemArg,
        consistent_read: bool,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = GetItem {
            table: self.table(table),
            key: key.0,
            consistent_read,
        };
        let backend = self.backend();
        self.run(py, blocking, async move { backend.get_item(request).await })
    }

    /// DeleteItem: an `ItemOutput` without an item.
    #[pyo3(signature = (table, key, condition, blocking))]
    fn delete_item<'py>(
        &self,
        py: Python<'py>,
        table: String,
        key: ItemArg,
        condition: Option<ExpressionArg>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = DeleteItem {
            table: self.table(table),
            key: key.0,
            condition: condition.map(Into::into),
        };
        let backend = self.backend();
        self.run(
            py,
            blocking,
            async move { backend.delete_item(request).await },
        )
    }

    /// UpdateItem: an `ItemOutput` with the whole item after the update.
    #[pyo3(signature = (table, key, update, condition, blocking))]
    fn update_item<'py>(
        &self,
        py: Python<'py>,
        table: String,
        key: ItemArg,
        update: ExpressionArg,
        condition: Option<ExpressionArg>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = UpdateItem {
            table: self.table(table),
            key: key.0,
            update: update.into(),
            condition: condition.map(Into::into),
        };
        let backend = self.backend();
        self.run(
            py,
            blocking,
            async move { backend.update_item(request).await },
        )
    }
}
