//! [`Backend`]: every DynamoDB operation the client runs, as one trait; [`crate::aws`]
//! implements it with aws-sdk-dynamodb, `FakeBackend` with a script, for tests.

use std::future::Future;
use std::pin::Pin;

use crate::{
    BatchGetOutput, BatchStatementOutput, BatchWriteOutput, Capacity, CreateTable, DeleteItem,
    Error, ExecuteStatement, GetItem, ItemOutput, Page, PutItem, Query, Scan, Statement,
    StatementPage, TableDescription, TableKeys, TableWrite, TransactGetItem, TransactGetOutput,
    TransactWrite, UpdateItem,
};

/// A boxed future, so that backends can be used behind `dyn Backend`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// The operations dynomodel runs against a DynamoDB, whoever implements it: AWS through the SDK
/// ([`crate::AwsBackend`]), or an in-process engine later.
///
/// Each method is one request; retrying what a batch leaves unprocessed is [`crate::batch`]'s.
pub trait Backend: Send + Sync {
    /// PutItem.
    fn put_item(&self, request: PutItem) -> BoxFuture<'_, ItemOutput>;
    /// GetItem.
    fn get_item(&self, request: GetItem) -> BoxFuture<'_, ItemOutput>;
    /// DeleteItem.
    fn delete_item(&self, request: DeleteItem) -> BoxFuture<'_, ItemOutput>;
    /// UpdateItem, returning the updated item.
    fn update_item(&self, request: UpdateItem) -> BoxFuture<'_, ItemOutput>;
    /// Query: one page.
    fn query(&self, request: Query) -> BoxFuture<'_, Page>;
    /// Scan: one page (of one segment).
    fn scan(&self, request: Scan) -> BoxFuture<'_, Page>;
    /// BatchGetItem: one request of at most 100 keys.
    fn batch_get(&self, request: Vec<TableKeys>) -> BoxFuture<'_, BatchGetOutput>;
    /// BatchWriteItem: one request of at most 25 writes, on distinct keys.
    fn batch_write(&self, request: Vec<TableWrite>) -> BoxFuture<'_, BatchWriteOutput>;
    /// TransactWriteItems.
    fn transact_write(&self, request: TransactWrite) -> BoxFuture<'_, Capacity>;
    /// TransactGetItems.
    fn transact_get(&self, request: Vec<TransactGetItem>) -> BoxFuture<'_, TransactGetOutput>;
    /// CreateTable (returns once DynamoDB accepted it; see [`Backend::describe_table`]).
    fn create_table(&self, request: CreateTable) -> BoxFuture<'_, TableDescription>;
    /// DescribeTable.
    fn describe_table(&self, table: String) -> BoxFuture<'_, TableDescription>;
    /// DeleteTable.
    fn delete_table(&self, table: String) -> BoxFuture<'_, ()>;
    /// UpdateTimeToLive: expire items by the epoch seconds in `attribute`.
    fn enable_time_to_live(&self, table: String, attribute: String) -> BoxFuture<'_, ()>;
    /// DescribeTimeToLive: the attribute items expire by, when TTL is enabled (or enabling).
    fn describe_time_to_live(&self, table: String) -> BoxFuture<'_, Option<String>>;
    /// ExecuteStatement: one page of a PartiQL statement.
    fn execute_statement(&self, request: ExecuteStatement) -> BoxFuture<'_, StatementPage>;
    /// BatchExecuteStatement: at most 25 statements, each answering alone.
    fn batch_execute_statement(
        &self,
        request: Vec<Statement>,
    ) -> BoxFuture<'_, BatchStatementOutput>;
    /// ExecuteTransaction: statements that all apply or none does (the items reads found).
    fn execute_transaction(
        &self,
        request: Vec<Statement>,
        token: Option<String>,
    ) -> BoxFuture<'_, TransactGetOutput>;
}
