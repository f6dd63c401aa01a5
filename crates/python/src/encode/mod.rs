//! Model instance -> DynamoDB wire item, along the compiled plan.
//!
//! Values are read straight from each instance's `__dict__` (no `model_dump`) and written into the
//! wire dicts directly: `str` and `bytes` objects are reused as they are, attribute names are the
//! plan's interned strings, and the item's size is added up on the way. Every value is checked
//! against DynamoDB's rules first, and refused with the path to it.

use dynomodel_codec::{
    number, size, temporal, Absent, CodecError, DateTimeForm, Field, Kind, PathSegment, Rule,
    Stored, Template,
};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyBytes, PyDate, PyDateAccess, PyDateTime, PyDelta, PyDict, PyFloat, PyFrozenSet,
    PyInt, PyList, PySet, PyString, PyTime, PyTimeAccess, PyTuple, PyTzInfo, PyTzInfoAccess,
};

use std::marker::PhantomData;

use crate::codec::{STORED_KEY, UNKNOWN_ATTRIBUTES};
use crate::py_types;
use crate::spec::{Compiled, Handle};
use crate::wire::{self, Tag};

mod out;

pub use out::{NativeItem, Out, PyOut, SdkOut};

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

/// `value` as an aware datetime: a naive one breaks DynamoDB's ordering of stored instants.
fn aware<'a, 'py>(value: &'a Bound<'py, PyAny>) -> Result<&'a Bound<'py, PyDateTime>> {
    let Ok(dt) = value.cast::<PyDateTime>() else {
        return mismatch("datetime", value);
    };
    if dt.get_tzinfo().is_none() {
        return rule(Rule::NaiveDatetime);
    }
    Ok(dt)
}

fn mismatch<T>(expected: &str, value: &Bound<'_, PyAny>) -> Result<T> {
    rule(Rule::TypeMismatch {
        expected: expected.to_owned(),
        found: crate::errors::type_name(value),
    })
}

/// One encoded value: its DynamoDB type, its payload in the output's form, and its size by
/// DynamoDB's rules.
struct Payload<D> {
    tag: Tag,
    data: D,
    size: usize,
}

impl<D> Payload<D> {
    fn new(tag: Tag, data: D, size: usize) -> Self {
        Self { tag, data, size }
    }
}

/// A whole encoded item and its size.
pub struct Encoded<M> {
    /// The item in the output's form.
    pub item: M,
    /// Its size by DynamoDB's rules.
    pub size: usize,
}

/// Walks Python values along one compiled plan, writing in the form `O` gives.
pub struct Encoder<'a, 'py, O> {
    compiled: &'a Compiled,
    py: Python<'py>,
    out: PhantomData<O>,
}

impl<'a, 'py, O> Encoder<'a, 'py, O> {
    /// An encoder for `compiled`.
    pub fn new(py: Python<'py>, compiled: &'a Compiled) -> Self {
        Self {
            compiled,
            py,
            out: PhantomData,
        }
    }
}

impl<'py, O: Out<'py>> Encoder<'_, 'py, O> {
    fn text(py: Python<'py>, tag: Tag, text: &str) -> Payload<O::Data> {
        let size = if tag == Tag::N {
            size::number(text)
        } else {
            text.len()
        };
        Payload::new(tag, O::text(py, text), size)
    }

    /// `{"S": ...}`, in the output's form, and its size.
    fn wrap(payload: Payload<O::Data>) -> PyResult<(O::Value, usize)> {
        Ok((O::wrap(payload.tag, payload.data)?, payload.size))
    }

    /// Every key attribute of the table or an index in `item` within DynamoDB's key sizes
    /// (the engines differ in what they enforce: refused here, it is refused everywhere).
    fn check_limits(&self, item: &O::Map) -> Result<()> {
        for &(index, limit) in &self.compiled.limits {
            let attr = self.compiled.attrs[0][index].bind(self.py);
            let Some(peek) = O::peek(item, attr)? else {
                continue;
            };
            if matches!(peek.tag, Tag::S | Tag::B) && peek.len > limit {
                let name = self.compiled.plan.root().fields[index].attr.clone();
                let size = peek.len;
                return Err(EncodeError::Codec(
                    CodecError::new(Rule::KeyTooLarge { size, limit }).at(PathSegment::Attr(name)),
                ));
            }
        }
        Ok(())
    }

