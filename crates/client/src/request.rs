//! The requests and outputs of every operation, in the crate's own types: what the bindings
//! build from Python and what they hand back.

use std::collections::HashMap;
use std::time::Duration;

use crate::PageItems;

pub use aws_sdk_dynamodb::types::AttributeValue;

/// An item or key: attribute names to values.
pub type Item = HashMap<String, AttributeValue>;

/// A condition or update expression with its placeholders (`#n0` names, `:v0` values).
#[derive(Debug, Clone, Default)]
pub struct Expression {
    /// The expression text, holding only placeholders.
    pub text: String,
    /// `#name` placeholders to attribute names.
    pub names: HashMap<String, String>,
    /// `:value` placeholders to values.
    pub values: Item,
}

/// PutItem.
#[derive(Debug, Clone)]
pub struct PutItem {
    /// The table.
    pub table: String,
    /// The whole item.
    pub item: Item,
    /// A condition that must hold for the write to happen.
    pub condition: Option<Expression>,
    /// Return the item the put replaced (ReturnValues ALL_OLD, at no capacity cost): what
    /// a model with values in S3 needs to delete the objects it no longer points at.
    pub return_old: bool,
}

/// GetItem.
#[derive(Debug, Clone)]
pub struct GetItem {
    /// The table.
    pub table: String,
    /// The full primary key.
    pub key: Item,
    /// Strongly consistent read (twice the read capacity).
    pub consistent_read: bool,
}

/// DeleteItem.
#[derive(Debug, Clone)]
pub struct DeleteItem {
    /// The table.
    pub table: String,
    /// The full primary key.
    pub key: Item,
    /// A condition that must hold for the delete to happen.
    pub condition: Option<Expression>,
    /// Return the item deleted (ReturnValues ALL_OLD, at no capacity cost).
    pub return_old: bool,
}

/// UpdateItem, returning the item as it is after the update.
#[derive(Debug, Clone)]
pub struct UpdateItem {
    /// The table.
    pub table: String,
    /// The full primary key.
    pub key: Item,
    /// The update expression.
    pub update: Expression,
    /// A condition expression; its placeholders must not collide with the update's.
    pub condition: Option<Expression>,
}

/// Capacity a call consumed and how long it took.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Capacity {
    /// Read capacity units.
    pub read: f64,
    /// Write capacity units.
    pub write: f64,
    /// Wall time of the call, retries included.
    pub duration: Duration,
    /// Attempts sent, the SDK's own retries included (summed over the requests of a batch).
    pub attempts: u32,
    /// Requests made: 1 for one call, more where a batch or an export round sums several; the
    /// attempts beyond them are the SDK's retries.
    pub requests: u32,
    /// Where the units went: each table, and each secondary index DynamoDB named, apart; what
    /// a rate limit charges to its table's or its index's budget.
    pub units: Vec<Units>,
    /// Attempts DynamoDB answered with throttling (the SDK retried them), what an adaptive
    /// rate limit slows down for.
    pub throttles: u32,
    /// Time spent waiting for rate limit tokens before sending (not part of `duration`).
    pub waited: Duration,
}

impl Capacity {
    /// Add what another request of the same call consumed and did.
    pub fn add(&mut self, more: Capacity) {
        self.read += more.read;
        self.write += more.write;
        self.attempts += more.attempts;
        self.requests += more.requests;
        self.units.extend(more.units);
        self.throttles += more.throttles;
        self.waited += more.waited;
    }

    /// The attempts the SDK sent again after a failed one (throttled or not).
    pub fn retries(&self) -> u32 {
        self.attempts.saturating_sub(self.requests.max(1))
    }
}

/// The capacity units one table, or one secondary index of it, consumed in a call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Units {
    /// The table.
    pub table: String,
    /// The secondary index; `None` for the table itself.
    pub index: Option<String>,
    /// Read capacity units.
    pub read: f64,
    /// Write capacity units.
    pub write: f64,
}

