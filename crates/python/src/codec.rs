//! `Codec`: one model's compiled plan, exposed to Python.

use dynomodel_codec::{Kind, PathSegment, Step};
use pyo3::exceptions::PyLookupError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

use crate::decode::Decoder;
use crate::dump::{Dumper, Plain};
use crate::encode::{EncodeError, Encoder, NativeItem, PyOut, SdkOut};
use crate::errors;
use crate::py_types::PausedGc;
use crate::source::{PyWire, Source};
use crate::spec::{compile, Compiled, Handle};
use dynomodel_client::AttributeValue;

fn step_to_py<'py>(py: Python<'py>, step: &Step) -> PyResult<Bound<'py, PyAny>> {
    Ok(match step {
        Step::Name(name) => PyString::new(py, name).into_any(),
        Step::Index(index) => index.into_pyobject(py)?.into_any(),
    })
}

fn segment(step: &Step) -> PathSegment {
    match step {
        Step::Name(name) => PathSegment::Attr(name.clone()),
        Step::Index(index) => PathSegment::Index(*index),
    }
}

/// The key in an instance's `__dict__` under which the attributes a stored item had, but the
/// model does not declare, are kept in wire form (pydantic's dumps, equality and repr ignore it).
pub const UNKNOWN_ATTRIBUTES: &str = "__dynamo_unknown__";

/// The key in an instance's `__dict__` under which key attributes stored in another form than
/// the codec's (a datetime another library wrote) are kept: `{attribute: (wire value, field
/// value when loaded)}`. While the field holds the loaded value, writes use the stored form, so
/// they address the item the instance was read from.
pub const STORED_KEY: &str = "__dynamo_key__";

/// The key in an instance's `__dict__` under which a read with a projection records the fields
/// it did not read (a `frozenset` of field names): such an instance holds defaults there, not
/// the stored values, and must not be saved whole.
pub const UNREAD_FIELDS: &str = "__dynamo_unread__";

/// A model's plan, compiled once when the class is created and used for every item.
#[pyclass(frozen, module = "dynomodel._native")]
pub struct Codec {
    compiled: Compiled,
    /// Validates decoded data into the model (pydantic-core, lax mode).
    validate: Py<PyAny>,
    /// Dumps a model instance to a dict of its Python values (pydantic-core's serializer).
    dump: Py<PyAny>,
    /// For a model whose dump is its decoded data, what its dumps fill missing fields with:
    /// its dicts are then built without pydantic.
    plain: Option<Plain>,
}

/// What a page of items becomes in Python.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Model instances.
    Models,
    /// Dicts of the model's Python types, as its dump: validated and dumped, or, for a model
    /// whose dump is its decoded data, decoded in field order with its defaults filled in.
    Dicts,
    /// Decoded but not validated (a projection the model cannot hold): the stored attributes
    /// that the model declares, by data key, with the plan's Python types.
    Partial,
}

impl Shape {
    /// `"models"`, `"dicts"` or `"partial"`.
    pub fn parse(name: &str) -> PyResult<Self> {
        match name {
            "models" => Ok(Self::Models),
            "dicts" => Ok(Self::Dicts),
            "partial" => Ok(Self::Partial),
            other => Err(pyo3::exceptions::PyValueError::new_err(format!(
                "unknown page shape {other:?}"
            ))),
        }
    }
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
    #[pyo3(signature = (spec, validate, dump, plain=None))]
    fn new(
        spec: &Bound<'_, PyAny>,
        validate: Py<PyAny>,
        dump: Py<PyAny>,
        plain: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let compiled = compile(spec)?;
        let plain = plain.map(|p| Plain::from_py(p, &compiled)).transpose()?;
        Ok(Self {
            compiled,
            validate,
            dump,
            plain,
        })
    }

    /// Whether dicts of this model are built without pydantic (its dump is its decoded data).
    #[getter]
    fn plain(&self) -> bool {
        self.plain.is_some()
    }