    /// Encode a whole item: the root model, its keys checked, the unknown attributes it was loaded
    /// with written back, and the size limit enforced.
    pub fn item(&self, instance: &Bound<'py, PyAny>) -> Result<Encoded<O::Map>> {
        let py = self.py;
        let (mut item, map_size) = self.record(0, instance)?;
        // An item is measured like a map minus the map's own overheads: names plus values.
        let mut size = map_size - size::CONTAINER - size::ELEMENT * O::len(&item);
        size += self.render(&mut item, |_| true)?;
        let fields = instance.getattr(intern!(py, "__dict__"))?;
        let fields = fields.cast::<PyDict>()?;
        size = self.stored_key(fields, &mut item, size)?;
        self.check_keys(&item)?;
        self.check_limits(&item)?;
        if let Some(unknown) = fields.get_item(UNKNOWN_ATTRIBUTES)? {
            for (name, value) in unknown.cast::<PyDict>()? {
                let name = name.cast_into::<PyString>().map_err(PyErr::from)?;
                if !O::contains(&item, &name)? {
                    size += name.to_str()?.len() + wire::size(&value)?;
                    O::insert(&mut item, &name, O::wire(&value)?)?;
                }
            }
        }
        if size > size::MAX_ITEM_SIZE {
            return rule(Rule::ItemTooLarge { size });
        }
        Ok(Encoded { item, size })
    }

    /// Key attributes the instance was loaded with in another form than the codec's replace
    /// the encoded ones while their fields still hold the loaded values (see [`STORED_KEY`]);
    /// returns the item's size after the swap.
    fn stored_key(
        &self,
        fields: &Bound<'py, PyDict>,
        item: &mut O::Map,
        mut size: usize,
    ) -> Result<usize> {
        let Some(stored) = fields.get_item(STORED_KEY)? else {
            return Ok(size);
        };
        let root = self.compiled.plan.root();
        for (attr, pair) in stored.cast::<PyDict>()? {
            let attr = attr.cast_into::<PyString>().map_err(PyErr::from)?;
            let Some(position) = root.field_index_by_attr(attr.to_str()?) else {
                continue;
            };
            let (wire, loaded): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair.extract()?;
            let current = fields.get_item(self.compiled.names[0][position].bind(self.py))?;
            if current.is_some_and(|value| value.eq(&loaded).unwrap_or(false)) {
                if let Some(encoded) = O::peek(item, &attr)? {
                    // A bare key has no size to keep: it saturates at 0.
                    size = (size + wire::size(&wire)?).saturating_sub(encoded.size);
                }
                O::insert(item, &attr, O::wire(&wire)?)?;
            }
        }
        Ok(size)
    }

    /// Fill the derived root fields of `item` whose templates `wanted` names (by the position
    /// they fill) from the encoded values of their fields; a derived field already there (a key
    /// given by its attributes) is kept. Returns the size added.
    fn render(&self, item: &mut O::Map, wanted: impl Fn(&Template) -> bool) -> Result<usize> {
        let py = self.py;
        let mut added = 0;
        for template in &self.compiled.templates {
            let attr = self.compiled.attrs[0][template.position].bind(py);
            if !wanted(template) || O::contains(item, attr)? {
                continue;
            }
            let Some(text) = self.template_text(template, item, true)? else {
                continue;
            };
            added += attr.to_str()?.len() + text.len();
            O::insert(item, attr, O::wrap(Tag::S, O::text(py, &text))?)?;
        }
        Ok(added)
    }

