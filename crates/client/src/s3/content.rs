//! What an upload sends: bytes already in memory, or a file read from disk part by part (so
//! that a large file is never held whole), with the SHA-256 of what was read.

use std::io::Read;
use std::path::PathBuf;

use base64::Engine as _;
use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::error::upload_failed;
use crate::Error;

/// The content of one object to upload.
#[derive(Debug, Clone)]
pub enum Content {
    /// Bytes in memory (slices of it are the parts: nothing is copied).
    Bytes(Bytes),
    /// A file, read when it is uploaded.
    File(PathBuf),
}

impl Content {
    /// How many bytes there are (a file's size as it is now).
    pub(super) async fn size(&self) -> Result<u64, Error> {
        match self {
            Self::Bytes(bytes) => Ok(bytes.len() as u64),
            Self::File(path) => {
                let path = path.clone();
                blocking(move || {
                    std::fs::metadata(&path)
                        .map(|m| m.len())
                        .map_err(|err| file_error(&path, &err))
                })
                .await
            }
        }
    }

    /// The content in consecutive parts of `part_size` bytes (the last one shorter).
    pub(super) fn parts(self, part_size: usize) -> Parts {
        Parts {
            content: self,
            part_size,
            offset: 0,
            file: None,
        }
    }
}

/// Consecutive parts of a [`Content`].
pub(super) struct Parts {
    content: Content,
    part_size: usize,
    offset: usize,
    file: Option<std::fs::File>,
}

impl Parts {
    /// The next part, or None at the end.
    pub(super) async fn next(&mut self) -> Result<Option<Bytes>, Error> {
        match &self.content {
            Content::Bytes(bytes) => {
                if self.offset >= bytes.len() && !(self.offset == 0 && bytes.is_empty()) {
                    return Ok(None);
                }
                let end = (self.offset + self.part_size).min(bytes.len());
                let part = bytes.slice(self.offset..end);
                // An empty content is one empty part, so that it is still stored.
                self.offset = end.max(1);
                Ok(Some(part))
            }
            Content::File(path) => {
                let path = path.clone();
                let file = self.file.take();
                let (size, first) = (self.part_size, self.offset == 0);
                let (file, part) = blocking(move || read_part(&path, file, size)).await?;
                self.file = Some(file);
                self.offset += part.len().max(1);
                Ok((first || !part.is_empty()).then_some(part))
            }
        }
    }
}

/// Up to `size` bytes of `path` from where `file` (opened on the first call) stands.
fn read_part(
    path: &std::path::Path,
    file: Option<std::fs::File>,
    size: usize,
) -> Result<(std::fs::File, Bytes), Error> {
    let file = match file {
        Some(file) => file,
        None => std::fs::File::open(path).map_err(|err| file_error(path, &err))?,
    };
    let mut part = Vec::with_capacity(size);
    let mut reader = file.take(size as u64);
    reader
        .read_to_end(&mut part)
        .map_err(|err| file_error(path, &err))?;
    Ok((reader.into_inner(), Bytes::from(part)))
}

fn file_error(path: &std::path::Path, err: &std::io::Error) -> Error {
    upload_failed(format!("cannot read '{}': {err}", path.display()))
}

/// The SHA-256 of `data`, in base64: the form of S3's `x-amz-checksum-sha256`.
pub(super) fn sha256(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(data))
}

/// The SHA-256 of a whole content, fed part by part.
#[derive(Default, Clone)]
pub(super) struct Whole(Sha256);

impl Whole {
    pub(super) fn update(&mut self, part: &[u8]) {
        self.0.update(part);
    }

    /// The digest, in base64.
    pub(super) fn finish(self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0.finalize())
    }
}

/// Run CPU or disk work (hashing megabytes, reading a file) off the runtime's worker threads.
pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|err| {
            Err(upload_failed(format!(
                "a background task of the upload failed: {err}"
            )))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(content: Content, part_size: usize) -> Vec<Bytes> {
        crate::runtime().block_on(async {
            let mut parts = content.parts(part_size);
            let mut all = Vec::new();
            while let Some(part) = parts.next().await.expect("readable") {
                all.push(part);
            }
            all
        })
    }

    #[test]
    fn bytes_and_files_part_alike() {
        let data: Vec<u8> = (0..25u8).collect();
        let path = std::env::temp_dir().join(format!("dynomodel-parts-{}", std::process::id()));
        std::fs::write(&path, &data).expect("written");
        for content in [
            Content::Bytes(Bytes::from(data.clone())),
            Content::File(path.clone()),
        ] {
            let parts = collect(content, 10);
            let sizes: Vec<usize> = parts.iter().map(Bytes::len).collect();
            assert_eq!(sizes, [10, 10, 5]);
            assert_eq!(parts.concat(), data);
        }
        std::fs::write(&path, b"").expect("emptied");
        for content in [Content::Bytes(Bytes::new()), Content::File(path.clone())] {
            assert_eq!(collect(content, 10), [Bytes::new()]);
        }
        std::fs::remove_file(&path).expect("removed");
    }

    #[test]
    fn checksums_are_base64_sha256() {
        // The SHA-256 of "abc" (FIPS 180-2), base64.
        assert_eq!(
            sha256(b"abc"),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        let mut whole = Whole::default();
        whole.update(b"a");
        whole.update(b"bc");
        assert_eq!(whole.finish(), sha256(b"abc"));
    }
}
