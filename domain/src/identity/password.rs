//! Password hashing: argon2id at OWASP's minimum cost (19 MiB, 2 iterations, 1 lane), run on
//! the blocking pool so sign-ins never stall the async workers.

use super::{IdentityError, NewPassword};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MEMORY_KIB: u32 = 19 * 1024;
pub const ITERATIONS: u32 = 2;
pub const LANES: u32 = 1;

fn hasher() -> Result<Argon2<'static>, IdentityError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None)
        .map_err(|e| IdentityError::Hashing(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) to store.
pub async fn hash(password: &NewPassword) -> Result<String, IdentityError> {
    hash_secret(password.expose().to_owned()).await
}

async fn hash_secret(secret: String) -> Result<String, IdentityError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()?
            .hash_password(secret.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| IdentityError::Hashing(e.to_string()))
    })
    .await
    .map_err(|e| IdentityError::Hashing(e.to_string()))?
}

/// Whether `candidate` matches `stored`. A malformed stored hash never matches.
pub async fn verify(candidate: &str, stored: &str) -> Result<bool, IdentityError> {
    let candidate = candidate.to_owned();
    let stored = stored.to_owned();
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return Ok(false);
        };
        Ok(hasher()?
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| IdentityError::Hashing(e.to_string()))?
}

/// A valid hash of a random password, verified against for unknown emails so that a sign-in
/// takes as long whether or not the account exists. A failure is returned, not remembered:
/// the next sign-in tries again.
pub async fn decoy_hash() -> Result<&'static str, IdentityError> {
    static DECOY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DECOY
        .get_or_try_init(|| hash_secret(hex::encode(crate::random::bytes::<32>())))
        .await
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_is_argon2id_at_the_owasp_minimum_and_verifies_only_its_password() {
        let password = NewPassword::parse("correct horse battery").unwrap();
        let stored = hash(&password).await.unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify("correct horse battery", &stored).await.unwrap());
        assert!(!verify("correct horse batterY", &stored).await.unwrap());
        assert!(!verify("anything", "not a hash").await.unwrap());
    }

    #[tokio::test]
    async fn two_hashes_of_one_password_differ_by_their_salt() {
        let password = NewPassword::parse("same password").unwrap();
        assert_ne!(
            hash(&password).await.unwrap(),
            hash(&password).await.unwrap()
        );
    }
}