    /// A template's value from the encoded fields in `encoded` (or, with `whole` false, its
    /// prefix up to the first field not there).
    pub fn template_text(
        &self,
        template: &Template,
        encoded: &O::Map,
        whole: bool,
    ) -> Result<Option<String>> {
        let mut texts: Vec<(usize, String, bool)> = Vec::new();
        for position in template.fields() {
            let attr = self.compiled.attrs[0][position].bind(self.py);
            let Some(peek) = O::peek(encoded, attr)? else {
                continue;
            };
            if let (Tag::S | Tag::N, Some(text)) = (peek.tag, peek.text) {
                texts.push((position, text, peek.tag == Tag::N));
            }
        }
        let stored = |position: usize| {
            texts
                .iter()
                .find(|(p, _, _)| *p == position)
                .map(|(_, text, number)| Stored {
                    text,
                    number: *number,
                })
        };
        template.render(stored, whole).map_err(|(position, rule)| {
            let attr = self.compiled.plan.root().fields[position].attr.clone();
            EncodeError::Codec(CodecError::new(rule).at(PathSegment::Attr(attr)))
        })
    }

    /// A field's value as an item stores it, or None where the item leaves it out: a None or an
    /// empty set is left out only where reading the item gives it back, and written as `NULL` or
    /// an empty list elsewhere, so that what is saved is what is read.
    fn field_value(
        &self,
        field: &Field<Handle>,
        value: &Bound<'py, PyAny>,
        owner: Option<&Bound<'py, PyAny>>,
    ) -> Result<Option<Payload<O::Data>>> {
        let py = self.py;
        if value.is_none() {
            if field.absent == Absent::Null {
                return Ok(None);
            }
            return Ok(Some(Payload::new(Tag::Null, O::flag(py, true), size::FLAG)));
        }
        if is_empty_set(value) {
            if field.absent == Absent::EmptySet {
                return Ok(None);
            }
            return Ok(Some(Payload::new(
                Tag::L,
                O::list(py, Vec::new())?,
                size::CONTAINER,
            )));
        }
        match &field.kind {
            Kind::Custom(form) => self.custom(form, value, owner).map(Some),
            kind => self.payload(kind, value).map(Some),
        }
    }

    /// Every key attribute of `item` is present and not an empty string or bytes.
    fn check_keys(&self, item: &O::Map) -> Result<()> {
        let plan = &self.compiled.plan;
        for &index in plan.keys() {
            let attr = self.compiled.attrs[0][index].bind(self.py);
            let empty = match O::peek(item, attr)? {
                Some(peek) => {
                    peek.tag == Tag::Null || (matches!(peek.tag, Tag::S | Tag::B) && peek.len == 0)
                }
                None => true,
            };
            if empty {
                let name = plan.root().fields[index].attr.clone();
                return Err(EncodeError::Codec(
                    CodecError::new(Rule::EmptyKey).at(PathSegment::Attr(name)),
                ));
            }
        }
        Ok(())
    }

    /// A model or `TypedDict` as a map, and its size as a map value.
    fn record(&self, id: usize, value: &Bound<'py, PyAny>) -> Result<(O::Map, usize)> {
        let py = self.py;
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
        let attrs = &self.compiled.attrs[id];
        let mut out = O::map(py, record.fields.len());
        let mut total = size::CONTAINER;
        for (position, ((field, name), attr)) in
            record.fields.iter().zip(names).zip(attrs).enumerate()
        {
            if id == 0 && self.compiled.derived[position] {
                continue; // filled from its template once the fields it names are encoded
            }
            let field_value = if field.computed {
                value.getattr(name.bind(py))?
            } else {
                match source.get_item(name.bind(py))? {
                    Some(found) => found,
                    None => continue,
                }
            };
            let owner = record.is_model.then_some(value);
            let payload = self
                .field_value(field, &field_value, owner)
                .map_err(|err| err.at(PathSegment::Attr(field.attr.clone())))?;
            if let Some(payload) = payload {
                let (wrapped, value_size) = Self::wrap(payload)?;
                total += size::entry(&field.attr, value_size);
                O::insert(&mut out, attr.bind(py), wrapped)?;
            }
        }
        if record.extra && record.is_model {
            total += self.extras(record, value, &mut out)?;
        }
        Ok((out, total))
    }

