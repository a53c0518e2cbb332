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

/// Whether a database error is about the database's circumstances rather than our request: a
/// full disk, I/O failure, a lock not granted in time, a read-only or restarting server, a lost
/// connection. Such a write did not happen and may succeed later: the visitor is told so (503).
pub fn is_transient(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|c| transient_code(&c)),
        _ => false,
    }
}

/// SQLite primary result codes (the low byte of an extended code) and PostgreSQL SQLSTATEs that
/// mean "not now" rather than "not so".
fn transient_code(code: &str) -> bool {
    // A SQLSTATE is always five characters; SQLite's extended codes have at most four digits.
    if code.len() < 5 {
        let Ok(n) = code.parse::<i64>() else {
            return false;
        };
        // SQLITE_BUSY 5, LOCKED 6, NOMEM 7, READONLY 8, IOERR 10, FULL 13, CANTOPEN 14, PROTOCOL 15
        return matches!(n & 0xff, 5 | 6 | 7 | 8 | 10 | 13 | 14 | 15);
    }
    // 08 connection exception, 53 insufficient resources (53100 disk full), 57P0x shutdown,
    // 25006 read-only transaction (a replica), 40001/40P01 serialization failure / deadlock.
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57P")
        || matches!(code, "25006" | "40001" | "40P01")
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => AppError::NotFound,
            e if is_transient(&e) => {
                crate::db::tx::WRITE_HEALTH.failed();
                tracing::warn!(error = %e, "database unavailable");
                AppError::Unavailable
            }
            other => AppError::internal("database", other),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_database_codes() {
        for code in [
            "5", "517", "6", "8", "10", "778", "13", "14", "08006", "53100", "57P01", "25006",
            "40001",
        ] {
            assert!(transient_code(code), "{code}");
        }
        // Constraint violations and syntax errors are ours to fix, not the database's.
        for code in [
            "19", "1555", "2067", "1", "23505", "23503", "42601", "22P02",
        ] {
            assert!(!transient_code(code), "{code}");
        }
        assert!(is_transient(&sqlx::Error::PoolTimedOut));
        assert!(!is_transient(&sqlx::Error::RowNotFound));
    }
}
