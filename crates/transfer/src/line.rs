//! One line of DynamoDB JSON lines, the format of DynamoDB's export to S3: `{"Item": {...}}`,
//! each attribute value an object with one type descriptor (`{"S": "..."}`, `{"N": "12"}`,
//! `{"B": "<base64>"}`, `SS`, `NS`, `BS`, `L`, `M`, `BOOL`, `NULL`). serde_dynamo reads and
//! writes the values; a line it cannot read is read again, only then, to find where it breaks.

use std::io::Write;

use dynomodel_client::{AttributeValue, Item};
use serde::{Deserialize, Serialize};
use serde_json::error::Category;

use crate::check::Broken;
use crate::error::Rule;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    #[serde(rename = "Item")]
    item: serde_dynamo::Item,
}

#[derive(Serialize)]
struct LineOut<'a> {
    #[serde(rename = "Item")]
    item: &'a serde_dynamo::Item,
}

/// The item of one line (its bytes, without the newline).
///
/// # Errors
/// Where the line breaks the format, and which rule; never the value itself.
pub fn parse(line: &[u8]) -> Result<Item, Broken> {
    match serde_json::from_slice::<Line>(line) {
        Ok(Line { item }) => Ok(item
            .into_inner()
            .into_iter()
            .map(|(name, value)| (name, value.into()))
            .collect()),
        Err(err) => Err(explain(line, &err)),
    }
}

/// The rule `line` breaks and the path to where: serde_dynamo's own messages quote values
/// (a base64 error names the bad byte), so they are read for their kind and never passed on.
fn explain(line: &[u8], first: &serde_json::Error) -> Broken {
    let mut reader = serde_json::Deserializer::from_slice(line);
    let found = serde_path_to_error::deserialize::<_, Line>(&mut reader).err();
    let (path, err) = match &found {
        Some(found) => (Some(found.path().to_string()), found.inner()),
        None => (None, first),
    };
    let rule = match err.classify() {
        Category::Syntax | Category::Eof | Category::Io => Rule::Json {
            column: err.column(),
        },
        Category::Data => {
            let message = err.to_string();
            if message.contains("base64") {
                Rule::InvalidBase64
            } else if message.contains("not a known DynamoDB prefix") {
                Rule::UnknownType
            } else if message.contains("exactly one key")
                || message.contains("an object with a single key")
            {
                Rule::NotAttributeValue
            } else if message.contains("field `Item`") || message.starts_with("unknown field") {
                Rule::NotItemLine
            } else if path.as_deref().is_some_and(|p| p.contains('.')) {
                Rule::WrongJsonType
            } else {
                Rule::NotItemLine
            }
        }
    };
    // `Item.address.M.city.S`: the attribute path is what follows `Item`.
    let attribute = path.and_then(|p| p.strip_prefix("Item.").map(str::to_owned));
    Broken::new_at(rule, attribute)
}

/// Why an item cannot be written as a line.
#[derive(Debug)]
pub enum WriteError {
    /// A value of a type this SDK does not know.
    Unknown,
    /// The writer failed.
    Io(std::io::Error),
}

/// Write `item` as one line, newline included.
///
/// # Errors
/// [`WriteError::Unknown`] for a value of a type newer than this SDK, or the writer's error.
pub fn write(out: &mut (impl Write + ?Sized), item: Item) -> Result<(), WriteError> {
    let item = item
        .into_iter()
        .map(|(name, value)| Ok((name, exported(value)?)))
        .collect::<Result<std::collections::HashMap<_, _>, WriteError>>()?;
    let item = serde_dynamo::Item::from(item);
    serde_json::to_writer(&mut *out, &LineOut { item: &item }).map_err(|err| {
        match err.classify() {
            Category::Io => WriteError::Io(err.into()),
            _ => WriteError::Unknown,
        }
    })?;
    out.write_all(b"\n").map_err(WriteError::Io)
}

