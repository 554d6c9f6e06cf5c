//! Enrollments: certificates the Hub and the DFSPs issue each other. Inbound: a DFSP's CSR,
//! which the Hub signs with its CA (or has an external CA sign). Outbound comes next.

pub mod inbound;
