//! Data keys: made by KMS `GenerateDataKey`, unwrapped by KMS `Decrypt`, and kept in bounded
//! caches so that a page of items costs a handful of KMS calls rather than one per value.
//!
//! A data key is bound (by KMS's encryption context) to the table it serves, so one key
//! serves many items of that table; what binds a value to its item and attribute is the
//! AES-GCM associated data (see [`super::format`]). Plaintext keys are wiped when dropped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_kms::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::DataKeySpec;
use tokio::sync::OnceCell;
use zeroize::Zeroizing;

use crate::error::service_error;
use crate::{ClientConfig, Error, ErrorKind};

/// The name of the one entry of the KMS encryption context, whose value is the table.
pub const CONTEXT_TABLE: &str = "dynomodel:table";

/// How long and how much a data key is used, and how many unwrapped keys are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyCache {
    /// A data key is used to encrypt, and kept unwrapped to decrypt, for at most this long.
    pub max_age: Duration,
    /// A data key encrypts at most this many values before a new one is made.
    pub max_uses: u64,
    /// At most this many unwrapped data keys are kept for decrypting.
    pub max_keys: usize,
}

impl Default for KeyCache {
    fn default() -> Self {
        Self {
            max_age: Duration::from_secs(300),
            max_uses: 10_000,
            max_keys: 1_000,
        }
    }
}

/// A plaintext AES-256 key, wiped on drop.
pub(crate) type Secret = Arc<Zeroizing<[u8; 32]>>;

/// A table and a wrapped data key.
type Slot = (String, Arc<[u8]>);

/// The key a table's values are being encrypted with.
struct Current {
    secret: Secret,
    wrapped: Arc<[u8]>,
    born: Instant,
    uses: u64,
}

/// What KMS calls this client made, for tests and metrics.
#[derive(Debug, Default)]
pub struct KmsCalls {
    /// GenerateDataKey calls.
    pub generated: AtomicU64,
    /// Decrypt calls.
    pub decrypted: AtomicU64,
}

/// KMS reached with a client's configuration, and its data keys.
pub struct KeyRing {
    config: ClientConfig,
    endpoint_url: Option<String>,
    client: OnceCell<aws_sdk_kms::Client>,
    cache: KeyCache,
    encrypting: Mutex<HashMap<(String, String), Current>>,
    /// Unwrapped keys by table and wrapped key: KMS unwraps a key only for the table it was
    /// made for, and the cache must not answer for another one.
    decrypting: Mutex<HashMap<Slot, (Secret, Instant)>>,
    /// The KMS calls made so far.
    pub calls: KmsCalls,
}

impl std::fmt::Debug for KeyRing {
    // No key material, wrapped or not, in a debug form.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl KeyRing {
    /// KMS with `config`'s region, profile and credentials, at `endpoint_url` (else
    /// `AWS_ENDPOINT_URL_KMS`, else AWS's own); its SDK client made on first use.
    pub fn new(config: &ClientConfig, endpoint_url: Option<String>, cache: KeyCache) -> Self {
        Self {
            config: config.clone(),
            endpoint_url,
            client: OnceCell::new(),
            cache,
            encrypting: Mutex::new(HashMap::new()),
            decrypting: Mutex::new(HashMap::new()),
            calls: KmsCalls::default(),
        }
    }

    async fn client(&self) -> Result<&aws_sdk_kms::Client, Error> {
        self.client
            .get_or_try_init(|| async {
                let sdk = self.config.services().await?;
                let mut builder = aws_sdk_kms::config::Builder::from(&sdk);
                if let Some(endpoint) = &self.endpoint_url {
                    builder = builder.endpoint_url(endpoint);
                }
                Ok(aws_sdk_kms::Client::from_conf(builder.build()))
            })
            .await
    }

    /// The key to encrypt a value of `table` with under `key_id` (its wrapped form stored with
    /// the value): the current one, or a new one from GenerateDataKey when it is too old or
    /// used too often.
    pub(crate) async fn encrypting(
        &self,
        key_id: &str,
        table: &str,
    ) -> Result<(Secret, Arc<[u8]>), Error> {
        let slot = (key_id.to_owned(), table.to_owned());
        if let Some(found) = self.take_use(&slot) {
            return Ok(found);
        }
        let client = self.client().await?;
        self.calls.generated.fetch_add(1, Ordering::Relaxed);
        let made = client
            .generate_data_key()
            .key_id(key_id)
            .key_spec(DataKeySpec::Aes256)
            .encryption_context(CONTEXT_TABLE, table)
            .send()
            .await
            .map_err(|err| kms_error(err, "GenerateDataKey", key_id, self.endpoint()))?;
        let secret = secret(made.plaintext.as_ref().map(Blob::as_ref)).ok_or_else(|| {
            kms_failure("GenerateDataKey", key_id, "it returned no 32-byte data key")
        })?;
        let wrapped: Arc<[u8]> = made
            .ciphertext_blob
            .map(|blob| Arc::from(blob.into_inner()))
            .ok_or_else(|| kms_failure("GenerateDataKey", key_id, "it returned no wrapped key"))?;
        let mut encrypting = self.encrypting.lock().unwrap_or_else(|e| e.into_inner());
        encrypting.insert(
            slot,
            Current {
                secret: Arc::clone(&secret),
                wrapped: Arc::clone(&wrapped),
                born: Instant::now(),
                uses: 1,
            },
        );
        drop(encrypting);
        self.remember(table, &wrapped, &secret);
        Ok((secret, wrapped))
    }

