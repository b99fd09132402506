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
        mine.iter().any(|m| {
            m.org.id == t.org.id
                && gemba_domain::permits(m.role, false, gemba_domain::Action::ManageOrganisation)
        })
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

/// Counts failed sign-ins in a sliding window and slows down whoever keeps failing, keyed two
/// ways:
///
/// - per client *and* account: after [`Self::FREE_FAILURES`] failures each further attempt
///   waits twice as long as the last (30 s, 1 min, 2 min … up to the window), so a person who
///   mistyped waits half a minute, while guessing gets a handful of tries an hour;
/// - per client address across accounts: past [`Self::FREE_FAILURES_PER_CLIENT`] failures the
///   same backoff applies to the address, so trying many emails (or one password against many
///   accounts) is slowed too.
///
/// Nothing locks an account for everyone: failures from one client never slow another. A
/// browser that signed in to an account before carries a device cookie for it
/// ([`DEVICE_COOKIE`]); with it, that account is counted for that browser alone and the
/// address's count does not apply, so a real user behind a busy NAT or proxy address is not
/// locked out by others' failures there (OWASP's "device cookies").
///
/// The check and the count are one step ([`Self::begin`]): an attempt is counted as failed
/// before its password is checked and forgiven if it succeeds, so concurrent guesses cannot all
/// pass the check before any is counted.
///
/// IPv6 clients are counted per /64 network, as one host usually holds a whole /64. The
/// memory is bounded: expired entries are swept, and past [`Self::MAX_ENTRIES`] keys the
/// stalest are dropped. Counts live in memory: a restart forgets them (and the device cookies).
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<Failures>,
}

/// Whom a failure is counted against: an address (IPv6: its /64), or a known device.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ClientKey {
    Address(IpAddr),
    Device(String),
}

#[derive(Debug, Default)]
struct Failures {
    per_account: HashMap<(ClientKey, String), Vec<Instant>>,
    per_client: HashMap<IpAddr, Vec<Instant>>,
    /// SHA-256 of a device cookie's secret → the account (lower-case email) it signed in to.
    devices: HashMap<String, (String, Instant)>,
    last_sweep: Option<Instant>,
}

/// The cookie that marks a browser which has signed in to an account before.
pub const DEVICE_COOKIE: &str = "gemba_device";

/// A sign-in attempt under way: counted as a failure until [`Attempt::succeeded`].
#[derive(Debug)]
#[must_use = "an attempt stays counted as failed unless it succeeds"]
pub struct Attempt<'a> {
    limiter: &'a LoginLimiter,
    key: (ClientKey, String),
    address: Option<IpAddr>,
    at: Instant,
}

impl Attempt<'_> {
    /// Forgets this client's failures for the account (the address's count across accounts
    /// keeps the earlier ones, so signing in to one's own account does not reset it) and
    /// returns the secret of a new device cookie for the account.
    pub fn succeeded(self) -> String {
        let mut map = self.limiter.lock();
        map.per_account.remove(&self.key);
        if let Some(address) = self.address {
            if let Some(list) = map.per_client.get_mut(&address) {
                if let Some(i) = list.iter().rposition(|t| *t == self.at) {
                    list.remove(i);
                }
            }
        }
        let secret = new_secret();
        if map.devices.len() >= LoginLimiter::MAX_ENTRIES {
            let oldest = map
                .devices
                .iter()
                .min_by_key(|(_, (_, at))| *at)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                map.devices.remove(&k);
            }
        }
        map.devices
            .insert(secret_hash(&secret), (self.key.1.clone(), self.at));
        secret
    }
}

