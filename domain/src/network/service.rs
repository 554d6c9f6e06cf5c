use super::repository::{self, Change, NewRow, Reader, Writer};
use super::{Direction, EndpointChanges, EndpointItem, Kind, NewEndpoint, State, Value, ValueType};
use crate::access::{DfspScope, EnvScope, HubScope};
use crate::audit::{Audit, AuditAction};
use crate::clock::to_db;
use crate::db::{db_read, db_write, Backend, Conn, Outcome};
use crate::dfsps::DfspId;
use crate::environments::EnvironmentId;
use crate::error::FieldErrors;
use crate::{DomainError, DomainResult, Principal, Services};

/// Whose endpoints an operation is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Party {
    Hub,
    Dfsp(DfspId),
}

/// The audit event of a change to `party`'s endpoint `id`.
fn endpoint_audit(
    action: AuditAction,
    env_id: EnvironmentId,
    party: &Party,
    id: i64,
    summary: String,
) -> Audit {
    let audit = Audit::new(action, summary).env(env_id).target(id);
    match party {
        Party::Hub => audit,
        Party::Dfsp(dfsp_id) => audit.dfsp(dfsp_id),
    }
}

/// `text` with its first letter in upper case ("ingress URL" → "Ingress URL").
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn party_label(party: &Party) -> String {
    match party {
        Party::Hub => "the Hub".to_owned(),
        Party::Dfsp(dfsp_id) => format!("DFSP '{dfsp_id}'"),
    }
}

/// Network configuration operations. Obtained from [`Services::network`].
pub struct NetworkService<'a> {
    pub(crate) services: &'a Services,
}

fn item_not_found(id: i64, kind: Option<Kind>) -> DomainError {
    match kind {
        Some(kind) => DomainError::NotFound(format!(
            "There is no {} endpoint with id {id} here",
            kind.label()
        )),
        None => DomainError::NotFound(format!("There is no endpoint with id {id} here")),
    }
}

/// The scope to read a party's items: anyone who may read may see the Hub's; a DFSP's need the
/// DFSP's scope.
enum ReadScope {
    Hub(EnvScope),
    Dfsp(DfspScope),
}

impl ReadScope {
    async fn check(
        conn: &mut Conn<'_>,
        who: &Principal,
        env_id: EnvironmentId,
        party: &Party,
    ) -> Outcome<Self> {
        Ok(match party {
            Party::Hub => ReadScope::Hub(EnvScope::check(conn, who, env_id).await?),
            Party::Dfsp(dfsp_id) => {
                ReadScope::Dfsp(DfspScope::check(conn, who, env_id, dfsp_id).await?)
            }
        })
    }

    fn reader(&self) -> Reader<'_> {
        match self {
            ReadScope::Hub(scope) => Reader::Hub(scope),
            ReadScope::Dfsp(scope) => Reader::Dfsp(scope),
        }
    }
}

/// The scope to change a party's items: the Hub's are a hub operator's; a DFSP's, its own
/// operator's or a hub operator's.
enum WriteScope {
    Hub(HubScope, EnvScope),
    Dfsp(DfspScope),
}

impl WriteScope {
    async fn check(
        conn: &mut Conn<'_>,
        who: &Principal,
        env_id: EnvironmentId,
        party: &Party,
    ) -> Outcome<Self> {
        Ok(match party {
            Party::Hub => {
                let hub = HubScope::check(conn, who, env_id, "change the Hub's endpoints").await?;
                let env = hub.env();
                WriteScope::Hub(hub, env)
            }
            Party::Dfsp(dfsp_id) => {
                WriteScope::Dfsp(DfspScope::check(conn, who, env_id, dfsp_id).await?)
            }
        })
    }

    fn writer(&self) -> Writer<'_> {
        match self {
            WriteScope::Hub(scope, _) => Writer::Hub(scope),
            WriteScope::Dfsp(scope) => Writer::Dfsp(scope),
        }
    }

    fn reader(&self) -> Reader<'_> {
        match self {
            WriteScope::Hub(_, env) => Reader::Hub(env),
            WriteScope::Dfsp(scope) => Reader::Dfsp(scope),
        }
    }
}

