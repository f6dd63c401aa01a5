//! Stored items straight into a model's dump, for `as_dict=True` on models whose dump is their
//! decoded data (see `dynomodel/_schema/plain.py`): no validation, no instance, no serializer.
//!
//! Only values the decoder builds in their final type are taken as they come: text for a `str`,
//! an integral number for an `int`, a datetime in the codec's own form, and so on. Anything
//! else (an attribute stored as another type, a datetime another library wrote, a required
//! field missing) answers `None`, and the item takes the validated path, which reads it as
//! pydantic would, or says why it cannot.

use dynomodel_codec::{DateTimeForm, Kind, RecordId};
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyDateTime, PyDict, PyList, PySet, PyTuple};

use crate::decode::{self, Decoder};
use crate::source::Source;
use crate::spec::{Compiled, Handle};
use crate::wire::Tag;

/// Which records of a plan dump as their decoded data, with what their dumps fill a missing
/// field with.
pub struct Plain {
    /// Per record: `None` when its dump is not its decoded data; else per field, the default
    /// pydantic fills in (an empty list, set or dict standing for a new one).
    records: Vec<Option<Vec<Option<Py<PyAny>>>>>,
}

impl Plain {
    /// From `plain_defaults`: per record, `None` or a list of `()` / `(default,)` per field.
    pub fn from_py(records: &Bound<'_, PyAny>, compiled: &Compiled) -> PyResult<Self> {
        let records = records
            .try_iter()?
            .map(|record| {
                let record = record?;
                if record.is_none() {
                    return Ok(None);
                }
                record
                    .try_iter()?
                    .map(|default| {
                        let default = default?.cast_into::<PyTuple>()?;
                        Ok(match default.len() {
                            0 => None,
                            _ => Some(default.get_item(0)?.unbind()),
                        })
                    })
                    .collect::<PyResult<Vec<_>>>()
                    .map(Some)
            })
            .collect::<PyResult<Vec<_>>>()?;
        let fits = records.len() == compiled.names.len()
            && records
                .iter()
                .zip(&compiled.names)
                .all(|(record, names)| record.as_ref().is_none_or(|d| d.len() == names.len()));
        if !fits {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "plain defaults do not match the plan's records and fields",
            ));
        }
        Ok(Self { records })
    }
}

/// Builds dumps along one compiled plan.
pub struct Dumper<'a> {
    compiled: &'a Compiled,
    plain: &'a Plain,
    decoder: &'a Decoder<'a>,
}

impl<'a> Dumper<'a> {
    /// A dumper for `compiled`, whose plain records are `plain`.
    pub fn new(compiled: &'a Compiled, plain: &'a Plain, decoder: &'a Decoder<'a>) -> Self {
        Self {
            compiled,
            plain,
            decoder,
        }
    }

