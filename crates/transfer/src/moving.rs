//! The steps that move items: one chunk of a file written to a table (batch writes retried
//! until done), one page of each segment of a parallel scan written to a file. The file work
//! runs on the runtime's blocking threads, so it never stalls the requests in flight.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use tokio::task::JoinHandle;

use dynomodel_client::batch::{task_failed, write_all, Retry};
use dynomodel_client::reads::scan_pages;
use dynomodel_client::{Backend, Capacity, Item, Scan, TableWrite, Write};

use crate::check::{identity, Schema};
use crate::error::TransferError;
use crate::sink::Sink;
use crate::source::{Checked, Source};

/// A source or sink shared between the value that holds it and the step that uses it.
type Shared<T> = Arc<Mutex<T>>;

/// The value behind `shared`; a step that panicked while holding it left nothing a later
/// step could not report on, so the poison is ignored.
fn lock<T>(shared: &Mutex<T>) -> MutexGuard<'_, T> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, TransferError> + Send + 'static,
) -> Result<T, TransferError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|err| Err(task_failed(&err).into()))
}

/// The settled result of `task`, if there is one.
async fn settled<T>(
    task: Option<JoinHandle<Result<T, TransferError>>>,
) -> Option<Result<T, TransferError>> {
    Some(
        task?
            .await
            .unwrap_or_else(|err| Err(task_failed(&err).into())),
    )
}

/// An import's file between its steps: the source, and the next chunk, read while the last
/// one is written.
pub struct Importing {
    source: Shared<Source>,
    ahead: Mutex<Option<JoinHandle<Result<Prepared, TransferError>>>>,
}

/// A chunk ready to write.
struct Prepared {
    /// Items read from its lines.
    items: usize,
    /// The items to put, the later of two lines of one key kept.
    puts: Vec<Item>,
    last_line: u64,
    done: bool,
}

impl Importing {
    /// Import from `source`.
    pub fn new(source: Source) -> Self {
        Self {
            source: Arc::new(Mutex::new(source)),
            ahead: Mutex::new(None),
        }
    }

    /// Check the next `max_lines` lines.
    ///
    /// # Errors
    /// The first bad line, or a read error.
    pub async fn check(self: Arc<Self>, max_lines: u64) -> Result<Checked, TransferError> {
        blocking(move || lock(&self.source).check(max_lines)).await
    }

    /// Read again from the top, past the first `skip` lines (a chunk read ahead is dropped).
    ///
    /// # Errors
    /// [`TransferError::Changed`] when the file changed since it was opened; a read error.
    pub async fn rewind(self: Arc<Self>, skip: u64) -> Result<(), TransferError> {
        let ahead = lock(&self.ahead).take();
        drop(settled(ahead).await);
        blocking(move || lock(&self.source).rewind(skip)).await
    }

    /// The next chunk: the one read ahead, else one read now; the one after it starts being
    /// read at once.
    async fn next(&self, limits: (usize, usize)) -> Result<Prepared, TransferError> {
        let ahead = lock(&self.ahead).take();
        let chunk = match settled(ahead).await {
            Some(chunk) => chunk?,
            None => {
                let source = Arc::clone(&self.source);
                blocking(move || prepared(&source, limits)).await?
            }
        };
        if !chunk.done {
            let source = Arc::clone(&self.source);
            let task = tokio::task::spawn_blocking(move || prepared(&source, limits));
            *lock(&self.ahead) = Some(task);
        }
        Ok(chunk)
    }
}

fn prepared(
    source: &Mutex<Source>,
    (max_items, max_bytes): (usize, usize),
) -> Result<Prepared, TransferError> {
    let mut source = lock(source);
    let chunk = source.chunk(max_items, max_bytes)?;
    Ok(Prepared {
        items: chunk.items.len(),
        puts: last_of_each_key(chunk.items, source.schema()),
        last_line: chunk.last_line,
        done: chunk.done,
    })
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

/// Take the next chunk of `importing` (at most `max_items` items, `max_bytes` of lines) and
/// put every item into `table` with batch writes, retried until written or `retry` gives up;
/// the chunk after it is read meanwhile. Two lines of one key in a chunk are one put, of the
/// later line: DynamoDB refuses a batch that holds both, and a later line replaces an earlier
/// one as it would in file order.
///
/// # Errors
/// A bad line or read error; a write DynamoDB refused.
pub async fn import_chunk(
    backend: Arc<dyn Backend>,
    importing: Arc<Importing>,
    table: String,
    limits: (usize, usize),
    retry: Retry,
) -> Result<Imported, TransferError> {
    let chunk = importing.next(limits).await?;
    let writes = chunk
        .puts
        .into_iter()
        .map(|item| TableWrite {
            table: table.clone(),
            write: Write::Put(item),
        })
        .collect();
    let output = write_all(backend, writes, retry).await?;
    Ok(Imported {
        items: chunk.items,
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

/// An export's file between its steps: the sink, and the write of the last round's items,
/// which goes on while the next round is scanned.
pub struct Exporting {
    sink: Shared<Sink>,
    writing: Mutex<Option<JoinHandle<Result<(), TransferError>>>>,
}

impl Exporting {
    /// Export into `sink`.
    pub fn new(sink: Sink) -> Self {
        Self {
            sink: Arc::new(Mutex::new(sink)),
            writing: Mutex::new(None),
        }
    }

    /// Wait for the write under way, if there is one.
    async fn written(&self) -> Result<(), TransferError> {
        let task = lock(&self.writing).take();
        match task {
            Some(task) => task
                .await
                .unwrap_or_else(|err| Err(task_failed(&err).into())),
            None => Ok(()),
        }
    }

    /// Write what is left, flush the file and give it its name.
    ///
    /// # Errors
    /// A write error, this one's or an earlier round's.
    pub async fn finish(self: Arc<Self>) -> Result<(), TransferError> {
        self.written().await?;
        blocking(move || lock(&self.sink).finish()).await
    }

    /// Stop writing and remove the partial file (once the write under way, if any, is done).
    pub fn discard(&self) {
        drop(lock(&self.writing).take());
        lock(&self.sink).discard();
    }
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
/// written to `exporting` as lines, on a blocking thread while the next round is scanned.
///
/// # Errors
/// A Scan error; the previous round's write error.
pub async fn export_pages(
    backend: Arc<dyn Backend>,
    requests: Vec<Scan>,
    exporting: Arc<Exporting>,
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
        exported.capacity.add(page.capacity);
        exported.last_keys.push(page.last_key);
        items.extend(page.items.into_values()?);
    }
    exported.items = items.len();
    exporting.written().await?;
    let sink = Arc::clone(&exporting.sink);
    let task = tokio::task::spawn_blocking(move || lock(&sink).write(items, &table));
    *lock(&exporting.writing) = Some(task);
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
