//! Batches of any size, sent until done: keys and writes split into DynamoDB's request limits
//! (100 keys, 25 writes), the requests running concurrently, and whatever DynamoDB leaves
//! unprocessed (or a transient failure leaves unsent) sent again with exponential backoff and full
//! jitter, until nothing is left or the time allowed is spent. What is left then is returned, not
//! dropped: the caller reports it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use crate::backend::BoxFuture;
use crate::{Backend, BatchGetOutput, BatchWriteOutput, Error, ErrorKind, TableKeys, TableWrite};

mod placing;

use placing::{fingerprint, Fingerprint, Found};

/// Keys in one BatchGetItem, at most.
pub const GET_LIMIT: usize = 100;
/// Writes in one BatchWriteItem, at most.
pub const WRITE_LIMIT: usize = 25;

/// Transient failures of one request in a row after which it is given up.
const FAILURES_IN_A_ROW: u32 = 12;
const FIRST_PAUSE: Duration = Duration::from_millis(25);
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

/// How long to keep retrying. (How many requests may be in flight at once is the backend's to
/// bound, after any rate limit let them go: see [`crate::AwsBackend`].)
#[derive(Debug, Clone)]
pub struct Retry {
    /// Total time allowed from the first request, time spent waiting for rate limits aside.
    pub timeout: Duration,
}

/// Full jitter over an exponential ceiling: concurrent retriers spread out instead of colliding.
fn pause(attempt: u32) -> Duration {
    let ceiling = FIRST_PAUSE
        .saturating_mul(1 << attempt.min(16))
        .min(LONGEST_PAUSE);
    ceiling.mul_f64(fastrand::f64())
}

/// A task of the runtime that panicked or was cancelled, as an error.
pub fn task_failed(err: &tokio::task::JoinError) -> Error {
    ErrorKind::Service {
        code: "TaskFailed".into(),
        message: err.to_string(),
    }
    .into()
}

fn add_units(total: &mut HashMap<String, f64>, more: HashMap<String, f64>) {
    for (table, units) in more {
        *total.entry(table).or_insert(0.0) += units;
    }
}

/// A batch request: sent as one call, answering with what it leaves to send again.
trait Request: Sized + Clone + Send + 'static {
    /// What the attempts gather, the leftovers included once they stop.
    type Output: Default + Send + 'static;
    /// Whether nothing is left.
    fn is_empty(&self) -> bool;
    /// Send it; fold what it got into `into` and answer with what it left.
    fn send<'a>(self, backend: &'a dyn Backend, into: &'a mut Self::Output) -> BoxFuture<'a, Self>;
    /// Record what was still left when the attempts stopped, and why.
    fn finish(self, into: &mut Self::Output, gave_up: Option<String>);
    /// How long the attempts gathered in `output` waited for rate limit tokens.
    fn waited(output: &Self::Output) -> Duration;
}

impl Request for Vec<TableKeys> {
    type Output = BatchGetOutput;

    fn is_empty(&self) -> bool {
        self.iter().all(|t| t.keys.is_empty())
    }

    fn send<'a>(
        self,
        backend: &'a dyn Backend,
        into: &'a mut BatchGetOutput,
    ) -> BoxFuture<'a, Self> {
        Box::pin(async move {
            let out = backend.batch_get(self).await?;
            into.items.extend(out.items);
            into.capacity.add(out.capacity);
            add_units(&mut into.units_by_table, out.units_by_table);
            Ok(out.unprocessed)
        })
    }

    fn finish(self, into: &mut BatchGetOutput, gave_up: Option<String>) {
        into.unprocessed = self;
        into.gave_up = gave_up;
    }

    fn waited(output: &BatchGetOutput) -> Duration {
        output.capacity.waited
    }
}

impl Request for Vec<TableWrite> {
    type Output = BatchWriteOutput;

    fn is_empty(&self) -> bool {
        <[TableWrite]>::is_empty(self)
    }

