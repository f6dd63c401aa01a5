//! DynamoDB's wire form in Python (`{"S": "x"}`) <-> the SDK's `AttributeValue`.

use std::collections::HashMap;

use aws_smithy_types::Blob;
use dynomodel_client::{AttributeValue, Item};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

use crate::wire::{split, Tag};

/// A Python wire item -> an SDK item.
pub fn item_from_py(dict: &Bound<'_, PyDict>) -> PyResult<Item> {
    let mut item = HashMap::with_capacity(dict.len());
    for (name, value) in dict {
        item.insert(name.extract::<String>()?, value_from_py(&value)?);
    }
    Ok(item)
}

/// A Python wire value -> an SDK value.
pub fn value_from_py(value: &Bound<'_, PyAny>) -> PyResult<AttributeValue> {
    let (tag, payload) = split(value)?;
    let blob = |b: &Bound<'_, PyAny>| -> PyResult<Blob> {
        Ok(Blob::new(b.cast::<PyBytes>()?.as_bytes().to_vec()))
    };
    Ok(match tag {
        Tag::S => AttributeValue::S(payload.extract()?),
        Tag::N => AttributeValue::N(payload.extract()?),
        Tag::B => AttributeValue::B(blob(&payload)?),
        Tag::Bool => AttributeValue::Bool(payload.extract()?),
        Tag::Null => AttributeValue::Null(true),
        Tag::Ss => AttributeValue::Ss(payload.extract()?),
        Tag::Ns => AttributeValue::Ns(payload.extract()?),
        Tag::Bs => AttributeValue::Bs(
            payload
                .try_iter()?
                .map(|b| blob(&b?))
                .collect::<PyResult<_>>()?,
        ),
        Tag::L => AttributeValue::L(
            payload
                .try_iter()?
                .map(|v| value_from_py(&v?))
                .collect::<PyResult<_>>()?,
        ),
        Tag::M => AttributeValue::M(item_from_py(payload.cast::<PyDict>()?)?),
    })
}

/// An SDK item -> a Python wire item.
pub fn item_to_py<'py>(py: Python<'py>, item: &Item) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, value) in item {
        dict.set_item(PyString::new(py, name), value_to_py(py, value)?)?;
    }
    Ok(dict)
}

/// An SDK value -> a Python wire value.
pub fn value_to_py<'py>(py: Python<'py>, value: &AttributeValue) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let (tag, payload): (Tag, Bound<'py, PyAny>) = match value {
        AttributeValue::S(s) => (Tag::S, PyString::new(py, s).into_any()),
        AttributeValue::N(n) => (Tag::N, PyString::new(py, n).into_any()),
        AttributeValue::B(b) => (Tag::B, PyBytes::new(py, b.as_ref()).into_any()),
        AttributeValue::Bool(b) => (Tag::Bool, b.into_pyobject(py)?.to_owned().into_any()),
        AttributeValue::Ss(items) => (Tag::Ss, PyList::new(py, items)?.into_any()),
        AttributeValue::Ns(items) => (Tag::Ns, PyList::new(py, items)?.into_any()),
        AttributeValue::Bs(items) => (
            Tag::Bs,
            PyList::new(py, items.iter().map(|b| PyBytes::new(py, b.as_ref())))?.into_any(),
        ),
        AttributeValue::L(items) => (
            Tag::L,
            PyList::new(
                py,
                items
                    .iter()
                    .map(|v| value_to_py(py, v))
                    .collect::<PyResult<Vec<_>>>()?,
            )?
            .into_any(),
        ),
        AttributeValue::M(entries) => (Tag::M, item_to_py(py, entries)?.into_any()),
        // NULL, and any type a newer DynamoDB adds that this SDK version does not know.
        _ => (Tag::Null, true.into_pyobject(py)?.to_owned().into_any()),
    };
    out.set_item(tag.key(py), payload)?;
    Ok(out)
}
