//! Stored items -> plain Python data that pydantic validates.
//!
//! The items come from Python wire dicts or straight from the SDK ([`crate::source`]). Strings
//! from Python are handed over as the very `str` objects of the input; numbers become `int`,
//! `Decimal` or `float` by the plan, straight from their decimal text; datetimes in the codec's
//! own fixed format are built here, anything else is left for pydantic's ISO-8601 parser.

use dynomodel_codec::{temporal, DateTimeForm, Kind, RecordId, WireType};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyDateTime, PyDelta, PyDict, PyFloat, PyInt, PyList, PySet, PyTzInfo};

use crate::py_types;
use crate::source::{PyWire, Source};
use crate::spec::{Compiled, Handle};
use crate::wire::Tag;

/// Decodes stored values along one compiled plan.
pub struct Decoder<'a> {
    compiled: &'a Compiled,
}

impl<'a> Decoder<'a> {
    /// A decoder for `compiled`.
    pub fn new(compiled: &'a Compiled) -> Self {
        Self { compiled }
    }

    /// Decode a whole item: the data to validate, and what the instance keeps beside its fields.
    pub fn item<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        item: &S,
    ) -> PyResult<(Bound<'py, PyDict>, Kept<'py>)> {
        let mut kept = Kept::default();
        let data = self.record(py, 0, item, Some(&mut kept))?;
        Ok((data, kept))
    }

    fn record<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        id: RecordId,
        map: &S,
        mut kept: Option<&mut Kept<'py>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let record = self.compiled.plan.record(id);
        let keys = &self.compiled.data_keys[id];
        let out = PyDict::new(py);
        let mut required_seen = 0;
        // Items the codec encoded hold the fields in the plan's order.
        let (attrs, mut next) = (&self.compiled.attrs[id], 0);
        map.for_each_entry(|name, value| {
            let position = match attrs.get(next) {
                Some(attr) if name.is_object(attr) => Some(next),
                _ => name.field_index(self.compiled, id)?,
            };
            next = position.map_or(next, |position| position + 1);
            match position {
                // Computed from the other fields again on validation: never data.
                Some(position) if record.fields[position].computed => {}
                Some(position) => {
                    let field = &record.fields[position];
                    required_seen += usize::from(field.required);
                    if let Some(kept) = kept.as_deref_mut() {
                        if self.compiled.plan.keys().contains(&position)
                            && !canonical(&field.kind, &value)?
                        {
                            kept.keys.push((position, value.to_wire(py)?));
                        }
                    }
                    out.set_item(
                        keys[position].bind(py),
                        self.value(py, &field.kind, &value)?,
                    )?;
                }
                // pydantic keeps what the model does not declare as its extras.
                None if record.extra => {
                    out.set_item(name.to_py(py), self.value(py, &Kind::Any, &value)?)?;
                }
                None => {
                    if let Some(kept) = kept.as_deref_mut() {
                        kept.unknown
                            .get_or_insert_with(|| PyDict::new(py))
                            .set_item(name.to_py(py), value.to_wire(py)?)?;
                    }
                }
            }
            Ok(())
        })?;
        if id == 0 && !self.compiled.templates.is_empty() {
            self.fill_from_templates(py, map, &out)?;
        }
        if required_seen < self.compiled.required[id] {
            for (field, key) in record.fields.iter().zip(keys) {
                if !field.required || out.contains(key.bind(py))? {
                    continue;
                }
                if let Some(value) = left_out(py, &field.kind)? {
                    out.set_item(key.bind(py), value)?;
                }
            }
        }
        Ok(out)
    }

    /// Fields an item holds only inside a derived attribute (a key written by its template,
    /// without the fields beside it) are read back out of it.
    fn fill_from_templates<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        map: &S,
        out: &Bound<'py, PyDict>,
    ) -> PyResult<()> {
        let keys = &self.compiled.data_keys[0];
        let root = self.compiled.plan.root();
        let number = |position: usize| {
            let kind = match &root.fields[position].kind {
                Kind::Nullable(inner) => inner.as_ref(),
                kind => kind,
            };
            self.compiled.plan.wire_type(kind) == Some(WireType::N)
        };
        for template in &self.compiled.templates {
            let mut missing = false;
            for position in template.fields() {
                missing |= !out.contains(keys[position].bind(py))?;
            }
            if !missing {
                continue;
            }
            let attr = &root.fields[template.position].attr;
            let mut stored: Option<String> = None;
            map.for_each_entry(|name, value| {
                if value.tag() == Tag::S && name.is(attr) {
                    stored = Some(value.text()?.to_owned());
                }
                Ok(())
            })?;
            let Some(parts) = stored
                .as_deref()
                .and_then(|text| template.parse(text, number))
            else {
                continue; // not this template's form: validation reports the missing fields
            };
            for (position, text) in parts {
                let key = keys[position].bind(py);
                if out.contains(key)? {
                    continue;
                }
                let wire = PyDict::new(py);
                let tag = if number(position) { Tag::N } else { Tag::S };
                wire.set_item(tag.key(py), text)?;
                let value = PyWire::new(wire.into_any())?;
                out.set_item(key, self.value(py, &root.fields[position].kind, &value)?)?;
            }
        }
        Ok(())
    }

    /// One stored value decoded along `kind`.
    pub(crate) fn value<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        kind: &Kind<Handle>,
        value: &S,
    ) -> PyResult<Bound<'py, PyAny>> {
        let tag = value.tag();
        match (tag, kind) {
            (_, Kind::Nullable(inner)) => self.value(py, inner, value),
            (_, Kind::Enum { value: inner, .. }) => self.value(py, inner, value),
            (Tag::Null, _) => Ok(py.None().into_bound(py)),
            (Tag::S, Kind::DateTime | Kind::DateTimeAs(_)) => datetime(py, value),
            (Tag::N, Kind::DateTimeAs(DateTimeForm::EpochMillis)) => epoch_millis(py, value),
            (Tag::S, Kind::Date) => date(py, value),
            (Tag::N, Kind::EpochSeconds) => epoch_seconds(py, value),
            (Tag::N, _) => number(py, kind, value),
            (Tag::Ss | Tag::Ns | Tag::Bs, Kind::Set(element) | Kind::SetAsList(element)) => {
                self.set(py, Some(element), value)
            }
            (Tag::Ss | Tag::Ns | Tag::Bs, Kind::Union(variants)) => {
                let element = variants.iter().find_map(|v| match v {
                    Kind::Set(element) => Some(&**element),
                    _ => None,
                });
                self.set(py, element, value)
            }
            (Tag::Ss | Tag::Ns | Tag::Bs, _) => self.set(py, None, value),
            (Tag::L, Kind::List(element) | Kind::Set(element) | Kind::SetAsList(element)) => {
                self.list(py, value, |_| &**element)
            }
            (Tag::L, Kind::Tuple(kinds)) => {
                self.list(py, value, |i| kinds.get(i).unwrap_or(&Kind::Any))
            }
            (Tag::L, _) => self.list(py, value, |_| &Kind::Any),
            (Tag::M, Kind::Record(id)) => Ok(self.record(py, *id, value, None)?.into_any()),
            (Tag::M, Kind::Union(variants)) => match self.pick_record(variants, value)? {
                Some(id) => Ok(self.record(py, id, value, None)?.into_any()),
                None => self.map(py, value, &Kind::Any),
            },
            (Tag::M, Kind::Map(inner)) => self.map(py, value, inner),
            (Tag::M, _) => self.map(py, value, &Kind::Any),
            (Tag::S | Tag::B | Tag::Bool, _) => value.scalar(py),
        }
    }

    fn set<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        element: Option<&Kind<Handle>>,
        value: &S,
    ) -> PyResult<Bound<'py, PyAny>> {
        let out = PySet::empty(py)?;
        value.for_each_element(|item| {
            let decoded = match (item.tag(), element) {
                (Tag::N, kind) => number(py, kind.unwrap_or(&Kind::Any), &item)?,
                (Tag::S, Some(kind)) => self.value(py, kind, &item)?,
                _ => item.scalar(py)?,
            };
            out.add(decoded)
        })?;
        Ok(out.into_any())
    }

    fn list<'k, 'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        value: &S,
        kind_at: impl Fn(usize) -> &'k Kind<Handle>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut items = Vec::with_capacity(value.len()?);
        value.for_each_element(|item| {
            items.push(self.value(py, kind_at(items.len()), &item)?);
            Ok(())
        })?;
        Ok(PyList::new(py, items)?.into_any())
    }

    fn map<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        value: &S,
        inner: &Kind<Handle>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let out = PyDict::new(py);
        value.for_each_entry(|name, item| {
            out.set_item(name.to_py(py), self.value(py, inner, &item)?)
        })?;
        Ok(out.into_any())
    }

    /// The record variant of a union that a stored map belongs to: the first whose fields cover
    /// every stored attribute and include every required one.
    fn pick_record<'py, S: Source<'py>>(
        &self,
        variants: &[Kind<Handle>],
        map: &S,
    ) -> PyResult<Option<RecordId>> {
        for variant in variants {
            let Kind::Record(id) = variant else { continue };
            let (mut stored, mut fits) = (0, true);
            map.for_each_entry(|name, _| {
                if name.field_index(self.compiled, *id)?.is_some() {
                    stored += 1;
                } else {
                    fits = false;
                }
                Ok(())
            })?;
            let record = self.compiled.plan.record(*id);
            let required = record.fields.iter().filter(|f| f.required).count();
            if fits && stored >= required {
                return Ok(Some(*id));
            }
        }
        Ok(None)
    }
}

