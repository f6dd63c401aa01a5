//! The embedded engine: dynoxide-rs, a DynamoDB emulator on SQLite, in this process.
//!
//! `memory://` gives a client a database of its own, `memory://NAME` one shared by every client
//! of the process that names it. The SDK reaches it through [`EngineHttp`], an HTTP client
//! that hands each request to the engine instead of a socket, so the operations run exactly
//! the code they run against AWS. [`Server`] serves an engine over HTTP on loopback for other
//! SDKs (boto3, the AWS CLI).

mod dispatch;
mod http;
mod server;

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use cpu_time::ThreadTime;

use dynoxide::Database;

use crate::{Error, ErrorKind};

pub use self::http::EngineHttp;
pub use self::server::Server;

/// The scheme of the embedded engine's endpoints.
pub const SCHEME: &str = "memory://";

/// A handle on one embedded database; clones share it.
#[derive(Clone)]
pub struct Engine {
    database: Database,
    label: String,
    /// The time spent answering requests: the engine's own share of a call, which the
    /// benchmarks subtract from a round trip to find the client's.
    busy: Clock,
}

/// CPU time spent in some work, summed over threads; clones add to the same total.
///
/// Thread CPU time, not wall time: concurrent requests queue for the database, and their
/// wall time would count one request's work again for each one waiting.
#[derive(Debug, Clone, Default)]
pub struct Clock(Arc<AtomicU64>);

impl Clock {
    /// Run `work`, adding the CPU time the calling thread spent in it.
    pub fn time<T>(&self, work: impl FnOnce() -> T) -> T {
        let start = ThreadTime::now();
        let done = work();
        let spent = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.0.fetch_add(spent, Ordering::Relaxed);
        done
    }

    /// The total so far.
    pub fn spent(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::Relaxed))
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Engine({})", self.label)
    }
}

/// The named in-memory databases of the process. They live as long as the process: a test that
/// makes a client for `memory://shared` again later finds what it left there.
fn named() -> &'static Mutex<HashMap<String, Engine>> {
    static NAMED: OnceLock<Mutex<HashMap<String, Engine>>> = OnceLock::new();
    NAMED.get_or_init(Mutex::default)
}

impl Engine {
    /// The engine an endpoint names, or `None` for an endpoint that is not `memory://`.
    ///
    /// # Errors
    /// [`ErrorKind::Configuration`] for a name other than letters, digits, `_` and `-`, or when
    /// SQLite cannot open an in-memory database.
    pub fn for_endpoint(endpoint: &str) -> Result<Option<Self>, Error> {
        let Some(name) = endpoint.strip_prefix(SCHEME) else {
            return Ok(None);
        };
        if name.is_empty() {
            return Self::memory(SCHEME.into()).map(Some);
        }
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(configuration(format!(
                "endpoint {endpoint:?}: a memory:// database name is letters, digits, '_' and \
                 '-' only (memory://orders-test), or nothing for a database of this client's own"
            )));
        }
        let mut databases = named()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(engine) = databases.get(name) {
            return Ok(Some(engine.clone()));
        }
        let engine = Self::memory(endpoint.into())?;
        databases.insert(name.into(), engine.clone());
        Ok(Some(engine))
    }

    /// A fresh in-memory database.
    ///
    /// # Errors
    /// [`ErrorKind::Configuration`] when SQLite cannot open one.
    pub fn memory(label: String) -> Result<Self, Error> {
        let database = Database::memory()
            .map_err(|e| configuration(format!("the embedded engine did not start: {e}")))?;
        Ok(Self::new(database, label))
    }

    fn new(database: Database, label: String) -> Self {
        Self {
            database,
            label,
            busy: Clock::default(),
        }
    }

    /// The database in the SQLite file at `path`, created if it does not exist.
    ///
    /// # Errors
    /// [`ErrorKind::Configuration`] naming the file when SQLite cannot open or create it.
    pub fn open(path: &str) -> Result<Self, Error> {
        let database = Database::new(path).map_err(|e| {
            configuration(format!(
                "cannot open the database file {path:?}: {e}; give a path in a folder that \
                 exists and that you can write to"
            ))
        })?;
        Ok(Self::new(database, path.into()))
    }

    /// Answer one request, timed into [`Engine::busy`].
    fn answer(&self, operation: &str, body: &[u8]) -> dispatch::Answer {
        self.busy
            .time(|| dispatch::answer(&self.database, operation, body))
    }

    /// The CPU time the engine has spent answering the SDK's requests, across every client of
    /// this database: DynamoDB's share of their calls, decoding the request and encoding the
    /// answer included.
    pub fn busy(&self) -> Duration {
        self.busy.spent()
    }

    /// What the engine is, for messages: its endpoint or file.
    pub fn label(&self) -> &str {
        &self.label
    }
}