    /// A model's pydantic extras (`extra="allow"`), typed by their values, into `out`; returns
    /// their size.
    fn extras(
        &self,
        record: &dynomodel_codec::Record<Handle>,
        instance: &Bound<'py, PyAny>,
        out: &mut O::Map,
    ) -> Result<usize> {
        let extras = instance.getattr(intern!(self.py, "__pydantic_extra__"))?;
        let Ok(extras) = extras.cast::<PyDict>() else {
            return Ok(0);
        };
        let mut total = 0;
        for (name, value) in extras {
            let name = name.cast_into::<PyString>().map_err(PyErr::from)?;
            let text = string(&name)?;
            if record.field_index_by_attr(text).is_some() {
                continue;
            }
            let (wrapped, value_size) = self
                .dynamic(&value)
                .and_then(|payload| Ok(Self::wrap(payload)?))
                .map_err(|err| err.at(PathSegment::Attr(text.to_owned())))?;
            total += size::entry(text, value_size);
            O::insert(out, &name, wrapped)?;
        }
        Ok(total)
    }

    /// One value wrapped, encoded as `kind` (None as `NULL`), and its size.
    pub fn value(
        &self,
        kind: &Kind<Handle>,
        value: &Bound<'py, PyAny>,
    ) -> Result<(O::Value, usize)> {
        Ok(Self::wrap(self.payload(kind, value)?)?)
    }

    fn payload(&self, kind: &Kind<Handle>, value: &Bound<'py, PyAny>) -> Result<Payload<O::Data>> {
        let py = value.py();
        match kind {
            Kind::Str => match value.cast::<PyString>() {
                Ok(s) => {
                    let text = string(s)?;
                    Ok(Payload::new(Tag::S, O::string(s, text), text.len()))
                }
                Err(_) => mismatch("str", value),
            },
            Kind::Bool => match value.cast::<PyBool>() {
                Ok(b) => Ok(Payload::new(
                    Tag::Bool,
                    O::flag(py, b.is_true()),
                    size::FLAG,
                )),
                Err(_) => mismatch("bool", value),
            },
            Kind::Int => self.int(value),
            Kind::Float => self.float(value),
            Kind::Decimal => self.decimal(value),
            Kind::Bytes => match value.cast::<PyBytes>() {
                Ok(b) => Ok(Payload::new(Tag::B, O::bytes(b), b.as_bytes().len())),
                Err(_) => mismatch("bytes", value),
            },
            Kind::DateTime => self.datetime(value),
            Kind::EpochSeconds => self.epoch_seconds(value),
            Kind::DateTimeAs(form) => self.datetime_as(*form, value),
            Kind::Date => match value.cast::<PyDate>() {
                Ok(d) if !value.is_instance_of::<PyDateTime>() => {
                    let text =
                        temporal::format_date(d.get_year() as u16, d.get_month(), d.get_day());
                    Ok(Self::text(py, Tag::S, &text))
                }
                _ => mismatch("date", value),
            },
            Kind::Time => match value.cast::<PyTime>() {
                Ok(t) => Self::string_payload(t.call_method0(intern!(py, "isoformat"))?),
                Err(_) => mismatch("time", value),
            },
            Kind::Uuid => {
                if value.is_instance(py_types::uuid(py)?)? {
                    Self::string_payload(value.str()?.into_any())
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
                    self.payload(inner, &value.getattr(intern!(py, "value"))?)
                } else {
                    self.payload(inner, value)
                }
            }
            Kind::Set(element) => self.set(Some(element), value),
            Kind::SetAsList(element) => {
                if !(value.is_instance_of::<PySet>() || value.is_instance_of::<PyFrozenSet>()) {
                    return mismatch("set", value);
                }
                // Sorted, so that equal sets store equal lists (a set has no order of its own).
                let sorted = py
                    .import(intern!(py, "builtins"))?
                    .call_method1(intern!(py, "sorted"), (value,))?;
                let items: Vec<Bound<'py, PyAny>> = sorted.try_iter()?.collect::<PyResult<_>>()?;
                self.list(py, items.into_iter().map(|item| (&**element, item)))
            }
            Kind::List(element) => {
                let Some(items) = sequence(value) else {
                    return mismatch("list", value);
                };
                self.list(py, items.into_iter().map(|item| (&**element, item)))
            }
            Kind::Tuple(kinds) => {
                let Some(items) = sequence(value) else {
                    return mismatch("tuple", value);
                };
                if items.len() != kinds.len() {
                    return mismatch(&format!("a tuple of {}", kinds.len()), value);
                }
                self.list(py, kinds.iter().zip(items))
            }
            Kind::Map(inner) => match value.cast::<PyDict>() {
                Ok(dict) => self.map(dict, |v| self.value(inner, v)),
                Err(_) => mismatch("dict", value),
            },
            Kind::Record(id) => {
                let (map, size) = self.record(*id, value)?;
                Ok(Payload::new(Tag::M, O::nested(map), size))
            }
            Kind::Union(variants) => {
                for variant in variants {
                    if self.accepts(variant, value)? {
                        return self.payload(variant, value);
                    }
                }
                mismatch("a member of the union", value)
            }
            Kind::Nullable(inner) => {
                if value.is_none() {
                    Ok(Payload::new(Tag::Null, O::flag(py, true), size::FLAG))
                } else {
                    self.payload(inner, value)
                }
            }
            Kind::Any => self.dynamic(value),
            Kind::Custom(form) => self.custom(form, value, None),
        }
    }

