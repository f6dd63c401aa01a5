//! The third place stored values come from: the `Items` of a page as DynamoDB sent them
//! (DynamoDB JSON), parsed once by the client into a tree that borrows its text from the
//! response body ([`dynomodel_client::json_tree`]), so that a string is copied only into the
//! Python object made of it.

use base64::Engine as _;
use dynomodel_client::json_tree::{Entries, Text, Value};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyList, PyString};

use super::{Name, Source};
use crate::errors;
use crate::wire::Tag;

/// One stored value of a page's JSON, as the decoder sees it.
#[derive(Clone, Copy)]
pub enum JsonWire<'a> {
    /// A whole item.
    Item(&'a Entries<'a>),
    /// An attribute value.
    Value(&'a Value<'a>),
    /// An element of an `SS`.
    S(&'a str),
    /// An element of an `NS`.
    N(&'a str),
    /// An element of a `BS`, base64.
    B(&'a str),
}

fn bytes<'py>(py: Python<'py>, base64: &str) -> PyResult<Bound<'py, PyBytes>> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(base64)
        .map_err(|_| errors::invalid_item("a binary value of the page is not base64".into()))?;
    Ok(PyBytes::new(py, &decoded))
}

impl<'py> Source<'py> for JsonWire<'_> {
    fn tag(&self) -> Tag {
        match self {
            Self::Item(_) | Self::Value(Value::M(_)) => Tag::M,
            Self::S(_) | Self::Value(Value::S(_)) => Tag::S,
            Self::N(_) | Self::Value(Value::N(_)) => Tag::N,
            Self::B(_) | Self::Value(Value::B(_)) => Tag::B,
            Self::Value(Value::Bool(_)) => Tag::Bool,
            Self::Value(Value::Null) => Tag::Null,
            Self::Value(Value::Ss(_)) => Tag::Ss,
            Self::Value(Value::Ns(_)) => Tag::Ns,
            Self::Value(Value::Bs(_)) => Tag::Bs,
            Self::Value(Value::L(_)) => Tag::L,
        }
    }

    fn text(&self) -> PyResult<&str> {
        match *self {
            Self::S(text) | Self::N(text) => Ok(text),
            Self::Value(Value::S(Text(text)) | Value::N(Text(text))) => Ok(text),
            _ => Err(errors::invalid_item(
                "expected a string or number value".into(),
            )),
        }
    }

    fn scalar(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(match *self {
            Self::B(text) => bytes(py, text)?.into_any(),
            Self::Value(Value::B(Text(text))) => bytes(py, text)?.into_any(),
            Self::Value(Value::Bool(flag)) => PyBool::new(py, *flag).to_owned().into_any(),
            _ => PyString::new(py, self.text()?).into_any(),
        })
    }

    fn len(&self) -> PyResult<usize> {
        Ok(match self {
            Self::Value(Value::L(items)) => items.len(),
            Self::Value(Value::Ss(items) | Value::Ns(items) | Value::Bs(items)) => items.len(),
            _ => 0,
        })
    }

    fn for_each_element(&self, mut f: impl FnMut(Self) -> PyResult<()>) -> PyResult<()> {
        match self {
            Self::Value(Value::L(items)) => items.iter().try_for_each(|v| f(Self::Value(v))),
            Self::Value(Value::Ss(items)) => items.iter().try_for_each(|v| f(Self::S(&v.0))),
            Self::Value(Value::Ns(items)) => items.iter().try_for_each(|v| f(Self::N(&v.0))),
            Self::Value(Value::Bs(items)) => items.iter().try_for_each(|v| f(Self::B(&v.0))),
            _ => Ok(()),
        }
    }

    fn for_each_entry(
        &self,
        mut f: impl FnMut(Name<'_, 'py>, Self) -> PyResult<()>,
    ) -> PyResult<()> {
        let (Self::Item(Entries(entries)) | Self::Value(Value::M(Entries(entries)))) = *self else {
            return Ok(());
        };
        entries
            .iter()
            .try_for_each(|(name, value)| f(Name::Text(&name.0), Self::Value(value)))
    }

    fn to_wire(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Self::Item(_) = self {
            return entries_to_py(py, self);
        }
        let payload = match *self {
            Self::Value(Value::Null) => PyBool::new(py, true).to_owned().into_any(),
            Self::Value(Value::M(_)) => entries_to_py(py, self)?,
            Self::Value(Value::L(_) | Value::Ss(_) | Value::Ns(_) | Value::Bs(_)) => {
                let mut out = Vec::with_capacity(self.len()?);
                self.for_each_element(|element| {
                    out.push(match element {
                        Self::Value(_) => element.to_wire(py)?,
                        _ => element.scalar(py)?,
                    });
                    Ok(())
                })?;
                PyList::new(py, out)?.into_any()
            }
            _ => self.scalar(py)?,
        };
        let out = PyDict::new(py);
        out.set_item(self.tag().key(py), payload)?;
        Ok(out.into_any())
    }
}

/// An item or an `M`'s entries as a dict of wire values.
fn entries_to_py<'py>(py: Python<'py>, value: &JsonWire<'_>) -> PyResult<Bound<'py, PyAny>> {
    let out = PyDict::new(py);
    value.for_each_entry(|name, value| out.set_item(name.to_py(py), value.to_wire(py)?))?;
    Ok(out.into_any())
}
