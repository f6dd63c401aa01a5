//! DynamoDB's wire form as Python data, the shape boto3's low-level client uses:
//! `{"S": "x"}`, `{"N": "1.5"}`, `{"B": b"..."}`, `{"SS": ["a"]}`, `{"L": [...]}`, `{"M": {...}}`.

use dynomodel_codec::size;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::errors;

/// The type descriptor of a wire value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// `S`
    S,
    /// `N`
    N,
    /// `B`
    B,
    /// `BOOL`
    Bool,
    /// `NULL`
    Null,
    /// `SS`
    Ss,
    /// `NS`
    Ns,
    /// `BS`
    Bs,
    /// `L`
    L,
    /// `M`
    M,
}

impl Tag {
    /// Every tag, the most common first.
    const ALL: [Self; 10] = [
        Self::S,
        Self::N,
        Self::M,
        Self::L,
        Self::Ss,
        Self::B,
        Self::Bool,
        Self::Null,
        Self::Ns,
        Self::Bs,
    ];

    /// The interned descriptor string, the key of a wire value's dict.
    pub fn key(self, py: Python<'_>) -> &Bound<'_, PyString> {
        match self {
            Self::S => intern!(py, "S"),
            Self::N => intern!(py, "N"),
            Self::B => intern!(py, "B"),
            Self::Bool => intern!(py, "BOOL"),
            Self::Null => intern!(py, "NULL"),
            Self::Ss => intern!(py, "SS"),
            Self::Ns => intern!(py, "NS"),
            Self::Bs => intern!(py, "BS"),
            Self::L => intern!(py, "L"),
            Self::M => intern!(py, "M"),
        }
    }
}

/// Split `{"S": "x"}` into its tag and payload.
pub fn split<'py>(value: &Bound<'py, PyAny>) -> PyResult<(Tag, Bound<'py, PyAny>)> {
    let py = value.py();
    let dict = value.cast::<PyDict>().map_err(|_| not_a_value(value))?;
    let Some((tag, payload)) = dict.iter().next().filter(|_| dict.len() == 1) else {
        return Err(not_a_value(value));
    };
    // The codec's own wire dicts, and the client's, are keyed by the interned descriptors:
    // telling them apart by identity spares reading each one's text.
    if let Some(known) = Tag::ALL.into_iter().find(|known| tag.is(known.key(py))) {
        return Ok((known, payload));
    }
    let text = tag
        .cast::<PyString>()
        .map_err(|_| not_a_value(value))?
        .to_str()?;
    Tag::ALL
        .into_iter()
        .find(|known| known.key(py).to_str().is_ok_and(|key| key == text))
        .map(|known| (known, payload))
        .ok_or_else(|| not_a_value(value))
}

/// The error for something that is not `{"S": "x"}` and its kind: it names the keys of a dict
/// (type descriptors, or attribute names where an item was given) and the type of anything
/// else, never a value.
fn not_a_value(value: &Bound<'_, PyAny>) -> PyErr {
    let found = match value.cast::<PyDict>() {
        Ok(dict) => format!("a dict with the keys {}", dict.keys()),
        Err(_) => format!("a {}", errors::type_name(value)),
    };
    errors::invalid_item(format!(
        "not a DynamoDB attribute value (a dict with one key among S, N, B, BOOL, NULL, SS, NS, \
         BS, L, M): {found}"
    ))
}

/// The size of a wire value by DynamoDB's rules (for attributes written back as they were read).
pub fn size(value: &Bound<'_, PyAny>) -> PyResult<usize> {
    let (tag, payload) = split(value)?;
    let text_len =
        |v: &Bound<'_, PyAny>| -> PyResult<usize> { Ok(v.cast::<PyString>()?.to_str()?.len()) };
    Ok(match tag {
        Tag::S => text_len(&payload)?,
        Tag::N => size::number(payload.cast::<PyString>()?.to_str()?),
        Tag::B => payload.len()?,
        Tag::Bool | Tag::Null => size::FLAG,
        Tag::Ss | Tag::Bs => {
            let mut total = 0;
            for item in payload.try_iter()? {
                let item = item?;
                total += if tag == Tag::Ss {
                    text_len(&item)?
                } else {
                    item.len()?
                };
            }
            total
        }
        Tag::Ns => {
            let mut total = 0;
            for item in payload.try_iter()? {
                total += size::number(item?.cast::<PyString>()?.to_str()?);
            }
            total
        }
        Tag::L => {
            let mut total = size::CONTAINER;
            for item in payload.try_iter()? {
                total += size::ELEMENT + size(&item?)?;
            }
            total
        }
        Tag::M => {
            let mut total = size::CONTAINER;
            for (name, item) in payload.cast::<PyDict>()? {
                total += size::entry(name.cast::<PyString>()?.to_str()?, size(&item)?);
            }
            total
        }
    })
}
