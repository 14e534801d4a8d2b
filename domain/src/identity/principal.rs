//! Who is calling, and what that lets them do.
//!
//! A [`Principal`] is made only by the identity service, from credentials it checked or from
//! an account it read from storage; nothing else can make one. The capabilities a service asks
//! for ([`Customer`], [`Staff`], [`Admin`]) can only be taken from a principal whose stored role
//! allows them, so a service's signature says who may call it and no adapter can forget the
//! check: a customer's account cannot be turned into `Staff`.

use super::{Account, Email, Role, TokenScope, UserId};

/// The caller of one request: a visitor, or a signed-in account with its stored role and how
/// it proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    account: Option<Account>,
    grant: Grant,
}

/// How a principal signed in, which bounds what its role may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// A browser session (or no credentials at all): the role's full rights.
    Session,
    /// An API token: its scope narrows the role's rights.
    Token(TokenScope),
}

/// What kind of caller a principal is, for access rules and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    Anonymous,
    Customer,
    Support,
    Admin,
}

impl PrincipalKind {
    pub const ALL: [PrincipalKind; 4] = [
        PrincipalKind::Anonymous,
        PrincipalKind::Customer,
        PrincipalKind::Support,
        PrincipalKind::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Anonymous => "anonymous",
            PrincipalKind::Customer => "customer",
            PrincipalKind::Support => "support",
            PrincipalKind::Admin => "admin",
        }
    }
}

impl Principal {
    /// A visitor who is not signed in.
    pub const ANONYMOUS: Principal = Principal {
        account: None,
        grant: Grant::Session,
    };

    /// The principal of an account the identity service has just read from storage (a valid
    /// session's, or a user's by id). Only the identity service may call this.
    pub(super) fn of_stored(account: Account) -> Self {
        Self {
            account: Some(account),
            grant: Grant::Session,
        }
    }

    /// The principal of a valid API token's account, narrowed to the token's scope. Only the
    /// identity service may call this.
    pub(super) fn of_token(account: Account, scope: TokenScope) -> Self {
        Self {
            account: Some(account),
            grant: Grant::Token(scope),
        }
    }

    pub fn account(&self) -> Option<&Account> {
        self.account.as_ref()
    }

    pub fn grant(&self) -> Grant {
        self.grant
    }

    /// Whether this caller may change things (a `read` token may not).
    pub fn may_write(&self) -> bool {
        match self.grant {
            Grant::Session => true,
            Grant::Token(scope) => scope.writes(),
        }
    }

    /// Whether the credentials allow staff work: a session does, a token only with the
    /// `admin` scope.
    fn staff_granted(&self) -> bool {
        matches!(self.grant, Grant::Session | Grant::Token(TokenScope::Admin))
    }

    pub fn kind(&self) -> PrincipalKind {
        match self.account.as_ref().map(|a| a.role) {
            None => PrincipalKind::Anonymous,
            Some(Role::Customer) => PrincipalKind::Customer,
            Some(Role::Support) => PrincipalKind::Support,
            Some(Role::Admin) => PrincipalKind::Admin,
        }
    }

    /// Any signed-in account, acting for itself (staff shop too).
    pub fn customer(&self) -> Option<Customer> {
        self.account.clone().map(Customer)
    }

    /// A support agent or an admin (through a token, only one with the `admin` scope).
    pub fn staff(&self) -> Option<Staff> {
        let account = self.account.as_ref()?;
        let staff_role = matches!(account.role, Role::Support | Role::Admin);
        (staff_role && self.staff_granted()).then(|| Staff {
            id: account.id.clone(),
            email: account.email.clone(),
            role: account.role,
        })
    }

    /// An admin.
    pub fn admin(&self) -> Option<Admin> {
        self.staff().filter(|s| s.role == Role::Admin).map(Admin)
    }
}

/// A signed-in account acting for itself: its own cart, orders and profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer(Account);

impl Customer {
    pub fn account(&self) -> &Account {
        &self.0
    }

    pub fn id(&self) -> &UserId {
        &self.0.id
    }
}

/// A support agent or an admin, acting as staff. Made only by [`Principal::staff`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    id: UserId,
    email: Email,
    role: Role,
}

impl Staff {
    pub fn id(&self) -> &UserId {
        &self.id
    }

    pub fn email(&self) -> &Email {
        &self.email
    }

    pub fn role(&self) -> Role {
        self.role
    }
}

/// An admin. Made only by [`Principal::admin`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin(Staff);

impl Admin {
    /// The same person, as staff (for the audit log and staff-level actions).
    pub fn staff(&self) -> &Staff {
        &self.0
    }

    pub fn id(&self) -> &UserId {
        &self.0.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::PersonName;

    fn principal(role: Role) -> Principal {
        Principal::of_stored(Account {
            id: UserId::generate(),
            email: Email::parse("someone@cloudmart.test").unwrap(),
            name: PersonName::parse("Someone").unwrap(),
            role,
        })
    }

    #[test]
    fn a_visitor_has_no_capability() {
        let p = Principal::ANONYMOUS;
        assert_eq!(p.kind(), PrincipalKind::Anonymous);
        assert!(p.customer().is_none() && p.staff().is_none() && p.admin().is_none());
    }

    #[test]
    fn a_customer_acts_only_for_itself() {
        let p = principal(Role::Customer);
        assert_eq!(p.kind(), PrincipalKind::Customer);
        assert!(p.customer().is_some());
        assert!(p.staff().is_none(), "a customer account is never staff");
        assert!(p.admin().is_none());
    }

    #[test]
    fn support_is_staff_but_not_admin() {
        let p = principal(Role::Support);
        assert_eq!(p.staff().map(|s| s.role()), Some(Role::Support));
        assert!(p.admin().is_none());
        assert!(p.customer().is_some(), "staff may shop too");
    }

    #[test]
    fn an_admin_is_staff_and_admin() {
        let p = principal(Role::Admin);
        let admin = p
            .admin()
            .expect("an admin principal gives the admin capability");
        assert_eq!(admin.staff().role(), Role::Admin);
        assert_eq!(admin.id(), &p.account().unwrap().id);
    }

    #[test]
    fn an_admins_token_acts_as_admin_only_with_the_admin_scope() {
        let account = principal(Role::Admin).account().unwrap().clone();
        for scope in [TokenScope::Read, TokenScope::ReadWrite] {
            let p = Principal::of_token(account.clone(), scope);
            assert!(p.admin().is_none() && p.staff().is_none(), "{scope:?}");
            assert!(p.customer().is_some(), "it still acts for its own account");
        }
        let p = Principal::of_token(account, TokenScope::Admin);
        assert!(p.admin().is_some());
        assert_eq!(p.kind(), PrincipalKind::Admin);
    }

    #[test]
    fn a_read_token_may_not_write_and_a_session_may() {
        let account = principal(Role::Customer).account().unwrap().clone();
        assert!(!Principal::of_token(account.clone(), TokenScope::Read).may_write());
        assert!(Principal::of_token(account.clone(), TokenScope::ReadWrite).may_write());
        assert!(Principal::of_stored(account).may_write());
    }
}
