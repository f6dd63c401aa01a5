//! Every Rust error becomes one of the classes in `dynomodel.exceptions`; this is the only place
//! that decides which.

use dynomodel_client::Error as ClientError;
use dynomodel_codec::{CodecError, PlanError, Rule};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule, PyString};

use crate::attribute::item_to_py;

static EXCEPTIONS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn build<'py>(
    py: Python<'py>,
    class: &str,
    message: String,
    attributes: &[(&str, Option<Bound<'py, PyAny>>)],
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
    let (class, item) = match err {
        ClientError::TableNotFound { .. } => ("TableNotFoundError", None),
        ClientError::TableExists { .. } => ("TableExistsError", None),
        ClientError::ConditionalCheckFailed { item, .. } => ("ConditionalCheckFailedError", item),
        ClientError::Throttling { .. } => ("ThrottlingError", None),
        ClientError::ItemTooLarge { .. } => ("ItemTooLargeError", None),
        ClientError::Validation { .. } => ("DynamoValidationError", None),
        ClientError::TransactionCanceled { .. } => ("TransactionCanceledError", None),
        ClientError::Credentials { .. } => ("CredentialsError", None),
        ClientError::Endpoint { .. } => ("EndpointError", None),
        ClientError::Service { .. } => ("DynamoServiceError", None),
    };
    let item = match item.map(|item| item_to_py(py, &item)).transpose() {
        Ok(item) => item.map(Bound::into_any),
        Err(err) => return err,
    };
    let attributes = if class == "ConditionalCheckFailedError" {
        vec![("item", item)]
    } else {
        vec![]
    };
    build(py, class, message, &attributes)
}
