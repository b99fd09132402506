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
