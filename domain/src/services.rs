//! The entry point of the domain layer: one cheap-to-clone handle that both adapters hold.

use std::sync::Arc;

use crate::clock::Clock;
use crate::db::{Backend, Db, SharedReads};
use crate::dfsps::{Dfsp, DfspService};
use crate::enrollments::inbound::InboundService;
use crate::enrollments::outbound::OutboundService;
use crate::environments::{Environment, EnvironmentId, EnvironmentService};
use crate::inventory::{ExpiryWarnings, InventoryService};
use crate::monetary_zones::MonetaryZoneService;
use crate::network::NetworkService;
use crate::pki::authorities::CaService;
use crate::pki::certificate_sets::CertificateSetService;
use crate::pki::dfsp_cas::DfspCaService;
use crate::pki::hub_cas::HubCaService;
use crate::pki::keys::Passphrase;
use crate::second_factors::{SecondFactorService, TotpNaming};

/// `CRL_VALIDITY`'s default: a week.
pub const DEFAULT_CRL_VALIDITY: time::Duration = time::Duration::days(7);

/// Cloned for every request (axum's `State`, once per layer that holds it), so a clone is one
/// reference count: everything it holds is behind one `Arc`.
#[derive(Clone)]
pub struct Services {
    shared: Arc<ServiceParts>,
}

impl std::ops::Deref for Services {
    type Target = ServiceParts;

    fn deref(&self) -> &ServiceParts {
        &self.shared
    }
}

/// What [`Services`] share: the database, the clock and the server's settings.
#[derive(Clone)]
pub struct ServiceParts {
    pub(crate) db: Db,
    pub(crate) clock: Arc<dyn Clock>,
    /// Seals the private keys the server makes (`P12_PASS_PHRASE`); without it no key is made.
    pub(crate) passphrase: Option<Passphrase>,
    /// The second factor after sign-in, when it is enabled: how authenticator apps name it.
    pub(crate) totp: Option<TotpNaming>,
    /// CA keys opened for signing, kept open (see `OpenedKeys`).
    pub(crate) opened_keys: crate::pki::keys::OpenedKeys,
    /// When certificates count as expiring (`EXPIRY_WARNING_DAYS`).
    pub(crate) expiry_warnings: ExpiryWarnings,
    /// How long a CRL is valid (`CRL_VALIDITY`).
    pub(crate) crl_validity: time::Duration,
    /// `PUBLIC_URL`: where the certificates the CA issues say their CRL is.
    pub(crate) public_url: Option<String>,
    /// The lists that clients poll, each read once for all who ask at the same moment.
    pub(crate) polled: PolledLists,
    /// `V3_ENVIRONMENT`: the environment (id or name) that the MCM v3 paths, which have no
    /// environment, act in. `None`: the only one, when there is exactly one.
    pub(crate) v3_environment: Option<String>,
    /// `SWITCH_ID`: what the Hub's own JWS key is listed under in MCM v3's list of keys.
    pub(crate) hub_participant_id: Option<String>,
    /// `CLIENT_CSR_PARAMETERS`: what the Hub's CSR for a DFSP created on the v3 path says.
    pub(crate) client_csr_parameters: Option<crate::enrollments::outbound::CsrParameters>,
}

/// The reads that automation and every portal page repeat most, shared while in flight
/// ([`SharedReads`]: never an answer older than the request) on a database server.
#[derive(Clone)]
pub(crate) struct PolledLists {
    pub(crate) environments: SharedReads<(), Vec<Environment>>,
    pub(crate) dfsps: SharedReads<EnvironmentId, Vec<Dfsp>>,
}

impl PolledLists {
    fn new(backend: Backend) -> Self {
        let share = backend == Backend::MySql;
        PolledLists {
            environments: SharedReads::new(share),
            dfsps: SharedReads::new(share),
        }
    }
}

