use std::future::Future;
use std::pin::Pin;

use crate::{
    CreateTable, DeleteItem, Error, GetItem, ItemOutput, Page, PutItem, Query, Scan,
    TableDescription, UpdateItem,
};

/// A boxed future, so that backends can be used behind `dyn Backend`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// The operations dynomodel runs against a DynamoDB, whoever implements it: AWS through the SDK
/// ([`crate::AwsBackend`]), or an in-process engine later.
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
    /// CreateTable (returns once DynamoDB accepted it; see [`Backend::describe_table`]).
    fn create_table(&self, request: CreateTable) -> BoxFuture<'_, TableDescription>;
    /// DescribeTable.
    fn describe_table(&self, table: String) -> BoxFuture<'_, TableDescription>;
    /// DeleteTable.
    fn delete_table(&self, table: String) -> BoxFuture<'_, ()>;
}
