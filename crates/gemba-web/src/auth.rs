//! Authentication shared by pages and API: argon2 password hashes, random secrets stored only
//! as SHA-256 hashes (sessions, API tokens), sign-in rate limiting, and the access check.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use gemba_domain::{OrgId, Role, Store, StoreError, UserId};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

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

/// Fewest characters of a new password (the CLI's rule too).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Most characters of a new password: enough for any passphrase, and a bound on the work of
/// hashing it.
pub const MAX_PASSWORD_CHARS: usize = 1024;
/// How long a password reset ("set your password") link works.
pub const RESET_HOURS: i64 = 72;

/// Whether `password` may become someone's password; the message says why not.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        Err(format!(
            "Enter a password of at least {MIN_PASSWORD_CHARS} characters"
        ))
    } else if n > MAX_PASSWORD_CHARS {
        Err(format!(
            "Enter a password of at most {MAX_PASSWORD_CHARS} characters"
        ))
    } else {
        Ok(())
    }
}

/// A new one-time reset secret working for [`RESET_HOURS`] from `now`: the secret for the
/// link, and what the store keeps (its hash and expiry).
pub fn new_reset(now: chrono::NaiveDateTime) -> (String, gemba_domain::ResetSecret) {
    let secret = new_secret();
    let reset = gemba_domain::ResetSecret {
        secret_hash: secret_hash(&secret),
        expires_at: now + chrono::Duration::hours(RESET_HOURS),
    };
    (secret, reset)
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

/// Whether `admin` may issue a password reset link for `person`: only when they are an admin of
/// every organisation where `person` is active. Otherwise the admin of one organisation could
/// take over an account that holds more power elsewhere (an admin of another trust).
pub async fn may_reset_password(
    store: &dyn Store,
    admin: UserId,
    person: UserId,
) -> Result<bool, StoreError> {
    let mine = store.memberships(admin).await?;
    let theirs = store.memberships(person).await?;
    Ok(theirs.iter().all(|t| {
        mine.iter()
            .any(|m| m.org.id == t.org.id && m.role == Role::Admin)
    }))
}

/// Runs argon2 password checks on tokio's blocking threads, at most a few at a time, so that
/// sign-ins queue for their turn instead of stalling the async workers that serve every other
/// request.
#[derive(Debug)]
pub struct PasswordChecker {
    permits: Arc<Semaphore>,
}

impl Default for PasswordChecker {
    fn default() -> Self {
        PasswordChecker::new(Self::DEFAULT_PERMITS)
    }
}

impl PasswordChecker {
    /// Checks that may run at once by default: argon2 is memory- and CPU-hard by design.
    pub const DEFAULT_PERMITS: usize = 2;

    /// A checker running at most `permits` checks at once.
    pub fn new(permits: usize) -> Self {
        PasswordChecker {
            permits: Arc::new(Semaphore::new(permits.max(1))),
        }
    }

    /// Whether `password` matches the stored PHC `hash` ([`verify_password`]), once a permit is
    /// free. The permit goes with the blocking task, so a client that hangs up cannot make more
    /// checks run at once.
    pub async fn verify(&self, password: String, hash: String) -> bool {
        let Ok(permit) = Arc::clone(&self.permits).acquire_owned().await else {
            return false;
        };
        tokio::task::spawn_blocking(move || {
            let ok = verify_password(&password, &hash);
            drop(permit);
            ok
        })
        .await
        .unwrap_or(false)
    }

    /// Hashes a new password ([`hash_password`]) once a permit is free, off the async workers.
    pub async fn hash(&self, password: String) -> Result<String, String> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|e| e.to_string())?;
        tokio::task::spawn_blocking(move || {
            let hashed = hash_password(&password).map_err(|e| e.to_string());
            drop(permit);
            hashed
        })
        .await
        .map_err(|e| e.to_string())?
    }

    /// Spends the time of a check on [`dummy_hash`], for an email that is not known.
    pub async fn verify_dummy(&self, password: String) -> bool {
        self.verify(password, dummy_hash().to_owned()).await
    }
}

