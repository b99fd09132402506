//! `gemba report` run as analysts run it: data and MEASURES.csv in, an HTML, PDF or JSON file
//! out; bad definitions named by file, line and column, and nothing written.
//!
//! The fixture `board_data.csv` holds two XmR series worked out by hand:
//! - falls, 2024-01…2024-12: 10 12 11 13 12 14 13 11 12 10 11 12, then 30 in 2025-01. Mean
//!   141/12 = 11.75; moving ranges sum to 16 over 11, so the limits are 11.75 ± 2.66 × 16/11
//!   (7.8809… to 15.6191…). Lower is better, target 8 (inside the limits): hits and misses.
//! - pu, 2024-01…2024-12: 5 6 5 6 …: mean 5.5, every moving range 1, limits 5.5 ± 2.66
//!   (2.84 to 8.16). Lower is better, target 20 (above the upper limit): consistently passes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/report")
        .join(name)
        .display()
        .to_string()
}

/// Runs `gemba report` on the board fixture with `measures`, writing `out`.
fn report(measures: &str, format: &str, out: &Path, extra: &[&str]) -> Output {
    let data = fixture("board_data.csv");
    let measures = fixture(measures);
    let out = out.display().to_string();
    let mut args = vec![
        "report",
        "--input",
        &data,
        "--measures",
        &measures,
        "--series",
        "measure",
        "--date",
        "month",
        "--value",
        "value",
        "--format",
        format,
        "--out",
        &out,
    ];
    args.extend_from_slice(extra);
    Command::new(env!("CARGO_BIN_EXE_gemba"))
        .args(&args)
        .output()
        .expect("the gemba binary runs")
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "gemba failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn close(v: &Value, expected: f64, what: &str) {
    let a = v
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: {v} is not a number"));
    assert!(
        (a - expected).abs() < 1e-9,
        "{what}: expected {expected}, got {a}"
    );
}

fn measure<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["measures"].as_array().unwrap())
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("no measure {id}"))
}

fn validate(doc: &Value) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("docs/schema/report-summary.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "output breaks the schema: {errors:#?}");
}

#[test]
fn json_summary_has_hand_computed_values_and_the_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("board.json");
    ok(&report(
        "board_measures.csv",
        "json",
        &out,
        &["--period", "2024-12"],
    ));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    validate(&doc);
    assert_eq!(doc["period"], "December 2024");
    assert_eq!(doc["title"], "Integrated quality report");
    assert_eq!(doc["sections"][0]["name"], "Safe");

    let falls = measure(&doc, "falls");
    assert_eq!(falls["title"], "Falls per 1,000 bed days");
    assert_eq!(falls["owner"], "Chief Nurse");
    assert_eq!(falls["latest_period"], "2024-12-01");
    close(&falls["latest_value"], 12.0, "falls latest");
    close(&falls["mean"], 11.75, "falls mean");
    close(&falls["ucl"], 11.75 + 2.66 * 16.0 / 11.0, "falls ucl");
    close(&falls["lcl"], 11.75 - 2.66 * 16.0 / 11.0, "falls lcl");
    close(&falls["target"], 8.0, "falls target");
    assert_eq!(falls["variation_icon"], "common_cause");
    assert_eq!(falls["assurance_icon"], "hit_and_miss");
    assert_eq!(falls["rules_fired"], serde_json::json!([]));
    assert_eq!(
        falls["values"].as_array().unwrap().len(),
        12,
        "cut at 2024-12"
    );

    let pu = measure(&doc, "pu");
    assert_eq!(pu["owner"], Value::Null);
    close(&pu["mean"], 5.5, "pu mean");
    close(&pu["ucl"], 5.5 + 2.66, "pu ucl");
    close(&pu["lcl"], 5.5 - 2.66, "pu lcl");
    assert_eq!(pu["assurance_icon"], "pass");

    // Rows improvement, common cause, concern; columns pass, hit and miss, fail.
    let rows = doc["matrix"]["rows"].as_array().unwrap();
    assert_eq!(rows[1]["variation"], "common_cause");
    assert_eq!(rows[1]["cells"][0]["measures"], serde_json::json!(["pu"]));
    assert_eq!(
        rows[1]["cells"][1]["measures"],
        serde_json::json!(["falls"])
    );
    let placed: usize = rows
        .iter()
        .flat_map(|r| r["cells"].as_array().unwrap())
        .map(|c| c["measures"].as_array().unwrap().len())
        .sum();
    assert_eq!(placed, 2);
}