/// What a required field whose attribute an item lacks reads back as: what encoding left out,
/// None or an empty set; `None` for any other kind (validation reports it missing).
pub(crate) fn left_out<'py>(
    py: Python<'py>,
    kind: &Kind<Handle>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(match kind {
        Kind::Nullable(_) => Some(py.None().into_bound(py)),
        Kind::Set(_) | Kind::SetAsList(_) => Some(PySet::empty(py)?.into_any()),
        _ => None,
    })
}

/// What a decoded item keeps outside its validated fields, in wire form as it was stored.
#[derive(Default)]
pub struct Kept<'py> {
    /// The attributes the model does not declare, to be written back unchanged.
    pub unknown: Option<Bound<'py, PyDict>>,
    /// Key attributes stored in another form than the codec writes (a datetime written by
    /// another library), by field position: the instance's writes must address this item.
    pub keys: Vec<(usize, Bound<'py, PyAny>)>,
}

/// Whether a stored key value is in the form the codec itself writes for `kind`, so that
/// encoding the decoded value again addresses the same item. DynamoDB compares numbers by value,
/// so only text forms can differ.
fn canonical<'py, S: Source<'py>>(kind: &Kind<Handle>, value: &S) -> PyResult<bool> {
    Ok(match kind {
        Kind::DateTime => {
            value.tag() == Tag::S && temporal::parse_datetime(value.text()?).is_some()
        }
        Kind::Date => value.tag() == Tag::S && temporal::parse_date(value.text()?).is_some(),
        Kind::Uuid => value.tag() == Tag::S && canonical_uuid(value.text()?),
        Kind::Str | Kind::Bytes | Kind::Int | Kind::Decimal | Kind::Enum { .. } => true,
        _ => false,
    })
}

