//! Build a [`Plan`] from the description `dynomodel._schema` derives from pydantic's core schema.
//!
//! The description is plain Python data: `(records, keys)`, each record
//! `(class, name, is_model, fields)`, each field `(name, attr, required, kind)`, and each kind a
//! tuple whose first item is its tag: `("str",)`, `("list", kind)`, `("record", id)`, ...

use dynomodel_codec::{Field, Kind, Plan, Record};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};

use crate::errors;

/// Host handle stored in plan nodes: an enum class, a model class, a fallback serializer.
pub type Handle = Py<PyAny>;

/// A plan plus the interned Python strings the hot paths look fields up by.
pub struct Compiled {
    /// The plan.
    pub plan: Plan<Handle>,
    /// Per record, per field: the Python field name (keys of the data handed to validation).
    pub names: Vec<Vec<Py<PyString>>>,
}

/// Compile the description of one model.
pub fn compile(spec: &Bound<'_, PyAny>) -> PyResult<Compiled> {
    let py = spec.py();
    let (records, keys): (Vec<Bound<'_, PyTuple>>, Vec<usize>) = spec.extract()?;
    let mut names = Vec::with_capacity(records.len());
    let mut built = Vec::with_capacity(records.len());
    for record in &records {
        let (class, name, is_model, fields): (Handle, String, bool, Vec<Bound<'_, PyTuple>>) =
            record.extract()?;
        let mut record_fields = Vec::with_capacity(fields.len());
        let mut record_names = Vec::with_capacity(fields.len());
        for field in &fields {
            let (name, attr, required, kind): (String, String, bool, Bound<'_, PyAny>) =
                field.extract()?;
            record_names.push(PyString::intern(py, &name).unbind());
            record_fields.push(Field {
                name,
                attr,
                kind: parse_kind(&kind)?,
                required,
            });
        }
        names.push(record_names);
        built.push(Record::new(class, name, is_model, record_fields));
    }
    let model = built
        .first()
        .map_or_else(String::new, |record| record.name.clone());
    let plan = Plan::new(built, keys).map_err(|err| errors::plan_error(py, &model, &err))?;
    Ok(Compiled { plan, names })
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
