//! The dynomodel codec: the pure-Rust half of mapping typed Python values to DynamoDB.
//!
//! A [`Plan`] is compiled once per model class and says, for every field, which DynamoDB type it
//! becomes ([`Kind`]). The bindings walk Python objects along the plan and build DynamoDB's wire
//! form directly; this crate owns the rules DynamoDB imposes on those values: number precision and range
//! ([`number`]), time formats whose string order is time order ([`temporal`]), item size
//! ([`size`]), key templates ([`Template`]), and the typed errors that name the field and the rule ([`CodecError`]).
//!
//! The crate knows nothing of Python: the plan is generic over the handle type `H` the bindings use
//! for the few nodes that need a host object (an enum class, a fallback adapter).

mod error;
pub mod number;
mod plan;
pub mod size;
mod template;
pub mod temporal;

pub use error::{CodecError, PathSegment, Rule};
pub use plan::{
    Absent, DateTimeForm, Field, Kind, LocateError, Plan, PlanError, Record, RecordId, Step,
    WireType,
};
pub use template::{Part, Stored, Template};