    /// A value stored in the form a host adapter gives it (`form(value, owner, json)`): a
    /// field's own serializer, a secret's value, a `Json` field's text. Python mode keeps
    /// numbers, datetimes and bytes typed; what it leaves as a type DynamoDB cannot hold (a URL)
    /// is taken in JSON mode. `owner` is the instance holding the value, for field serializers.
    fn custom(
        &self,
        form: &Handle,
        value: &Bound<'py, PyAny>,
        owner: Option<&Bound<'py, PyAny>>,
    ) -> Result<Payload<O::Data>> {
        let py = value.py();
        let form = form.bind(py);
        let owner = owner.map_or_else(|| py.None().into_bound(py), Clone::clone);
        let plain = form.call1((value, &owner, false))?;
        match self.dynamic(&plain) {
            Err(EncodeError::Codec(CodecError {
                rule: Rule::TypeMismatch { .. },
                ..
            })) => self.dynamic(&form.call1((value, &owner, true))?),
            encoded => encoded,
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
            Kind::DateTime | Kind::EpochSeconds | Kind::DateTimeAs(_) => {
                value.is_instance_of::<PyDateTime>()
            }
            Kind::Date => value.is_instance_of::<PyDate>() && !value.is_instance_of::<PyDateTime>(),
            Kind::Time => value.is_instance_of::<PyTime>(),
            Kind::Uuid => value.is_instance(py_types::uuid(py)?)?,
            Kind::Enum { class, .. } => value.is_instance(class.bind(py))?,
            Kind::Set(_) | Kind::SetAsList(_) => {
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

    fn int(&self, value: &Bound<'py, PyAny>) -> Result<Payload<O::Data>> {
        if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
            return mismatch("int", value);
        }
        if let Ok(small) = value.extract::<i64>() {
            return Ok(Self::text(value.py(), Tag::N, &number::format_int(small)));
        }
        Self::checked_number(value.str()?)
    }

    fn float(&self, value: &Bound<'py, PyAny>) -> Result<Payload<O::Data>> {
        if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
            return self.int(value);
        }
        match value.cast::<PyFloat>() {
            Ok(f) => match number::format_float(f.value()) {
                Ok(text) => Ok(Self::text(value.py(), Tag::N, &text)),
                Err(broken) => rule(broken),
            },
            Err(_) => mismatch("float", value),
        }
    }

    fn decimal(&self, value: &Bound<'py, PyAny>) -> Result<Payload<O::Data>> {
        if value.is_instance(py_types::decimal(value.py())?)? {
            return Self::checked_number(value.str()?);
        }
        if value.is_instance_of::<PyFloat>() {
            return self.float(value);
        }
        if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
            return self.int(value);
        }
        mismatch("Decimal", value)
    }

