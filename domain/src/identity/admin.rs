//! The admin's user management: list and search accounts by role, change a role, disable or
//! enable an account. Each change is one transaction with its audit entry; the shop never
//! loses its last active admin, even to two admins demoting each other at the same moment.

use super::table::{user_pk, IdentityTables, StoredUser};
use super::Admin;
use super::{Account, IdentityError, IdentityService, Role, UserId, UserSummary};
use crate::audit::{AuditEntry, AuditLog, Change, Target, TargetKind};
use crate::store::attr::s;
use crate::store::page::{IndexQuery, KeyCursor};
use crate::store::schema::users::BY_ROLE;
use crate::store::{StoreError, TransactError, Transaction};
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, TransactWriteItem, Update};

/// Where a page of users stopped, opaque to callers.
pub type UserCursor = KeyCursor<'U'>;

/// What an admin can change about an account's access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessChange {
    Role(Role),
    Disable,
    Enable,
}

/// At most this many accounts are read to fill one searched page.
const MAX_SCANNED_PER_PAGE: i32 = 5_000;

impl IdentityTables {
    /// Accounts with `role` in email order, optionally only those whose email or name
    /// contains `search` (lowercase).
    async fn page_by_role(
        &self,
        role: Role,
        search: Option<&str>,
        after: Option<&UserCursor>,
        limit: usize,
    ) -> Result<(Vec<StoredUser>, Option<UserCursor>), StoreError> {
        let query = IndexQuery {
            table: &self.users,
            index: BY_ROLE,
            hash: ("role", role.as_str()),
            sort: "email",
            filter: search.map(|q| {
                (
                    "contains(search_text, :q)".to_owned(),
                    vec![(":q", q.to_owned())],
                )
            }),
            forward: true,
        };
        let (items, next) = self
            .store
            .index_page(&query, after, limit, MAX_SCANNED_PER_PAGE)
            .await?;
        let users = items
            .iter()
            .map(|item| self.user_from(item))
            .collect::<Result<_, _>>()?;
        Ok((users, next))
    }

    /// An active admin other than `except`, if there is one.
    async fn other_active_admin(&self, except: &UserId) -> Result<Option<UserId>, StoreError> {
        let mut start = None;
        loop {
            let (page, next) = self
                .page_by_role(Role::Admin, None, start.as_ref(), 50)
                .await?;
            if let Some(u) = page.iter().find(|u| !u.disabled && u.account.id != *except) {
                return Ok(Some(u.account.id.clone()));
            }
            match next {
                Some(n) => start = Some(n),
                None => return Ok(None),
            }
        }
    }

    /// Writes `user`'s new role and disabled flag if both are still as read, with `audit`;
    /// `keeper`, when given, must still be an active admin at that moment.
    async fn change_access(
        &self,
        user: &StoredUser,
        role: Role,
        disabled: bool,
        keeper: Option<&UserId>,
        audit: TransactWriteItem,
    ) -> Result<(), IdentityError> {
        let update = Update::builder()
            .table_name(&self.users)
            .key("pk", s(user_pk(&user.account.id)))
            .update_expression("SET #role = :role, disabled = :disabled")
            .condition_expression("#role = :was_role AND disabled = :was_disabled")
            .expression_attribute_names("#role", "role")
            .expression_attribute_values(":role", s(role.as_str()))
            .expression_attribute_values(":disabled", AttributeValue::Bool(disabled))
            .expression_attribute_values(":was_role", s(user.account.role.as_str()))
            .expression_attribute_values(":was_disabled", AttributeValue::Bool(user.disabled))
            .build()
            .map_err(StoreError::from)?;
        let mut tx =
            Transaction::new().with("user", TransactWriteItem::builder().update(update).build());
        if let Some(keeper) = keeper {
            let check = ConditionCheck::builder()
                .table_name(&self.users)
                .key("pk", s(user_pk(keeper)))
                .condition_expression("#role = :admin AND disabled = :no")
                .expression_attribute_names("#role", "role")
                .expression_attribute_values(":admin", s(Role::Admin.as_str()))
                .expression_attribute_values(":no", AttributeValue::Bool(false))
                .build()
                .map_err(StoreError::from)?;
            tx.push(
                "keeper",
                TransactWriteItem::builder().condition_check(check).build(),
            );
        }
        tx.push("audit", audit);
        match self.store.commit(&tx).await {
            Ok(()) => Ok(()),
            Err(TransactError::Contended) => Err(IdentityError::Changed),
            Err(e) if e.refused("user") => Err(IdentityError::Changed),
            Err(e) if e.refused("keeper") => Err(IdentityError::LastAdmin),
            Err(e) => Err(StoreError::from(e).into()),
        }
    }
}

