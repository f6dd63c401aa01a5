//! The steps that move items: one chunk of a file written to a table (batch writes retried
//! until done), one page of each segment of a parallel scan written to a file. The file work
//! runs on the runtime's blocking threads, so it never stalls the requests in flight.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use dynomodel_client::batch::{task_failed, write_all, Retry};
use dynomodel_client::reads::scan_pages;
use dynomodel_client::{Backend, Capacity, Item, Scan, TableWrite, Write};

use crate::check::{identity, Schema};
use crate::error::TransferError;
use crate::sink::Sink;
use crate::source::{Checked, Source};

/// A source or sink shared between the binding that holds it and the step that uses it.
pub type Shared<T> = Arc<Mutex<T>>;

/// The value behind `shared`; a step that panicked while holding it left nothing a later
/// step could not report on, so the poison is ignored.
pub fn lock<T>(shared: &Mutex<T>) -> MutexGuard<'_, T> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, TransferError> + Send + 'static,
) -> Result<T, TransferError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|err| Err(task_failed(&err).into()))
}

/// Check the next `max_lines` lines of `source`.
///
/// # Errors
/// The first bad line, or a read error.
pub async fn check_lines(source: Shared<Source>, max_lines: u64) -> Result<Checked, TransferError> {
    blocking(move || lock(&source).check(max_lines)).await
}

/// Read `source` again from the top, past its first `skip` lines.
///
/// # Errors
/// [`TransferError::Changed`] when the file changed since it was opened; a read error.
pub async fn rewind(source: Shared<Source>, skip: u64) -> Result<(), TransferError> {
    blocking(move || lock(&source).rewind(skip)).await
}

/// What writing one chunk did.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// Items read from the chunk's lines.
    pub items: usize,
    /// The number of the chunk's last line: every line up to it is written, unless
    /// `unprocessed` says otherwise.
    pub last_line: u64,
    /// Whether the file ended.
    pub done: bool,
    /// Writes still unwritten when the retries gave up.
    pub unprocessed: usize,
    /// Why the retries gave up, when they did.
    pub gave_up: Option<String>,
    /// What the requests consumed.
    pub capacity: Capacity,
}

/// Read the next chunk of `source` (at most `max_items` items, `max_bytes` of lines) and put
/// every item into `table` with batch writes, retried until written or `retry` gives up.
/// Two lines of one key in a chunk are one put, of the later line: DynamoDB refuses a batch
/// that holds both, and a later line replaces an earlier one as it would in file order.
///
/// # Errors
/// A bad line or read error; a write DynamoDB refused.
pub async fn import_chunk(
    backend: Arc<dyn Backend>,
    source: Shared<Source>,
    table: String,
    (max_items, max_bytes): (usize, usize),
    retry: Retry,
) -> Result<Imported, TransferError> {
    let (chunk, schema) = blocking(move || {
        let mut source = lock(&source);
        Ok((source.chunk(max_items, max_bytes)?, source.schema().clone()))
    })
    .await?;
    let items = chunk.items.len();
    let writes = last_of_each_key(chunk.items, &schema)
        .into_iter()
        .map(|item| TableWrite {
            table: table.clone(),
            write: Write::Put(item),
        })
        .collect();
    let output = write_all(backend, writes, retry).await?;
    Ok(Imported {
        items,
        last_line: chunk.last_line,
        done: chunk.done,
        unprocessed: output.unprocessed.len(),
        gave_up: output.gave_up,
        capacity: output.capacity,
    })
}

fn last_of_each_key(items: Vec<Item>, schema: &Schema) -> Vec<Item> {
    let mut places: HashMap<Vec<Vec<u8>>, usize> = HashMap::with_capacity(items.len());
    let mut kept: Vec<Item> = Vec::with_capacity(items.len());
    for item in items {
        match places.entry(identity(&item, schema)) {
            std::collections::hash_map::Entry::Occupied(place) => kept[*place.get()] = item,
            std::collections::hash_map::Entry::Vacant(place) => {
                place.insert(kept.len());
                kept.push(item);
            }
        }
    }
    kept
}

/// What one round of an export's scan did.
#[derive(Debug, Clone, Default)]
pub struct Exported {
    /// Items written.
    pub items: usize,
    /// Where each segment's next page starts, in the order of the requests; None after its
    /// last page.
    pub last_keys: Vec<Option<Item>>,
    /// What the requests consumed.
    pub capacity: Capacity,
}

/// One page of each of `requests` (segments of a parallel scan, sent together), its items
/// written to `sink` as lines.
///
/// # Errors
/// A Scan error; a write error.
pub async fn export_pages(
    backend: Arc<dyn Backend>,
    requests: Vec<Scan>,
    sink: Shared<Sink>,
) -> Result<Exported, TransferError> {
    let start = Instant::now();
    let table = requests
        .first()
        .map(|r| r.table.clone())
        .unwrap_or_default();
    let pages = scan_pages(backend, requests).await?;
    let mut exported = Exported::default();
    let mut items = Vec::new();
    for page in pages {
        exported.capacity.read += page.capacity.read;
        exported.capacity.attempts += page.capacity.attempts;
        exported.last_keys.push(page.last_key);
        items.extend(page.items);
    }
    exported.items = items.len();
    blocking(move || lock(&sink).write(items, &table)).await?;
    exported.capacity.duration = start.elapsed();
    Ok(exported)
}

#[cfg(test)]
mod tests {
    use dynomodel_client::{AttributeValue, KeyAttribute, KeyType};

    use super::*;

    #[test]
    fn the_later_line_of_a_key_wins_in_the_earlier_place() {
        let schema = Schema {
            keys: vec![KeyAttribute {
                name: "pk".into(),
                key_type: KeyType::N,
            }],
            index_keys: vec![],
        };
        let item = |pk: &str, v: &str| {
            HashMap::from([
                ("pk".to_owned(), AttributeValue::N(pk.into())),
                ("v".to_owned(), AttributeValue::S(v.into())),
            ])
        };
        let kept = last_of_each_key(
            vec![item("1", "a"), item("2", "b"), item("1.0", "c")],
            &schema,
        );
        assert_eq!(kept, vec![item("1.0", "c"), item("2", "b")]);
    }
}
