//! [`Error`]: what failed ([`ErrorKind`]), in which call, after how many attempts and how
//! long ([`Context`]), with the SDK's error kept as the source.

use std::fmt;
use std::time::Duration;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};

use crate::{CancellationReason, Item};

/// A failed operation: what went wrong ([`ErrorKind`]), the call it happened in ([`Context`])
/// and, for an error the SDK raised, that error as the source. Boxed, so that results stay
/// small on the happy path.
#[derive(Debug)]
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    context: Option<Context>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
    /// Time the call waited for rate limit tokens before it was sent.
    waited: Duration,
}

/// Where an error happened: the DynamoDB operation, the table, how many attempts the SDK made
/// (its own retries included) and how long the call took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The DynamoDB operation (`PutItem`, `Query`, ...).
    pub operation: &'static str,
    /// The table the call named (the first one, for a batch or a transaction).
    pub table: String,
    /// Attempts sent, 1 when the first one answered.
    pub attempts: u32,
    /// Attempts DynamoDB answered with throttling.
    pub throttles: u32,
    /// Time from the first attempt to the failure.
    pub elapsed: Duration,
}

impl Error {
    /// An error of `kind` in no call yet.
    pub fn new(kind: ErrorKind) -> Self {
        Self(Box::new(Inner {
            kind,
            context: None,
            source: None,
            waited: Duration::ZERO,
        }))
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// What went wrong, to change what it carries (a stored item decrypted, say).
    pub fn kind_mut(&mut self) -> &mut ErrorKind {
        &mut self.0.kind
    }

    /// What went wrong, by value.
    pub fn into_kind(self) -> ErrorKind {
        self.0.kind
    }

    /// The call the error happened in, when it came from one.
    pub fn context(&self) -> Option<&Context> {
        self.0.context.as_ref()
    }

    /// The error as it happened in `context`.
    #[must_use]
    pub fn in_call(mut self, context: Context) -> Self {
        self.0.context = Some(context);
        self
    }

    /// Whether the same request may succeed when sent again later: throttling, a server fault,
    /// or a connection that failed or dropped (the SDK's own retries exhausted).
    pub fn is_transient(&self) -> bool {
        self.0.kind.is_transient()
    }

    /// How many attempts of the call DynamoDB throttled: as counted while it ran, and at least
    /// one when the error itself is throttling.
    pub fn throttles(&self) -> u32 {
        let counted = self
            .0
            .context
            .as_ref()
            .map_or(0, |context| context.throttles);
        counted.max(u32::from(matches!(
            self.0.kind,
            ErrorKind::Throttling { .. }
        )))
    }

    /// Time the call waited for rate limit tokens before it was sent.
    pub fn waited(&self) -> Duration {
        self.0.waited
    }

    /// The error of a call that waited `waited` (more) for rate limit tokens first.
    #[must_use]
    pub fn after_waiting(mut self, waited: Duration) -> Self {
        self.0.waited += waited;
        self
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Self::new(kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.kind)?;
        if let Some(context) = &self.0.context {
            let plural = if context.attempts == 1 { "" } else { "s" };
            // A PartiQL statement names its tables in its text.
            let table = if context.table.is_empty() {
                String::new()
            } else {
                format!(" on '{}'", context.table)
            };
            write!(
                f,
                " ({}{table}, {} attempt{plural}, {:.3} s)",
                context.operation,
                context.attempts,
                context.elapsed.as_secs_f64()
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// Every way an operation can fail, each mapped onto one Python exception class.
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    /// The table does not exist (or is not active yet).
    #[error("table '{table}' was not found: {message}")]
    TableNotFound {
        /// The table the call named.
        table: String,
        /// DynamoDB's message.
        message: String,
    },
    /// CreateTable named a table that exists.
    #[error("table '{table}' already exists")]
    TableExists {
        /// The table the call named.
        table: String,
    },
    /// A condition expression was false; `item` is the stored item when DynamoDB returned it.
    #[error("the condition was not met: {message}")]
    ConditionalCheckFailed {
        /// DynamoDB's message.
        message: String,
        /// The item as stored, if it exists.
        item: Option<Item>,
    },
    /// Throughput exceeded or throttled, after the SDK's retries.
    #[error("throttled ({code}): {message}")]
    Throttling {
        /// DynamoDB's error code.
        code: String,
        /// DynamoDB's message.
        message: String,
    },
    /// The server refused an item over 400 KB.
    #[error("the item is too large: {message}")]
    ItemTooLarge {
        /// DynamoDB's message.
        message: String,
    },
    /// The server refused the request as invalid.
    #[error("{message}")]
    Validation {
        /// DynamoDB's message.
        message: String,
    },
    /// A transaction was canceled; `reasons` has one entry per action, in order.
    #[error("transaction canceled: {message}")]
    TransactionCanceled {
        /// DynamoDB's message.
        message: String,
        /// Why each action failed (code `None` for those that did not).
        reasons: Vec<CancellationReason>,
    },
    /// No credentials, or credentials the server rejects.
    #[error("credentials: {message}")]
    Credentials {
        /// What went wrong.
        message: String,
    },
    /// The client cannot be set up as configured (no region, say); nothing was sent.
    #[error("{message}")]
    Configuration {
        /// What is missing and how to give it.
        message: String,
    },
    /// The endpoint could not be reached or did not answer in time.
    #[error("cannot reach {endpoint}: {message}")]
    Endpoint {
        /// The endpoint (URL or region).
        endpoint: String,
        /// What went wrong.
        message: String,
    },
    /// An encrypted field's value could not be sealed or opened: bound to another item,
    /// attribute or table, altered, not encrypted, or its item lacks its key.
    #[error("{model}.{field}: {message}")]
    Encryption {
        /// The model.
        model: String,
        /// The field.
        field: String,
        /// What went wrong (never the value).
        message: String,
        /// Whether it happened reading (opening) rather than writing (sealing).
        decrypting: bool,
    },
    /// KMS refused or failed a call (the key does not exist, is disabled, access denied).
    #[error("KMS {operation} with key '{key_id}': {code}: {message}")]
    Kms {
        /// The KMS operation.
        operation: &'static str,
        /// The key id the call named.
        key_id: String,
        /// KMS's error code.
        code: String,
        /// KMS's message.
        message: String,
    },
    /// S3 refused or failed a call about one object.
    #[error("S3 {operation} of '{key}' in bucket '{bucket}': {code}: {message}")]
    Storage {
        /// The S3 operation.
        operation: &'static str,
        /// The bucket.
        bucket: String,
        /// The object's key.
        key: String,
        /// S3's error code (`NoSuchBucket`, `NoSuchKey`, ...).
        code: String,
        /// What went wrong.
        message: String,
    },
    /// Any other error DynamoDB returned.
    #[error("{code}: {message}")]
    Service {
        /// DynamoDB's error code.
        code: String,
        /// DynamoDB's message.
        message: String,
    },
}

/// Whether DynamoDB's error `code` says a request was throttled: over the table's or an index's
/// throughput, or the account's request rate.
pub(crate) fn is_throttling(code: &str) -> bool {
    matches!(
        code,
        "ProvisionedThroughputExceededException" | "ThrottlingException" | "RequestLimitExceeded"
    )
}

/// A failed call of another AWS service (KMS, S3) as an [`Error`]: what never reached the
/// service is [`ErrorKind::Endpoint`] (or [`ErrorKind::Credentials`] when the credential chain
/// failed), and what the service refused is `refused(code, message)`.
pub(crate) fn service_error<E, R>(
    err: SdkError<E, R>,
    endpoint: &str,
    refused: impl FnOnce(String, String) -> ErrorKind,
) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: fmt::Debug + 'static,
{
    let kind = match &err {
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or("Unknown").to_owned();
            let message = service.err().message().unwrap_or_default().to_owned();
            if matches!(
                code.as_str(),
                "InvalidAccessKeyId"
                    | "SignatureDoesNotMatch"
                    | "ExpiredToken"
                    | "UnrecognizedClientException"
                    | "InvalidSignatureException"
            ) {
                ErrorKind::Credentials { message }
            } else {
                refused(code, message)
            }
        }
        SdkError::TimeoutError(_) => ErrorKind::Endpoint {
            endpoint: endpoint.to_owned(),
            message: "timed out".into(),
        },
        other => {
            let message = causes(other);
            if message.to_ascii_lowercase().contains("credential") {
                ErrorKind::Credentials { message }
            } else {
                ErrorKind::Endpoint {
                    endpoint: endpoint.to_owned(),
                    message,
                }
            }
        }
    };
    Error::new(kind)
}

/// An error and its causes in one line: each cause's message once (the credential chain's
/// spans lines), without the SDK's generic wrappers ("dispatch failure", "other") or the debug
/// dumps its own display appends.
fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(cause) = next {
        let text = cause
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let generic = matches!(text.as_str(), "dispatch failure" | "other" | "io error");
        if !text.is_empty() && !generic && !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        next = cause.source();
    }
    parts.join(": ")
}

impl ErrorKind {
    /// Whether the same request may succeed when sent again later: throttling, a server fault,
    /// or a connection that failed or dropped (the SDK's own retries exhausted).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Throttling { .. } | Self::Endpoint { .. } => true,
            Self::Service { code, .. } => matches!(
                code.as_str(),
                "InternalServerError" | "ServiceUnavailable" | "InternalFailure"
            ),
            _ => false,
        }
    }
}

