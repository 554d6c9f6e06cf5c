//! Signing in: who is signed in (shown in the header, with the button that signs out) and the
//! sign-in page, which says what went wrong when a sign-in did not complete.

pub mod pages;
pub mod rpc;