/// `str(UUID)`: 36 characters, lowercase hex with hyphens at 8, 13, 18 and 23.
fn canonical_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

/// A number as the plan's Python type; `Any` and unions get `int` when the text is integral and
/// `Decimal` otherwise, never a float they did not ask for.
pub(crate) fn number<'py, S: Source<'py>>(
    py: Python<'py>,
    kind: &Kind<Handle>,
    value: &S,
) -> PyResult<Bound<'py, PyAny>> {
    let text = value.text()?;
    let integral = !text.contains(['.', 'e', 'E']);
    let as_int = || -> PyResult<Bound<'py, PyAny>> {
        match text.parse::<i64>() {
            Ok(small) => Ok(small.into_pyobject(py)?.into_any()),
            Err(_) => py.get_type::<PyInt>().call1((value.scalar(py)?,)),
        }
    };
    let as_decimal = || py_types::decimal(py)?.call1((value.scalar(py)?,));
    let as_float = || -> PyResult<Bound<'py, PyAny>> {
        match text.parse::<f64>() {
            Ok(f) => Ok(PyFloat::new(py, f).into_any()),
            Err(_) => py.get_type::<PyFloat>().call1((value.scalar(py)?,)),
        }
    };
    match kind {
        Kind::Int if integral => as_int(),
        Kind::Float => as_float(),
        Kind::Enum { value: inner, .. } | Kind::Nullable(inner) => number(py, inner, value),
        Kind::Union(variants) => {
            let has = |wanted: fn(&Kind<Handle>) -> bool| variants.iter().any(wanted);
            if integral && has(|k| matches!(k, Kind::Int)) {
                as_int()
            } else if has(|k| matches!(k, Kind::Decimal)) {
                as_decimal()
            } else if has(|k| matches!(k, Kind::Float)) {
                as_float()
            } else {
                number(py, &Kind::Any, value)
            }
        }
        Kind::Any | Kind::Custom(_) if integral => as_int(),
        _ => as_decimal(),
    }
}

