//! The last stop of every error: each Rust error becomes one of the classes of
//! `dynomodel.exceptions`, named here at compile time, and this is the only place that decides
//! which. Nothing below it builds a Python exception.

use dynomodel_client::limit::LimitError;
use dynomodel_client::{Error as ClientError, ErrorKind};
use dynomodel_codec::{CodecError, PlanError, Rule};
use dynomodel_transfer::TransferError as Moving;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyType};
use pyo3::PyTypeInfo;

use crate::bridge::Raise;
use crate::convert::values::item_to_py;

pyo3::import_exception!(dynomodel.exceptions, ConditionalCheckFailedError);
pyo3::import_exception!(dynomodel.exceptions, ConfigurationError);
pyo3::import_exception!(dynomodel.exceptions, CredentialsError);
pyo3::import_exception!(dynomodel.exceptions, DecryptionError);
pyo3::import_exception!(dynomodel.exceptions, EncryptionError);
pyo3::import_exception!(dynomodel.exceptions, KmsError);
pyo3::import_exception!(dynomodel.exceptions, NoSuchBucketError);
pyo3::import_exception!(dynomodel.exceptions, ObjectNotFoundError);
pyo3::import_exception!(dynomodel.exceptions, StorageError);
pyo3::import_exception!(dynomodel.exceptions, DynamoServiceError);
pyo3::import_exception!(dynomodel.exceptions, DynamoValidationError);
pyo3::import_exception!(dynomodel.exceptions, EmptyKeyError);
pyo3::import_exception!(dynomodel.exceptions, KeyTemplateError);
pyo3::import_exception!(dynomodel.exceptions, KeyTooLargeError);
pyo3::import_exception!(dynomodel.exceptions, EndpointError);
pyo3::import_exception!(dynomodel.exceptions, InvalidItemError);
pyo3::import_exception!(dynomodel.exceptions, InvalidNumberError);
pyo3::import_exception!(dynomodel.exceptions, InvalidSetError);
pyo3::import_exception!(dynomodel.exceptions, InvalidStringError);
pyo3::import_exception!(dynomodel.exceptions, ItemTooLargeError);
pyo3::import_exception!(dynomodel.exceptions, ModelDefinitionError);
pyo3::import_exception!(dynomodel.exceptions, NaiveDatetimeError);
pyo3::import_exception!(dynomodel.exceptions, RateLimitError);
pyo3::import_exception!(dynomodel.exceptions, TableExistsError);
pyo3::import_exception!(dynomodel.exceptions, TableNotFoundError);
pyo3::import_exception!(dynomodel.exceptions, ThrottlingError);
pyo3::import_exception!(dynomodel.exceptions, TransactionCanceledError);
pyo3::import_exception!(dynomodel.exceptions, UnexpectedTypeError);

/// A keyword argument of an exception's constructor.
type Attribute<'py> = (&'static str, Option<Bound<'py, PyAny>>);

/// An instance of `class`, built with `message` and keyword `attributes` (or the error that
/// building it raised).
fn raised<'py>(
    class: &Bound<'py, PyType>,
    message: String,
    attributes: &[Attribute<'py>],
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let kwargs = PyDict::new(class.py());
        for (name, value) in attributes {
            kwargs.set_item(name, value)?;
        }
        Ok(PyErr::from_value(class.call((message,), Some(&kwargs))?))
    };
    build().unwrap_or_else(|err| err)
}

fn text<'py>(py: Python<'py>, value: impl AsRef<str>) -> Option<Bound<'py, PyAny>> {
    Some(PyString::new(py, value.as_ref()).into_any())
}

