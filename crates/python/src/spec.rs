//! Build a [`Plan`] from the description `dynomodel._schema` derives from pydantic's core schema.
//!
//! The description is plain Python data: `(records, keys)`, each record
//! `(class, name, is_model, extra, fields)`, each field
//! `(name, attr, data_key, required, kind, absent, computed)` with `absent` one of `"null"`,
//! `"empty_set"` and `"other"`, and each kind a tuple whose first item is its tag: `("str",)`,
//! `("list", kind)`, `("record", id)`, ...; each template `(position, parts, separator)`, its
//! parts literal `str`s and `(field position, width)` pairs, filling the root field at
//! `position` (a derived field: never read from the instance, never handed to validation).

use dynomodel_codec::{Absent, DateTimeForm, Field, Kind, Part, Plan, Record, Template};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use crate::errors;

/// Host handle stored in plan nodes: an enum class, a model class, a fallback serializer.
pub type Handle = Py<PyAny>;

/// A plan plus the interned Python objects the hot paths look fields up by.
pub struct Compiled {
    /// The plan.
    pub plan: Plan<Handle>,
    /// Per record, per field: the Python field name (how instances hold the value).
    pub names: Vec<Vec<Py<PyString>>>,
    /// Per record, per field: the stored attribute name (keys of encoded items).
    pub attrs: Vec<Vec<Py<PyString>>>,
    /// Per record, per field: the key of the decoded data (the name validation reads).
    pub data_keys: Vec<Vec<Py<PyString>>>,
    /// Per record: stored attribute name -> field index. A Python dict, so that looking up the
    /// `str` keys of an item reuses their cached hashes.
    pub attr_index: Vec<Py<PyDict>>,
    /// Per record: how many fields are required.
    pub required: Vec<usize>,
    /// Root fields that key the table or an index, with the most bytes each may hold.
    pub limits: Vec<(usize, usize)>,
    /// The root fields built from templates over other fields (key templates, the entity name).
    pub templates: Vec<Template>,
    /// Per root field: whether a template fills it.
    pub derived: Vec<bool>,
}

impl Compiled {
    /// The template that fills the root field at `position`, if one does.
    pub fn template_at(&self, position: usize) -> Option<&Template> {
        if !self.derived.get(position).copied().unwrap_or(false) {
            return None;
        }
        self.templates.iter().find(|t| t.position == position)
    }
}

/// `(records, keys, limits, templates)`: the records, the root fields that are keys, the root
/// fields with the most bytes each may hold, and the templates that fill derived root fields.
type SpecTuple<'py> = (
    Vec<Bound<'py, PyTuple>>,
    Vec<usize>,
    Vec<(usize, usize)>,
    Vec<(usize, Vec<Bound<'py, PyAny>>, String)>,
);