/// The SDK's value as serde_dynamo's (whose own conversion panics on a type it does not know).
fn exported(value: AttributeValue) -> Result<serde_dynamo::AttributeValue, WriteError> {
    use serde_dynamo::AttributeValue as Out;
    Ok(match value {
        AttributeValue::S(s) => Out::S(s),
        AttributeValue::N(n) => Out::N(n),
        AttributeValue::B(b) => Out::B(b.into_inner()),
        AttributeValue::Bool(b) => Out::Bool(b),
        AttributeValue::Null(null) => Out::Null(null),
        AttributeValue::Ss(members) => Out::Ss(members),
        AttributeValue::Ns(members) => Out::Ns(members),
        AttributeValue::Bs(members) => {
            Out::Bs(members.into_iter().map(|b| b.into_inner()).collect())
        }
        AttributeValue::L(values) => {
            Out::L(values.into_iter().map(exported).collect::<Result<_, _>>()?)
        }
        AttributeValue::M(entries) => Out::M(
            entries
                .into_iter()
                .map(|(name, value)| Ok((name, exported(value)?)))
                .collect::<Result<_, WriteError>>()?,
        ),
        _ => return Err(WriteError::Unknown),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use aws_smithy_types::Blob;

    use super::*;

    fn rule(line: &str) -> (Rule, Option<String>) {
        let err = parse(line.as_bytes()).expect_err("a bad line");
        (err.rule.clone(), err.path())
    }

    #[test]
    fn every_type_round_trips() {
        let item: Item = HashMap::from([
            ("s".to_owned(), AttributeValue::S("é\"\n".into())),
            (
                "n".to_owned(),
                AttributeValue::N("12345678901234567890123456789012345678".into()),
            ),
            (
                "b".to_owned(),
                AttributeValue::B(Blob::new(vec![0, 255, 10])),
            ),
            (
                "ss".to_owned(),
                AttributeValue::Ss(vec!["a".into(), "b".into()]),
            ),
            (
                "ns".to_owned(),
                AttributeValue::Ns(vec!["1".into(), "-2.5".into()]),
            ),
            (
                "bs".to_owned(),
                AttributeValue::Bs(vec![Blob::new(vec![1]), Blob::new(vec![])]),
            ),
            ("bool".to_owned(), AttributeValue::Bool(true)),
            ("null".to_owned(), AttributeValue::Null(true)),
            (
                "l".to_owned(),
                AttributeValue::L(vec![AttributeValue::M(HashMap::from([(
                    "x".to_owned(),
                    AttributeValue::L(vec![]),
                )]))]),
            ),
        ]);
        let mut out = Vec::new();
        write(&mut out, item.clone()).expect("written");
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
        assert!(out.starts_with(b"{\"Item\":{"));
        assert_eq!(parse(&out[..out.len() - 1]).expect("read back"), item);
    }

    #[test]
    fn binary_is_base64() {
        let mut out = Vec::new();
        let item = HashMap::from([("b".to_owned(), AttributeValue::B(Blob::new(b"hi".to_vec())))]);
        write(&mut out, item).expect("written");
        assert_eq!(out, b"{\"Item\":{\"b\":{\"B\":\"aGk=\"}}}\n");
    }

    #[test]
    fn bad_lines_name_the_rule_and_the_attribute_not_the_value() {
        assert!(matches!(rule("{\"Item\": "), (Rule::Json { .. }, _)));
        assert!(matches!(rule("not json"), (Rule::Json { column: 2 }, _)));
        assert_eq!(rule("{\"a\": {}}").0, Rule::NotItemLine);
        assert_eq!(rule("{\"Item\": {}, \"b\": 1}").0, Rule::NotItemLine);
        assert_eq!(rule("[1]").0, Rule::NotItemLine);
        assert_eq!(
            rule("{\"Item\": {\"photo\": {\"B\": \"!!secret!!\"}}}"),
            (Rule::InvalidBase64, Some("photo".into()))
        );
        assert_eq!(
            rule("{\"Item\": {\"a\": {\"M\": {\"b\": {\"X\": 1}}}}}"),
            (Rule::UnknownType, Some("a.M.b".into()))
        );
        assert_eq!(
            rule("{\"Item\": {\"a\": {\"S\": \"x\", \"N\": \"1\"}}}").0,
            Rule::NotAttributeValue
        );
        assert_eq!(
            rule("{\"Item\": {\"a\": 5}}"),
            (Rule::NotAttributeValue, Some("a".into()))
        );
        assert_eq!(
            rule("{\"Item\": {\"a\": {\"N\": 5}}}"),
            (Rule::WrongJsonType, Some("a.N".into()))
        );
    }
}
