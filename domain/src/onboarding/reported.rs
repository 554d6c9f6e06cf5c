//! MCM v3's onboarding progress as the DFSP-side client reports it: for each of its ten
//! states (`HUB_CA`, `DFSP_CA`, ...), `pending`, `inProgress`, `completed` or `inError`, with
//! what it is doing and what went wrong. Kept per DFSP and state, so that a report of some
//! states leaves the others as they were; shown beside what the Hub computes from its own data.

use serde::{Deserialize, Serialize};

use crate::dfsps::DfspId;

/// The states the client reports, in MCM v3's order (`DFSP_STATES`).
pub const REPORTED_STATES: [&str; 10] = [
    "PEER_JWS",
    "DFSP_JWS",
    "DFSP_CA",
    "DFSP_SERVER_CERT",
    "DFSP_CLIENT_CERT",
    "HUB_CA",
    "HUB_CERT",
    "HUB_CLIENT_CERT",
    "ENDPOINT_CONFIG",
    "UPLOAD_PEER_JWS",
];

/// A reported state's status (MCM v3's `DfspStateStatusEnum`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DfspStateStatusEnum))]
#[serde(rename_all = "camelCase")]
pub enum ReportedStatus {
    Pending,
    InProgress,
    Completed,
    InError,
}

impl ReportedStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportedStatus::Pending => "pending",
            ReportedStatus::InProgress => "inProgress",
            ReportedStatus::Completed => "completed",
            ReportedStatus::InError => "inError",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            ReportedStatus::Pending,
            ReportedStatus::InProgress,
            ReportedStatus::Completed,
            ReportedStatus::InError,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }
}

/// One state as the client reports it (MCM v3's `DfspStateStatus`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DfspStateStatus))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StateReport {
    pub status: ReportedStatus,
    /// What the client is doing in this state (`UPLOADING_TO_HUB`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_description: Option<String>,
    /// What went wrong, with `inError`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// When the state last changed, RFC 3339.
    #[cfg_attr(feature = "server", schema(example = "2026-12-08T10:00:00.000Z"))]
    pub last_updated: String,
}

/// A report of some or all states (MCM v3's `DfspStatesStatusPayload`); any other key is a
/// 400.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DfspStatesStatusPayload))]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)] // the keys are the client's state names
pub struct StatesReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub PEER_JWS: Option<StateReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub DFSP_JWS: Option<StateReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub DFSP_CA: Option<StateReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub DFSP_SERVER_CERT: Option<StateReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub DFSP_CLIENT_CERT: Option<StateReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub HUB_CA: Option<StateReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub HUB_CERT: Option<StateReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub HUB_CLIENT_CERT: Option<StateReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ENDPOINT_CONFIG: Option<StateReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub UPLOAD_PEER_JWS: Option<StateReport>,
}

impl StatesReport {
    /// The reported states, by name, in [`REPORTED_STATES`]' order.
    pub fn states(&self) -> Vec<(&'static str, &StateReport)> {
        let all = [
            &self.PEER_JWS,
            &self.DFSP_JWS,
            &self.DFSP_CA,
            &self.DFSP_SERVER_CERT,
            &self.DFSP_CLIENT_CERT,
            &self.HUB_CA,
            &self.HUB_CERT,
            &self.HUB_CLIENT_CERT,
            &self.ENDPOINT_CONFIG,
            &self.UPLOAD_PEER_JWS,
        ];
        REPORTED_STATES
            .into_iter()
            .zip(all)
            .filter_map(|(name, report)| report.as_ref().map(|r| (name, r)))
            .collect()
    }
}

/// One stored state of a DFSP (an item of MCM v3's `DfspStatesStatusArray`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReportedState {
    #[cfg_attr(feature = "server", schema(example = "DFSP_CA"))]
    pub state: String,
    pub status: ReportedStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// When the state last changed, as the client said (RFC 3339, UTC).
    pub last_updated: String,
}

/// A DFSP's connectivity and reported progress (MCM v3's `DfspConnectivityStatusItem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DfspConnectivityStatusItem))]
#[serde(rename_all = "camelCase")]
pub struct DfspStates {
    #[cfg_attr(feature = "server", schema(value_type = String, example = "DFSP1"))]
    pub dfsp_id: DfspId,
    /// The last ping's result; `null` until the Hub has pinged the DFSP.
    pub ping_status: Option<String>,
    /// When it was pinged last; `null` until then.
    pub last_updated_ping_status_at: Option<String>,
    /// The states the DFSP's client reported, in MCM v3's order; empty until its first report.
    pub states_status: Vec<ReportedState>,
}

