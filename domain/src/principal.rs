//! Who is acting. Every service operation takes a `Principal`, so authorization lives in the
//! domain layer and both adapters (REST and portal) get the same rules.
//!
//! Roles follow MCM: a hub operator (PTA) manages everything; a DFSP operator (MTA) reaches
//! only the DFSPs whose security group it holds; any signed-in user may read.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// PTA: manages environments, DFSPs and the Hub's PKI.
    HubOperator,
    /// MTA: manages its own DFSP(s), named by the security groups it holds.
    DfspOperator,
    /// Any signed-in user: may read shared information.
    Everyone,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    /// A stable identifier for logs and audit (the token's `sub`, or `local` with auth off).
    pub subject: String,
    /// For people to read: the provider's display name, or the subject.
    #[serde(default)]
    pub name: String,
    pub roles: Vec<Role>,
    /// Security groups held, e.g. `Application/DFSP:DFSP1`.
    pub groups: Vec<String>,
}

/// The groups of the identity provider that give the roles (MCM's `PTA_ROLE`, `MTA_ROLE` and
/// `EVERYONE_ROLE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGroups {
    pub hub_operator: String,
    pub dfsp_operator: String,
    pub everyone: String,
}

impl Default for RoleGroups {
    /// MCM's defaults.
    fn default() -> Self {
        RoleGroups {
            hub_operator: "Application/PTA".into(),
            dfsp_operator: "Application/MTA".into(),
            everyone: "Internal/everyone".into(),
        }
    }
}

impl Principal {
    /// A signed-in user, from the groups the identity provider lists for them. A hub operator
    /// may read what everyone may without also holding the "everyone" group (MCM refused it,
    /// quirk 4); the groups are kept, since a DFSP operator acts for the DFSPs whose security
    /// group is among them.
    pub fn from_groups(
        subject: impl Into<String>,
        groups: Vec<String>,
        names: &RoleGroups,
    ) -> Self {
        // Keycloak names groups by their path, `/Application/PTA`; MCM v3 drops the slash.
        let groups: Vec<String> = groups
            .into_iter()
            .map(|g| g.strip_prefix('/').map(str::to_owned).unwrap_or(g))
            .collect();
        let holds = |group: &str| groups.iter().any(|g| g == group);
        let mut roles = Vec::new();
        if holds(&names.hub_operator) {
            roles.push(Role::HubOperator);
        }
        // A DFSP's own group (`Application/DFSP:<id>`) makes its holder that DFSP's operator,
        // as in MCM v3: the service account of a DFSP's client (client credentials) holds only
        // that group.
        let holds_dfsp_group = groups
            .iter()
            .any(|g| g.starts_with(crate::dfsps::SECURITY_GROUP_PREFIX));
        if holds(&names.dfsp_operator) || holds_dfsp_group {
            roles.push(Role::DfspOperator);
        }
        if !roles.is_empty() || holds(&names.everyone) {
            roles.push(Role::Everyone);
        }
        let subject = subject.into();
        Principal {
            name: subject.clone(),
            subject,
            roles,
            groups,
        }
    }

    /// The same principal, named `name` for people to read.
    pub fn with_name(self, name: impl Into<String>) -> Self {
        Principal {
            name: name.into(),
            ..self
        }
    }

    /// The principal of every request when authentication is disabled: it may do anything,
    /// as in MCM with `AUTH_ENABLED` unset.
    pub fn local_operator() -> Self {
        Principal {
            subject: "local".into(),
            name: "Local operator".into(),
            roles: vec![Role::HubOperator, Role::Everyone],
            groups: Vec::new(),
        }
    }

    pub fn has_role(&self, role: &Role) -> bool {
        self.roles.contains(role)
    }

    pub fn is_hub_operator(&self) -> bool {
        self.has_role(&Role::HubOperator)
    }

    /// Hub-wide changes: environments, DFSP records, the Hub's own configuration.
    pub fn ensure_hub_operator(&self, action: &str) -> DomainResult<()> {
        if self.is_hub_operator() {
            Ok(())
        } else {
            Err(DomainError::Forbidden(format!(
                "Only a hub operator may {action}"
            )))
        }
    }

    /// Reading what every participant may see (environment names, DFSP list, zones).
    pub fn ensure_can_read(&self) -> DomainResult<()> {
        if self.roles.is_empty() {
            Err(DomainError::Forbidden(
                "Your account has no Connection Manager role".into(),
            ))
        } else {
            Ok(())
        }
    }

    /// Whether the principal may act for any DFSP at all (a hub operator, or a DFSP operator
    /// for its own).
    pub fn may_act_for_some_dfsp(&self) -> bool {
        self.is_hub_operator() || self.has_role(&Role::DfspOperator)
    }

