//! Public draws anyone can re-run (docs/draws.md): village review panels drawn from each
//! village's pool, and the county's spot-check of every 审核 list — announced with a frozen,
//! hashed snapshot, drawn with public randomness at least 24 hours later, published as JSON and
//! verified in the page by the same code (`domain::draw`, in the WASM island).

pub mod handlers;
pub mod service;
pub mod views;
