//! Model instance -> [`Item`], along the compiled plan.
//!
//! Values are read straight from each instance's `__dict__` (no `model_dump`), checked against
//! DynamoDB's rules by the codec crate, and refused with the path to the offending value.

use dynomodel_codec::{number, size, temporal, CodecError, Item, Kind, PathSegment, Rule, Value};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyBytes, PyDate, PyDateTime, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet,
    PyString, PyTime, PyTuple, PyTzInfo,
};
use pyo3::types::{PyDateAccess, PyTimeAccess, PyTzInfoAccess};

use crate::spec::{Compiled, Handle};
use crate::{codec::UNKNOWN_ATTRIBUTES, py_types, wire};

/// Why a value could not be encoded: a DynamoDB rule, or Python raised.
pub enum EncodeError {
    /// The value breaks a rule; carries the path to it.
    Codec(CodecError),
    /// Python code (a `__str__`, a serializer) raised.
    Python(PyErr),
}

impl From<PyErr> for EncodeError {
    fn from(err: PyErr) -> Self {
        Self::Python(err)
    }
}

impl From<pyo3::CastError<'_, '_>> for EncodeError {
    fn from(err: pyo3::CastError<'_, '_>) -> Self {
        Self::Python(err.into())
    }
}

impl EncodeError {
    fn at(self, segment: PathSegment) -> Self {
        match self {
            Self::Codec(err) => Self::Codec(err.at(segment)),
            python => python,
        }
    }
}

type Result<T> = std::result::Result<T, EncodeError>;

fn rule<T>(rule: Rule) -> Result<T> {
    Err(EncodeError::Codec(CodecError::new(rule)))
}

fn mismatch<T>(expected: &str, value: &Bound<'_, PyAny>) -> Result<T> {
    let found = value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string());
    rule(Rule::TypeMismatch {
        expected: expected.to_owned(),
        found,
    })
}

/// Walks Python values along one compiled plan.
pub struct Encoder<'a> {
    compiled: &'a Compiled,
}

impl<'a> Encoder<'a> {
    /// An encoder for `compiled`.
    pub fn new(compiled: &'a Compiled) -> Self {
        Self { compiled }
    }

    /// Encode a whole item: the root model, its keys checked, unknown attributes it was loaded
    /// with written back, and the size limit enforced.
    pub fn item(&self, instance: &Bound<'_, PyAny>) -> Result<Item> {
        let plan = &self.compiled.plan;
        let mut item = self.record(0, instance)?;
        for &key in plan.keys() {
            let attr = &plan.root().fields[key].attr;
            let empty = match item.iter().find(|(name, _)| name == attr) {
                Some((_, Value::S(s))) => s.is_empty(),
                Some((_, Value::B(b))) => b.is_empty(),
                Some(_) => false,
                None => true,
            };
            if empty {
                return Err(EncodeError::Codec(
                    CodecError::new(Rule::EmptyKey).at(PathSegment::Attr(attr.clone())),
                ));
            }
        }
        let fields = instance.getattr(intern!(instance.py(), "__dict__"))?;
        if let Some(unknown) = fields.cast::<PyDict>()?.get_item(UNKNOWN_ATTRIBUTES)? {
            for (name, value) in unknown.cast::<PyDict>()? {
                let name: String = name.extract()?;
                if !item.iter().any(|(attr, _)| *attr == name) {
                    item.push((name, wire::value_from_py(&value)?));
                }
            }
        }
        let size = size::item_size(&item);
        if size > size::MAX_ITEM_SIZE {
            return rule(Rule::ItemTooLarge { size });
        }
        Ok(item)
    }

    fn record(&self, id: usize, value: &Bound<'_, PyAny>) -> Result<Item> {
        let py = value.py();
        let record = self.compiled.plan.record(id);
        let source = if record.is_model {
            match value.getattr(intern!(py, "__dict__")) {
                Ok(dict) => dict.cast_into::<PyDict>().map_err(PyErr::from)?,
                Err(_) => return mismatch(&record.name, value),
            }
        } else {
            match value.cast::<PyDict>() {
                Ok(dict) => dict.clone(),
                Err(_) => return mismatch(&record.name, value),
            }
        };
        let names = &self.compiled.names[id];
        let mut item = Vec::with_capacity(record.fields.len());
        for (field, name) in record.fields.iter().zip(names) {
            let Some(value) = source.get_item(name.bind(py))? else {
                continue;
            };
            // None and empty sets are left out: DynamoDB has no empty set, and an absent
            // attribute keeps sparse indexes sparse.
            if value.is_none() || is_empty_set(&value) {
                continue;
            }
            let encoded = self
                .value(&field.kind, &value)
                .map_err(|err| err.at(PathSegment::Attr(field.attr.clone())))?;
            item.push((field.attr.clone(), encoded));
        }
        Ok(item)
    }

