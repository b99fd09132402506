//! A load generator for the web workspace: seeds a project through the JSON API, then drives
//! many concurrent users against the project page and the chart API and prints throughput and
//! latency percentiles. It asserts nothing; `scripts/bench-web` builds it, starts the server
//! and runs it.
//!
//! ```text
//! cargo run --release -p gemba-cli --example load -- \
//!     --url http://127.0.0.1:8080 --token TOKEN --email E --password P \
//!     [--users 50] [--seconds 15] [--warmup 2] [--measures 10] [--points 200] [--only TEXT]
//! ```
//!
//! Every virtual user signs in with its own session (`POST /login`, then the `gemba_session`
//! cookie) for the HTML page; the API scenarios use the bearer token. A request counts as an
//! error unless it answers 200 with its whole body read.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use serde_json::{json, Value};

/// The command line.
struct Args {
    url: String,
    token: String,
    email: String,
    password: String,
    users: usize,
    seconds: f64,
    warmup: f64,
    measures: usize,
    points: usize,
    /// Only the scenarios whose name contains this.
    only: String,
}

fn args() -> Result<Args> {
    let mut a = Args {
        url: String::new(),
        token: String::new(),
        email: String::new(),
        password: String::new(),
        users: 50,
        seconds: 15.0,
        warmup: 2.0,
        measures: 10,
        points: 200,
        only: String::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => a.url = value()?.trim_end_matches('/').to_owned(),
            "--token" => a.token = value()?,
            "--email" => a.email = value()?,
            "--password" => a.password = value()?,
            "--users" => a.users = value()?.parse()?,
            "--seconds" => a.seconds = value()?.parse()?,
            "--warmup" => a.warmup = value()?.parse()?,
            "--measures" => a.measures = value()?.parse()?,
            "--points" => a.points = value()?.parse()?,
            "--only" => a.only = value()?,
            other => bail!("unknown option {other}"),
        }
    }
    if a.url.is_empty() || a.token.is_empty() || a.email.is_empty() || a.password.is_empty() {
        bail!("--url, --token, --email and --password are required");
    }
    Ok(a)
}

// --- seeding -----------------------------------------------------------------------------------

/// A small deterministic generator (xorshift), so every run seeds the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly normal, mean 0 and sd 1 (sum of 12 uniforms).
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.next()).sum::<f64>() - 6.0
    }
}

async fn post(client: &reqwest::Client, a: &Args, path: &str, body: &Value) -> Result<Value> {
    let res = client
        .post(format!("{}/api/v1{path}", a.url))
        .bearer_auth(&a.token)
        .json(body)
        .send()
        .await
        .with_context(|| format!("POST {path}"))?;
    let status = res.status();
    let text = res.text().await?;
    if !status.is_success() {
        bail!("POST {path} answered {status}: {text}");
    }
    Ok(serde_json::from_str(&text)?)
}

