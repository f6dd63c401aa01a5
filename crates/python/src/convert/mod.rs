//! Everything that crosses between Python and the client crate: wire values, the typed
//! arguments Python hands over, and the classes it gets back.

pub mod args;
pub mod outputs;
pub mod values;