/// Compile the description of one model.
pub fn compile(spec: &Bound<'_, PyAny>) -> PyResult<Compiled> {
    let py = spec.py();
    let (records, keys, limits, templates): SpecTuple<'_> = spec.extract()?;
    let mut names = Vec::with_capacity(records.len());
    let mut attrs = Vec::with_capacity(records.len());
    let mut data_keys = Vec::with_capacity(records.len());
    let mut attr_index = Vec::with_capacity(records.len());
    let mut required = Vec::with_capacity(records.len());
    let mut built = Vec::with_capacity(records.len());
    for record in &records {
        let (class, name, is_model, extra, fields): RecordTuple<'_> = record.extract()?;
        let mut record_fields = Vec::with_capacity(fields.len());
        let mut record_names = Vec::with_capacity(fields.len());
        let mut record_keys = Vec::with_capacity(fields.len());
        let mut record_attrs = Vec::with_capacity(fields.len());
        let index = PyDict::new(py);
        for (position, field) in fields.iter().enumerate() {
            let (name, attr, key, is_required, kind, absent, computed): FieldTuple<'_> =
                field.extract()?;
            record_names.push(PyString::intern(py, &name).unbind());
            record_keys.push(PyString::intern(py, &key).unbind());
            let interned = PyString::intern(py, &attr);
            index.set_item(&interned, position)?;
            record_attrs.push(interned.unbind());
            let kind = parse_kind(&kind)?;
            record_fields.push(Field {
                name,
                attr,
                kind,
                required: is_required,
                absent: parse_absent(&absent)?,
                computed,
            });
        }
        names.push(record_names);
        data_keys.push(record_keys);
        attrs.push(record_attrs);
        attr_index.push(index.unbind());
        required.push(record_fields.iter().filter(|f| f.required).count());
        built.push(Record::new(class, name, is_model, extra, record_fields));
    }
    let model = built
        .first()
        .map_or_else(String::new, |record| record.name.clone());
    let plan = Plan::new(built, keys).map_err(|err| errors::plan_error(py, &model, &err))?;
    let templates = templates
        .into_iter()
        .map(|(position, parts, separator)| {
            let parts = parts
                .iter()
                .map(|part| match part.extract::<String>() {
                    Ok(text) => Ok(Part::Text(text)),
                    Err(_) => {
                        let (position, width) = part.extract::<(usize, usize)>()?;
                        Ok(Part::Field { position, width })
                    }
                })
                .collect::<PyResult<Vec<_>>>()?;
            Ok(Template {
                position,
                parts,
                separator,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let mut derived = vec![false; plan.root().fields.len()];
    for template in &templates {
        if let Some(slot) = derived.get_mut(template.position) {
            *slot = true;
        }
    }
    Ok(Compiled {
        plan,
        limits,
        templates,
        derived,
        names,
        attrs,
        data_keys,
        attr_index,
        required,
    })
}

type RecordTuple<'py> = (Handle, String, bool, bool, Vec<Bound<'py, PyTuple>>);
type FieldTuple<'py> = (
    String,
    String,
    String,
    bool,
    Bound<'py, PyAny>,
    String,
    bool,
);

fn parse_absent(name: &str) -> PyResult<Absent> {
    match name {
        "null" => Ok(Absent::Null),
        "empty_set" => Ok(Absent::EmptySet),
        "other" => Ok(Absent::Other),
        other => Err(PyValueError::new_err(format!(
            "unknown absent value {other:?}"
        ))),
    }
}

fn parse_kind(spec: &Bound<'_, PyAny>) -> PyResult<Kind<Handle>> {
    let spec = spec.cast::<PyTuple>()?;
    let tag: String = spec.get_item(0)?.extract()?;
    let arg = || spec.get_item(1);
    let inner = || -> PyResult<Box<Kind<Handle>>> { Ok(Box::new(parse_kind(&arg()?)?)) };
    let many = || -> PyResult<Vec<Kind<Handle>>> {
        arg()?.try_iter()?.map(|item| parse_kind(&item?)).collect()
    };
    Ok(match tag.as_str() {
        "str" => Kind::Str,
        "bool" => Kind::Bool,
        "int" => Kind::Int,
        "float" => Kind::Float,
        "decimal" => Kind::Decimal,
        "bytes" => Kind::Bytes,
        "datetime" => Kind::DateTime,
        "epoch" => Kind::EpochSeconds,
        "datetime_iso" => Kind::DateTimeAs(DateTimeForm::Iso),
        "datetime_pynamodb" => Kind::DateTimeAs(DateTimeForm::Pynamodb),
        "epoch_ms" => Kind::DateTimeAs(DateTimeForm::EpochMillis),
        "set_list" => Kind::SetAsList(inner()?),
        "date" => Kind::Date,
        "time" => Kind::Time,
        "uuid" => Kind::Uuid,
        "any" => Kind::Any,
        "enum" => Kind::Enum {
            class: arg()?.unbind(),
            value: Box::new(parse_kind(&spec.get_item(2)?)?),
        },
        "set" => Kind::Set(inner()?),
        "list" => Kind::List(inner()?),
        "map" => Kind::Map(inner()?),
        "nullable" => Kind::Nullable(inner()?),
        "tuple" => Kind::Tuple(many()?),
        "union" => Kind::Union(many()?),
        "record" => Kind::Record(arg()?.extract()?),
        "custom" => Kind::Custom(arg()?.unbind()),
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown plan kind {other:?}"
            )))
        }
    })
}
