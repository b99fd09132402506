//! Architecture invariants that the compiler cannot see: the engine and the domain stay free
//! of storage, web, async runtimes and serialisation (ARCHITECTURE.md).

/// The crate names in the `[dependencies]` table of a manifest.
fn dependencies(manifest: &str) -> Vec<String> {
    let mut in_deps = false;
    let mut out = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && !line.is_empty() && !line.starts_with('#') {
            if let Some((name, _)) = line.split_once(['=', '.']) {
                out.push(name.trim().to_string());
            }
        }
    }
    out
}

const FORBIDDEN: [&str; 8] = [
    "sqlx",
    "axum",
    "tokio",
    "serde",
    "serde_json",
    "hyper",
    "reqwest",
    "maud",
];

#[test]
fn the_engine_depends_on_nothing() {
    let deps = dependencies(include_str!("../../gemba-spc/Cargo.toml"));
    assert_eq!(
        deps,
        Vec::<String>::new(),
        "gemba-spc must stay dependency-free"
    );
}

#[test]
fn the_domain_knows_no_storage_web_runtime_or_serde() {
    let deps = dependencies(include_str!("../Cargo.toml"));
    assert!(deps.contains(&"gemba-spc".to_string()), "{deps:?}");
    for name in FORBIDDEN {
        assert!(
            !deps.iter().any(|d| d == name),
            "gemba-domain depends on {name}"
        );
    }
}

/// Which workspace crates each crate may depend on (ARCHITECTURE.md: dependencies point
/// inward), and which outside crates only some may use: SQL only in the stores, HTTP and the
/// async runtime only in the web app and the binary, `anyhow` only at the binary's edge, HTML
/// only where pages and charts are drawn. A new crate must be added here, so that the rule is
/// decided for it rather than forgotten.
const LAYERS: [(&str, &[&str]); 10] = [
    ("gemba-spc", &[]),
    ("gemba-data", &[]),
    // gemba-data is a leaf (no workspace crate below it): the domain reads dates with it.
    ("gemba-domain", &["gemba-spc", "gemba-data"]),
    ("gemba-chart", &["gemba-spc"]),
    // The board report renderer: pure, on the engine and the charts only.
    ("gemba-report", &["gemba-spc", "gemba-chart"]),
    ("gemba-store-sqlite", &["gemba-domain", "gemba-spc"]),
    // The stores' conformance suite: written against the Store trait only, so that every
    // backend runs it unchanged; no backend, no runtime.
    ("gemba-store-tests", &["gemba-domain", "gemba-spc"]),
    (
        "gemba-api",
        &["gemba-spc", "gemba-domain", "gemba-data", "gemba-report"],
    ),
    (
        "gemba-web",
        &[
            "gemba-spc",
            "gemba-domain",
            "gemba-data",
            "gemba-api",
            "gemba-chart",
            "gemba-report",
        ],
    ),
    (
        "gemba-cli",
        &[
            "gemba-spc",
            "gemba-domain",
            "gemba-data",
            "gemba-api",
            "gemba-chart",
            "gemba-store-sqlite",
            "gemba-web",
            "gemba-report",
        ],
    ),
];

/// Outside crates and the workspace crates allowed to use them.
const CONFINED: [(&str, &[&str]); 8] = [
    ("sqlx", &["gemba-store-sqlite"]),
    ("axum", &["gemba-web", "gemba-cli"]),
    ("tokio", &["gemba-web", "gemba-cli"]),
    ("anyhow", &["gemba-cli"]),
    ("maud", &["gemba-chart", "gemba-web", "gemba-report"]),
    // The PDF pipeline stays in the report renderer.
    ("krilla", &["gemba-report"]),
    ("krilla-svg", &["gemba-report"]),
    ("usvg", &["gemba-report"]),
];

#[test]
fn every_crate_depends_only_inward() {
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found: Vec<String> = std::fs::read_dir(&crates)
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            e.path()
                .join("Cargo.toml")
                .exists()
                .then(|| e.file_name().to_string_lossy().into_owned())
        })
        .collect();
    found.sort();
    let mut listed: Vec<String> = LAYERS.iter().map(|(c, _)| c.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed, "every crate has its place in LAYERS");
    for (name, allowed) in LAYERS {
        let manifest = std::fs::read_to_string(crates.join(name).join("Cargo.toml")).unwrap();
        let deps = dependencies(&manifest);
        for d in deps.iter().filter(|d| d.starts_with("gemba-")) {
            assert!(
                allowed.contains(&d.as_str()),
                "{name} depends on {d}, which is not inward of it"
            );
        }
        for (outside, users) in CONFINED {
            if deps.iter().any(|d| d == outside) {
                assert!(users.contains(&name), "{name} depends on {outside}");
            }
        }
    }
}
