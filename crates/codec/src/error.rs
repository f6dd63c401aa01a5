//! Encode errors: the DynamoDB rule a value broke and the path to it.

use std::fmt;

/// One step of the path from an item to the value an error is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// A model or map attribute.
    Attr(String),
    /// A list or tuple position.
    Index(usize),
}

/// The DynamoDB rule a value broke; each variant becomes its own Python exception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// NaN or an infinity: DynamoDB numbers are finite.
    NotFinite,
    /// More than 38 significant digits.
    TooPrecise {
        /// How many significant digits the number has.
        digits: usize,
    },
    /// Magnitude outside 1E-130 ..= 9.99..E+125.
    OutOfRange,
    /// Not a number at all (a malformed numeric string).
    Malformed,
    /// A key attribute that is missing, or an empty string or empty bytes.
    EmptyKey,
    /// A key attribute (of the table or of an index) longer than DynamoDB allows.
    KeyTooLarge {
        /// Its size in bytes (UTF-8 for a string).
        size: usize,
        /// The most it may be: 2048 for a partition key, 1024 for a sort key.
        limit: usize,
    },
    /// The encoded item is larger than DynamoDB's 400 KB limit.
    ItemTooLarge {
        /// The size by DynamoDB's rules, in bytes.
        size: usize,
    },
    /// A set whose elements are of different DynamoDB types.
    MixedSet,
    /// An empty set where it cannot be omitted (inside a list or a map value).
    EmptySet,
    /// A naive `datetime` (no tzinfo): its instant is unknown.
    NaiveDatetime,
    /// A string that is not valid Unicode (a lone surrogate): it has no UTF-8 form to store.
    InvalidString,
    /// A value of a key template's field that holds the template's separator: the stored key
    /// could not be read back into its fields.
    SeparatorInKeyPart {
        /// The separator.
        separator: String,
    },
    /// A value of a key template's field, declared zero-padded, that is not a whole number of
    /// at most `width` digits (0 or more): string order would not be numeric order.
    KeyPartWidth {
        /// The declared width.
        width: usize,
    },
    /// A value of a Python type the field's plan does not accept.
    TypeMismatch {
        /// What the plan expected.
        expected: String,
        /// The Python type that was found.
        found: String,
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFinite => f.write_str("NaN and infinity cannot be stored: DynamoDB numbers are finite"),
            Self::TooPrecise { digits } => write!(
                f,
                "{digits} significant digits is more than the 38 DynamoDB numbers hold"
            ),
            Self::OutOfRange => f.write_str(
                "magnitude outside DynamoDB's number range (1E-130 to 9.9999999999999999999999999999999999999E+125)",
            ),
            Self::Malformed => f.write_str("not a valid DynamoDB number"),
            Self::EmptyKey => f.write_str("a key attribute must be a non-empty string, number or bytes"),
            Self::KeyTooLarge { size, limit } => write!(
                f,
                "a key attribute of {size} bytes is longer than the {limit} DynamoDB allows (2048 \
                 for a partition key, 1024 for a sort key, of the table or of an index)"
            ),
            Self::ItemTooLarge { size } => write!(
                f,
                "the item is {size} bytes by DynamoDB's size rules; the limit is 409600 (400 KB)"
            ),
            Self::MixedSet => f.write_str("a set's elements must all be strings, all numbers or all bytes"),
            Self::EmptySet => f.write_str(
                "an empty set cannot be stored inside a list or map (DynamoDB forbids empty sets)",
            ),
            Self::NaiveDatetime => f.write_str(
                "a naive datetime has no time zone; give it a tzinfo (for example timezone.utc)",
            ),
            Self::InvalidString => f.write_str(
                "the string holds a lone surrogate, which has no UTF-8 form for DynamoDB to store",
            ),
            Self::SeparatorInKeyPart { separator } => write!(
                f,
                "the value holds {separator:?}, the separator of the key templates it is part of"
            ),
            Self::KeyPartWidth { width } => write!(
                f,
                "a key template pads this field to {width} digits: it must be a whole number \
                 from 0 to {}",
                "9".repeat(*width)
            ),
            Self::TypeMismatch { expected, found } => {
                write!(f, "expected {expected}, found {found}")
            }
        }
    }
}

/// A value that cannot be stored, with the path from the item to it.
///
/// The path is collected while the error travels up the encoder (innermost first) and shown
/// outermost first: `lines[2].price`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecError {
    /// The rule the value broke.
    pub rule: Rule,
    path: Vec<PathSegment>,
}

impl CodecError {
    /// An error about the value being encoded right now; the callers above add the path.
    pub fn new(rule: Rule) -> Self {
        Self {
            rule,
            path: Vec::new(),
        }
    }

    /// Prefix the path with the attribute or index the caller was encoding.
    #[must_use]
    pub fn at(mut self, segment: PathSegment) -> Self {
        self.path.push(segment);
        self
    }

    /// The path from the item to the offending value, outermost first.
    pub fn path(&self) -> impl Iterator<Item = &PathSegment> {
        self.path.iter().rev()
    }

    /// The path written the way Python code would reach the value: `lines[2].price`.
    pub fn path_string(&self) -> String {
        let mut out = String::new();
        for segment in self.path() {
            match segment {
                PathSegment::Attr(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                PathSegment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.rule)
        } else {
            write!(f, "{}: {}", self.path_string(), self.rule)
        }
    }
}

impl std::error::Error for CodecError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_reads_outermost_first() {
        let err = CodecError::new(Rule::NotFinite)
            .at(PathSegment::Attr("price".into()))
            .at(PathSegment::Index(2))
            .at(PathSegment::Attr("lines".into()));
        assert_eq!(err.path_string(), "lines[2].price");
        assert!(err.to_string().starts_with("lines[2].price: NaN"));
    }
}
