//! The audit log of an environment: every change, who made it and when, with filters.

pub mod pages;
pub mod rpc;
