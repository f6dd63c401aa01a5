//! Rate limits: a client's read and write budgets per table and index, set and read back.

use dynomodel_client::limit::{Budget, BudgetState as State, Target};
use pyo3::prelude::*;

use super::Client;
use crate::errors;

/// What one budget holds and has done, at the moment it was asked.
#[pyclass(frozen, get_all, module = "dynomodel._native")]
pub struct BudgetState {
    /// Capacity units per second allowed now.
    rate: f64,
    /// The most an adaptive rate allows; None for a fixed one.
    ceiling: Option<f64>,
    /// Tokens available now (negative: a debt later calls wait for).
    tokens: f64,
    /// Calls that waited for tokens.
    waits: u64,
    /// Seconds calls waited, in all.
    waited: f64,
    /// Throttled attempts among the calls charged to the budget.
    throttles: u64,
    /// Capacity units charged, as DynamoDB reported them consumed.
    consumed: f64,
}

impl From<State> for BudgetState {
    fn from(state: State) -> Self {
        Self {
            rate: state.rate,
            ceiling: state.ceiling,
            tokens: state.tokens,
            waits: state.waits,
            waited: state.waited.as_secs_f64(),
            throttles: state.throttles,
            consumed: state.consumed,
        }
    }
}

/// A budget as Python gives it: `(rate, None)` fixed, `(start, ceiling)` adaptive.
fn budget(given: Option<(f64, Option<f64>)>) -> PyResult<Option<Budget>> {
    given
        .map(|(rate, ceiling)| match ceiling {
            None => Budget::fixed(rate),
            Some(ceiling) => Budget::adaptive(rate, ceiling),
        })
        .transpose()
        .map_err(|err| errors::limit_error(&err))
}

#[pymethods]
impl Client {
    /// Set the read and write budgets of `table` (its `index`, when given), in capacity units
    /// per second: `(rate, None)` fixed, `(start, ceiling)` adaptive, None unlimited. Replaces
    /// what it had, with empty buckets.
    #[pyo3(signature = (table, index, read, write))]
    fn set_rate_limit(
        &self,
        table: String,
        index: Option<String>,
        read: Option<(f64, Option<f64>)>,
        write: Option<(f64, Option<f64>)>,
    ) -> PyResult<()> {
        let (read, write) = (budget(read)?, budget(write)?);
        let target = Target {
            table: self.table(table),
            index,
        };
        self.limits.set(target, read, write);
        Ok(())
    }

    /// The `(read, write)` budgets of `table` (its `index`) as they are now, None where
    /// unlimited; None when it has no budget.
    #[pyo3(signature = (table, index))]
    fn rate_limit(
        &self,
        table: String,
        index: Option<String>,
    ) -> Option<(Option<BudgetState>, Option<BudgetState>)> {
        let target = Target {
            table: self.table(table),
            index,
        };
        let (read, write) = self.limits.state(&target)?;
        Some((read.map(Into::into), write.map(Into::into)))
    }
}
