//! [`Limited`]: a [`Backend`] whose calls draw from their budgets. Each call takes the tokens it
//! is expected to cost from every budget it draws from, waiting its turn inside its future (so
//! an awaited call never blocks the event loop, and a blocking one waits with the GIL
//! released), is sent, and is then settled against the capacity DynamoDB reports, table by
//! table and index by index. Batches, the segments of a parallel scan and transactions are
//! calls like any other: each request of theirs, retries included, draws.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::bucket::Bucket;
use super::estimate::{item_size, read_units, write_units};
use super::registry::{Direction, Limits};
use crate::backend::BoxFuture;
use crate::{
    Backend, BatchGetOutput, BatchStatementOutput, BatchWriteOutput, Capacity, CreateTable,
    DeleteItem, Error, ErrorKind, ExecuteStatement, GetItem, ItemOutput, Page, PutItem, Query,
    Read, Scan, Statement, StatementPage, TableDescription, TableKeys, TableWrite, TransactAction,
    TransactGetItem, TransactGetOutput, TransactWrite, UpdateItem, Write,
};

/// A transactional read or write costs twice the plain one.
const TRANSACTIONAL: f64 = 2.0;

/// `inner`, with every call drawing from the budgets in `limits`.
#[derive(Clone)]
pub struct Limited {
    inner: Arc<dyn Backend>,
    limits: Arc<Limits>,
}

impl std::fmt::Debug for Limited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limited")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// An output that carries what its call consumed.
trait Spent: Send {
    fn capacity(&mut self) -> &mut Capacity;
}

macro_rules! spent {
    ($($output:ty),*) => {$(
        impl Spent for $output {
            fn capacity(&mut self) -> &mut Capacity {
                &mut self.capacity
            }
        }
    )*};
}

spent!(
    ItemOutput,
    Page,
    BatchGetOutput,
    BatchWriteOutput,
    TransactGetOutput,
    StatementPage,
    BatchStatementOutput
);

impl Spent for Capacity {
    fn capacity(&mut self) -> &mut Capacity {
        self
    }
}

/// The budgets one call draws from, each once, with the units it is expected to cost there.
struct Plan {
    direction: Direction,
    draws: Vec<(Arc<Bucket>, f64)>,
    /// A Query or Scan page: what it costs is the estimate of the next page.
    page: bool,
    /// A PartiQL call: its tables are known only from what it reports consuming, so it draws
    /// nothing before it is sent and is charged after (the next calls wait for what it spent).
    charged_after: bool,
}

impl Plan {
    fn new(direction: Direction) -> Self {
        Self {
            direction,
            draws: Vec::new(),
            page: false,
            charged_after: false,
        }
    }

    /// A page of a Query or Scan of `table` (or its `index`): it is expected to cost what the
    /// budget's recent pages did.
    fn page(limits: &Limits, table: &str, index: Option<&str>, read: &Read) -> Self {
        let mut plan = Self::new(Direction::Read);
        plan.page = true;
        let consistent = read.consistent_read;
        plan.read(limits, table, index, |bucket| {
            bucket.page_estimate(read_units(0, consistent))
        });
        plan
    }

    /// PartiQL statements: charged what they report, after they ran.
    fn statements(statements: &[Statement]) -> Self {
        let reads = statements.iter().all(Statement::reads);
        let mut plan = Self::new(if reads {
            Direction::Read
        } else {
            Direction::Write
        });
        plan.charged_after = true;
        plan
    }

    fn draw(&mut self, bucket: Arc<Bucket>, units: f64) {
        match self.draws.iter_mut().find(|(b, _)| Arc::ptr_eq(b, &bucket)) {
            Some((_, estimate)) => *estimate += units,
            None => self.draws.push((bucket, units)),
        }
    }

    /// Draw `estimate()` from the budget that pays for reading `table` (or its `index`); the
    /// estimate is worked out only when there is one.
    fn read(
        &mut self,
        limits: &Limits,
        table: &str,
        index: Option<&str>,
        estimate: impl FnOnce(&Bucket) -> f64,
    ) {
        if let Some(bucket) = limits.payer(table, index, Direction::Read) {
            let units = estimate(&bucket);
            self.draw(bucket, units);
        }
    }

    /// Draw `estimate()` from `table`'s write budget, and nothing yet from its indexes' (what
    /// a write costs an index only its answer tells): a write waits while any of them is in
    /// debt.
    fn write(&mut self, limits: &Limits, table: &str, estimate: impl FnOnce() -> f64) {
        let (own, indexes) = limits.write_budgets(table);
        if let Some(bucket) = own {
            self.draw(bucket, estimate());
        }
        for bucket in indexes {
            self.draw(bucket, 0.0);
        }
    }