impl Error {
    /// Map an SDK error, keeping it as the source; `stored` extracts the stored item from a
    /// conditional-check failure.
    pub(crate) fn from_sdk<E, R>(
        err: SdkError<E, R>,
        table: &str,
        endpoint: &str,
        stored: impl FnOnce(&E) -> Option<Item>,
    ) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let kind = ErrorKind::from_sdk(&err, table, endpoint, stored);
        Self(Box::new(Inner {
            kind,
            context: None,
            source: Some(Box::new(err)),
            waited: Duration::ZERO,
        }))
    }
}

impl ErrorKind {
    fn from_sdk<E, R>(
        err: &SdkError<E, R>,
        table: &str,
        endpoint: &str,
        stored: impl FnOnce(&E) -> Option<Item>,
    ) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        let service = match err {
            SdkError::ServiceError(service) => service.err(),
            SdkError::TimeoutError(_) => {
                return Self::Endpoint {
                    endpoint: endpoint.into(),
                    message: "timed out".into(),
                };
            }
            other => {
                let message = causes(other);
                return if message.to_ascii_lowercase().contains("credential") {
                    Self::Credentials {
                        message: format!(
                            "{message} (give DynamoClient(access_key_id=..., \
                             secret_access_key=...), set AWS_ACCESS_KEY_ID and \
                             AWS_SECRET_ACCESS_KEY, or name a profile with AWS_PROFILE)"
                        ),
                    }
                } else {
                    Self::Endpoint {
                        endpoint: endpoint.into(),
                        message,
                    }
                };
            }
        };
        let code = service.code().unwrap_or("Unknown").to_owned();
        let message = service.message().unwrap_or_default().to_owned();
        match code.as_str() {
            "ResourceNotFoundException" => Self::TableNotFound {
                table: table.into(),
                message,
            },
            "ResourceInUseException" => Self::TableExists {
                table: table.into(),
            },
            "ConditionalCheckFailedException" => Self::ConditionalCheckFailed {
                item: stored(service),
                message,
            },
            throttling if is_throttling(throttling) => Self::Throttling { code, message },
            "ValidationException" if message.to_ascii_lowercase().contains("item size") => {
                Self::ItemTooLarge { message }
            }
            "ValidationException" | "SerializationException" => Self::Validation { message },
            "TransactionCanceledException" => Self::TransactionCanceled {
                message,
                reasons: Vec::new(),
            },
            "UnrecognizedClientException"
            | "InvalidSignatureException"
            | "MissingAuthenticationTokenException"
            | "ExpiredTokenException" => Self::Credentials { message },
            _ => Self::Service { code, message },
        }
    }
}
