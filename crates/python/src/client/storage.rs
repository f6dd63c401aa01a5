//! The encrypted fields' tables and KMS calls, and the objects of values kept in S3.

use std::path::PathBuf;

use bytes::Bytes;
use dynomodel_client::crypt::{Field, TableSeal};
use dynomodel_client::s3::{Content, Stored, Upload};
use dynomodel_client::Item;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

use super::Client;
use crate::bridge::ToPython;
use crate::convert::args::ItemArg;
use crate::convert::values::item_to_py;

/// `(attribute, model, field, key_id)`: one encrypted attribute of a table.
type SealedArg = (String, String, String, String);

/// Items in wire form.
struct Items(Vec<Item>);

impl ToPython for Items {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let list = PyList::empty(py);
        for item in &self.0 {
            list.append(item_to_py(py, item)?)?;
        }
        Ok(list.into_any())
    }
}

/// `(size, sha256, parts)` of an uploaded object.
struct Uploaded(Stored);

impl ToPython for Uploaded {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok((self.0.size, self.0.sha256, self.0.parts)
            .into_pyobject(py)?
            .into_any())
    }
}

/// An object's content (or a range of it).
struct Downloaded(Bytes);

impl ToPython for Downloaded {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok(PyBytes::new(py, &self.0).into_any())
    }
}

#[pymethods]
impl Client {
    /// Set which attributes of `table` are encrypted, with which KMS key (none: clear them);
    /// `keys` are its key attributes, which each value is bound to.
    #[pyo3(signature = (table, keys, attributes))]
    fn set_sealed(&self, table: String, keys: Vec<String>, attributes: Vec<SealedArg>) {
        let seal = TableSeal {
            keys,
            attributes: attributes
                .into_iter()
                .map(|(attribute, model, field, key_id)| {
                    (
                        attribute,
                        Field {
                            model,
                            field,
                            key_id,
                        },
                    )
                })
                .collect(),
        };
        self.sealing.set(self.table(table), Some(seal));
    }

    /// `items` of `table` with their encrypted attributes sealed (data keys from KMS
    /// GenerateDataKey, cached).
    #[pyo3(signature = (table, items, blocking))]
    fn seal_items<'py>(
        &self,
        py: Python<'py>,
        table: String,
        items: Vec<ItemArg>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut items: Vec<Item> = items.into_iter().map(|item| item.0).collect();
        let (table, sealing) = (self.table(table), self.sealing());
        self.run(py, blocking, async move {
            for item in &mut items {
                sealing.seal(&table, item).await?;
            }
            Ok(Items(items))
        })
    }

    /// `items` read from `table` with their encrypted attributes opened (data keys from KMS
    /// Decrypt, cached).
    #[pyo3(signature = (table, items, blocking))]
    fn open_items<'py>(
        &self,
        py: Python<'py>,
        table: String,
        items: Vec<ItemArg>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut items: Vec<Item> = items.into_iter().map(|item| item.0).collect();
        let (table, sealing) = (self.table(table), self.sealing());
        self.run(py, blocking, async move {
            sealing.open_all(&table, &mut items).await?;
            Ok(Items(items))
        })
    }

    /// KMS calls made so far: `(GenerateDataKey, Decrypt)`.
    #[getter]
    fn kms_calls(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        let calls = &self.sealing.ring.calls;
        (calls.generated.load(Relaxed), calls.decrypted.load(Relaxed))
    }

    /// The data key cache's bounds: `(max_age seconds, max_uses, max_keys)`.
    #[getter]
    fn key_cache(&self) -> (f64, u64, usize) {
        let cache = self.sealing.ring.cache();
        (cache.max_age.as_secs_f64(), cache.max_uses, cache.max_keys)
    }

    /// Upload `data` (bytes) or the file at `path` to `bucket`/`key`: PutObject, or a multipart
    /// upload above `multipart_threshold` bytes, S3 checking every request's SHA-256:
    /// `(size, sha256 base64, parts)`.
    #[pyo3(signature = (bucket, key, data, path, content_type, multipart_threshold, part_size, concurrency, blocking))]
    #[allow(clippy::too_many_arguments)]
    fn s3_put<'py>(
        &self,
        py: Python<'py>,
        bucket: String,
        key: String,
        data: Option<Vec<u8>>,
        path: Option<PathBuf>,
        content_type: String,
        multipart_threshold: u64,
        part_size: u64,
        concurrency: usize,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let content = match (data, path) {
            (Some(data), None) => Content::Bytes(Bytes::from(data)),
            (None, Some(path)) => Content::File(path),
            _ => {
                return Err(crate::errors::invalid_argument(
                    "s3_put takes either data or a path".into(),
                ))
            }
        };
        let upload = Upload {
            bucket,
            key,
            content,
            content_type,
            multipart_threshold,
            part_size,
            concurrency,
        };
        let s3 = std::sync::Arc::clone(&self.s3);
        self.run(
            py,
            blocking,
            async move { s3.put(upload).await.map(Uploaded) },
        )
    }

    /// GetObject of `bucket`/`key`, whole or the bytes `start..end` of it: bytes.
    #[pyo3(signature = (bucket, key, range, blocking))]
    fn s3_get<'py>(
        &self,
        py: Python<'py>,
        bucket: String,
        key: String,
        range: Option<(u64, u64)>,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let s3 = std::sync::Arc::clone(&self.s3);
        self.run(py, blocking, async move {
            s3.get(&bucket, &key, range).await.map(Downloaded)
        })
    }

    /// DeleteObject of `bucket`/`key` (done whether or not it existed).
    #[pyo3(signature = (bucket, key, blocking))]
    fn s3_delete<'py>(
        &self,
        py: Python<'py>,
        bucket: String,
        key: String,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let s3 = std::sync::Arc::clone(&self.s3);
        self.run(py, blocking, async move { s3.delete(&bucket, &key).await })
    }
}
