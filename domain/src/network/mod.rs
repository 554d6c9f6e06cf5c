//! Network configuration: the Hub's and each DFSP's ingress and egress endpoints (IP addresses
//! or ranges with ports, and URLs), which the Hub confirms. This module holds the value rules;
//! the endpoint records and their confirmation workflow build on them.

pub mod values;
