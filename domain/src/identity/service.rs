//! The identity service: the only code that creates accounts and sessions.

use super::session_cache::{RevocationLog, Revoked, SessionCache};
use super::table::{IdentityTables, StoredUser};
use super::throttle::{self, WINDOW_SECS};
use super::{
    password, Account, Email, IdentityError, NewPassword, PersonName, Principal, Profile, Role,
    SessionToken, UserId,
};
use crate::store::Store;
use crate::time::Timestamp;
use crate::worker::{Outage, StopSignal};
use crate::FieldError;
use std::sync::Arc;
use std::time::Duration;

/// How long a session lasts without signing in again.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

/// A sign-up form, parsed. Every field's error is reported, not only the first.
#[derive(Debug, Clone)]
pub struct SignUp {
    pub name: PersonName,
    pub email: Email,
    pub password: NewPassword,
}

impl SignUp {
    pub fn parse(name: &str, email: &str, password: &str) -> Result<Self, Vec<FieldError>> {
        let (name, email, password) = (
            PersonName::parse(name),
            Email::parse(email),
            NewPassword::parse(password),
        );
        match (name, email, password) {
            (Ok(name), Ok(email), Ok(password)) => Ok(Self {
                name,
                email,
                password,
            }),
            (name, email, password) => Err([name.err(), email.err(), password.err()]
                .into_iter()
                .flatten()
                .collect()),
        }
    }
}

/// A sign-in attempt as typed, and where it came from.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub email: String,
    pub password: String,
    /// The client's address, for per-address throttling.
    pub client: Option<String>,
}

#[derive(Clone, Debug)]
pub struct IdentityService {
    pub(super) tables: IdentityTables,
    /// Sessions and API tokens looked up recently; see `session_cache` for its staleness
    /// bound.
    pub(super) sessions: Arc<SessionCache>,
    revocations: RevocationLog,
}

impl IdentityService {
    pub fn new(store: Store) -> Self {
        Self {
            revocations: RevocationLog::new(store.clone()),
            tables: IdentityTables::new(store),
            sessions: Arc::default(),
        }
    }

    /// Ends what `revoked` names everywhere: at once on this replica, and on every other
    /// within the session cache's bound through the revocation log.
    pub(super) async fn revoke(&self, revoked: Revoked) -> Result<(), IdentityError> {
        self.sessions.forget(&revoked);
        self.revocations.record(&revoked).await?;
        // Forget again: a lookup that began before the log was written must not linger.
        self.sessions.forget(&revoked);
        Ok(())
    }

    /// The `session-revocations` worker: applies other replicas' revocations to this
    /// replica's session cache every `every`. While it cannot, cached sessions go unused.
    pub async fn keep_sessions_fresh(self, every: Duration, mut stop: StopSignal) {
        let mut outage = Outage::new("session-revocations");
        let mut delay = Duration::ZERO;
        while stop.sleep(delay).await {
            delay = match self.sessions.poll(&self.revocations).await {
                Ok(()) => {
                    outage.succeeded();
                    every
                }
                Err(e) => outage.failed(every, &e),
            };
        }
    }

    /// Creates a customer account and signs it in.
    #[tracing::instrument(name = "identity.sign_up", skip_all)]
    pub async fn sign_up(&self, form: SignUp) -> Result<(Account, SessionToken), IdentityError> {
        let account = self.create(form, Role::Customer).await?;
        let token = self.start_session(&account.id).await?;
        Ok((account, token))
    }

    async fn create(&self, form: SignUp, role: Role) -> Result<Account, IdentityError> {
        let password_hash = password::hash(&form.password).await?;
        let account = Account {
            id: UserId::generate(),
            email: form.email,
            name: form.name,
            role,
        };
        let user = StoredUser {
            account: account.clone(),
            password_hash,
            disabled: false,
            phone: None,
            address: None,
        };
        self.tables.insert_user(&user, Timestamp::now()).await?;
        Ok(account)
    }

