//! What a failed S3 call about one object becomes: the client's [`Error`], naming the
//! operation, the bucket and the key.

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};

use crate::error::service_error;
use crate::{Error, ErrorKind};

/// Where an S3 call went: its operation, bucket and key, and the endpoint to name if it cannot
/// be reached.
pub(super) struct Target<'a> {
    pub(super) operation: &'static str,
    pub(super) bucket: &'a str,
    pub(super) key: &'a str,
    pub(super) endpoint: &'a str,
}

impl Target<'_> {
    /// The SDK error of this call: what S3 refused is [`ErrorKind::Storage`] with S3's code
    /// (`NoSuchBucket`, `NoSuchKey`, ...).
    pub(super) fn error<E, R>(&self, err: SdkError<E, R>) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        service_error(err, self.endpoint, |code, message| {
            self.refused(&code, message)
        })
    }

    /// S3's refusal `code` of this call.
    pub(super) fn refused(&self, code: &str, message: String) -> ErrorKind {
        let message = match code {
            "NoSuchBucket" => format!("bucket '{}' does not exist", self.bucket),
            "NoSuchKey" => "there is no such object (deleted, or never stored)".into(),
            _ => message,
        };
        ErrorKind::Storage {
            operation: self.operation,
            bucket: self.bucket.to_owned(),
            key: self.key.to_owned(),
            code: code.to_owned(),
            message,
        }
    }
}

/// Something the upload itself could not do (a file that cannot be read, too many parts, a
/// task lost): nothing of it was stored.
pub(super) fn upload_failed(message: String) -> Error {
    Error::new(ErrorKind::Configuration { message })
}
