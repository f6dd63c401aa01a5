//! The compiled plan of a model: what each field's Python type becomes in DynamoDB, records
//! referring to each other by id.

/// Index of a [`Record`] in its [`Plan`]; records refer to each other by id so that recursive
/// models (a tree of comments) compile to a finite plan.
pub type RecordId = usize;

/// What one Python type becomes in DynamoDB. `H` is the bindings' handle for host objects.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind<H> {
    /// `str` as `S`.
    Str,
    /// `bool` as `BOOL`.
    Bool,
    /// `int` as `N`.
    Int,
    /// `float` as `N` (finite only).
    Float,
    /// `Decimal` as `N`, exact to 38 digits.
    Decimal,
    /// `bytes` as `B`.
    Bytes,
    /// Aware `datetime` as `S`: ISO-8601 in UTC, fixed width (see [`crate::temporal`]).
    DateTime,
    /// Aware `datetime` as `N`: whole seconds since the Unix epoch, the form DynamoDB's time to
    /// live reads (sub-second parts are dropped).
    EpochSeconds,
    /// Aware `datetime` in a form another library reads and writes (see [`DateTimeForm`]).
    DateTimeAs(DateTimeForm),
    /// `date` as `S`, ISO-8601.
    Date,
    /// `time` as `S`, ISO-8601.
    Time,
    /// `UUID` as `S`, canonical hyphenated form.
    Uuid,
    /// An `Enum` stored by value; `value` is the plan of the members' values.
    Enum {
        /// The enum class.
        class: H,
        /// The plan of the member values (`Str` for a `StrEnum`).
        value: Box<Kind<H>>,
    },
    /// `set`/`frozenset` as `SS`, `NS` or `BS`, chosen by the element plan.
    Set(Box<Kind<H>>),
    /// A `set` stored as `L` (the form some libraries write sets in); read back from `L` or a
    /// set type alike.
    SetAsList(Box<Kind<H>>),
    /// `list` (and variadic `tuple`) as `L`.
    List(Box<Kind<H>>),
    /// A fixed-shape `tuple` as `L`, one plan per position.
    Tuple(Vec<Kind<H>>),
    /// `dict[str, T]` as `M`.
    Map(Box<Kind<H>>),
    /// A nested model or `TypedDict` as `M`.
    Record(RecordId),
    /// A union: the variant is chosen by the value's type on the way in and by the stored type on
    /// the way out.
    Union(Vec<Kind<H>>),
    /// `T | None`: `None` is omitted from items and stored as `NULL` inside lists and maps.
    Nullable(Box<Kind<H>>),
    /// `Any`, `object` and `Literal`: the DynamoDB type follows the value.
    Any,
    /// A type the plan cannot see into: the host turns it into plain data first.
    Custom(H),
}

/// The stored forms of a `datetime` besides dynomodel's own sortable text ([`Kind::DateTime`])
/// and whole epoch seconds ([`Kind::EpochSeconds`]), for tables other libraries share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateTimeForm {
    /// `S`: ISO-8601 with the value's own offset, as Python's `isoformat()` writes it
    /// (`2024-05-01T11:30:00+02:00`; what pydynox's `DatetimeAttribute` stores).
    Iso,
    /// `S`: UTC as PynamoDB's `UTCDateTimeAttribute` stores it,
    /// `2024-05-01T09:30:00.000000+0000`.
    Pynamodb,
    /// `N`: whole milliseconds since the Unix epoch (microseconds below are dropped).
    EpochMillis,
}

/// The DynamoDB type a [`Kind`] produces, where it is fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireType {
    /// `S`
    S,
    /// `N`
    N,
    /// `B`
    B,
    /// `BOOL`
    Bool,
    /// `SS`, `NS` or `BS`, by the element type.
    Set(ScalarSet),
    /// `L`
    L,
    /// `M`
    M,
}

/// The element type of a DynamoDB set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarSet {
    /// `SS`
    S,
    /// `NS`
    N,
    /// `BS`
    B,
}

/// One field of a model or `TypedDict`.
#[derive(Debug, Clone, PartialEq)]
pub struct Field<H> {
    /// The Python field name (what validation uses).
    pub name: String,
    /// The stored attribute name: the serialization alias, else the field name.
    pub attr: String,
    /// How the value is stored.
    pub kind: Kind<H>,
    /// Whether validation needs a value (the field has no default).
    pub required: bool,
    /// What reading the item back makes of the attribute when the item leaves it out: a `None`
    /// or an empty set may be left out only where it comes back as itself.
    pub absent: Absent,
    /// A `@computed_field` stored with the item: read from the instance's property when
    /// encoding, and never handed to validation when decoding.
    pub computed: bool,
}