    fn value(&self, kind: &Kind<Handle>, value: &Bound<'_, PyAny>) -> Result<Value> {
        let py = value.py();
        match kind {
            Kind::Str => match value.cast::<PyString>() {
                Ok(s) => Ok(Value::S(s.to_str()?.to_owned())),
                Err(_) => mismatch("str", value),
            },
            Kind::Bool => match value.cast::<PyBool>() {
                Ok(b) => Ok(Value::Bool(b.is_true())),
                Err(_) => mismatch("bool", value),
            },
            Kind::Int => self.int(value),
            Kind::Float => self.float(value),
            Kind::Decimal => self.decimal(value),
            Kind::Bytes => match value.cast::<PyBytes>() {
                Ok(b) => Ok(Value::B(b.as_bytes().to_vec())),
                Err(_) => mismatch("bytes", value),
            },
            Kind::DateTime => self.datetime(value),
            Kind::Date => match value.cast::<PyDate>() {
                Ok(d) if !value.is_instance_of::<PyDateTime>() => Ok(Value::S(
                    temporal::format_date(d.get_year() as u16, d.get_month(), d.get_day()),
                )),
                _ => mismatch("date", value),
            },
            Kind::Time => match value.cast::<PyTime>() {
                Ok(t) => Ok(Value::S(
                    t.call_method0(intern!(py, "isoformat"))?.extract()?,
                )),
                Err(_) => mismatch("time", value),
            },
            Kind::Uuid => {
                if value.is_instance(py_types::uuid(py)?)? {
                    Ok(Value::S(value.str()?.to_str()?.to_owned()))
                } else {
                    mismatch("UUID", value)
                }
            }
            Kind::Enum {
                class,
                value: inner,
            } => {
                // With `use_enum_values` the model already holds the plain value.
                if value.is_instance(class.bind(py))? {
                    self.value(inner, &value.getattr(intern!(py, "value"))?)
                } else {
                    self.value(inner, value)
                }
            }
            Kind::Set(element) => self.set(Some(element), value),
            Kind::List(element) => {
                let items = sequence(value)
                    .ok_or(())
                    .or_else(|()| mismatch("list", value))?;
                self.list(items.into_iter().map(|item| (&**element, item)))
            }
            Kind::Tuple(kinds) => {
                let items = sequence(value)
                    .ok_or(())
                    .or_else(|()| mismatch("tuple", value))?;
                if items.len() != kinds.len() {
                    return mismatch(&format!("a tuple of {}", kinds.len()), value);
                }
                self.list(kinds.iter().zip(items))
            }
            Kind::Map(inner) => match value.cast::<PyDict>() {
                Ok(dict) => self.map(dict, |v| self.value(inner, v)),
                Err(_) => mismatch("dict", value),
            },
            Kind::Record(id) => Ok(Value::M(self.record(*id, value)?)),
            Kind::Union(variants) => {
                for variant in variants {
                    if self.accepts(variant, value)? {
                        return self.value(variant, value);
                    }
                }
                mismatch("a member of the union", value)
            }
            Kind::Nullable(inner) => {
                if value.is_none() {
                    Ok(Value::Null)
                } else {
                    self.value(inner, value)
                }
            }
            Kind::Any => self.dynamic(value),
            Kind::Custom(serializer) => {
                // JSON mode turns the type pydantic knows (a URL, an IP address) into plain data.
                let kwargs = PyDict::new(py);
                kwargs.set_item(intern!(py, "mode"), intern!(py, "json"))?;
                let plain = serializer.bind(py).call_method(
                    intern!(py, "to_python"),
                    (value,),
                    Some(&kwargs),
                )?;
                self.dynamic(&plain)
            }
        }
    }

