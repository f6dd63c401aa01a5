//! ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: PartiQL, its values always
//! bound to `?` parameters.

use aws_sdk_dynamodb::operation::execute_transaction::ExecuteTransactionError;
use aws_sdk_dynamodb::types::{BatchStatementRequest, ParameterizedStatement};

use super::call::{Call, Counted, Use, CONSUMED};
use super::convert::invalid;
use super::transactions::{canceled_with, reasons_of};
use super::AwsBackend;
use crate::{
    BatchStatementOutput, CancellationReason, Error, ExecuteStatement, Statement, StatementPage,
    StatementResult, TransactGetOutput,
};

/// What a statement's consumed capacity counts as.
fn used(statements: &[Statement]) -> Use {
    if statements.iter().all(Statement::reads) {
        Use::Read
    } else {
        Use::Write
    }
}

/// DynamoDB refuses an empty parameter list: none is sent then.
fn parameters(statement: &mut Statement) -> Option<Vec<aws_sdk_dynamodb::types::AttributeValue>> {
    let parameters = std::mem::take(&mut statement.parameters);
    (!parameters.is_empty()).then_some(parameters)
}

fn canceled(err: &ExecuteTransactionError) -> Option<Vec<CancellationReason>> {
    match err {
        ExecuteTransactionError::TransactionCanceledException(canceled) => {
            Some(reasons_of(canceled.cancellation_reasons()))
        }
        _ => None,
    }
}

impl AwsBackend {
    pub(super) async fn send_execute_statement(
        &self,
        mut request: ExecuteStatement,
    ) -> Result<StatementPage, Error> {
        let call = Call::new("ExecuteStatement", "");
        let use_ = used(std::slice::from_ref(&request.statement));
        let bound = parameters(&mut request.statement);
        let out = self
            .client
            .execute_statement()
            .statement(request.statement.statement)
            .set_parameters(bound)
            .consistent_read(request.statement.consistent_read)
            .set_next_token(request.next_token)
            .set_limit(request.limit)
            .return_consumed_capacity(CONSUMED)
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| self.fail(&call, err))?;
        Ok(StatementPage {
            capacity: call.cost(out.consumed_capacity(), use_),
            items: out.items.unwrap_or_default(),
            next_token: out.next_token,
        })
    }

    pub(super) async fn send_batch_execute_statement(
        &self,
        mut request: Vec<Statement>,
    ) -> Result<BatchStatementOutput, Error> {
        let call = Call::new("BatchExecuteStatement", "");
        let use_ = used(&request);
        let count = request.len();
        let statements = request
            .iter_mut()
            .map(|statement| {
                BatchStatementRequest::builder()
                    .statement(statement.statement.clone())
                    .set_parameters(parameters(statement))
                    .consistent_read(statement.consistent_read)
                    .build()
                    .map_err(invalid)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let out = self
            .client
            .batch_execute_statement()
            .set_statements(Some(statements))
            .return_consumed_capacity(CONSUMED)
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| self.fail(&call, err))?;
        let capacity = call.cost(out.consumed_capacity(), use_);
        let mut results: Vec<StatementResult> = out
            .responses
            .unwrap_or_default()
            .into_iter()
            .map(|response| StatementResult {
                error: response.error.map(|error| {
                    let code = error
                        .code
                        .map_or_else(|| "Unknown".to_owned(), |c| c.as_str().to_owned());
                    (code, error.message.unwrap_or_default())
                }),
                item: response.item,
            })
            .collect();
        results.resize(count, StatementResult::default());
        Ok(BatchStatementOutput { results, capacity })
    }

    pub(super) async fn send_execute_transaction(
        &self,
        mut request: Vec<Statement>,
        token: Option<String>,
    ) -> Result<TransactGetOutput, Error> {
        let call = Call::new("ExecuteTransaction", "");
        let use_ = used(&request);
        let count = request.len();
        let statements = request
            .iter_mut()
            .map(|statement| {
                ParameterizedStatement::builder()
                    .statement(statement.statement.clone())
                    .set_parameters(parameters(statement))
                    .build()
                    .map_err(invalid)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let out = self
            .client
            .execute_transaction()
            .set_transact_statements(Some(statements))
            .set_client_request_token(token)
            .return_consumed_capacity(CONSUMED)
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| {
                let found = err.as_service_error().and_then(canceled);
                canceled_with(&call, self.fail(&call, err), found)
            })?;
        let capacity = call.cost(out.consumed_capacity(), use_);
        let mut items: Vec<_> = out
            .responses
            .unwrap_or_default()
            .into_iter()
            .map(|response| response.item)
            .collect();
        items.resize(count, None);
        Ok(TransactGetOutput { items, capacity })
    }
}
