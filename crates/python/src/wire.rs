//! DynamoDB's wire form as Python data, the shape boto3's low-level client uses:
//! `{"S": "x"}`, `{"N": "1.5"}`, `{"B": b"..."}`, `{"SS": ["a"]}`, `{"L": [...]}`, `{"M": {...}}`.

use dynomodel_codec::{Item, Value};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

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

/// Split `{"S": "x"}` into its tag and payload.
pub fn split<'py>(value: &Bound<'py, PyAny>) -> PyResult<(Tag, Bound<'py, PyAny>)> {
    let invalid = || errors::invalid_item(format!("not a DynamoDB attribute value: {value}"));
    let dict = value.cast::<PyDict>().map_err(|_| invalid())?;
    if dict.len() != 1 {
        return Err(invalid());
    }
    let Some((tag, payload)) = dict.iter().next() else {
        return Err(invalid());
    };
    let tag = match tag.cast::<PyString>().map_err(|_| invalid())?.to_str()? {
        "S" => Tag::S,
        "N" => Tag::N,
        "B" => Tag::B,
        "BOOL" => Tag::Bool,
        "NULL" => Tag::Null,
        "SS" => Tag::Ss,
        "NS" => Tag::Ns,
        "BS" => Tag::Bs,
        "L" => Tag::L,
        "M" => Tag::M,
        _ => return Err(invalid()),
    };
    Ok((tag, payload))
}

/// Parse one wire value (an unknown attribute being written back, a raw key).
pub fn value_from_py(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    let (tag, payload) = split(value)?;
    let strings = || -> PyResult<Vec<String>> { payload.extract() };
    let blobs = || -> PyResult<Vec<Vec<u8>>> {
        payload
            .try_iter()?
            .map(|b| Ok(b?.cast_into::<PyBytes>()?.as_bytes().to_vec()))
            .collect()
    };
    Ok(match tag {
        Tag::S => Value::S(payload.extract()?),
        Tag::N => Value::N(payload.extract()?),
        Tag::B => Value::B(payload.cast::<PyBytes>()?.as_bytes().to_vec()),
        Tag::Bool => Value::Bool(payload.extract()?),
        Tag::Null => Value::Null,
        Tag::Ss => Value::Ss(strings()?),
        Tag::Ns => Value::Ns(strings()?),
        Tag::Bs => Value::Bs(blobs()?),
        Tag::L => Value::L(
            payload
                .try_iter()?
                .map(|v| value_from_py(&v?))
                .collect::<PyResult<_>>()?,
        ),
        Tag::M => Value::M(item_from_py(payload.cast::<PyDict>()?)?),
    })
}

/// Parse a wire item or map.
pub fn item_from_py(dict: &Bound<'_, PyDict>) -> PyResult<Item> {
    dict.iter()
        .map(|(name, value)| Ok((name.extract::<String>()?, value_from_py(&value)?)))
        .collect()
}

/// Build the wire form of an item.
pub fn item_to_py<'py>(py: Python<'py>, item: &Item) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, value) in item {
        dict.set_item(name, value_to_py(py, value)?)?;
    }
    Ok(dict)
}

/// Build the wire form of one value.
pub fn value_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    match value {
        Value::S(s) => out.set_item(intern!(py, "S"), s)?,
        Value::N(n) => out.set_item(intern!(py, "N"), n)?,
        Value::B(b) => out.set_item(intern!(py, "B"), PyBytes::new(py, b))?,
        Value::Bool(b) => out.set_item(intern!(py, "BOOL"), b)?,
        Value::Null => out.set_item(intern!(py, "NULL"), true)?,
        Value::Ss(items) => out.set_item(intern!(py, "SS"), PyList::new(py, items)?)?,
        Value::Ns(items) => out.set_item(intern!(py, "NS"), PyList::new(py, items)?)?,
        Value::Bs(items) => out.set_item(
            intern!(py, "BS"),
            PyList::new(py, items.iter().map(|b| PyBytes::new(py, b)))?,
        )?,
        Value::L(items) => out.set_item(
            intern!(py, "L"),
            PyList::new(
                py,
                items
                    .iter()
                    .map(|v| value_to_py(py, v))
                    .collect::<PyResult<Vec<_>>>()?,
            )?,
        )?,
        Value::M(entries) => out.set_item(intern!(py, "M"), item_to_py(py, entries)?)?,
    }
    Ok(out)
}