    fn send<'a>(
        self,
        backend: &'a dyn Backend,
        into: &'a mut BatchWriteOutput,
    ) -> BoxFuture<'a, Self> {
        Box::pin(async move {
            let out = backend.batch_write(self).await?;
            into.capacity.add(out.capacity);
            add_units(&mut into.units_by_table, out.units_by_table);
            Ok(out.unprocessed)
        })
    }

    fn finish(self, into: &mut BatchWriteOutput, gave_up: Option<String>) {
        into.unprocessed = self;
        into.gave_up = gave_up;
    }

    fn waited(output: &BatchWriteOutput) -> Duration {
        output.capacity.waited
    }
}

/// Send `request` and then what it leaves, pausing between attempts, until nothing is left, the
/// deadline passes, or transient failures keep coming. A permanent failure (a validation error, a
/// missing table) is returned as it is. Time an attempt waited for rate limit tokens moves the
/// deadline: a batch paced by a rate limit is slow on purpose, not failing.
async fn until_done<T: Request>(
    mut request: T,
    mut deadline: Instant,
    backend: &dyn Backend,
) -> Result<T::Output, Error> {
    let mut output = T::Output::default();
    let (mut attempt, mut failures) = (0, 0);
    loop {
        let waited_before = T::waited(&output);
        let outcome = request.clone().send(backend, &mut output).await;
        deadline += match &outcome {
            Ok(_) => T::waited(&output).saturating_sub(waited_before),
            Err(err) => err.waited(),
        };
        let reason = match outcome {
            Ok(left) if left.is_empty() => {
                left.finish(&mut output, None);
                return Ok(output);
            }
            Ok(left) => {
                request = left;
                failures = 0;
                "DynamoDB still left them unprocessed".to_owned()
            }
            Err(err) if err.is_transient() => {
                failures += 1;
                if failures >= FAILURES_IN_A_ROW {
                    let why = format!("{failures} failures in a row, the last: {err}");
                    request.finish(&mut output, Some(why));
                    return Ok(output);
                }
                err.to_string()
            }
            Err(err) => return Err(err),
        };
        let now = Instant::now();
        if now >= deadline {
            let why = format!("the retry time ran out ({reason})");
            request.finish(&mut output, Some(why));
            return Ok(output);
        }
        tokio::time::sleep(pause(attempt).min(deadline - now)).await;
        attempt += 1;
    }
}

/// Each request retried until done on its own task; every output once all have finished.
async fn send_all<T: Request>(
    backend: &Arc<dyn Backend>,
    requests: Vec<T>,
    retry: &Retry,
) -> Result<Vec<T::Output>, Error> {
    let deadline = Instant::now() + retry.timeout;
    let mut tasks = JoinSet::new();
    for request in requests {
        let backend = Arc::clone(backend);
        tasks.spawn(async move { until_done(request, deadline, &*backend).await });
    }
    joined(tasks).await
}

