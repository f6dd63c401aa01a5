//! Every Rust error becomes one of the classes in `dynomodel.exceptions`; this is the only place
//! that decides which.

use dynomodel_client::Error as ClientError;
use dynomodel_codec::{CodecError, PlanError, Rule};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyModule, PyString};

use crate::attribute::item_to_py;

/// A keyword argument of an exception's constructor.
type Attribute<'py> = (&'static str, Option<Bound<'py, PyAny>>);

static EXCEPTIONS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn build<'py>(
    py: Python<'py>,
    class: &str,
    message: String,
    attributes: &[Attribute<'py>],
) -> PyErr {
    let raise = || -> PyResult<PyErr> {
        let module = EXCEPTIONS
            .get_or_try_init(py, || {
                Ok::<_, PyErr>(py.import("dynomodel.exceptions")?.unbind())
            })?
            .bind(py);
        let kwargs = PyDict::new(py);
        for (name, value) in attributes {
            kwargs.set_item(name, value)?;
        }
        let instance = module.getattr(class)?.call((message,), Some(&kwargs))?;
        Ok(PyErr::from_value(instance))
    };
    raise().unwrap_or_else(|err| err)
}

/// A value that breaks a DynamoDB rule, raised as the exception for that rule.
pub fn codec_error(py: Python<'_>, model: &str, err: &CodecError) -> PyErr {
    let class = match err.rule {
        Rule::NotFinite | Rule::TooPrecise { .. } | Rule::OutOfRange | Rule::Malformed => {
            "InvalidNumberError"
        }
        Rule::EmptyKey => "EmptyKeyError",
        Rule::ItemTooLarge { .. } => "ItemTooLargeError",
        Rule::MixedSet | Rule::EmptySet => "InvalidSetError",
        Rule::NaiveDatetime => "NaiveDatetimeError",
        Rule::InvalidString => "InvalidStringError",
        Rule::TypeMismatch { .. } => "UnexpectedTypeError",
    };
    let path = err.path_string();
    let message = if path.is_empty() {
        format!("{model}: {}", err.rule)
    } else {
        format!("{model}.{path}: {}", err.rule)
    };
    let text = |s: String| Some(PyString::new(py, &s).into_any());
    let field = (!path.is_empty()).then_some(path);
    build(
        py,
        class,
        message,
        &[
            ("model", text(model.to_owned())),
            ("field", field.and_then(text)),
            ("rule", text(err.rule.to_string())),
        ],
    )
}

/// A model the codec cannot serve.
pub fn plan_error(py: Python<'_>, model: &str, err: &PlanError) -> PyErr {
    build(py, "ModelDefinitionError", format!("{model}: {err}"), &[])
}

/// Input that is not DynamoDB's wire form.
pub fn invalid_item(message: String) -> PyErr {
    Python::attach(|py| build(py, "InvalidItemError", message, &[]))
}

/// A failed DynamoDB call, raised as the exception for its kind.
pub fn client_error(py: Python<'_>, err: ClientError) -> PyErr {
    let message = err.to_string();
    let attributes = match details(py, &err) {
        Ok(attributes) => attributes,
        Err(err) => return err,
    };
    let class = match err {
        ClientError::TableNotFound { .. } => "TableNotFoundError",
        ClientError::TableExists { .. } => "TableExistsError",
        ClientError::ConditionalCheckFailed { .. } => "ConditionalCheckFailedError",
        ClientError::Throttling { .. } => "ThrottlingError",
        ClientError::ItemTooLarge { .. } => "ItemTooLargeError",
        ClientError::Validation { .. } => "DynamoValidationError",
        ClientError::TransactionCanceled { .. } => "TransactionCanceledError",
        ClientError::Credentials { .. } => "CredentialsError",
        ClientError::Endpoint { .. } => "EndpointError",
        ClientError::Configuration { .. } => "ConfigurationError",
        ClientError::Service { .. } => "DynamoServiceError",
    };
    build(py, class, message, &attributes)
}

/// What an error carries beyond its message: the stored item of a failed condition, the
/// per-action reasons of a canceled transaction.
fn details<'py>(py: Python<'py>, err: &ClientError) -> PyResult<Vec<Attribute<'py>>> {
    let stored = |item: &Option<dynomodel_client::Item>| -> PyResult<Option<Bound<'py, PyAny>>> {
        item.as_ref()
            .map(|item| Ok(item_to_py(py, item)?.into_any()))
            .transpose()
    };
    Ok(match err {
        ClientError::ConditionalCheckFailed { item, .. } => vec![("raw_item", stored(item)?)],
        ClientError::TransactionCanceled { reasons, .. } => {
            let list = PyList::empty(py);
            for reason in reasons {
                list.append((&reason.code, &reason.message, stored(&reason.item)?))?;
            }
            vec![("reasons", Some(list.into_any()))]
        }
        _ => vec![],
    })
}