    /// Whether `value` is of the Python type `kind` holds: how a union picks its variant.
    fn accepts(&self, kind: &Kind<Handle>, value: &Bound<'_, PyAny>) -> PyResult<bool> {
        let py = value.py();
        Ok(match kind {
            Kind::Str => value.is_instance_of::<PyString>(),
            Kind::Bool => value.is_instance_of::<PyBool>(),
            Kind::Int => value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>(),
            Kind::Float => value.is_instance_of::<PyFloat>(),
            Kind::Decimal => value.is_instance(py_types::decimal(py)?)?,
            Kind::Bytes => value.is_instance_of::<PyBytes>(),
            Kind::DateTime => value.is_instance_of::<PyDateTime>(),
            Kind::Date => value.is_instance_of::<PyDate>() && !value.is_instance_of::<PyDateTime>(),
            Kind::Time => value.is_instance_of::<PyTime>(),
            Kind::Uuid => value.is_instance(py_types::uuid(py)?)?,
            Kind::Enum { class, .. } => value.is_instance(class.bind(py))?,
            Kind::Set(_) => {
                value.is_instance_of::<PySet>() || value.is_instance_of::<PyFrozenSet>()
            }
            Kind::List(_) => value.is_instance_of::<PyList>(),
            Kind::Tuple(_) => value.is_instance_of::<PyTuple>(),
            Kind::Map(_) => value.is_instance_of::<PyDict>(),
            Kind::Record(id) => {
                let record = self.compiled.plan.record(*id);
                if record.is_model {
                    value.is_instance(record.class.bind(py))?
                } else {
                    value.is_instance_of::<PyDict>()
                }
            }
            Kind::Union(variants) => {
                for variant in variants {
                    if self.accepts(variant, value)? {
                        return Ok(true);
                    }
                }
                false
            }
            Kind::Nullable(inner) => value.is_none() || self.accepts(inner, value)?,
            Kind::Any | Kind::Custom(_) => true,
        })
    }