    fn epoch_seconds(&self, value: &Bound<'py, PyAny>) -> Result<Payload<O::Data>> {
        let py = value.py();
        let dt = aware(value)?;
        let seconds: f64 = dt.call_method0(intern!(py, "timestamp"))?.extract()?;
        #[allow(clippy::cast_possible_truncation)]
        let whole = seconds.floor() as i64;
        Ok(Self::text(py, Tag::N, &whole.to_string()))
    }

    /// A datetime in a form another library reads (see [`DateTimeForm`]).
    fn datetime_as(
        &self,
        form: DateTimeForm,
        value: &Bound<'py, PyAny>,
    ) -> Result<Payload<O::Data>> {
        let py = value.py();
        let dt = aware(value)?;
        match form {
            DateTimeForm::Iso => Self::string_payload(dt.call_method0(intern!(py, "isoformat"))?),
            DateTimeForm::Pynamodb => {
                let parts = utc_parts(dt)?;
                Ok(Self::text(py, Tag::S, &temporal::format_pynamodb(&parts)))
            }
            DateTimeForm::EpochMillis => {
                // Exact integer arithmetic: a float timestamp would round some instants.
                let utc = PyTzInfo::utc(py)?;
                let epoch = PyDateTime::from_timestamp(py, 0.0, Some(&utc))?;
                let since = value.call_method1(intern!(py, "__sub__"), (epoch,))?;
                let millisecond = PyDelta::new(py, 0, 0, 1000, false)?;
                let millis: i64 = since
                    .call_method1(intern!(py, "__floordiv__"), (millisecond,))?
                    .extract()?;
                Ok(Self::text(py, Tag::N, &millis.to_string()))
            }
        }
    }

    fn datetime(&self, value: &Bound<'py, PyAny>) -> Result<Payload<O::Data>> {
        let py = value.py();
        let dt = aware(value)?;
        let text = temporal::format_datetime(&utc_parts(dt)?);
        Ok(Self::text(py, Tag::S, &text))
    }

    /// A set as `SS`, `NS` or `BS`; `element` is `None` when the type follows the values.
    fn set(
        &self,
        element: Option<&Kind<Handle>>,
        value: &Bound<'py, PyAny>,
    ) -> Result<Payload<O::Data>> {
        let py = value.py();
        if !(value.is_instance_of::<PySet>() || value.is_instance_of::<PyFrozenSet>()) {
            return mismatch("set", value);
        }
        let mut out = Vec::new();
        let mut element_tag = None;
        let mut total = 0;
        for (index, item) in value.try_iter()?.enumerate() {
            let item = item?;
            let encoded = match element {
                Some(kind) => self.payload(kind, &item),
                None => self.dynamic(&item),
            }
            .map_err(|err| err.at(PathSegment::Index(index)))?;
            if !matches!(encoded.tag, Tag::S | Tag::N | Tag::B)
                || element_tag.is_some_and(|tag| tag != encoded.tag)
            {
                return rule(Rule::MixedSet);
            }
            element_tag = Some(encoded.tag);
            total += encoded.size;
            out.push(encoded.data);
        }
        let tag = match element_tag {
            None => return rule(Rule::EmptySet),
            Some(Tag::S) => Tag::Ss,
            Some(Tag::N) => Tag::Ns,
            Some(_) => Tag::Bs,
        };
        Ok(Payload::new(tag, O::elements(py, out)?, total))
    }