impl LoginLimiter {
    /// Failed attempts per client and account before the backoff starts.
    pub const FREE_FAILURES: usize = 5;
    /// Failed attempts per client address, whatever the accounts, before the backoff starts.
    pub const FREE_FAILURES_PER_CLIENT: usize = 20;
    /// The first wait once the free failures are used; each further failure doubles it.
    pub const FIRST_WAIT: Duration = Duration::from_secs(30);
    /// How long a failure counts, and the longest wait.
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);
    /// Keys kept per map at most.
    pub const MAX_ENTRIES: usize = 10_000;
    /// How often expired entries are swept at most.
    const SWEEP_EVERY: Duration = Duration::from_secs(60);
    /// Failures kept per key: enough to reach the longest wait past the larger free count.
    const KEEP: usize = Self::FREE_FAILURES_PER_CLIENT + 11;

    /// Starts a sign-in attempt for `email` from `client` (`None`: address unknown, counted
    /// as one shared client), with the browser's device cookie if it sent one. `Err` is how
    /// long the client must wait first; nothing is counted then.
    pub fn begin(
        &self,
        client: Option<IpAddr>,
        device: Option<&str>,
        email: &str,
    ) -> Result<Attempt<'_>, Duration> {
        self.begin_at(Instant::now(), client, device, email)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Failures> {
        match self.failures.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn begin_at(
        &self,
        now: Instant,
        client: Option<IpAddr>,
        device: Option<&str>,
        email: &str,
    ) -> Result<Attempt<'_>, Duration> {
        let email = email.to_lowercase();
        let address = client_key(client);
        let mut map = self.lock();
        map.sweep_if_due(now);
        // A device cookie counts only for the account it signed in to.
        let device = device
            .map(secret_hash)
            .filter(|h| map.devices.get(h).is_some_and(|(e, _)| *e == email));
        let key = match device {
            Some(hash) => (ClientKey::Device(hash), email),
            None => (ClientKey::Address(address), email),
        };
        let known_device = matches!(key.0, ClientKey::Device(_));
        let mut wait = wait_for(map.per_account.get(&key), now, Self::FREE_FAILURES);
        if !known_device {
            wait = wait.max(wait_for(
                map.per_client.get(&address),
                now,
                Self::FREE_FAILURES_PER_CLIENT,
            ));
        }
        if !wait.is_zero() {
            return Err(wait);
        }
        record(map.per_account.entry(key.clone()).or_default(), now);
        let counted_address = (!known_device).then_some(address);
        if let Some(a) = counted_address {
            record(map.per_client.entry(a).or_default(), now);
        }
        Ok(Attempt {
            limiter: self,
            key,
            address: counted_address,
            at: now,
        })
    }

    #[cfg(test)]
    fn len(&self) -> (usize, usize) {
        let map = self.lock();
        (map.per_account.len(), map.per_client.len())
    }
}

impl Failures {
    fn sweep_if_due(&mut self, now: Instant) {
        let due = self
            .last_sweep
            .is_none_or(|t| now.duration_since(t) >= LoginLimiter::SWEEP_EVERY);
        if due
            || self.per_account.len() >= LoginLimiter::MAX_ENTRIES
            || self.per_client.len() >= LoginLimiter::MAX_ENTRIES
        {
            self.last_sweep = Some(now);
            sweep(&mut self.per_account, now);
            sweep(&mut self.per_client, now);
            cap(&mut self.per_account);
            cap(&mut self.per_client);
        }
    }
}

/// How long a key with these failures must wait at `now`: nothing while fewer than `free`
/// failures fall in the window, then [`LoginLimiter::FIRST_WAIT`] doubled for each failure
/// past `free`, counted from the latest failure and capped at the window.
fn wait_for(list: Option<&Vec<Instant>>, now: Instant, free: usize) -> Duration {
    let Some(list) = list else {
        return Duration::ZERO;
    };
    let recent: Vec<&Instant> = list
        .iter()
        .filter(|t| now.duration_since(**t) < LoginLimiter::WINDOW)
        .collect();
    let (Some(latest), true) = (recent.last(), recent.len() >= free) else {
        return Duration::ZERO;
    };
    let doublings = u32::try_from(recent.len() - free)
        .unwrap_or(u32::MAX)
        .min(10);
    let wait = LoginLimiter::FIRST_WAIT
        .saturating_mul(1 << doublings)
        .min(LoginLimiter::WINDOW);
    wait.saturating_sub(now.duration_since(**latest))
}

