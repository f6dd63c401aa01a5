//! Rust futures as asyncio futures, and blocking calls with the GIL released.
//!
//! An operation runs on the shared tokio runtime. For asyncio, the task resolves an
//! `asyncio.Future` of the caller's loop through `call_soon_threadsafe`, converting its result and
//! dropping every Python handle inside that one attach; it counts itself in flight until it has
//! let go of Python entirely, and [`quiesce`] (run at exit) waits for the count to reach zero, so
//! no runtime thread touches the interpreter while it finalizes. (pyo3-async-runtimes resolves
//! futures from a blocking-pool thread that nothing tracks, which raced finalization: the process
//! aborted at exit in 2 of 3 runs of the quickstart.)

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use dynomodel_client::{runtime, Error};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::errors;

static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static RESOLVE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A Python value built from an operation's result once the GIL is held again.
pub trait ToPython: Send + 'static {
    /// Convert, holding the GIL.
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>>;
}

/// Run `operation`: blocking with the GIL released, or as an awaitable for the running loop.
pub fn run<'py, T: ToPython>(
    py: Python<'py>,
    blocking: bool,
    operation: impl Future<Output = Result<T, Error>> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>> {
    if blocking {
        match py.detach(|| runtime().block_on(operation)) {
            Ok(value) => value.to_python(py),
            Err(err) => Err(errors::client_error(py, err)),
        }
    } else {
        awaitable(py, operation)
    }
}

fn awaitable<'py, T: ToPython>(
    py: Python<'py>,
    operation: impl Future<Output = Result<T, Error>> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>> {
    let event_loop = py
        .import(intern!(py, "asyncio"))?
        .call_method0(intern!(py, "get_running_loop"))?;
    let future = event_loop.call_method0(intern!(py, "create_future"))?;
    let resolve = RESOLVE
        .get_or_try_init(py, || -> PyResult<_> {
            Ok(py.import("dynomodel._calls")?.getattr("resolve")?.unbind())
        })?
        .clone_ref(py);
    let (event_loop, target) = (event_loop.unbind(), future.clone().unbind());
    IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
    runtime().spawn(async move {
        let result = operation.await;
        Python::attach(move |py| {
            let outcome = match result {
                Ok(value) => value.to_python(py).map(|v| (true, v)),
                Err(err) => Err(errors::client_error(py, err)),
            };
            let (ok, value) = match outcome {
                Ok(pair) => pair,
                Err(err) => (false, err.into_value(py).into_bound(py).into_any()),
            };
            let args = (resolve.bind(py), target.bind(py), ok, value);
            // A closed loop has nobody left to tell.
            let _ = event_loop
                .bind(py)
                .call_method1(intern!(py, "call_soon_threadsafe"), args);
            drop((event_loop, target, resolve));
        });
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    });
    Ok(future)
}

/// Wait, with the GIL released, until no operation holds Python objects any more (or `timeout`
/// seconds pass); registered with `atexit` so the interpreter finalizes alone.
#[pyfunction]
pub fn quiesce(py: Python<'_>, timeout: f64) {
    let deadline = Instant::now() + Duration::from_secs_f64(timeout.max(0.0));
    py.detach(|| {
        while IN_FLIGHT.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}
