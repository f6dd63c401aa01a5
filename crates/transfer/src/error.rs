//! [`TransferError`]: what can stop an export or an import, and [`Rule`]: the rule a line of a
//! file breaks. Neither ever holds an attribute value: files of production data must not leak
//! into logs through an error message, so a message names the file, the line, the attribute
//! and the rule, and the value only by where it is.

use std::fmt;
use std::path::PathBuf;

use dynomodel_client::KeyType;

/// Why a line cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rule {
    /// The line is not JSON.
    #[error("not valid JSON (column {column})")]
    Json {
        /// Where in the line the JSON breaks, from 1.
        column: usize,
    },
    /// JSON, but not `{"Item": {...}}`.
    #[error("not a line of DynamoDB JSON, which is {{\"Item\": {{...}}}} and nothing else")]
    NotItemLine,
    /// A value that is not an object with one type descriptor.
    #[error(
        "not an attribute value in DynamoDB JSON: an object with one key, S, N, B, BOOL, NULL, \
         M, L, SS, NS or BS"
    )]
    NotAttributeValue,
    /// A type descriptor DynamoDB does not have.
    #[error(
        "an unknown type descriptor (DynamoDB JSON has S, N, B, BOOL, NULL, M, L, SS, NS, BS)"
    )]
    UnknownType,
    /// A value of a JSON type its descriptor does not take (`{"N": 5}`).
    #[error(
        "a value of the wrong JSON type for its descriptor (S, N and B take a string, BOOL and \
         NULL true or false, SS, NS, BS and L an array, M an object)"
    )]
    WrongJsonType,
    /// `B` or a member of `BS` that is not base64.
    #[error("not valid base64 (B and BS values are standard base64 text)")]
    InvalidBase64,
    /// A number DynamoDB refuses.
    #[error("{0}")]
    Number(dynomodel_codec::Rule),
    /// An empty `SS`, `NS` or `BS`.
    #[error("an empty set: DynamoDB refuses empty SS, NS and BS (leave the attribute out)")]
    EmptySet,
    /// A set holding one member twice (numbers compared by value: `1` and `1.0` are one).
    #[error(
        "a set holds the same member twice, which DynamoDB refuses (numbers compare by value)"
    )]
    DuplicateMember,
    /// `{"NULL": false}`.
    #[error("NULL must be true")]
    NullFalse,
    /// Lists and maps nested deeper than DynamoDB allows.
    #[error("nested more than 32 levels deep, DynamoDB's limit")]
    TooDeep,
    /// The table's key attribute is not in the item.
    #[error("the item has no value for the key attribute '{name}'")]
    MissingKey {
        /// The key attribute.
        name: String,
    },
    /// A key attribute (of the table or of an index) of another type than its definition.
    #[error("'{name}' is a key attribute {of}, of type {}", key_type(*expected))]
    KeyType {
        /// The key attribute.
        name: String,
        /// The type the table defines for it.
        expected: KeyType,
        /// "of the table" or "of a secondary index".
        of: &'static str,
    },
    /// An empty string or binary as a key attribute.
    #[error("the key attribute '{name}' is empty, which DynamoDB refuses")]
    EmptyKey {
        /// The key attribute.
        name: String,
    },
    /// A key attribute of the table or of an index longer than DynamoDB allows.
    #[error("the key attribute '{name}' is {size} bytes, more than the {limit} DynamoDB allows")]
    KeyTooLarge {
        /// The key attribute.
        name: String,
        /// Its size in bytes.
        size: usize,
        /// 2048 for a partition key, 1024 for a sort key.
        limit: usize,
    },
    /// An item over 400 KB.
    #[error("the item is {size} bytes by DynamoDB's size rules, more than the 409600 (400 KB) it allows")]
    ItemTooLarge {
        /// The size by DynamoDB's rules.
        size: usize,
    },
    /// A line longer than any item could need: most likely not a DynamoDB JSON lines file.
    #[error("longer than {limit} bytes, more than any DynamoDB item needs: is this DynamoDB JSON lines?")]
    LineTooLong {
        /// The longest line read.
        limit: usize,
    },
}

fn key_type(key_type: KeyType) -> &'static str {
    match key_type {
        KeyType::S => "S",
        KeyType::N => "N",
        KeyType::B => "B",
    }
}

/// Where a bad value is: the line, and the attribute path within the item when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// The line number, from 1.
    pub line: u64,
    /// The attribute path (`address.M.city`), None for the line as a whole.
    pub attribute: Option<String>,
    /// The rule the line breaks.
    pub rule: Rule,
}

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(attribute) = &self.attribute {
            write!(f, ", attribute {attribute}")?;
        }
        write!(f, ": {}", self.rule)
    }
}

/// What stops an export or an import.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// The file to import does not exist.
    #[error("{}: no such file", file.display())]
    Missing {
        /// The file.
        file: PathBuf,
    },
    /// The file could not be opened, read or written.
    #[error("{}: {source}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// Gzip data that does not decompress: damaged, or cut short.
    #[error(
        "{}: the gzip data is corrupt or cut short ({source}); export the file again, or \
         check how it was copied",
        file.display()
    )]
    Corrupt {
        /// The file.
        file: PathBuf,
        /// What the decompressor said.
        source: std::io::Error,
    },
    /// A line breaks a rule; nothing of the file was written.
    #[error("{}, {bad}", file.display())]
    Line {
        /// The file.
        file: PathBuf,
        /// The line, attribute and rule.
        bad: BadLine,
    },
    /// The file changed between its check and its import.
    #[error("{}: the file changed while it was being imported; import it again", file.display())]
    Changed {
        /// The file.
        file: PathBuf,
    },
    /// The table holds a value of a type this SDK does not know, which no line can hold.
    #[error("table '{table}' holds a value of a type DynamoDB JSON lines cannot hold")]
    Unwritable {
        /// The table exported.
        table: String,
    },
    /// A source or sink used after it failed or finished.
    #[error("{}: the file was closed by an earlier failure or finish", file.display())]
    Closed {
        /// The file.
        file: PathBuf,
    },
    /// A DynamoDB call failed.
    #[error(transparent)]
    Client(#[from] dynomodel_client::Error),
}
