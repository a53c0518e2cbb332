//! Public draws anyone can re-run (docs/draws.md): village review panels drawn from each
//! village's pool, and the county's spot-check of every 审核 list — announced with a frozen,
//! hashed snapshot, drawn with public randomness at least 24 hours later, published as JSON and
//! verified in the page by the same code (`domain::draw`, in the WASM island).

/// Where the site publishes docs/draws.md, the method every draw follows.
pub const METHOD_PATH: &str = "/draws/method.md";
/// Where the site publishes docs/draws_reference.py, the method written again in Python from
/// the document alone: with a draw's JSON, all anyone needs to re-run it without our code.
pub const REFERENCE_PATH: &str = "/draws/draws_reference.py";

pub mod handlers;
pub mod service;
pub mod views;
