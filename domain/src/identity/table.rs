//! The identity tables.
//!
//! `users`: `U#<id>` is an account; `E#<email>` claims an email for one account, so a
//! conditional write makes emails unique. `sessions`: keyed by the token's SHA-256, expiring by
//! TTL. `sign_in_attempts`: failure counters per account (`A#<email>`) and per client
//! (`I#<address>`), expiring by TTL.

use super::{
    Account, Email, IdentityError, PersonName, Phone, Profile, Role, SessionToken, UserId,
};
use crate::address::ShippingAddress;
use crate::store::attr::{n, s, Item, Reader};
use crate::store::schema::sessions::BY_USER;
use crate::store::{Store, StoreError, Transaction};
use crate::time::Timestamp;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};

/// A stored account with its secret parts.
#[derive(Debug, Clone)]
pub struct StoredUser {
    pub account: Account,
    pub password_hash: String,
    pub disabled: bool,
    pub phone: Option<Phone>,
    pub address: Option<ShippingAddress>,
}

impl StoredUser {
    pub fn profile(&self) -> Profile {
        Profile {
            name: self.account.name.clone(),
            phone: self.phone.clone(),
            address: self.address.clone(),
        }
    }
}

/// A session as stored.
#[derive(Debug, Clone)]
pub struct StoredSession {
    pub user_id: UserId,
    pub expires_at: Timestamp,
}

#[derive(Clone, Debug)]
pub struct IdentityTables {
    pub(super) store: Store,
    pub(super) users: String,
    sessions: String,
    attempts: String,
}

pub(super) fn user_pk(id: &UserId) -> String {
    format!("U#{}", id.as_str())
}

fn email_pk(email: &Email) -> String {
    format!("E#{}", email.as_str())
}

/// What the admin's user search looks in: name and email, lowercase. (DynamoDB does not let
/// a query on the email index filter on the email itself.)
fn search_text(name: &str, email: &Email) -> String {
    format!("{} {}", name.to_lowercase(), email.as_str())
}

fn epoch_secs(t: Timestamp) -> i64 {
    t.millis() / 1000
}

impl IdentityTables {
    pub fn new(store: Store) -> Self {
        Self {
            users: store.tables.users(),
            sessions: store.tables.sessions(),
            attempts: store.tables.sign_in_attempts(),
            store,
        }
    }