/// What an item operation returns: the item where there is one, and what it cost.
#[derive(Debug, Clone, Default)]
pub struct ItemOutput {
    /// GetItem: the item; UpdateItem: the item after the update; PutItem/DeleteItem: the item
    /// replaced or deleted when asked for (`return_old`), else None.
    pub item: Option<Item>,
    /// Consumed capacity and duration.
    pub capacity: Capacity,
}

/// The DynamoDB type of a key attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// `S`
    S,
    /// `N`
    N,
    /// `B`
    B,
}

/// A key attribute of a table: its name and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAttribute {
    /// The attribute name.
    pub name: String,
    /// Its type.
    pub key_type: KeyType,
}

/// A key attribute of a table's secondary indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexKey {
    /// Its name and type.
    pub attribute: KeyAttribute,
    /// Whether it is the sort key of an index (DynamoDB allows it 1024 bytes, a partition key
    /// 2048).
    pub sort_key: bool,
}

/// CreateTable.
#[derive(Debug, Clone)]
pub struct CreateTable {
    /// The table name.
    pub table: String,
    /// The partition (hash) key.
    pub partition_key: KeyAttribute,
    /// The sort (range) key, if any.
    pub sort_key: Option<KeyAttribute>,
    /// `(read, write)` units for provisioned billing; `None` is on-demand (PAY_PER_REQUEST).
    pub provisioned: Option<(i64, i64)>,
    /// Secondary indexes created with the table.
    pub indexes: Vec<SecondaryIndex>,
}

/// A global or local secondary index of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondaryIndex {
    /// The index name.
    pub name: String,
    /// Global (any partition key) or local (the table's partition key, another sort key).
    pub global: bool,
    /// The index's partition key (for a local index, the table's).
    pub partition_key: KeyAttribute,
    /// The index's sort key, if any.
    pub sort_key: Option<KeyAttribute>,
    /// Which attributes the index holds besides the keys.
    pub projection: IndexProjection,
    /// `(read, write)` units of a global index of a provisioned table (local indexes share the
    /// table's).
    pub provisioned: Option<(i64, i64)>,
}

/// The attributes a secondary index copies from the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexProjection {
    /// Every attribute.
    All,
    /// The table's and the index's keys only.
    KeysOnly,
    /// The keys and these attributes.
    Include(Vec<String>),
}

/// Query: the items under one partition key, in sort key order, a page at a time.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// The table.
    pub table: String,
    /// A secondary index of the table to read instead.
    pub index: Option<String>,
    /// The key condition (partition key equality, optionally a sort key condition).
    pub key_condition: Expression,
    /// What the rest of the read shares: filter, projection, page size, start key, ...
    pub read: Read,
    /// Ascending sort key order (`ScanIndexForward`).
    pub forward: bool,
}

/// Scan: every item of a table or index, a page at a time, optionally one segment of many.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// The table.
    pub table: String,
    /// A secondary index of the table to read instead.
    pub index: Option<String>,
    /// What the rest of the read shares: filter, projection, page size, start key, ...
    pub read: Read,
    /// `(segment, total_segments)` of a parallel scan.
    pub segment: Option<(i32, i32)>,
}

/// The parts Query and Scan share.
#[derive(Debug, Clone, Default)]
pub struct Read {
    /// Items that do not match are dropped after they are read (and still cost capacity).
    pub filter: Option<Expression>,
    /// Which attributes to return (names only).
    pub projection: Option<Expression>,
    /// The most items one request evaluates (`Limit`).
    pub limit: Option<i32>,
    /// Where to resume: the previous page's `LastEvaluatedKey`.
    pub start_key: Option<Item>,
    /// Strongly consistent (tables and local indexes only).
    pub consistent_read: bool,
    /// Count the matching items instead of returning them (`Select=COUNT`).
    pub count_only: bool,
}

