//! [`FakeBackend`]: a scripted stand-in for the batch operations, to test what is built on
//! [`Backend`] (retries until done, ordering, giving up, rate limits) without any server. It is
//! not a DynamoDB: every other operation fails with `NotScripted`. Each write it processes
//! consumes 1 WCU and each key it reads 0.5 RCU, as items under 1 KB would.

use std::collections::VecDeque;
use std::sync::Mutex;

use crate::backend::BoxFuture;
use crate::{
    Backend, BatchGetOutput, BatchStatementOutput, BatchWriteOutput, Capacity, CreateTable,
    DeleteItem, Error, ErrorKind, ExecuteStatement, GetItem, Item, ItemOutput, JsonItems, Page,
    PageItems, PutItem, Query, Scan, Statement, StatementPage, TableDescription, TableKeys,
    TableWrite, TransactGetItem, TransactGetOutput, TransactWrite, Units, UpdateItem,
};

/// How the fake answers one batch request.
#[derive(Debug)]
pub enum Answer {
    /// Process all but the last `n` keys or writes of the request, leaving those unprocessed.
    Leave(usize),
    /// Fail the whole request.
    Fail(ErrorKind),
    /// Process the whole request, after DynamoDB throttled `n` attempts the SDK retried.
    Throttled(u32),
}

/// What the script says of one request: how many to leave, and the throttles seen.
struct Outcome {
    leave: usize,
    throttles: u32,
}

/// A backend whose batch requests answer as scripted, in order (every request is processed
/// whole once the script is spent), and which records every request it got.
#[derive(Debug, Default)]
pub struct FakeBackend {
    script: Mutex<VecDeque<Answer>>,
    requests: Mutex<Vec<Request>>,
}

/// One batch request the fake got.
#[derive(Debug, Clone)]
pub enum Request {
    /// A BatchGetItem.
    Get(Vec<TableKeys>),
    /// A BatchWriteItem.
    Write(Vec<TableWrite>),
}

impl FakeBackend {
    /// A fake that answers its first requests with `script`.
    pub fn new(script: impl IntoIterator<Item = Answer>) -> Self {
        Self {
            script: Mutex::new(script.into_iter().collect()),
            requests: Mutex::new(Vec::new()),
        }
    }

    /// Every batch request received, in order.
    ///
    /// # Panics
    /// If a thread panicked while recording a request.
    #[allow(clippy::expect_used)]
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("requests").clone()
    }

    #[allow(clippy::expect_used)]
    fn answer(&self, request: Request) -> Result<Outcome, Error> {
        self.requests.lock().expect("requests").push(request);
        let (leave, throttles) = match self.script.lock().expect("script").pop_front() {
            None => (0, 0),
            Some(Answer::Leave(n)) => (n, 0),
            Some(Answer::Throttled(n)) => (0, n),
            Some(Answer::Fail(kind)) => return Err(kind.into()),
        };
        Ok(Outcome { leave, throttles })
    }
}

/// The cost of a request that processed `done` keys or writes of each table, `each` units
/// apiece.
fn cost<'a>(done: impl Iterator<Item = (&'a str, usize)>, each: Units, throttles: u32) -> Capacity {
    let mut capacity = Capacity {
        attempts: 1 + throttles,
        requests: 1,
        throttles,
        ..Capacity::default()
    };
    for (table, count) in done {
        let units = Units {
            table: table.to_owned(),
            index: None,
            read: each.read * count as f64,
            write: each.write * count as f64,
        };
        capacity.read += units.read;
        capacity.write += units.write;
        capacity.units.push(units);
    }
    capacity
}

/// `items` as DynamoDB's JSON array of them.
fn as_json(items: &[Item]) -> PageItems {
    let items: Vec<serde_dynamo::Item> = items.iter().cloned().map(Into::into).collect();
    let body = bytes::Bytes::from(serde_json::to_vec(&items).unwrap_or_default());
    let span = 0..body.len();
    JsonItems::new(body, span).map_or_else(PageItems::default, PageItems::Json)
}

fn not_scripted<T>(operation: &str) -> BoxFuture<'_, T> {
    let message = format!("the fake backend answers batches only, not {operation}");
    Box::pin(async move {
        Err(ErrorKind::Service {
            code: "NotScripted".into(),
            message,
        }
        .into())
    })
}