/// A project with `measures` measures of `points` weekly points each (a mix of XmR, run, p and
/// c charts, each with a shift three quarters of the way through) and three PDSA cycles.
async fn seed(client: &reqwest::Client, a: &Args) -> Result<(i64, Vec<i64>)> {
    let project = post(
        client,
        a,
        "/projects",
        &json!({
            "title": "Reducing falls with harm on the care of older people wards",
            "problem": "Falls with harm on our four care of older people wards have not fallen in three years.",
            "aim": "Reduce falls with harm by 30% on wards 20 to 23 by March 2027.",
            "method": "Model for Improvement",
            "status": "testing",
            "sponsor": "Director of Nursing",
            "tags": ["falls", "frailty", "load-test"],
        }),
    )
    .await?;
    let project_id = project["id"].as_i64().context("no project id")?;
    let start = NaiveDate::from_ymd_opt(2022, 1, 3).context("date")?;
    let shift_at = a.points * 3 / 4;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut measure_ids = Vec::new();
    for k in 0..a.measures {
        let (chart, kind, improvement) = match k % 5 {
            0 | 1 => ("xmr", "outcome", "increase"),
            2 => ("run", "process", "increase"),
            3 => ("p", "process", "increase"),
            _ => ("c", "balancing", "decrease"),
        };
        let m = post(
            client,
            a,
            &format!("/projects/{project_id}/measures"),
            &json!({
                "name": format!("Measure {} ({chart})", k + 1),
                "type": kind,
                "chart": chart,
                "improvement": improvement,
                "unit": if chart == "p" { "proportion" } else { "count" },
                "target": null,
                "definition": "Synthetic weekly data for the load benchmark.",
            }),
        )
        .await?;
        let id = m["id"].as_i64().context("no measure id")?;
        let rows: Vec<Value> = (0..a.points)
            .map(|i| {
                let date = start + chrono::Duration::weeks(i as i64);
                let lift = if i >= shift_at { 1.0 } else { 0.0 };
                let (value, den) = match chart {
                    "p" => {
                        let n = 180.0 + (rng.next() * 40.0).floor();
                        let p = 0.6 + 0.1 * lift + 0.03 * rng.normal();
                        ((n * p).round().clamp(0.0, n), Some(n))
                    }
                    "c" => (
                        (12.0 - 4.0 * lift + 3.0 * rng.normal()).round().max(0.0),
                        None,
                    ),
                    _ => (50.0 + 8.0 * lift + 4.0 * rng.normal(), None),
                };
                json!({
                    "date": date.format("%Y-%m-%d").to_string(),
                    "value": (value * 100.0).round() / 100.0,
                    "denominator": den,
                })
            })
            .collect();
        let imported = post(
            client,
            a,
            &format!("/measures/{id}/data"),
            &Value::from(rows),
        )
        .await?;
        if imported["imported"].as_u64() != Some(a.points as u64) {
            bail!("measure {id}: imported {imported}, expected {}", a.points);
        }
        measure_ids.push(id);
    }
    for (n, weeks) in [(1, shift_at - 8), (2, shift_at), (3, shift_at + 12)] {
        let date = start + chrono::Duration::weeks(weeks as i64);
        post(
            client,
            a,
            &format!("/projects/{project_id}/pdsa-cycles"),
            &json!({
                "title": format!("Cycle {n}: intentional rounding"),
                "start_date": date.format("%Y-%m-%d").to_string(),
                "objective": "Test hourly rounding on one bay.",
                "prediction": "Fewer unwitnessed falls.",
            }),
        )
        .await?;
    }
    Ok((project_id, measure_ids))
}

// --- sign-in -----------------------------------------------------------------------------------

/// Signs in through the form and returns the `Cookie` header value of the new session.
async fn sign_in(client: &reqwest::Client, a: &Args) -> Result<String> {
    let res = client
        .post(format!("{}/login", a.url))
        .form(&[
            ("email", a.email.as_str()),
            ("password", a.password.as_str()),
            ("next", "/"),
        ])
        .send()
        .await?;
    if res.status() != reqwest::StatusCode::SEE_OTHER {
        bail!("POST /login answered {}", res.status());
    }
    for v in res.headers().get_all(reqwest::header::SET_COOKIE) {
        let v = v.to_str()?;
        if let Some(pair) = v.split(';').next() {
            if pair.starts_with("gemba_session=") {
                return Ok(pair.to_owned());
            }
        }
    }
    bail!("POST /login set no gemba_session cookie")
}

// --- the load ----------------------------------------------------------------------------------

/// What one scenario's users send: the path of each request (they take turns) and the header.
struct Scenario {
    name: String,
    paths: Vec<String>,
    /// One (header name, value) per user; users take them in turn.
    auth: Vec<(reqwest::header::HeaderName, String)>,
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
    bytes: u64,
}