/// A change, checked against the item it applies to.
struct Decided {
    direction: Direction,
    value_type: ValueType,
    value: Value,
}

/// Checks `changes` against the stored `item`; `kind` is the path's kind, if any (the item is
/// known to be of it). Returns what to store, and whether anything differs.
fn decide(
    item: &EndpointItem,
    kind: Option<Kind>,
    changes: &EndpointChanges,
) -> DomainResult<(Decided, bool)> {
    let mut errors = FieldErrors::default();
    if let Some(kind) = kind {
        if changes.direction.is_some_and(|d| d != kind.direction()) {
            errors.push(
                "direction",
                format!(
                    "must be {} on this path; PUT .../endpoints/{{epId}} changes it",
                    kind.direction().as_str()
                ),
            );
        }
        if changes.value_type.is_some_and(|t| t != kind.value_type()) {
            errors.push(
                "type",
                format!(
                    "must be {} on this path; PUT .../endpoints/{{epId}} changes it",
                    kind.value_type().as_str()
                ),
            );
        }
    }
    let read_only = |errors: &mut FieldErrors,
                     field: &str,
                     sent: &Option<serde_json::Value>,
                     stored: serde_json::Value| {
        if let Some(sent) = sent {
            if *sent != stored {
                errors.push(
                    field,
                    format!("is read-only (stored: {stored}); leave it out or send it unchanged"),
                );
            }
        }
    };
    let stored = [
        ("id", serde_json::json!(item.id)),
        ("state", serde_json::json!(item.state.as_str())),
        ("env_id", serde_json::json!(item.env_id.get())),
        ("dfsp_id", serde_json::json!(item.dfsp_id)),
        ("created_date", serde_json::json!(item.created_date)),
        ("created_by", serde_json::json!(item.created_by)),
    ];
    let sent = [
        (&changes.id, &None),
        (&changes.state, &None),
        (&changes.env_id, &changes.env_id_camel),
        (&changes.dfsp_id, &changes.dfsp_id_camel),
        (&changes.created_date, &changes.created_date_camel),
        (&changes.created_by, &changes.created_by_camel),
    ];
    for ((field, stored), (snake, camel)) in stored.into_iter().zip(sent) {
        read_only(&mut errors, field, snake, stored.clone());
        read_only(&mut errors, field, camel, stored);
    }
    let direction = changes.direction.unwrap_or(item.direction);
    let value_type = match (changes.value_type, &changes.value) {
        (Some(value_type), _) => value_type,
        (None, Some(input)) if kind.is_none() => input.value_type().unwrap_or(item.value_type),
        (None, _) => item.value_type,
    };
    let value = match &changes.value {
        Some(input) => input.check(value_type, &mut errors),
        None if value_type != item.value_type => {
            errors.push(
                "value",
                format!(
                    "is required when the type changes to {}",
                    value_type.as_str()
                ),
            );
            None
        }
        None => Some(item.value.clone()),
    };
    errors.finish("endpoint change")?;
    let value =
        value.ok_or_else(|| DomainError::Internal("a checked value went missing".into()))?;
    let changed =
        direction != item.direction || value_type != item.value_type || value != item.value;
    Ok((
        Decided {
            direction,
            value_type,
            value,
        },
        changed,
    ))
}