    /// Checks the credentials, honouring the throttle, and starts a new session. The caller
    /// ends the visitor's previous session, so the session id is rotated on every sign-in.
    #[tracing::instrument(name = "identity.sign_in", skip_all)]
    pub async fn sign_in(&self, attempt: SignIn) -> Result<(Account, SessionToken), IdentityError> {
        let now = Timestamp::now();
        let email = Email::parse(&attempt.email).ok();
        let keys: Vec<String> = email
            .iter()
            .map(|e| format!("A#{}", e.as_str()))
            .chain(attempt.client.iter().map(|c| format!("I#{c}")))
            .collect();
        self.check_throttle(&keys, now).await?;

        let user = match &email {
            Some(email) => self.tables.user_by_email(email).await?,
            None => None,
        };
        let stored_hash = match &user {
            Some(u) => u.password_hash.as_str(),
            None => password::decoy_hash().await?,
        };
        let matches = password::verify(&attempt.password, stored_hash).await?;
        match user {
            Some(user) if matches => {
                if let Some(email) = &email {
                    self.tables
                        .clear_failures(&format!("A#{}", email.as_str()))
                        .await?;
                }
                if user.disabled {
                    return Err(IdentityError::Disabled);
                }
                let token = self.start_session(&user.account.id).await?;
                Ok((user.account, token))
            }
            _ => {
                self.record_failures(&keys, now).await?;
                Err(IdentityError::InvalidCredentials)
            }
        }
    }

    /// Refuses while any of `keys` (`A#<email>`, `I#<client>`) is in its back-off.
    async fn check_throttle(&self, keys: &[String], now: Timestamp) -> Result<(), IdentityError> {
        let mut wait = 0;
        for key in keys {
            let (failures, last) = self.tables.failures(key).await?;
            if now.millis() - last < (WINDOW_SECS * 1000) as i64 {
                wait = wait.max(throttle::wait_secs(failures, last, now.millis()));
            }
        }
        if wait > 0 {
            return Err(IdentityError::Throttled {
                retry_after_secs: wait,
            });
        }
        Ok(())
    }

    /// Counts a failed password check against each of `keys`, starting a new window for a
    /// key whose last failure is older than the window.
    async fn record_failures(&self, keys: &[String], now: Timestamp) -> Result<(), IdentityError> {
        for key in keys {
            let (_, last) = self.tables.failures(key).await?;
            if now.millis() - last >= (WINDOW_SECS * 1000) as i64 {
                self.tables.clear_failures(key).await?;
            }
            self.tables.record_failure(key, now, WINDOW_SECS).await?;
        }
        Ok(())
    }

    /// The signed-in customer's profile.
    #[tracing::instrument(name = "identity.profile", skip_all)]
    pub async fn profile(&self, id: &UserId) -> Result<Profile, IdentityError> {
        let user = self.tables.user(id).await?;
        Ok(user.ok_or(IdentityError::NotSignedIn)?.profile())
    }

    /// Replaces the profile (name, phone, default address).
    #[tracing::instrument(name = "identity.update_profile", skip_all)]
    pub async fn update_profile(
        &self,
        account: &Account,
        profile: &Profile,
    ) -> Result<(), IdentityError> {
        self.tables
            .update_profile(&account.id, &account.email, profile)
            .await?;
        // The header greets by name: every cached session of the account reads it again.
        self.revoke(Revoked::User(account.id.clone())).await
    }

