//! The requests and outputs of every operation, in the crate's own types: what the bindings
//! build from Python and what they hand back.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::{Error, ErrorKind};

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

/// The items of a page, in one of two forms.
#[derive(Debug, Clone)]
pub enum PageItems {
    /// As SDK values.
    Values(Vec<Item>),
    /// The `Items` array of DynamoDB's answer as it came: read once, by the decoder, with no
    /// SDK value ever built for them.
    Json(JsonItems),
}

impl Default for PageItems {
    fn default() -> Self {
        Self::Values(Vec::new())
    }
}

impl PageItems {
    /// The items as SDK values, parsed now if they are still DynamoDB JSON (what opening a
    /// sealed table's items needs).
    ///
    /// # Errors
    /// When the JSON is not a list of items; the error names where, never a value.
    pub fn values(&mut self) -> Result<&mut Vec<Item>, Error> {
        match self {
            Self::Values(items) => Ok(items),
            Self::Json(json) => {
                let items = serde_json::from_slice::<Vec<serde_dynamo::Item>>(json.as_bytes())
                    .map_err(|err| unreadable_page(&err))?;
                *self = Self::Values(items.into_iter().map(Into::into).collect());
                self.values()
            }
        }
    }

    /// The items as SDK values, as [`PageItems::values`].
    ///
    /// # Errors
    /// As [`PageItems::values`].
    pub fn into_values(mut self) -> Result<Vec<Item>, Error> {
        Ok(std::mem::take(self.values()?))
    }
}

/// The `Items` array of a Query's or Scan's response body, shared with the body, not copied.
#[derive(Clone)]
pub struct JsonItems {
    body: Bytes,
    span: Range<usize>,
}

impl JsonItems {
    /// The array found at `span` of `body`; `None` when the span is not inside it.
    pub fn new(body: Bytes, span: Range<usize>) -> Option<Self> {
        body.get(span.clone())?;
        Some(Self { body, span })
    }

    /// The array's JSON text.
    pub fn as_bytes(&self) -> &[u8] {
        &self.body[self.span.clone()]
    }
}

impl JsonItems {
    /// Each item of the array, sharing the body.
    ///
    /// # Errors
    /// When the JSON is not an array of objects; the error names where, never a value.
    pub fn items(&self) -> Result<Vec<JsonItem>, Error> {
        let raw = serde_json::from_slice::<Vec<&RawValue>>(self.as_bytes())
            .map_err(|err| unreadable_page(&err))?;
        Ok(raw
            .into_iter()
            .map(|item| {
                // Each raw item borrows from the body: its offset there is where it starts.
                let start = item.get().as_ptr() as usize - self.body.as_ptr() as usize;
                JsonItem {
                    body: self.body.clone(),
                    span: start..start + item.get().len(),
                }
            })
            .collect())
    }

    /// One array of `items`, in their order (their text copied once, never parsed).
    pub fn join<'a>(items: impl IntoIterator<Item = &'a JsonItem>) -> Self {
        let items: Vec<&JsonItem> = items.into_iter().collect();
        let size = items.iter().map(|item| item.span.len() + 1).sum::<usize>() + 1;
        let mut body = BytesMut::with_capacity(size);
        body.extend_from_slice(b"[");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(b",");
            }
            body.extend_from_slice(item.as_bytes());
        }
        body.extend_from_slice(b"]");
        let span = 0..body.len();
        Self {
            body: body.freeze(),
            span,
        }
    }
}

/// One item of a [`JsonItems`] array, as DynamoDB sent it.
#[derive(Clone)]
pub struct JsonItem {
    body: Bytes,
    span: Range<usize>,
}

impl JsonItem {
    /// The item's JSON text.
    pub fn as_bytes(&self) -> &[u8] {
        &self.body[self.span.clone()]
    }

    /// The attributes `names` of the item (its key), as SDK values; the rest is only skipped.
    ///
    /// # Errors
    /// When the item is not DynamoDB JSON; the error names where, never a value.
    pub fn attributes(&self, names: &[String]) -> Result<Item, Error> {
        let mut json = serde_json::Deserializer::from_slice(self.as_bytes());
        let found = Named(names)
            .deserialize(&mut json)
            .map_err(|err| unreadable_page(&err))?;
        Ok(serde_dynamo::Item::from(found).into())
    }

    /// The whole item as SDK values.
    ///
    /// # Errors
    /// When the item is not DynamoDB JSON; the error names where, never a value.
    pub fn value(&self) -> Result<Item, Error> {
        serde_json::from_slice::<serde_dynamo::Item>(self.as_bytes())
            .map(Into::into)
            .map_err(|err| unreadable_page(&err))
    }
}

/// Reads the attributes it names out of an item, and only skips the others.
struct Named<'n>(&'n [String]);

/// An attribute name, borrowed from the JSON unless it holds escapes.
#[derive(serde::Deserialize)]
struct Name<'a>(#[serde(borrow)] Cow<'a, str>);

impl<'de> DeserializeSeed<'de> for Named<'_> {
    type Value = HashMap<String, serde_dynamo::AttributeValue>;

    fn deserialize<D: Deserializer<'de>>(self, json: D) -> Result<Self::Value, D::Error> {
        json.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Named<'_> {
    type Value = HashMap<String, serde_dynamo::AttributeValue>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an item")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
        let mut found = HashMap::with_capacity(self.0.len());
        while let Some(Name(name)) = entries.next_key()? {
            match self.0.iter().find(|wanted| **wanted == name) {
                Some(wanted) => {
                    found.insert(wanted.clone(), entries.next_value()?);
                }
                None => {
                    entries.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

/// Its size only, as [`JsonItems`].
impl std::fmt::Debug for JsonItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JsonItem({} bytes)", self.span.len())
    }
}

/// Its size only: the items are stored values, which no log or message shows.
impl std::fmt::Debug for JsonItems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JsonItems({} bytes)", self.span.len())
    }
}

/// A page whose items do not parse: where, and what kind of fault (serde's own message can
/// quote the value it choked on).
pub fn unreadable_page(err: &serde_json::Error) -> Error {
    Error::new(ErrorKind::Service {
        code: "UnreadableResponse".to_owned(),
        message: format!(
            "the items of the page do not parse as DynamoDB JSON ({:?} fault at line {}, column {})",
            err.classify(),
            err.line(),
            err.column()
        ),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn page(json: &'static [u8]) -> PageItems {
        let body = Bytes::from_static(json);
        let span = 0..body.len();
        PageItems::Json(JsonItems::new(body, span).expect("in the body"))
    }

    #[test]
    fn json_items_parse_into_values_once() -> Result<(), Error> {
        let mut items = page(br#"[{"pk":{"S":"a"},"n":{"N":"1"}}]"#);
        assert_eq!(items.values()?.len(), 1);
        assert!(matches!(items, PageItems::Values(_)));
        let first = &items.values()?[0];
        assert_eq!(first.get("n"), Some(&AttributeValue::N("1".into())));
        Ok(())
    }

    #[test]
    fn items_that_do_not_parse_say_where_never_what() {
        let err = page(br#"[{"pk":{"BOOL":"secret-value"}}]"#)
            .into_values()
            .expect_err("a BOOL holding text is not DynamoDB JSON");
        let message = err.to_string();
        assert!(
            message.contains("do not parse as DynamoDB JSON"),
            "{message}"
        );
        assert!(message.contains("column"), "{message}");
        assert!(!message.contains("secret-value"), "{message}");
        assert!(!format!("{:?}", page(b"[\"secret-value\"]")).contains("secret"));
    }
}
