//! The dynomodel client: DynamoDB operations on one process-wide tokio runtime.
//!
//! Each operation is written once, as an async method of [`Backend`]; the Python bindings await
//! it from asyncio or block on it with the GIL released. [`AwsBackend`] runs the operations with
//! aws-sdk-dynamodb, against AWS, any DynamoDB-compatible server, or the embedded engine
//! ([`engine`], `memory://`), which answers the SDK's requests in process.
//! What spans several requests is written once above the trait: batches retried until done
//! ([`batch`]), the segments of a parallel scan ([`reads`]), table waits ([`tables`]); rate
//! limits ([`limit`]) wrap a backend, so that every call of a client draws from its budgets.
//! Encrypted fields are sealed and opened with data keys from KMS ([`crypt`]); values too
//! large for an item live in S3 ([`s3`]); both reached with the client's configuration.

mod aws;
mod backend;
pub mod batch;
mod config;
pub mod crypt;
pub mod engine;
mod error;
#[cfg(any(test, feature = "fake"))]
pub mod fake;
mod json;
pub mod limit;
pub mod reads;
mod request;
mod runtime;
pub mod s3;
pub mod tables;

pub use aws::AwsBackend;
pub use backend::{Backend, BoxFuture};
pub use config::{ClientConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT};
pub use error::{Context, Error, ErrorKind};
pub use json::tree as json_tree;
pub use json::{unreadable_page, JsonItem, JsonItems, PageItems};
pub use request::{
    AttributeValue, BatchGetOutput, BatchStatementOutput, BatchWriteOutput, CancellationReason,
    Capacity, CreateTable, DeleteItem, ExecuteStatement, Expression, GetItem, IndexKey,
    IndexProjection, Item, ItemOutput, KeyAttribute, KeyType, Page, PutItem, Query, Read, Scan,
    SecondaryIndex, Statement, StatementPage, StatementResult, TableDescription, TableKeys,
    TableWrite, TransactAction, TransactGetItem, TransactGetOutput, TransactWrite, Units,
    UpdateItem, Write,
};
pub use runtime::runtime;