    /// Changes the password after checking the current one (throttled like sign-in), ends
    /// every session of the account, and starts a new one for the caller.
    #[tracing::instrument(name = "identity.change_password", skip_all)]
    pub async fn change_password(
        &self,
        id: &UserId,
        current: &str,
        new: &NewPassword,
    ) -> Result<SessionToken, IdentityError> {
        let user = self
            .tables
            .user(id)
            .await?
            .ok_or(IdentityError::NotSignedIn)?;
        let now = Timestamp::now();
        let keys = [format!("A#{}", user.account.email.as_str())];
        self.check_throttle(&keys, now).await?;
        if !password::verify(current, &user.password_hash).await? {
            self.record_failures(&keys, now).await?;
            return Err(IdentityError::Invalid(FieldError::new(
                "current_password",
                "is not your current password",
            )));
        }
        let hash = password::hash(new).await?;
        if !self
            .tables
            .replace_password_hash(id, &user.password_hash, &hash)
            .await?
        {
            return Err(IdentityError::Invalid(FieldError::new(
                "current_password",
                "was changed a moment ago; sign in again",
            )));
        }
        self.tables.delete_sessions_of(id).await?;
        self.revoke(Revoked::User(id.clone())).await?;
        self.start_session(id).await
    }

    async fn start_session(&self, user: &UserId) -> Result<SessionToken, IdentityError> {
        let token = SessionToken::generate();
        let now = Timestamp::now();
        let expires = Timestamp(now.millis() + SESSION_LIFETIME.as_millis() as i64);
        self.tables.put_session(&token, user, now, expires).await?;
        Ok(token)
    }

    /// Ends a session. Ending one that does not exist is not an error.
    #[tracing::instrument(name = "identity.sign_out", skip_all)]
    pub async fn sign_out(&self, token: &SessionToken) -> Result<(), IdentityError> {
        self.tables.delete_session(token).await?;
        self.revoke(Revoked::Session(token.storage_key())).await
    }

    /// Who is calling with `token`: anonymous for an unknown, expired or revoked session, or a
    /// disabled account. The role is the one stored now, not the one at sign-in.
    #[tracing::instrument(name = "identity.principal", skip_all)]
    pub async fn principal(&self, token: &SessionToken) -> Result<Principal, IdentityError> {
        let key = token.storage_key();
        if let Some(principal) = self.sessions.get(&key) {
            return Ok(principal);
        }
        let lookup = self.sessions.lookup();
        let Some(session) = self.tables.session(token).await? else {
            // No such session, and never will be: tokens are only made by signing in.
            let never = Timestamp(i64::MAX);
            self.sessions
                .put(key, None, Principal::ANONYMOUS, never, lookup);
            return Ok(Principal::ANONYMOUS);
        };
        if session.expires_at <= Timestamp::now() {
            self.tables.delete_session(token).await?;
            return Ok(Principal::ANONYMOUS);
        }
        let principal = self.principal_of(&session.user_id).await?;
        self.sessions.put(
            key,
            Some(session.user_id),
            principal.clone(),
            session.expires_at,
            lookup,
        );
        Ok(principal)
    }

    /// The principal of a stored account, for work done later on its behalf (a background
    /// job acting for the admin who started it): anonymous when the account is gone or
    /// disabled, and with the role it has now.
    pub async fn principal_of(&self, id: &UserId) -> Result<Principal, IdentityError> {
        Ok(self
            .tables
            .user(id)
            .await?
            .filter(|u| !u.disabled)
            .map_or(Principal::ANONYMOUS, |u| Principal::of_stored(u.account)))
    }

    /// Creates an account with `role`, or gives an existing account that role and the new
    /// password. For `server create-admin` and the demo accounts.
    pub async fn ensure_account(
        &self,
        form: SignUp,
        role: Role,
    ) -> Result<(Account, bool), IdentityError> {
        if let Some(existing) = self.tables.user_by_email(&form.email).await? {
            let hash = password::hash(&form.password).await?;
            self.tables
                .set_role(&existing.account.id, role, Some(&hash))
                .await?;
            self.revoke(Revoked::User(existing.account.id.clone()))
                .await?;
            let account = Account {
                role,
                ..existing.account
            };
            return Ok((account, false));
        }
        match self.create(form.clone(), role).await {
            Ok(account) => Ok((account, true)),
            // Created concurrently by someone else: promote that one.
            Err(IdentityError::EmailTaken) => Box::pin(self.ensure_account(form, role)).await,
            Err(e) => Err(e),
        }
    }
}
