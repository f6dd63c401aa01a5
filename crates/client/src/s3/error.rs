//! [`S3Error`]: what failed in a call to S3 about one object, and where.

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};

use crate::error::causes;

/// A failed S3 call (or the content it was to send), naming the operation, bucket and key.
#[derive(Debug, thiserror::Error)]
pub enum S3Error {
    /// The bucket does not exist.
    #[error("{operation}: bucket '{bucket}' does not exist")]
    NoSuchBucket {
        /// The S3 operation (`PutObject`, ...).
        operation: &'static str,
        /// The bucket the call named.
        bucket: String,
    },
    /// The object does not exist (deleted, or never stored).
    #[error("{operation}: there is no object '{key}' in bucket '{bucket}'")]
    NoSuchKey {
        /// The S3 operation.
        operation: &'static str,
        /// The bucket.
        bucket: String,
        /// The object's key.
        key: String,
    },
    /// No credentials, or credentials S3 rejects.
    #[error("credentials: {message}")]
    Credentials {
        /// What went wrong.
        message: String,
    },
    /// S3 cannot be reached as configured (no region, say); nothing was sent.
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
    /// Any other error S3 returned.
    #[error("{operation} of '{key}' in bucket '{bucket}': {code}: {message}")]
    Service {
        /// The S3 operation.
        operation: &'static str,
        /// The bucket.
        bucket: String,
        /// The object's key.
        key: String,
        /// S3's error code.
        code: String,
        /// S3's message.
        message: String,
    },
    /// The file whose content was to be uploaded cannot be read.
    #[error("cannot read '{path}': {message}")]
    File {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// Where an S3 call went: its operation, bucket and key, and the endpoint to name if it cannot
/// be reached.
pub(super) struct Target<'a> {
    pub(super) operation: &'static str,
    pub(super) bucket: &'a str,
    pub(super) key: &'a str,
    pub(super) endpoint: &'a str,
}

impl S3Error {
    /// Map an SDK error of the call to `target`.
    pub(super) fn from_sdk<E, R>(err: SdkError<E, R>, target: &Target<'_>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        let service = match &err {
            SdkError::ServiceError(service) => service.err(),
            SdkError::TimeoutError(_) => {
                return Self::Endpoint {
                    endpoint: target.endpoint.into(),
                    message: "timed out".into(),
                }
            }
            other => {
                let message = causes(other);
                return if message.to_ascii_lowercase().contains("credential") {
                    Self::Credentials { message }
                } else {
                    Self::Endpoint {
                        endpoint: target.endpoint.into(),
                        message,
                    }
                };
            }
        };
        let code = service.code().unwrap_or("Unknown").to_owned();
        let message = service.message().unwrap_or_default().to_owned();
        match code.as_str() {
            "NoSuchBucket" => Self::NoSuchBucket {
                operation: target.operation,
                bucket: target.bucket.into(),
            },
            "NoSuchKey" => Self::NoSuchKey {
                operation: target.operation,
                bucket: target.bucket.into(),
                key: target.key.into(),
            },
            "InvalidAccessKeyId" | "SignatureDoesNotMatch" | "ExpiredToken" => {
                Self::Credentials { message }
            }
            _ => Self::Service {
                operation: target.operation,
                bucket: target.bucket.into(),
                key: target.key.into(),
                code,
                message,
            },
        }
    }
}

/// As a client [`Error`](crate::Error): S3's refusals as [`ErrorKind::Storage`](crate::ErrorKind::Storage)
/// with S3's code (`NoSuchBucket`, `NoSuchKey`, ...), the rest as the client's own kinds.
impl From<S3Error> for crate::Error {
    fn from(err: S3Error) -> Self {
        use crate::ErrorKind;
        let message = err.to_string();
        let storage = |operation, bucket: String, key: String, code: &str| ErrorKind::Storage {
            operation,
            bucket,
            key,
            code: code.to_owned(),
            message: message.clone(),
        };
        let kind = match err {
            S3Error::NoSuchBucket { operation, bucket } => {
                storage(operation, bucket, String::new(), "NoSuchBucket")
            }
            S3Error::NoSuchKey {
                operation,
                bucket,
                key,
            } => storage(operation, bucket, key, "NoSuchKey"),
            S3Error::Service {
                operation,
                bucket,
                key,
                code,
                ..
            } => storage(operation, bucket, key, &code),
            S3Error::File { path, .. } => {
                storage("PutObject", String::new(), path, "FileUnreadable")
            }
            S3Error::Credentials { message } => ErrorKind::Credentials { message },
            S3Error::Configuration { message } => ErrorKind::Configuration { message },
            S3Error::Endpoint { endpoint, message } => ErrorKind::Endpoint { endpoint, message },
        };
        Self::new(kind)
    }
}
