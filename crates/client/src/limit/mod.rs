//! Rate limits: per table and per secondary index, a read and a write budget in capacity units
//! per second, shared by every call of a client.
//!
//! [`Limits`] holds the budgets ([`Budget`]: fixed, or adaptive to throttling); [`Limited`]
//! wraps a [`crate::Backend`] so that each call waits for its budgets' tokens before it is sent
//! and is charged what DynamoDB reports it consumed. The wait is part of the call's future, on
//! the runtime: an awaited call leaves its event loop free, a blocking one waits with the GIL
//! released. Batches, parallel scans and transactions draw like every other call, request by
//! request, so a batch of a million writes under a budget of 100 WCU proceeds at 100 WCU per
//! second instead of being throttled into retries.

mod backend;
mod bucket;
mod budget;
mod estimate;
mod pace;
mod registry;

pub use backend::Limited;
pub use bucket::BudgetState;
pub use budget::{Budget, LimitError};
pub use registry::{Limits, Target, TargetState};

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;
    use std::time::Duration;

    use tokio::time::Instant;

    use super::*;
    use crate::batch::{write_all, Retry};
    use crate::fake::{Answer, FakeBackend};
    use crate::{AttributeValue, Backend, ErrorKind, Item, TableWrite, Write};

    fn item(i: usize) -> Item {
        HashMap::from([("pk".to_owned(), AttributeValue::S(format!("item-{i}")))])
    }

    fn writes(table: &str, n: usize) -> Vec<TableWrite> {
        (0..n)
            .map(|i| TableWrite {
                table: table.into(),
                write: Write::Put(item(i)),
            })
            .collect()
    }

    fn limited(script: Vec<Answer>, write: Budget) -> (Arc<dyn Backend>, Arc<Limits>) {
        let limits = Arc::new(Limits::default());
        let target = Target {
            table: "orders".into(),
            index: None,
        };
        limits.set(target, None, Some(write));
        let fake: Arc<dyn Backend> = Arc::new(FakeBackend::new(script));
        let backend = Arc::new(Limited::new(fake, Arc::clone(&limits)));
        (backend, limits)
    }

    fn retry() -> Retry {
        Retry {
            timeout: Duration::from_secs(60),
        }
    }

    fn write_state(limits: &Limits) -> BudgetState {
        let target = Target {
            table: "orders".into(),
            index: None,
        };
        limits
            .state(&target)
            .and_then(|(_, write)| write)
            .expect("a write budget")
    }

    #[tokio::test(start_paused = true)]
    async fn a_large_batch_write_proceeds_at_its_budget_retries_included() {
        // 2,000 writes of 1 WCU at 100 WCU/s, a third of the first requests' writes left
        // unprocessed and sent again: 20 seconds, give or take one request.
        let script = (0..30).map(|_| Answer::Leave(8)).collect();
        let (backend, limits) = limited(script, Budget::Fixed(100.0));
        let start = Instant::now();
        let output = write_all(backend, writes("orders", 2_000), retry())
            .await
            .expect("written");
        let elapsed = start.elapsed().as_secs_f64();
        assert!(output.unprocessed.is_empty() && output.gave_up.is_none());
        assert_eq!(output.capacity.write, 2_000.0);
        assert!((19.5..=20.5).contains(&elapsed), "{elapsed}");
        let state = write_state(&limits);
        assert!((state.consumed - 2_000.0).abs() < 1e-9);
        assert!(state.waits > 0 && output.capacity.waited > Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_cuts_an_adaptive_budget_and_nothing_is_lost() {
        let mut script = Vec::new();
        for _ in 0..5 {
            script.push(Answer::Throttled(2));
            script.push(Answer::Fail(ErrorKind::Throttling {
                code: "ProvisionedThroughputExceededException".into(),
                message: "slow down".into(),
            }));
        }
        let budget = Budget::adaptive(500.0, 500.0).expect("valid");
        let (backend, limits) = limited(script, budget);
        let output = write_all(backend, writes("orders", 500), retry())
            .await
            .expect("written");
        assert!(output.unprocessed.is_empty() && output.gave_up.is_none());
        assert_eq!(output.capacity.write, 500.0, "each write once");
        let state = write_state(&limits);
        assert_eq!(state.throttles, 15);
        assert!(state.rate < 500.0, "{}", state.rate);
        assert_eq!(state.ceiling, Some(500.0));
        assert!(
            (state.consumed - 500.0).abs() < 1e-9,
            "throttled tokens back"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn tables_without_a_budget_do_not_wait() {
        let (backend, _) = limited(Vec::new(), Budget::Fixed(1.0));
        let start = Instant::now();
        let output = write_all(backend, writes("customers", 1_000), retry())
            .await
            .expect("written");
        assert!(output.capacity.waited.is_zero());
        assert!(start.elapsed() < Duration::from_millis(1));
    }
}
