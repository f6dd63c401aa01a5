//! PutItem, GetItem, DeleteItem and UpdateItem.

use dynomodel_client::crypt::Sealing;
use dynomodel_client::{DeleteItem, Error, GetItem, ItemOutput, PutItem, UpdateItem};
use pyo3::prelude::*;

use super::Client;
use crate::convert::args::{ExpressionArg, ItemArg};

#[pymethods]
impl Client {
    /// PutItem, the item's encrypted attributes sealed first: an `ItemOutput` with the item
    /// it replaced when `return_old` asks for it (ReturnValues ALL_OLD), else without one.
    #[pyo3(signature = (table, item, condition, return_old, blocking))]
    fn put_item<'py>(
        &self,
        py: Python<'py>,
        table: String,
        item: ItemArg,
        condition: Option<ExpressionArg>,
        return_old: bool,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut request = PutItem {
            table: self.table(table),
            item: item.0,
            condition: condition.map(Into::into),
            return_old,
        };
        let (backend, sealing) = (self.backend(), self.sealing());
        self.run(py, blocking, async move {
            sealing.seal(&request.table, &mut request.item).await?;
            let table = request.table.clone();
            opened(&sealing, &table, backend.put_item(request).await).await
        })
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
        let (backend, sealing) = (self.backend(), self.sealing());
        self.run(py, blocking, async move {
            let table = request.table.clone();
            opened(&sealing, &table, backend.get_item(request).await).await
        })
    }

    /// DeleteItem: an `ItemOutput` with the item deleted when `return_old` asks for it
    /// (ReturnValues ALL_OLD), else without one.
    #[pyo3(signature = (table, key, condition, return_old, blocking))]
    fn delete_item<'py>(
        &self,
        py: Python<'py>,
        table: String,
        key: ItemArg,
        condition: Option<ExpressionArg>,
        return_old: bool,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = DeleteItem {
            table: self.table(table),
            key: key.0,
            condition: condition.map(Into::into),
            return_old,
        };
        let (backend, sealing) = (self.backend(), self.sealing());
        self.run(py, blocking, async move {
            let table = request.table.clone();
            opened(&sealing, &table, backend.delete_item(request).await).await
        })
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
        let (backend, sealing) = (self.backend(), self.sealing());
        self.run(py, blocking, async move {
            let table = request.table.clone();
            opened(&sealing, &table, backend.update_item(request).await).await
        })
    }
}

/// The output with its item's encrypted attributes opened, or the error with the stored item
/// it carries opened.
async fn opened(
    sealing: &Sealing,
    table: &str,
    result: Result<ItemOutput, Error>,
) -> Result<ItemOutput, Error> {
    match result {
        Ok(mut output) => {
            sealing.open_all(table, output.item.as_mut()).await?;
            Ok(output)
        }
        Err(err) => Err(sealing.open_error(&[table], err).await),
    }
}
