//! Every Rust error becomes one of the classes in `dynomodel.exceptions`; this is the only place
//! that decides which.

use dynomodel_codec::{CodecError, PlanError, Rule};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};

static EXCEPTIONS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn build(
    py: Python<'_>,
    class: &str,
    message: String,
    attributes: &[(&str, Option<String>)],
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
    let field = (!path.is_empty()).then_some(path);
    build(
        py,
        class,
        message,
        &[
            ("model", Some(model.to_owned())),
            ("field", field),
            ("rule", Some(err.rule.to_string())),
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
