//! The one error type of the application.
//!
//! Handlers return `Result<_, AppError>`. An error becomes a bare status plus an [`ErrorInfo`]
//! extension; the `render_errors` middleware turns it into a page in the visitor's language, so
//! every failure — ours, axum's 404/405/413, the rate limiter's 429 — looks the same to a villager.
//! Database and I/O errors are logged here with context and reach the wire as "Internal" only.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("cross-site request refused")]
    CrossSite,
    /// Bad input; `message` is already in the visitor's language.
    #[error("invalid {field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("rate limited")]
    RateLimited,
    #[error("too large")]
    TooLarge,
    #[error("unavailable")]
    Unavailable,
    #[error("internal error: {0}")]
    Internal(String),
}

/// What the error page needs to know about a failed response.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub kind: ErrorKind,
    /// A message for the visitor, already translated (only for `Invalid`/`Conflict`).
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    Forbidden,
    CrossSite,
    BadRequest,
    TooLarge,
    TooMany,
    Unavailable,
    MethodNotAllowed,
    Internal,
}

impl ErrorKind {
    pub fn from_status(status: StatusCode) -> ErrorKind {
        match status {
            StatusCode::NOT_FOUND => ErrorKind::NotFound,
            StatusCode::FORBIDDEN => ErrorKind::Forbidden,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorKind::TooLarge,
            StatusCode::TOO_MANY_REQUESTS => ErrorKind::TooMany,
            StatusCode::SERVICE_UNAVAILABLE => ErrorKind::Unavailable,
            StatusCode::METHOD_NOT_ALLOWED => ErrorKind::MethodNotAllowed,
            s if s.is_client_error() => ErrorKind::BadRequest,
            _ => ErrorKind::Internal,
        }
    }
}

impl AppError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field,
            message: message.into(),
        }
    }

    /// Logs an unexpected failure with context and hides the detail from the wire.
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        tracing::error!(context, error = %err, "internal error");
        AppError::Internal(context.to_owned())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::CrossSite => StatusCode::FORBIDDEN,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (kind, detail) = match self {
            AppError::CrossSite => (ErrorKind::CrossSite, None),
            AppError::Invalid { message, .. } => (ErrorKind::BadRequest, Some(message)),
            AppError::Conflict(message) => (ErrorKind::BadRequest, Some(message)),
            _ => (ErrorKind::from_status(status), None),
        };
        let mut res = status.into_response();
        res.extensions_mut().insert(ErrorInfo { kind, detail });
        res
    }
}

pub type AppResult<T> = Result<T, AppError>;