#[test]
fn without_a_period_the_latest_point_counts() {
    // January 2025's 30 is far above the upper limit: special cause concern (lower is better).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("board.json");
    ok(&report(
        "board_measures.csv",
        "json",
        &out,
        &["--concern-first"],
    ));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    validate(&doc);
    assert_eq!(doc["period"], "January 2025");
    let falls = measure(&doc, "falls");
    close(&falls["latest_value"], 30.0, "falls latest");
    assert_eq!(falls["variation_icon"], "concern_high");
    assert!(falls["rules_fired"]
        .as_array()
        .unwrap()
        .contains(&Value::from("outside_limits")));
    assert_eq!(doc["matrix"]["rows"][2]["variation"], "concern");
    // The reversed file lists pu first; concern first puts falls (concern) before it.
    let ids = |extra: &[&str]| -> Vec<String> {
        let out = dir.path().join("order.json");
        ok(&report("board_measures_reversed.csv", "json", &out, extra));
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        doc["sections"][0]["measures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&[]), ["pu", "falls"]);
    assert_eq!(ids(&["--concern-first"]), ["falls", "pu"]);
}

#[test]
fn html_report_names_every_measure_and_escapes_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("board.html");
    ok(&report(
        "board_measures.csv",
        "html",
        &out,
        &["--title", "Riverside <board>", "--period", "2024-12"],
    ));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Riverside &lt;board&gt;"));
    assert!(html.contains("Falls per 1,000 bed days"));
    assert!(html.contains("Pressure ulcers &lt;category 2+&gt;"));
    assert!(!html.contains("<category"));
    assert!(html.contains("<caption>Safe</caption>"));
    assert!(html.contains("Reporting period: December 2024"));
    // Mean and limits as people read them: 11.75 (7.881 to 15.62).
    assert!(html.contains("11.75 (7.881 to 15.62)"), "mean and limits");
    assert!(html.contains("The process will hit and miss the target"));
    // Two charts, each with its text alternative.
    assert_eq!(html.matches("class=\"spc-chart\"").count(), 2);
    // A second run gives the same bytes.
    let again = dir.path().join("again.html");
    ok(&report(
        "board_measures.csv",
        "html",
        &again,
        &["--title", "Riverside <board>", "--period", "2024-12"],
    ));
    assert_eq!(std::fs::read(&again).unwrap(), html.as_bytes());
}

#[test]
fn pdf_report_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.pdf");
    let b = dir.path().join("b.pdf");
    ok(&report("board_measures.csv", "pdf", &a, &[]));
    ok(&report("board_measures.csv", "pdf", &b, &[]));
    let bytes = std::fs::read(&a).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes == std::fs::read(&b).unwrap(), "two runs differ");
}

/// Runs a failing report and checks the message and that no file was written.
fn fails(measures: &str, extra: &[&str], expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("board.html");
    let o = report(measures, "html", &out, extra);
    assert!(!o.status.success(), "{measures} should fail");
    let err = String::from_utf8_lossy(&o.stderr);
    for e in expected {
        assert!(err.contains(e), "message lacks {e:?}: {err}");
    }
    assert!(!out.exists(), "a file was written");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "a temporary file was left"
    );
}

#[test]
fn bad_direction_is_named_by_line_and_column() {
    fails(
        "bad_improvement.csv",
        &[],
        &[
            "bad_improvement.csv line 3, column \"improvement\"",
            "\"upwards\"",
            "increase, decrease or neutral",
        ],
    );
}

#[test]
fn unknown_series_suggests_the_closest() {
    fails(
        "unknown_series.csv",
        &[],
        &[
            "unknown_series.csv line 2, column \"measure\"",
            "no series \"fals\"",
            "did you mean \"falls\"?",
        ],
    );
}

#[test]
fn missing_column_suggests_the_closest() {
    fails(
        "missing_column.csv",
        &[],
        &[
            "missing_column.csv line 1",
            "no column \"section\"",
            "did you mean \"sectoin\"?",
        ],
    );
}

#[test]
fn bad_rebase_date_is_named() {
    fails(
        "bad_rebase.csv",
        &[],
        &[
            "bad_rebase.csv line 2, column \"rebase\"",
            "\"June\" is not a date",
        ],
    );
}

#[test]
fn bad_period_is_refused() {
    fails(
        "board_measures.csv",
        &["--period", "2024-13"],
        &["--period \"2024-13\""],
    );
}

#[test]
fn ae_example_from_the_readme_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ae.json");
    let data = repo().join("data/ae_attendances.csv").display().to_string();
    let measures = fixture("ae_measures.csv");
    let out_s = out.display().to_string();
    let o = Command::new(env!("CARGO_BIN_EXE_gemba"))
        .args([
            "report",
            "--input",
            &data,
            "--where",
            "type=1",
            "--measures",
            &measures,
            "--series",
            "org_code",
            "--date",
            "period",
            "--value",
            "breaches",
            "--denominator",
            "attendances",
            "--period",
            "2019-01",
            "--format",
            "json",
            "--out",
            &out_s,
        ])
        .output()
        .unwrap();
    ok(&o);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    validate(&doc);
    let ids: Vec<&str> = doc["sections"][0]["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["RXR", "RXQ", "RYJ", "RXW"]);
    for m in doc["sections"][0]["measures"].as_array().unwrap() {
        assert_eq!(m["latest_period"], "2019-01-01");
        assert_eq!(m["value_suffix"], "%");
    }
}