    /// The dump of the model an item holds, or `None` when the item must be validated.
    pub fn item<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        item: &S,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.record(py, 0, item)
    }

    fn record<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        id: RecordId,
        map: &S,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(defaults) = &self.plain.records[id] else {
            return Ok(None);
        };
        let record = self.compiled.plan.record(id);
        let mut slots: Vec<Option<Bound<'py, PyAny>>> = vec![None; record.fields.len()];
        let mut exact = true;
        map.for_each_entry(|name, value| {
            if !exact {
                return Ok(());
            }
            // Attributes the model does not declare are not part of its dump.
            if let Some(position) = name.field_index(self.compiled, id)? {
                let field = &record.fields[position];
                if !field.computed {
                    slots[position] = self.value(py, &field.kind, &value)?;
                    exact = slots[position].is_some();
                }
            }
            Ok(())
        })?;
        if !exact {
            return Ok(None);
        }
        // In the fields' order, as pydantic dumps them.
        let out = PyDict::new(py);
        for (position, (field, slot)) in record.fields.iter().zip(slots).enumerate() {
            if field.computed {
                continue;
            }
            let value = match (slot, &defaults[position]) {
                (Some(value), _) => value,
                (None, Some(default)) => fresh(py, default.bind(py))?,
                (None, None) => match decode::left_out(py, &field.kind)? {
                    Some(value) if field.required => value,
                    _ => return Ok(None),
                },
            };
            out.set_item(self.compiled.names[id][position].bind(py), value)?;
        }
        Ok(Some(out))
    }

    fn value<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        kind: &Kind<Handle>,
        value: &S,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let tag = value.tag();
        Ok(match (tag, kind) {
            (Tag::Null, Kind::Nullable(_)) => Some(py.None().into_bound(py)),
            (_, Kind::Nullable(inner)) => self.value(py, inner, value)?,
            (_, Kind::Any) => Some(self.decoder.value(py, kind, value)?),
            (Tag::S, Kind::Str) | (Tag::B, Kind::Bytes) | (Tag::Bool, Kind::Bool) => {
                Some(value.scalar(py)?)
            }
            (Tag::N, Kind::Float | Kind::Decimal) => Some(decode::number(py, kind, value)?),
            (Tag::N, Kind::Int) if !value.text()?.contains(['.', 'e', 'E']) => {
                Some(decode::number(py, kind, value)?)
            }
            (Tag::S, Kind::DateTime | Kind::DateTimeAs(_)) => {
                built::<PyDateTime>(decode::datetime(py, value)?)
            }
            (Tag::N, Kind::DateTimeAs(DateTimeForm::EpochMillis)) => {
                built::<PyDateTime>(decode::epoch_millis(py, value)?)
            }
            (Tag::N, Kind::EpochSeconds) => built::<PyDateTime>(decode::epoch_seconds(py, value)?),
            (Tag::S, Kind::Date) => built::<PyDate>(decode::date(py, value)?),
            (Tag::Ss | Tag::Ns | Tag::Bs, Kind::Set(element)) => {
                let out = PySet::empty(py)?;
                if !self.each(py, element, value, |item| out.add(item))? {
                    return Ok(None);
                }
                Some(out.into_any())
            }
            (Tag::L, Kind::List(element)) => {
                let mut items = Vec::with_capacity(value.len()?);
                if !self.each(py, element, value, |item| {
                    items.push(item);
                    Ok(())
                })? {
                    return Ok(None);
                }
                Some(PyList::new(py, items)?.into_any())
            }
            (Tag::M, Kind::Map(inner)) => {
                let out = PyDict::new(py);
                let mut exact = true;
                value.for_each_entry(|name, item| {
                    if exact {
                        match self.value(py, inner, &item)? {
                            Some(decoded) => out.set_item(name.to_py(py), decoded)?,
                            None => exact = false,
                        }
                    }
                    Ok(())
                })?;
                exact.then(|| out.into_any())
            }
            (Tag::M, Kind::Record(id)) => self.record(py, *id, value)?.map(Bound::into_any),
            _ => None,
        })
    }

    /// `keep` each element of a list or set decoded as `element`; false as soon as one is not
    /// in its final type.
    fn each<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        element: &Kind<Handle>,
        value: &S,
        mut keep: impl FnMut(Bound<'py, PyAny>) -> PyResult<()>,
    ) -> PyResult<bool> {
        let mut exact = true;
        value.for_each_element(|item| {
            if exact {
                match self.value(py, element, &item)? {
                    Some(decoded) => keep(decoded)?,
                    None => exact = false,
                }
            }
            Ok(())
        })?;
        Ok(exact)
    }
}

/// The decoder's value if it built the type itself (it leaves text it cannot read for pydantic).
fn built<'py, T: pyo3::PyTypeCheck>(value: Bound<'py, PyAny>) -> Option<Bound<'py, PyAny>> {
    value.is_instance_of::<T>().then_some(value)
}

/// A default as pydantic fills it in: a new empty list, set or dict each time.
fn fresh<'py>(py: Python<'py>, default: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    Ok(if default.is_exact_instance_of::<PyList>() {
        PyList::empty(py).into_any()
    } else if default.is_exact_instance_of::<PySet>() {
        PySet::empty(py)?.into_any()
    } else if default.is_exact_instance_of::<PyDict>() {
        PyDict::new(py).into_any()
    } else {
        default.clone()
    })
}