/// Counts failed sign-ins in a sliding window, keyed two ways:
///
/// - per client address *and* email: five failures lock that email out from that address only,
///   so nobody elsewhere can lock a colleague out;
/// - per client address across emails: twenty failures lock the address out, so trying many
///   emails (or one password against many accounts) is limited too.
///
/// IPv6 clients are counted per /64 network, as one host usually holds a whole /64. The
/// memory is bounded: expired entries are swept, and past [`Self::MAX_ENTRIES`] keys the
/// stalest are dropped.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<Failures>,
}

#[derive(Debug, Default)]
struct Failures {
    per_email: HashMap<(IpAddr, String), Vec<Instant>>,
    per_client: HashMap<IpAddr, Vec<Instant>>,
    last_sweep: Option<Instant>,
}

impl LoginLimiter {
    /// Failed attempts allowed per client address and email in a window.
    pub const MAX_FAILURES: usize = 5;
    /// Failed attempts allowed per client address, whatever the emails, in a window.
    pub const MAX_FAILURES_PER_CLIENT: usize = 20;
    /// The window.
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);
    /// Keys kept per map at most.
    pub const MAX_ENTRIES: usize = 10_000;
    /// How often expired entries are swept at most.
    const SWEEP_EVERY: Duration = Duration::from_secs(60);

    /// Whether `email` may be tried again now from `client` (`None`: address unknown, counted
    /// as one shared client).
    pub fn allowed(&self, client: Option<IpAddr>, email: &str) -> bool {
        self.allowed_at(Instant::now(), client, email)
    }

    /// Records a failed attempt.
    pub fn failed(&self, client: Option<IpAddr>, email: &str) {
        self.failed_at(Instant::now(), client, email);
    }

    /// Forgets the failures of `email` from `client` after a successful sign-in. The client's
    /// count across emails stays, so that signing in to one's own account does not reset it.
    pub fn succeeded(&self, client: Option<IpAddr>, email: &str) {
        let key = (client_key(client), email.to_owned());
        self.lock().per_email.remove(&key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Failures> {
        match self.failures.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn allowed_at(&self, now: Instant, client: Option<IpAddr>, email: &str) -> bool {
        let client = client_key(client);
        let map = self.lock();
        let recent = |list: Option<&Vec<Instant>>| {
            list.map_or(0, |l| {
                l.iter()
                    .filter(|t| now.duration_since(**t) < Self::WINDOW)
                    .count()
            })
        };
        recent(map.per_email.get(&(client, email.to_owned()))) < Self::MAX_FAILURES
            && recent(map.per_client.get(&client)) < Self::MAX_FAILURES_PER_CLIENT
    }

    fn failed_at(&self, now: Instant, client: Option<IpAddr>, email: &str) {
        let client = client_key(client);
        let mut map = self.lock();
        let due = map
            .last_sweep
            .is_none_or(|t| now.duration_since(t) >= Self::SWEEP_EVERY);
        if due
            || map.per_email.len() >= Self::MAX_ENTRIES
            || map.per_client.len() >= Self::MAX_ENTRIES
        {
            map.last_sweep = Some(now);
            sweep(&mut map.per_email, now);
            sweep(&mut map.per_client, now);
            cap(&mut map.per_email);
            cap(&mut map.per_client);
        }
        record(
            map.per_email.entry((client, email.to_owned())).or_default(),
            now,
            Self::MAX_FAILURES,
        );
        record(
            map.per_client.entry(client).or_default(),
            now,
            Self::MAX_FAILURES_PER_CLIENT,
        );
    }

    #[cfg(test)]
    fn len(&self) -> (usize, usize) {
        let map = self.lock();
        (map.per_email.len(), map.per_client.len())
    }
}

/// The key of a client: its address, an IPv6 address's /64 network, or "unspecified" when the
/// address is not known.
fn client_key(client: Option<IpAddr>) -> IpAddr {
    match client {
        None => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        Some(IpAddr::V4(v4)) => IpAddr::V4(v4),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Adds a failure at `now`, keeping only the latest `keep` (older ones cannot matter).
fn record(list: &mut Vec<Instant>, now: Instant, keep: usize) {
    list.push(now);
    if list.len() > keep {
        let extra = list.len() - keep;
        list.drain(..extra);
    }
}

/// Drops the failures older than the window, and the keys left with none.
fn sweep<K>(map: &mut HashMap<K, Vec<Instant>>, now: Instant) {
    map.retain(|_, list| {
        list.retain(|t| now.duration_since(*t) < LoginLimiter::WINDOW);
        !list.is_empty()
    });
}

/// Past [`LoginLimiter::MAX_ENTRIES`] keys, drops the stalest tenth (by latest failure), so
/// that a flood of new keys costs one sort now and then rather than one per request.
fn cap<K: Clone + Eq + std::hash::Hash>(map: &mut HashMap<K, Vec<Instant>>) {
    if map.len() < LoginLimiter::MAX_ENTRIES {
        return;
    }
    let mut by_age: Vec<(Option<Instant>, K)> = map
        .iter()
        .map(|(k, list)| (list.last().copied(), k.clone()))
        .collect();
    by_age.sort_unstable_by_key(|(latest, _)| *latest);
    let drop = map.len() - LoginLimiter::MAX_ENTRIES * 9 / 10;
    for (_, k) in by_age.into_iter().take(drop) {
        map.remove(&k);
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
    fn new_passwords_have_a_length_between_12_and_1024() {
        assert!(check_new_password("eleven char").is_err());
        assert!(check_new_password("twelve chars").is_ok());
        assert!(
            check_new_password("ééééééééééé").is_err(),
            "11 characters, 22 bytes"
        );
        assert!(check_new_password(&"x".repeat(1024)).is_ok());
        assert!(check_new_password(&"x".repeat(1025)).is_err());
    }

    #[test]
    fn reset_links_last_72_hours_and_keep_only_a_hash() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let (secret, reset) = new_reset(now);
        assert_eq!(reset.secret_hash, secret_hash(&secret));
        assert_ne!(reset.secret_hash, secret);
        assert_eq!(
            reset.expires_at,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap()
        );
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

    const HOME: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));
    const AWAY: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7)));

    #[test]
    fn limiter_blocks_after_five_failures() {
        let l = LoginLimiter::default();
        for _ in 0..5 {
            assert!(l.allowed(HOME, "a@b.nhs.uk"));
            l.failed(HOME, "a@b.nhs.uk");
        }
        assert!(!l.allowed(HOME, "a@b.nhs.uk"));
        assert!(l.allowed(HOME, "other@b.nhs.uk"));
        l.succeeded(HOME, "a@b.nhs.uk");
        assert!(l.allowed(HOME, "a@b.nhs.uk"));
    }

    /// Regression: failures were counted per email only, so anyone anywhere could lock a
    /// colleague out for 15 minutes with five wrong passwords.
    #[test]
    fn limiter_regression_a_stranger_cannot_lock_someone_out() {
        let l = LoginLimiter::default();
        for _ in 0..5 {
            l.failed(AWAY, "victim@b.nhs.uk");
        }
        assert!(!l.allowed(AWAY, "victim@b.nhs.uk"));
        assert!(l.allowed(HOME, "victim@b.nhs.uk"));
    }

    /// Regression: trying many emails from one address was never limited.
    #[test]
    fn limiter_regression_many_emails_from_one_client_are_limited() {
        let l = LoginLimiter::default();
        for i in 0..LoginLimiter::MAX_FAILURES_PER_CLIENT {
            let email = format!("user{i}@b.nhs.uk");
            assert!(l.allowed(AWAY, &email), "attempt {i}");
            l.failed(AWAY, &email);
        }
        assert!(!l.allowed(AWAY, "fresh@b.nhs.uk"));
        assert!(l.allowed(HOME, "fresh@b.nhs.uk"));
        // Signing in to one's own account does not reset the count across emails.
        l.succeeded(AWAY, "user0@b.nhs.uk");
        assert!(!l.allowed(AWAY, "fresh@b.nhs.uk"));
    }

    #[test]
    fn limiter_counts_an_ipv6_network_as_one_client() {
        let l = LoginLimiter::default();
        for host in 0..5u16 {
            let ip = Ipv6Addr::new(0x2001, 0xdb8, 1, 2, host, 0, 0, 1);
            l.failed(Some(IpAddr::V6(ip)), "a@b.nhs.uk");
        }
        let neighbour = Ipv6Addr::new(0x2001, 0xdb8, 1, 2, 0xffff, 1, 2, 3);
        assert!(!l.allowed(Some(IpAddr::V6(neighbour)), "a@b.nhs.uk"));
        let elsewhere = Ipv6Addr::new(0x2001, 0xdb8, 1, 3, 0, 0, 0, 1);
        assert!(l.allowed(Some(IpAddr::V6(elsewhere)), "a@b.nhs.uk"));
    }

    /// Regression: the map of failures grew forever. Failures expire after the window and
    /// are swept; the number of keys is capped.
    #[test]
    fn limiter_regression_forgets_expired_failures_and_stays_bounded() {
        let l = LoginLimiter::default();
        let start = Instant::now();
        for _ in 0..5 {
            l.failed_at(start, HOME, "a@b.nhs.uk");
        }
        assert!(!l.allowed_at(start, HOME, "a@b.nhs.uk"));
        let later = start + LoginLimiter::WINDOW;
        assert!(l.allowed_at(later, HOME, "a@b.nhs.uk"));
        l.failed_at(later, AWAY, "b@b.nhs.uk");
        assert_eq!(l.len(), (1, 1), "the expired entries were swept");

        let l = LoginLimiter::default();
        for i in 0..(LoginLimiter::MAX_ENTRIES + 500) {
            let ip = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i as u32));
            l.failed_at(
                start + Duration::from_millis(i as u64),
                Some(ip),
                "a@b.nhs.uk",
            );
        }
        let (per_email, per_client) = l.len();
        assert!(per_email <= LoginLimiter::MAX_ENTRIES, "{per_email}");
        assert!(per_client <= LoginLimiter::MAX_ENTRIES, "{per_client}");
        // The newest failures are the ones kept.
        let newest = IpAddr::V4(Ipv4Addr::from(
            0x0a00_0000 + LoginLimiter::MAX_ENTRIES as u32 + 499,
        ));
        assert_eq!(l.lock().per_client.get(&newest).map(Vec::len), Some(1));
    }

    /// The dummy hash must be a real argon2 hash, else unknown emails fail at once and the
    /// timing tells which emails have accounts.
    #[test]
    fn dummy_hash_takes_a_real_check() {
        let h = PasswordHash::new(dummy_hash()).unwrap();
        assert_eq!(h.algorithm.as_str(), "argon2id");
        assert!(h.hash.is_some());
    }

    /// Regression: argon2 ran on the async workers, so a few sign-ins stalled every request.
    /// Checks now run on blocking threads, and at most `permits` at once.
    #[tokio::test(flavor = "current_thread")]
    async fn password_checks_leave_the_async_worker_free() {
        let hash = hash_password("correct horse").unwrap();
        let checker = Arc::new(PasswordChecker::new(1));
        let slow = {
            let (checker, hash) = (Arc::clone(&checker), hash.clone());
            tokio::spawn(async move { checker.verify("correct horse".into(), hash).await })
        };
        // On a single-threaded runtime another task runs while the check is under way only if
        // the check is off the worker (the check was spawned first, so it would run first).
        let ticked = tokio::spawn(async { 1 });
        assert_eq!(ticked.await.unwrap(), 1);
        assert!(!slow.is_finished(), "the check blocked the async worker");
        assert!(slow.await.unwrap());
        assert!(!checker.verify("wrong".into(), hash).await);
        assert!(!checker.verify_dummy("anything".into()).await);
    }
}