    fn estimate(&self, bucket: &Arc<Bucket>) -> f64 {
        self.draws
            .iter()
            .find(|(b, _)| Arc::ptr_eq(b, bucket))
            .map_or(0.0, |(_, units)| *units)
    }
}

impl Limited {
    /// `inner`, its calls drawing from `limits` (which may change while it runs).
    pub fn new(inner: Arc<dyn Backend>, limits: Arc<Limits>) -> Self {
        Self { inner, limits }
    }

    /// Take `plan`'s tokens, then run `call` (a future that sends nothing before it is first
    /// polled), then settle.
    async fn run<T: Spent>(&self, plan: Plan, call: BoxFuture<'_, T>) -> Result<T, Error> {
        if plan.draws.is_empty() && !(plan.charged_after && self.limits.any()) {
            return call.await;
        }
        let mut waited = Duration::ZERO;
        for (bucket, units) in &plan.draws {
            waited += bucket.take(*units).await;
        }
        let sent = Instant::now();
        match call.await {
            Ok(mut output) => {
                let capacity = output.capacity();
                capacity.waited += waited;
                self.settle(&plan, capacity, sent);
                Ok(output)
            }
            Err(err) => {
                failed(&plan, &err, sent);
                Err(err.after_waiting(waited))
            }
        }
    }

    /// Charge each budget what DynamoDB reports its table or index consumed, in place of the
    /// estimate it took; let adaptive budgets learn whether the call was throttled.
    fn settle(&self, plan: &Plan, capacity: &Capacity, sent: Instant) {
        let mut actual: Vec<(Arc<Bucket>, f64)> = Vec::new();
        if capacity.units.is_empty() {
            // Nothing reported to correct by: the estimates stand.
            actual.clone_from(&plan.draws);
        } else {
            for (bucket, _) in &plan.draws {
                actual.push((Arc::clone(bucket), 0.0));
            }
            for units in &capacity.units {
                let amount = match plan.direction {
                    Direction::Read => units.read,
                    Direction::Write => units.write,
                };
                let payer = self
                    .limits
                    .payer(&units.table, units.index.as_deref(), plan.direction);
                let Some(bucket) = payer else {
                    continue;
                };
                match actual.iter_mut().find(|(b, _)| Arc::ptr_eq(b, &bucket)) {
                    Some((_, total)) => *total += amount,
                    None => actual.push((bucket, amount)),
                }
            }
        }
        for (bucket, units) in &actual {
            bucket.settle(plan.estimate(bucket), *units);
            if plan.page {
                bucket.read_page(*units);
            }
        }
        for (bucket, _) in &actual {
            if capacity.throttles > 0 {
                bucket.throttled(capacity.throttles, sent);
            } else {
                bucket.succeeded();
            }
        }
    }
}

/// Settle a call that failed: a throttled request consumed nothing, so its tokens go back; any
/// other failure may have consumed what it was expected to (DynamoDB charges a write whose
/// condition failed), so the estimates stand.
fn failed(plan: &Plan, err: &Error, sent: Instant) {
    let refused = matches!(err.kind(), ErrorKind::Throttling { .. });
    let throttles = err.throttles();
    for (bucket, estimate) in &plan.draws {
        bucket.settle(*estimate, if refused { 0.0 } else { *estimate });
        if throttles > 0 {
            bucket.throttled(throttles, sent);
        }
    }
}

/// What an update may write, before the stored item is known: its key and the values it sets.
fn update_size(key: &crate::Item, update: &crate::Expression) -> usize {
    item_size(key) + item_size(&update.values)
}

/// The write units of one action of a transaction, before the transactional premium.
fn action_units(action: &TransactAction) -> f64 {
    match action {
        TransactAction::Put { item, .. } => write_units(item_size(item)),
        TransactAction::Update { key, update, .. } => write_units(update_size(key, update)),
        TransactAction::Delete { .. } | TransactAction::ConditionCheck { .. } => write_units(0),
    }
}

