//! [`Pace`]: the rate a budget allows now. A fixed budget keeps its rate; an adaptive one cuts
//! it multiplicatively when DynamoDB throttles and raises it additively while calls succeed
//! (AIMD, as TCP and the AWS SDKs' adaptive retry mode do), between a floor and its ceiling.

use std::time::Duration;

use tokio::time::Instant;

use super::Budget;

/// What a throttle leaves of the rate: the AWS SDKs' adaptive retry mode cuts to 70% too.
const CUT: f64 = 0.7;

/// How much of its ceiling an adaptive rate regains per second of calls that succeed: back from
/// one cut in about 15 seconds.
const RAISE_PER_SECOND: f64 = 0.02;

/// The lowest an adaptive rate goes (or its ceiling, when that is lower): a table that keeps
/// throttling still gets a trickle of calls through, which is how it finds out it recovered.
const FLOOR: f64 = 1.0;

/// The most time one success is credited for: a client that sat idle learnt nothing about the
/// table meanwhile, so its first call after a pause raises the rate no more than a busy one's.
const RAISE_CREDIT: Duration = Duration::from_secs(1);

/// The rate of one budget, and for an adaptive one what it adapts by.
#[derive(Debug, Clone)]
pub(crate) struct Pace {
    rate: f64,
    adaptive: Option<Adaptive>,
}

#[derive(Debug, Clone)]
struct Adaptive {
    ceiling: f64,
    /// When the rate was last cut: throttles of calls sent before then were paced at the old
    /// rate, and say nothing about the new one.
    last_cut: Option<Instant>,
    /// When the rate was last raised (or cut), what the next raise is credited from.
    last_raise: Instant,
}

impl Pace {
    pub(crate) fn new(budget: Budget, now: Instant) -> Self {
        match budget {
            Budget::Fixed(rate) => Self {
                rate,
                adaptive: None,
            },
            Budget::Adaptive { start, ceiling } => Self {
                rate: start,
                adaptive: Some(Adaptive {
                    ceiling,
                    last_cut: None,
                    last_raise: now,
                }),
            },
        }
    }

    /// Units per second allowed now.
    pub(crate) fn rate(&self) -> f64 {
        self.rate
    }

    /// The most an adaptive rate allows; `None` for a fixed one.
    pub(crate) fn ceiling(&self) -> Option<f64> {
        self.adaptive.as_ref().map(|a| a.ceiling)
    }

    /// A call sent at `sent` was throttled: cut the rate, unless it was cut after the call
    /// went out (many calls in flight at once are throttled together for one excess). Whether
    /// it was cut.
    pub(crate) fn throttled(&mut self, sent: Instant, now: Instant) -> bool {
        let Some(adaptive) = &mut self.adaptive else {
            return false;
        };
        if adaptive.last_cut.is_some_and(|cut| sent < cut) {
            return false;
        }
        self.rate = (self.rate * CUT).max(FLOOR.min(adaptive.ceiling));
        adaptive.last_cut = Some(now);
        adaptive.last_raise = now;
        true
    }

    /// A call went through without throttling: raise the rate a little, never above the
    /// ceiling.
    pub(crate) fn succeeded(&mut self, now: Instant) {
        let Some(adaptive) = &mut self.adaptive else {
            return;
        };
        let credit = now
            .saturating_duration_since(adaptive.last_raise)
            .min(RAISE_CREDIT);
        adaptive.last_raise = now;
        let raise = adaptive.ceiling * RAISE_PER_SECOND * credit.as_secs_f64();
        self.rate = (self.rate + raise).min(adaptive.ceiling);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adaptive(start: f64, ceiling: f64) -> (Pace, Instant) {
        let now = Instant::now();
        let budget = Budget::adaptive(start, ceiling).expect("valid");
        (Pace::new(budget, now), now)
    }

    #[test]
    fn a_fixed_rate_never_moves() {
        let now = Instant::now();
        let mut pace = Pace::new(Budget::Fixed(100.0), now);
        assert!(!pace.throttled(now, now));
        pace.succeeded(now + Duration::from_secs(10));
        assert_eq!(pace.rate(), 100.0);
        assert_eq!(pace.ceiling(), None);
    }

    #[test]
    fn each_throttle_of_a_call_sent_at_the_current_rate_cuts_it() {
        let (mut pace, start) = adaptive(100.0, 100.0);
        let later = start + Duration::from_millis(10);
        assert!(pace.throttled(start, later));
        assert!((pace.rate() - 70.0).abs() < 1e-9);
        // Sent before the cut: already paid for.
        assert!(!pace.throttled(start, later + Duration::from_millis(1)));
        assert!((pace.rate() - 70.0).abs() < 1e-9);
        // Sent after it: the new rate is too high as well.
        let after = later + Duration::from_millis(5);
        assert!(pace.throttled(after, after));
        assert!((pace.rate() - 49.0).abs() < 1e-9);
    }

    #[test]
    fn the_rate_never_falls_below_the_floor() {
        let (mut pace, start) = adaptive(10.0, 10.0);
        let mut now = start;
        for _ in 0..50 {
            now += Duration::from_millis(1);
            pace.throttled(now, now);
        }
        assert_eq!(pace.rate(), FLOOR);
        let (mut low, start) = adaptive(0.5, 0.5);
        low.throttled(start, start);
        assert_eq!(low.rate(), 0.5, "a ceiling under the floor is the floor");
    }

    #[test]
    fn successes_raise_it_slowly_up_to_the_ceiling() {
        let (mut pace, start) = adaptive(50.0, 100.0);
        // Two percent of the ceiling per second of successes.
        let mut now = start;
        for _ in 0..10 {
            now += Duration::from_millis(100);
            pace.succeeded(now);
        }
        assert!((pace.rate() - 52.0).abs() < 1e-9, "{}", pace.rate());
        for _ in 0..10_000 {
            now += Duration::from_millis(100);
            pace.succeeded(now);
        }
        assert_eq!(pace.rate(), 100.0);
    }

    #[test]
    fn an_idle_pause_is_credited_as_one_second_at_most() {
        let (mut pace, start) = adaptive(50.0, 100.0);
        pace.succeeded(start + Duration::from_secs(600));
        assert!((pace.rate() - 52.0).abs() < 1e-9, "{}", pace.rate());
    }
}