    fn list<'k>(
        &self,
        py: Python<'py>,
        items: impl Iterator<Item = (&'k Kind<Handle>, Bound<'py, PyAny>)>,
    ) -> Result<Payload<O::Data>> {
        let mut out = Vec::with_capacity(items.size_hint().0);
        let mut total = size::CONTAINER;
        for (index, (kind, item)) in items.enumerate() {
            let (wrapped, item_size) = self
                .value(kind, &item)
                .map_err(|err| err.at(PathSegment::Index(index)))?;
            total += size::ELEMENT + item_size;
            out.push(wrapped);
        }
        Ok(Payload::new(Tag::L, O::list(py, out)?, total))
    }

    fn map(
        &self,
        dict: &Bound<'py, PyDict>,
        mut encode: impl FnMut(&Bound<'py, PyAny>) -> Result<(O::Value, usize)>,
    ) -> Result<Payload<O::Data>> {
        let mut out = O::map(self.py, dict.len());
        let mut total = size::CONTAINER;
        for (key, item) in dict {
            let Ok(name) = key.cast::<PyString>() else {
                return mismatch("str keys", &key);
            };
            let text = string(name)?;
            let (wrapped, item_size) =
                encode(&item).map_err(|err| err.at(PathSegment::Attr(text.to_owned())))?;
            total += size::entry(text, item_size);
            O::insert(&mut out, name, wrapped)?;
        }
        Ok(Payload::new(Tag::M, O::nested(out), total))
    }

    /// `Any`: the DynamoDB type follows the Python type, the way boto3's serializer does, plus the
    /// types the plan knows (datetimes, enums, UUIDs, models).
    fn dynamic(&self, value: &Bound<'py, PyAny>) -> Result<Payload<O::Data>> {
        let py = value.py();
        if value.is_none() {
            self.payload(&Kind::Nullable(Box::new(Kind::Any)), value)
        } else if value.is_instance_of::<PyBool>() {
            self.payload(&Kind::Bool, value)
        } else if value.is_instance_of::<PyString>() {
            self.payload(&Kind::Str, value)
        } else if value.is_instance_of::<PyInt>() {
            self.int(value)
        } else if value.is_instance_of::<PyFloat>() {
            self.float(value)
        } else if value.is_instance(py_types::decimal(py)?)? {
            self.decimal(value)
        } else if value.is_instance_of::<PyBytes>() {
            self.payload(&Kind::Bytes, value)
        } else if let Some(items) = sequence(value) {
            self.list(py, items.into_iter().map(|item| (&Kind::Any, item)))
        } else if let Ok(dict) = value.cast::<PyDict>() {
            self.map(dict, |v| Ok(Self::wrap(self.dynamic(v)?)?))
        } else if value.is_instance_of::<PySet>() || value.is_instance_of::<PyFrozenSet>() {
            self.set(None, value)
        } else if value.is_instance_of::<PyDateTime>() {
            self.datetime(value)
        } else if value.is_instance_of::<PyDate>() {
            self.payload(&Kind::Date, value)
        } else if value.is_instance_of::<PyTime>() {
            self.payload(&Kind::Time, value)
        } else if value.is_instance(py_types::uuid(py)?)? {
            self.payload(&Kind::Uuid, value)
        } else if let Ok(member) = value.getattr(intern!(py, "_value_")) {
            self.dynamic(&member)
        } else if value.is_instance(py_types::base_model(py)?)? {
            self.dynamic(&value.call_method0(intern!(py, "model_dump"))?)
        } else {
            mismatch("a value DynamoDB can store", value)
        }
    }
    /// A number given as Python text (`str(Decimal)`, `str(int)`), checked and kept as it is.
    fn checked_number(text: Bound<'py, PyString>) -> Result<Payload<O::Data>> {
        let utf8 = text.to_str()?;
        let shape = match number::check(utf8) {
            Ok(shape) => shape,
            Err(broken) => return rule(broken),
        };
        let size = shape.significant_digits.div_ceil(2) + 1;
        Ok(Payload::new(Tag::N, O::string(&text, utf8), size))
    }

    /// A `str` result of Python code (`isoformat()`, `str(uuid)`) as an `S` payload.
    fn string_payload(text: Bound<'py, PyAny>) -> Result<Payload<O::Data>> {
        let text = text.cast_into::<PyString>().map_err(PyErr::from)?;
        let utf8 = string(&text)?;
        Ok(Payload::new(Tag::S, O::string(&text, utf8), utf8.len()))
    }
}