impl Backend for Limited {
    fn put_item(&self, request: PutItem) -> BoxFuture<'_, ItemOutput> {
        let mut plan = Plan::new(Direction::Write);
        plan.write(&self.limits, &request.table, || {
            write_units(item_size(&request.item))
        });
        Box::pin(self.run(plan, self.inner.put_item(request)))
    }

    fn get_item(&self, request: GetItem) -> BoxFuture<'_, ItemOutput> {
        let mut plan = Plan::new(Direction::Read);
        plan.read(&self.limits, &request.table, None, |_| {
            read_units(0, request.consistent_read)
        });
        Box::pin(self.run(plan, self.inner.get_item(request)))
    }

    fn delete_item(&self, request: DeleteItem) -> BoxFuture<'_, ItemOutput> {
        let mut plan = Plan::new(Direction::Write);
        plan.write(&self.limits, &request.table, || write_units(0));
        Box::pin(self.run(plan, self.inner.delete_item(request)))
    }

    fn update_item(&self, request: UpdateItem) -> BoxFuture<'_, ItemOutput> {
        let mut plan = Plan::new(Direction::Write);
        plan.write(&self.limits, &request.table, || {
            write_units(update_size(&request.key, &request.update))
        });
        Box::pin(self.run(plan, self.inner.update_item(request)))
    }

    fn query(&self, request: Query) -> BoxFuture<'_, Page> {
        let plan = Plan::page(
            &self.limits,
            &request.table,
            request.index.as_deref(),
            &request.read,
        );
        Box::pin(self.run(plan, self.inner.query(request)))
    }

    fn scan(&self, request: Scan) -> BoxFuture<'_, Page> {
        let plan = Plan::page(
            &self.limits,
            &request.table,
            request.index.as_deref(),
            &request.read,
        );
        Box::pin(self.run(plan, self.inner.scan(request)))
    }

    fn batch_get(&self, request: Vec<TableKeys>) -> BoxFuture<'_, BatchGetOutput> {
        let mut plan = Plan::new(Direction::Read);
        for table in &request {
            plan.read(&self.limits, &table.table, None, |_| {
                table.keys.len() as f64 * read_units(0, table.consistent_read)
            });
        }
        Box::pin(self.run(plan, self.inner.batch_get(request)))
    }

    fn batch_write(&self, request: Vec<TableWrite>) -> BoxFuture<'_, BatchWriteOutput> {
        let mut plan = Plan::new(Direction::Write);
        let mut tables: Vec<&str> = request.iter().map(|w| w.table.as_str()).collect();
        tables.sort_unstable();
        tables.dedup();
        for table in tables {
            plan.write(&self.limits, table, || {
                request
                    .iter()
                    .filter(|w| w.table == table)
                    .map(|w| match &w.write {
                        Write::Put(item) => write_units(item_size(item)),
                        Write::Delete(_) => write_units(0),
                    })
                    .sum()
            });
        }
        Box::pin(self.run(plan, self.inner.batch_write(request)))
    }

    fn transact_write(&self, request: TransactWrite) -> BoxFuture<'_, Capacity> {
        let mut plan = Plan::new(Direction::Write);
        for action in &request.actions {
            let table = match action {
                TransactAction::Put { table, .. }
                | TransactAction::Update { table, .. }
                | TransactAction::Delete { table, .. }
                | TransactAction::ConditionCheck { table, .. } => table,
            };
            plan.write(&self.limits, table, || TRANSACTIONAL * action_units(action));
        }
        Box::pin(self.run(plan, self.inner.transact_write(request)))
    }

    fn transact_get(&self, request: Vec<TransactGetItem>) -> BoxFuture<'_, TransactGetOutput> {
        let mut plan = Plan::new(Direction::Read);
        for get in &request {
            plan.read(&self.limits, &get.table, None, |_| {
                TRANSACTIONAL * read_units(0, true)
            });
        }
        Box::pin(self.run(plan, self.inner.transact_get(request)))
    }

    fn execute_statement(&self, request: ExecuteStatement) -> BoxFuture<'_, StatementPage> {
        let plan = Plan::statements(std::slice::from_ref(&request.statement));
        Box::pin(self.run(plan, self.inner.execute_statement(request)))
    }

    fn batch_execute_statement(
        &self,
        request: Vec<Statement>,
    ) -> BoxFuture<'_, BatchStatementOutput> {
        let plan = Plan::statements(&request);
        Box::pin(self.run(plan, self.inner.batch_execute_statement(request)))
    }

    fn execute_transaction(
        &self,
        request: Vec<Statement>,
        token: Option<String>,
    ) -> BoxFuture<'_, TransactGetOutput> {
        let plan = Plan::statements(&request);
        Box::pin(self.run(plan, self.inner.execute_transaction(request, token)))
    }

    fn create_table(&self, request: CreateTable) -> BoxFuture<'_, TableDescription> {
        self.inner.create_table(request)
    }

    fn describe_table(&self, table: String) -> BoxFuture<'_, TableDescription> {
        self.inner.describe_table(table)
    }

    fn delete_table(&self, table: String) -> BoxFuture<'_, ()> {
        self.inner.delete_table(table)
    }

    fn enable_time_to_live(&self, table: String, attribute: String) -> BoxFuture<'_, ()> {
        self.inner.enable_time_to_live(table, attribute)
    }

    fn describe_time_to_live(&self, table: String) -> BoxFuture<'_, Option<String>> {
        self.inner.describe_time_to_live(table)
    }
}