impl Backend for FakeBackend {
    fn batch_get(&self, request: Vec<TableKeys>) -> BoxFuture<'_, BatchGetOutput> {
        Box::pin(async move {
            let outcome = self.answer(Request::Get(request.clone()))?;
            let total: usize = request.iter().map(|t| t.keys.len()).sum();
            let mut kept = total.saturating_sub(outcome.leave);
            let mut output = BatchGetOutput::default();
            let mut read = Vec::new();
            for mut table in request {
                let rest = table.keys.split_off(kept.min(table.keys.len()));
                kept -= table.keys.len();
                read.push((table.table.clone(), table.keys.len()));
                // An item is its key: enough to check where each one lands. Every other answer
                // holds them as DynamoDB's JSON, as the SDK's tap keeps them, the first one too.
                let found = if self.requests().len() % 2 == 1 {
                    as_json(&table.keys)
                } else {
                    PageItems::Values(table.keys)
                };
                output.items.push((table.table.clone(), found));
                if !rest.is_empty() {
                    output.unprocessed.push(TableKeys {
                        keys: rest,
                        ..table
                    });
                }
            }
            let each = Units {
                read: 0.5,
                ..Units::default()
            };
            let done = read.iter().map(|(table, n)| (table.as_str(), *n));
            output.capacity = cost(done, each, outcome.throttles);
            Ok(output)
        })
    }

    fn batch_write(&self, request: Vec<TableWrite>) -> BoxFuture<'_, BatchWriteOutput> {
        Box::pin(async move {
            let outcome = self.answer(Request::Write(request.clone()))?;
            let kept = request.len().saturating_sub(outcome.leave);
            let mut written: Vec<(&str, usize)> = Vec::new();
            for write in &request[..kept] {
                match written.iter_mut().find(|(table, _)| *table == write.table) {
                    Some((_, count)) => *count += 1,
                    None => written.push((&write.table, 1)),
                }
            }
            let each = Units {
                write: 1.0,
                ..Units::default()
            };
            let capacity = cost(written.into_iter(), each, outcome.throttles);
            Ok(BatchWriteOutput {
                unprocessed: request[kept..].to_vec(),
                capacity,
                ..BatchWriteOutput::default()
            })
        })
    }

    fn put_item(&self, _: PutItem) -> BoxFuture<'_, ItemOutput> {
        not_scripted("PutItem")
    }
    fn get_item(&self, _: GetItem) -> BoxFuture<'_, ItemOutput> {
        not_scripted("GetItem")
    }
    fn delete_item(&self, _: DeleteItem) -> BoxFuture<'_, ItemOutput> {
        not_scripted("DeleteItem")
    }
    fn update_item(&self, _: UpdateItem) -> BoxFuture<'_, ItemOutput> {
        not_scripted("UpdateItem")
    }
    fn query(&self, _: Query) -> BoxFuture<'_, Page> {
        not_scripted("Query")
    }
    fn scan(&self, _: Scan) -> BoxFuture<'_, Page> {
        not_scripted("Scan")
    }
    fn transact_write(&self, _: TransactWrite) -> BoxFuture<'_, Capacity> {
        not_scripted("TransactWriteItems")
    }
    fn transact_get(&self, _: Vec<TransactGetItem>) -> BoxFuture<'_, TransactGetOutput> {
        not_scripted("TransactGetItems")
    }
    fn create_table(&self, _: CreateTable) -> BoxFuture<'_, TableDescription> {
        not_scripted("CreateTable")
    }
    fn describe_table(&self, _: String) -> BoxFuture<'_, TableDescription> {
        not_scripted("DescribeTable")
    }
    fn delete_table(&self, _: String) -> BoxFuture<'_, ()> {
        not_scripted("DeleteTable")
    }
    fn enable_time_to_live(&self, _: String, _: String) -> BoxFuture<'_, ()> {
        not_scripted("UpdateTimeToLive")
    }
    fn describe_time_to_live(&self, _: String) -> BoxFuture<'_, Option<String>> {
        not_scripted("DescribeTimeToLive")
    }
    fn execute_statement(&self, _: ExecuteStatement) -> BoxFuture<'_, StatementPage> {
        not_scripted("ExecuteStatement")
    }
    fn batch_execute_statement(&self, _: Vec<Statement>) -> BoxFuture<'_, BatchStatementOutput> {
        not_scripted("BatchExecuteStatement")
    }
    fn execute_transaction(
        &self,
        _: Vec<Statement>,
        _: Option<String>,
    ) -> BoxFuture<'_, TransactGetOutput> {
        not_scripted("ExecuteTransaction")
    }
}