impl NetworkService<'_> {
    fn lock_reads(&self) -> bool {
        self.services.db.backend() == Backend::MySql
    }

    /// The party's items, oldest first; of one kind, in one state, when asked.
    pub async fn list(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        party: &Party,
        kind: Option<Kind>,
        state: Option<State>,
    ) -> DomainResult<Vec<EndpointItem>> {
        db_read!(self.services.db, |conn| async {
            let scope = ReadScope::check(conn, who, env_id, party).await?;
            repository::list(conn, &scope.reader(), kind, state).await
        }
        .await)
    }

    /// Every DFSP's items awaiting confirmation, for the Hub.
    pub async fn unprocessed(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
    ) -> DomainResult<Vec<EndpointItem>> {
        db_read!(self.services.db, |conn| async {
            let hub = HubScope::check(conn, who, env_id, "see every DFSP's unconfirmed endpoints")
                .await?;
            repository::list_all_dfsps(conn, &hub, State::New).await
        }
        .await)
    }

    /// One of the party's items; of `kind`, when the path names one.
    pub async fn get(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        party: &Party,
        id: i64,
        kind: Option<Kind>,
    ) -> DomainResult<EndpointItem> {
        db_read!(self.services.db, |conn| async {
            let scope = ReadScope::check(conn, who, env_id, party).await?;
            repository::find(conn, &scope.reader(), id, false)
                .await?
                .filter(|item| kind.is_none_or(|kind| item.kind() == kind))
                .ok_or_else(|| item_not_found(id, kind).into())
        }
        .await)
    }

    pub async fn create(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        party: &Party,
        kind: Kind,
        input: &NewEndpoint,
    ) -> DomainResult<EndpointItem> {
        let at = to_db(self.services.clock.now());
        let item = db_write!(self.services.db, |conn| async {
            // Who may act is settled before the input is looked at, so that its errors tell a
            // principal who may not act nothing.
            let scope = WriteScope::check(conn, who, env_id, party).await?;
            let value = input.validate(kind)?;
            let row = NewRow {
                direction: kind.direction(),
                value_type: kind.value_type(),
                value: &value,
                at: &at,
                by: &who.subject,
            };
            let id = repository::insert(conn, &scope.writer(), row).await?;
            endpoint_audit(
                AuditAction::EndpointCreate,
                env_id,
                party,
                id,
                format!(
                    "{} of {} added: {}",
                    capitalized(kind.label()),
                    party_label(party),
                    value.display()
                ),
            )
            .record(conn, &who.subject, &at)
            .await?;
            repository::find(conn, &scope.reader(), id, false)
                .await?
                .ok_or_else(|| DomainError::Internal(format!("endpoint item {id} vanished")).into())
        }
        .await)?;
        tracing::info!(environment = %env_id, party = ?party, item = item.id, kind = kind.label(), by = %who.subject, "endpoint created");
        Ok(item)
    }

    /// MCM v3's endpoint document of a DFSP: its items of `kind`, as one document; 404 when
    /// it has none.
    pub async fn dfsp_document(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        kind: Kind,
    ) -> DomainResult<super::documents::EndpointDocument> {
        let party = Party::Dfsp(dfsp_id.clone());
        let items = self.list(who, env_id, &party, Some(kind), None).await?;
        super::documents::EndpointDocument::of(dfsp_id, kind, &items)
            .ok_or_else(|| super::documents::missing(dfsp_id, kind))
    }

    /// MCM v3's ingress document: the DFSP's ingress URL becomes this one (see
    /// [`Self::replace_dfsp_document`]).
    pub async fn set_dfsp_ingress(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        input: &super::documents::IngressDocumentInput,
    ) -> DomainResult<super::documents::EndpointDocument> {
        DfspScope::authorize(&self.services.db, who, env_id, dfsp_id).await?;
        let values = input.validate()?;
        self.replace_dfsp_document(who, env_id, dfsp_id, Kind::IngressUrl, &values)
            .await
    }

    /// MCM v3's egress document: the DFSP's egress addresses become this list (see
    /// [`Self::replace_dfsp_document`]).
    pub async fn set_dfsp_egress(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        input: &super::documents::EgressDocumentInput,
    ) -> DomainResult<super::documents::EndpointDocument> {
        DfspScope::authorize(&self.services.db, who, env_id, dfsp_id).await?;
        let values = input.validate()?;
        self.replace_dfsp_document(who, env_id, dfsp_id, Kind::EgressIp, &values)
            .await
    }

    /// Sets the DFSP's items of `kind` to exactly `values` (MCM v3's endpoint documents), in
    /// one transaction: items whose value stays are kept as they are (a confirmed one stays
    /// confirmed), the others are removed, the new values added as `NEW` for the Hub to
    /// confirm. One audit event says what changed; a document that changes nothing records
    /// none.
    async fn replace_dfsp_document(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        kind: Kind,
        values: &[Value],
    ) -> DomainResult<super::documents::EndpointDocument> {
        let party = Party::Dfsp(dfsp_id.clone());
        let at = to_db(self.services.clock.now());
        let changed = db_write!(self.services.db, |conn| async {
            let scope = WriteScope::check(conn, who, env_id, &party).await?;
            let items = repository::list(conn, &scope.reader(), Some(kind), None).await?;
            let mut removed = Vec::new();
            for item in &items {
                if !values.contains(&item.value)
                    && repository::delete(conn, &scope.writer(), item.id, Some(kind)).await?
                {
                    removed.push(item.value.display());
                }
            }
            let mut added = Vec::new();
            for value in values {
                if !items.iter().any(|item| &item.value == value) {
                    let row = NewRow {
                        direction: kind.direction(),
                        value_type: kind.value_type(),
                        value,
                        at: &at,
                        by: &who.subject,
                    };
                    repository::insert(conn, &scope.writer(), row).await?;
                    added.push(value.display());
                }
            }
            if added.is_empty() && removed.is_empty() {
                return Ok(false);
            }
            let mut summary = format!(
                "{} of {} set",
                capitalized(kind.label()),
                party_label(&party)
            );
            if !added.is_empty() {
                summary.push_str(&format!("; added {}", added.join(", ")));
            }
            if !removed.is_empty() {
                summary.push_str(&format!("; removed {}", removed.join(", ")));
            }
            Audit::new(AuditAction::EndpointReplace, summary)
                .env(env_id)
                .dfsp(dfsp_id)
                .record(conn, &who.subject, &at)
                .await?;
            Ok(true)
        }
        .await)?;
        if changed {
            tracing::info!(environment = %env_id, dfsp = %dfsp_id, kind = kind.label(), by = %who.subject, "endpoint document set");
        }
        self.dfsp_document(who, env_id, dfsp_id, kind).await
    }

    /// Changes an item. A different value, direction or type makes a confirmed item `NEW`
    /// again; a change that alters nothing leaves it as it is.
    pub async fn update(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        party: &Party,
        id: i64,
        kind: Option<Kind>,
        changes: &EndpointChanges,
    ) -> DomainResult<EndpointItem> {
        let at = to_db(self.services.clock.now());
        let lock = self.lock_reads();
        let item = db_write!(self.services.db, |conn| {
            async {
            let scope = WriteScope::check(conn, who, env_id, party).await?;
            let item = repository::find(conn, &scope.reader(), id, lock)
                .await?
                .filter(|item| kind.is_none_or(|kind| item.kind() == kind))
                .ok_or_else(|| item_not_found(id, kind))?;
            if let Some(version) = changes.version {
                if version != item.version {
                    return Err(DomainError::Conflict(format!(
                        "Endpoint {id} changed since you read it (your version {version}, now {}); reload it and apply your change again",
                        item.version
                    ))
                    .into());
                }
            }
            let (decided, changed) = decide(&item, kind, changes)?;
            if !changed {
                return Ok(item);
            }
            let change = Change {
                id,
                version: item.version,
                direction: decided.direction,
                value_type: decided.value_type,
                value: &decided.value,
                state: State::New,
                at: &at,
            };
            if !repository::update(conn, &scope.writer(), change).await? {
                return Err(DomainError::Conflict(format!("Endpoint {id} changed while this change was made; try again")).into());
            }
            endpoint_audit(
                AuditAction::EndpointUpdate,
                env_id,
                party,
                id,
                format!(
                    "Endpoint of {} changed from {} to {}; it awaits confirmation again",
                    party_label(party),
                    item.value.display(),
                    decided.value.display()
                ),
            )
            .record(conn, &who.subject, &at)
            .await?;
            repository::find(conn, &scope.reader(), id, false)
                .await?
                .ok_or_else(|| item_not_found(id, kind).into())
        }
        .await
        })?;
        tracing::info!(environment = %env_id, party = ?party, item = id, by = %who.subject, "endpoint changed");
        Ok(item)
    }

    pub async fn delete(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        party: &Party,
        id: i64,
        kind: Option<Kind>,
    ) -> DomainResult<()> {
        let at = to_db(self.services.clock.now());
        db_write!(self.services.db, |conn| async {
            let scope = WriteScope::check(conn, who, env_id, party).await?;
            if repository::delete(conn, &scope.writer(), id, kind).await? {
                endpoint_audit(
                    AuditAction::EndpointDelete,
                    env_id,
                    party,
                    id,
                    format!("Endpoint {id} of {} deleted", party_label(party)),
                )
                .record(conn, &who.subject, &at)
                .await?;
                Ok(())
            } else {
                Err(item_not_found(id, kind).into())
            }
        }
        .await)?;
        tracing::info!(environment = %env_id, party = ?party, item = id, by = %who.subject, "endpoint deleted");
        Ok(())
    }

    /// A hub operator confirms a DFSP's item. Confirming a confirmed item changes nothing.
    pub async fn confirm(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        id: i64,
    ) -> DomainResult<EndpointItem> {
        let at = to_db(self.services.clock.now());
        let item = db_write!(self.services.db, |conn| async {
            let hub = HubScope::check(conn, who, env_id, "confirm DFSP endpoints").await?;
            let scope = hub.dfsp(conn, dfsp_id).await?;
            let confirmed = repository::confirm(conn, &scope, id, &at).await?;
            let item = repository::find(conn, &Reader::Dfsp(&scope), id, false)
                .await?
                .ok_or_else(|| item_not_found(id, None))?;
            if confirmed {
                endpoint_audit(
                    AuditAction::EndpointConfirm,
                    env_id,
                    &Party::Dfsp(dfsp_id.clone()),
                    id,
                    format!(
                        "Endpoint of DFSP '{dfsp_id}' confirmed: {}",
                        item.value.display()
                    ),
                )
                .record(conn, &who.subject, &at)
                .await?;
            }
            Ok(item)
        }
        .await)?;
        tracing::info!(environment = %env_id, dfsp = %dfsp_id, item = id, by = %who.subject, "endpoint confirmed");
        Ok(item)
    }

    /// Confirms several DFSP items at once, each at the version the hub operator saw: all of
    /// them, or none when one is unknown or changed since (409, naming it).
    pub async fn confirm_many(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        items: &[(DfspId, i64, i64)],
    ) -> DomainResult<usize> {
        let at = to_db(self.services.clock.now());
        let lock = self.lock_reads();
        let confirmed = db_write!(self.services.db, |conn| {
            async {
            let hub = HubScope::check(conn, who, env_id, "confirm DFSP endpoints").await?;
            let mut confirmed = 0;
            for (dfsp_id, id, version) in items {
                let scope = hub.dfsp(conn, dfsp_id).await?;
                let item = repository::find(conn, &Reader::Dfsp(&scope), *id, lock)
                    .await?
                    .ok_or_else(|| item_not_found(*id, None))?;
                if item.version != *version {
                    return Err(DomainError::Conflict(format!(
                        "{dfsp_id}'s endpoint {} changed since the list was loaded; nothing was confirmed. Reload and check it again",
                        item.value.display()
                    ))
                    .into());
                }
                if repository::confirm(conn, &scope, *id, &at).await? {
                    confirmed += 1;
                    endpoint_audit(
                        AuditAction::EndpointConfirm,
                        env_id,
                        &Party::Dfsp(dfsp_id.clone()),
                        *id,
                        format!("Endpoint of DFSP '{dfsp_id}' confirmed: {}", item.value.display()),
                    )
                    .record(conn, &who.subject, &at)
                    .await?;
                }
            }
            Ok(confirmed)
        }
        .await
        })?;
        tracing::info!(environment = %env_id, confirmed, by = %who.subject, "endpoints confirmed");
        Ok(confirmed)
    }
}
