//! The dynomodel client: DynamoDB operations on one process-wide tokio runtime.
//!
//! Each operation is written once, as an async method of [`Backend`]; the Python bindings await
//! it from asyncio or block on it with the GIL released. [`AwsBackend`] runs the operations with
//! aws-sdk-dynamodb; the trait is the seam where an in-process engine can stand in for AWS.

mod aws;
mod backend;
pub mod batch;
mod config;
mod error;
mod request;
mod runtime;

pub use aws::AwsBackend;
pub use backend::Backend;
pub use config::ClientConfig;
pub use error::Error;
pub use request::{
    AttributeValue, BatchGetOutput, BatchWriteOutput, CancellationReason, Capacity, CreateTable,
    DeleteItem, Expression, GetItem, IndexProjection, Item, ItemOutput, KeyAttribute, KeyType,
    Page, PutItem, Query, Read, Scan, SecondaryIndex, TableDescription, TableKeys, TableWrite,
    TransactAction, TransactGetItem, TransactGetOutput, TransactWrite, UpdateItem, Write,
};
pub use runtime::runtime;