    /// The item in DynamoDB's wire form; raises before anything is sent if a value breaks a rule.
    fn encode<'py>(&self, instance: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
        let encoded = Encoder::<PyOut>::new(instance.py(), &self.compiled)
            .item(instance)
            .map_err(|e| self.encode_error(instance.py(), e))?;
        Ok(encoded.item)
    }

    /// `encode` of each instance of `instances`, in one call, with the cyclic GC paused: the
    /// young items would otherwise be walked again and again as they pile up.
    fn encode_many<'py>(&self, instances: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
        let py = instances.py();
        let _paused = PausedGc::new(py)?;
        let encoder = Encoder::<PyOut>::new(py, &self.compiled);
        let items = instances
            .try_iter()?
            .map(|instance| {
                let instance = instance?;
                let encoded = encoder.item(&instance);
                encoded
                    .map(|e| e.item)
                    .map_err(|e| self.encode_error(py, e))
            })
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    /// The item encoded straight into the SDK's values, for a batch to send as it is (no wire
    /// dict is built, nor converted again), and what tells its key apart: `(attribute, value)`
    /// pairs of its key attributes, as `Mapping.identity` makes them; raises like `encode`.
    fn encode_native<'py>(
        &self,
        instance: &Bound<'py, PyAny>,
    ) -> PyResult<(NativeItem, Bound<'py, PyTuple>)> {
        let py = instance.py();
        let encoded = Encoder::<SdkOut>::new(py, &self.compiled)
            .item(instance)
            .map_err(|e| self.encode_error(py, e))?;
        let mut identity = Vec::with_capacity(self.compiled.plan.keys().len());
        for &position in self.compiled.plan.keys() {
            let attr = self.compiled.attrs[0][position].bind(py);
            let value = match encoded.item.get(attr.to_str()?) {
                Some(AttributeValue::S(text) | AttributeValue::N(text)) => {
                    PyString::new(py, text).into_any()
                }
                Some(AttributeValue::B(blob)) => PyBytes::new(py, blob.as_ref()).into_any(),
                // Checked by the encoder: every key attribute is there, and a scalar.
                _ => py.None().into_bound(py),
            };
            identity.push(PyTuple::new(py, [attr.clone().into_any(), value])?);
        }
        Ok((NativeItem::new(encoded.item), PyTuple::new(py, identity)?))
    }

    /// `encode_key` of each entry of `keys`, in one call (a batch's keys), with the cyclic GC
    /// paused: it would otherwise walk the young keys again and again as they pile up.
    fn encode_keys<'py>(&self, keys: &Bound<'py, PyList>) -> PyResult<Bound<'py, PyList>> {
        let py = keys.py();
        let _paused = PausedGc::new(py)?;
        let encoder = Encoder::<PyOut>::new(py, &self.compiled);
        let encoded = keys
            .iter()
            .map(|values| {
                let values = values.cast_into::<PyDict>()?;
                encoder.key(&values).map_err(|e| self.encode_error(py, e))
            })
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, encoded)
    }

    /// Root fields by Python name as wire values (None where an item would leave the value out).
    fn encode_fields<'py>(&self, values: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyDict>> {
        Encoder::<PyOut>::new(values.py(), &self.compiled)
            .fields(values)
            .map_err(|e| self.encode_error(values.py(), e))
    }

    /// The primary key of an instance: the stored form of key attributes it was loaded with,
    /// while their fields hold the loaded values; the codec's form otherwise.
    fn instance_key<'py>(&self, instance: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
        Encoder::<PyOut>::new(instance.py(), &self.compiled)
            .instance_key(instance)
            .map_err(|e| self.encode_error(instance.py(), e))
    }

    /// The primary key from the key fields' values, checked like an item's keys.
    fn encode_key<'py>(&self, values: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyDict>> {
        Encoder::<PyOut>::new(values.py(), &self.compiled)
            .key(values)
            .map_err(|e| self.encode_error(values.py(), e))
    }

    /// The value of the derived attribute `attr` built by its template from the fields in
    /// `values`; with `whole` false, its prefix up to the first field not given. None when a
    /// field is missing from a whole value.
    fn template_text(
        &self,
        attr: &str,
        values: &Bound<'_, PyDict>,
        whole: bool,
    ) -> PyResult<Option<String>> {
        let root = self.compiled.plan.root();
        let Some(template) = self
            .compiled
            .templates
            .iter()
            .find(|t| root.fields[t.position].attr == attr)
        else {
            return Err(PyLookupError::new_err(format!(
                "no key template fills {attr:?}"
            )));
        };
        let encoder = Encoder::<PyOut>::new(values.py(), &self.compiled);
        let encoded = encoder
            .fields(values)
            .map_err(|e| self.encode_error(values.py(), e))?;
        encoder
            .template_text(template, &encoded, whole)
            .map_err(|e| self.encode_error(values.py(), e))
    }

    /// The size of the encoded item by DynamoDB's rules, in bytes.
    fn item_size(&self, instance: &Bound<'_, PyAny>) -> PyResult<usize> {
        let encoded = Encoder::<SdkOut>::new(instance.py(), &self.compiled)
            .item(instance)
            .map_err(|e| self.encode_error(instance.py(), e))?;
        Ok(encoded.size)
    }

    /// The stored path of `steps` (field names, dict keys, list positions from the root), field
    /// names replaced by their stored attribute names; LookupError if it leads nowhere.
    fn locate<'py>(&self, steps: &Bound<'py, PyList>) -> PyResult<Bound<'py, PyList>> {
        let py = steps.py();
        let (stored, _) = self.walk(steps)?;
        let stored = stored
            .iter()
            .map(|step| step_to_py(py, step))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, stored)
    }

    /// `value` in wire form as the model stores the value at `steps`; with `element`, as one
    /// element of the set or list there. None is `NULL`.
    #[pyo3(signature = (steps, value, element=false))]
    fn encode_at<'py>(
        &self,
        steps: &Bound<'py, PyList>,
        value: &Bound<'py, PyAny>,
        element: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let py = value.py();
        let (stored, kind) = self.walk(steps)?;
        let mut kind = kind.unwrap_or(&Kind::Any);
        if let Kind::Nullable(inner) = kind {
            kind = inner;
        }
        if element {
            if let Kind::Set(inner) | Kind::List(inner) | Kind::SetAsList(inner) = kind {
                kind = inner;
            }
        }
        if value.is_none() {
            let null = PyDict::new(py);
            null.set_item(intern!(py, "NULL"), true)?;
            return Ok(null);
        }
        let (wire, _) = Encoder::<PyOut>::new(py, &self.compiled)
            .value(kind, value)
            .map_err(|err| {
                let err = match err {
                    EncodeError::Codec(err) => EncodeError::Codec(
                        stored
                            .iter()
                            .rev()
                            .fold(err, |err, step| err.at(segment(step))),
                    ),
                    other => other,
                };
                self.encode_error(py, err)
            })?;
        Ok(wire)
    }

    /// Decode and validate one wire item into a model instance.
    fn load<'py>(&self, item: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = item.py();
        PyWire::item(item)
            .and_then(|item| self.load_one(py, &Decoder::new(&self.compiled), &item, None))
            .map_err(|err| errors::invalid_item_at(py, err, &self.compiled.plan.root().name))
    }

    /// Decode and validate a page of wire items, in one call: each item is validated as soon as
    /// it is decoded, so no page-sized intermediate is ever built.
    fn load_many<'py>(&self, items: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
        let _paused = PausedGc::new(items.py())?;
        let decoder = Decoder::new(&self.compiled);
        let out = PyList::empty(items.py());
        for (position, item) in items.try_iter()?.enumerate() {
            let model = PyWire::item(&item?)
                .and_then(|item| self.load_one(items.py(), &decoder, &item, None))
                .map_err(|err| {
                    let root = &self.compiled.plan.root().name;
                    errors::invalid_item_at(items.py(), err, &format!("{root}, item {position}"))
                })?;
            out.append(model)?;
        }
        Ok(out)
    }
}

