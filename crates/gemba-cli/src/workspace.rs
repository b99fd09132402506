//! `gemba serve`, `gemba user add` and `gemba token create`: the web workspace and its
//! administration.

use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use gemba_domain::{Email, Role, Store};
use gemba_store_sqlite::SqliteStore;
use gemba_web::auth::TrustedProxies;
use gemba_web::mail::{MailSettings, Mailer};
use gemba_web::AppState;

use crate::args::{ServerArgs, TokenCommand, UserCommand};

/// A runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Opens (creating and migrating if needed) the SQLite database.
pub async fn open_store(database: &str) -> Result<SqliteStore> {
    SqliteStore::open(database)
        .await
        .with_context(|| format!("cannot open the database {database}"))
}

/// How often the e-mail outbox is sent.
const MAIL_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// Serves the workspace on `bind` until Ctrl-C; with `mail`, e-mails notifications through its
/// SMTP sender (else e-mail is off).
pub async fn serve_store(
    store: Arc<dyn Store>,
    bind: &str,
    secure_cookies: bool,
    trusted_proxies: TrustedProxies,
    mail: Option<MailSettings>,
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}; is another server using it?"))?;
    let addr = listener.local_addr()?;
    // Server errors are logged (never sent to clients) through `tracing`.
    let _ = tracing_subscriber::fmt().with_target(false).try_init();
    match mail {
        Some(settings) => {
            let mailer = Mailer::new(&settings).context("--smtp-url and --mail-from")?;
            gemba_web::mail::start(Arc::clone(&store), mailer, MAIL_EVERY)
                .await
                .context("cannot switch e-mail on")?;
            println!(
                "Notifications are e-mailed through {} (links to {})",
                redacted(&settings.smtp_url),
                settings.public_url
            );
        }
        None => store
            .set_email_enabled(false)
            .await
            .context("cannot switch e-mail off")?,
    }
    let mut state = AppState::new(store);
    state.secure_cookies = secure_cookies;
    if !trusted_proxies.is_empty() {
        println!("Client addresses are taken from the forwarding headers of {trusted_proxies}");
    }
    state.trusted_proxies = Arc::new(trusted_proxies);
    // Uploaded spreadsheets are read by this binary's `read-sheet` subcommand in a child
    // process; refuse to start rather than find out at the first upload that it cannot run.
    let sheets = Arc::clone(&state.sheets);
    tokio::task::spawn_blocking(move || sheets.reader().check())
        .await
        .context("checking the spreadsheet reader failed")?
        .map_err(|reason| {
            anyhow::anyhow!("the sandboxed spreadsheet reader does not work: {reason}")
        })?;
    println!("Gemba is running at http://{addr}/  (press Ctrl-C to stop)");
    // With the peer's address, so that sign-in failures are counted per client.
    let app = gemba_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            // If the signal cannot be listened for, serve until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
        .context("the server stopped with an error")
}

/// `gemba serve`.
pub fn serve(args: &ServerArgs) -> Result<()> {
    let proxies = TrustedProxies::parse(args.trusted_proxies.iter().map(String::as_str))
        .context("--trusted-proxy (or GEMBA_TRUSTED_PROXIES)")?;
    runtime()?.block_on(async {
        let store = open_store(&args.database).await?;
        let mail = args.smtp_url.as_ref().map(|url| MailSettings {
            smtp_url: url.clone(),
            from: args.mail_from.clone().unwrap_or_default(),
            public_url: args
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", args.bind)),
        });
        serve_store(
            Arc::new(store),
            &args.bind,
            !args.insecure_cookies,
            proxies,
            mail,
        )
        .await
    })
}

/// An SMTP address without its password, for the log.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// Reads a password from standard input (one line; at least 12 characters).
fn read_password() -> Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .context("cannot read the password from standard input")?;
    let password = s.lines().next().unwrap_or_default().to_string();
    if password.chars().count() < 12 {
        bail!("the password (read from standard input) must be at least 12 characters");
    }
    Ok(password)
}

