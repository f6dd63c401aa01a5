/// A DynamoDB attribute value, owned and in attribute order.
///
/// Maps keep their insertion order (a `Vec`, not a hash map) so that an item written by a model
/// lists its attributes in field order, and so that building one costs no hashing.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `S`: a UTF-8 string.
    S(String),
    /// `N`: a number in DynamoDB's decimal string form, already checked by [`crate::number`].
    N(String),
    /// `B`: raw bytes.
    B(Vec<u8>),
    /// `BOOL`.
    Bool(bool),
    /// `NULL` (only inside lists and maps: a `None` field is omitted instead).
    Null,
    /// `SS`: a non-empty set of strings.
    Ss(Vec<String>),
    /// `NS`: a non-empty set of numbers.
    Ns(Vec<String>),
    /// `BS`: a non-empty set of byte strings.
    Bs(Vec<Vec<u8>>),
    /// `L`: a list of values.
    L(Vec<Value>),
    /// `M`: a map from attribute names to values.
    M(Item),
}

/// An item or map: attribute names and values in order.
pub type Item = Vec<(String, Value)>;

impl Value {
    /// The DynamoDB type descriptor of this value (`"S"`, `"N"`, ..., `"M"`).
    pub fn tag(&self) -> &'static str {
        match self {
            Self::S(_) => "S",
            Self::N(_) => "N",
            Self::B(_) => "B",
            Self::Bool(_) => "BOOL",
            Self::Null => "NULL",
            Self::Ss(_) => "SS",
            Self::Ns(_) => "NS",
            Self::Bs(_) => "BS",
            Self::L(_) => "L",
            Self::M(_) => "M",
        }
    }
}