/// Read every key of `tables` (duplicates once), each table's items in the order of its keys
/// (items a projection left without their key attributes after those); missing items are
/// absent. Keys still unread when the retries give up are in `unprocessed`.
pub async fn get_all(
    backend: Arc<dyn Backend>,
    tables: Vec<TableKeys>,
    retry: Retry,
) -> Result<BatchGetOutput, Error> {
    let start = Instant::now();
    let mut named = std::collections::HashSet::new();
    if let Some(twice) = tables.iter().find(|t| !named.insert(t.table.as_str())) {
        return Err(ErrorKind::Validation {
            message: format!("a batch get names table '{}' twice", twice.table),
        }
        .into());
    }
    // Each table's key attributes, and where each key sits in its list: results are put back
    // in that order.
    let mut places: Vec<(Vec<String>, HashMap<Fingerprint, usize>)> =
        Vec::with_capacity(tables.len());
    let mut unique: Vec<TableKeys> = Vec::with_capacity(tables.len());
    for table in tables {
        let names: Vec<String> = table
            .keys
            .first()
            .map(|key| key.keys().cloned().collect())
            .unwrap_or_default();
        let mut seen = HashMap::new();
        let mut keys = Vec::with_capacity(table.keys.len());
        for key in table.keys {
            let print = fingerprint(&key, names.iter());
            if let std::collections::hash_map::Entry::Vacant(slot) = seen.entry(print) {
                slot.insert(keys.len());
                keys.push(key);
            }
        }
        places.push((names, seen));
        unique.push(TableKeys { keys, ..table });
    }
    let index: HashMap<String, usize> = unique
        .iter()
        .enumerate()
        .map(|(i, t)| (t.table.clone(), i))
        .collect();
    let outputs = send_all(&backend, chunks(&unique, GET_LIMIT), &retry).await?;
    let mut slots: Vec<Vec<Option<Found>>> = unique
        .iter()
        .map(|t| std::iter::repeat_with(|| None).take(t.keys.len()).collect())
        .collect();
    let mut unplaced: Vec<Vec<Found>> = unique.iter().map(|_| Vec::new()).collect();
    let mut output = BatchGetOutput::default();
    for got in outputs {
        for (table, items) in got.items {
            let Some(&i) = index.get(&table) else {
                continue;
            };
            let (names, positions) = &places[i];
            for (print, item) in Found::keyed(items, names)? {
                // A projection that leaves key attributes out leaves nothing to place the item
                // by: it goes after the placed ones, never away.
                match positions.get(&print) {
                    Some(&at) => slots[i][at] = Some(item),
                    None => unplaced[i].push(item),
                }
            }
        }
        output.unprocessed.extend(got.unprocessed);
        output.capacity.add(got.capacity);
        add_units(&mut output.units_by_table, got.units_by_table);
        output.gave_up = output.gave_up.or(got.gave_up);
    }
    output.items = unique
        .into_iter()
        .zip(slots.into_iter().zip(unplaced))
        .map(|(table, (placed, rest))| {
            let found = placed.into_iter().flatten().chain(rest).collect();
            Ok((table.table, Found::gathered(found)?))
        })
        .collect::<Result<_, Error>>()?;
    output.unprocessed.retain(|t| !t.keys.is_empty());
    output.capacity.duration = start.elapsed();
    Ok(output)
}

/// Write every write of `writes`, which must hold no two writes of one key (DynamoDB refuses a
/// request that does). Writes still unwritten when the retries give up are in `unprocessed`.
pub async fn write_all(
    backend: Arc<dyn Backend>,
    writes: Vec<TableWrite>,
    retry: Retry,
) -> Result<BatchWriteOutput, Error> {
    let start = Instant::now();
    // Moved into their requests, not copied: a request's items are copied once per attempt
    // already (the SDK takes them by value, and a failed attempt needs them again).
    let mut requests = Vec::with_capacity(writes.len().div_ceil(WRITE_LIMIT));
    let mut writes = writes.into_iter().peekable();
    while writes.peek().is_some() {
        requests.push(writes.by_ref().take(WRITE_LIMIT).collect::<Vec<_>>());
    }
    let outputs = send_all(&backend, requests, &retry).await?;
    let mut output = BatchWriteOutput::default();
    for done in outputs {
        output.unprocessed.extend(done.unprocessed);
        output.capacity.add(done.capacity);
        add_units(&mut output.units_by_table, done.units_by_table);
        output.gave_up = output.gave_up.or(done.gave_up);
    }
    output.capacity.duration = start.elapsed();
    Ok(output)
}

/// Every task's result once all have finished (none is left running behind an error), or the
/// first error.
async fn joined<T: 'static>(mut tasks: JoinSet<Result<T, Error>>) -> Result<Vec<T>, Error> {
    let mut results = Vec::with_capacity(tasks.len());
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        let result = joined.unwrap_or_else(|err| Err(task_failed(&err)));
        match result {
            Ok(value) => results.push(value),
            Err(err) => {
                first_error.get_or_insert(err);
            }
        }
    }
    first_error.map_or(Ok(results), Err)
}