fn configuration(message: String) -> Error {
    ErrorKind::Configuration { message }.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_shared() {
        assert!(Engine::for_endpoint("http://127.0.0.1:8000")
            .expect("not an engine")
            .is_none());
        let bad = Engine::for_endpoint("memory://a/b").expect_err("refused");
        assert!(bad.to_string().contains("letters, digits"), "{bad}");
        let one = Engine::for_endpoint("memory://shared-1")
            .expect("ok")
            .expect("engine");
        let two = Engine::for_endpoint("memory://shared-1")
            .expect("ok")
            .expect("engine");
        assert_eq!(one.label(), two.label());
        let bad_file = Engine::open("/no/such/folder/x.db").expect_err("refused");
        assert!(
            bad_file.to_string().contains("/no/such/folder/x.db"),
            "{bad_file}"
        );
    }
}

#[cfg(test)]
mod sdk_tests {
    use aws_sdk_dynamodb::error::ProvideErrorMetadata;
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
        ReturnValuesOnConditionCheckFailure, ScalarAttributeType,
    };

    use crate::ClientConfig;

    /// The SDK's own request path, answered by the engine: no socket, no credentials.
    #[test]
    fn the_sdk_talks_to_the_engine_in_process() {
        let config = ClientConfig {
            endpoint_url: Some("memory://".into()),
            ..Default::default()
        };
        crate::runtime().block_on(async {
            let client = config.connect().await.expect("no AWS set-up needed");
            client
                .create_table()
                .table_name("things")
                .billing_mode(BillingMode::PayPerRequest)
                .key_schema(
                    KeySchemaElement::builder()
                        .attribute_name("pk")
                        .key_type(KeyType::Hash)
                        .build()
                        .expect("key"),
                )
                .attribute_definitions(
                    AttributeDefinition::builder()
                        .attribute_name("pk")
                        .attribute_type(ScalarAttributeType::S)
                        .build()
                        .expect("definition"),
                )
                .send()
                .await
                .expect("created");
            let item = [
                ("pk".to_string(), AttributeValue::S("a".into())),
                ("n".to_string(), AttributeValue::N("1.50".into())),
            ];
            client
                .put_item()
                .table_name("things")
                .set_item(Some(item.clone().into()))
                .send()
                .await
                .expect("put");
            let got = client
                .get_item()
                .table_name("things")
                .key("pk", AttributeValue::S("a".into()))
                .send()
                .await
                .expect("got");
            // Numbers come back normalized, as DynamoDB returns them.
            let n = got.item().and_then(|i| i.get("n"));
            assert_eq!(n, Some(&AttributeValue::N("1.5".into())));
            let refused = client
                .put_item()
                .table_name("things")
                .set_item(Some(item.into()))
                .condition_expression("attribute_not_exists(pk)")
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .send()
                .await
                .expect_err("the item exists");
            assert_eq!(refused.code(), Some("ConditionalCheckFailedException"));
            let missing = client
                .get_item()
                .table_name("nope")
                .key("pk", AttributeValue::S("a".into()))
                .send()
                .await
                .expect_err("no table");
            assert_eq!(missing.code(), Some("ResourceNotFoundException"));
        });
    }
}
