//! API errors as JSON, and reading request bodies with a size cap.

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::config::MAX_BODY_BYTES;

/// An error answer: a status and `{"error": message, ...}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub diagnostics: Option<demarche_scenario::Diagnostics>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError { status, message: message.into(), diagnostics: None }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// A scenario that does not load: 422 with the loader's diagnostics.
    pub fn scenario(diagnostics: demarche_scenario::Diagnostics) -> Self {
        let n = diagnostics.error_count();
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: format!("the scenario has {n} error{}", if n == 1 { "" } else { "s" }),
            diagnostics: Some(diagnostics),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({ "error": self.message, "status": self.status.as_u16() });
        if let Some(d) = &self.diagnostics {
            body["diagnostics"] = serde_json::to_value(d).unwrap_or_default();
        }
        (self.status, axum::Json(body)).into_response()
    }
}

/// A JSON request body of at most [`MAX_BODY_BYTES`], with clear errors:
/// 413 when too large, 400 when not JSON or not the expected shape.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        let too_large = || {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the request body is larger than the limit of {} MiB", MAX_BODY_BYTES / (1024 * 1024)),
            )
        };
        let declared = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
            return Err(too_large());
        }
        let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY_BYTES).await.map_err(|e| {
            if e.to_string().contains("length limit") {
                too_large()
            } else {
                ApiError::bad_request(format!("cannot read the request body: {e}"))
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request("the request body is empty; send a JSON object"));
        }
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            use serde_json::error::Category;
            let what = match e.classify() {
                Category::Syntax | Category::Eof | Category::Io => "the request body is not valid JSON",
                Category::Data => "the request body does not have the expected fields",
            };
            ApiError::bad_request(format!("{what}: {e}"))
        })
    }
}
