//! PutObject, or CreateMultipartUpload + UploadPart x n + CompleteMultipartUpload, each request
//! carrying the SHA-256 of what it sends for S3 to check. A multipart upload that fails (or whose
//! future is dropped) is aborted, so that S3 keeps no parts of it.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, CompletedMultipartUpload, CompletedPart};
use aws_sdk_s3::Client;
use bytes::Bytes;
use tokio::task::JoinSet;

use super::content::{blocking, sha256, Whole};
use super::error::{upload_failed, Target};
use super::{Stored, Upload, MAX_PARTS};
use crate::Error;

pub(super) async fn put(client: &Client, endpoint: &str, upload: Upload) -> Result<Stored, Error> {
    let size = upload.content.size().await?;
    if size.div_ceil(upload.part_size.max(1)) > MAX_PARTS {
        return Err(upload_failed(format!(
            "{size} bytes in parts of {} would be more than the {MAX_PARTS} parts S3 takes in \
             one upload: give InS3 a larger part_size",
            upload.part_size
        )));
    }
    if size > upload.multipart_threshold {
        return multipart(client, endpoint, upload).await;
    }
    let target = Target {
        operation: "PutObject",
        bucket: &upload.bucket,
        key: &upload.key,
        endpoint,
    };
    // One part of the whole size: the content, read once.
    let mut parts = upload
        .content
        .clone()
        .parts(usize::try_from(size).unwrap_or(usize::MAX));
    let data = parts.next().await?.unwrap_or_default();
    let (data, checksum) = hashed(data).await?;
    client
        .put_object()
        .bucket(&upload.bucket)
        .key(&upload.key)
        .content_type(&upload.content_type)
        .content_length(i64::try_from(data.len()).unwrap_or(i64::MAX))
        .checksum_sha256(&checksum)
        .body(ByteStream::from(data.clone()))
        .send()
        .await
        .map_err(|err| target.error(err))?;
    Ok(Stored {
        size: data.len() as u64,
        sha256: checksum,
        parts: 1,
    })
}

/// `data` with its SHA-256, computed off the runtime's threads.
async fn hashed(data: Bytes) -> Result<(Bytes, String), Error> {
    blocking(move || {
        let checksum = sha256(&data);
        Ok((data, checksum))
    })
    .await
}

async fn multipart(client: &Client, endpoint: &str, upload: Upload) -> Result<Stored, Error> {
    let target = Target {
        operation: "CreateMultipartUpload",
        bucket: &upload.bucket,
        key: &upload.key,
        endpoint,
    };
    let created = client
        .create_multipart_upload()
        .bucket(&upload.bucket)
        .key(&upload.key)
        .content_type(&upload.content_type)
        .checksum_algorithm(ChecksumAlgorithm::Sha256)
        .send()
        .await
        .map_err(|err| target.error(err))?;
    let mut pending = Pending {
        client: client.clone(),
        bucket: upload.bucket.clone(),
        key: upload.key.clone(),
        upload_id: created.upload_id().unwrap_or_default().to_owned(),
        done: false,
    };
    match send_parts(&pending, endpoint, &upload).await {
        Ok((parts, stored)) => {
            let target = Target {
                operation: "CompleteMultipartUpload",
                ..target
            };
            let finished = client
                .complete_multipart_upload()
                .bucket(&upload.bucket)
                .key(&upload.key)
                .upload_id(&pending.upload_id)
                .multipart_upload(
                    CompletedMultipartUpload::builder()
                        .set_parts(Some(parts))
                        .build(),
                )
                .send()
                .await;
            match finished {
                Ok(_) => {
                    pending.done = true;
                    Ok(stored)
                }
                Err(err) => {
                    pending.abort().await;
                    Err(target.error(err))
                }
            }
        }
        Err(err) => {
            pending.abort().await;
            Err(err)
        }
    }
}

/// Read the parts in order (hashing the whole as they come) and send them, at most
/// `concurrency` at a time: memory holds about that many parts, whatever the size.
async fn send_parts(
    pending: &Pending,
    endpoint: &str,
    upload: &Upload,
) -> Result<(Vec<CompletedPart>, Stored), Error> {
    let part_size = usize::try_from(upload.part_size).unwrap_or(usize::MAX);
    let mut parts = upload.content.clone().parts(part_size);
    let mut whole = Whole::default();
    let mut size = 0u64;
    let mut number = 0i32;
    let mut sending = JoinSet::new();
    let mut completed = Vec::new();
    while let Some(part) = parts.next().await? {
        number += 1;
        size += part.len() as u64;
        let (hasher, part, checksum) = blocking(move || {
            whole.update(&part);
            let checksum = sha256(&part);
            Ok((whole, part, checksum))
        })
        .await?;
        whole = hasher;
        if sending.len() >= upload.concurrency.max(1) {
            completed.push(joined(sending.join_next().await)?);
        }
        let request = pending
            .client
            .upload_part()
            .bucket(&pending.bucket)
            .key(&pending.key)
            .upload_id(&pending.upload_id)
            .part_number(number)
            .content_length(i64::try_from(part.len()).unwrap_or(i64::MAX))
            .checksum_sha256(&checksum)
            .body(ByteStream::from(part));
        let (bucket, key, endpoint) = (
            pending.bucket.clone(),
            pending.key.clone(),
            endpoint.to_owned(),
        );
        sending.spawn(async move {
            let target = Target {
                operation: "UploadPart",
                bucket: &bucket,
                key: &key,
                endpoint: &endpoint,
            };
            let sent = request.send().await.map_err(|err| target.error(err))?;
            Ok(CompletedPart::builder()
                .part_number(number)
                .set_e_tag(sent.e_tag().map(str::to_owned))
                .checksum_sha256(checksum)
                .build())
        });
    }
    while let Some(done) = sending.join_next().await {
        completed.push(joined(Some(done))?);
    }
    completed.sort_by_key(|part| part.part_number());
    let stored = Stored {
        size,
        sha256: whole.finish(),
        parts: u32::try_from(number).unwrap_or(u32::MAX),
    };
    Ok((completed, stored))
}

fn joined(
    done: Option<Result<Result<CompletedPart, Error>, tokio::task::JoinError>>,
) -> Result<CompletedPart, Error> {
    match done {
        Some(Ok(part)) => part,
        Some(Err(err)) => Err(upload_failed(format!("a part's upload task failed: {err}"))),
        None => Err(upload_failed("a part's upload task was lost".into())),
    }
}

/// A multipart upload under way: aborted unless completed, also when the future uploading it
/// is dropped (a cancelled task), so that S3 does not keep (and bill) its parts.
struct Pending {
    client: Client,
    bucket: String,
    key: String,
    upload_id: String,
    done: bool,
}

impl Pending {
    /// AbortMultipartUpload, awaited. A failure to abort is not the error to report: the
    /// upload's own is, and a bucket lifecycle rule cleans up what is left.
    async fn abort(&mut self) {
        self.done = true;
        let _ = self
            .client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(&self.upload_id)
            .send()
            .await;
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let abort = self
            .client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(&self.upload_id);
        crate::runtime().spawn(async move {
            let _ = abort.send().await;
        });
    }
}