/// A wait in whole seconds, rounded up, at least 1 (for `Retry-After`).
pub fn whole_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// "30 seconds", "2 minutes": a wait in words, rounded up.
pub fn wait_in_words(wait: Duration) -> String {
    let secs = whole_seconds(wait);
    if secs < 60 {
        let s = secs;
        format!("{s} second{}", if s == 1 { "" } else { "s" })
    } else {
        let m = secs.div_ceil(60);
        format!("{m} minute{}", if m == 1 { "" } else { "s" })
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

/// Adds a failure at `now`, keeping only the latest few (older ones cannot matter).
fn record(list: &mut Vec<Instant>, now: Instant) {
    list.push(now);
    if list.len() > LoginLimiter::KEEP {
        let extra = list.len() - LoginLimiter::KEEP;
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

/// The reverse proxies whose forwarding headers are believed (`gemba serve --trusted-proxy`).
///
/// With none (the default), the client is the peer of the TCP connection and forwarding
/// headers are ignored, as anyone can send them. When the peer is a trusted proxy, the client
/// is found in its `Forwarded` (RFC 7239) or, failing that, `X-Forwarded-For` header: the
/// addresses are read from the right (the one the trusted proxy added) and trusted proxies are
/// skipped, so the first address not in the list is the client. A client cannot spoof its
/// address by sending these headers itself: whatever it wrote stands to the left of what the
/// proxy appended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<ipnet::IpNet>);

/// A `--trusted-proxy` value that is not an address or a CIDR range.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("'{0}' is not an IP address or a CIDR range such as 10.0.0.0/8 or ::1/128")]
pub struct BadProxy(pub String);

impl TrustedProxies {
    /// Parses addresses and CIDR ranges (`10.0.0.0/8`, `192.0.2.7`, `::1`), separated by
    /// commas or spaces.
    pub fn parse<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Self, BadProxy> {
        let mut nets = Vec::new();
        for item in items
            .into_iter()
            .flat_map(|s| s.split([',', ' ']))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let net = item
                .parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| BadProxy(item.to_owned()))?;
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    /// Whether none is configured.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client of a request that came from `peer` with these headers.
    pub fn client(&self, peer: IpAddr, headers: &axum::http::HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let forwarded: Vec<&str> = headers
            .get_all("forwarded")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let chain: Vec<Option<IpAddr>> = if !forwarded.is_empty() {
            forwarded
                .iter()
                .flat_map(|v| v.split(','))
                .map(forwarded_for)
                .collect()
        } else {
            headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(|s| parse_node(s.trim()))
                .collect()
        };
        let mut client = peer;
        for hop in chain.into_iter().rev() {
            match hop {
                // An unknown or obfuscated hop: the trusted chain ends at the last proxy.
                None => break,
                Some(ip) => {
                    client = ip;
                    if !self.trusts(ip) {
                        break;
                    }
                }
            }
        }
        client
    }
}

impl std::fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, net) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{net}")?;
        }
        Ok(())
    }
}

/// The `for=` node of one element of a `Forwarded` header, if it is an address.
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("for")
            .then(|| parse_node(v.trim().trim_matches('"')))
            .flatten()
    })
}