impl Services {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        let polled = PolledLists::new(db.backend());
        let parts = ServiceParts {
            db,
            clock,
            passphrase: None,
            totp: None,
            opened_keys: Default::default(),
            expiry_warnings: ExpiryWarnings::default(),
            crl_validity: DEFAULT_CRL_VALIDITY,
            public_url: None,
            polled,
            v3_environment: None,
            hub_participant_id: None,
            client_csr_parameters: None,
        };
        Services {
            shared: Arc::new(parts),
        }
    }

    /// The parts, to change while the services are being set up (a copy if they are shared
    /// already, so no clone handed out earlier changes under its holder).
    fn parts_mut(&mut self) -> &mut ServiceParts {
        Arc::make_mut(&mut self.shared)
    }

    /// The same services, making CRLs valid for `validity`.
    pub fn with_crl_validity(mut self, validity: time::Duration) -> Self {
        self.parts_mut().crl_validity = validity;
        self
    }

    /// The same services, naming the CRL at `public_url` (where browsers and relying parties
    /// reach this server) in the certificates the CA issues.
    pub fn with_public_url(mut self, public_url: Option<String>) -> Self {
        self.parts_mut().public_url = public_url;
        self
    }

    /// The same services, with the MCM v3 paths acting in the environment `setting` names (its
    /// id or its name), or in the only one when `None`.
    pub fn with_v3_environment(mut self, setting: Option<String>) -> Self {
        self.parts_mut().v3_environment = setting;
        self
    }

    /// The same services, listing the Hub's JWS key under `id` (`SWITCH_ID`).
    pub fn with_hub_participant_id(mut self, id: Option<String>) -> Self {
        self.parts_mut().hub_participant_id = id;
        self
    }

    /// What the Hub's JWS key is listed under (`SWITCH_ID`), when it is set.
    pub fn hub_participant_id(&self) -> Option<&str> {
        self.hub_participant_id.as_deref()
    }

    /// The same services, making the Hub's CSR for a DFSP created on the v3 path from
    /// `parameters` (`CLIENT_CSR_PARAMETERS`).
    pub fn with_client_csr_parameters(
        mut self,
        parameters: Option<crate::enrollments::outbound::CsrParameters>,
    ) -> Self {
        self.parts_mut().client_csr_parameters = parameters;
        self
    }

    /// The same services, flagging certificates as expiring within `warnings`' widest.
    pub fn with_expiry_warnings(mut self, warnings: ExpiryWarnings) -> Self {
        self.parts_mut().expiry_warnings = warnings;
        self
    }

    /// The same services, sealing keys under `passphrase`.
    pub fn with_passphrase(mut self, passphrase: Option<Passphrase>) -> Self {
        self.parts_mut().passphrase = passphrase;
        self
    }

    /// The same services, with the second factor after sign-in enabled (`Some`) or not.
    pub fn with_second_factor(mut self, naming: Option<TotpNaming>) -> Self {
        self.parts_mut().totp = naming;
        self
    }

    /// Whether users give a second factor after signing in.
    pub fn second_factor_enabled(&self) -> bool {
        self.totp.is_some()
    }

    pub fn second_factors(&self) -> SecondFactorService<'_> {
        SecondFactorService { services: self }
    }

    /// The services' clock (fixed in tests): for adapters that show time-dependent facts,
    /// such as how long a certificate stays valid.
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    pub fn audit(&self) -> crate::audit::AuditService<'_> {
        crate::audit::AuditService { services: self }
    }

    pub fn statistics(&self) -> crate::statistics::StatisticsService<'_> {
        crate::statistics::StatisticsService { services: self }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn environments(&self) -> EnvironmentService<'_> {
        EnvironmentService { services: self }
    }

    pub fn dfsps(&self) -> DfspService<'_> {
        DfspService { services: self }
    }

    pub fn monetary_zones(&self) -> MonetaryZoneService<'_> {
        MonetaryZoneService { services: self }
    }

    pub fn network(&self) -> NetworkService<'_> {
        NetworkService { services: self }
    }

    pub fn certificate_authorities(&self) -> CaService<'_> {
        CaService { services: self }
    }

    pub fn hub_cas(&self) -> HubCaService<'_> {
        HubCaService { services: self }
    }

    pub fn dfsp_cas(&self) -> DfspCaService<'_> {
        DfspCaService { services: self }
    }

    pub fn reported_states(&self) -> crate::onboarding::reported::ReportedStateService<'_> {
        crate::onboarding::reported::ReportedStateService { services: self }
    }

    pub fn jws_keys(&self) -> crate::pki::jws_keys::JwsKeyService<'_> {
        crate::pki::jws_keys::JwsKeyService { services: self }
    }

    pub fn certificate_sets(&self) -> CertificateSetService<'_> {
        CertificateSetService { services: self }
    }

    pub fn inbound_enrollments(&self) -> InboundService<'_> {
        InboundService { services: self }
    }

    pub fn outbound_enrollments(&self) -> OutboundService<'_> {
        OutboundService { services: self }
    }

    pub fn expiry_alerts(&self) -> crate::inventory::ExpiryAlertService<'_> {
        crate::inventory::ExpiryAlertService { services: self }
    }

    pub fn inventory(&self) -> InventoryService<'_> {
        InventoryService { services: self }
    }

    pub fn onboarding(&self) -> crate::onboarding::OnboardingService<'_> {
        crate::onboarding::OnboardingService { services: self }
    }

    pub fn revocations(&self) -> crate::pki::revocations::RevocationService<'_> {
        crate::pki::revocations::RevocationService { services: self }
    }

    pub fn sessions(&self) -> crate::sessions::SessionService<'_> {
        crate::sessions::SessionService { services: self }
    }
}