/// `tables`' keys in requests of at most `limit` keys, a table's read options kept with them.
fn chunks(tables: &[TableKeys], limit: usize) -> Vec<Vec<TableKeys>> {
    let mut requests: Vec<Vec<TableKeys>> = Vec::new();
    let mut room = 0;
    for table in tables {
        let mut keys = table.keys.as_slice();
        while !keys.is_empty() {
            if room == 0 {
                requests.push(Vec::new());
                room = limit;
            }
            let (now, later) = keys.split_at(room.min(keys.len()));
            room -= now.len();
            if let Some(request) = requests.last_mut() {
                request.push(TableKeys {
                    keys: now.to_vec(),
                    ..table.clone_options()
                });
            }
            keys = later;
        }
    }
    requests
}

impl TableKeys {
    fn clone_options(&self) -> Self {
        Self {
            table: self.table.clone(),
            keys: Vec::new(),
            consistent_read: self.consistent_read,
            projection: self.projection.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::{AttributeValue, Item, PageItems};

    fn key(pk: &str, sk: &str) -> Item {
        HashMap::from([
            ("pk".to_owned(), AttributeValue::S(pk.into())),
            ("sk".to_owned(), AttributeValue::N(sk.into())),
        ])
    }

    #[test]
    fn chunks_respect_the_limit_across_tables() {
        let tables = vec![
            TableKeys {
                table: "a".into(),
                keys: (0..150).map(|i| key("a", &i.to_string())).collect(),
                consistent_read: true,
                projection: None,
            },
            TableKeys {
                table: "b".into(),
                keys: (0..60).map(|i| key("b", &i.to_string())).collect(),
                ..TableKeys::default()
            },
        ];
        let requests = chunks(&tables, GET_LIMIT);
        let sizes: Vec<usize> = requests
            .iter()
            .map(|r| r.iter().map(|t| t.keys.len()).sum())
            .collect();
        assert_eq!(sizes, vec![100, 100, 10]);
        assert_eq!(requests[1].len(), 2, "the second request holds both tables");
        assert!(requests[1][0].consistent_read && !requests[1][1].consistent_read);
        let total: HashSet<_> = requests
            .iter()
            .flatten()
            .flat_map(|t| {
                t.keys
                    .iter()
                    .map(|k| fingerprint(k, ["pk", "sk"].map(String::from).iter()))
            })
            .collect();
        assert_eq!(total.len(), 210);
    }

    #[test]
    fn fingerprints_ignore_attribute_order_and_other_attributes() {
        let mut item = key("a", "1");
        item.insert("other".into(), AttributeValue::S("x".into()));
        let names = ["sk".to_owned(), "pk".to_owned()];
        assert_eq!(
            fingerprint(&item, names.iter()),
            fingerprint(&key("a", "1"), names.iter().rev())
        );
        assert_ne!(
            fingerprint(&key("a", "1"), names.iter()),
            fingerprint(&key("a", "2"), names.iter())
        );
    }

    use crate::fake::{Answer, FakeBackend, Request};
    use crate::{runtime, Write};

    fn writes(n: usize) -> Vec<TableWrite> {
        (0..n)
            .map(|i| TableWrite {
                table: "t".into(),
                write: Write::Put(key("a", &i.to_string())),
            })
            .collect()
    }

    fn retry(timeout: Duration) -> Retry {
        Retry { timeout }
    }

    fn written(fake: &FakeBackend, answers: &[usize]) -> Vec<TableWrite> {
        fake.requests()
            .into_iter()
            .zip(answers.iter().copied().chain(std::iter::repeat(0)))
            .flat_map(|(request, left)| match request {
                Request::Write(writes) => {
                    let kept = writes.len() - left;
                    writes.into_iter().take(kept).collect::<Vec<_>>()
                }
                Request::Get(_) => Vec::new(),
            })
            .collect()
    }

    #[test]
    fn unprocessed_writes_are_sent_again_until_all_are_written_once() {
        let fake = Arc::new(FakeBackend::new([Answer::Leave(10), Answer::Leave(3)]));
        let backend: Arc<dyn Backend> = fake.clone();
        let output = runtime()
            .block_on(write_all(
                backend,
                writes(25),
                retry(Duration::from_secs(5)),
            ))
            .expect("written");
        assert!(output.unprocessed.is_empty() && output.gave_up.is_none());
        let sizes: Vec<usize> = fake
            .requests()
            .iter()
            .map(|r| match r {
                Request::Write(w) => w.len(),
                Request::Get(k) => k.len(),
            })
            .collect();
        assert_eq!(sizes, vec![25, 10, 3]);
        assert_eq!(written(&fake, &[10, 3]), writes(25));
        assert_eq!(output.capacity.attempts, 3);
    }

    #[test]
    fn transient_failures_are_retried_and_permanent_ones_returned() {
        let throttled = ErrorKind::Throttling {
            code: "ThrottlingException".into(),
            message: "slow down".into(),
        };
        let fake = Arc::new(FakeBackend::new([Answer::Fail(throttled)]));
        let backend: Arc<dyn Backend> = fake.clone();
        let output = runtime()
            .block_on(write_all(backend, writes(5), retry(Duration::from_secs(5))))
            .expect("written after a retry");
        assert!(output.unprocessed.is_empty());
        assert_eq!(fake.requests().len(), 2);

        let refused = ErrorKind::Validation {
            message: "no".into(),
        };
        let backend: Arc<dyn Backend> = Arc::new(FakeBackend::new([Answer::Fail(refused)]));
        let err = runtime()
            .block_on(write_all(backend, writes(5), retry(Duration::from_secs(5))))
            .expect_err("a validation error is not retried");
        assert!(matches!(err.kind(), ErrorKind::Validation { .. }));
    }

    #[test]
    fn what_is_still_left_when_time_runs_out_is_returned_not_dropped() {
        let always = (0..10_000).map(|_| Answer::Leave(4));
        let backend: Arc<dyn Backend> = Arc::new(FakeBackend::new(always));
        let output = runtime()
            .block_on(write_all(
                backend,
                writes(30),
                retry(Duration::from_millis(100)),
            ))
            .expect("an answer");
        assert_eq!(
            output.unprocessed.len(),
            4 + 4,
            "the last 4 of each of two requests"
        );
        let why = output.gave_up.expect("a reason");
        assert!(why.contains("retry time ran out"), "{why}");
    }

    #[test]
    fn batch_gets_come_back_in_key_order_with_duplicates_read_once() {
        let keys: Vec<Item> = [3, 1, 2, 1, 3]
            .iter()
            .map(|i| key("a", &i.to_string()))
            .collect();
        let tables = vec![TableKeys {
            table: "t".into(),
            keys,
            ..TableKeys::default()
        }];
        let expected: Vec<Item> = [3, 1, 2].iter().map(|i| key("a", &i.to_string())).collect();
        // The fake answers its first request in DynamoDB's JSON and its second in SDK values:
        // a table's items stay JSON when every one came as it.
        for (script, json) in [(vec![], true), (vec![Answer::Leave(1)], false)] {
            let fake = Arc::new(FakeBackend::new(script));
            let backend: Arc<dyn Backend> = fake.clone();
            let output = runtime()
                .block_on(get_all(
                    backend,
                    tables.clone(),
                    retry(Duration::from_secs(5)),
                ))
                .expect("read");
            let [(table, items)] = <[_; 1]>::try_from(output.items).expect("one table");
            assert_eq!(table, "t");
            assert_eq!(matches!(items, PageItems::Json(_)), json, "{items:?}");
            assert_eq!(items.into_values().expect("items"), expected);
            let asked = if json { 1 } else { 2 };
            assert_eq!(
                fake.requests().len(),
                asked,
                "what was left was asked again"
            );
        }
    }

    #[test]
    fn pauses_grow_but_stay_bounded() {
        for attempt in 0..40 {
            let ceiling = FIRST_PAUSE
                .saturating_mul(1 << attempt.min(16))
                .min(LONGEST_PAUSE);
            assert!(pause(attempt) <= ceiling);
        }
    }
}
