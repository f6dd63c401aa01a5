//! Rust futures as asyncio futures, and blocking calls with the GIL released.
//!
//! An operation runs on the shared tokio runtime. For asyncio, its first poll runs on the
//! caller's thread (a call the embedded engine answers is done then, and its future is settled
//! at once); otherwise it goes on as a task, which resolves an
//! `asyncio.Future` of the caller's loop through `call_soon_threadsafe`, converting its result and
//! dropping every Python handle inside that one attach; it counts itself in flight until it has
//! let go of Python entirely, and [`quiesce`] (run at exit) waits for the count to reach zero, so
//! no runtime thread touches the interpreter while it finalizes. (pyo3-async-runtimes resolves
//! futures from a blocking-pool thread that nothing tracks, which raced finalization: the process
//! aborted at exit in 2 of 3 runs of the quickstart.) Cancelling the asyncio future aborts the
//! task, which drops the operation at its next await: a request not yet sent is never sent.
//!
//! A blocking call waits with the GIL released but wakes every [`SIGNAL_CHECK`] to let Python
//! run its signal handlers: Ctrl-C raises `KeyboardInterrupt` at once and drops the operation,
//! instead of being seen only when the call returns.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;
use std::time::{Duration, Instant};

use dynomodel_client::runtime;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tokio::task::AbortHandle;

static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static RESOLVE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// How often a blocking call lets Python handle signals while it waits.
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

/// One operation counted in flight for as long as it may touch Python, an aborted one included.
struct InFlight;

impl InFlight {
    fn enter() -> Self {
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        Self
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The done-callback of an operation's asyncio future: a cancelled future aborts its task.
#[pyclass(frozen, module = "dynomodel._native")]
struct AbortOnCancel(AbortHandle);

#[pymethods]
impl AbortOnCancel {
    fn __call__(&self, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future
            .call_method0(intern!(future.py(), "cancelled"))?
            .is_truthy()?
        {
            self.0.abort();
        }
        Ok(())
    }
}

/// A Python value built from an operation's result once the GIL is held again.
pub trait ToPython: Send + 'static {
    /// Convert, holding the GIL.
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>>;
}

/// An operation's error, raised as its `dynomodel.exceptions` class once the GIL is held
/// again ([`crate::errors`] decides which).
pub trait Raise: Send + 'static {
    /// The Python exception, holding the GIL.
    fn raise(self, py: Python<'_>) -> PyErr;
}

/// Run `operation`: blocking with the GIL released, or as an awaitable for the running loop.
pub fn run<'py, T: ToPython, E: Raise>(
    py: Python<'py>,
    blocking: bool,
    operation: impl Future<Output = Result<T, E>> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>> {
    if blocking {
        match wait(py, operation)? {
            Ok(value) => value.to_python(py),
            Err(err) => Err(err.raise(py)),
        }
    } else {
        awaitable(py, operation)
    }
}

/// Block on `operation` with the GIL released; a signal handler that raises (Ctrl-C) ends the
/// wait with its exception and drops the operation.
fn wait<T: Send, E: Send>(
    py: Python<'_>,
    operation: impl Future<Output = Result<T, E>> + Send,
) -> PyResult<Result<T, E>> {
    py.detach(|| {
        runtime().block_on(async {
            tokio::pin!(operation);
            // A call the embedded engine answers is done on its first poll: it needs no timer.
            let first = std::future::poll_fn(|cx| Poll::Ready(operation.as_mut().poll(cx)));
            if let Poll::Ready(done) = first.await {
                return Ok(done);
            }
            loop {
                tokio::select! {
                    biased;
                    done = &mut operation => return Ok(done),
                    () = tokio::time::sleep(SIGNAL_CHECK) => {
                        Python::attach(|py| py.check_signals())?;
                    }
                }
            }
        })
    })
}

fn awaitable<'py, T: ToPython, E: Raise>(
    py: Python<'py>,
    operation: impl Future<Output = Result<T, E>> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>> {
    let event_loop = py
        .import(intern!(py, "asyncio"))?
        .call_method0(intern!(py, "get_running_loop"))?;
    let future = event_loop.call_method0(intern!(py, "create_future"))?;
    // The first poll runs here, with the GIL released: a call the embedded engine answers
    // completes in it (the engine answers on the polling thread), and settling the future now
    // spares it two thread hand-offs and a wake-up of the loop, most of an awaited call's cost.
    // A call that waits on a socket or a timer is pending after microseconds and goes on as a
    // task of the runtime.
    let mut operation = Box::pin(operation);
    let first = py.detach(|| {
        runtime().block_on(std::future::poll_fn(|cx| {
            Poll::Ready(operation.as_mut().poll(cx))
        }))
    });
    if let Poll::Ready(result) = first {
        match result
            .map_err(|err| err.raise(py))
            .and_then(|v| v.to_python(py))
        {
            Ok(value) => future.call_method1(intern!(py, "set_result"), (value,))?,
            Err(err) => future.call_method1(intern!(py, "set_exception"), (err.into_value(py),))?,
        };
        return Ok(future);
    }
    let resolve = RESOLVE
        .get(py)
        .ok_or_else(|| {
            pyo3::exceptions::PyRuntimeError::new_err(
                "no resolver registered: import dynomodel before awaiting its native calls",
            )
        })?
        .clone_ref(py);
    let (event_loop, target) = (event_loop.unbind(), future.clone().unbind());
    let in_flight = InFlight::enter();
    let task = runtime().spawn(async move {
        let _in_flight = in_flight;
        let result = operation.await;
        Python::attach(move |py| {
            let outcome = match result {
                Ok(value) => value.to_python(py).map(|v| (true, v)),
                Err(err) => Err(err.raise(py)),
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
    });
    future.call_method1(
        intern!(py, "add_done_callback"),
        (AbortOnCancel(task.abort_handle()),),
    )?;
    Ok(future)
}

/// Register the function that settles asyncio futures (`resolve(future, ok, value)`), called on
/// the future's loop; the package's driver registers it when it is imported.
#[pyfunction]
pub fn set_resolver(py: Python<'_>, resolve: Py<PyAny>) {
    // The first registration stays: the driver module is imported once per interpreter.
    let _ = RESOLVE.set(py, resolve);
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
