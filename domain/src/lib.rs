//! The Connection Manager domain.
//!
//! Without features this crate holds only the types shared by the server and the portal's
//! WebAssembly bundle (entities, inputs, validation and the domain error). The `server` feature
//! adds the services, their repositories over the database, the clock and the initial data load.
//! Both adapters, the REST API and the portal's server functions, call the same services.

pub mod audit;
pub mod dfsps;
pub mod enrollments;
pub mod environments;
pub mod error;
pub mod input;
pub mod inventory;
pub mod monetary_zones;
pub mod network;
pub mod onboarding;
pub mod pki;
pub mod principal;
pub mod second_factors;
pub mod text;

#[cfg(feature = "server")]
pub mod access;
#[cfg(feature = "server")]
pub mod clock;
#[cfg(feature = "server")]
pub mod db;
#[cfg(feature = "server")]
pub mod random;
#[cfg(feature = "server")]
mod services;
#[cfg(feature = "server")]
pub mod sessions;
#[cfg(feature = "server")]
pub mod shared_keys;
#[cfg(feature = "server")]
pub mod statistics;

pub use error::{DomainError, DomainResult, FieldError};
pub use principal::Principal;
#[cfg(feature = "server")]
pub use services::{Services, DEFAULT_CRL_VALIDITY};
