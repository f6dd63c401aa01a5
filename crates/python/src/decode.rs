//! Wire items -> plain Python data that pydantic validates in one call.
//!
//! Strings are handed over as the very `str` objects of the input; numbers become `int`,
//! `Decimal` or `float` by the plan, straight from their decimal text; datetimes in the codec's
//! own fixed format are built here, anything else is left for pydantic's ISO-8601 parser.

use dynomodel_codec::{temporal, Kind, RecordId};
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyDateTime, PyDict, PyFloat, PyInt, PyList, PySet, PyString, PyTzInfo};

use crate::errors;
use crate::py_types;
use crate::spec::{Compiled, Handle};
use crate::wire::{split, Tag};

/// Decodes wire values along one compiled plan.
pub struct Decoder<'a> {
    compiled: &'a Compiled,
}

impl<'a> Decoder<'a> {
    /// A decoder for `compiled`.
    pub fn new(compiled: &'a Compiled) -> Self {
        Self { compiled }
    }

    /// Decode a whole item: the data to validate, and the attributes the model does not declare
    /// (kept in wire form, to be written back unchanged).
    pub fn item<'py>(
        &self,
        item: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyDict>, Option<Bound<'py, PyDict>>)> {
        let item = item
            .cast::<PyDict>()
            .map_err(|_| errors::invalid_item(format!("an item must be a dict, not {item}")))?;
        let mut unknown = None;
        let data = self.record(0, item, Some(&mut unknown))?;
        Ok((data, unknown))
    }

    fn record<'py>(
        &self,
        id: RecordId,
        map: &Bound<'py, PyDict>,
        mut unknown: Option<&mut Option<Bound<'py, PyDict>>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let py = map.py();
        let record = self.compiled.plan.record(id);
        let keys = &self.compiled.data_keys[id];
        let index = self.compiled.attr_index[id].bind(py);
        let out = PyDict::new(py);
        let mut required_seen = 0;
        for (attr, value) in map {
            match index.get_item(&attr)? {
                Some(position) => {
                    let position: usize = position.extract()?;
                    let field = &record.fields[position];
                    required_seen += usize::from(field.required);
                    out.set_item(keys[position].bind(py), self.value(&field.kind, &value)?)?;
                }
                None => {
                    if let Some(unknown) = unknown.as_deref_mut() {
                        unknown
                            .get_or_insert_with(|| PyDict::new(py))
                            .set_item(attr, value)?;
                    }
                }
            }
        }
        if required_seen < self.compiled.required[id] {
            // What encoding left out comes back as what was left out: None, or an empty set.
            for (field, key) in record.fields.iter().zip(keys) {
                if !field.required || out.contains(key.bind(py))? {
                    continue;
                }
                match &field.kind {
                    Kind::Nullable(_) => out.set_item(key.bind(py), py.None())?,
                    Kind::Set(_) => out.set_item(key.bind(py), PySet::empty(py)?)?,
                    _ => {}
                }
            }
        }
        Ok(out)
    }

    fn value<'py>(
        &self,
        kind: &Kind<Handle>,
        value: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (tag, payload) = split(value)?;
        self.tagged(kind, tag, payload)
    }

    fn tagged<'py>(
        &self,
        kind: &Kind<Handle>,
        tag: Tag,
        payload: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = payload.py();
        match (tag, kind) {
            (_, Kind::Nullable(inner)) => self.tagged(inner, tag, payload),
            (_, Kind::Enum { value, .. }) => self.tagged(value, tag, payload),
            (Tag::Null, _) => Ok(py.None().into_bound(py)),
            (Tag::S, Kind::DateTime) => datetime(payload),
            (Tag::S, Kind::Date) => date(payload),
            (Tag::N, _) => number(kind, payload),
            (Tag::Ss | Tag::Ns | Tag::Bs, Kind::Set(element)) => {
                self.set(tag, Some(element), payload)
            }
            (Tag::Ss | Tag::Ns | Tag::Bs, Kind::Union(variants)) => {
                let element = variants.iter().find_map(|v| match v {
                    Kind::Set(element) => Some(&**element),
                    _ => None,
                });
                self.set(tag, element, payload)
            }
            (Tag::Ss | Tag::Ns | Tag::Bs, _) => self.set(tag, None, payload),
            (Tag::L, Kind::List(element) | Kind::Set(element)) => {
                self.list(payload, |_| &**element)
            }
            (Tag::L, Kind::Tuple(kinds)) => {
                self.list(payload, |i| kinds.get(i).unwrap_or(&Kind::Any))
            }
            (Tag::L, _) => self.list(payload, |_| &Kind::Any),
            (Tag::M, Kind::Record(id)) => Ok(self.record(*id, payload.cast()?, None)?.into_any()),
            (Tag::M, Kind::Union(variants)) => {
                let map = payload.cast::<PyDict>()?;
                match self.pick_record(variants, map)? {
                    Some(id) => Ok(self.record(id, map, None)?.into_any()),
                    None => self.map(map, &Kind::Any),
                }
            }
            (Tag::M, Kind::Map(inner)) => self.map(payload.cast()?, inner),
            (Tag::M, _) => self.map(payload.cast()?, &Kind::Any),
            // S, B and BOOL payloads are already the Python values.
            (Tag::S | Tag::B | Tag::Bool, _) => Ok(payload),
        }
    }

    fn set<'py>(
        &self,
        tag: Tag,
        element: Option<&Kind<Handle>>,
        payload: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = payload.py();
        let out = PySet::empty(py)?;
        for item in payload.try_iter()? {
            let item = item?;
            let decoded = match (tag, element) {
                (Tag::Ns, Some(kind)) => number(kind, item)?,
                (Tag::Ns, None) => number(&Kind::Any, item)?,
                (Tag::Ss, Some(kind)) => self.tagged(kind, Tag::S, item)?,
                _ => item,
            };
            out.add(decoded)?;
        }
        Ok(out.into_any())
    }

    fn list<'k, 'py>(
        &self,
        payload: Bound<'py, PyAny>,
        kind_at: impl Fn(usize) -> &'k Kind<Handle>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = payload.py();
        let payload = payload.cast::<PyList>()?;
        let mut items = Vec::with_capacity(payload.len());
        for (index, item) in payload.iter().enumerate() {
            items.push(self.value(kind_at(index), &item)?);
        }
        Ok(PyList::new(py, items)?.into_any())
    }

    fn map<'py>(
        &self,
        payload: &Bound<'py, PyDict>,
        inner: &Kind<Handle>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let out = PyDict::new(payload.py());
        for (key, item) in payload {
            out.set_item(key, self.value(inner, &item)?)?;
        }
        Ok(out.into_any())
    }

    /// The record variant of a union that a stored map belongs to: the first whose fields cover
    /// every stored attribute and include every required one.
    fn pick_record(
        &self,
        variants: &[Kind<Handle>],
        map: &Bound<'_, PyDict>,
    ) -> PyResult<Option<RecordId>> {
        for variant in variants {
            let Kind::Record(id) = variant else { continue };
            let record = self.compiled.plan.record(*id);
            let mut stored = 0;
            let mut fits = true;
            for key in map.keys() {
                if record
                    .field_index_by_attr(key.cast::<PyString>()?.to_str()?)
                    .is_some()
                {
                    stored += 1;
                } else {
                    fits = false;
                    break;
                }
            }
            let required = record.fields.iter().filter(|f| f.required).count();
            if fits && stored >= required {
                return Ok(Some(*id));
            }
        }
        Ok(None)
    }
}