    fn take_use(&self, slot: &(String, String)) -> Option<(Secret, Arc<[u8]>)> {
        let mut encrypting = self.encrypting.lock().unwrap_or_else(|e| e.into_inner());
        let current = encrypting.get_mut(slot)?;
        if current.uses >= self.cache.max_uses || current.born.elapsed() >= self.cache.max_age {
            encrypting.remove(slot);
            return None;
        }
        current.uses += 1;
        Some((Arc::clone(&current.secret), Arc::clone(&current.wrapped)))
    }

    /// The plaintext of the data key `wrapped` (from the cache, else from KMS Decrypt), which
    /// KMS only unwraps for the table it was made for. `Ok(None)`: KMS says the wrapped key is
    /// not one it made for this table (moved from another table, or altered).
    pub(crate) async fn decrypting(
        &self,
        key_id: &str,
        table: &str,
        wrapped: &[u8],
    ) -> Result<Option<Secret>, Error> {
        let slot = (table.to_owned(), Arc::<[u8]>::from(wrapped));
        {
            let mut decrypting = self.decrypting.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((secret, born)) = decrypting.get(&slot) {
                if born.elapsed() < self.cache.max_age {
                    return Ok(Some(Arc::clone(secret)));
                }
                decrypting.remove(&slot);
            }
        }
        let client = self.client().await?;
        self.calls.decrypted.fetch_add(1, Ordering::Relaxed);
        let opened = client
            .decrypt()
            .key_id(key_id)
            .ciphertext_blob(Blob::new(wrapped))
            .encryption_context(CONTEXT_TABLE, table)
            .send()
            .await;
        let opened = match opened {
            Ok(opened) => opened,
            Err(SdkError::ServiceError(err))
                if matches!(
                    err.err().code(),
                    Some("InvalidCiphertextException" | "IncorrectKeyException")
                ) =>
            {
                return Ok(None)
            }
            Err(err) => return Err(kms_error(err, "Decrypt", key_id, self.endpoint())),
        };
        let secret = secret(opened.plaintext.as_ref().map(Blob::as_ref))
            .ok_or_else(|| kms_failure("Decrypt", key_id, "it returned no 32-byte data key"))?;
        self.remember(table, wrapped, &secret);
        Ok(Some(secret))
    }

    /// Keep an unwrapped key for decrypting, the oldest one dropped beyond `max_keys`.
    fn remember(&self, table: &str, wrapped: &[u8], secret: &Secret) {
        let mut decrypting = self.decrypting.lock().unwrap_or_else(|e| e.into_inner());
        if decrypting.len() >= self.cache.max_keys.max(1) {
            let oldest = decrypting
                .iter()
                .min_by_key(|(_, (_, born))| *born)
                .map(|(slot, _)| slot.clone());
            if let Some(oldest) = oldest {
                decrypting.remove(&oldest);
            }
        }
        decrypting.insert(
            (table.to_owned(), Arc::from(wrapped)),
            (Arc::clone(secret), Instant::now()),
        );
    }

    /// The cache bounds in use.
    pub fn cache(&self) -> KeyCache {
        self.cache
    }

    /// The endpoint to name in errors.
    fn endpoint(&self) -> String {
        let environment = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        self.endpoint_url
            .clone()
            .or_else(|| environment("AWS_ENDPOINT_URL_KMS"))
            .or_else(|| environment("AWS_ENDPOINT_URL"))
            .unwrap_or_else(|| {
                let region = self
                    .config
                    .region
                    .as_deref()
                    .unwrap_or("the configured region");
                format!("KMS in {region}")
            })
    }
}

fn secret(plaintext: Option<&[u8]>) -> Option<Secret> {
    let bytes: [u8; 32] = plaintext?.try_into().ok()?;
    Some(Arc::new(Zeroizing::new(bytes)))
}

fn kms_failure(operation: &'static str, key_id: &str, message: &str) -> Error {
    Error::new(ErrorKind::Kms {
        operation,
        key_id: key_id.to_owned(),
        code: "InvalidResponse".into(),
        message: message.into(),
    })
}

fn kms_error<E, R>(
    err: SdkError<E, R>,
    operation: &'static str,
    key_id: &str,
    endpoint: String,
) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    service_error(err, &endpoint, |code, message| ErrorKind::Kms {
        operation,
        key_id: key_id.to_owned(),
        code,
        message,
    })
}
