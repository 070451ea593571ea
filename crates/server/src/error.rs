//! API errors as JSON, and reading request bodies with a size cap.

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use http_body_util::BodyExt;

use crate::config::MAX_BODY_BYTES;

/// A refused body is read and thrown away up to this many bytes, so that a
/// client that sends its whole body before reading (Python's urllib, most HTTP
/// libraries) sees the 413 instead of a broken pipe. Beyond it, or after
/// [`DRAIN_TIME`], the connection is closed.
pub const DRAIN_LIMIT: u64 = 256 << 20;
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(10);

async fn drain(mut body: axum::body::Body) {
    let read = async {
        let mut seen = 0u64;
        while let Some(Ok(frame)) = body.frame().await {
            if let Ok(data) = frame.into_data() {
                seen += data.len() as u64;
                if seen > DRAIN_LIMIT {
                    break;
                }
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, read).await;
}

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

/// An unknown model or a bad engine option is the client's mistake: 400.
impl From<demarche_engines::OptionError> for ApiError {
    fn from(e: demarche_engines::OptionError) -> Self {
        ApiError::bad_request(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({ "error": self.message, "status": self.status.as_u16() });
        if let Some(d) = &self.diagnostics {
            body["diagnostics"] = serde_json::to_value(d).unwrap_or_default();
        }
        let mut res = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::PAYLOAD_TOO_LARGE {
            // The rest of the body (past the drain limit) is not read: do not reuse the connection.
            res.headers_mut().insert(axum::http::header::CONNECTION, axum::http::HeaderValue::from_static("close"));
        }
        if self.status == StatusCode::TOO_MANY_REQUESTS || self.status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("2"));
        }
        res
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
        let mut body = req.into_body();
        if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
            drain(body).await;
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| ApiError::bad_request(format!("cannot read the request body: {e}")))?;
            if let Ok(data) = frame.into_data() {
                if bytes.len() + data.len() > MAX_BODY_BYTES {
                    drain(body).await;
                    return Err(too_large());
                }
                bytes.extend_from_slice(&data);
            }
        }
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
