//! Integration tests: each test starts the real server on a random port against a fresh
//! database, once on SQLite and once on MariaDB/MySQL (`TEST_MYSQL_URL`, default
//! `mysql://root@127.0.0.1:3306`), and talks to it over HTTP.

mod helpers;

mod alerts;
mod audit;
mod authorities;
mod authorization_matrix;
mod bearer_tokens;
mod browser_security;
mod certificate_sets;
mod certs;
mod concurrency;
mod dfsps;
mod environments;
mod http;
mod hub_jws;
mod identity_provider;
mod inbound;
mod inventory;
mod login_api;
mod metrics;
mod network;
mod oidc_provider;
mod onboarding;
mod outbound;
mod portal;
mod revocations;
mod second_factor;
mod sign_in;
mod smoke;
mod startup;
mod uploaded_cas;
mod v3;