/// A value that breaks a DynamoDB rule, raised as the exception for that rule, naming the
/// model, the path to the value and the rule.
pub fn codec_error(py: Python<'_>, model: &str, err: &CodecError) -> PyErr {
    let class = match err.rule {
        Rule::NotFinite | Rule::TooPrecise { .. } | Rule::OutOfRange | Rule::Malformed => {
            InvalidNumberError::type_object(py)
        }
        Rule::EmptyKey => EmptyKeyError::type_object(py),
        Rule::KeyTooLarge { .. } => KeyTooLargeError::type_object(py),
        Rule::SeparatorInKeyPart { .. } | Rule::KeyPartWidth { .. } => {
            KeyTemplateError::type_object(py)
        }
        Rule::ItemTooLarge { .. } => ItemTooLargeError::type_object(py),
        Rule::MixedSet | Rule::EmptySet => InvalidSetError::type_object(py),
        Rule::NaiveDatetime => NaiveDatetimeError::type_object(py),
        Rule::InvalidString => InvalidStringError::type_object(py),
        Rule::TypeMismatch { .. } => UnexpectedTypeError::type_object(py),
    };
    let path = err.path_string();
    let message = if path.is_empty() {
        format!("{model}: {}", err.rule)
    } else {
        format!("{model}.{path}: {}", err.rule)
    };
    let field = (!path.is_empty()).then_some(path);
    raised(
        &class,
        message,
        &[
            ("model", text(py, model)),
            ("field", field.and_then(|f| text(py, f))),
            ("rule", text(py, err.rule.to_string())),
        ],
    )
}

/// A model the codec cannot serve.
pub fn plan_error(py: Python<'_>, model: &str, err: &PlanError) -> PyErr {
    raised(
        &ModelDefinitionError::type_object(py),
        format!("{model}: {err}"),
        &[],
    )
}

/// Input that is not DynamoDB's wire form.
pub fn invalid_item(message: String) -> PyErr {
    InvalidItemError::new_err(message)
}

/// `err` with `context` (where in the item it happened) before its message, when it says the
/// input is not an item; any other error as it is.
pub fn invalid_item_at(py: Python<'_>, err: PyErr, context: &str) -> PyErr {
    if err.is_instance_of::<InvalidItemError>(py) {
        invalid_item(format!("{context}: {}", err.value(py)))
    } else {
        err
    }
}

/// The name of `value`'s type, what a message about a wrong value shows instead of the value.
pub fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |name| name.to_string())
}

/// A value the native client cannot take as it was given (a negative timeout, say).
pub fn invalid_argument(message: String) -> PyErr {
    pyo3::exceptions::PyValueError::new_err(message)
}

/// A rate limit that cannot work as given.
pub fn limit_error(err: &LimitError) -> PyErr {
    RateLimitError::new_err(err.to_string())
}

/// A failed DynamoDB call, raised as the exception for its kind, with where it happened
/// (`operation`, `table`, `attempts`, `throttles`, `elapsed`) and what it carries (the stored
/// item of a failed condition, the per-action reasons of a canceled transaction).
pub fn client_error(py: Python<'_>, err: ClientError) -> PyErr {
    let message = err.to_string();
    let mut attributes = match details(py, err.kind()) {
        Ok(attributes) => attributes,
        Err(err) => return err,
    };
    if let Some(context) = err.context() {
        let count = context
            .attempts
            .into_pyobject(py)
            .ok()
            .map(|a| a.into_any());
        let throttled = context
            .throttles
            .into_pyobject(py)
            .ok()
            .map(|t| t.into_any());
        let seconds = context.elapsed.as_secs_f64().into_pyobject(py).ok();
        attributes.extend([
            ("operation", text(py, context.operation)),
            ("table", text(py, &context.table)),
            ("attempts", count),
            ("throttles", throttled),
            ("elapsed", seconds.map(|s| s.into_any())),
        ]);
    }
    let class = match err.kind() {
        ErrorKind::TableNotFound { .. } => TableNotFoundError::type_object(py),
        ErrorKind::TableExists { .. } => TableExistsError::type_object(py),
        ErrorKind::ConditionalCheckFailed { .. } => ConditionalCheckFailedError::type_object(py),
        ErrorKind::Throttling { .. } => ThrottlingError::type_object(py),
        ErrorKind::ItemTooLarge { .. } => ItemTooLargeError::type_object(py),
        ErrorKind::Validation { .. } => DynamoValidationError::type_object(py),
        ErrorKind::TransactionCanceled { .. } => TransactionCanceledError::type_object(py),
        ErrorKind::Credentials { .. } => CredentialsError::type_object(py),
        ErrorKind::Endpoint { .. } => EndpointError::type_object(py),
        ErrorKind::Configuration { .. } => ConfigurationError::type_object(py),
        ErrorKind::Service { .. } => DynamoServiceError::type_object(py),
        ErrorKind::Encryption {
            decrypting: true, ..
        } => DecryptionError::type_object(py),
        ErrorKind::Encryption { .. } => EncryptionError::type_object(py),
        ErrorKind::Kms { .. } => KmsError::type_object(py),
        ErrorKind::Storage { code, .. } => match code.as_str() {
            "NoSuchBucket" => NoSuchBucketError::type_object(py),
            "NoSuchKey" => ObjectNotFoundError::type_object(py),
            _ => StorageError::type_object(py),
        },
    };
    raised(&class, message, &attributes)
}

