//! Encrypted fields: values sealed with AES-256-GCM under data keys from KMS (envelope
//! encryption), opened on the way back. The codec encodes a field as usual; the value it
//! produced is then sealed here, because sealing needs KMS (a network call) and the item's
//! table and key, which the codec does not know.
//!
//! A client keeps a [`Sealing`]: which attributes of which tables are encrypted (set by the
//! Python layer from its models) and the [`KeyRing`] of data keys. The client's item, read,
//! batch and transaction calls seal items before sending them and open items as they come
//! back, before anything is decoded.

mod format;
mod keys;

pub use keys::{KeyCache, KeyRing, KmsCalls, CONTEXT_TABLE};

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use aes_gcm::aead::{Aead, AeadCore, OsRng, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use aws_smithy_types::Blob;
use zeroize::Zeroizing;

use crate::{AttributeValue, Error, ErrorKind, Item, PageItems};
use format::Envelope;

/// An encrypted attribute: the model field it holds and the KMS key that protects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The model (for errors).
    pub model: String,
    /// The field (for errors).
    pub field: String,
    /// The KMS key id, ARN or alias data keys are made under.
    pub key_id: String,
}

/// The encrypted attributes of one table, and its key attributes (what binds a value to
/// its item).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableSeal {
    /// The table's key attribute names.
    pub keys: Vec<String>,
    /// The encrypted attributes, by stored name.
    pub attributes: HashMap<String, Field>,
}

/// The encrypted attributes of a client's tables, and its data keys.
#[derive(Debug)]
pub struct Sealing {
    tables: RwLock<HashMap<String, Arc<TableSeal>>>,
    /// Whether any table has encrypted attributes: the one check every other call makes.
    any: AtomicBool,
    /// KMS and the data key caches.
    pub ring: KeyRing,
}

impl Sealing {
    /// No table encrypted yet; data keys from `ring`.
    pub fn new(ring: KeyRing) -> Self {
        Self {
            tables: RwLock::new(HashMap::new()),
            any: AtomicBool::new(false),
            ring,
        }
    }

    /// Set the encrypted attributes of `table` (as DynamoDB names it), or clear them.
    pub fn set(&self, table: String, seal: Option<TableSeal>) {
        let mut tables = self.tables.write().unwrap_or_else(|e| e.into_inner());
        match seal {
            Some(seal) if !seal.attributes.is_empty() => {
                tables.insert(table, Arc::new(seal));
            }
            _ => {
                tables.remove(&table);
            }
        }
        self.any.store(!tables.is_empty(), Ordering::Release);
    }

    /// The encrypted attributes of `table`, if it has any.
    pub fn of(&self, table: &str) -> Option<Arc<TableSeal>> {
        if !self.any.load(Ordering::Acquire) {
            return None;
        }
        let tables = self.tables.read().unwrap_or_else(|e| e.into_inner());
        tables.get(table).cloned()
    }

    /// Seal the encrypted attributes of `item`, bound for `table`.
    ///
    /// # Errors
    /// [`ErrorKind::Encryption`] when the item lacks a key attribute, [`ErrorKind::Kms`] when
    /// KMS refuses to make a data key.
    pub async fn seal(&self, table: &str, item: &mut Item) -> Result<(), Error> {
        let Some(seal) = self.of(table) else {
            return Ok(());
        };
        for (attribute, field) in &seal.attributes {
            let Some(value) = item.get(attribute) else {
                continue;
            };
            let plaintext = Zeroizing::new(format::plaintext(value));
            let key = key_of(&seal, item, field)?;
            let aad = format::associated_data(table, &key, attribute, &field.key_id);
            let (secret, wrapped) = self.ring.encrypting(&field.key_id, table).await?;
            let cipher = Aes256Gcm::new_from_slice(&secret[..]).map_err(|_| {
                problem(
                    field,
                    "the data key KMS returned is not an AES-256 key",
                    false,
                )
            })?;
            let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
            let ciphertext = cipher
                .encrypt(
                    &nonce,
                    Payload {
                        msg: &plaintext,
                        aad: &aad,
                    },
                )
                .map_err(|_| problem(field, "AES-GCM refused to encrypt the value", false))?;
            let sealed = Envelope {
                key_id: &field.key_id,
                wrapped: &wrapped,
                nonce: nonce.as_slice(),
                ciphertext: &ciphertext,
            }
            .write();
            item.insert(attribute.clone(), AttributeValue::B(Blob::new(sealed)));
        }
        Ok(())
    }

