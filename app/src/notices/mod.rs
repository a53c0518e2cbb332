//! Written notices (告之书): every refusal, stop, adjustment and 渐退 is told to the household in
//! writing — decision, reasons, the rule, how to challenge it, issuer, date and number — printed
//! on one A4 page and delivered within 3 working days, its delivery recorded. Staff-only; the
//! public sees counts per township on `/stats`.

pub mod handlers;
pub mod service;
pub mod views;