/// One page of a Query or Scan.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The items of the page (none when counting).
    pub items: PageItems,
    /// Where the next page starts; `None` on the last page.
    pub last_key: Option<Item>,
    /// Items matched (after the filter).
    pub count: i32,
    /// Items read (before the filter): what the capacity paid for.
    pub scanned: i32,
    /// Consumed capacity and duration.
    pub capacity: Capacity,
}

/// What DescribeTable reports.
#[derive(Debug, Clone, PartialEq)]
pub struct TableDescription {
    /// The table name.
    pub name: String,
    /// `CREATING`, `ACTIVE`, `DELETING`, ...
    pub status: String,
    /// The key attributes, partition key first.
    pub keys: Vec<KeyAttribute>,
    /// The key attributes of its secondary indexes that are not the table's, each once: an
    /// item that holds one must hold it with this type.
    pub index_keys: Vec<IndexKey>,
    /// Approximate item count (DynamoDB refreshes it about every six hours).
    pub item_count: i64,
    /// Approximate size in bytes.
    pub size_bytes: i64,
    /// `PAY_PER_REQUEST` or `PROVISIONED`.
    pub billing_mode: String,
    /// The table's ARN.
    pub arn: Option<String>,
    /// The names of its secondary indexes, global then local.
    pub indexes: Vec<String>,
    /// `(read, write)` units of a provisioned table; `None` on demand.
    pub capacity: Option<(i64, i64)>,
    /// `(index, read, write)` units of each global index of a provisioned table.
    pub index_capacity: Vec<(String, i64, i64)>,
}

/// The keys one BatchGetItem reads from one table, with that table's read options.
#[derive(Debug, Clone, Default)]
pub struct TableKeys {
    /// The table.
    pub table: String,
    /// Full primary keys.
    pub keys: Vec<Item>,
    /// Strongly consistent reads.
    pub consistent_read: bool,
    /// Which attributes to return (names only).
    pub projection: Option<Expression>,
}

/// What the keys of a batch get found: items per table, and the keys not read.
#[derive(Debug, Clone, Default)]
pub struct BatchGetOutput {
    /// The items found, per table in the order the tables were asked.
    pub items: Vec<(String, PageItems)>,
    /// Keys DynamoDB left unprocessed (and, after retries, still unread).
    pub unprocessed: Vec<TableKeys>,
    /// Consumed capacity and duration, summed over requests.
    pub capacity: Capacity,
    /// The capacity units each table consumed, summed over requests.
    pub units_by_table: HashMap<String, f64>,
    /// Why the retries gave up, when they did.
    pub gave_up: Option<String>,
}

/// One write of a BatchWriteItem.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// PutRequest: the whole item.
    Put(Item),
    /// DeleteRequest: the full primary key.
    Delete(Item),
}

/// A write to one table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableWrite {
    /// The table.
    pub table: String,
    /// The write.
    pub write: Write,
}

/// What a batch write did not write, and what it cost.
#[derive(Debug, Clone, Default)]
pub struct BatchWriteOutput {
    /// Writes DynamoDB left unprocessed (and, after retries, still unwritten).
    pub unprocessed: Vec<TableWrite>,
    /// Consumed capacity and duration, summed over requests.
    pub capacity: Capacity,
    /// The capacity units each table consumed, summed over requests.
    pub units_by_table: HashMap<String, f64>,
    /// Why the retries gave up, when they did.
    pub gave_up: Option<String>,
}

