//! The workspace commands (`gemba demo`, `gemba user`, `gemba serve`) run as an operator runs
//! them: real database files, exit codes and messages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use gemba_domain::{Email, Role, Store};
use gemba_store_sqlite::SqliteStore;

/// Runs `gemba` with `stdin` as its standard input.
fn gemba(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gemba"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the gemba binary runs");
    // A command refused for its arguments exits before it reads its input: a broken pipe then
    // is no failure of the test (its exit status and message say what happened).
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.unwrap(),
    }
    child.wait_with_output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ae() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/ae_attendances.csv")
        .display()
        .to_string()
}

fn demo(db: &Path) -> Output {
    gemba(
        &[
            "demo",
            "--seed-only",
            "--database",
            db.to_str().unwrap(),
            "--ae-data",
            &ae(),
        ],
        "",
    )
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Regression (issue 8): `gemba demo --database FILE` deleted whatever FILE was (107,429 real
/// data points, exit 0). It now replaces only databases it seeded itself.
#[test]
fn regression_demo_never_wipes_a_real_database() {
    let dir = tempfile::tempdir().unwrap();
    let real: PathBuf = dir.path().join("trust.db");
    let out = gemba(
        &[
            "user",
            "add",
            "--org",
            "Riverside Trust",
            "--create-org",
            "--email",
            "admin@riverside.nhs.uk",
            "--role",
            "admin",
            "--database",
            real.to_str().unwrap(),
        ],
        "a long enough password\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let before = std::fs::read(&real).unwrap();

    let out = demo(&real);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(message.contains("refusing to replace"), "{message}");
    assert!(message.contains("holds real work"), "{message}");
    assert_eq!(
        std::fs::read(&real).unwrap(),
        before,
        "the file is untouched"
    );
    runtime().block_on(async {
        let store = SqliteStore::open(real.to_str().unwrap()).await.unwrap();
        let email = Email::parse("admin@riverside.nhs.uk").unwrap();
        assert!(store.user_by_email(&email).await.unwrap().is_some());
    });

    // Nor any other file.
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "minutes of the quality committee").unwrap();
    let out = demo(&notes);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not a SQLite database"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        "minutes of the quality committee"
    );

    // Its own demo database it replaces, as often as asked.
    let own = dir.path().join("demo.db");
    for _ in 0..2 {
        let out = demo(&own);
        assert!(out.status.success(), "{}", stderr(&out));
    }
}

/// Issue 10: `gemba demo` failed outside the repository root without `--ae-data`; its data are
/// now built in. Run from an empty folder, it seeds trust R1H's 36 months of real data.
#[test]
fn demo_runs_from_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gemba"))
        .args(["demo", "--seed-only", "--database", "here.db"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    runtime().block_on(async {
        let store = SqliteStore::open(dir.path().join("here.db").to_str().unwrap())
            .await
            .unwrap();
        let org = store
            .org_by_name("Riverside University Hospitals")
            .await
            .unwrap()
            .unwrap();
        let projects = store.projects(org.id).await.unwrap();
        let ed = projects
            .iter()
            .find(|p| p.title.contains("four-hour"))
            .expect("the ED project");
        let measures = store.measures(ed.id).await.unwrap();
        let data = store.data(measures[0].id).await.unwrap();
        assert_eq!(data.len(), 36, "April 2016 to March 2019");
        // R1H type 1, April 2016 (data/ae_attendances.csv line 1839): 27,396 attendances,
        // 5,099 breaches, so 22,297 seen within four hours.
        let first = &data[0];
        assert_eq!(first.denominator, Some(27396.0));
        assert_eq!(first.value, Some(22297.0));
        // Issue 11: the board measures, one of the trust's own and two of its projects'.
        let board: Vec<(String, String, bool)> = store
            .board_measures(org.id)
            .await
            .unwrap()
            .into_iter()
            .map(|b| (b.measure.name, b.section, b.organisation_measure))
            .collect();
        let row = |n: &str, s: &str, own| (n.to_owned(), s.to_owned(), own);
        assert_eq!(
            board,
            [
                row("Inpatient falls per 1,000 bed days", "Safe", false),
                row("Patients seen within 4 hours (type 1)", "Responsive", false),
                row("Staff turnover (12 months to date)", "Well-led", true),
            ]
        );
        // Issue 11 section 4: two self-assessments of the board, the later rated by three
        // members; all rate the balance "Established" while Effective and Caring have no board
        // measures, which the assessment says.
        let assessments = store.assessments(org.id).await.unwrap();
        let titles: Vec<&str> = assessments.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Board development session, October 2025",
                "Board development session, March 2026"
            ]
        );
        let march = store.submissions(assessments[1].id).await.unwrap();
        assert_eq!(march.len(), 3);
        let evidence = gemba_domain::gather_evidence(
            &store,
            org.id,
            chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        )
        .await
        .unwrap();
        let results = gemba_domain::results(&march, &evidence);
        let balance = &results[gemba_domain::Dimension::Balance.index()];
        assert_eq!(balance.median, Some(4.0));
        assert_eq!(
            balance.disagreement.as_deref(),
            Some("Rated Established, but the board report has no measures in Effective and Caring")
        );
    });
}

