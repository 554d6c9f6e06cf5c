//! Enrollments: client certificates the Hub and the DFSPs issue each other. Inbound: a DFSP's
//! CSR, which the Hub signs with its CA (or has an external CA sign). Outbound: the Hub's CSR,
//! which the DFSP's CA signs.

pub mod inbound;
pub mod outbound;
