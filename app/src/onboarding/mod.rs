//! The onboarding board: each DFSP's steps at a glance for the Hub, and one DFSP's checklist on
//! its own page.

pub mod pages;
pub mod rpc;
