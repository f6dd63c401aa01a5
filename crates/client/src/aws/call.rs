//! One SDK call's bookkeeping: when it started, how many attempts the SDK sent and how many of
//! them DynamoDB throttled (counted by an interceptor that sees each one, its own retries
//! included), where the consumed capacity went, and the context an error from it carries.
//!
//! The interceptor is the client's, registered once ([`with_attempts`]); it finds the call it
//! counts for in a task-local that [`Counted::counted`] sets while the call's future is polled.
//! An interceptor given to each call through the SDK's `customize()` would cost every call a
//! new set of runtime components, merged into the client's: 4-16 us of a GetItem's 105-170 us
//! on `memory://` (3-10%) when it was measured.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use aws_sdk_dynamodb::types::{ConsumedCapacity, ReturnConsumedCapacity};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    AfterDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use tokio::task::futures::TaskLocalFuture;

use crate::engine::Clock;
use crate::error::is_throttling;
use crate::{Capacity, Context, Error, Units};

/// What every call asks DynamoDB to report of the capacity it consumed: the total (the call's
/// cost) with each table's and each index's part (what a rate limit charges to which budget).
pub(super) const CONSUMED: ReturnConsumedCapacity = ReturnConsumedCapacity::Indexes;

/// Whether a call's consumed capacity is read or write units.
#[derive(Debug, Clone, Copy)]
pub(super) enum Use {
    Read,
    Write,
}

/// One operation on one table, from its first attempt.
pub(super) struct Call {
    operation: &'static str,
    table: String,
    start: Instant,
    counts: Arc<Counts>,
}

/// What the interceptor counted of one call's attempts.
#[derive(Debug, Default)]
pub(super) struct Counts {
    attempts: AtomicU32,
    throttles: AtomicU32,
}

impl Call {
    pub(super) fn new(operation: &'static str, table: &str) -> Self {
        Self {
            operation,
            table: table.to_owned(),
            start: Instant::now(),
            counts: Arc::default(),
        }
    }

    /// The table the call names.
    pub(super) fn table(&self) -> &str {
        &self.table
    }

    fn attempts(&self) -> u32 {
        self.counts.attempts.load(Ordering::Relaxed).max(1)
    }

    fn throttles(&self) -> u32 {
        self.counts.throttles.load(Ordering::Relaxed)
    }

    /// The capacity a successful call consumed (summed over every table it touched, and each
    /// table's and index's part), its duration, attempts and throttled attempts.
    pub(super) fn cost<'a>(
        &self,
        consumed: impl IntoIterator<Item = &'a ConsumedCapacity>,
        used: Use,
    ) -> Capacity {
        let mut total = 0.0;
        let mut units = Vec::new();
        for entry in consumed {
            total += entry.capacity_units().unwrap_or(0.0);
            parts(entry, used, &mut units);
        }
        let (read, write) = used.split(total);
        Capacity {
            read,
            write,
            duration: self.start.elapsed(),
            attempts: self.attempts(),
            requests: 1,
            units,
            throttles: self.throttles(),
            waited: std::time::Duration::ZERO,
        }
    }

    /// `err` as it happened in this call.
    pub(super) fn failed(&self, err: Error) -> Error {
        err.in_call(Context {
            operation: self.operation,
            table: self.table.clone(),
            attempts: self.attempts(),
            throttles: self.throttles(),
            elapsed: self.start.elapsed(),
        })
    }
}

impl Use {
    /// `units` as `(read, write)`.
    fn split(self, units: f64) -> (f64, f64) {
        match self {
            Self::Read => (units, 0.0),
            Self::Write => (0.0, units),
        }
    }
}

/// One table's entry of a call's consumed capacity, as the table's units and each index's.
/// Under `ReturnConsumedCapacity=INDEXES` DynamoDB reports the parts; an entry without them
/// (a server that reports totals only) is the table's whole.
fn parts(entry: &ConsumedCapacity, used: Use, into: &mut Vec<Units>) {
    let Some(table) = entry.table_name() else {
        return;
    };
    let indexes = entry
        .global_secondary_indexes()
        .into_iter()
        .chain(entry.local_secondary_indexes())
        .flatten();
    let mut in_indexes = 0.0;
    for (index, capacity) in indexes {
        let units = capacity.capacity_units().unwrap_or(0.0);
        in_indexes += units;
        let (read, write) = used.split(units);
        into.push(Units {
            table: table.to_owned(),
            index: Some(index.clone()),
            read,
            write,
        });
    }
    let own = entry
        .table()
        .and_then(|c| c.capacity_units())
        .unwrap_or_else(|| (entry.capacity_units().unwrap_or(0.0) - in_indexes).max(0.0));
    let (read, write) = used.split(own);
    into.push(Units {
        table: table.to_owned(),
        index: None,
        read,
        write,
    });
}