/// What only Python wire dicts serve: keys and field values by Python name.
impl<'py> Encoder<'_, 'py, PyOut> {
    /// The primary key of a model instance, in the form its item is stored under.
    pub fn instance_key(&self, instance: &Bound<'py, PyAny>) -> Result<Bound<'py, PyDict>> {
        let py = self.py;
        let fields = instance.getattr(intern!(py, "__dict__"))?;
        let fields = fields.cast::<PyDict>()?;
        let values = PyDict::new(py);
        for &position in self.compiled.plan.keys() {
            let sources: Vec<usize> = match self.compiled.template_at(position) {
                Some(template) => template.fields().collect(),
                None => vec![position],
            };
            for source in sources {
                let name = self.compiled.names[0][source].bind(py);
                if let Some(value) = fields.get_item(name)? {
                    values.set_item(name, value)?;
                }
            }
        }
        let mut key = self.key_of(&self.fields(&values)?)?;
        self.stored_key(fields, &mut key, 0)?;
        self.check_keys(&key)?;
        Ok(key)
    }

    /// The key attributes of `encoded` (the table's, in a dict of their own).
    fn key_of(&self, encoded: &Bound<'py, PyDict>) -> Result<Bound<'py, PyDict>> {
        let py = self.py;
        let key = PyDict::new(py);
        for &position in self.compiled.plan.keys() {
            let attr = self.compiled.attrs[0][position].bind(py);
            if let Some(value) = encoded.get_item(attr)? {
                key.set_item(attr, value)?;
            }
        }
        Ok(key)
    }

    /// Some root fields by Python name, each as a wire value, or None where the item leaves the
    /// value out (a None or an empty set that reads back as itself): the values of an update or
    /// a key.
    pub fn fields(&self, values: &Bound<'py, PyDict>) -> Result<Bound<'py, PyDict>> {
        let py = self.py;
        let record = self.compiled.plan.root();
        let mut out = PyDict::new(py);
        for (name, value) in values {
            let text = name.cast::<PyString>()?.to_str()?;
            let Some(position) = record.fields.iter().position(|f| f.name == text) else {
                return mismatch(&format!("a field of {}", record.name), &name);
            };
            let field = &record.fields[position];
            let attr = self.compiled.attrs[0][position].bind(py);
            match self.field_value(field, &value, None) {
                Ok(Some(payload)) => out.set_item(attr, Self::wrap(payload)?.0)?,
                Ok(None) => out.set_item(attr, py.None())?,
                Err(err) => return Err(err.at(PathSegment::Attr(field.attr.clone()))),
            }
        }
        // A constant belongs to every key; the entity name is no key and is left out later.
        let given = |template: &Template| {
            template.fields().next().is_none()
                || template.fields().any(|position| {
                    let name = self.compiled.names[0][position].bind(py);
                    values.contains(name).unwrap_or(false)
                })
        };
        self.render(&mut out, given)?;
        self.check_limits(&out)?;
        Ok(out)
    }

    /// The primary key from key field values by Python name; every key field must be there and
    /// not empty, and nothing else may be.
    pub fn key(&self, values: &Bound<'py, PyDict>) -> Result<Bound<'py, PyDict>> {
        let key = self.key_of(&self.fields(values)?)?;
        self.check_keys(&key)?;
        Ok(key)
    }
}

/// The calendar fields of an aware datetime, in UTC.
fn utc_parts(dt: &Bound<'_, PyDateTime>) -> PyResult<temporal::DateTimeParts> {
    let py = dt.py();
    let utc = PyTzInfo::utc(py)?;
    let converted;
    let dt = if dt.get_tzinfo().is_some_and(|tz| tz.is(&*utc)) {
        dt
    } else {
        converted = dt
            .call_method1(intern!(py, "astimezone"), (&*utc,))?
            .cast_into::<PyDateTime>()
            .map_err(PyErr::from)?;
        &converted
    };
    Ok(temporal::DateTimeParts {
        year: dt.get_year() as u16,
        month: dt.get_month(),
        day: dt.get_day(),
        hour: dt.get_hour(),
        minute: dt.get_minute(),
        second: dt.get_second(),
        microsecond: dt.get_microsecond(),
    })
}

/// The UTF-8 text of a `str`; a lone surrogate has none, and breaks a rule rather than raising
/// Python's bare `UnicodeEncodeError`.
fn string<'a>(text: &'a Bound<'_, PyString>) -> Result<&'a str> {
    text.to_str()
        .map_err(|_| EncodeError::Codec(CodecError::new(Rule::InvalidString)))
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
