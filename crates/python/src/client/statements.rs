//! PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction, each item decoded
//! when the GIL is held again.

use dynomodel_client::{ExecuteStatement, Statement};
use pyo3::prelude::*;

use super::Client;
use crate::convert::args::{DecodingArg, ValueArg};
use crate::convert::outputs::{DecodedGets, DecodedStatements, DecodedStatementsPage, Decoding};

/// `(statement, parameters, consistent_read)`: one statement of a batch or transaction.
type StatementArg = (String, Vec<ValueArg>, bool);

fn statement((statement, parameters, consistent_read): StatementArg) -> Statement {
    Statement {
        statement,
        parameters: parameters.into_iter().map(|p| p.0).collect(),
        consistent_read,
    }
}

#[pymethods]
impl Client {
    /// ExecuteStatement: one page, its items decoded as `decoding` says: a `StatementOutput`.
    #[pyo3(signature = (statement, next_token, limit, decoding, blocking))]
    fn execute_statement<'py>(
        &self,
        py: Python<'py>,
        statement: StatementArg,
        next_token: Option<String>,
        limit: Option<i32>,
        decoding: DecodingArg,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = ExecuteStatement {
            statement: self::statement(statement),
            next_token,
            limit,
        };
        let (backend, decoding) = (self.backend(), Decoding::from(decoding));
        self.run(py, blocking, async move {
            Ok(DecodedStatementsPage(
                backend.execute_statement(request).await?,
                decoding,
            ))
        })
    }

    /// BatchExecuteStatement of at most 25 statements, each answering alone: a
    /// `BatchStatementOutput`.
    #[pyo3(signature = (statements, decoding, blocking))]
    fn batch_execute_statement<'py>(
        &self,
        py: Python<'py>,
        statements: Vec<StatementArg>,
        decoding: DecodingArg,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = statements.into_iter().map(statement).collect();
        let (backend, decoding) = (self.backend(), Decoding::from(decoding));
        self.run(py, blocking, async move {
            Ok(DecodedStatements(
                backend.batch_execute_statement(request).await?,
                decoding,
            ))
        })
    }

    /// ExecuteTransaction: statements that all apply or none does; the items its reads found,
    /// decoded as `decoding` says: a `TransactGetOutput`.
    #[pyo3(signature = (statements, token, decoding, blocking))]
    fn execute_transaction<'py>(
        &self,
        py: Python<'py>,
        statements: Vec<StatementArg>,
        token: Option<String>,
        decoding: DecodingArg,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request: Vec<Statement> = statements.into_iter().map(statement).collect();
        let decoding = Decoding::from(decoding);
        let decodings = request.iter().map(|_| decoding.clone_ref(py)).collect();
        let backend = self.backend();
        self.run(py, blocking, async move {
            Ok(DecodedGets(
                backend.execute_transaction(request, token).await?,
                decodings,
            ))
        })
    }
}
