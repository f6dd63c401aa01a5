//! `Codec`: one model's compiled plan, exposed to Python.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::decode::Decoder;
use crate::encode::{EncodeError, Encoder};
use crate::spec::{compile, Compiled};
use crate::{errors, wire};

/// The key in an instance's `__dict__` under which the attributes a stored item had, but the
/// model does not declare, are kept in wire form (pydantic's dumps, equality and repr ignore it).
pub const UNKNOWN_ATTRIBUTES: &str = "__dynamo_unknown__";

/// A model's plan, compiled once when the class is created and used for every item.
#[pyclass(frozen, module = "dynomodel._native")]
pub struct Codec {
    compiled: Compiled,
}

impl Codec {
    fn encode_error(&self, py: Python<'_>, err: EncodeError) -> PyErr {
        match err {
            EncodeError::Codec(err) => {
                errors::codec_error(py, &self.compiled.plan.root().name, &err)
            }
            EncodeError::Python(err) => err,
        }
    }
}

#[pymethods]
impl Codec {
    #[new]
    fn new(spec: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self {
            compiled: compile(spec)?,
        })
    }

    /// The item in DynamoDB's wire form; raises before anything is sent if a value breaks a rule.
    fn encode<'py>(&self, instance: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
        let py = instance.py();
        let item = Encoder::new(&self.compiled)
            .item(instance)
            .map_err(|e| self.encode_error(py, e))?;
        wire::item_to_py(py, &item)
    }

    /// The size of the encoded item by DynamoDB's rules, in bytes.
    fn item_size(&self, instance: &Bound<'_, PyAny>) -> PyResult<usize> {
        let item = Encoder::new(&self.compiled)
            .item(instance)
            .map_err(|e| self.encode_error(instance.py(), e))?;
        Ok(dynomodel_codec::size::item_size(&item))
    }

    /// `(data, unknown)`: the data to validate and the undeclared attributes (or None).
    fn decode<'py>(&self, item: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
        let (data, unknown) = Decoder::new(&self.compiled).item(item)?;
        PyTuple::new(
            item.py(),
            [
                data.into_any(),
                unknown.map_or_else(|| item.py().None().into_bound(item.py()), Bound::into_any),
            ],
        )
    }

    /// `(data, unknown)` for a page: a list of data, and `(index, attributes)` pairs for the items
    /// that carry undeclared attributes.
    fn decode_many<'py>(&self, items: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
        let py = items.py();
        let decoder = Decoder::new(&self.compiled);
        let data = PyList::empty(py);
        let unknown = PyList::empty(py);
        for (index, item) in items.try_iter()?.enumerate() {
            let (one, extra) = decoder.item(&item?)?;
            data.append(one)?;
            if let Some(extra) = extra {
                unknown.append((index, extra))?;
            }
        }
        PyTuple::new(py, [data.into_any(), unknown.into_any()])
    }
}