tokio::task_local! {
    /// The counts of the call whose future is being polled.
    static COUNTS: Arc<Counts>;
}

/// An SDK call's future, counted into a [`Call`].
pub(super) trait Counted: Future + Sized {
    /// This future, its attempts and throttles counted into `call`'s, and the time its polls
    /// take added to `clock` when there is one.
    fn counted(
        self,
        call: &Call,
        clock: Option<&Clock>,
    ) -> Timed<TaskLocalFuture<Arc<Counts>, Self>> {
        Timed {
            future: COUNTS.scope(Arc::clone(&call.counts), self),
            clock: clock.cloned(),
        }
    }
}

impl<F: Future> Counted for F {}

pin_project_lite::pin_project! {
    /// A future whose polls are timed into a [`Clock`], when it has one. On `memory://` the
    /// engine answers within the poll that sends a request: the clock then holds the CPU time
    /// of the SDK's whole request path, the engine's answer included.
    pub(super) struct Timed<F> {
        #[pin]
        future: F,
        clock: Option<Clock>,
    }
}

impl<F: Future> Future for Timed<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<F::Output> {
        let this = self.project();
        match this.clock {
            Some(clock) => clock.time(|| this.future.poll(cx)),
            None => this.future.poll(cx),
        }
    }
}

/// `client` with the interceptor that counts each call's attempts and throttles.
pub(super) fn with_attempts(client: &aws_sdk_dynamodb::Client) -> aws_sdk_dynamodb::Client {
    let config = client.config().to_builder().interceptor(Attempts).build();
    aws_sdk_dynamodb::Client::from_conf(config)
}

/// Counts the attempts of each call, and those DynamoDB throttled, into the counts of the call
/// being polled (none outside [`Counted::counted`]).
#[derive(Debug)]
struct Attempts;

impl Intercept for Attempts {
    fn name(&self) -> &'static str {
        "dynomodel.attempts"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let _ = COUNTS.try_with(|counts| counts.attempts.fetch_add(1, Ordering::Relaxed));
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // The body is in memory by now; only a 400 can be a throttle, and error bodies are
        // small, so a success page is never parsed twice.
        let response = context.response();
        if response.status().as_u16() == 400 && response.body().bytes().is_some_and(throttled) {
            let _ = COUNTS.try_with(|counts| counts.throttles.fetch_add(1, Ordering::Relaxed));
        }
        Ok(())
    }
}

/// Whether an error answer's body names a throttling error (`"__type"`, the code after `#`).
fn throttled(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Answer<'a> {
        #[serde(rename = "__type", borrow)]
        kind: Option<std::borrow::Cow<'a, str>>,
    }
    serde_json::from_slice::<Answer<'_>>(body)
        .ok()
        .and_then(|answer| answer.kind)
        .is_some_and(|kind| is_throttling(kind.rsplit('#').next().unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_answers_are_recognised_by_their_code() {
        let throttled_body = br#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"x"}"#;
        assert!(throttled(throttled_body));
        assert!(throttled(br#"{"__type":"ThrottlingException"}"#));
        assert!(!throttled(
            br#"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"}"#
        ));
        assert!(!throttled(b"not json"));
    }

    #[test]
    fn an_entry_is_split_into_the_table_and_its_indexes() {
        let part = |units| {
            aws_sdk_dynamodb::types::Capacity::builder()
                .capacity_units(units)
                .build()
        };
        let entry = ConsumedCapacity::builder()
            .table_name("orders")
            .capacity_units(3.0)
            .table(part(1.0))
            .global_secondary_indexes("by-status", part(2.0))
            .build();
        let mut units = Vec::new();
        parts(&entry, Use::Write, &mut units);
        units.sort_by(|a, b| a.index.cmp(&b.index));
        assert_eq!(units.len(), 2);
        assert_eq!((units[0].index.as_deref(), units[0].write), (None, 1.0));
        assert_eq!(
            (units[1].index.as_deref(), units[1].write),
            (Some("by-status"), 2.0)
        );

        let total_only = ConsumedCapacity::builder()
            .table_name("orders")
            .capacity_units(0.5)
            .build();
        let mut units = Vec::new();
        parts(&total_only, Use::Read, &mut units);
        assert_eq!(units.len(), 1);
        assert_eq!((units[0].index.as_deref(), units[0].read), (None, 0.5));
    }
}