pub(crate) fn datetime<'py, S: Source<'py>>(
    py: Python<'py>,
    value: &S,
) -> PyResult<Bound<'py, PyAny>> {
    let Some(p) = temporal::parse_datetime(value.text()?) else {
        return value.scalar(py);
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
    match built {
        Ok(datetime) => Ok(datetime.into_any()),
        Err(_) => value.scalar(py),
    }
}

pub(crate) fn epoch_seconds<'py, S: Source<'py>>(
    py: Python<'py>,
    value: &S,
) -> PyResult<Bound<'py, PyAny>> {
    match value.text()?.parse::<i64>() {
        #[allow(clippy::cast_precision_loss)]
        Ok(seconds) => {
            let utc = PyTzInfo::utc(py)?;
            Ok(PyDateTime::from_timestamp(py, seconds as f64, Some(&utc))?.into_any())
        }
        // A number this codec did not write (a fraction): pydantic reads it as a timestamp.
        Err(_) => value.scalar(py),
    }
}

/// Whole milliseconds since the epoch, exactly (no float on the way).
pub(crate) fn epoch_millis<'py, S: Source<'py>>(
    py: Python<'py>,
    value: &S,
) -> PyResult<Bound<'py, PyAny>> {
    let Ok(millis) = value.text()?.parse::<i64>() else {
        return value.scalar(py);
    };
    let utc = PyTzInfo::utc(py)?;
    let epoch = PyDateTime::from_timestamp(py, 0.0, Some(&utc))?;
    let since = PyDelta::new(
        py,
        i32::try_from(millis.div_euclid(86_400_000)).unwrap_or(i32::MAX),
        i32::try_from(millis.rem_euclid(86_400_000) / 1000).unwrap_or(0),
        i32::try_from(millis.rem_euclid(1000) * 1000).unwrap_or(0),
        false,
    )?;
    epoch.call_method1(intern!(py, "__add__"), (since,))
}

pub(crate) fn date<'py, S: Source<'py>>(py: Python<'py>, value: &S) -> PyResult<Bound<'py, PyAny>> {
    if let Some((y, m, d)) = temporal::parse_date(value.text()?) {
        if let Ok(date) = PyDate::new(py, i32::from(y), m, d) {
            return Ok(date.into_any());
        }
    }
    value.scalar(py)
}
