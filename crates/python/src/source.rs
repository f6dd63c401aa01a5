//! The places stored values come from, behind one trait the decoder reads: Python wire dicts
//! (`from_item`, what boto3 users hold), the SDK's `AttributeValue`s (items of single-item
//! calls, batches and statements), and the DynamoDB JSON of a page's body ([`json`]), each
//! decoded without building the wire dicts first.

use std::collections::HashMap;

use dynomodel_client::AttributeValue;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyString};

use crate::convert::values::{item_to_py, value_to_py};
use crate::errors;
use crate::spec::Compiled;
use crate::wire::{split, Tag};

pub mod json;

/// An attribute name of a stored map.
pub enum Name<'a, 'py> {
    /// A Python `str` (its hash is cached, so dict lookups are cheap).
    Py(Bound<'py, PyAny>),
    /// Text held by the SDK.
    Text(&'a str),
}

impl<'py> Name<'_, 'py> {
    /// The index of the field of record `id` stored under this name.
    pub fn field_index(&self, compiled: &Compiled, id: usize) -> PyResult<Option<usize>> {
        match self {
            Self::Py(name) => compiled.attr_index[id]
                .bind(name.py())
                .get_item(name)?
                .map(|i| i.extract())
                .transpose(),
            Self::Text(name) => Ok(compiled.plan.record(id).field_index_by_attr(name)),
        }
    }

    /// Whether this is the very `str` object `attr` (the codec's own items are keyed by the
    /// plan's attribute names): a match found without hashing.
    pub fn is_object(&self, attr: &Py<PyString>) -> bool {
        matches!(self, Self::Py(name) if name.as_ptr() == attr.as_ptr())
    }

    /// Whether this is the name `attr`.
    pub fn is(&self, attr: &str) -> bool {
        match self {
            Self::Py(name) => name
                .cast::<PyString>()
                .is_ok_and(|n| n.to_str().is_ok_and(|n| n == attr)),
            Self::Text(name) => *name == attr,
        }
    }

    /// The name as a Python `str`.
    pub fn to_py(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        match self {
            Self::Py(name) => name.clone(),
            Self::Text(name) => PyString::new(py, name).into_any(),
        }
    }
}

/// One stored value, as the decoder sees it.
pub trait Source<'py>: Sized {
    /// Its DynamoDB type.
    fn tag(&self) -> Tag;
    /// The text of an `S` or `N`.
    fn text(&self) -> PyResult<&str>;
    /// An `S` or `N` as a Python `str`; a `B` as `bytes`; a `BOOL` as `bool`.
    fn scalar(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
    /// How many elements an `L` or a set holds.
    fn len(&self) -> PyResult<usize>;
    /// Each element of an `L`, `SS`, `NS` or `BS` (set elements have the tag `S`, `N` or `B`).
    fn for_each_element(&self, f: impl FnMut(Self) -> PyResult<()>) -> PyResult<()>;
    /// Each entry of an `M` (or of a whole item).
    fn for_each_entry(&self, f: impl FnMut(Name<'_, 'py>, Self) -> PyResult<()>) -> PyResult<()>;
    /// The value in Python wire form, as it was stored (attributes the model does not declare);
    /// a whole item as the dict of its values.
    fn to_wire(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

/// A value in Python wire form (`{"S": "x"}`), split into its tag and payload.
pub struct PyWire<'py> {
    value: Bound<'py, PyAny>,
    tag: Tag,
    payload: Bound<'py, PyAny>,
}

impl<'py> PyWire<'py> {
    /// A whole item (a dict of wire values) read like an `M`.
    pub fn item(item: &Bound<'py, PyAny>) -> PyResult<Self> {
        if !item.is_instance_of::<PyDict>() {
            return Err(errors::invalid_item(format!(
                "an item must be a dict, not a {}",
                errors::type_name(item)
            )));
        }
        Ok(Self {
            value: item.clone(),
            tag: Tag::M,
            payload: item.clone(),
        })
    }

    /// One wire value (`{"S": "x"}`).
    pub fn new(value: Bound<'py, PyAny>) -> PyResult<Self> {
        let (tag, payload) = split(&value)?;
        Ok(Self {
            value,
            tag,
            payload,
        })
    }

    fn element(tag: Tag, payload: Bound<'py, PyAny>) -> Self {
        Self {
            value: payload.clone(),
            tag,
            payload,
        }
    }
}

impl<'py> Source<'py> for PyWire<'py> {
    fn tag(&self) -> Tag {
        self.tag
    }

    fn text(&self) -> PyResult<&str> {
        self.payload.cast::<PyString>()?.to_str()
    }

    fn scalar(&self, _py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.payload.clone())
    }

    fn len(&self) -> PyResult<usize> {
        self.payload.len()
    }

