//! `Codec`: one model's compiled plan, exposed to Python.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::decode::Decoder;
use crate::encode::{EncodeError, Encoder};
use crate::errors;
use crate::spec::{compile, Compiled};

/// The key in an instance's `__dict__` under which the attributes a stored item had, but the
/// model does not declare, are kept in wire form (pydantic's dumps, equality and repr ignore it).
pub const UNKNOWN_ATTRIBUTES: &str = "__dynamo_unknown__";

/// A model's plan, compiled once when the class is created and used for every item.
#[pyclass(frozen, module = "dynomodel._native")]
pub struct Codec {
    compiled: Compiled,
    /// Validates decoded data into the model (pydantic-core, lax mode).
    validate: Py<PyAny>,
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
    fn new(spec: &Bound<'_, PyAny>, validate: Py<PyAny>) -> PyResult<Self> {
        Ok(Self {
            compiled: compile(spec)?,
            validate,
        })
    }

    /// The item in DynamoDB's wire form; raises before anything is sent if a value breaks a rule.
    fn encode<'py>(&self, instance: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
        let encoded = Encoder::new(&self.compiled)
            .item(instance)
            .map_err(|e| self.encode_error(instance.py(), e))?;
        Ok(encoded.item)
    }

    /// Root fields by Python name as wire values (None where an item would leave the value out).
    fn encode_fields<'py>(&self, values: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyDict>> {
        Encoder::new(&self.compiled)
            .fields(values)
            .map_err(|e| self.encode_error(values.py(), e))
    }

    /// The primary key from the key fields' values, checked like an item's keys.
    fn encode_key<'py>(&self, values: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyDict>> {
        Encoder::new(&self.compiled)
            .key(values)
            .map_err(|e| self.encode_error(values.py(), e))
    }

    /// The size of the encoded item by DynamoDB's rules, in bytes.
    fn item_size(&self, instance: &Bound<'_, PyAny>) -> PyResult<usize> {
        let encoded = Encoder::new(&self.compiled)
            .item(instance)
            .map_err(|e| self.encode_error(instance.py(), e))?;
        Ok(encoded.size)
    }

    /// Decode and validate one wire item into a model instance.
    fn load<'py>(&self, item: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.load_one(&Decoder::new(&self.compiled), item)
    }

    /// Decode and validate a page of wire items, in one call: each item is validated as soon as
    /// it is decoded, so no page-sized intermediate is ever built.
    fn load_many<'py>(&self, items: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
        let decoder = Decoder::new(&self.compiled);
        let out = PyList::empty(items.py());
        for item in items.try_iter()? {
            out.append(self.load_one(&decoder, &item?)?)?;
        }
        Ok(out)
    }
}

impl Codec {
    fn load_one<'py>(
        &self,
        decoder: &Decoder<'_>,
        item: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = item.py();
        let (data, unknown) = decoder.item(item)?;
        let instance = self.validate.bind(py).call1((data,))?;
        if let Some(unknown) = unknown {
            instance
                .getattr(intern!(py, "__dict__"))?
                .set_item(UNKNOWN_ATTRIBUTES, unknown)?;
        }
        Ok(instance)
    }
}
