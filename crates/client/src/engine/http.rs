//! [`EngineHttp`]: the SDK's HTTP client for `memory://`, answering each request from the
//! embedded engine instead of a socket.

use std::fmt;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;

use super::dispatch::{unknown_operation, Answer, TARGET_PREFIX};
use super::Engine;

/// Hands the SDK's requests to an [`Engine`] by their `X-Amz-Target`, and its answers back as
/// HTTP responses: signing, retries, timeouts and error parsing stay the SDK's own.
#[derive(Clone)]
pub struct EngineHttp {
    engine: Engine,
}

impl EngineHttp {
    /// The HTTP client of `engine`.
    pub fn new(engine: Engine) -> Self {
        Self { engine }
    }
}

impl fmt::Debug for EngineHttp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EngineHttp({})", self.engine.label())
    }
}

impl HttpClient for EngineHttp {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

impl HttpConnector for EngineHttp {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let operation = request
            .headers()
            .get("x-amz-target")
            .and_then(|target| target.strip_prefix(TARGET_PREFIX));
        // Answered here, on the calling thread: an engine call takes microseconds, less than
        // handing it to another thread would (a blocking call never leaves the caller's thread).
        let answered = match (operation, request.body().bytes()) {
            (Some(operation), Some(body)) => self.engine.answer(operation, body),
            _ => unknown_operation(),
        };
        HttpConnectorFuture::ready(response(answered))
    }
}

fn response((status, body): Answer) -> Result<HttpResponse, ConnectorError> {
    let status =
        StatusCode::try_from(status).map_err(|e| ConnectorError::other(Box::new(e), None))?;
    let mut response = HttpResponse::new(status, SdkBody::from(body));
    response
        .headers_mut()
        .insert("content-type", "application/x-amz-json-1.0");
    Ok(response)
}
