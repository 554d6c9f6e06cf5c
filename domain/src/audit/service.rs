use time::format_description::well_known::Rfc3339;

use super::{repository, AuditAction, AuditEvent, AuditFilter, AuditPage, DEFAULT_PAGE, MAX_PAGE};
use crate::access::{DfspScope, EnvScope};
use crate::clock::{from_db, to_db};
use crate::db::{db_read, db_write, Conn, Outcome};
use crate::dfsps::DfspId;
use crate::environments::EnvironmentId;
use crate::{DomainError, DomainResult, Principal, Services};

/// One event about to be appended, inside the transaction of the change it records.
pub(crate) struct Audit {
    action: AuditAction,
    env_id: Option<EnvironmentId>,
    dfsp_id: Option<String>,
    target: Option<String>,
    summary: String,
}

impl Audit {
    pub(crate) fn new(action: AuditAction, summary: impl Into<String>) -> Audit {
        Audit {
            action,
            env_id: None,
            dfsp_id: None,
            target: None,
            summary: summary.into(),
        }
    }

    pub(crate) fn env(mut self, env_id: EnvironmentId) -> Audit {
        self.env_id = Some(env_id);
        self
    }

    pub(crate) fn dfsp(mut self, dfsp_id: &DfspId) -> Audit {
        self.dfsp_id = Some(dfsp_id.as_str().to_owned());
        self
    }

    pub(crate) fn target(mut self, target: impl std::fmt::Display) -> Audit {
        self.target = Some(target.to_string());
        self
    }

    /// Appends the event on `conn`, which holds the change's transaction: `subject` made the
    /// change at `at` (the database's form of an instant, `clock::to_db`).
    pub(crate) async fn record(self, conn: &mut Conn<'_>, subject: &str, at: &str) -> Outcome<()> {
        let row = repository::NewEvent {
            at,
            subject: clip(subject, repository::SUBJECT_MAX),
            action: self.action.as_str(),
            env_id: self.env_id.map(EnvironmentId::get),
            dfsp_id: self.dfsp_id.as_deref(),
            target: self
                .target
                .as_deref()
                .map(|t| clip(t, repository::TARGET_MAX)),
            summary: clip(&self.summary, repository::SUMMARY_MAX),
        };
        repository::insert(conn, &row).await?;
        Ok(())
    }
}

/// At most `max` characters, cut at a character boundary.
fn clip(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Reading the audit log. Obtained from [`Services::audit`].
pub struct AuditService<'a> {
    pub(crate) services: &'a Services,
}

/// Who may see which events of a listing.
pub(crate) enum Visible {
    Everything,
    /// Events of these DFSPs of this environment only.
    Dfsps(Vec<String>),
}

impl AuditService<'_> {
    /// An environment's events, newest first. Hub operators see all of them; a DFSP operator
    /// those of the DFSPs they act for (asking for another DFSP's is "not found").
    pub async fn environment(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        filter: &AuditFilter,
    ) -> DomainResult<AuditPage> {
        let query = Query::from_filter(filter)?;
        let env = env_id;
        let rows = db_read!(self.services.db, |conn| {
            async {
                let scope = EnvScope::check(conn, who, env).await?;
                let visible = if who.is_hub_operator() {
                    Visible::Everything
                } else if !who.may_act_for_some_dfsp() {
                    Visible::Dfsps(Vec::new())
                } else if let Some(dfsp) = filter.dfsp_id.as_ref().filter(|d| !d.is_empty()) {
                    let id = DfspId::parse(env, dfsp)?;
                    DfspScope::check(conn, who, env, &id).await?;
                    Visible::Dfsps(vec![dfsp.clone()])
                } else {
                    Visible::Dfsps(
                        crate::dfsps::repository::list_ids_owned_in(conn, env, &who.groups).await?,
                    )
                };
                repository::list(conn, Some(&scope), &visible, &query).await
            }
            .await
        })?;
        Ok(query.page(rows))
    }

    /// Every event, newest first: hub operators only.
    pub async fn everything(
        &self,
        who: &Principal,
        filter: &AuditFilter,
    ) -> DomainResult<AuditPage> {
        who.ensure_hub_operator("read the whole audit log")?;
        let query = Query::from_filter(filter)?;
        let rows = db_read!(self.services.db, |conn| repository::list(
            conn,
            None,
            &Visible::Everything,
            &query
        )
        .await)?;
        Ok(query.page(rows))
    }

    /// Records an event that belongs to no other change of the database: a sign-in or a
    /// sign-out (the session store's writes are the session layer's).
    pub async fn record_alone(
        &self,
        subject: &str,
        action: AuditAction,
        summary: impl Into<String>,
    ) -> DomainResult<()> {
        let at = to_db(self.services.clock.now());
        let summary = summary.into();
        db_write!(self.services.db, |conn| Audit::new(action, summary.clone())
            .record(conn, subject, &at)
            .await)
    }
}

/// A listing's filters, checked and in the database's terms.
pub(crate) struct Query {
    pub dfsp_id: Option<String>,
    pub action: Option<String>,
    pub subject: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub before: Option<i64>,
    pub limit: u32,
}

impl Query {
    fn from_filter(filter: &AuditFilter) -> DomainResult<Query> {
        let instant = |field: &str, value: &Option<String>| -> DomainResult<Option<String>> {
            value
                .as_deref()
                .map(|v| {
                    time::OffsetDateTime::parse(v.trim(), &Rfc3339)
                        .map(to_db)
                        .map_err(|_| {
                            DomainError::invalid_field(
                                "audit query",
                                field,
                                format!("'{v}' is not an RFC 3339 instant, such as 2026-11-30T10:00:00Z"),
                            )
                        })
                })
                .transpose()
        };
        if let Some(action) = filter.action.as_deref() {
            if AuditAction::parse(action).is_none() {
                let known: Vec<_> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
                return Err(DomainError::invalid_field(
                    "audit query",
                    "action",
                    format!(
                        "'{action}' is not an action; the actions are {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        let limit = filter.limit.unwrap_or(DEFAULT_PAGE);
        if limit == 0 || limit > MAX_PAGE {
            return Err(DomainError::invalid_field(
                "audit query",
                "limit",
                format!("must be from 1 to {MAX_PAGE}"),
            ));
        }
        let text = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
        Ok(Query {
            dfsp_id: text(&filter.dfsp_id),
            action: filter.action.clone(),
            subject: text(&filter.subject),
            from: instant("from", &filter.from)?,
            to: instant("to", &filter.to)?,
            before: filter.before,
            limit,
        })
    }

    /// `rows` holds up to one more than the page, which tells that there is a next page.
    fn page(&self, mut rows: Vec<repository::EventRow>) -> AuditPage {
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        let next_cursor = more.then(|| rows.last().map(|row| row.id)).flatten();
        AuditPage {
            events: rows.into_iter().map(view).collect(),
            next_cursor,
        }
    }
}

fn view(row: repository::EventRow) -> AuditEvent {
    let at = from_db(&row.at)
        .ok()
        .and_then(|at| at.format(&Rfc3339).ok())
        .unwrap_or(row.at);
    AuditEvent {
        id: row.id,
        at,
        subject: row.subject,
        action: row.action,
        env_id: row.env_id,
        dfsp_id: row.dfsp_id,
        target: row.target,
        summary: row.summary,
    }
}
