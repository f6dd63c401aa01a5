//! One DynamoDB JSON request, by its operation name, through the engine: the answer as DynamoDB
//! writes it, a JSON body and an HTTP status.

use dynoxide::actions::query::QueryRequest;
use dynoxide::actions::scan::ScanRequest;
use dynoxide::{Database, DynoxideError};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// An answer: the HTTP status and the JSON body.
pub(super) type Answer = (u16, Vec<u8>);

/// The prefix of `X-Amz-Target` for DynamoDB's operations.
pub(super) const TARGET_PREFIX: &str = "DynamoDB_20120810.";

/// The most items a Query or Scan page evaluates when the request sets no `Limit`. The
/// engine reads every row after the start key before it cuts a page at 1 MB, so without a
/// bound each page of a long scan would read the rest of the table (time quadratic in its
/// size, and its memory at every page); DynamoDB answers such a request with up to 1 MB of
/// items, which pages of this many rows reach for items over 100 bytes.
const PAGE_ROWS: usize = 10_000;

/// Run `operation` with the JSON `body` on `database`.
pub(super) fn answer(database: &Database, operation: &str, body: &[u8]) -> Answer {
    let db = database;
    let result = match operation {
        "CreateTable" => run(body, |r| db.create_table(r)),
        "DeleteTable" => run(body, |r| db.delete_table(r)),
        "DescribeTable" => run(body, |r| db.describe_table(r)),
        "UpdateTable" => run(body, |r| db.update_table(r)),
        "ListTables" => run(body, |r| db.list_tables(r)),
        "PutItem" => run(body, |r| db.put_item(r)),
        "GetItem" => run(body, |r| db.get_item(r)),
        "DeleteItem" => run(body, |r| db.delete_item(r)),
        "UpdateItem" => run(body, |r| db.update_item(r)),
        "Query" => run(body, |mut r: QueryRequest| {
            r.limit.get_or_insert(PAGE_ROWS);
            db.query(r)
        }),
        "Scan" => run(body, |mut r: ScanRequest| {
            r.limit.get_or_insert(PAGE_ROWS);
            db.scan(r)
        }),
        "BatchGetItem" => run(body, |r| db.batch_get_item(r)),
        "BatchWriteItem" => run(body, |r| db.batch_write_item(r)),
        "TransactWriteItems" => run(body, |r| db.transact_write_items(r)),
        "TransactGetItems" => run(body, |r| db.transact_get_items(r)),
        "UpdateTimeToLive" => run(body, |r| db.update_time_to_live(r)),
        "DescribeTimeToLive" => run(body, |r| db.describe_time_to_live(r)),
        "ExecuteStatement" => run(body, |r| db.execute_statement(r)),
        "ExecuteTransaction" => run(body, |r| db.execute_transaction(r)),
        "BatchExecuteStatement" => run(body, |r| db.batch_execute_statement(r)),
        "TagResource" => run(body, |r| db.tag_resource(r)),
        "UntagResource" => run(body, |r| db.untag_resource(r)),
        "ListTagsOfResource" => run(body, |r| db.list_tags_of_resource(r)),
        _ => return unknown_operation(),
    };
    match result {
        Ok(json) => (200, json),
        Err(error) => (error.status_code(), error.to_json().into_bytes()),
    }
}

/// An operation this engine does not serve, as DynamoDB answers a target it does not know.
pub(super) fn unknown_operation() -> Answer {
    let body = br#"{"__type":"com.amazon.coral.service#UnknownOperationException"}"#;
    (400, body.to_vec())
}

fn run<Req, Resp>(
    body: &[u8],
    operation: impl FnOnce(Req) -> dynoxide::Result<Resp>,
) -> Result<Vec<u8>, DynoxideError>
where
    Req: DeserializeOwned,
    Resp: Serialize,
{
    let request = serde_json::from_slice(body).map_err(|e| unreadable(&e))?;
    let response = operation(request)?;
    serde_json::to_vec(&response).map_err(|e| DynoxideError::InternalServerError(e.to_string()))
}

/// A request the engine's types refuse to read, as the error DynamoDB gives for it. The engine
/// checks much of DynamoDB's validation while reading, and marks its messages with the class
/// of error they are (`VALIDATION:...`); serde_json adds where in the body it stopped.
fn unreadable(error: &serde_json::Error) -> DynoxideError {
    let text = error.to_string();
    let message = match text.rfind(" at line ") {
        Some(at) if error.line() > 0 => &text[..at],
        _ => text.as_str(),
    };
    const VALIDATION: [&str; 3] = ["VALIDATION_REQUEST:", "VALIDATION_AS_READ:", "VALIDATION:"];
    const SERIALIZATION: [&str; 2] = ["SERIALIZATION_AS_READ:", "SERIALIZATION:"];
    if let Some(rest) = VALIDATION.iter().find_map(|m| message.strip_prefix(m)) {
        return DynoxideError::ValidationException(rest.into());
    }
    if let Some(rest) = SERIALIZATION.iter().find_map(|m| message.strip_prefix(m)) {
        return DynoxideError::SerializationException(rest.into());
    }
    let invalid = [
        "missing field",
        "unknown variant",
        "invalid type: null",
        "AttributeValue",
    ];
    if invalid.iter().any(|marker| message.contains(marker)) {
        DynoxideError::ValidationException(message.into())
    } else {
        DynoxideError::SerializationException(message.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(body: &str) -> (u16, serde_json::Value) {
        let database = Database::memory().expect("engine");
        let (status, json) = answer(&database, "CreateTable", body.as_bytes());
        (status, serde_json::from_slice(&json).expect("json"))
    }

    #[test]
    fn refusals_have_dynamodbs_error_classes() {
        let (status, short) = error_of(r#"{"TableName": "t"}"#);
        assert_eq!(status, 400);
        assert!(short["__type"]
            .as_str()
            .is_some_and(|t| t.ends_with("#ValidationException")));
        assert!(!short.to_string().contains("VALIDATION:"), "{short}");
        let (_, garbage) = error_of("[1, 2]");
        let kind = garbage["__type"].as_str().unwrap_or_default();
        assert!(kind.ends_with("#SerializationException"), "{garbage}");
        let database = Database::memory().expect("engine");
        let (status, unknown) = answer(&database, "Frobnicate", b"{}");
        assert_eq!(status, 400);
        assert!(String::from_utf8_lossy(&unknown).contains("UnknownOperationException"));
    }
}