    pub(super) fn user_from(&self, item: &Item) -> Result<StoredUser, StoreError> {
        let r = Reader::new(&self.users, item);
        Ok(StoredUser {
            account: Account {
                id: r.parsed("id", UserId::parse)?,
                email: r.parsed("email", Email::parse)?,
                name: r.parsed("name", PersonName::parse)?,
                role: r.parsed("role", Role::parse)?,
            },
            password_hash: r.string("password_hash")?.to_owned(),
            disabled: r.boolean("disabled")?,
            phone: r
                .optional_string("phone")?
                .map(Phone::parse)
                .transpose()
                .map_err(|e| StoreError::malformed(&self.users, format!("phone: {e}")))?,
            address: r
                .optional_string("default_address")?
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| StoreError::malformed(&self.users, format!("default_address: {e}")))?,
        })
    }

    async fn item(&self, table: &str, pk: String) -> Result<Option<Item>, StoreError> {
        self.store.get_by_pk(table, pk).await
    }

    /// Creates an account and claims its email in one transaction; a taken email writes
    /// nothing.
    pub async fn insert_user(
        &self,
        user: &StoredUser,
        now: Timestamp,
    ) -> Result<(), IdentityError> {
        let a = &user.account;
        let put_user = Put::builder()
            .table_name(&self.users)
            .item("pk", s(user_pk(&a.id)))
            .item("id", s(a.id.as_str()))
            .item("email", s(a.email.as_str()))
            .item("name", s(a.name.as_str()))
            .item("search_text", s(search_text(a.name.as_str(), &a.email)))
            .item("role", s(a.role.as_str()))
            .item("password_hash", s(&user.password_hash))
            .item("disabled", AttributeValue::Bool(user.disabled))
            .item("created_at", n(now.millis()))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(StoreError::from)?;
        let claim = Put::builder()
            .table_name(&self.users)
            .item("pk", s(email_pk(&a.email)))
            .item("user_id", s(a.id.as_str()))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(StoreError::from)?;
        let tx = Transaction::new()
            .with("user", TransactWriteItem::builder().put(put_user).build())
            .with("email", TransactWriteItem::builder().put(claim).build());
        match self.store.commit(&tx).await {
            Ok(()) => Ok(()),
            Err(e) if e.refused("email") => Err(IdentityError::EmailTaken),
            Err(e) => Err(StoreError::from(e).into()),
        }
    }

    pub async fn user(&self, id: &UserId) -> Result<Option<StoredUser>, StoreError> {
        self.item(&self.users, user_pk(id))
            .await?
            .map(|item| self.user_from(&item))
            .transpose()
    }

    pub async fn user_by_email(&self, email: &Email) -> Result<Option<StoredUser>, StoreError> {
        let Some(claim) = self.item(&self.users, email_pk(email)).await? else {
            return Ok(None);
        };
        let id = Reader::new(&self.users, &claim).parsed("user_id", UserId::parse)?;
        self.user(&id).await
    }

    /// Sets an existing account's role (and optionally its password hash). Never creates.
    pub async fn set_role(
        &self,
        id: &UserId,
        role: Role,
        password_hash: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut update = self
            .store
            .client
            .update_item()
            .table_name(&self.users)
            .key("pk", s(user_pk(id)))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":role", s(role.as_str()));
        update = match password_hash {
            Some(hash) => update
                .update_expression("SET #role = :role, password_hash = :hash")
                .expression_attribute_values(":hash", s(hash)),
            None => update.update_expression("SET #role = :role"),
        };
        update
            .expression_attribute_names("#role", "role")
            .send()
            .await
            .map_err(|e| StoreError::call("UpdateItem", e))?;
        Ok(())
    }

    /// Replaces an existing account's profile. Never creates.
    pub async fn update_profile(
        &self,
        id: &UserId,
        email: &Email,
        profile: &Profile,
    ) -> Result<(), StoreError> {
        let address = match &profile.address {
            Some(a) => serde_json::to_string(a)
                .map_err(|e| StoreError::malformed(&self.users, format!("default_address: {e}")))?,
            None => String::new(),
        };
        self.store
            .client
            .update_item()
            .table_name(&self.users)
            .key("pk", s(user_pk(id)))
            .condition_expression("attribute_exists(pk)")
            .update_expression(
                "SET #name = :name, search_text = :search, phone = :phone, default_address = :address",
            )
            .expression_attribute_names("#name", "name")
            .expression_attribute_values(":name", s(profile.name.as_str()))
            .expression_attribute_values(":search", s(search_text(profile.name.as_str(), email)))
            .expression_attribute_values(
                ":phone",
                s(profile.phone.as_ref().map(Phone::as_str).unwrap_or("")),
            )
            .expression_attribute_values(":address", s(address))
            .send()
            .await
            .map_err(|e| StoreError::call("UpdateItem", e))?;
        Ok(())
    }

    /// Replaces the password hash if it is still `old_hash`: of two concurrent changes, one
    /// wins. `false` when the hash had already changed.
    pub async fn replace_password_hash(
        &self,
        id: &UserId,
        old_hash: &str,
        new_hash: &str,
    ) -> Result<bool, StoreError> {
        let result = self
            .store
            .client
            .update_item()
            .table_name(&self.users)
            .key("pk", s(user_pk(id)))
            .condition_expression("password_hash = :old")
            .update_expression("SET password_hash = :new")
            .expression_attribute_values(":old", s(old_hash))
            .expression_attribute_values(":new", s(new_hash))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(StoreError::call("UpdateItem", e)),
        }
    }

    /// Deletes every session of an account (found through the `by_user` index).
    pub async fn delete_sessions_of(&self, user: &UserId) -> Result<usize, StoreError> {
        let mut deleted = 0;
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .store
                .client
                .query()
                .table_name(&self.sessions)
                .index_name(BY_USER)
                .key_condition_expression("user_id = :u")
                .expression_attribute_values(":u", s(user.as_str()))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| StoreError::call("Query", e))?;
            for item in page.items() {
                if let Some(AttributeValue::S(pk)) = item.get("pk") {
                    self.store
                        .client
                        .delete_item()
                        .table_name(&self.sessions)
                        .key("pk", s(pk))
                        .send()
                        .await
                        .map_err(|e| StoreError::call("DeleteItem", e))?;
                    deleted += 1;
                }
            }
            match page.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(deleted),
            }
        }
    }

    pub async fn put_session(
        &self,
        token: &SessionToken,
        user: &UserId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.store
            .client
            .put_item()
            .table_name(&self.sessions)
            .item("pk", s(token.storage_key()))
            .item("user_id", s(user.as_str()))
            .item("created_sk", s(format!("{:015}", now.millis())))
            .item("expires_at", n(expires_at.millis()))
            .item("ttl", n(epoch_secs(expires_at)))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(|e| StoreError::call("PutItem", e))?;
        Ok(())
    }

    pub async fn session(&self, token: &SessionToken) -> Result<Option<StoredSession>, StoreError> {
        let Some(item) = self.item(&self.sessions, token.storage_key()).await? else {
            return Ok(None);
        };
        let r = Reader::new(&self.sessions, &item);
        Ok(Some(StoredSession {
            user_id: r.parsed("user_id", UserId::parse)?,
            expires_at: Timestamp(r.number("expires_at")?),
        }))
    }

    pub async fn delete_session(&self, token: &SessionToken) -> Result<(), StoreError> {
        self.store
            .client
            .delete_item()
            .table_name(&self.sessions)
            .key("pk", s(token.storage_key()))
            .send()
            .await
            .map_err(|e| StoreError::call("DeleteItem", e))?;
        Ok(())
    }

    /// (failures, latest failure) for a throttle key.
    pub async fn failures(&self, key: &str) -> Result<(u32, i64), StoreError> {
        match self.item(&self.attempts, key.to_owned()).await? {
            Some(item) => {
                let r = Reader::new(&self.attempts, &item);
                Ok((r.number("failures")?, r.number("last_failure_ms")?))
            }
            None => Ok((0, 0)),
        }
    }

    /// Counts one more failure, atomically, forgetting it after `window_secs`.
    pub async fn record_failure(
        &self,
        key: &str,
        now: Timestamp,
        window_secs: u64,
    ) -> Result<(), StoreError> {
        self.store
            .client
            .update_item()
            .table_name(&self.attempts)
            .key("pk", s(key))
            .update_expression("ADD failures :one SET last_failure_ms = :now, #ttl = :ttl")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", n(now.millis()))
            .expression_attribute_values(":ttl", n(epoch_secs(now) + window_secs as i64))
            .send()
            .await
            .map_err(|e| StoreError::call("UpdateItem", e))?;
        Ok(())
    }

    pub async fn clear_failures(&self, key: &str) -> Result<(), StoreError> {
        self.store
            .client
            .delete_item()
            .table_name(&self.attempts)
            .key("pk", s(key))
            .send()
            .await
            .map_err(|e| StoreError::call("DeleteItem", e))?;
        Ok(())
    }
}
