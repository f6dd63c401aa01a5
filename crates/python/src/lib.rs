//! `dynomodel._native`: the only crate that knows Python.
//!
//! It compiles the plan the Python side describes ([`spec`]), walks model instances along it
//! ([`encode`]), turns DynamoDB's wire form back into data for one bulk pydantic validation
//! ([`decode`]), runs the DynamoDB operations of the client crate from asyncio or blocking with
//! the GIL released ([`client`]), and maps every Rust error onto `dynomodel.exceptions`
//! ([`errors`]); it moves items between files of DynamoDB JSON lines and tables ([`transfer`]).

mod bridge;
mod client;
mod codec;
mod convert;
mod decode;
mod dump;
mod encode;
mod engine;
mod entities;
mod errors;
mod py_types;
mod source;
mod spec;
mod transfer;
mod wire;

use pyo3::prelude::*;

// Every call allocates its request and answer several times over (the SDK's JSON, the engine's
// values, the decoded items): mimalloc serves those small, short-lived blocks far faster than
// the system allocator. Python's own objects keep Python's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[pymodule]
mod _native {
    #[pymodule_export]
    use super::bridge::{quiesce, set_resolver};

    #[pymodule_export]
    use super::client::{BudgetState, Client};

    #[pymodule_export]
    use super::codec::Codec;

    #[pymodule_export]
    use super::encode::NativeItem;

    #[pymodule_export]
    use super::entities::{Entities, RawItem};

    #[pymodule_export]
    use super::engine::{serve, EngineServer};

    #[pymodule_export]
    use super::transfer::{CheckOutput, ExportOutput, ExportSink, ImportOutput, ImportSource};

    #[pymodule_export]
    use super::convert::outputs::{
        BatchGetOutput, BatchStatementOutput, BatchWriteOutput, Cost, ItemOutput, PageOutput,
        StatementOutput, TableDescription, TransactGetOutput,
    };

    #[pymodule_export]
    const UNKNOWN_ATTRIBUTES: &str = super::codec::UNKNOWN_ATTRIBUTES;

    #[pymodule_export]
    const STORED_KEY: &str = super::codec::STORED_KEY;

    #[pymodule_export]
    const UNREAD_FIELDS: &str = super::codec::UNREAD_FIELDS;

    #[pymodule_export]
    #[allow(non_upper_case_globals)]
    const __version__: &str = env!("CARGO_PKG_VERSION");
}