/// One action of a TransactWriteItems.
#[derive(Debug, Clone)]
pub enum TransactAction {
    /// Put the whole item.
    Put {
        /// The table.
        table: String,
        /// The item.
        item: Item,
        /// A condition the stored item must meet.
        condition: Option<Expression>,
    },
    /// Update an item.
    Update {
        /// The table.
        table: String,
        /// The full primary key.
        key: Item,
        /// The update expression.
        update: Expression,
        /// A condition the stored item must meet (placeholders shared with `update`).
        condition: Option<Expression>,
    },
    /// Delete an item.
    Delete {
        /// The table.
        table: String,
        /// The full primary key.
        key: Item,
        /// A condition the stored item must meet.
        condition: Option<Expression>,
    },
    /// Only check a condition on an item.
    ConditionCheck {
        /// The table.
        table: String,
        /// The full primary key.
        key: Item,
        /// The condition.
        condition: Expression,
    },
}

/// TransactWriteItems: every action applies, or none does.
#[derive(Debug, Clone, Default)]
pub struct TransactWrite {
    /// At most 100 actions, on distinct items.
    pub actions: Vec<TransactAction>,
    /// Makes retries of the same transaction idempotent for ten minutes.
    pub token: Option<String>,
}

/// One read of a TransactGetItems.
#[derive(Debug, Clone, Default)]
pub struct TransactGetItem {
    /// The table.
    pub table: String,
    /// The full primary key.
    pub key: Item,
}

/// What a TransactGetItems read: one entry per get, None where there is no item.
#[derive(Debug, Clone, Default)]
pub struct TransactGetOutput {
    /// The items in the order of the gets.
    pub items: Vec<Option<Item>>,
    /// Consumed capacity and duration.
    pub capacity: Capacity,
}

/// Why one action of a canceled transaction failed (`code` is `None` for actions that did not).
#[derive(Debug, Clone, PartialEq)]
pub struct CancellationReason {
    /// `ConditionalCheckFailed`, `TransactionConflict`, `None`, ...
    pub code: String,
    /// DynamoDB's message.
    pub message: Option<String>,
    /// The item as stored, for a failed condition.
    pub item: Option<Item>,
}

/// One PartiQL statement (ExecuteStatement, or one of a batch or transaction), its `?`
/// placeholders bound to `parameters` in order: values never enter the statement text.
#[derive(Debug, Clone, Default)]
pub struct Statement {
    /// The PartiQL text, with `?` where each parameter goes.
    pub statement: String,
    /// The parameters, in the order of the `?`s.
    pub parameters: Vec<AttributeValue>,
    /// Strongly consistent (a SELECT on a table or local index).
    pub consistent_read: bool,
}

impl Statement {
    /// Whether the statement reads (a SELECT): what its consumed capacity is counted as.
    pub fn reads(&self) -> bool {
        self.statement
            .trim_start()
            .get(..6)
            .is_some_and(|verb| verb.eq_ignore_ascii_case("select"))
    }
}

/// ExecuteStatement: one statement, a page at a time.
#[derive(Debug, Clone, Default)]
pub struct ExecuteStatement {
    /// The statement.
    pub statement: Statement,
    /// Where to resume: the previous page's `NextToken`.
    pub next_token: Option<String>,
    /// The most items the statement evaluates in this request (`Limit`).
    pub limit: Option<i32>,
}

/// One page of ExecuteStatement.
#[derive(Debug, Clone, Default)]
pub struct StatementPage {
    /// The items the statement returned.
    pub items: Vec<Item>,
    /// Where the next page starts; `None` on the last page.
    pub next_token: Option<String>,
    /// Consumed capacity and duration.
    pub capacity: Capacity,
}

/// What one statement of a BatchExecuteStatement answered.
#[derive(Debug, Clone, Default)]
pub struct StatementResult {
    /// The item a read found (None for writes, and reads that found nothing).
    pub item: Option<Item>,
    /// The error DynamoDB gave this statement (`code`, `message`), if it failed alone.
    pub error: Option<(String, String)>,
}

/// What a BatchExecuteStatement answered, one result per statement in order.
#[derive(Debug, Clone, Default)]
pub struct BatchStatementOutput {
    /// The results, in the order of the statements.
    pub results: Vec<StatementResult>,
    /// Consumed capacity and duration.
    pub capacity: Capacity,
}
