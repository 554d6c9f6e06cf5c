#![recursion_limit = "256"]
//! Connection Manager server: configuration, start-up, the REST API and the portal's SSR.

pub mod alerts;
pub mod auth;
pub mod config;
pub mod http_client;
pub mod metrics;
pub mod portal;
pub mod probe;
pub mod rest;
pub mod security;
pub mod startup;
pub mod telemetry;
