//! One SDK call's bookkeeping: when it started, how many attempts the SDK sent (counted by an
//! interceptor that runs before each one, its own retries included), and the context an error
//! from it carries.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Instant;

use aws_sdk_dynamodb::types::ConsumedCapacity;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::{Capacity, Context, Error};

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
    attempts: Arc<AtomicU32>,
}

impl Call {
    pub(super) fn new(operation: &'static str, table: &str) -> Self {
        Self {
            operation,
            table: table.to_owned(),
            start: Instant::now(),
            attempts: Arc::new(AtomicU32::new(0)),
        }
    }

    /// The table the call names.
    pub(super) fn table(&self) -> &str {
        &self.table
    }

    /// The interceptor that counts this call's attempts, for the SDK's `customize()`.
    pub(super) fn counter(&self) -> Attempts {
        Attempts(Arc::clone(&self.attempts))
    }

    fn attempts(&self) -> u32 {
        self.attempts.load(Ordering::Relaxed).max(1)
    }

    /// The capacity a successful call consumed (summed over every table it touched), its
    /// duration and attempts.
    pub(super) fn cost<'a>(
        &self,
        consumed: impl IntoIterator<Item = &'a ConsumedCapacity>,
        used: Use,
    ) -> Capacity {
        // An empty sum of f64 is -0.0: a call that reported nothing consumed 0.
        let units: f64 = consumed
            .into_iter()
            .filter_map(ConsumedCapacity::capacity_units)
            .sum::<f64>()
            + 0.0;
        let (read, write) = match used {
            Use::Read => (units, 0.0),
            Use::Write => (0.0, units),
        };
        Capacity {
            read,
            write,
            duration: self.start.elapsed(),
            attempts: self.attempts(),
        }
    }

    /// `err` as it happened in this call.
    pub(super) fn failed(&self, err: Error) -> Error {
        err.in_call(Context {
            operation: self.operation,
            table: self.table.clone(),
            attempts: self.attempts(),
            elapsed: self.start.elapsed(),
        })
    }
}

/// Counts the attempts of one call.
#[derive(Debug)]
pub(super) struct Attempts(Arc<AtomicU32>);

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
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}
