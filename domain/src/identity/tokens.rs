//! API tokens in storage, and the identity service's work on them: create, list, revoke, and
//! resolve a presented token to its [`Principal`].
//!
//! The `api-tokens` table is keyed by the secret's SHA-256 (as sessions are), with a `by_user`
//! index for the owner's list. An item expires by TTL a week after the token does, so a
//! recently expired token is still listed, as expired.
//!
//! A resolved token is cached with the sessions (`session_cache`): revoking it, disabling its
//! account or changing the account's role ends it at once on this replica and within the
//! cache's bound on every other. Its last use is written when it is looked up in the store,
//! at most once per [`LAST_USE_PRECISION`]: the list's "last used" is that precise.

use super::session_cache::Revoked;
use super::table::StoredUser;
use super::{
    ApiToken, Customer, Email, IdentityError, IdentityService, NewApiToken, Principal, TokenName,
    TokenScope, TokenSummary, UserId,
};
use crate::store::attr::{n, s, Item, Reader};
use crate::store::schema::api_tokens::BY_USER;
use crate::store::StoreError;
use crate::time::Timestamp;
use crate::FieldError;
use std::time::Duration;

/// How often a token's last use is written, at most.
pub const LAST_USE_PRECISION: Duration = Duration::from_secs(60);
/// The most tokens one account may hold (expired ones included, until they are removed).
pub const MAX_TOKENS_PER_ACCOUNT: usize = 50;
/// How long an expired token is still listed.
const LISTED_AFTER_EXPIRY_SECS: i64 = 7 * 24 * 3600;
const DAY_MILLIS: i64 = 24 * 3600 * 1000;

/// A token as stored.
#[derive(Debug, Clone)]
struct StoredToken {
    key: String,
    user_id: UserId,
    summary: TokenSummary,
}

fn token_from(table: &str, item: &Item) -> Result<StoredToken, StoreError> {
    let r = Reader::new(table, item);
    let last_used_at = match item.get("last_used_at") {
        None => None,
        Some(_) => Some(r.number("last_used_at")?),
    };
    Ok(StoredToken {
        key: r.string("pk")?.to_owned(),
        user_id: r.parsed("user_id", UserId::parse)?,
        summary: TokenSummary {
            id: r.string("id")?.to_owned(),
            name: r.parsed("name", TokenName::parse)?,
            scope: r.parsed("scope", TokenScope::parse)?,
            hint: r.string("hint")?.to_owned(),
            created_at: r.number("created_at")?,
            expires_at: r.number("expires_at")?,
            last_used_at,
        },
    })
}

impl IdentityService {
    /// Creates a token for `owner` and returns it with its secret, which is never shown again.
    /// Only staff may create an `admin` token (see [`TokenScope::allowed_for`]).
    #[tracing::instrument(name = "identity.create_api_token", skip_all)]
    pub async fn create_api_token(
        &self,
        owner: &Customer,
        new: NewApiToken,
    ) -> Result<(TokenSummary, ApiToken), IdentityError> {
        if !new.scope.allowed_for(owner.account().role) {
            return Err(IdentityError::Invalid(FieldError::new(
                "scope",
                "admin tokens are for support agents and admins only",
            )));
        }
        if self.stored_tokens(owner.id()).await?.len() >= MAX_TOKENS_PER_ACCOUNT {
            return Err(IdentityError::TooManyTokens);
        }
        let token = ApiToken::generate();
        let now = Timestamp::now();
        let summary = TokenSummary {
            id: uuid::Uuid::now_v7().to_string(),
            name: new.name,
            scope: new.scope,
            hint: token.hint(),
            created_at: now.millis(),
            expires_at: now.millis() + i64::from(new.days) * DAY_MILLIS,
            last_used_at: None,
        };
        let table = self.tables.store.tables.api_tokens();
        self.tables
            .store
            .client
            .put_item()
            .table_name(&table)
            .item("pk", s(token.storage_key()))
            .item("id", s(&summary.id))
            .item("user_id", s(owner.id().as_str()))
            .item("name", s(summary.name.as_str()))
            .item("scope", s(summary.scope.as_str()))
            .item("hint", s(&summary.hint))
            .item("created_at", n(summary.created_at))
            .item("created_sk", s(format!("{:015}", summary.created_at)))
            .item("expires_at", n(summary.expires_at))
            .item(
                "ttl",
                n(summary.expires_at / 1000 + LISTED_AFTER_EXPIRY_SECS),
            )
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(|e| StoreError::call("PutItem", e))?;
        Ok((summary, token))
    }

