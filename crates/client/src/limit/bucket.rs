//! [`Bucket`]: one budget's token bucket. Tokens accrue at the budget's rate up to one second's
//! worth; a call takes its estimated cost before it is sent, waiting its turn (first come, first
//! served) until the bucket holds it, and is settled against what DynamoDB reports it consumed.
//! The bucket may go into debt (a call that cost more than estimated, a call dearer than a
//! second's worth): later calls wait until the debt is paid, so the rate holds on average.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::pace::Pace;
use super::Budget;

/// How many seconds of the rate a bucket holds when full: DynamoDB meters throughput per
/// second, so a full bucket is at most one second's budget sent at once.
const BURST_SECONDS: f64 = 1.0;

/// The longest a waiting call sleeps before it looks again: an adaptive rate may rise
/// meanwhile, and a wait computed at the old rate would waste the new one.
const LONGEST_NAP: Duration = Duration::from_secs(1);

/// Float rounding of accrued tokens must not cost a call another timer tick.
const EPSILON: f64 = 1e-9;

/// What a budget holds and has done, at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetState {
    /// Units per second allowed now.
    pub rate: f64,
    /// The most an adaptive rate allows; `None` for a fixed one.
    pub ceiling: Option<f64>,
    /// Tokens available now (negative: a debt later calls wait for).
    pub tokens: f64,
    /// Calls that had to wait for tokens.
    pub waits: u64,
    /// Total time calls waited for tokens.
    pub waited: Duration,
    /// Attempts DynamoDB throttled among the calls charged to this budget.
    pub throttles: u64,
    /// Units charged: what DynamoDB reported consumed (estimates where it reported nothing).
    pub consumed: f64,
}

/// One budget: its pace, its tokens and its record.
#[derive(Debug)]
pub(crate) struct Bucket {
    /// Calls take tokens one at a time, in the order they asked: tokio's mutex is fair, and the
    /// call at the head sleeps holding it, so no later call jumps the queue.
    turn: tokio::sync::Mutex<()>,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    pace: Pace,
    tokens: f64,
    refilled: Instant,
    waits: u64,
    waited: Duration,
    throttles: u64,
    consumed: f64,
    /// What the last page read through this bucket cost: the estimate of the next, whose size
    /// nothing else tells before it is read.
    page: Option<f64>,
}

impl State {
    fn burst(&self) -> f64 {
        self.pace.rate() * BURST_SECONDS
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        self.refilled = now;
        self.tokens = (self.tokens + elapsed * self.pace.rate()).min(self.burst());
    }
}

impl Bucket {
    /// An empty bucket: a client that starts (or restarts) while others use the table adds no
    /// burst of its own.
    pub(crate) fn new(budget: Budget) -> Self {
        let now = Instant::now();
        Self {
            turn: tokio::sync::Mutex::new(()),
            state: Mutex::new(State {
                pace: Pace::new(budget, now),
                tokens: 0.0,
                refilled: now,
                waits: 0,
                waited: Duration::ZERO,
                throttles: 0,
                consumed: 0.0,
                page: None,
            }),
        }
    }

    /// The state stays consistent between any two statements that change it, so a thread that
    /// panicked holding the lock left nothing half done.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Take `units` tokens, waiting first, in turn, until the bucket holds them (or is full,
    /// for a call dearer than a full bucket); how long the call waited. Dropping the future
    /// while it waits takes nothing.
    pub(crate) async fn take(&self, units: f64) -> Duration {
        let asked = Instant::now();
        let _turn = self.turn.lock().await;
        loop {
            let short = {
                let mut state = self.state();
                let now = Instant::now();
                state.refill(now);
                let need = units.min(state.burst());
                if state.tokens + EPSILON >= need {
                    state.tokens -= units;
                    let waited = now.saturating_duration_since(asked);
                    if !waited.is_zero() {
                        state.waits += 1;
                        state.waited += waited;
                    }
                    return waited;
                }
                (need - state.tokens) / state.pace.rate()
            };
            let nap = Duration::try_from_secs_f64(short).unwrap_or(LONGEST_NAP);
            tokio::time::sleep(nap.min(LONGEST_NAP)).await;
        }
    }

    /// A call that took `estimate` tokens consumed `actual` units: pay back the difference, or
    /// take it.
    pub(crate) fn settle(&self, estimate: f64, actual: f64) {
        let mut state = self.state();
        state.refill(Instant::now());
        state.tokens = (state.tokens + estimate - actual).min(state.burst());
        state.consumed += actual;
    }

    /// What the next page read through this bucket is expected to cost, when nothing else
    /// tells: the last page's cost, else `default`.
    pub(crate) fn page_estimate(&self, default: f64) -> f64 {
        self.state().page.unwrap_or(default)
    }

    /// Remember what a page read through this bucket cost.
    pub(crate) fn read_page(&self, units: f64) {
        self.state().page = Some(units);
    }

    /// A call sent at `sent` saw `count` throttled attempts: an adaptive rate is cut.
    pub(crate) fn throttled(&self, count: u32, sent: Instant) {
        let mut state = self.state();
        let now = Instant::now();
        state.refill(now);
        state.throttles += u64::from(count);
        if state.pace.throttled(sent, now) {
            let burst = state.burst();
            state.tokens = state.tokens.min(burst);
        }
    }

    /// A call went through without throttling: an adaptive rate rises a little.
    pub(crate) fn succeeded(&self) {
        let mut state = self.state();
        let now = Instant::now();
        state.refill(now);
        state.pace.succeeded(now);
    }

