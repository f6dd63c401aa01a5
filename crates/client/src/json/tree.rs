//! DynamoDB JSON as a tree that borrows its text from the body it was read from: what the
//! decoder walks to build a page's Python objects, each string copied only into the object
//! made of it.

use std::borrow::Cow;

use super::parse::{self, Fault};
use super::unreadable_at;
use crate::Error;

/// The items of a page, parsed from their JSON text ([`parse`]), checked as UTF-8 once, whole.
///
/// # Errors
/// Where the text breaks DynamoDB JSON (or UTF-8); never a value.
pub fn items(json: &[u8]) -> Result<Vec<Entries<'_>>, Error> {
    let parsed = std::str::from_utf8(json)
        .map_err(|err| Fault {
            at: err.valid_up_to(),
            what: "a byte that is not UTF-8",
        })
        .and_then(parse::items);
    parsed.map_err(|fault| {
        let (line, column) = fault.line_column(json);
        unreadable_at(fault.what, line, column)
    })
}

/// Text as the body holds it: borrowed, unless it had escapes to undo.
pub struct Text<'a>(pub Cow<'a, str>);

/// An attribute value: `{"S": "x"}`, `{"L": [...]}`, ...
pub enum Value<'a> {
    /// A string.
    S(Text<'a>),
    /// A number, as its text.
    N(Text<'a>),
    /// Binary, as its base64, decoded when the bytes are asked for.
    B(Text<'a>),
    /// A boolean.
    Bool(bool),
    /// `NULL`, and any type a newer DynamoDB adds that this version does not know.
    Null,
    /// A string set.
    Ss(Vec<Text<'a>>),
    /// A number set.
    Ns(Vec<Text<'a>>),
    /// A binary set, as base64.
    Bs(Vec<Text<'a>>),
    /// A list.
    L(Vec<Value<'a>>),
    /// A map.
    M(Entries<'a>),
}

/// An item or an `M`: names and values, in the order they came.
pub struct Entries<'a>(pub Vec<(Text<'a>, Value<'a>)>);