/// What an error carries beyond its message.
fn details<'py>(py: Python<'py>, kind: &ErrorKind) -> PyResult<Vec<Attribute<'py>>> {
    let stored = |item: &Option<dynomodel_client::Item>| -> PyResult<Option<Bound<'py, PyAny>>> {
        item.as_ref()
            .map(|item| Ok(item_to_py(py, item)?.into_any()))
            .transpose()
    };
    Ok(match kind {
        ErrorKind::ConditionalCheckFailed { item, .. } => vec![("raw_item", stored(item)?)],
        ErrorKind::TransactionCanceled { reasons, .. } => {
            let list = PyList::empty(py);
            for reason in reasons {
                list.append((&reason.code, &reason.message, stored(&reason.item)?))?;
            }
            vec![("reasons", Some(list.into_any()))]
        }
        ErrorKind::Encryption { model, field, .. } => {
            vec![("model", text(py, model)), ("field", text(py, field))]
        }
        ErrorKind::Kms { key_id, code, .. } => {
            vec![("key_id", text(py, key_id)), ("code", text(py, code))]
        }
        ErrorKind::Storage {
            bucket, key, code, ..
        } => vec![
            ("bucket", text(py, bucket)),
            ("key", text(py, key)),
            ("code", text(py, code)),
        ],
        _ => vec![],
    })
}

impl Raise for ClientError {
    fn raise(self, py: Python<'_>) -> PyErr {
        client_error(py, self)
    }
}

// Exporting and importing files of DynamoDB JSON lines.
pyo3::import_exception!(dynomodel.exceptions, CorruptFileError);
pyo3::import_exception!(dynomodel.exceptions, FileMissingError);
pyo3::import_exception!(dynomodel.exceptions, InvalidLineError);
pyo3::import_exception!(dynomodel.exceptions, TransferError);

impl Raise for Moving {
    fn raise(self, py: Python<'_>) -> PyErr {
        transfer_error(py, self)
    }
}

/// A failed export or import: a DynamoDB call's error as [`client_error`] raises it, the file's
/// as the transfer exceptions, each with the `file`, and for a bad line its `line`,
/// `attribute` and `rule` (never the value).
pub fn transfer_error(py: Python<'_>, err: Moving) -> PyErr {
    let message = err.to_string();
    let path = |file: &std::path::Path| text(py, file.to_string_lossy());
    match err {
        Moving::Client(err) => client_error(py, err),
        Moving::Missing { file } => raised(
            &FileMissingError::type_object(py),
            message,
            &[("file", path(&file))],
        ),
        Moving::Corrupt { file, .. } => raised(
            &CorruptFileError::type_object(py),
            message,
            &[("file", path(&file))],
        ),
        Moving::Line { file, bad } => {
            let line = bad.line.into_pyobject(py).ok().map(|l| l.into_any());
            raised(
                &InvalidLineError::type_object(py),
                message,
                &[
                    ("file", path(&file)),
                    ("line", line),
                    ("attribute", bad.attribute.and_then(|a| text(py, a))),
                    ("rule", text(py, bad.rule.to_string())),
                ],
            )
        }
        Moving::Io { file, .. } | Moving::Changed { file } | Moving::Closed { file } => raised(
            &TransferError::type_object(py),
            message,
            &[("file", path(&file))],
        ),
        Moving::Unwritable { .. } => raised(&TransferError::type_object(py), message, &[]),
    }
}
