//! Waiting for a table to be ready, or gone.

use std::time::{Duration, Instant};

use crate::{Backend, Error, ErrorKind};

/// The first pause between two DescribeTable calls; it doubles up to [`LONGEST_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(50);
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

/// Poll DescribeTable, with backoff, until the table is ACTIVE (`exists`) or gone (`!exists`).
///
/// # Errors
/// A `WaiterTimeout` service error when `timeout` passes first; any other DescribeTable error.
pub async fn wait_for_table(
    backend: &dyn Backend,
    table: String,
    exists: bool,
    timeout: Duration,
) -> Result<(), Error> {
    let deadline = Instant::now() + timeout;
    let mut pause = FIRST_PAUSE;
    loop {
        let done = match backend.describe_table(table.clone()).await {
            Ok(description) => exists && description.status == "ACTIVE",
            Err(err) if matches!(err.kind(), ErrorKind::TableNotFound { .. }) => !exists,
            Err(err) => return Err(err),
        };
        if done {
            return Ok(());
        }
        if Instant::now() >= deadline {
            let state = if exists { "active" } else { "deleted" };
            return Err(ErrorKind::Service {
                code: "WaiterTimeout".into(),
                message: format!(
                    "table '{table}' was not {state} within {:.0} s",
                    timeout.as_secs_f64()
                ),
            }
            .into());
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(LONGEST_PAUSE);
    }
}

/// Whether the table exists (one DescribeTable).
///
/// # Errors
/// Any DescribeTable error but a missing table.
pub async fn table_exists(backend: &dyn Backend, table: String) -> Result<bool, Error> {
    match backend.describe_table(table).await {
        Ok(_) => Ok(true),
        Err(err) if matches!(err.kind(), ErrorKind::TableNotFound { .. }) => Ok(false),
        Err(err) => Err(err),
    }
}