/// Regression (issue 8): `--org` with a typo silently created a second trust.
#[test]
fn regression_user_add_refuses_an_unknown_organisation() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trust.db");
    let db = db.to_str().unwrap();
    let add = |org: &str, email: &str, extra: &[&str]| {
        let mut args = vec![
            "user",
            "add",
            "--org",
            org,
            "--email",
            email,
            "--role",
            "member",
            "--database",
            db,
        ];
        args.extend_from_slice(extra);
        gemba(&args, "a long enough password\n")
    };
    let out = add("Riverside Trust", "a@riverside.nhs.uk", &["--create-org"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = add("Riverside Trsut", "b@riverside.nhs.uk", &[]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains("no organisation is called 'Riverside Trsut'"),
        "{message}"
    );
    assert!(message.contains("--create-org"), "{message}");
    runtime().block_on(async {
        let store = SqliteStore::open(db).await.unwrap();
        assert!(store
            .org_by_name("Riverside Trsut")
            .await
            .unwrap()
            .is_none());
        let b = Email::parse("b@riverside.nhs.uk").unwrap();
        assert!(store.user_by_email(&b).await.unwrap().is_none());
    });
}

/// `--create-org --system` puts the new organisation in a system; `--system` alone is refused.
#[test]
fn user_add_creates_an_organisation_in_a_system() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trust.db");
    let db = db.to_str().unwrap();
    let add = |org: &str, email: &str, extra: &[&str]| {
        let mut args = vec![
            "user",
            "add",
            "--org",
            org,
            "--email",
            email,
            "--role",
            "admin",
            "--database",
            db,
        ];
        args.extend_from_slice(extra);
        gemba(&args, "a long enough password\n")
    };
    let out = add(
        "Riverside Trust",
        "a@riverside.nhs.uk",
        &["--create-org", "--system", "North Riverside ICS"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("created the organisation Riverside Trust in North Riverside ICS"));
    let out = add(
        "Northfield Trust",
        "b@northfield.nhs.uk",
        &["--system", "North Riverside ICS"],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "clap refuses --system without --create-org"
    );
    runtime().block_on(async {
        let store = SqliteStore::open(db).await.unwrap();
        let org = store.org_by_name("Riverside Trust").await.unwrap().unwrap();
        assert_eq!(org.system.as_deref(), Some("North Riverside ICS"));
        assert!(store
            .org_by_name("Northfield Trust")
            .await
            .unwrap()
            .is_none());
    });
}

/// Regression (issue 8): `gemba user add` on an existing email silently kept the old password
/// and changed the role. It is now an error naming `gemba user set-password`, which sets a new
/// password and ends the user's sessions.
#[test]
fn regression_user_add_never_changes_an_existing_account() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trust.db");
    let db = db.to_str().unwrap();
    let add = |role: &str, password: &str| {
        gemba(
            &[
                "user",
                "add",
                "--org",
                "Riverside Trust",
                "--create-org",
                "--email",
                "ward7@riverside.nhs.uk",
                "--role",
                role,
                "--database",
                db,
            ],
            &format!("{password}\n"),
        )
    };
    let out = add("member", "the first password");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = add("admin", "a second password");
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(message.contains("already has an account"), "{message}");
    assert!(
        message.contains("gemba user set-password --email ward7@riverside.nhs.uk"),
        "{message}"
    );

    let email = Email::parse("ward7@riverside.nhs.uk").unwrap();
    let check = |password: &'static str| {
        let email = email.clone();
        runtime().block_on(async move {
            let store = SqliteStore::open(db).await.unwrap();
            let (user, hash) = store.login(&email).await.unwrap().unwrap();
            let roles: Vec<Role> = store
                .memberships(user.id)
                .await
                .unwrap()
                .iter()
                .map(|m| m.role)
                .collect();
            (gemba_web::auth::verify_password(password, &hash), roles)
        })
    };
    assert_eq!(check("the first password"), (true, vec![Role::Member]));
    assert!(!check("a second password").0);

    // A session, to see it end.
    runtime().block_on(async {
        let store = SqliteStore::open(db).await.unwrap();
        let user = store.user_by_email(&email).await.unwrap().unwrap();
        let far = chrono::NaiveDate::from_ymd_opt(2999, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        store
            .create_session("session-hash", user.id, "csrf", far)
            .await
            .unwrap();
    });
    let out = gemba(
        &[
            "user",
            "set-password",
            "--email",
            "ward7@riverside.nhs.uk",
            "--database",
            db,
        ],
        "a brand new password\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(check("a brand new password").0);
    assert!(!check("the first password").0);
    runtime().block_on(async {
        let store = SqliteStore::open(db).await.unwrap();
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert!(store.session("session-hash", now).await.unwrap().is_none());
    });
    let out = gemba(
        &[
            "user",
            "set-password",
            "--email",
            "nobody@riverside.nhs.uk",
            "--database",
            db,
        ],
        "a brand new password\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no user has the email"));
}