async fn user_loop(
    client: reqwest::Client,
    url: Arc<str>,
    paths: Arc<Vec<String>>,
    auth: (reqwest::header::HeaderName, String),
    offset: usize,
    measure_from: Instant,
    until: Instant,
) -> Tally {
    let mut t = Tally::default();
    let mut i = offset;
    loop {
        let now = Instant::now();
        if now >= until {
            break;
        }
        let path = &paths[i % paths.len()];
        i += 1;
        let sent = Instant::now();
        let res = client
            .get(format!("{url}{path}"))
            .header(auth.0.clone(), &auth.1)
            .send()
            .await;
        let outcome = match res {
            Ok(r) => {
                let status = r.status();
                match r.bytes().await {
                    Ok(b) if status == reqwest::StatusCode::OK => Ok(b.len() as u64),
                    Ok(b) => Err(format!(
                        "GET {path}: {status} {}",
                        String::from_utf8_lossy(&b[..b.len().min(200)])
                    )),
                    Err(e) => Err(format!("GET {path}: reading the body: {e}")),
                }
            }
            Err(e) => Err(format!("GET {path}: {e}")),
        };
        let took = sent.elapsed();
        if sent < measure_from {
            continue; // warm-up
        }
        match outcome {
            Ok(n) => {
                t.latencies.push(took);
                t.bytes += n;
            }
            Err(e) => {
                t.errors += 1;
                t.first_error.get_or_insert(e);
            }
        }
    }
    t
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    // Nearest rank.
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

async fn run(a: &Args, client: &reqwest::Client, s: &Scenario) -> Result<()> {
    let url: Arc<str> = Arc::from(a.url.as_str());
    let paths = Arc::new(s.paths.clone());
    let start = Instant::now();
    let measure_from = start + Duration::from_secs_f64(a.warmup);
    let until = measure_from + Duration::from_secs_f64(a.seconds);
    let mut handles = Vec::new();
    for u in 0..a.users {
        handles.push(tokio::spawn(user_loop(
            client.clone(),
            url.clone(),
            paths.clone(),
            s.auth[u % s.auth.len()].clone(),
            u,
            measure_from,
            until,
        )));
    }
    let mut all = Tally::default();
    for h in handles {
        let t = h.await?;
        all.latencies.extend(t.latencies);
        all.errors += t.errors;
        all.bytes += t.bytes;
        if all.first_error.is_none() {
            all.first_error = t.first_error;
        }
    }
    // Requests that finished after the window still count (their latency is real), but the rate
    // is over the window plus the time the last ones took to finish.
    let elapsed = measure_from.elapsed().as_secs_f64();
    all.latencies.sort();
    let n = all.latencies.len();
    let mean = if n == 0 {
        Duration::ZERO
    } else {
        all.latencies.iter().sum::<Duration>() / n as u32
    };
    println!(
        "{:<34} {:>8} {:>9.1} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7}",
        s.name,
        n + all.errors,
        n as f64 / elapsed,
        ms(mean),
        ms(percentile(&all.latencies, 0.50)),
        ms(percentile(&all.latencies, 0.95)),
        ms(percentile(&all.latencies, 0.99)),
        ms(all.latencies.last().copied().unwrap_or_default()),
        if n == 0 { 0 } else { all.bytes / n as u64 },
        all.errors,
    );
    if let Some(e) = all.first_error {
        println!("    first error: {e}");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = args()?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(a.users * 2)
        .timeout(Duration::from_secs(30))
        .build()?;

    let seeded = Instant::now();
    let (project, measures) = seed(&client, &a).await?;
    println!(
        "seeded project {project}: {} measures x {} points and 3 PDSA cycles in {:.1} s",
        measures.len(),
        a.points,
        seeded.elapsed().as_secs_f64()
    );

    let signing = Instant::now();
    let mut cookies = Vec::new();
    for _ in 0..a.users {
        cookies.push((reqwest::header::COOKIE, sign_in(&client, &a).await?));
    }
    println!(
        "signed in {} sessions in {:.1} s (argon2 per sign-in)",
        a.users,
        signing.elapsed().as_secs_f64()
    );
    let bearer = vec![(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {}", a.token),
    )];

    // Every page and document is checked once before the load, so that errors show plainly.
    let check = client
        .get(format!("{}/projects/{project}", a.url))
        .header(reqwest::header::COOKIE, &cookies[0].1)
        .send()
        .await?;
    let status = check.status();
    let page = check.text().await?;
    if status != reqwest::StatusCode::OK || !page.contains("Measure 10") {
        bail!("GET /projects/{project} answered {status} without the measures");
    }

    println!(
        "\n{} concurrent users, {:.0} s each after {:.0} s of warm-up; latencies in ms\n",
        a.users, a.seconds, a.warmup
    );
    println!(
        "{:<34} {:>8} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7}",
        "scenario", "requests", "req/s", "mean", "p50", "p95", "p99", "max", "bytes", "errors"
    );
    let scenarios = [
        Scenario {
            name: format!("GET /projects/{project} (HTML, cookie)"),
            paths: vec![format!("/projects/{project}")],
            auth: cookies.clone(),
        },
        Scenario {
            name: "GET /api/v1/measures/{id}/chart".into(),
            paths: measures
                .iter()
                .map(|m| format!("/api/v1/measures/{m}/chart"))
                .collect(),
            auth: bearer.clone(),
        },
        Scenario {
            name: format!("GET /api/v1/projects/{project}"),
            paths: vec![format!("/api/v1/projects/{project}")],
            auth: bearer.clone(),
        },
        Scenario {
            name: "GET /measures/{id} (HTML chart page)".into(),
            paths: measures.iter().map(|m| format!("/measures/{m}")).collect(),
            auth: cookies.clone(),
        },
    ];
    for s in scenarios.iter().filter(|s| s.name.contains(&a.only)) {
        run(&a, &client, s).await?;
    }
    Ok(())
}