/// Every DFSP's connectivity and reported progress (MCM v3's `DfspsConnectivityStatusResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DfspsConnectivityStatusResponse))]
pub struct AllDfspStates {
    pub dfsps: Vec<DfspStates>,
}

/// What a report changed, in MCM v3's terms (`{"code": n}`, MySQL's affected rows of its
/// upsert): 0 nothing, 1 only new states, 2 a state that was stored before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = StatesReportResult))]
pub struct ReportOutcome {
    #[cfg_attr(feature = "server", schema(example = 2))]
    pub code: u8,
}

#[cfg(feature = "server")]
pub use service::ReportedStateService;

#[cfg(feature = "server")]
mod service {
    use sqlx::Row;
    use time::format_description::well_known::Rfc3339;

    use super::*;
    use crate::access::{DfspScope, EnvScope};
    use crate::audit::{Audit, AuditAction};
    use crate::clock::to_db;
    use crate::db::{db_read, db_write, Conn, Outcome};
    use crate::environments::EnvironmentId;
    use crate::error::FieldErrors;
    use crate::{DomainResult, Principal, Services};

    const WHAT: &str = "states report";
    /// The longest description kept; a longer one is cut (clients send error stacks).
    const DESCRIPTION_LIMIT: usize = 1024;

    /// The client-reported onboarding states. Obtained from [`Services::reported_states`].
    pub struct ReportedStateService<'a> {
        pub(crate) services: &'a Services,
    }

    struct Row_ {
        state: String,
        status: String,
        state_description: Option<String>,
        error_description: Option<String>,
        last_updated: String,
    }

    fn cut(text: &Option<String>) -> Option<String> {
        text.as_ref()
            .map(|t| t.chars().take(DESCRIPTION_LIMIT).collect())
    }

    impl ReportedStateService<'_> {
        /// Stores the states the report holds; the others stay as they were. Only the DFSP's
        /// own operators (its client) and hub operators may report.
        pub async fn report(
            &self,
            who: &Principal,
            env_id: EnvironmentId,
            dfsp_id: &DfspId,
            report: &StatesReport,
        ) -> DomainResult<ReportOutcome> {
            DfspScope::authorize(&self.services.db, who, env_id, dfsp_id).await?;
            let mut errors = FieldErrors::default();
            let mut rows = Vec::new();
            for (state, reported) in report.states() {
                match time::OffsetDateTime::parse(&reported.last_updated, &Rfc3339) {
                    Ok(at) => rows.push(Row_ {
                        state: state.to_owned(),
                        status: reported.status.as_str().to_owned(),
                        state_description: cut(&reported.state_description),
                        error_description: cut(&reported.error_description),
                        last_updated: to_db(at.to_offset(time::UtcOffset::UTC)),
                    }),
                    Err(_) => errors.push(
                        &format!("{state}.lastUpdated"),
                        format!(
                            "'{}' is not a date-time such as 2026-12-08T10:00:00.000Z",
                            reported.last_updated
                        ),
                    ),
                }
            }
            errors.finish(WHAT)?;
            let at = to_db(self.services.clock.now());
            let (inserted, updated) = db_write!(self.services.db, |conn| async {
                let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
                let mut inserted = Vec::new();
                let mut updated = Vec::new();
                for row in &rows {
                    match upsert(conn, &scope, row, &at, &who.subject).await? {
                        Change::Inserted => inserted.push(format!("{} {}", row.state, row.status)),
                        Change::Updated => updated.push(format!("{} {}", row.state, row.status)),
                        Change::Same => {}
                    }
                }
                if !inserted.is_empty() || !updated.is_empty() {
                    let mut changed = inserted.clone();
                    changed.extend(updated.iter().cloned());
                    Audit::new(
                        AuditAction::OnboardingReport,
                        format!("DFSP '{dfsp_id}' reported {}", changed.join(", ")),
                    )
                    .env(env_id)
                    .dfsp(dfsp_id)
                    .record(conn, &who.subject, &at)
                    .await?;
                }
                Ok((inserted.len(), updated.len()))
            }
            .await)?;
            let code = match (inserted, updated) {
                (_, u) if u > 0 => 2,
                (i, _) if i > 0 => 1,
                _ => 0,
            };
            Ok(ReportOutcome { code })
        }

        /// Every DFSP's reported states: all of the environment's DFSPs for a hub operator, a
        /// DFSP operator's own for them.
        pub async fn all(
            &self,
            who: &Principal,
            env_id: EnvironmentId,
        ) -> DomainResult<AllDfspStates> {
            let dfsps = self.services.dfsps().list(who, env_id).await?;
            let rows = db_read!(self.services.db, |conn| EnvScope::read(
                conn,
                who,
                env_id,
                async |conn, scope| list(conn, scope).await
            )
            .await)?;
            let dfsps = dfsps
                .into_iter()
                .filter(|dfsp| who.may_act_for_dfsp(&dfsp.security_group))
                .map(|dfsp| {
                    let mut states: Vec<ReportedState> = rows
                        .iter()
                        .filter(|(id, _)| *id == dfsp.id)
                        .map(|(_, state)| state.clone())
                        .collect();
                    states.sort_by_key(|s| REPORTED_STATES.iter().position(|n| *n == s.state));
                    DfspStates {
                        dfsp_id: dfsp.id,
                        ping_status: None,
                        last_updated_ping_status_at: None,
                        states_status: states,
                    }
                })
                .collect();
            Ok(AllDfspStates { dfsps })
        }

        /// One DFSP's reported states, in MCM v3's order.
        pub async fn of_dfsp(
            &self,
            who: &Principal,
            env_id: EnvironmentId,
            dfsp_id: &DfspId,
        ) -> DomainResult<Vec<ReportedState>> {
            let mut states: Vec<ReportedState> = db_read!(self.services.db, |conn| async {
                let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
                let rows = read(conn, "s.dfsp_key = ?", scope.key().0).await?;
                Ok(rows.into_iter().map(|(_, state)| state).collect())
            }
            .await)?;
            states.sort_by_key(|s| REPORTED_STATES.iter().position(|n| *n == s.state));
            Ok(states)
        }
    }

    enum Change {
        Inserted,
        Updated,
        Same,
    }

    async fn upsert(
        conn: &mut Conn<'_>,
        scope: &DfspScope,
        row: &Row_,
        at: &str,
        by: &str,
    ) -> Outcome<Change> {
        let stored = sqlx::query(
            "SELECT status, state_description, error_description, last_updated \
             FROM dfsp_reported_states WHERE dfsp_key = ? AND state = ?",
        )
        .bind(scope.key().0)
        .bind(&row.state)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(stored) = stored else {
            sqlx::query(
                "INSERT INTO dfsp_reported_states (dfsp_key, state, status, state_description, \
                 error_description, last_updated, reported_at, reported_by) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(scope.key().0)
            .bind(&row.state)
            .bind(&row.status)
            .bind(&row.state_description)
            .bind(&row.error_description)
            .bind(&row.last_updated)
            .bind(at)
            .bind(by)
            .execute(&mut *conn)
            .await?;
            return Ok(Change::Inserted);
        };
        let same = stored.try_get::<String, _>("status")? == row.status
            && stored.try_get::<Option<String>, _>("state_description")? == row.state_description
            && stored.try_get::<Option<String>, _>("error_description")? == row.error_description
            && stored.try_get::<String, _>("last_updated")? == row.last_updated;
        if same {
            return Ok(Change::Same);
        }
        sqlx::query(
            "UPDATE dfsp_reported_states SET status = ?, state_description = ?, \
             error_description = ?, last_updated = ?, reported_at = ?, reported_by = ? \
             WHERE dfsp_key = ? AND state = ?",
        )
        .bind(&row.status)
        .bind(&row.state_description)
        .bind(&row.error_description)
        .bind(&row.last_updated)
        .bind(at)
        .bind(by)
        .bind(scope.key().0)
        .bind(&row.state)
        .execute(&mut *conn)
        .await?;
        Ok(Change::Updated)
    }

    async fn list(conn: &mut Conn<'_>, scope: &EnvScope) -> Outcome<Vec<(DfspId, ReportedState)>> {
        read(conn, "d.env_id = ?", scope.env_id().get()).await
    }

    /// The states of the DFSPs `condition` (on `d`, the DFSP, or `s`, the state) selects.
    async fn read(
        conn: &mut Conn<'_>,
        condition: &str,
        value: i64,
    ) -> Outcome<Vec<(DfspId, ReportedState)>> {
        let rows = sqlx::query(&format!(
            "SELECT d.dfsp_id, s.state, s.status, s.state_description, s.error_description, \
             s.last_updated FROM dfsp_reported_states s JOIN dfsps d ON d.id = s.dfsp_key \
             WHERE {condition} ORDER BY d.id"
        ))
        .bind(value)
        .fetch_all(&mut *conn)
        .await?;
        let mut list = Vec::with_capacity(rows.len());
        for row in rows {
            let status: String = row.try_get("status")?;
            list.push((
                DfspId(row.try_get("dfsp_id")?),
                ReportedState {
                    state: row.try_get("state")?,
                    status: ReportedStatus::parse(&status).unwrap_or(ReportedStatus::Pending),
                    state_description: row.try_get("state_description")?,
                    error_description: row.try_get("error_description")?,
                    last_updated: row.try_get("last_updated")?,
                },
            ));
        }
        Ok(list)
    }
}