    /// Open the encrypted attributes of `item`, read from `table`.
    ///
    /// # Errors
    /// [`ErrorKind::Encryption`] (a decryption failure) when a value is not sealed, was
    /// sealed for another item, attribute or table, or was altered; [`ErrorKind::Kms`] when
    /// KMS refuses to unwrap its data key.
    pub async fn open(&self, table: &str, item: &mut Item) -> Result<(), Error> {
        let Some(seal) = self.of(table) else {
            return Ok(());
        };
        for (attribute, field) in &seal.attributes {
            let Some(stored) = item.get(attribute) else {
                continue;
            };
            let AttributeValue::B(blob) = stored else {
                return Err(problem(
                    field,
                    "the stored value is not encrypted (it is not binary): refusing to read it",
                    true,
                ));
            };
            let envelope = Envelope::read(blob.as_ref()).map_err(|why| {
                problem(
                    field,
                    &format!("the stored value is not an encrypted value: {why}"),
                    true,
                )
            })?;
            let key = key_of(&seal, item, field)?;
            let aad = format::associated_data(table, &key, attribute, envelope.key_id);
            let secret = self
                .ring
                .decrypting(envelope.key_id, table, envelope.wrapped)
                .await?
                .ok_or_else(|| {
                    problem(
                        field,
                        "KMS will not unwrap its data key for this table: the value was \
                         encrypted for another table, or altered",
                        true,
                    )
                })?;
            let cipher = Aes256Gcm::new_from_slice(&secret[..])
                .map_err(|_| problem(field, "its data key is not an AES-256 key", true))?;
            let plaintext = cipher
                .decrypt(
                    Nonce::from_slice(envelope.nonce),
                    Payload {
                        msg: envelope.ciphertext,
                        aad: &aad,
                    },
                )
                .map(Zeroizing::new)
                .map_err(|_| {
                    problem(
                        field,
                        "the value does not decrypt here: it was encrypted for another item or \
                         attribute, or altered",
                        true,
                    )
                })?;
            let value = format::value(&plaintext).map_err(|why| {
                problem(
                    field,
                    &format!("the decrypted value is malformed: {why}"),
                    true,
                )
            })?;
            item.insert(attribute.clone(), value);
        }
        Ok(())
    }

    /// Open every item of `items`, read from `table`.
    ///
    /// # Errors
    /// As [`Sealing::open`].
    pub async fn open_all<'a>(
        &self,
        table: &str,
        items: impl IntoIterator<Item = &'a mut Item>,
    ) -> Result<(), Error> {
        if self.of(table).is_none() {
            return Ok(());
        }
        for item in items {
            self.open(table, item).await?;
        }
        Ok(())
    }

    /// Open items read from `table` (a page's, or a batch get's of that table): a sealed
    /// table's items are parsed into values for it, any other's are left as they came.
    ///
    /// # Errors
    /// As [`Sealing::open`], and when items that came as JSON do not parse.
    pub async fn open_items(&self, table: &str, items: &mut PageItems) -> Result<(), Error> {
        if self.of(table).is_none() {
            return Ok(());
        }
        self.open_all(table, items.values()?).await
    }
}

impl Sealing {
    /// `err` with the stored items it carries opened (a failed condition's item, a canceled
    /// transaction's per action, `tables` naming each action's table), so that they decode
    /// into models; an item that does not open is left as it is.
    pub async fn open_error(&self, tables: &[&str], mut err: Error) -> Error {
        match err.kind_mut() {
            ErrorKind::ConditionalCheckFailed {
                item: Some(item), ..
            } => {
                if let Some(table) = tables.first() {
                    let _ = self.open(table, item).await;
                }
            }
            ErrorKind::TransactionCanceled { reasons, .. } => {
                for (reason, table) in reasons.iter_mut().zip(tables) {
                    if let Some(item) = reason.item.as_mut() {
                        let _ = self.open(table, item).await;
                    }
                }
            }
            _ => {}
        }
        err
    }
}

/// The item's key attributes, sorted by name: what its values are bound to.
fn key_of<'a>(
    seal: &'a TableSeal,
    item: &'a Item,
    field: &Field,
) -> Result<Vec<(&'a str, &'a AttributeValue)>, Error> {
    let mut key = Vec::with_capacity(seal.keys.len());
    for name in &seal.keys {
        let value = item.get(name).ok_or_else(|| {
            problem(
                field,
                &format!(
                    "the item has no key attribute '{name}', which an encrypted value is bound \
                     to (a projection must include the key)"
                ),
                false,
            )
        })?;
        key.push((name.as_str(), value));
    }
    key.sort_unstable_by(|a, b| a.0.cmp(b.0));
    Ok(key)
}

fn problem(field: &Field, message: &str, decrypting: bool) -> Error {
    Error::new(ErrorKind::Encryption {
        model: field.model.clone(),
        field: field.field.clone(),
        message: message.to_owned(),
        decrypting,
    })
}
