//! Counts for monitoring (the server's `/metrics`): per environment, its DFSPs, its
//! enrollments by direction and state, and its stored certificate sets. Read from the
//! database at each scrape, so every replica reports the same, current figures.

use crate::db::db_read;
use crate::environments::EnvironmentId;
use crate::{DomainResult, Services};

/// The counter of certificates this process signed, by `kind`: `internal_ca` (an
/// environment's self-signed CA) and `inbound_enrollment` (a DFSP's CSR, signed by that CA).
pub const CERTIFICATES_SIGNED: &str = "connection_manager_certificates_signed_total";

/// One figure of one environment: `what` (`dfsps`, `inbound_enrollments`,
/// `outbound_enrollments`, `hub_server_certificates`, `dfsp_server_certificates`,
/// `dfsp_jws_certificates`), the state it counts where `what` has states (else empty), and the
/// count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub env_id: EnvironmentId,
    pub what: String,
    pub state: String,
    pub count: i64,
}

/// Connections of the database pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
    /// On a SQLite file, the connections reads run on (`domain/src/db/sqlite_reads.rs`).
    pub readers: Option<ReaderUsage>,
}

/// The SQLite readers: lent to reads now, kept idle, and how many may be lent at once (past
/// it, reads queue for the pool).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderUsage {
    pub in_use: u32,
    pub idle: u32,
    pub max: u32,
}

/// Obtained from [`Services::statistics`]. Not scoped to a principal: its figures are counts,
/// never contents, and the server serves them only at `/metrics` (behind `METRICS_TOKEN` when
/// that is set).
pub struct StatisticsService<'a> {
    pub(crate) services: &'a Services,
}

/// One query, one round trip: every environment (with zero DFSPs when it has none) and every
/// non-zero count of the other figures.
const TALLY: &str = "\
SELECT e.id, 'dfsps', '', COUNT(d.id) FROM environments e LEFT JOIN dfsps d ON d.env_id = e.id GROUP BY e.id \
UNION ALL SELECT env_id, 'inbound_enrollments', state, COUNT(*) FROM inbound_enrollments GROUP BY env_id, state \
UNION ALL SELECT env_id, 'outbound_enrollments', state, COUNT(*) FROM outbound_enrollments GROUP BY env_id, state \
UNION ALL SELECT env_id, 'hub_server_certificates', '', COUNT(*) FROM hub_server_certs GROUP BY env_id \
UNION ALL SELECT d.env_id, 'dfsp_server_certificates', '', COUNT(*) FROM dfsp_server_certs c JOIN dfsps d ON d.id = c.dfsp_key GROUP BY d.env_id \
UNION ALL SELECT d.env_id, 'dfsp_jws_certificates', '', COUNT(*) FROM dfsp_jws_certs c JOIN dfsps d ON d.id = c.dfsp_key GROUP BY d.env_id";

impl StatisticsService<'_> {
    pub async fn tally(&self) -> DomainResult<Vec<Tally>> {
        let rows: Vec<(i64, String, String, i64)> = db_read!(self.services.db, |conn| {
            sqlx::query_as(TALLY)
                .fetch_all(&mut *conn)
                .await
                .map_err(Into::into)
        })?;
        Ok(rows
            .into_iter()
            .filter_map(|(env, what, state, count)| {
                Some(Tally {
                    env_id: EnvironmentId::new(env)?,
                    what,
                    state,
                    count,
                })
            })
            .collect())
    }

    pub fn pool(&self) -> PoolUsage {
        self.services.db.pool_usage()
    }
}
