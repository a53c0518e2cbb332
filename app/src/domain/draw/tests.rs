//! Tests of docs/draws.md.
