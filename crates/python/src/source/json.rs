//! The third place stored values come from: the `Items` of a page as DynamoDB sent them
//! (DynamoDB JSON), parsed once into a tree that borrows its text from the response body, so
//! that a string is copied only into the Python object made of it.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyList, PyString};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::{Name, Source};
use crate::errors;
use crate::wire::Tag;

/// The items of a page, parsed from their JSON text.
///
/// The text is checked as UTF-8 once, whole: parsed from bytes, each string would be checked
/// on its own, a call per string.
///
/// # Errors
/// Where the text breaks DynamoDB JSON (or UTF-8); never a value.
pub fn items(json: &[u8]) -> Result<Vec<Entries<'_>>, serde_json::Error> {
    match std::str::from_utf8(json) {
        Ok(text) => serde_json::from_str(text),
        // Parsed from bytes, the error says where the bad byte is.
        Err(_) => serde_json::from_slice(json),
    }
}

/// Text as the body holds it: borrowed, unless it had escapes to undo.
pub struct Text<'a>(Cow<'a, str>);

/// An attribute value: `{"S": "x"}`, `{"L": [...]}`, ...
pub enum Value<'a> {
    S(Text<'a>),
    N(Text<'a>),
    /// Base64, decoded when Python asks for the bytes.
    B(Text<'a>),
    Bool(bool),
    /// `NULL`, and any type a newer DynamoDB adds that this version does not know.
    Null,
    Ss(Vec<Text<'a>>),
    Ns(Vec<Text<'a>>),
    Bs(Vec<Text<'a>>),
    L(Vec<Value<'a>>),
    M(Entries<'a>),
}

/// An item or an `M`: names and values, in the order they came.
pub struct Entries<'a>(Vec<(Text<'a>, Value<'a>)>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Texts;
        impl<'de> Visitor<'de> for Texts {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }
        }
        deserializer.deserialize_str(Texts)
    }
}

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Maps;
        impl<'de> Visitor<'de> for Maps {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of attribute values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<'de>, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Maps)
    }
}

impl<'de> Deserialize<'de> for Value<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Values;
        impl<'de> Visitor<'de> for Values {
            type Value = Value<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an attribute value with one type")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
                let Some(Text(tag)) = map.next_key()? else {
                    return Err(de::Error::invalid_length(0, &self));
                };
                let value = match &*tag {
                    "S" => Value::S(map.next_value()?),
                    "N" => Value::N(map.next_value()?),
                    "B" => Value::B(map.next_value()?),
                    "BOOL" => Value::Bool(map.next_value()?),
                    "SS" => Value::Ss(map.next_value()?),
                    "NS" => Value::Ns(map.next_value()?),
                    "BS" => Value::Bs(map.next_value()?),
                    "L" => Value::L(map.next_value()?),
                    "M" => Value::M(map.next_value()?),
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                        Value::Null
                    }
                };
                if map.next_key::<IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_length(2, &self));
                }
                Ok(value)
            }
        }
        deserializer.deserialize_map(Values)
    }
}

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