impl<H> Field<H> {
    /// A declared field that leaves nothing out: `None` is written as `NULL` and an empty set as
    /// an empty list (see [`Absent`]).
    pub fn new(
        name: impl Into<String>,
        attr: impl Into<String>,
        kind: Kind<H>,
        required: bool,
    ) -> Self {
        Self {
            name: name.into(),
            attr: attr.into(),
            kind,
            required,
            absent: Absent::Other,
            computed: false,
        }
    }
}

/// What a missing attribute becomes when an item is read back: the field's default, or what
/// the decoder fills in for a required field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Absent {
    /// `None` (the default is `None`, or the field is required and nullable): a `None` value is
    /// left out of the item, which keeps sparse indexes sparse.
    Null,
    /// An empty set (the default is empty, or the field is a required set): an empty set is left
    /// out, since DynamoDB has no empty set.
    EmptySet,
    /// Anything else (a non-empty default): `None` is written as `NULL` and an empty set as an
    /// empty list, so that what was saved is what is read.
    Other,
}

/// A model or `TypedDict`: the fields, in declaration order.
#[derive(Debug, Clone, PartialEq)]
pub struct Record<H> {
    /// The model class (or the `TypedDict`), kept for error messages and type checks.
    pub class: H,
    /// The class name, for messages.
    pub name: String,
    /// True for a pydantic model (values read from its `__dict__`), false for a `TypedDict`.
    pub is_model: bool,
    /// The fields in declaration order.
    pub fields: Vec<Field<H>>,
    /// The model keeps attributes it does not declare as pydantic extras (`extra="allow"`):
    /// they are stored, and read back into the extras.
    pub extra: bool,
    by_attr: foldhash::HashMap<String, usize>,
}

impl<H> Record<H> {
    /// A record over `fields`.
    pub fn new(class: H, name: String, is_model: bool, extra: bool, fields: Vec<Field<H>>) -> Self {
        let by_attr = fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.attr.clone(), i))
            .collect();
        Self {
            class,
            name,
            is_model,
            fields,
            extra,
            by_attr,
        }
    }

    /// The index of the field stored under `attr`, if the record declares one.
    pub fn field_index_by_attr(&self, attr: &str) -> Option<usize> {
        self.by_attr.get(attr).copied()
    }
}

/// A model's compiled plan: the records it reaches and which fields are its keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan<H> {
    records: Vec<Record<H>>,
    keys: Vec<usize>,
}

/// Where one [`Step`] of a path leads.
enum Reached<'p, H> {
    /// A record's field: its stored name and kind.
    Field(&'p str, &'p Kind<H>),
    /// An element of a list, tuple or map.
    Element(&'p Kind<H>),
    /// Into a value the plan does not describe.
    Untyped,
}

/// A model declaration the codec cannot serve, found when the class is created.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A key field whose type DynamoDB cannot use as a key.
    #[error("key field '{field}' must be str, int, Decimal, bytes, a str- or int-valued enum, UUID, date or datetime, not optional ({reason})")]
    BadKey {
        /// The field name.
        field: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A set whose elements are not all strings, all numbers or all bytes.
    #[error("field '{field}': a set's elements must all be str, all numbers or all bytes")]
    BadSet {
        /// The field name.
        field: String,
    },
    /// A record id or key index that points nowhere (a bindings bug, reported rather than panicking).
    #[error("the plan refers to record {0}, which it does not hold")]
    Dangling(usize),
}

/// One step of a path into an item, as Python code writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A field of a model (its Python name) or a key of a `dict`.
    Name(String),
    /// A position in a list or tuple.
    Index(usize),
}

/// A path that leads nowhere in the plan: `Order.adress` or `Order.total[0]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at} has no {step}")]
pub struct LocateError {
    /// The path up to the step that failed, written as Python code would (`lines[0]`).
    pub at: String,
    /// What was asked for there: `field 'x'` or `position 3`.
    pub step: String,
}

impl<H> Plan<H> {
    /// Compile a plan whose root is `records[0]`, with the named root fields as the keys.
    pub fn new(records: Vec<Record<H>>, keys: Vec<usize>) -> Result<Self, PlanError> {
        let plan = Self { records, keys };
        let root = plan.records.first().ok_or(PlanError::Dangling(0))?;
        for &key in &plan.keys {
            let field = root.fields.get(key).ok_or(PlanError::Dangling(key))?;
            plan.check_key(field)?;
        }
        for record in &plan.records {
            for field in &record.fields {
                plan.check_sets(&field.name, &field.kind)?;
            }
        }
        Ok(plan)
    }

    /// The model the plan was compiled for.
    pub fn root(&self) -> &Record<H> {
        &self.records[0]
    }