    /// What the budget holds and has done, now.
    pub(crate) fn snapshot(&self) -> BudgetState {
        let mut state = self.state();
        state.refill(Instant::now());
        BudgetState {
            rate: state.pace.rate(),
            ceiling: state.pace.ceiling(),
            tokens: state.tokens,
            waits: state.waits,
            waited: state.waited,
            throttles: state.throttles,
            consumed: state.consumed,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn fixed(rate: f64) -> Arc<Bucket> {
        Arc::new(Bucket::new(Budget::fixed(rate).expect("valid")))
    }

    fn secs(duration: Duration) -> f64 {
        duration.as_secs_f64()
    }

    #[tokio::test(start_paused = true)]
    async fn a_bucket_starts_empty_and_fills_at_its_rate() {
        let bucket = fixed(100.0);
        let start = Instant::now();
        let waited = bucket.take(50.0).await;
        assert!((secs(waited) - 0.5).abs() < 0.002, "{waited:?}");
        assert!((secs(start.elapsed()) - 0.5).abs() < 0.002);
        // Idle for ten seconds: the bucket holds one second's worth, no more.
        tokio::time::sleep(Duration::from_secs(10)).await;
        let state = bucket.snapshot();
        assert!((state.tokens - 100.0).abs() < 1e-6, "{}", state.tokens);
        assert_eq!(state.waits, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn many_calls_proceed_at_the_rate_in_the_order_they_asked() {
        let bucket = fixed(100.0);
        let start = Instant::now();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..40 {
            let (bucket, order) = (Arc::clone(&bucket), Arc::clone(&order));
            tasks.push(tokio::spawn(async move {
                bucket.take(25.0).await;
                order.lock().expect("order").push(i);
            }));
            // Each asks after the one before it.
            tokio::task::yield_now().await;
        }
        for task in tasks {
            task.await.expect("task");
        }
        // 40 calls of 25 units at 100 units/s: 10 seconds from an empty bucket.
        let elapsed = secs(start.elapsed());
        assert!((elapsed - 10.0).abs() < 0.01, "{elapsed}");
        assert_eq!(*order.lock().expect("order"), (0..40).collect::<Vec<_>>());
        let state = bucket.snapshot();
        assert_eq!(state.waits, 40);
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_dearer_than_a_full_bucket_goes_when_full_and_leaves_a_debt() {
        let bucket = fixed(10.0);
        let start = Instant::now();
        bucket.take(35.0).await;
        assert!(
            (secs(start.elapsed()) - 1.0).abs() < 0.002,
            "waits for a full bucket"
        );
        assert!((bucket.snapshot().tokens + 25.0).abs() < 1e-6);
        bucket.take(1.0).await;
        // The debt of 25 and the one unit: 2.6 seconds more.
        assert!(
            (secs(start.elapsed()) - 3.6).abs() < 0.002,
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn settling_pays_back_an_overestimate_and_charges_an_underestimate() {
        let bucket = fixed(100.0);
        tokio::time::sleep(Duration::from_secs(1)).await;
        bucket.take(40.0).await;
        bucket.settle(40.0, 10.0);
        assert!((bucket.snapshot().tokens - 90.0).abs() < 1e-6);
        bucket.settle(0.0, 150.0);
        let state = bucket.snapshot();
        assert!((state.tokens + 60.0).abs() < 1e-6);
        assert!((state.consumed - 160.0).abs() < 1e-9);
        let start = Instant::now();
        bucket.take(0.0).await;
        assert!(
            (secs(start.elapsed()) - 0.6).abs() < 0.002,
            "a debt is waited out"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiting_call_that_is_dropped_takes_nothing() {
        let bucket = fixed(10.0);
        let waiting = tokio::time::timeout(Duration::from_millis(500), bucket.take(10.0)).await;
        assert!(waiting.is_err(), "still waiting when dropped");
        let tokens = bucket.snapshot().tokens;
        assert!((tokens - 5.0).abs() < 1e-6, "{tokens}");
    }

    #[tokio::test(start_paused = true)]
    async fn throttles_cut_an_adaptive_rate_and_successes_raise_it() {
        let bucket = Bucket::new(Budget::adaptive(100.0, 100.0).expect("valid"));
        let sent = Instant::now();
        tokio::time::sleep(Duration::from_millis(10)).await;
        bucket.throttled(2, sent);
        let state = bucket.snapshot();
        assert!((state.rate - 70.0).abs() < 1e-9);
        assert_eq!(state.throttles, 2);
        assert!(state.tokens <= 70.0);
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            bucket.succeeded();
        }
        // Ten seconds of successes: 2 units per second each second.
        assert!((bucket.snapshot().rate - 90.0).abs() < 1e-6);
    }

    #[tokio::test(start_paused = true)]
    async fn a_cut_rate_slows_the_calls_that_wait() {
        let bucket = Arc::new(Bucket::new(Budget::adaptive(100.0, 100.0).expect("valid")));
        let start = Instant::now();
        for _ in 0..10 {
            bucket.throttled(1, Instant::now());
            tokio::time::advance(Duration::from_millis(1)).await;
        }
        let rate = bucket.snapshot().rate;
        assert!(rate < 3.0, "{rate}");
        bucket.take(10.0).await;
        bucket.take(0.0).await;
        let elapsed = secs(start.elapsed());
        assert!(elapsed > 3.0, "ten units at under 3 units/s: {elapsed}");
    }
}
