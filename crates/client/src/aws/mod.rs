//! [`AwsBackend`]: the operations through aws-sdk-dynamodb, one module per family.

use std::sync::Arc;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use tokio::sync::{Semaphore, SemaphorePermit};

mod batches;
mod call;
mod convert;
mod items;
mod reads;
mod statements;
mod tables;
mod tap;
mod transactions;

use self::call::{with_attempts, Call};
use crate::backend::BoxFuture;
use crate::engine::{Clock, Engine};
use crate::{
    Backend, BatchGetOutput, BatchStatementOutput, BatchWriteOutput, Capacity, ClientConfig,
    CreateTable, DeleteItem, Error, ExecuteStatement, GetItem, Item, ItemOutput, Page, PutItem,
    Query, Scan, Statement, StatementPage, TableDescription, TableKeys, TableWrite,
    TransactGetItem, TransactGetOutput, TransactWrite, UpdateItem,
};

/// Enough concurrent batch requests to hide round trips, few enough not to provoke throttling.
const BATCH_REQUESTS_IN_FLIGHT: usize = 16;

/// DynamoDB through aws-sdk-dynamodb.
#[derive(Debug, Clone)]
pub struct AwsBackend {
    client: aws_sdk_dynamodb::Client,
    endpoint: String,
    engine: Option<Engine>,
    /// With an engine: the CPU time of this backend's calls in the SDK's request path, the
    /// engine's answers included.
    sdk_time: Option<Clock>,
    /// Batch requests in flight at once, over every batch of this backend, so that many small
    /// batches cannot flood the endpoint together. Taken when a request is sent, not while it
    /// waits for a rate limit: a batch paced by its table's budget does not hold up another
    /// table's.
    batch_permits: Arc<Semaphore>,
}

impl AwsBackend {
    /// Resolve `config` (profiles, environment, credential chain) into a backend.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Configuration`] when the configuration lacks what every call needs.
    pub async fn connect(config: &ClientConfig) -> Result<Self, Error> {
        let engine = config.engine()?;
        Ok(Self {
            client: with_attempts(&config.connect_to(engine.clone()).await?),
            endpoint: config.endpoint_label(),
            sdk_time: engine.as_ref().map(|_| Clock::default()),
            engine,
            batch_permits: Arc::new(Semaphore::new(BATCH_REQUESTS_IN_FLIGHT)),
        })
    }

    /// A slot for one batch request in flight.
    async fn batch_permit(&self) -> Result<SemaphorePermit<'_>, Error> {
        self.batch_permits.acquire().await.map_err(|e| {
            crate::ErrorKind::Service {
                code: "Closed".into(),
                message: e.to_string(),
            }
            .into()
        })
    }

    /// The embedded engine that answers this backend's requests (`memory://`), if one does.
    pub fn engine(&self) -> Option<&Engine> {
        self.engine.as_ref()
    }

    /// The CPU time this backend's calls spent in the SDK's request path on `memory://`, the
    /// engine's answers included (what the engine adds is [`Engine::busy`]); None elsewhere.
    pub fn sdk_time(&self) -> Option<&Clock> {
        self.sdk_time.as_ref()
    }

    /// An SDK error of `call`, with the call's context.
    fn fail<E, R>(&self, call: &Call, err: SdkError<E, R>) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        self.fail_with(call, err, |_| None)
    }

    /// An SDK error of `call`; `stored` finds the stored item of a failed condition.
    fn fail_with<E, R>(
        &self,
        call: &Call,
        err: SdkError<E, R>,
        stored: impl FnOnce(&E) -> Option<Item>,
    ) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        call.failed(Error::from_sdk(err, call.table(), &self.endpoint, stored))
    }
}

impl Backend for AwsBackend {
    fn put_item(&self, request: PutItem) -> BoxFuture<'_, ItemOutput> {
        Box::pin(self.send_put_item(request))
    }

    fn get_item(&self, request: GetItem) -> BoxFuture<'_, ItemOutput> {
        Box::pin(self.send_get_item(request))
    }

    fn delete_item(&self, request: DeleteItem) -> BoxFuture<'_, ItemOutput> {
        Box::pin(self.send_delete_item(request))
    }

    fn update_item(&self, request: UpdateItem) -> BoxFuture<'_, ItemOutput> {
        Box::pin(self.send_update_item(request))
    }

    fn query(&self, request: Query) -> BoxFuture<'_, Page> {
        Box::pin(self.send_query(request))
    }

    fn scan(&self, request: Scan) -> BoxFuture<'_, Page> {
        Box::pin(self.send_scan(request))
    }

    fn batch_get(&self, request: Vec<TableKeys>) -> BoxFuture<'_, BatchGetOutput> {
        Box::pin(self.send_batch_get(request))
    }

    fn batch_write(&self, request: Vec<TableWrite>) -> BoxFuture<'_, BatchWriteOutput> {
        Box::pin(self.send_batch_write(request))
    }

    fn transact_write(&self, request: TransactWrite) -> BoxFuture<'_, Capacity> {
        Box::pin(self.send_transact_write(request))
    }

    fn transact_get(&self, request: Vec<TransactGetItem>) -> BoxFuture<'_, TransactGetOutput> {
        Box::pin(self.send_transact_get(request))
    }

    fn create_table(&self, request: CreateTable) -> BoxFuture<'_, TableDescription> {
        Box::pin(self.send_create_table(request))
    }

    fn describe_table(&self, table: String) -> BoxFuture<'_, TableDescription> {
        Box::pin(self.send_describe_table(table))
    }

    fn delete_table(&self, table: String) -> BoxFuture<'_, ()> {
        Box::pin(self.send_delete_table(table))
    }

    fn enable_time_to_live(&self, table: String, attribute: String) -> BoxFuture<'_, ()> {
        Box::pin(self.send_enable_time_to_live(table, attribute))
    }

    fn describe_time_to_live(&self, table: String) -> BoxFuture<'_, Option<String>> {
        Box::pin(self.send_describe_time_to_live(table))
    }

    fn execute_statement(&self, request: ExecuteStatement) -> BoxFuture<'_, StatementPage> {
        Box::pin(self.send_execute_statement(request))
    }

    fn batch_execute_statement(
        &self,
        request: Vec<Statement>,
    ) -> BoxFuture<'_, BatchStatementOutput> {
        Box::pin(self.send_batch_execute_statement(request))
    }

    fn execute_transaction(
        &self,
        request: Vec<Statement>,
        token: Option<String>,
    ) -> BoxFuture<'_, TransactGetOutput> {
        Box::pin(self.send_execute_transaction(request, token))
    }
}