    /// A record by id (ids come from the plan itself, so they are valid).
    pub fn record(&self, id: RecordId) -> &Record<H> {
        &self.records[id]
    }

    /// Indexes (into the root's fields) of the key attributes, partition key first.
    pub fn keys(&self) -> &[usize] {
        &self.keys
    }

    /// The DynamoDB type `kind` always produces, or `None` where it depends on the value.
    pub fn wire_type(&self, kind: &Kind<H>) -> Option<WireType> {
        Some(match kind {
            Kind::Str | Kind::DateTime | Kind::Date | Kind::Time | Kind::Uuid => WireType::S,
            Kind::DateTimeAs(DateTimeForm::Iso | DateTimeForm::Pynamodb) => WireType::S,
            Kind::Int | Kind::Float | Kind::Decimal | Kind::EpochSeconds => WireType::N,
            Kind::DateTimeAs(DateTimeForm::EpochMillis) => WireType::N,
            Kind::Bytes => WireType::B,
            Kind::Bool => WireType::Bool,
            Kind::Enum { value, .. } => return self.wire_type(value),
            Kind::Set(element) => WireType::Set(match self.wire_type(element)? {
                WireType::S => ScalarSet::S,
                WireType::N => ScalarSet::N,
                WireType::B => ScalarSet::B,
                _ => return None,
            }),
            Kind::List(_) | Kind::Tuple(_) | Kind::SetAsList(_) => WireType::L,
            Kind::Map(_) | Kind::Record(_) => WireType::M,
            Kind::Union(variants) => {
                let mut types = variants.iter().map(|v| self.wire_type(v));
                let first = types.next()??;
                return types.all(|t| t == Some(first)).then_some(first);
            }
            Kind::Nullable(_) | Kind::Any | Kind::Custom(_) => return None,
        })
    }

    /// Follow `steps` (Python field names, dict keys, list positions) from the root: the stored
    /// path (field names replaced by their stored attribute names) and the kind found there, or
    /// `None` past an `Any` or a type the plan cannot see into, where steps are taken as written.
    pub fn locate(&self, steps: &[Step]) -> Result<(Vec<Step>, Option<&Kind<H>>), LocateError> {
        let mut kind: Option<&Kind<H>> = None;
        let mut stored = Vec::with_capacity(steps.len());
        let mut walked = self.root().name.clone();
        for (position, step) in steps.iter().enumerate() {
            let reached = match (position, kind) {
                (0, _) => self.field(0, step),
                (_, None) => Some(Reached::Untyped),
                (_, Some(here)) => self.step(here, step),
            };
            let reached = reached.ok_or_else(|| LocateError {
                at: walked.clone(),
                step: match step {
                    Step::Name(name) => format!("field '{name}'"),
                    Step::Index(index) => format!("position {index}"),
                },
            })?;
            match step {
                Step::Name(name) if matches!(reached, Reached::Field(..)) => {
                    walked.push_str(&format!(".{name}"));
                }
                Step::Name(name) => walked.push_str(&format!("[{name:?}]")),
                Step::Index(index) => walked.push_str(&format!("[{index}]")),
            }
            (kind, stored) = match reached {
                Reached::Field(attr, inner) => {
                    stored.push(Step::Name(attr.to_owned()));
                    (Some(inner), stored)
                }
                Reached::Element(inner) => {
                    stored.push(step.clone());
                    (Some(inner), stored)
                }
                Reached::Untyped => {
                    stored.push(step.clone());
                    (None, stored)
                }
            };
        }
        Ok((stored, kind))
    }