#[test]
fn serve_refuses_a_trusted_proxy_that_is_not_an_address() {
    let out = gemba(
        &[
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database",
            ":memory:",
            "--trusted-proxy",
            "10.0.0.0/8,proxy.local",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(message.contains("--trusted-proxy"), "{message}");
    assert!(
        message.contains("'proxy.local' is not an IP address"),
        "{message}"
    );
}

/// Starts `gemba serve` on a free port over `db`; returns the child and its base URL.
fn serve(db: &Path) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_gemba"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database",
            db.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("gemba serve printed its address")
            .unwrap();
        if let Some(rest) = line.split("running at ").nth(1) {
            break rest
                .split_whitespace()
                .next()
                .unwrap()
                .trim_end_matches('/')
                .to_owned();
        }
    };
    // Keep reading so that the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

/// SECURITY.md promise: an acknowledged write survives a crash of the server. Eight clients
/// create projects through the API while the server is killed with SIGKILL; after a restart,
/// every project the server answered 201 for is there.
#[test]
fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trust.db");
    let out = gemba(
        &[
            "user",
            "add",
            "--org",
            "Riverside Trust",
            "--create-org",
            "--email",
            "lead@riverside.nhs.uk",
            "--role",
            "improvement_lead",
            "--database",
            db.to_str().unwrap(),
        ],
        "a long enough password\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = gemba(
        &[
            "token",
            "create",
            "--email",
            "lead@riverside.nhs.uk",
            "--database",
            db.to_str().unwrap(),
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();

    let (mut server, base) = serve(&db);
    let acknowledged = runtime().block_on(async {
        let client = reqwest::Client::new();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut writers = Vec::new();
        for w in 0..8 {
            let (client, base, token, stop) =
                (client.clone(), base.clone(), token.clone(), stop.clone());
            writers.push(tokio::spawn(async move {
                let mut ids = Vec::new();
                for i in 0..1_000 {
                    if stop.load(std::sync::atomic::Ordering::SeqCst) {
                        break;
                    }
                    let body = serde_json::json!({
                        "title": format!("Project {w}-{i}"),
                        "problem": "", "aim": "", "method": "", "status": "idea", "tags": []
                    });
                    let Ok(res) = client
                        .post(format!("{base}/api/v1/projects"))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await
                    else {
                        break; // the server is gone
                    };
                    if res.status() != reqwest::StatusCode::CREATED {
                        break;
                    }
                    let Ok(v) = res.json::<serde_json::Value>().await else {
                        break;
                    };
                    ids.push(v["id"].as_i64().unwrap());
                }
                ids
            }));
        }
        // Let the writers get going, then pull the plug on the server mid-stream.
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        server.kill().unwrap();
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let mut all = Vec::new();
        for w in writers {
            all.extend(w.await.unwrap());
        }
        all
    });
    let _ = server.wait();
    assert!(
        acknowledged.len() > 8,
        "only {} writes before the kill",
        acknowledged.len()
    );
    eprintln!("{} writes acknowledged before the kill", acknowledged.len());

    let (mut server, base) = serve(&db);
    let found: Vec<i64> = runtime().block_on(async {
        let res = reqwest::Client::new()
            .get(format!("{base}/api/v1/projects"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let v: serde_json::Value = res.json().await.unwrap();
        let list = v
            .as_array()
            .or_else(|| v["projects"].as_array())
            .unwrap()
            .clone();
        list.iter().map(|p| p["id"].as_i64().unwrap()).collect()
    });
    server.kill().unwrap();
    let _ = server.wait();
    let missing: Vec<&i64> = acknowledged
        .iter()
        .filter(|id| !found.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "acknowledged but lost after kill -9: {missing:?}"
    );
}