    fn for_each_element(&self, mut f: impl FnMut(Self) -> PyResult<()>) -> PyResult<()> {
        let element_tag = match self.tag {
            Tag::Ss => Some(Tag::S),
            Tag::Ns => Some(Tag::N),
            Tag::Bs => Some(Tag::B),
            _ => None,
        };
        for item in self.payload.try_iter()? {
            let item = item?;
            f(match element_tag {
                Some(tag) => Self::element(tag, item),
                None => Self::new(item)?,
            })?;
        }
        Ok(())
    }

    fn for_each_entry(
        &self,
        mut f: impl FnMut(Name<'_, 'py>, Self) -> PyResult<()>,
    ) -> PyResult<()> {
        for (name, value) in self.payload.cast::<PyDict>()? {
            // A bad value nested in maps is named by its path, one attribute per level.
            Self::new(value)
                .and_then(|value| f(Name::Py(name.clone()), value))
                .map_err(|err| {
                    errors::invalid_item_at(name.py(), err, &format!("attribute {name:?}"))
                })?;
        }
        Ok(())
    }

    fn to_wire(&self, _py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.value.clone())
    }
}

/// A value the SDK parsed from DynamoDB's response.
#[derive(Clone, Copy)]
pub enum SdkWire<'a> {
    /// A whole item.
    Item(&'a HashMap<String, AttributeValue>),
    /// An attribute value.
    Value(&'a AttributeValue),
    /// An element of an `SS`.
    S(&'a str),
    /// An element of an `NS`.
    N(&'a str),
    /// An element of a `BS`.
    B(&'a [u8]),
}

impl<'py> Source<'py> for SdkWire<'_> {
    fn tag(&self) -> Tag {
        match self {
            Self::Item(_) => Tag::M,
            Self::S(_) => Tag::S,
            Self::N(_) => Tag::N,
            Self::B(_) => Tag::B,
            Self::Value(value) => match value {
                AttributeValue::S(_) => Tag::S,
                AttributeValue::N(_) => Tag::N,
                AttributeValue::B(_) => Tag::B,
                AttributeValue::Bool(_) => Tag::Bool,
                AttributeValue::Ss(_) => Tag::Ss,
                AttributeValue::Ns(_) => Tag::Ns,
                AttributeValue::Bs(_) => Tag::Bs,
                AttributeValue::L(_) => Tag::L,
                AttributeValue::M(_) => Tag::M,
                // NULL, and any type a newer DynamoDB adds that this SDK version does not know.
                _ => Tag::Null,
            },
        }
    }

    fn text(&self) -> PyResult<&str> {
        match *self {
            Self::S(text) | Self::N(text) => Ok(text),
            Self::Value(AttributeValue::S(text) | AttributeValue::N(text)) => Ok(text),
            _ => Err(errors::invalid_item(
                "expected a string or number value".into(),
            )),
        }
    }

    fn scalar(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(match self {
            Self::B(bytes) => PyBytes::new(py, bytes).into_any(),
            Self::Value(AttributeValue::B(blob)) => PyBytes::new(py, blob.as_ref()).into_any(),
            Self::Value(AttributeValue::Bool(flag)) => PyBool::new(py, *flag).to_owned().into_any(),
            _ => PyString::new(py, self.text()?).into_any(),
        })
    }

    fn len(&self) -> PyResult<usize> {
        Ok(match self {
            Self::Value(AttributeValue::L(items)) => items.len(),
            Self::Value(AttributeValue::Ss(items) | AttributeValue::Ns(items)) => items.len(),
            Self::Value(AttributeValue::Bs(items)) => items.len(),
            _ => 0,
        })
    }

    fn for_each_element(&self, mut f: impl FnMut(Self) -> PyResult<()>) -> PyResult<()> {
        match self {
            Self::Value(AttributeValue::L(items)) => {
                items.iter().try_for_each(|v| f(Self::Value(v)))
            }
            Self::Value(AttributeValue::Ss(items)) => items.iter().try_for_each(|v| f(Self::S(v))),
            Self::Value(AttributeValue::Ns(items)) => items.iter().try_for_each(|v| f(Self::N(v))),
            Self::Value(AttributeValue::Bs(items)) => {
                items.iter().try_for_each(|v| f(Self::B(v.as_ref())))
            }
            _ => Ok(()),
        }
    }

    fn for_each_entry(
        &self,
        mut f: impl FnMut(Name<'_, 'py>, Self) -> PyResult<()>,
    ) -> PyResult<()> {
        let entries = match *self {
            Self::Item(entries) | Self::Value(AttributeValue::M(entries)) => entries,
            _ => return Ok(()),
        };
        entries
            .iter()
            .try_for_each(|(name, value)| f(Name::Text(name), Self::Value(value)))
    }

    fn to_wire(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Self::Value(value) => Ok(value_to_py(py, value)?.into_any()),
            Self::Item(item) => Ok(item_to_py(py, item)?.into_any()),
            _ => Err(errors::invalid_item("not an attribute value".into())),
        }
    }
}
