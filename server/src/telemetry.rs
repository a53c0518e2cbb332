//! Logging. Never log a reporter's identity, a recipient's full name, an ID number or a receipt.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    // A second init (tests) is harmless; ignore it.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}
