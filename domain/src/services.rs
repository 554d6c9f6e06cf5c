//! The entry point of the domain layer: one cheap-to-clone handle that both adapters hold.

use std::sync::Arc;

use crate::clock::Clock;
use crate::db::Db;
use crate::dfsps::DfspService;
use crate::environments::EnvironmentService;
use crate::monetary_zones::MonetaryZoneService;
use crate::network::NetworkService;

#[derive(Clone)]
pub struct Services {
    pub(crate) db: Db,
    pub(crate) clock: Arc<dyn Clock>,
}

impl Services {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Services { db, clock }
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
}
