//! The certificate inventory: every certificate of an environment with its expiry, and the
//! expiry summary on the environment's overview.

pub mod pages;
pub mod rpc;