impl IdentityService {
    /// One page of accounts with `role`, in email order; `search` matches a fragment of the
    /// email or name, in any case.
    #[tracing::instrument(name = "identity.list_users", skip_all, fields(role = role.as_str()))]
    pub async fn list_users(
        &self,
        role: Role,
        search: &str,
        after: Option<&UserCursor>,
        limit: usize,
    ) -> Result<(Vec<UserSummary>, Option<UserCursor>), IdentityError> {
        let search = search.trim().to_lowercase();
        let search = (!search.is_empty()).then_some(search.as_str());
        let (users, next) = self
            .tables
            .page_by_role(role, search, after, limit.max(1))
            .await?;
        let users = users
            .into_iter()
            .map(|u| UserSummary {
                account: u.account,
                disabled: u.disabled,
            })
            .collect();
        Ok((users, next))
    }

    /// An account by email, with whether it is disabled.
    pub async fn find_by_email(
        &self,
        email: &super::Email,
    ) -> Result<Option<UserSummary>, IdentityError> {
        Ok(self
            .tables
            .user_by_email(email)
            .await?
            .map(|u| UserSummary {
                account: u.account,
                disabled: u.disabled,
            }))
    }

    /// An account by id, with whether it is disabled.
    pub async fn user_summary(&self, id: &UserId) -> Result<Option<UserSummary>, IdentityError> {
        Ok(self.tables.user(id).await?.map(|u| UserSummary {
            account: u.account,
            disabled: u.disabled,
        }))
    }

    /// Changes an account's role or disables/enables it. Disabling ends its sessions at once.
    /// Taking the last active admin's admin access away is refused with
    /// [`IdentityError::LastAdmin`].
    #[tracing::instrument(name = "identity.change_access", skip_all, fields(user = id.as_str()))]
    pub async fn change_access(
        &self,
        admin: &Admin,
        id: &UserId,
        change: AccessChange,
    ) -> Result<UserSummary, IdentityError> {
        let user = self.tables.user(id).await?.ok_or(IdentityError::NotFound)?;
        let (role, disabled) = match change {
            AccessChange::Role(role) => (role, user.disabled),
            AccessChange::Disable => (user.account.role, true),
            AccessChange::Enable => (user.account.role, false),
        };
        let summary = UserSummary {
            account: Account {
                role,
                ..user.account.clone()
            },
            disabled,
        };
        if role == user.account.role && disabled == user.disabled {
            return Ok(summary);
        }
        let was_active_admin = user.account.role == Role::Admin && !user.disabled;
        let stays_active_admin = role == Role::Admin && !disabled;
        let keeper = if was_active_admin && !stays_active_admin {
            let keeper = self.tables.other_active_admin(id).await?;
            Some(keeper.ok_or(IdentityError::LastAdmin)?)
        } else {
            None
        };
        let mut changes = Vec::new();
        if role != user.account.role {
            changes.push(Change::new(
                "role",
                user.account.role.as_str(),
                role.as_str(),
            ));
        }
        if disabled != user.disabled {
            let yes_no = |b: bool| if b { "yes" } else { "no" };
            changes.push(Change::new(
                "disabled",
                yes_no(user.disabled),
                yes_no(disabled),
            ));
        }
        let action = match change {
            AccessChange::Role(_) => "user.role",
            AccessChange::Disable => "user.disabled",
            AccessChange::Enable => "user.enabled",
        };
        let target = Target {
            kind: TargetKind::User,
            id: id.as_str().to_owned(),
            label: user.account.email.as_str().to_owned(),
        };
        let entry = AuditEntry::new(admin.staff(), action, target, changes);
        let audit = AuditLog::new(self.tables.store.clone()).put(&entry)?;
        self.tables
            .change_access(&user, role, disabled, keeper.as_ref(), audit)
            .await?;
        if disabled {
            self.tables.delete_sessions_of(id).await?;
        }
        // The role and the disabled flag are part of every cached session of the account.
        self.revoke(super::session_cache::Revoked::User(id.clone()))
            .await?;
        Ok(summary)
    }
}
