//! Reads of several pages at once: the segments of a parallel scan, requested concurrently.

use std::sync::Arc;

use crate::batch::task_failed;
use crate::{Backend, Error, Page, Scan};

/// One page of each of `requests` (the segments of a parallel scan, or one plain scan), the
/// requests running concurrently on the runtime; the pages in the order of the requests.
///
/// # Errors
/// The first request's error, once every request has finished.
pub async fn scan_pages(
    backend: Arc<dyn Backend>,
    requests: Vec<Scan>,
) -> Result<Vec<Page>, Error> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|request| {
            let backend = Arc::clone(&backend);
            tokio::spawn(async move { backend.scan(request).await })
        })
        .collect();
    let mut pages = Vec::with_capacity(tasks.len());
    let mut first_error = None;
    for task in tasks {
        match task.await.unwrap_or_else(|err| Err(task_failed(&err))) {
            Ok(page) => pages.push(page),
            Err(err) => {
                first_error.get_or_insert(err);
            }
        }
    }
    first_error.map_or(Ok(pages), Err)
}