    /// The owner's tokens, newest first.
    #[tracing::instrument(name = "identity.api_tokens", skip_all)]
    pub async fn api_tokens(&self, owner: &Customer) -> Result<Vec<TokenSummary>, IdentityError> {
        Ok(self
            .stored_tokens(owner.id())
            .await?
            .into_iter()
            .map(|t| t.summary)
            .collect())
    }

    /// Revokes one of the owner's tokens: its next request is refused, on every replica within
    /// the session cache's bound and at once on this one. Another account's token, or one
    /// that does not exist, is [`IdentityError::TokenNotFound`].
    #[tracing::instrument(name = "identity.revoke_api_token", skip_all)]
    pub async fn revoke_api_token(&self, owner: &Customer, id: &str) -> Result<(), IdentityError> {
        let Some(token) = self
            .stored_tokens(owner.id())
            .await?
            .into_iter()
            .find(|t| t.summary.id == id)
        else {
            return Err(IdentityError::TokenNotFound);
        };
        self.tables
            .store
            .client
            .delete_item()
            .table_name(self.tables.store.tables.api_tokens())
            .key("pk", s(&token.key))
            .send()
            .await
            .map_err(|e| StoreError::call("DeleteItem", e))?;
        self.revoke(Revoked::Session(token.key)).await
    }

    /// Who is calling with `token`: its account narrowed to its scope, or anonymous for an
    /// unknown, expired or revoked token or a disabled account.
    #[tracing::instrument(name = "identity.token_principal", skip_all)]
    pub async fn token_principal(&self, token: &ApiToken) -> Result<Principal, IdentityError> {
        let key = token.storage_key();
        if let Some(principal) = self.sessions.get(&key) {
            return Ok(principal);
        }
        let lookup = self.sessions.lookup();
        let table = self.tables.store.tables.api_tokens();
        let Some(item) = self.tables.store.get_by_pk(&table, key.clone()).await? else {
            self.sessions
                .put(key, None, Principal::ANONYMOUS, Timestamp(i64::MAX), lookup);
            return Ok(Principal::ANONYMOUS);
        };
        let stored = token_from(&table, &item)?;
        let now = Timestamp::now();
        if stored.summary.expired_at(now.millis()) {
            // Expired stays expired: later requests with it need no read.
            self.sessions
                .put(key, None, Principal::ANONYMOUS, Timestamp(i64::MAX), lookup);
            return Ok(Principal::ANONYMOUS);
        }
        let principal = self
            .tables
            .user(&stored.user_id)
            .await?
            .filter(|u: &StoredUser| !u.disabled)
            .map_or(Principal::ANONYMOUS, |u| {
                Principal::of_token(u.account, stored.summary.scope)
            });
        let precision = LAST_USE_PRECISION.as_millis() as i64;
        if stored
            .summary
            .last_used_at
            .is_none_or(|at| now.millis() - at >= precision)
        {
            self.record_use(&table, &key, now).await;
        }
        self.sessions.put(
            key,
            Some(stored.user_id),
            principal.clone(),
            Timestamp(stored.summary.expires_at),
            lookup,
        );
        Ok(principal)
    }

    /// The customer an account is, for tools run by the operator (`server api-token create`).
    pub async fn customer_by_email(&self, email: &Email) -> Result<Customer, IdentityError> {
        self.tables
            .user_by_email(email)
            .await?
            .filter(|u| !u.disabled)
            .and_then(|u| Principal::of_stored(u.account).customer())
            .ok_or(IdentityError::NotFound)
    }

    /// Writes a token's last use; a failure is logged, as it is no reason to refuse the call.
    async fn record_use(&self, table: &str, key: &str, now: Timestamp) {
        let written = self
            .tables
            .store
            .client
            .update_item()
            .table_name(table)
            .key("pk", s(key))
            .update_expression("SET last_used_at = :now")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":now", n(now.millis()))
            .send()
            .await;
        if let Err(e) = written {
            let e = StoreError::call("UpdateItem", e);
            tracing::warn!(error = %e, "a token's last use could not be written");
        }
    }

    async fn stored_tokens(&self, user: &UserId) -> Result<Vec<StoredToken>, StoreError> {
        let table = self.tables.store.tables.api_tokens();
        let mut tokens = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .tables
                .store
                .client
                .query()
                .table_name(&table)
                .index_name(BY_USER)
                .key_condition_expression("user_id = :u")
                .expression_attribute_values(":u", s(user.as_str()))
                .scan_index_forward(false)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| StoreError::call("Query", e))?;
            for item in page.items() {
                tokens.push(token_from(&table, item)?);
            }
            match page.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(tokens),
            }
        }
    }
}
