//! Who may do what, through the services, with principals the REST API cannot yet make (until
//! authentication lands): a DFSP operator reaches only its own DFSP's endpoints, and nothing of
//! the Hub's but what everyone may read.

#![cfg(feature = "server")]

use std::sync::Arc;
use std::time::Duration;

use domain::clock::FixedClock;
use domain::db::{Db, DbOptions};
use domain::dfsps::{DfspId, NewDfsp};
use domain::environments::{EnvironmentId, NewEnvironment};
use domain::network::{Kind, NewEndpoint, Party, ValueInput};
use domain::principal::{Principal, Role};
use domain::{DomainError, Services};
use time::macros::datetime;

struct Fixture {
    services: Services,
    env: EnvironmentId,
    dir: std::path::PathBuf,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn fixture(name: &str) -> Fixture {
    let dir = std::env::temp_dir().join(format!("cm-access-{name}-{}", std::process::id()));
    let db = Db::connect(&DbOptions {
        url: format!("sqlite://{}/cm.db?mode=rwc", dir.display()),
        max_connections: 2,
        attempts: 1,
        retry_wait: Duration::from_millis(10),
        create_if_missing: true,
    })
    .await
    .unwrap();
    db.migrate().await.unwrap();
    let services = Services::new(
        db,
        Arc::new(FixedClock::new(datetime!(2026-11-28 09:30 UTC))),
    );
    let hub = Principal::local_operator();
    let env = services
        .environments()
        .create(
            &hub,
            &NewEnvironment {
                name: Some("DEV".into()),
                default_dn: None,
            },
        )
        .await
        .unwrap()
        .id;
    for id in ["D1", "D2"] {
        let dfsp = NewDfsp {
            dfsp_id: Some(id.into()),
            name: Some(id.into()),
            ..Default::default()
        };
        services.dfsps().create(&hub, env, &dfsp).await.unwrap();
    }
    Fixture { services, env, dir }
}

fn operator_of(group: &str) -> Principal {
    Principal {
        subject: "alice".into(),
        name: "alice".into(),
        roles: vec![Role::DfspOperator, Role::Everyone],
        groups: vec![group.into()],
    }
}

fn ip(address: &str) -> NewEndpoint {
    NewEndpoint {
        value: Some(ValueInput {
            address: Some(address.into()),
            ports: Some(vec!["443".into()]),
            url: None,
        }),
    }
}

fn dfsp(env: EnvironmentId, id: &str) -> DfspId {
    DfspId::parse(env, id).unwrap()
}

#[tokio::test]
async fn a_dfsp_operator_reaches_only_its_own_dfsp() {
    let f = fixture("own").await;
    let alice = operator_of("Application/DFSP:D1");
    let network = f.services.network();
    let (d1, d2) = (
        Party::Dfsp(dfsp(f.env, "D1")),
        Party::Dfsp(dfsp(f.env, "D2")),
    );

    let item = network
        .create(&alice, f.env, &d1, Kind::EgressIp, &ip("10.0.0.0/8"))
        .await
        .unwrap();
    assert_eq!(item.created_by.as_deref(), Some("alice"));
    assert_eq!(
        network
            .list(&alice, f.env, &d1, None, None)
            .await
            .unwrap()
            .len(),
        1
    );

    // Another DFSP does not exist for her, whatever she tries.
    let hub = Principal::local_operator();
    let other = network
        .create(&hub, f.env, &d2, Kind::EgressIp, &ip("10.0.0.0/8"))
        .await
        .unwrap();
    let not_found = |r: Result<_, DomainError>| matches!(r, Err(DomainError::NotFound(m)) if m.contains("DFSP 'D2' not found"));
    assert!(not_found(
        network
            .list(&alice, f.env, &d2, None, None)
            .await
            .map(|_| ())
    ));
    assert!(not_found(
        network
            .get(&alice, f.env, &d2, other.id, None)
            .await
            .map(|_| ())
    ));
    assert!(not_found(
        network
            .create(&alice, f.env, &d2, Kind::EgressIp, &ip("1.2.3.4"))
            .await
            .map(|_| ())
    ));
    assert!(not_found(
        network.delete(&alice, f.env, &d2, other.id, None).await
    ));
    // Nor does its item under her own DFSP.
    assert!(matches!(
        network.get(&alice, f.env, &d1, other.id, None).await,
        Err(DomainError::NotFound(_))
    ));
}

#[tokio::test]
async fn only_hub_operators_change_the_hub_and_confirm() {
    let f = fixture("hub").await;
    let alice = operator_of("Application/DFSP:D1");
    let network = f.services.network();
    let d1 = dfsp(f.env, "D1");
    let item = network
        .create(
            &alice,
            f.env,
            &Party::Dfsp(d1.clone()),
            Kind::EgressIp,
            &ip("10.0.0.0/8"),
        )
        .await
        .unwrap();

    let forbidden = |r: Result<(), DomainError>| matches!(r, Err(DomainError::Forbidden(_)));
    assert!(forbidden(
        network
            .confirm(&alice, f.env, &d1, item.id)
            .await
            .map(|_| ())
    ));
    assert!(forbidden(
        network.unprocessed(&alice, f.env).await.map(|_| ())
    ));
    assert!(forbidden(
        network
            .create(&alice, f.env, &Party::Hub, Kind::IngressIp, &ip("1.2.3.4"))
            .await
            .map(|_| ())
    ));
    assert!(forbidden(
        f.services.dfsps().delete(&alice, f.env, &d1).await
    ));
    // Reading the Hub's endpoints is for every participant.
    assert!(network
        .list(&alice, f.env, &Party::Hub, None, None)
        .await
        .unwrap()
        .is_empty());

    // Without any role, nothing.
    let nobody = Principal {
        subject: "bob".into(),
        name: "bob".into(),
        roles: vec![],
        groups: vec![],
    };
    assert!(forbidden(
        network
            .list(&nobody, f.env, &Party::Hub, None, None)
            .await
            .map(|_| ())
    ));
    assert!(forbidden(
        network
            .list(&nobody, f.env, &Party::Dfsp(d1), None, None)
            .await
            .map(|_| ())
    ));
}