    fn int(&self, value: &Bound<'_, PyAny>) -> Result<Value> {
        if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
            return mismatch("int", value);
        }
        if let Ok(small) = value.extract::<i64>() {
            return Ok(Value::N(number::format_int(small)));
        }
        checked_number(value.str()?.to_str()?)
    }

    fn float(&self, value: &Bound<'_, PyAny>) -> Result<Value> {
        if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
            return self.int(value);
        }
        match value.cast::<PyFloat>() {
            Ok(f) => number::format_float(f.value()).map(Value::N).or_else(rule),
            Err(_) => mismatch("float", value),
        }
    }

    fn decimal(&self, value: &Bound<'_, PyAny>) -> Result<Value> {
        if value.is_instance(py_types::decimal(value.py())?)? {
            return checked_number(value.str()?.to_str()?);
        }
        if value.is_instance_of::<PyFloat>() {
            return self.float(value);
        }
        self.int(value)
    }

    fn datetime(&self, value: &Bound<'_, PyAny>) -> Result<Value> {
        let py = value.py();
        let Ok(dt) = value.cast::<PyDateTime>() else {
            return mismatch("datetime", value);
        };
        let Some(tz) = dt.get_tzinfo() else {
            return rule(Rule::NaiveDatetime);
        };
        let utc = PyTzInfo::utc(py)?;
        let converted;
        let dt = if tz.is(&*utc) {
            dt
        } else {
            converted = dt
                .call_method1(intern!(py, "astimezone"), (&*utc,))?
                .cast_into::<PyDateTime>()
                .map_err(PyErr::from)?;
            &converted
        };
        Ok(Value::S(temporal::format_datetime(
            &temporal::DateTimeParts {
                year: dt.get_year() as u16,
                month: dt.get_month(),
                day: dt.get_day(),
                hour: dt.get_hour(),
                minute: dt.get_minute(),
                second: dt.get_second(),
                microsecond: dt.get_microsecond(),
            },
        )))
    }

    /// A set as `SS`, `NS` or `BS`; `element` is `None` when the type follows the values.
    fn set(&self, element: Option<&Kind<Handle>>, value: &Bound<'_, PyAny>) -> Result<Value> {
        if !(value.is_instance_of::<PySet>() || value.is_instance_of::<PyFrozenSet>()) {
            return mismatch("set", value);
        }
        let mut encoded = Vec::new();
        for (index, item) in value.try_iter()?.enumerate() {
            let item = item?;
            let one = match element {
                Some(kind) => self.value(kind, &item),
                None => self.dynamic(&item),
            };
            encoded.push(one.map_err(|err| err.at(PathSegment::Index(index)))?);
        }
        let set = match encoded.first() {
            None => return rule(Rule::EmptySet),
            Some(Value::S(_)) => Value::Ss(collect(encoded, |v| match v {
                Value::S(s) => Some(s),
                _ => None,
            })?),
            Some(Value::N(_)) => Value::Ns(collect(encoded, |v| match v {
                Value::N(n) => Some(n),
                _ => None,
            })?),
            Some(Value::B(_)) => Value::Bs(collect(encoded, |v| match v {
                Value::B(b) => Some(b),
                _ => None,
            })?),
            Some(_) => return rule(Rule::MixedSet),
        };
        Ok(set)
    }

    fn list<'k, 'py>(
        &self,
        items: impl Iterator<Item = (&'k Kind<Handle>, Bound<'py, PyAny>)>,
    ) -> Result<Value> {
        let mut out = Vec::with_capacity(items.size_hint().0);
        for (index, (kind, item)) in items.enumerate() {
            let encoded = self
                .value(kind, &item)
                .map_err(|err| err.at(PathSegment::Index(index)));
            out.push(encoded?);
        }
        Ok(Value::L(out))
    }

    fn map(
        &self,
        dict: &Bound<'_, PyDict>,
        mut encode: impl FnMut(&Bound<'_, PyAny>) -> Result<Value>,
    ) -> Result<Value> {
        let mut out = Vec::with_capacity(dict.len());
        for (key, item) in dict {
            let Ok(key) = key.cast::<PyString>() else {
                return mismatch("str keys", &key);
            };
            let key = key.to_str()?.to_owned();
            let encoded = encode(&item).map_err(|err| err.at(PathSegment::Attr(key.clone())))?;
            out.push((key, encoded));
        }
        Ok(Value::M(out))
    }

    /// `Any`: the DynamoDB type follows the Python type, the way boto3's serializer does, plus the
    /// types the plan knows (datetimes, enums, UUIDs, models).
    fn dynamic(&self, value: &Bound<'_, PyAny>) -> Result<Value> {
        let py = value.py();
        if value.is_none() {
            Ok(Value::Null)
        } else if let Ok(b) = value.cast::<PyBool>() {
            Ok(Value::Bool(b.is_true()))
        } else if let Ok(s) = value.cast::<PyString>() {
            Ok(Value::S(s.to_str()?.to_owned()))
        } else if value.is_instance_of::<PyInt>() {
            self.int(value)
        } else if value.is_instance_of::<PyFloat>() {
            self.float(value)
        } else if value.is_instance(py_types::decimal(py)?)? {
            self.decimal(value)
        } else if let Ok(b) = value.cast::<PyBytes>() {
            Ok(Value::B(b.as_bytes().to_vec()))
        } else if let Some(items) = sequence(value) {
            self.list(items.into_iter().map(|item| (&Kind::Any, item)))
        } else if let Ok(dict) = value.cast::<PyDict>() {
            self.map(dict, |v| self.dynamic(v))
        } else if value.is_instance_of::<PySet>() || value.is_instance_of::<PyFrozenSet>() {
            self.set(None, value)
        } else if value.is_instance_of::<PyDateTime>() {
            self.datetime(value)
        } else if value.is_instance_of::<PyDate>() {
            self.value(&Kind::Date, value)
        } else if value.is_instance_of::<PyTime>() {
            self.value(&Kind::Time, value)
        } else if value.is_instance(py_types::uuid(py)?)? {
            self.value(&Kind::Uuid, value)
        } else if let Ok(member) = value.getattr(intern!(py, "_value_")) {
            self.dynamic(&member)
        } else if value.is_instance(py_types::base_model(py)?)? {
            self.dynamic(&value.call_method0(intern!(py, "model_dump"))?)
        } else {
            mismatch("a value DynamoDB can store", value)
        }
    }
}

fn checked_number(text: &str) -> Result<Value> {
    match number::check(text) {
        Ok(_) => Ok(Value::N(text.to_owned())),
        Err(broken) => rule(broken),
    }
}

fn is_empty_set(value: &Bound<'_, PyAny>) -> bool {
    value.cast::<PySet>().is_ok_and(|s| s.is_empty())
        || value.cast::<PyFrozenSet>().is_ok_and(|s| s.is_empty())
}

/// The items of a list or tuple (the two sequence types pydantic stores).
fn sequence<'py>(value: &Bound<'py, PyAny>) -> Option<Vec<Bound<'py, PyAny>>> {
    if let Ok(list) = value.cast::<PyList>() {
        Some(list.iter().collect())
    } else {
        value
            .cast::<PyTuple>()
            .ok()
            .map(|tuple| tuple.iter().collect())
    }
}

fn collect<T>(values: Vec<Value>, pick: impl Fn(Value) -> Option<T>) -> Result<Vec<T>> {
    values
        .into_iter()
        .map(|v| pick(v).ok_or(()))
        .collect::<std::result::Result<_, ()>>()
        .or_else(|()| rule(Rule::MixedSet))
}