    /// Work on one DFSP: a hub operator always may; a DFSP operator only with the DFSP's
    /// security group. (`access::DfspScope` is where this is asked.)
    pub fn may_act_for_dfsp(&self, security_group: &str) -> bool {
        self.is_hub_operator()
            || (self.has_role(&Role::DfspOperator)
                && self.groups.iter().any(|g| g == security_group))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dfsp_operator(group: &str) -> Principal {
        Principal {
            subject: "alice".into(),
            name: "Alice".into(),
            roles: vec![Role::DfspOperator, Role::Everyone],
            groups: vec![group.into()],
        }
    }

    #[test]
    fn local_operator_may_do_everything() {
        let p = Principal::local_operator();
        assert!(p.ensure_hub_operator("create environments").is_ok());
        assert!(p.ensure_can_read().is_ok());
        assert!(p.may_act_for_dfsp("Application/DFSP:X"));
    }

    #[test]
    fn dfsp_operator_reaches_only_its_own_dfsp() {
        let p = dfsp_operator("Application/DFSP:DFSP1");
        assert!(p.ensure_can_read().is_ok());
        assert!(p.may_act_for_some_dfsp());
        assert!(p.may_act_for_dfsp("Application/DFSP:DFSP1"));
        assert!(!p.may_act_for_dfsp("Application/DFSP:DFSP2"));
        assert_eq!(
            p.ensure_hub_operator("create environments").unwrap_err(),
            DomainError::Forbidden("Only a hub operator may create environments".into())
        );
    }

    #[test]
    fn a_dfsp_group_alone_makes_a_dfsp_operator_as_in_mcm_v3() {
        let names = RoleGroups::default();
        // A DFSP client's service account, as Keycloak names its group.
        let client = Principal::from_groups(
            "service-account-dfsp1",
            vec!["/Application/DFSP:DFSP1".into()],
            &names,
        );
        assert_eq!(client.roles, [Role::DfspOperator, Role::Everyone]);
        assert!(client.may_act_for_dfsp("Application/DFSP:DFSP1"));
        assert!(!client.may_act_for_dfsp("Application/DFSP:DFSP2"));
        assert!(client.ensure_hub_operator("create DFSPs").is_err());
        // Another group does not.
        let other = Principal::from_groups("x", vec!["BankOneOps".into()], &names);
        assert!(other.roles.is_empty());
    }

    #[test]
    fn roles_come_from_the_configured_groups() {
        let names = RoleGroups::default();
        let groups = |list: &[&str]| list.iter().map(|g| g.to_string()).collect::<Vec<_>>();

        let hub = Principal::from_groups("hub", groups(&["Application/PTA"]), &names);
        assert_eq!(hub.roles, [Role::HubOperator, Role::Everyone]);
        assert!(
            hub.ensure_can_read().is_ok(),
            "no 'everyone' group needed (quirk 4)"
        );

        let dfsp = Principal::from_groups(
            "bank",
            groups(&[
                "Application/MTA",
                "Application/DFSP:DFSP1",
                "Internal/everyone",
            ]),
            &names,
        );
        assert_eq!(dfsp.roles, [Role::DfspOperator, Role::Everyone]);
        assert!(dfsp.may_act_for_dfsp("Application/DFSP:DFSP1"));
        assert!(!dfsp.may_act_for_dfsp("Application/DFSP:DFSP2"));
        assert!(dfsp.ensure_hub_operator("create environments").is_err());

        let reader = Principal::from_groups("guest", groups(&["Internal/everyone"]), &names);
        assert_eq!(reader.roles, [Role::Everyone]);
        assert!(!reader.may_act_for_some_dfsp());

        // A security group of another form than MCM's default is no role on its own (a DFSP's
        // default group is: see a_dfsp_group_alone_makes_a_dfsp_operator_as_in_mcm_v3).
        let nobody = Principal::from_groups("x", groups(&["Bank-One-Operators"]), &names);
        assert!(nobody.roles.is_empty());
        assert!(nobody.ensure_can_read().is_err());
        assert!(
            !nobody.may_act_for_dfsp("Bank-One-Operators"),
            "a custom group alone is no role"
        );

        let custom = RoleGroups {
            hub_operator: "cm-hub".into(),
            dfsp_operator: "cm-dfsp".into(),
            everyone: "cm-read".into(),
        };
        assert_eq!(
            Principal::from_groups("hub", groups(&["cm-hub"]), &custom).roles,
            [Role::HubOperator, Role::Everyone]
        );
        assert!(
            Principal::from_groups("hub", groups(&["Application/PTA"]), &custom)
                .roles
                .is_empty()
        );
    }

    #[test]
    fn principal_without_roles_may_not_read() {
        let p = Principal {
            subject: "nobody".into(),
            name: "Nobody".into(),
            roles: vec![],
            groups: vec![],
        };
        assert!(p.ensure_can_read().is_err());
        assert!(!p.may_act_for_some_dfsp());
    }
}
