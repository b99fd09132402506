//! Authentication shared by pages and API: argon2 password hashes, random secrets stored only
//! as SHA-256 hashes (sessions, API tokens), sign-in rate limiting, and the access check.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use gemba_domain::{OrgId, Role, Store, StoreError, UserId};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Whether `password` matches the stored PHC hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash that no password matches in a reasonable time, for timing-safe failed sign-ins of
/// unknown emails.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Tz5oV2Kq7cA8V9u3cQ4yq5a8qUvDdF0t0L1xgXb3mYk"
}

/// A new random secret: 32 bytes, hex.
pub fn new_secret() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// The SHA-256 of a secret, hex: what the store keeps instead of the secret.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The role `user` holds in `org`, or `None` when they are not a member: callers then answer
/// 404, so that another organisation's ids are indistinguishable from ids that do not exist.
pub async fn role_in(
    store: &dyn Store,
    user: UserId,
    org: OrgId,
) -> Result<Option<Role>, StoreError> {
    Ok(store
        .memberships(user)
        .await?
        .into_iter()
        .find(|m| m.org.id == org)
        .map(|m| m.role))
}

/// Counts failed sign-ins per key (email) in a sliding window.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    /// Failed attempts allowed per window.
    pub const MAX_FAILURES: usize = 5;
    /// The window.
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    /// Whether `key` may try again now.
    pub fn allowed(&self, key: &str) -> bool {
        let now = Instant::now();
        let mut map = match self.failures.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        let list = map.entry(key.to_owned()).or_default();
        list.retain(|t| now.duration_since(*t) < Self::WINDOW);
        list.len() < Self::MAX_FAILURES
    }

    /// Records a failed attempt.
    pub fn failed(&self, key: &str) {
        let mut map = match self.failures.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.entry(key.to_owned()).or_default().push(Instant::now());
    }

    /// Forgets failures after a successful sign-in.
    pub fn succeeded(&self, key: &str) {
        let mut map = match self.failures.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let a = new_secret();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_secret());
        assert_eq!(
            secret_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn limiter_blocks_after_five_failures() {
        let l = LoginLimiter::default();
        for _ in 0..5 {
            assert!(l.allowed("a@b.nhs.uk"));
            l.failed("a@b.nhs.uk");
        }
        assert!(!l.allowed("a@b.nhs.uk"));
        assert!(l.allowed("other@b.nhs.uk"));
        l.succeeded("a@b.nhs.uk");
        assert!(l.allowed("a@b.nhs.uk"));
    }
}