/// An address as forwarding headers write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `[2001:db8::1]:4711`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    node.rsplit_once(':')?
        .0
        .parse::<Ipv4Addr>()
        .ok()
        .map(IpAddr::V4)
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
    const SECOND: Duration = Duration::from_secs(1);

    /// Fails `n` attempts at `now`.
    fn fail(l: &LoginLimiter, now: Instant, client: Option<IpAddr>, email: &str, n: usize) {
        for i in 0..n {
            let attempt = l.begin_at(now, client, None, email);
            assert!(attempt.is_ok(), "attempt {i} was refused");
        }
    }

    #[test]
    fn limiter_slows_after_five_failures_with_a_doubling_wait() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        fail(&l, t0, HOME, "a@b.nhs.uk", 5);
        // Five free failures, then 30 s, 60 s, 120 s … after the latest one.
        assert_eq!(
            l.begin_at(t0, HOME, None, "a@b.nhs.uk").unwrap_err(),
            30 * SECOND
        );
        assert_eq!(
            l.begin_at(t0 + 10 * SECOND, HOME, None, "a@b.nhs.uk")
                .unwrap_err(),
            20 * SECOND
        );
        let t1 = t0 + 30 * SECOND;
        fail(&l, t1, HOME, "a@b.nhs.uk", 1);
        assert_eq!(
            l.begin_at(t1, HOME, None, "a@b.nhs.uk").unwrap_err(),
            60 * SECOND
        );
        // Another account from the same client is not slowed.
        assert!(l.begin_at(t1, HOME, None, "other@b.nhs.uk").is_ok());
        // The wait never exceeds the window.
        let l = LoginLimiter::default();
        let mut t = t0;
        for _ in 0..14 {
            let _ = l.begin_at(t, HOME, None, "a@b.nhs.uk");
            t += LoginLimiter::WINDOW / 16;
        }
        let wait = l.begin_at(t, HOME, None, "a@b.nhs.uk").unwrap_err();
        assert!(wait <= LoginLimiter::WINDOW, "{wait:?}");
    }

    #[test]
    fn limiter_forgives_a_successful_sign_in() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        fail(&l, t0, HOME, "a@b.nhs.uk", 4);
        let ok = l.begin_at(t0, HOME, None, "a@b.nhs.uk").unwrap();
        let _device = ok.succeeded();
        fail(&l, t0, HOME, "a@b.nhs.uk", 5);
        // The success itself is not counted against the address.
        assert_eq!(l.lock().per_client[&HOME.unwrap()].len(), 4 + 5);
    }

    /// Regression: failures were counted per email only, so anyone anywhere could lock a
    /// colleague out with five wrong passwords.
    #[test]
    fn limiter_regression_a_stranger_cannot_lock_someone_out() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        fail(&l, t0, AWAY, "victim@b.nhs.uk", 5);
        assert!(l.begin_at(t0, AWAY, None, "victim@b.nhs.uk").is_err());
        assert!(l.begin_at(t0, HOME, None, "victim@b.nhs.uk").is_ok());
    }

    /// Regression: trying many emails from one address was never limited.
    #[test]
    fn limiter_regression_many_emails_from_one_client_are_limited() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        for i in 0..LoginLimiter::FREE_FAILURES_PER_CLIENT {
            fail(&l, t0, AWAY, &format!("user{i}@b.nhs.uk"), 1);
        }
        assert!(l.begin_at(t0, AWAY, None, "fresh@b.nhs.uk").is_err());
        assert!(l.begin_at(t0, HOME, None, "fresh@b.nhs.uk").is_ok());
    }

    /// Regression (issue 8): behind one shared address, 20 failures with made-up emails locked
    /// every user out, renewable forever. A browser that signed in to its account before is
    /// counted on its own, whatever others do from the same address.
    #[test]
    fn limiter_regression_a_known_browser_is_not_locked_out_by_its_neighbours() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        let device = l
            .begin_at(t0, HOME, None, "nurse@b.nhs.uk")
            .unwrap()
            .succeeded();
        for i in 0..100 {
            let _ = l.begin_at(t0, HOME, None, &format!("made-up{i}@b.nhs.uk"));
            let _ = l.begin_at(t0, HOME, None, "nurse@b.nhs.uk");
        }
        assert!(l.begin_at(t0, HOME, None, "nurse@b.nhs.uk").is_err());
        assert!(l
            .begin_at(t0, HOME, Some(&device), "NURSE@b.nhs.uk")
            .is_ok());
        // The cookie is worth nothing for another account.
        assert!(l
            .begin_at(t0, HOME, Some(&device), "ward-manager@b.nhs.uk")
            .is_err());
        // And a device's own failures still slow it down.
        for _ in 0..LoginLimiter::FREE_FAILURES {
            let _ = l.begin_at(t0, HOME, Some(&device), "nurse@b.nhs.uk");
        }
        assert!(l
            .begin_at(t0, HOME, Some(&device), "nurse@b.nhs.uk")
            .is_err());
    }

    /// Regression (issue 8): the check and the count were two steps, so 40 concurrent attempts
    /// got 39 wrong passwords checked against a limit of 5.
    #[test]
    fn limiter_regression_concurrent_attempts_are_counted_before_they_are_checked() {
        let l = Arc::new(LoginLimiter::default());
        let started = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..40 {
                s.spawn(|| {
                    if let Ok(attempt) = l.begin(HOME, None, "a@b.nhs.uk") {
                        started.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        // The password check would run here, the attempt still held.
                        std::thread::sleep(Duration::from_millis(5));
                        drop(attempt);
                    }
                });
            }
        });
        assert_eq!(started.into_inner(), LoginLimiter::FREE_FAILURES);
    }

    #[test]
    fn limiter_counts_an_ipv6_network_as_one_client() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        for host in 0..5u16 {
            let ip = Ipv6Addr::new(0x2001, 0xdb8, 1, 2, host, 0, 0, 1);
            fail(&l, t0, Some(IpAddr::V6(ip)), "a@b.nhs.uk", 1);
        }
        let neighbour = Ipv6Addr::new(0x2001, 0xdb8, 1, 2, 0xffff, 1, 2, 3);
        assert!(l
            .begin_at(t0, Some(IpAddr::V6(neighbour)), None, "a@b.nhs.uk")
            .is_err());
        let elsewhere = Ipv6Addr::new(0x2001, 0xdb8, 1, 3, 0, 0, 0, 1);
        assert!(l
            .begin_at(t0, Some(IpAddr::V6(elsewhere)), None, "a@b.nhs.uk")
            .is_ok());
    }

    /// Regression: the map of failures grew forever. Failures expire after the window and
    /// are swept; the number of keys is capped.
    #[test]
    fn limiter_regression_forgets_expired_failures_and_stays_bounded() {
        let l = LoginLimiter::default();
        let start = Instant::now();
        fail(&l, start, HOME, "a@b.nhs.uk", 5);
        assert!(l.begin_at(start, HOME, None, "a@b.nhs.uk").is_err());
        let later = start + LoginLimiter::WINDOW;
        fail(&l, later, AWAY, "b@b.nhs.uk", 1);
        assert_eq!(l.len(), (1, 1), "the expired entries were swept");
        assert!(l.begin_at(later, HOME, None, "a@b.nhs.uk").is_ok());

        let l = LoginLimiter::default();
        for i in 0..(LoginLimiter::MAX_ENTRIES + 500) {
            let ip = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i as u32));
            fail(
                &l,
                start + Duration::from_millis(i as u64),
                Some(ip),
                "a@b.nhs.uk",
                1,
            );
        }
        let (per_account, per_client) = l.len();
        assert!(per_account <= LoginLimiter::MAX_ENTRIES, "{per_account}");
        assert!(per_client <= LoginLimiter::MAX_ENTRIES, "{per_client}");
        // The newest failures are the ones kept.
        let newest = IpAddr::V4(Ipv4Addr::from(
            0x0a00_0000 + LoginLimiter::MAX_ENTRIES as u32 + 499,
        ));
        assert_eq!(l.lock().per_client.get(&newest).map(Vec::len), Some(1));
    }

    #[test]
    fn waits_read_in_words() {
        assert_eq!(wait_in_words(Duration::from_millis(200)), "1 second");
        assert_eq!(wait_in_words(30 * SECOND), "30 seconds");
        assert_eq!(wait_in_words(61 * SECOND), "2 minutes");
        assert_eq!(wait_in_words(LoginLimiter::WINDOW), "15 minutes");
    }

    fn headers(pairs: &[(&str, &str)]) -> axum::http::HeaderMap {
        let mut h = axum::http::HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarding_headers_are_ignored_unless_the_peer_is_a_trusted_proxy() {
        let none = TrustedProxies::default();
        let spoof = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(none.client(ip("198.51.100.7"), &spoof), ip("198.51.100.7"));
        let proxy = TrustedProxies::parse(["10.0.0.0/8"]).unwrap();
        // A client talking to Gemba directly cannot claim another address.
        assert_eq!(proxy.client(ip("198.51.100.7"), &spoof), ip("198.51.100.7"));
        // Through the proxy, its address is the one the proxy appended.
        assert_eq!(proxy.client(ip("10.1.2.3"), &spoof), ip("203.0.113.9"));
    }

    #[test]
    fn the_client_is_the_rightmost_untrusted_forwarded_address() {
        let proxies = TrustedProxies::parse(["10.0.0.0/8, 192.0.2.7", "::1"]).unwrap();
        // The client wrote a fake first hop; the proxies appended the real one and themselves.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 192.0.2.7")]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &h), ip("203.0.113.9"));
        // Two header lines are one list.
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "203.0.113.9:5555"),
        ]);
        assert_eq!(proxies.client(ip("::1"), &h), ip("203.0.113.9"));
        // RFC 7239 wins over X-Forwarded-For, with quoted IPv6 and ports.
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            (
                "forwarded",
                r#"for=1.2.3.4, for="[2001:db8:cafe::17]:4711";proto=https, For=192.0.2.7"#,
            ),
        ]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &h), ip("2001:db8:cafe::17"));
        // An obfuscated hop ends the trusted chain at the proxy before it.
        let h = headers(&[("forwarded", "for=203.0.113.9, for=_hidden, for=192.0.2.7")]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &h), ip("192.0.2.7"));
        // No header: the proxy itself.
        assert_eq!(
            proxies.client(ip("10.0.0.1"), &headers(&[])),
            ip("10.0.0.1")
        );
        // IPv4-mapped IPv6 peers match IPv4 ranges.
        assert_eq!(
            proxies.client(
                ip("::ffff:10.0.0.1"),
                &headers(&[("x-forwarded-for", "203.0.113.9")])
            ),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn trusted_proxies_parse_or_say_what_is_wrong() {
        assert!(TrustedProxies::parse(["127.0.0.1"]).is_ok());
        assert!(TrustedProxies::parse([""]).unwrap().is_empty());
        assert_eq!(
            TrustedProxies::parse(["10.0.0.0/8,proxy.local"]),
            Err(BadProxy("proxy.local".into()))
        );
        assert!(BadProxy("x".into()).to_string().contains("CIDR"));
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
