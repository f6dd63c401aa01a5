//! BatchGetItem and BatchWriteItem of any size, retried until done, and transactions.

use dynomodel_client::batch::{get_all, write_all};
use dynomodel_client::{TableWrite, TransactAction, TransactGetItem, TransactWrite, Write};
use pyo3::prelude::*;

use super::Client;
use crate::convert::args::{ActionArg, DecodingArg, GetArg, TableKeysArg, WriteArg};
use crate::convert::outputs::{DecodedBatch, DecodedGets, Decoding};

/// The table an action names.
fn action_table(action: &TransactAction) -> &str {
    match action {
        TransactAction::Put { table, .. }
        | TransactAction::Update { table, .. }
        | TransactAction::Delete { table, .. }
        | TransactAction::ConditionCheck { table, .. } => table,
    }
}

fn decodings(arguments: Vec<DecodingArg>) -> Vec<Decoding> {
    arguments.into_iter().map(Decoding::from).collect()
}

#[pymethods]
impl Client {
    /// BatchGetItem of every key of `tables`, in requests of at most 100, unprocessed keys
    /// retried with backoff for up to `timeout` seconds; each table's items decoded as its
    /// `decodings` entry says, in the order of its keys: a `BatchGetOutput`.
    #[pyo3(signature = (tables, decodings, timeout, blocking))]
    fn batch_get<'py>(
        &self,
        py: Python<'py>,
        tables: Vec<TableKeysArg>,
        decodings: Vec<DecodingArg>,
        timeout: f64,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let tables = tables
            .into_iter()
            .map(|table| table.into_keys(|name| self.table(name)))
            .collect();
        let (backend, retry, decodings) = (
            self.backend(),
            self.retry(timeout)?,
            self::decodings(decodings),
        );
        let sealing = self.sealing();
        self.run(py, blocking, async move {
            let mut found = get_all(backend, tables, retry).await?;
            for (table, items) in &mut found.items {
                sealing.open_items(table, items).await?;
            }
            Ok(DecodedBatch(found, decodings))
        })
    }

    /// BatchWriteItem of `writes` (no two on one key), in requests of at most 25, unprocessed
    /// writes retried with backoff for up to `timeout` seconds: a `BatchWriteOutput`.
    #[pyo3(signature = (writes, timeout, blocking))]
    fn batch_write<'py>(
        &self,
        py: Python<'py>,
        writes: Vec<WriteArg>,
        timeout: f64,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut writes: Vec<TableWrite> = writes
            .into_iter()
            .map(|write| write.into_write(|name| self.table(name)))
            .collect();
        let (backend, retry, sealing) = (self.backend(), self.retry(timeout)?, self.sealing());
        self.run(py, blocking, async move {
            for write in &mut writes {
                if let Write::Put(item) = &mut write.write {
                    sealing.seal(&write.table, item).await?;
                }
            }
            write_all(backend, writes, retry).await
        })
    }

    /// TransactWriteItems of `actions`: a `Cost`.
    #[pyo3(signature = (actions, token, blocking))]
    fn transact_write<'py>(
        &self,
        py: Python<'py>,
        actions: Vec<ActionArg>,
        token: Option<String>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut request = TransactWrite {
            actions: actions
                .into_iter()
                .map(|action| action.into_action(|name| self.table(name)))
                .collect::<PyResult<_>>()?,
            token,
        };
        let (backend, sealing) = (self.backend(), self.sealing());
        self.run(py, blocking, async move {
            let mut tables = Vec::with_capacity(request.actions.len());
            for action in &mut request.actions {
                if let TransactAction::Put { table, item, .. } = action {
                    sealing.seal(table, item).await?;
                }
                tables.push(action_table(action).to_owned());
            }
            match backend.transact_write(request).await {
                Ok(cost) => Ok(cost),
                Err(err) => {
                    let tables: Vec<&str> = tables.iter().map(String::as_str).collect();
                    Err(sealing.open_error(&tables, err).await)
                }
            }
        })
    }

    /// TransactGetItems of `gets`, each item decoded as its `decodings` entry says (or None):
    /// a `TransactGetOutput`.
    #[pyo3(signature = (gets, decodings, blocking))]
    fn transact_get<'py>(
        &self,
        py: Python<'py>,
        gets: Vec<GetArg>,
        decodings: Vec<DecodingArg>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let gets: Vec<TransactGetItem> = gets
            .into_iter()
            .map(|get| get.into_get(|name| self.table(name)))
            .collect();
        let tables: Vec<String> = gets.iter().map(|get| get.table.clone()).collect();
        let (backend, decodings, sealing) =
            (self.backend(), self::decodings(decodings), self.sealing());
        self.run(py, blocking, async move {
            let mut found = backend.transact_get(gets).await?;
            for (table, item) in tables.iter().zip(&mut found.items) {
                sealing.open_all(table, item.as_mut()).await?;
            }
            Ok(DecodedGets(found, decodings))
        })
    }
}