impl Codec {
    fn walk(&self, steps: &Bound<'_, PyList>) -> PyResult<(Vec<Step>, Option<&Kind<Handle>>)> {
        let steps = steps
            .iter()
            .map(|step| match step.extract::<usize>() {
                Ok(index) => Ok(Step::Index(index)),
                Err(_) => Ok(Step::Name(step.extract::<String>()?)),
            })
            .collect::<PyResult<Vec<_>>>()?;
        self.compiled
            .plan
            .locate(&steps)
            .map_err(|err| PyLookupError::new_err(err.to_string()))
    }

    /// A page the client fetched, decoded straight from its stored values in the given shape;
    /// `unread` (the fields a projection left out) is recorded on each model.
    pub fn load_page<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        items: impl IntoIterator<Item = S>,
        shape: Shape,
        unread: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let _paused = PausedGc::new(py)?;
        let decoder = Decoder::new(&self.compiled);
        let out = PyList::empty(py);
        for item in items {
            out.append(self.shaped(py, &decoder, &item, shape, unread)?)?;
        }
        Ok(out)
    }

    /// One item the client fetched, decoded into `shape` (a collection's entity).
    pub fn load_item<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        item: &S,
        shape: Shape,
    ) -> PyResult<Bound<'py, PyAny>> {
        let decoder = Decoder::new(&self.compiled);
        self.shaped(py, &decoder, item, shape, None)
    }

    fn shaped<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        decoder: &Decoder<'_>,
        item: &S,
        shape: Shape,
        unread: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match shape {
            Shape::Models => self.load_one(py, decoder, item, unread),
            Shape::Dicts => {
                if let Some(plain) = &self.plain {
                    if let Some(dump) =
                        Dumper::new(&self.compiled, plain, decoder).item(py, item)?
                    {
                        return Ok(dump.into_any());
                    }
                }
                let instance = self.load_one(py, decoder, item, None)?;
                self.dump.bind(py).call1((instance,))
            }
            Shape::Partial => Ok(decoder.item(py, item)?.0.into_any()),
        }
    }

    fn load_one<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        decoder: &Decoder<'_>,
        item: &S,
        unread: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (data, kept) = decoder.item(py, item)?;
        let instance = self.validate.bind(py).call1((data,))?;
        if kept.unknown.is_none() && kept.keys.is_empty() && unread.is_none() {
            return Ok(instance);
        }
        let state = instance.getattr(intern!(py, "__dict__"))?;
        if let Some(unknown) = kept.unknown {
            state.set_item(UNKNOWN_ATTRIBUTES, unknown)?;
        }
        if !kept.keys.is_empty() {
            let stored = PyDict::new(py);
            for (position, wire) in kept.keys {
                let loaded = state.get_item(self.compiled.names[0][position].bind(py))?;
                stored.set_item(self.compiled.attrs[0][position].bind(py), (wire, loaded))?;
            }
            state.set_item(STORED_KEY, stored)?;
        }
        if let Some(unread) = unread {
            state.set_item(UNREAD_FIELDS, unread)?;
        }
        Ok(instance)
    }
}
