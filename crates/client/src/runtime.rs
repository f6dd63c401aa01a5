//! The one tokio runtime of the process.

use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// The process-wide runtime every operation runs on, started on first use.
///
/// # Panics
/// When the operating system refuses the runtime's threads: nothing can run without them.
#[allow(clippy::expect_used)]
pub fn runtime() -> &'static Runtime {
    RUNTIME.get_or_init(|| {
        Builder::new_multi_thread()
            .enable_all()
            .thread_name("dynomodel")
            .build()
            .expect("the tokio runtime could not start its threads")
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_runtime_per_process() {
        assert!(std::ptr::eq(super::runtime(), super::runtime()));
        assert_eq!(super::runtime().block_on(async { 1 + 1 }), 2);
    }
}