    fn field(&self, id: RecordId, step: &Step) -> Option<Reached<'_, H>> {
        let Step::Name(name) = step else { return None };
        let field = self
            .records
            .get(id)?
            .fields
            .iter()
            .find(|f| &f.name == name)?;
        Some(Reached::Field(&field.attr, &field.kind))
    }

    fn step<'p>(&'p self, kind: &'p Kind<H>, step: &Step) -> Option<Reached<'p, H>> {
        match (kind, step) {
            (Kind::Nullable(inner), _) => self.step(inner, step),
            (Kind::Record(id), _) => self.field(*id, step),
            (Kind::Map(inner), Step::Name(_)) | (Kind::List(inner), Step::Index(_)) => {
                Some(Reached::Element(inner))
            }
            (Kind::Tuple(kinds), Step::Index(index)) => kinds.get(*index).map(Reached::Element),
            (Kind::Union(variants), _) => variants.iter().find_map(|v| self.step(v, step)),
            (Kind::Any | Kind::Custom(_), _) => Some(Reached::Untyped),
            _ => None,
        }
    }

    fn check_key(&self, field: &Field<H>) -> Result<(), PlanError> {
        let bad = |reason| {
            Err(PlanError::BadKey {
                field: field.name.clone(),
                reason,
            })
        };
        match &field.kind {
            Kind::Nullable(_) => bad("a key cannot be None"),
            Kind::Float => bad("a float is not exact enough to be a key"),
            kind => match self.wire_type(kind) {
                Some(WireType::S | WireType::N | WireType::B) => Ok(()),
                _ => bad("DynamoDB keys are strings, numbers or binary"),
            },
        }
    }

    fn check_sets(&self, field: &str, kind: &Kind<H>) -> Result<(), PlanError> {
        match kind {
            Kind::Set(element) => match self.wire_type(element) {
                Some(WireType::S | WireType::N | WireType::B) => Ok(()),
                _ => Err(PlanError::BadSet {
                    field: field.to_owned(),
                }),
            },
            Kind::Enum { value: inner, .. }
            | Kind::List(inner)
            | Kind::Map(inner)
            | Kind::Nullable(inner) => self.check_sets(field, inner),
            Kind::Tuple(kinds) | Kind::Union(kinds) => {
                kinds.iter().try_for_each(|k| self.check_sets(field, k))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, kind: Kind<()>) -> Field<()> {
        Field::new(name, name, kind, true)
    }

    fn plan(fields: Vec<Field<()>>, keys: Vec<usize>) -> Result<Plan<()>, PlanError> {
        Plan::new(vec![Record::new((), "M".into(), true, false, fields)], keys)
    }

    #[test]
    fn keys_must_be_scalar_and_required() {
        assert!(plan(
            vec![field("pk", Kind::Str), field("sk", Kind::DateTime)],
            vec![0, 1]
        )
        .is_ok());
        for kind in [
            Kind::Float,
            Kind::Nullable(Box::new(Kind::Str)),
            Kind::Bool,
            Kind::Any,
        ] {
            let err = plan(vec![field("pk", kind.clone())], vec![0]).expect_err("bad key");
            assert!(matches!(err, PlanError::BadKey { .. }), "{kind:?}");
        }
    }

    #[test]
    fn sets_need_one_scalar_element_type() {
        let numbers = Kind::Set(Box::new(Kind::Union(vec![
            Kind::Int,
            Kind::Decimal,
            Kind::Float,
        ])));
        assert!(plan(vec![field("n", numbers)], vec![]).is_ok());
        let mixed = Kind::Set(Box::new(Kind::Union(vec![Kind::Int, Kind::Str])));
        let nested = Kind::List(Box::new(mixed));
        assert_eq!(
            plan(vec![field("bad", nested)], vec![]),
            Err(PlanError::BadSet {
                field: "bad".into()
            })
        );
    }

    #[test]
    fn paths_are_located_through_records_lists_and_maps() {
        let line = Record::new(
            (),
            "Line".into(),
            true,
            false,
            vec![Field::new("sku", "SKU", Kind::Str, true)],
        );
        let order = Record::new(
            (),
            "Order".into(),
            true,
            false,
            vec![
                field(
                    "lines",
                    Kind::Nullable(Box::new(Kind::List(Box::new(Kind::Record(1))))),
                ),
                field("meta", Kind::Map(Box::new(Kind::Int))),
                field("extra", Kind::Any),
            ],
        );
        let plan = Plan::new(vec![order, line], vec![]).expect("plan");
        let name = |s: &str| Step::Name(s.into());
        let (stored, kind) = plan
            .locate(&[name("lines"), Step::Index(2), name("sku")])
            .expect("found");
        assert_eq!(stored, vec![name("lines"), Step::Index(2), name("SKU")]);
        assert_eq!(kind, Some(&Kind::Str));
        let (_, kind) = plan.locate(&[name("meta"), name("any key")]).expect("map");
        assert_eq!(kind, Some(&Kind::Int));
        let (stored, kind) = plan
            .locate(&[name("extra"), Step::Index(0), name("x")])
            .expect("untyped");
        assert_eq!(stored.len(), 3);
        assert_eq!(kind, None);
        let err = plan
            .locate(&[name("lines"), Step::Index(0), name("price")])
            .expect_err("no such field");
        assert_eq!(err.to_string(), "Order.lines[0] has no field 'price'");
        assert!(plan.locate(&[name("meta"), Step::Index(0)]).is_err());
        assert!(plan.locate(&[Step::Index(0)]).is_err());
    }

    #[test]
    fn records_are_found_by_stored_name() {
        let record = Record::new(
            (),
            "M".into(),
            true,
            false,
            vec![Field::new("total", "Total", Kind::Decimal, true)],
        );
        assert_eq!(record.field_index_by_attr("Total"), Some(0));
        assert!(record.field_index_by_attr("total").is_none());
    }
}
