//! Moving data between DynamoDB tables and files of DynamoDB JSON lines, the format of
//! DynamoDB's export to S3: one `{"Item": {...}}` a line, plain or gzip.
//!
//! A file is read a line at a time ([`Source`]) and written a line at a time ([`Sink`]); what
//! travels between the file and the table is one bounded chunk, never the whole. Every line is
//! parsed with serde_dynamo and checked against DynamoDB's rules and the table's keys
//! ([`check`]) so that a bad line is reported by number, naming the rule and never the value.
//! [`import_chunk`] and [`export_pages`] are the steps the bindings run, one call each.

pub mod check;
mod error;
mod line;
mod moving;
mod sink;
mod source;

pub use check::Schema;
pub use error::{BadLine, Rule, TransferError};
pub use moving::{export_pages, import_chunk, Exported, Exporting, Imported, Importing};
pub use sink::Sink;
pub use source::{Checked, Chunk, Source};