/// `gemba user …`.
pub fn user(cmd: &UserCommand) -> Result<()> {
    match cmd {
        UserCommand::Add {
            org,
            create_org,
            system,
            email,
            role,
            name,
            database,
        } => add_user(
            org,
            create_org.then_some(system.as_deref()),
            email,
            role,
            name.as_deref(),
            database,
        ),
        UserCommand::SetPassword { email, database } => set_password(email, database),
    }
}

/// `gemba user set-password`: a new password for an existing account; every session of the
/// user ends.
fn set_password(email: &str, database: &str) -> Result<()> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {}", e.message))?;
    let password = read_password()?;
    let hash = gemba_web::auth::hash_password(&password)
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?;
    runtime()?.block_on(async {
        let store = open_store(database).await?;
        let Some(user) = store.user_by_email(&email).await? else {
            bail!("no user has the email {email}; add one with `gemba user add`");
        };
        store.set_password(user.id, &hash, None).await?;
        println!("set a new password for {email}; their sessions have ended");
        Ok(())
    })
}

/// `gemba user add`: with `create_org` (`Some`, holding the system if any) a missing
/// organisation is created.
fn add_user(
    org: &str,
    create_org: Option<Option<&str>>,
    email: &str,
    role: &str,
    name: Option<&str>,
    database: &str,
) -> Result<()> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {}", e.message))?;
    let Some(role) = Role::parse(role) else {
        bail!(
            "unknown --role '{role}'; expected one of: {}",
            Role::ALL.map(Role::name).join(", ")
        );
    };
    let org = org.trim();
    if org.is_empty() {
        bail!("--org must name the organisation");
    }
    let password = read_password()?;
    let hash = gemba_web::auth::hash_password(&password)
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?;
    let name = name.map(str::to_owned).unwrap_or_else(|| {
        email
            .as_str()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_string()
    });
    runtime()?.block_on(async {
        let store = open_store(database).await?;
        let org_id = match store.org_by_name(org).await? {
            Some(o) => o.id,
            None => match create_org {
                Some(system) => {
                    let system = system.map(str::trim).filter(|s| !s.is_empty());
                    let id = store.create_org(org, system).await?;
                    match system {
                        Some(s) => println!("created the organisation {org} in {s}"),
                        None => println!("created the organisation {org}"),
                    }
                    id
                }
                None => bail!(
                    "no organisation is called '{org}'; check the name (it must match exactly), \
                     or add --create-org to create it"
                ),
            },
        };
        // An existing account is never changed here (this once kept the old password silently
        // and changed the role).
        if store.user_by_email(&email).await?.is_some() {
            bail!(
                "{email} already has an account (nothing was changed); to give it a new \
                 password use `gemba user set-password --email {email}`, and to add it to \
                 another organisation or change its role use that organisation's People page \
                 (Admin, in the browser) or the API"
            );
        }
        let user = store.create_user(&email, &name, &hash).await?;
        store.set_membership(user, org_id, role).await?;
        println!("{email} is now {} of {org}", role.label().to_lowercase());
        Ok(())
    })
}

/// `gemba token create`.
pub fn token(cmd: &TokenCommand) -> Result<()> {
    let TokenCommand::Create {
        email,
        label,
        database,
    } = cmd;
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {}", e.message))?;
    runtime()?.block_on(async {
        let store = open_store(database).await?;
        let Some(user) = store.user_by_email(&email).await? else {
            bail!("no user with the email {email}; add one with `gemba user add`");
        };
        let secret = gemba_web::auth::new_secret();
        store
            .create_api_token(&gemba_web::auth::secret_hash(&secret), user.id, label)
            .await?;
        println!("{secret}");
        eprintln!("API token for {email} (shown once; use it as `Authorization: Bearer TOKEN`)");
        Ok(())
    })
}