/// A number as the plan's Python type; `Any` and unions get `int` when the text is integral and
/// `Decimal` otherwise, never a float they did not ask for.
fn number<'py>(kind: &Kind<Handle>, payload: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = payload.py();
    let text = payload.cast::<PyString>()?.to_str()?;
    let integral = !text.contains(['.', 'e', 'E']);
    let as_int = || -> PyResult<Bound<'py, PyAny>> {
        match text.parse::<i64>() {
            Ok(small) => Ok(small.into_pyobject(py)?.into_any()),
            Err(_) => py.get_type::<PyInt>().call1((&payload,)),
        }
    };
    let as_decimal = || py_types::decimal(py)?.call1((&payload,));
    let as_float = || -> PyResult<Bound<'py, PyAny>> {
        match text.parse::<f64>() {
            Ok(f) => Ok(PyFloat::new(py, f).into_any()),
            Err(_) => py.get_type::<PyFloat>().call1((&payload,)),
        }
    };
    match kind {
        Kind::Int if integral => as_int(),
        Kind::Float => as_float(),
        Kind::Enum { value, .. } | Kind::Nullable(value) => number(value, payload),
        Kind::Union(variants) => {
            let has = |wanted: fn(&Kind<Handle>) -> bool| variants.iter().any(wanted);
            if integral && has(|k| matches!(k, Kind::Int)) {
                as_int()
            } else if has(|k| matches!(k, Kind::Decimal)) {
                as_decimal()
            } else if has(|k| matches!(k, Kind::Float)) {
                as_float()
            } else {
                number(&Kind::Any, payload)
            }
        }
        Kind::Any | Kind::Custom(_) if integral => as_int(),
        _ => as_decimal(),
    }
}

fn datetime(payload: Bound<'_, PyAny>) -> PyResult<Bound<'_, PyAny>> {
    let py = payload.py();
    let Some(p) = temporal::parse_datetime(payload.cast::<PyString>()?.to_str()?) else {
        return Ok(payload);
    };
    let utc = PyTzInfo::utc(py)?;
    let built = PyDateTime::new(
        py,
        i32::from(p.year),
        p.month,
        p.day,
        p.hour,
        p.minute,
        p.second,
        p.microsecond,
        Some(&utc),
    );
    // An impossible date (February 30) is left for pydantic to report.
    Ok(built.map_or(payload, Bound::into_any))
}

fn date(payload: Bound<'_, PyAny>) -> PyResult<Bound<'_, PyAny>> {
    let py = payload.py();
    match temporal::parse_date(payload.cast::<PyString>()?.to_str()?) {
        Some((y, m, d)) => match PyDate::new(py, i32::from(y), m, d) {
            Ok(date) => Ok(date.into_any()),
            Err(_) => Ok(payload),
        },
        None => Ok(payload),
    }
}
