//! Where the encoder writes: Python wire dicts (`to_item()`, keys and expression values, which
//! Python code reads) or the SDK's own values (items a batch sends, which Python never reads:
//! built once, in their final form, with no Python object per attribute).

use std::collections::HashMap;
use std::sync::Mutex;

use aws_smithy_types::Blob;
use dynomodel_client::{AttributeValue, Item};
use dynomodel_codec::size;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyList, PyString};

use crate::convert::values::value_from_py;
use crate::wire::{self, Tag};

/// What the encoder needs to know of a value it already wrote: a key's or a template field's
/// type, text and size.
pub struct Peek {
    pub tag: Tag,
    /// The text of an `S` or `N`.
    pub text: Option<String>,
    /// The length of an `S` or `B`.
    pub len: usize,
    /// Its size by DynamoDB's rules (scalars only; 0 for others).
    pub size: usize,
}

/// An output form of encoded values.
pub trait Out<'py> {
    /// A value's payload before its type wraps it.
    type Data;
    /// A whole attribute value.
    type Value;
    /// A map or an item being filled.
    type Map;

    /// An empty map with room for `capacity` entries.
    fn map(py: Python<'py>, capacity: usize) -> Self::Map;
    fn insert(map: &mut Self::Map, attr: &Bound<'py, PyString>, value: Self::Value)
        -> PyResult<()>;
    fn contains(map: &Self::Map, attr: &Bound<'py, PyString>) -> PyResult<bool>;
    fn len(map: &Self::Map) -> usize;
    /// The value at `attr`, when there is one (a None left by `fields` is none).
    fn peek(map: &Self::Map, attr: &Bound<'py, PyString>) -> PyResult<Option<Peek>>;

    fn wrap(tag: Tag, data: Self::Data) -> PyResult<Self::Value>;
    /// A `str` the model holds (`utf8` its text).
    fn string(text: &Bound<'py, PyString>, utf8: &str) -> Self::Data;
    /// Text made here (a formatted number or datetime).
    fn text(py: Python<'py>, text: &str) -> Self::Data;
    fn bytes(value: &Bound<'py, PyBytes>) -> Self::Data;
    /// A `BOOL`'s or a `NULL`'s flag.
    fn flag(py: Python<'py>, value: bool) -> Self::Data;
    /// The elements of a set, already checked to share one scalar type.
    fn elements(py: Python<'py>, items: Vec<Self::Data>) -> PyResult<Self::Data>;
    fn list(py: Python<'py>, items: Vec<Self::Value>) -> PyResult<Self::Data>;
    fn nested(map: Self::Map) -> Self::Data;
    /// A value given in wire form (an unknown attribute kept from a read, a stored key).
    fn wire(value: &Bound<'py, PyAny>) -> PyResult<Self::Value>;
}

fn scalar_peek(tag: Tag, text: Option<&str>, len: usize) -> Peek {
    let size = match (tag, text) {
        (Tag::N, Some(text)) => size::number(text),
        (Tag::S | Tag::B, _) => len,
        _ => 0,
    };
    Peek {
        tag,
        text: text.map(str::to_owned),
        len,
        size,
    }
}

/// Python wire dicts: `{"S": "x"}`, the model's own `str` and `bytes` objects reused.
pub struct PyOut;

impl<'py> Out<'py> for PyOut {
    type Data = Bound<'py, PyAny>;
    type Value = Bound<'py, PyDict>;
    type Map = Bound<'py, PyDict>;

    fn map(py: Python<'py>, _: usize) -> Self::Map {
        PyDict::new(py)
    }

    fn insert(
        map: &mut Self::Map,
        attr: &Bound<'py, PyString>,
        value: Self::Value,
    ) -> PyResult<()> {
        map.set_item(attr, value)
    }

    fn contains(map: &Self::Map, attr: &Bound<'py, PyString>) -> PyResult<bool> {
        map.contains(attr)
    }

    fn len(map: &Self::Map) -> usize {
        map.len()
    }

    fn peek(map: &Self::Map, attr: &Bound<'py, PyString>) -> PyResult<Option<Peek>> {
        let Some(value) = map.get_item(attr)? else {
            return Ok(None);
        };
        if value.is_none() {
            return Ok(None);
        }
        let (tag, payload) = wire::split(&value)?;
        Ok(Some(match tag {
            Tag::S | Tag::N => {
                let text = payload.cast::<PyString>()?.to_str()?;
                scalar_peek(tag, Some(text), text.len())
            }
            Tag::B => scalar_peek(tag, None, payload.len()?),
            _ => scalar_peek(tag, None, 0),
        }))
    }

    fn wrap(tag: Tag, data: Self::Data) -> PyResult<Self::Value> {
        let dict = PyDict::new(data.py());
        dict.set_item(tag.key(data.py()), data)?;
        Ok(dict)
    }

    fn string(text: &Bound<'py, PyString>, _: &str) -> Self::Data {
        text.clone().into_any()
    }

    fn text(py: Python<'py>, text: &str) -> Self::Data {
        PyString::new(py, text).into_any()
    }

    fn bytes(value: &Bound<'py, PyBytes>) -> Self::Data {
        value.clone().into_any()
    }

    fn flag(py: Python<'py>, value: bool) -> Self::Data {
        PyBool::new(py, value).to_owned().into_any()
    }

    fn elements(py: Python<'py>, items: Vec<Self::Data>) -> PyResult<Self::Data> {
        Ok(PyList::new(py, items)?.into_any())
    }

    fn list(py: Python<'py>, items: Vec<Self::Value>) -> PyResult<Self::Data> {
        Ok(PyList::new(py, items)?.into_any())
    }

    fn nested(map: Self::Map) -> Self::Data {
        map.into_any()
    }

    fn wire(value: &Bound<'py, PyAny>) -> PyResult<Self::Value> {
        Ok(value.cast::<PyDict>()?.clone())
    }
}

/// The SDK's `AttributeValue`s, for items that go straight into a request.
pub struct SdkOut;

impl<'py> Out<'py> for SdkOut {
    /// A payload is already a value: strings as `S` and flags as `BOOL` until `wrap` says
    /// which type they are.
    type Data = AttributeValue;
    type Value = AttributeValue;
    type Map = Item;

    fn map(_: Python<'py>, capacity: usize) -> Self::Map {
        HashMap::with_capacity(capacity)
    }

    fn insert(
        map: &mut Self::Map,
        attr: &Bound<'py, PyString>,
        value: Self::Value,
    ) -> PyResult<()> {
        map.insert(attr.to_str()?.to_owned(), value);
        Ok(())
    }

    fn contains(map: &Self::Map, attr: &Bound<'py, PyString>) -> PyResult<bool> {
        Ok(map.contains_key(attr.to_str()?))
    }

    fn len(map: &Self::Map) -> usize {
        map.len()
    }

    fn peek(map: &Self::Map, attr: &Bound<'py, PyString>) -> PyResult<Option<Peek>> {
        Ok(map.get(attr.to_str()?).map(|value| match value {
            AttributeValue::S(text) => scalar_peek(Tag::S, Some(text), text.len()),
            AttributeValue::N(text) => scalar_peek(Tag::N, Some(text), text.len()),
            AttributeValue::B(blob) => scalar_peek(Tag::B, None, blob.as_ref().len()),
            AttributeValue::Null(_) => scalar_peek(Tag::Null, None, 0),
            // Keys and template fields are scalars: other types only need to be told apart.
            _ => scalar_peek(Tag::M, None, 0),
        }))
    }

    fn wrap(tag: Tag, data: Self::Data) -> PyResult<Self::Value> {
        Ok(match (tag, data) {
            (Tag::N, AttributeValue::S(text)) => AttributeValue::N(text),
            (Tag::Null, AttributeValue::Bool(flag)) => AttributeValue::Null(flag),
            (Tag::Ns, AttributeValue::Ss(texts)) => AttributeValue::Ns(texts),
            (_, value) => value,
        })
    }

    fn string(_: &Bound<'py, PyString>, utf8: &str) -> Self::Data {
        AttributeValue::S(utf8.to_owned())
    }

    fn text(_: Python<'py>, text: &str) -> Self::Data {
        AttributeValue::S(text.to_owned())
    }

    fn bytes(value: &Bound<'py, PyBytes>) -> Self::Data {
        AttributeValue::B(Blob::new(value.as_bytes()))
    }

    fn flag(_: Python<'py>, value: bool) -> Self::Data {
        AttributeValue::Bool(value)
    }

    fn elements(_: Python<'py>, items: Vec<Self::Data>) -> PyResult<Self::Data> {
        let mut texts = Vec::new();
        let mut blobs = Vec::new();
        for item in items {
            match item {
                AttributeValue::S(text) => texts.push(text),
                AttributeValue::B(blob) => blobs.push(blob),
                _ => {}
            }
        }
        // `wrap` turns string sets of numbers into `NS`.
        Ok(if blobs.is_empty() {
            AttributeValue::Ss(texts)
        } else {
            AttributeValue::Bs(blobs)
        })
    }

    fn list(_: Python<'py>, items: Vec<Self::Value>) -> PyResult<Self::Data> {
        Ok(AttributeValue::L(items))
    }

    fn nested(map: Self::Map) -> Self::Data {
        AttributeValue::M(map)
    }

    fn wire(value: &Bound<'py, PyAny>) -> PyResult<Self::Value> {
        value_from_py(value)
    }
}

/// An item encoded into the SDK's values, for a batch to send as it is (`Codec.encode_native`).
/// Taken by the request that sends it: it is sent once.
#[pyclass(frozen, module = "dynomodel._native")]
pub struct NativeItem {
    item: Mutex<Option<Item>>,
}

impl NativeItem {
    pub fn new(item: Item) -> Self {
        Self {
            item: Mutex::new(Some(item)),
        }
    }

    /// The item, for the request that sends it.
    pub fn take(&self) -> PyResult<Item> {
        self.item
            .lock()
            .ok()
            .and_then(|mut item| item.take())
            .ok_or_else(|| {
                pyo3::exceptions::PyRuntimeError::new_err("this encoded item was sent already")
            })
    }
}

#[pymethods]
impl NativeItem {
    fn __repr__(&self) -> String {
        let attributes = self
            .item
            .lock()
            .ok()
            .and_then(|item| item.as_ref().map(HashMap::len));
        match attributes {
            Some(count) => format!("NativeItem({count} attributes)"),
            None => "NativeItem(sent)".to_owned(),
        }
    }
}
