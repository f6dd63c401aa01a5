//! Values kept in S3: objects uploaded whole or in parts (with S3 checking each part's
//! SHA-256), read whole or by byte range, and deleted. The S3 client is made from the same
//! configuration as the DynamoDB one (region, profile, credentials, timeouts, retries), with
//! its own endpoint, on the first call that needs it: a client that never touches S3 never
//! loads its configuration.

mod content;
mod error;
mod upload;

pub use content::Content;

use aws_sdk_s3::config::{RequestChecksumCalculation, ResponseChecksumValidation};
use bytes::Bytes;
use tokio::sync::OnceCell;

use crate::{ClientConfig, Error, ErrorKind};
use error::Target;

/// The smallest part S3 takes in a multipart upload (but for the last one).
pub const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;
/// The largest part S3 takes.
pub const MAX_PART_SIZE: u64 = 5 * 1024 * 1024 * 1024;
/// The most parts of one multipart upload.
pub const MAX_PARTS: u64 = 10_000;

/// One object to upload.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The bucket.
    pub bucket: String,
    /// The object's key.
    pub key: String,
    /// What to store.
    pub content: Content,
    /// The object's `Content-Type`.
    pub content_type: String,
    /// Content larger than this many bytes goes up in parts (a multipart upload); the rest
    /// in one PutObject.
    pub multipart_threshold: u64,
    /// The size of each part of a multipart upload (the last one is smaller).
    pub part_size: u64,
    /// How many parts are sent at once.
    pub concurrency: usize,
}

/// What an upload stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The object's size in bytes.
    pub size: u64,
    /// The SHA-256 of the whole content, base64 (as S3's `x-amz-checksum-sha256` writes it).
    pub sha256: String,
    /// How many parts it went up in: 1 for a PutObject.
    pub parts: u32,
}

/// The S3 side of a client: its configuration, and the SDK client made from it when first used.
#[derive(Debug)]
pub struct S3Store {
    config: ClientConfig,
    endpoint_url: Option<String>,
    client: OnceCell<aws_sdk_s3::Client>,
}

impl S3Store {
    /// S3 reached with `config`'s region, profile, credentials, timeouts and retries, at
    /// `endpoint_url` (else `AWS_ENDPOINT_URL_S3`, else AWS's own).
    pub fn new(config: &ClientConfig, endpoint_url: Option<String>) -> Self {
        Self {
            config: config.clone(),
            endpoint_url,
            client: OnceCell::new(),
        }
    }

    async fn client(&self) -> Result<&aws_sdk_s3::Client, Error> {
        self.client
            .get_or_try_init(|| async {
                let sdk = self.config.services().await?;
                let mut builder = aws_sdk_s3::config::Builder::from(&sdk)
                    // The checksums are ours: SHA-256, computed once, sent as headers.
                    .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
                    .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
                if let Some(endpoint) = &self.endpoint_url {
                    builder = builder.endpoint_url(endpoint);
                }
                if self.custom_endpoint().is_some() {
                    // A local server (moto, MinIO) has no bucket subdomains.
                    builder = builder.force_path_style(true);
                }
                Ok(aws_sdk_s3::Client::from_conf(builder.build()))
            })
            .await
    }

    /// The endpoint given or set in the environment, if any.
    fn custom_endpoint(&self) -> Option<String> {
        let environment = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        self.endpoint_url
            .clone()
            .or_else(|| environment("AWS_ENDPOINT_URL_S3"))
            .or_else(|| environment("AWS_ENDPOINT_URL"))
    }

    /// The endpoint to name in errors.
    fn endpoint_label(&self) -> String {
        self.custom_endpoint().unwrap_or_else(|| {
            let region = self
                .config
                .region
                .as_deref()
                .unwrap_or("the configured region");
            format!("S3 in {region}")
        })
    }

    /// Store `upload`: one PutObject up to its threshold, a multipart upload above it (the
    /// parts sent `concurrency` at a time, aborted if any fails). S3 checks each request's
    /// SHA-256 against what it received.
    ///
    /// # Errors
    /// [`ErrorKind::Storage`]: the bucket does not exist or S3 refused a request; the file
    /// cannot be read ([`ErrorKind::Configuration`]).
    pub async fn put(&self, upload: Upload) -> Result<Stored, Error> {
        let client = self.client().await?;
        let endpoint = self.endpoint_label();
        upload::put(client, &endpoint, upload).await
    }

    /// GetObject of `bucket`/`key`, whole, or the bytes `start..end` (end excluded) of it.
    ///
    /// # Errors
    /// [`ErrorKind::Storage`] with the code `NoSuchKey` when there is no such object.
    pub async fn get(
        &self,
        bucket: &str,
        key: &str,
        range: Option<(u64, u64)>,
    ) -> Result<Bytes, Error> {
        let client = self.client().await?;
        let endpoint = self.endpoint_label();
        let target = Target {
            operation: "GetObject",
            bucket,
            key,
            endpoint: &endpoint,
        };
        let mut request = client.get_object().bucket(bucket).key(key);
        if let Some((start, end)) = range {
            if end <= start {
                return Ok(Bytes::new());
            }
            request = request.range(format!("bytes={start}-{}", end - 1));
        }
        let output = request.send().await.map_err(|err| target.error(err))?;
        let body = output.body.collect().await.map_err(|err| {
            Error::new(ErrorKind::Endpoint {
                endpoint: endpoint.clone(),
                message: format!("the object's content was cut short: {err}"),
            })
        })?;
        Ok(body.into_bytes())
    }

    /// DeleteObject of `bucket`/`key` (S3 answers the same whether it was there or not).
    ///
    /// # Errors
    /// [`ErrorKind::Storage`]: the bucket does not exist, or S3 refused the request.
    pub async fn delete(&self, bucket: &str, key: &str) -> Result<(), Error> {
        let client = self.client().await?;
        let endpoint = self.endpoint_label();
        let target = Target {
            operation: "DeleteObject",
            bucket,
            key,
            endpoint: &endpoint,
        };
        client
            .delete_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|err| target.error(err))?;
        Ok(())
    }
}
