//! The `gemba` binary run as users run it: real files in, files and messages out.
//!
//! Expected numbers come from the reference R packages, through the golden fixtures of
//! `crates/gemba-spc/tests/fixtures/reference/` (their README gives versions and commits).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn gemba(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gemba"))
        .args(args)
        .output()
        .expect("the gemba binary runs")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ae() -> String {
    repo().join("data/ae_attendances.csv").display().to_string()
}

fn fixture(name: &str) -> Value {
    let path = repo()
        .join("crates/gemba-spc/tests/fixtures/reference")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn stdout_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "gemba failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn validate(doc: &Value, schema_file: &str) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("docs/schema").join(schema_file)).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "output breaks {schema_file}: {errors:#?}"
    );
}

fn close(a: &Value, e: &Value, what: &str) {
    match (a.as_f64(), e.as_f64()) {
        (Some(a), Some(e)) => assert!(
            (a - e).abs() <= 1e-9 * e.abs().max(1e-3),
            "{what}: expected {e}, got {a}"
        ),
        (None, None) => {}
        _ => panic!("{what}: expected {e}, got {a}"),
    }
}

fn series<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("series {id} in output"))
}

#[test]
fn p_prime_chart_of_every_trust_agrees_with_qicharts2() {
    let out = gemba(&[
        "chart",
        "--input",
        &ae(),
        "--chart",
        "pp",
        "--value",
        "breaches",
        "--denominator",
        "attendances",
        "--date",
        "period",
        "--series",
        "org_code",
        "--where",
        "type=1",
        "--improvement",
        "decrease",
        "--target",
        "0.05",
    ]);
    let doc = stdout_json(&out);
    validate(&doc, "chart-result.schema.json");
    // 137 organisations have type-1 departments in the file.
    let n = doc["series"].as_array().unwrap().len();
    let expected_trusts = std::fs::read_to_string(ae())
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(2) == Some("1"))
        .map(|l| l.split(',').nth(1).unwrap().to_string())
        .collect::<std::collections::HashSet<_>>()
        .len();
    assert_eq!(n, expected_trusts);

    let rjz = series(&doc, "RJZ");
    let reference = fixture("qic_ae_rjz_pp.json");
    let e = &reference["expected"]["points"];
    let points = rjz["points"].as_array().unwrap();
    assert_eq!(points.len(), e["y"].as_array().unwrap().len());
    for (i, p) in points.iter().enumerate() {
        close(&p["y"], &e["y"][i], &format!("RJZ y[{i}]"));
        close(&p["centre"], &e["cl"][i], &format!("RJZ centre[{i}]"));
        close(&p["lcl"], &e["lcl"][i], &format!("RJZ lcl[{i}]"));
        close(&p["ucl"], &e["ucl"][i], &format!("RJZ ucl[{i}]"));
        let outside = p["special_cause"]
            .as_array()
            .unwrap()
            .contains(&Value::from("outside_limits"));
        assert_eq!(
            Value::from(outside),
            e["sigma_signal"][i],
            "RJZ signal[{i}]"
        );
    }
    let runs = &reference["expected"]["runs"][0];
    assert_eq!(rjz["runs"]["useful_points"], runs["n_useful"]);
    assert_eq!(rjz["runs"]["longest_run"], runs["longest_run"]);
    assert_eq!(rjz["runs"]["longest_run_limit"], runs["longest_run_max"]);
    assert_eq!(rjz["runs"]["crossings"], runs["n_crossings"]);
    assert_eq!(rjz["runs"]["crossings_limit"], runs["n_crossings_min"]);
    assert_eq!(rjz["runs"]["signal"], runs["runs_signal"]);
}

/// Writes four-hour performance, 1 − breaches / attendances, of the type-1 departments.
fn performance_csv(dir: &Path) -> PathBuf {
    let mut csv = String::from("month,trust,performance\n");
    for line in std::fs::read_to_string(ae()).unwrap().lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[2] != "1" {
            continue;
        }
        let (a, b): (f64, f64) = (f[3].parse().unwrap(), f[4].parse().unwrap());
        csv.push_str(&format!("{},{},{}\n", f[0], f[1], 1.0 - b / a));
    }
    let path = dir.join("performance.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

#[test]
fn xmr_of_four_hour_performance_agrees_with_nhsrplotthedots() {
    let dir = tempfile::tempdir().unwrap();
    let input = performance_csv(dir.path());
    for (trust, extra) in [
        ("R1H", vec!["--target", "0.95"]),
        ("RW6", vec!["--target", "0.95"]),
        ("RQM", vec!["--target", "0.95", "--rebase", "2017-04-01"]),
        ("RJZ", vec!["--target", "0.6", "--fix-after", "12"]),
        ("RDU", vec!["--target", "0.85"]),
    ] {
        let file = format!("ptd_ae_{}.json", trust.to_lowercase());
        let reference = fixture(&file);
        let mut args = vec![
            "chart",
            "--input",
            input.to_str().unwrap(),
            "--value",
            "performance",
            "--date",
            "month",
            "--series",
            "trust",
        ];
        args.extend(extra);
        let doc = stdout_json(&gemba(&args));
        let s = series(&doc, trust);
        let e = &reference["expected"];
        for (i, p) in s["points"].as_array().unwrap().iter().enumerate() {
            close(
                &p["centre"],
                &e["points"]["mean"][i],
                &format!("{trust} mean[{i}]"),
            );
            close(
                &p["lcl"],
                &e["points"]["lpl"][i],
                &format!("{trust} lpl[{i}]"),
            );
            close(
                &p["ucl"],
                &e["points"]["upl"][i],
                &format!("{trust} upl[{i}]"),
            );
            let expected = match e["points"]["point_type"][i].as_str().unwrap() {
                "common_cause" => "common_cause",
                "special_cause_improvement" => "special_cause_improvement",
                "special_cause_concern" => "special_cause_concern",
                other => panic!("unexpected point type {other}"),
            };
            assert_eq!(p["variation"], expected, "{trust} point {i}");
        }
        assert_eq!(s["variation_icon"], e["variation_icon"], "{trust} icon");
        let assurance = match e["assurance_type"].as_str() {
            Some("consistent_pass") => "pass",
            Some("consistent_fail") => "fail",
            Some("inconsistent") => "hit_and_miss",
            other => panic!("unexpected assurance {other:?}"),
        };
        assert_eq!(s["assurance_icon"], assurance, "{trust} assurance");
    }
}

#[test]
fn funnel_of_trusts_in_one_month_agrees_with_funnelplotr() {
    let out = gemba(&[
        "funnel",
        "--input",
        &ae(),
        "--numerator",
        "breaches",
        "--denominator",
        "attendances",
        "--group",
        "org_code",
        "--type",
        "pr",
        "--where",
        "type=1",
        "--where",
        "period=2019-03-01",
    ]);
    let doc = stdout_json(&out);
    validate(&doc, "funnel-result.schema.json");
    let reference = fixture("fpr_ae_2019_03_pr.json");
    let e = &reference["expected"];
    close(&doc["target"], &e["target"], "target");
    close(&doc["phi"], &e["phi"], "phi");
    close(&doc["tau2"], &e["tau2"], "tau2");
    assert_eq!(doc["overdispersion_used"], true);
    let names = reference["input"]["groups"].as_array().unwrap();
    let groups = doc["groups"].as_array().unwrap();
    assert_eq!(groups.len(), names.len());
    for (i, name) in names.iter().enumerate() {
        let g = groups.iter().find(|g| &g["group"] == name).unwrap();
        let eg = &e["groups"];
        close(
            &g["lower_998"],
            &eg["od_lcl998"][i],
            &format!("{name} lower 99.8"),
        );
        close(
            &g["upper_998"],
            &eg["od_ucl998"][i],
            &format!("{name} upper 99.8"),
        );
        close(
            &g["lower_95"],
            &eg["od_lcl95"][i],
            &format!("{name} lower 95"),
        );
        close(
            &g["upper_95"],
            &eg["od_ucl95"][i],
            &format!("{name} upper 95"),
        );
        let flagged = g["flag_998"] != "none";
        assert_eq!(
            Value::from(flagged),
            eg["outlier_998"][i]
                .as_bool()
                .map(Value::from)
                .unwrap_or_else(|| Value::from(eg["outlier_998"][i] == 1)),
            "{name} outlier"
        );
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

const SHIFT_CSV: &str = "date,ward,falls\n\
01/01/2024,A,10\n01/02/2024,A,8\n01/03/2024,A,10\n01/04/2024,A,8\n01/05/2024,A,10\n\
01/06/2024,A,8\n01/07/2024,A,11\n01/08/2024,A,12\n01/09/2024,A,11\n01/10/2024,A,12\n\
01/11/2024,A,11\n01/12/2024,A,12\n01/01/2025,A,11\n01/02/2025,A,8\n01/03/2025,A,10\n";

#[test]
fn uk_dates_and_the_worked_shift_example() {
    // REFERENCE.md §7.1.3: points 7–13 are a shift above the mean 10.1333.
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "falls.csv", SHIFT_CSV);
    let doc = stdout_json(&gemba(&[
        "chart",
        "-i",
        &input,
        "--value",
        "falls",
        "--date",
        "date",
        "--improvement",
        "decrease",
    ]));
    let s = &doc["series"][0];
    assert_eq!(s["id"], "");
    let points = s["points"].as_array().unwrap();
    assert_eq!(points[0]["x"], "2024-01-01");
    close(&points[0]["centre"], &Value::from(152.0 / 15.0), "mean");
    let concern: Vec<usize> = points
        .iter()
        .enumerate()
        .filter(|(_, p)| p["variation"] == "special_cause_concern")
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(concern, (7..=13).collect::<Vec<_>>());
    assert_eq!(s["variation_icon"], "common_cause");
    assert_eq!(s["assurance_icon"], Value::Null);
    // 15 points: enough for the icons (MDC), more than the 12 that trial limits need.
    assert_eq!(s["warnings"], serde_json::json!([]));
}

#[test]
fn rebase_exclude_and_baseline_flags_reach_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "falls.csv", SHIFT_CSV);
    let base = ["chart", "-i", &input, "--value", "falls", "--date", "date"];
    let run = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        stdout_json(&gemba(&a))
    };
    let doc = run(&["--rebase", "2024-07-01"]);
    let points = doc["series"][0]["points"].as_array().unwrap();
    assert_eq!(points[5]["phase"], 1);
    assert_eq!(points[6]["phase"], 2);
    close(&points[0]["centre"], &Value::from(9.0), "phase 1 mean");
    let doc = run(&["--fix-after", "12"]);
    close(
        &doc["series"][0]["points"][14]["centre"],
        &Value::from(10.25),
        "baseline mean",
    );
    let doc = run(&["--exclude", "2025-02-01"]);
    let points = doc["series"][0]["points"].as_array().unwrap();
    assert_eq!(points[13]["excluded"], true);
    close(
        &points[0]["centre"],
        &Value::from(144.0 / 14.0),
        "mean without the excluded point",
    );
    let doc = run(&["--rules", "powerbi"]);
    assert_eq!(doc["series"][0]["rules"]["profile"], "powerbi");
    assert_eq!(doc["series"][0]["rules"]["trend_length"], 5);
    // Overriding a rule of a profile makes the rules "custom", not the profile.
    let doc = run(&["--rules", "powerbi", "--screen-outliers", "off"]);
    assert_eq!(doc["series"][0]["rules"]["profile"], "custom");
    assert_eq!(doc["series"][0]["rules"]["screen_moving_ranges"], false);
    // A rebase after the last point is reported, not silently dropped.
    let doc = run(&["--rebase", "2030-01-01"]);
    assert_eq!(doc["series"][0]["warnings"][0]["code"], "ignored_index");
}

/// Issue 10: `--rules qic` reproduces qicharts2's I chart (3/1.128 with screened moving
/// ranges), where the MDC constant 2.66 differs in the sixth significant figure.
#[test]
fn rules_qic_reproduces_qicharts2() {
    let fx = fixture("qic_7_1_1_i.json");
    let values = fx["input"]["values"].as_array().unwrap();
    let mut csv = String::from("date,value\n");
    for (i, v) in values.iter().enumerate() {
        csv += &format!("2024-{:02}-01,{v}\n", i + 1);
    }
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "qic.csv", &csv);
    let run = |rules: &str| {
        stdout_json(&gemba(&[
            "chart", "-i", &input, "--value", "value", "--date", "date", "--chart", "i", "--rules",
            rules,
        ]))
    };
    let doc = run("qic");
    assert_eq!(doc["series"][0]["rules"]["profile"], "qic");
    let points = doc["series"][0]["points"].as_array().unwrap();
    let expected = &fx["expected"]["points"];
    assert_eq!(points.len(), values.len());
    for (i, p) in points.iter().enumerate() {
        for (ours, theirs) in [("centre", "cl"), ("lcl", "lcl"), ("ucl", "ucl")] {
            close(
                &p[ours],
                &expected[theirs][i],
                &format!("point {} {ours}", i + 1),
            );
        }
    }
    let mdc = run("mdc");
    let (a, b) = (
        mdc["series"][0]["points"][0]["ucl"].as_f64().unwrap(),
        expected["ucl"][0].as_f64().unwrap(),
    );
    assert!(
        (a - b).abs() > 1e-6 * b,
        "mdc differs from qicharts2: {a} vs {b}"
    );
}

/// Issue 10: an `--exclude` date that matches no point was silently ignored.
#[test]
fn exclude_of_a_date_without_a_point_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "falls.csv", SHIFT_CSV);
    let out_path = dir.path().join("out.json");
    let out = gemba(&[
        "chart",
        "-i",
        &input,
        "--value",
        "falls",
        "--date",
        "date",
        "--exclude",
        "2025-02-15",
        "--out",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains("--exclude 2025-02-15: no point has this date"),
        "{message}"
    );
    assert!(message.contains("from 2024-01-01 to"), "{message}");
    assert!(!out_path.exists(), "nothing is written");
}

/// Issue 10: `--format svg --out DIR` left the other series' files behind when one failed (a
/// series name over 255 bytes). Names are now kept short, and a failure leaves the folder
/// exactly as it was, old files included.
#[test]
fn svg_folder_is_written_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let long = "W".repeat(300);
    let mut csv = String::from("date,ward,falls\n");
    for ward in ["A", "B", long.as_str()] {
        for m in 1..=12 {
            csv += &format!("2024-{m:02}-01,{ward},{}\n", m % 4 + 3);
        }
    }
    let input = write(dir.path(), "wards.csv", &csv);
    let out = dir.path().join("charts");
    let run = || {
        gemba(&[
            "chart",
            "-i",
            &input,
            "--series",
            "ward",
            "--value",
            "falls",
            "--date",
            "date",
            "--format",
            "svg",
            "--out",
            out.to_str().unwrap(),
        ])
    };
    // A long series name gets a short file name.
    let res = run();
    assert!(res.status.success(), "{}", stderr(&res));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.iter().all(|n| n.len() <= 104), "{names:?}");

    // A failure part-way (B.svg is a folder) leaves everything as it was.
    std::fs::remove_dir_all(&out).unwrap();
    std::fs::create_dir_all(out.join("B.svg")).unwrap();
    std::fs::write(out.join("A.svg"), "the old chart").unwrap();
    let res = run();
    assert_eq!(res.status.code(), Some(1), "{}", stderr(&res));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["A.svg", "B.svg"], "nothing new, no temporary files");
    assert_eq!(
        std::fs::read_to_string(out.join("A.svg")).unwrap(),
        "the old chart"
    );
}

/// Issue 10: UTF-16 input and a doubled byte-order mark are named as the problem, not reported
/// as a missing column.
#[test]
fn utf16_and_doubled_byte_order_marks_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let text = "date,falls\n2024-01-01,3\n2024-02-01,4\n";
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let doubled = [&[0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
    for (name, bytes, expected) in [
        ("unicode.csv", utf16, "UTF-16"),
        ("doubled.csv", doubled, "two UTF-8 byte-order marks"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = gemba(&[
            "chart",
            "-i",
            path.to_str().unwrap(),
            "--value",
            "falls",
            "--date",
            "date",
        ]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let message = stderr(&out);
        assert!(message.contains(expected), "{name}: {message}");
        assert!(message.contains("CSV UTF-8"), "{name}: {message}");
        assert!(message.contains(name), "{name}: {message}");
    }
}

#[test]
fn every_output_format() {
    let dir = tempfile::tempdir().unwrap();
    let two = format!(
        "{SHIFT_CSV}{}",
        SHIFT_CSV
            .lines()
            .skip(1)
            .map(|l| l.replace(",A,", ",B<&>,") + "\n")
            .collect::<String>()
    );
    let input = write(dir.path(), "wards.csv", &two);
    let base = [
        "chart", "-i", &input, "--value", "falls", "--date", "date", "--series", "ward",
    ];
    let with = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        gemba(&a)
    };

    let csv_out = with(&["--format", "csv"]);
    assert!(csv_out.status.success(), "{}", stderr(&csv_out));
    let text = String::from_utf8(csv_out.stdout).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header = rows.headers().unwrap().clone();
    assert_eq!(&header[0], "series");
    assert_eq!(rows.records().count(), 30);

    let summary = with(&["--format", "summary"]);
    let text = String::from_utf8(summary.stdout).unwrap();
    assert!(text.lines().any(|l| l.starts_with("A ")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("B<&>")), "{text}");

    let html = dir.path().join("report.html");
    let out = with(&[
        "--format",
        "html",
        "--out",
        html.to_str().unwrap(),
        "--title",
        "Falls",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<h1") && page.contains("Falls"));
    assert!(page.contains("B&lt;&amp;&gt;"), "series names are escaped");
    assert!(page.matches("<svg").count() >= 2);

    // Several series as SVG need a folder; one file per series.
    let out = with(&["--format", "svg"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--out FOLDER"), "{}", stderr(&out));
    let svgs = dir.path().join("svg");
    let out = with(&["--format", "svg", "--out", svgs.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(svgs.join("A.svg").exists() && svgs.join("B___.svg").exists());
    // Series whose names make the same file name each get their own file.
    let clash = format!(
        "{SHIFT_CSV}{}",
        SHIFT_CSV
            .lines()
            .skip(1)
            .map(|l| l.replace(",A,", ",a,") + "\n")
            .collect::<String>()
    );
    let clash_input = write(dir.path(), "clash.csv", &clash);
    let clash_dir = dir.path().join("clash");
    let out = gemba(&[
        "chart",
        "-i",
        &clash_input,
        "--value",
        "falls",
        "--date",
        "date",
        "--series",
        "ward",
        "--format",
        "svg",
        "--out",
        clash_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(clash_dir.join("A.svg").exists() && clash_dir.join("a-2.svg").exists());
    let svg = std::fs::read_to_string(svgs.join("A.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("role=\"img\""));
}

#[test]
fn spreadsheet_input_with_a_named_sheet() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("measures.xlsx");
    let mut book = Workbook::new();
    book.add_worksheet().set_name("Notes").unwrap();
    let sheet = book.add_worksheet().set_name("Data").unwrap();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    sheet.write_string(0, 0, "Month").unwrap();
    sheet.write_string(0, 1, "Pressure ulcers").unwrap();
    sheet.write_string(0, 2, "Bed days").unwrap();
    let d = [3, 5, 2, 6, 4, 7, 3, 2];
    for (i, count) in d.iter().enumerate() {
        let row = i as u32 + 1;
        let date = ExcelDateTime::from_ymd(2024, i as u8 + 1, 1).unwrap();
        sheet
            .write_datetime_with_format(row, 0, &date, &date_format)
            .unwrap();
        sheet.write_number(row, 1, f64::from(*count)).unwrap();
        sheet.write_number(row, 2, 1000.0).unwrap();
    }
    book.save(&path).unwrap();
    // REFERENCE.md §7.4 c chart: c̄ = 4, UCL = 10, LCL = 0.
    let doc = stdout_json(&gemba(&[
        "chart",
        "-i",
        path.to_str().unwrap(),
        "--sheet",
        "Data",
        "--chart",
        "c",
        "--value",
        "Pressure ulcers",
        "--date",
        "Month",
    ]));
    let p = &doc["series"][0]["points"][7];
    assert_eq!(p["x"], "2024-08-01");
    close(&p["centre"], &Value::from(4.0), "c̄");
    close(&p["ucl"], &Value::from(10.0), "UCL");
    close(&p["lcl"], &Value::from(0.0), "LCL");
}

/// One bad input: the file, the arguments after the file, and what the message must say.
struct Bad {
    csv: &'static str,
    args: &'static [&'static str],
    says: &'static [&'static str],
}

#[test]
fn bad_input_gets_one_clear_message_and_writes_nothing() {
    let good = "date,count,cases\n2024-01-01,3,10\n2024-02-01,4,12\n";
    let cases = [
        Bad {
            csv: good,
            args: &["--value", "cuont", "--date", "date"],
            says: &["no column \"cuont\"", "did you mean \"count\""],
        },
        Bad {
            csv: "date,count\n2024-01-01,3\n2024-02-01,abc\n",
            args: &["--value", "count", "--date", "date"],
            says: &["line 3", "column \"count\"", "\"abc\" is not a number"],
        },
        Bad {
            csv: "date,count\n2024-01-01,3\n2024-02-01,-4\n",
            args: &["--value", "count", "--date", "date", "--chart", "c"],
            says: &["line 3", "column \"count\"", "-4 is negative"],
        },
        Bad {
            csv: "date,count,cases\n2024-01-01,3,10\n2024-02-01,4,0\n",
            args: &[
                "--value",
                "count",
                "--date",
                "date",
                "--chart",
                "p",
                "--denominator",
                "cases",
            ],
            says: &["line 3", "column \"cases\"", "denominator is 0"],
        },
        Bad {
            csv: "date,count,cases\n2024-01-01,3,10\n2024-02-01,14,12\n",
            args: &[
                "--value",
                "count",
                "--date",
                "date",
                "--chart",
                "p",
                "--denominator",
                "cases",
            ],
            says: &["line 3", "14", "larger than the denominator 12"],
        },
        Bad {
            csv: "date,count\n2024-01-01,3\n2024-13-45,4\n",
            args: &["--value", "count", "--date", "date"],
            says: &["line 3", "column \"date\"", "\"2024-13-45\" is not a date"],
        },
        Bad {
            csv: "date,count\n2024-01-01,3\n01/01/2024,4\n",
            args: &["--value", "count", "--date", "date"],
            says: &["lines 2 and 3", "2024-01-01"],
        },
        Bad {
            csv: good,
            args: &["--value", "count", "--date", "date", "--chart", "zz"],
            says: &["unknown chart type 'zz'", "xmr"],
        },
        Bad {
            csv: good,
            args: &["--value", "count", "--date", "date", "--chart", "p"],
            says: &["needs --denominator"],
        },
        Bad {
            csv: good,
            args: &["--value", "count", "--date", "date", "--rules", "nelson"],
            says: &["unknown rule profile 'nelson'", "mdc, powerbi"],
        },
        Bad {
            csv: good,
            args: &["--value", "count", "--date", "date", "--rebase", "soon"],
            says: &["--rebase 'soon' is not a date"],
        },
        Bad {
            csv: "date,count\n2024-01-01,3\n2024-02-01,0\n",
            args: &["--value", "count", "--date", "date", "--chart", "t"],
            says: &["line 3", "0 is not above zero"],
        },
    ];
    let dir = tempfile::tempdir().unwrap();
    for (k, case) in cases.iter().enumerate() {
        let input = write(dir.path(), &format!("bad{k}.csv"), case.csv);
        let out_path = dir.path().join(format!("out{k}.json"));
        let mut args = vec![
            "chart",
            "--input",
            &input,
            "--out",
            out_path.to_str().unwrap(),
        ];
        args.extend_from_slice(case.args);
        let out = gemba(&args);
        let msg = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "case {k}: {msg}");
        for s in case.says {
            assert!(msg.contains(s), "case {k}: {msg:?} should say {s:?}");
        }
        if case.says[0].starts_with("line") || case.says[0].starts_with("lines") {
            assert!(
                msg.contains(&format!("bad{k}.csv")),
                "case {k} names the file: {msg}"
            );
        }
        assert_eq!(msg.lines().count(), 1, "case {k}: one message: {msg}");
        assert!(!out_path.exists(), "case {k}: nothing written to --out");
        let leftovers = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                let name = name.to_string_lossy();
                !name.starts_with("bad")
            })
            .count();
        assert_eq!(leftovers, 0, "case {k}: no temporary file left behind");
    }
}

#[test]
fn missing_file_and_unknown_option() {
    let out = gemba(&[
        "chart",
        "--input",
        "no/such.csv",
        "--value",
        "v",
        "--date",
        "d",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot open no/such.csv"),
        "{}",
        stderr(&out)
    );
    let out = gemba(&[
        "chart", "--input", "x.csv", "--value", "v", "--date", "d", "--colour", "red",
    ]);
    assert_eq!(out.status.code(), Some(2), "usage errors exit 2");
    assert!(stderr(&out).contains("--colour"));
    let out = gemba(&[
        "chart", "--input", "x.csv", "--value", "v", "--date", "d", "--format", "pdf",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pdf"));
}

#[test]
fn funnel_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "f.csv",
        "trust,deaths,cases\nA,5,100\nB,120,100\n",
    );
    let out = gemba(&[
        "funnel",
        "-i",
        &input,
        "--numerator",
        "deaths",
        "--denominator",
        "cases",
        "--group",
        "trust",
        "--type",
        "pr",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let msg = stderr(&out);
    assert!(
        msg.contains("group \"B\"") && msg.contains("larger than the denominator"),
        "{msg}"
    );
}

#[test]
fn rows_sharing_a_date_form_the_subgroups_of_an_xbar_chart() {
    // REFERENCE.md §7.4 (qicharts2 0.8.1): x̿ = 11.666667, UCL = 14.240282, LCL = 9.093051,
    // S chart centre 1.580745 and UCL 3.582043.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("day,minutes\n");
    for (day, values) in [
        ("2024-03-01", [10, 12, 11, 13]),
        ("2024-03-02", [12, 16, 13, 11]),
        ("2024-03-03", [9, 11, 10, 12]),
    ] {
        for v in values {
            csv.push_str(&format!("{day},{v}\n"));
        }
    }
    let input = write(dir.path(), "waits.csv", &csv);
    let xbar = stdout_json(&gemba(&[
        "chart", "-i", &input, "--chart", "xbar", "--value", "minutes", "--date", "day",
    ]));
    let p = &xbar["series"][0]["points"][0];
    assert_eq!(p["n"], 4.0);
    let near = |v: &Value, e: f64| assert!((v.as_f64().unwrap() - e).abs() < 1e-6, "{v} vs {e}");
    near(&p["y"], 11.5);
    near(&p["centre"], 11.666667);
    near(&p["ucl"], 14.240282);
    near(&p["lcl"], 9.093051);
    let s = stdout_json(&gemba(&[
        "chart", "-i", &input, "--chart", "s", "--value", "minutes", "--date", "day",
    ]));
    near(&s["series"][0]["points"][1]["centre"], 1.580745);
    near(&s["series"][0]["points"][1]["ucl"], 3.582043);
    // The same file on an XmR chart repeats dates within one series: an input error.
    let out = gemba(&["chart", "-i", &input, "--value", "minutes", "--date", "day"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("two rows dated 2024-03-01"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn moving_range_chart() {
    // REFERENCE.md §7.4: MR chart of §7.1.1, CL = 16/11, UCL = 3.267 × 16/11, LCL = 0.
    let dir = tempfile::tempdir().unwrap();
    let y = [10, 12, 11, 13, 12, 14, 13, 11, 12, 10, 11, 12];
    let mut csv = String::from("month,value\n");
    for (i, v) in y.iter().enumerate() {
        csv.push_str(&format!("2024-{:02}-01,{v}\n", i + 1));
    }
    let input = write(dir.path(), "mr.csv", &csv);
    let doc = stdout_json(&gemba(&[
        "chart", "-i", &input, "--chart", "mr", "--value", "value", "--date", "month",
    ]));
    let s = &doc["series"][0];
    assert_eq!(s["points"][0]["y"], Value::Null);
    close(
        &s["points"][1]["y"],
        &Value::from(2.0),
        "first moving range",
    );
    close(&s["points"][5]["centre"], &Value::from(16.0 / 11.0), "MR̄");
    close(
        &s["points"][5]["ucl"],
        &Value::from(3.267 * 16.0 / 11.0),
        "UCL",
    );
    close(&s["points"][5]["lcl"], &Value::from(0.0), "LCL");
    assert_eq!(s["runs"], Value::Null);
    let codes: Vec<&Value> = s["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| &w["code"])
        .collect();
    assert!(
        !codes.contains(&&Value::from("missing_values")),
        "{codes:?}"
    );
}

// ---- hostile spreadsheets (issue 8) ------------------------------------------------------------

#[path = "../../gemba-data/tests/hostile/mod.rs"]
mod hostile;

/// The three hostile files of issue 8, as (file name, bytes, what the message says).
fn hostile_files() -> [(&'static str, Vec<u8>, &'static str); 3] {
    [
        (
            "strings.xlsx",
            hostile::unique_count_xlsx(),
            "it declares 100000000000 shared strings",
        ),
        (
            "rows.ods",
            hostile::rows_repeated_ods(),
            "it has too many rows",
        ),
        (
            "bomb.xlsx",
            hostile::shared_strings_bomb_xlsx(),
            "too big when unpacked",
        ),
    ]
}

/// Regression (issue 8): `gemba chart -i` on the uniqueCount file exited 134 (abort); the
/// repeated-rows `.ods` and the shared-strings bomb took 48 s / 6 GB and 13 s / 1 GB. Each is
/// now refused through the sandboxed reader: exit 1, the file named, nothing at `--out`.
#[test]
fn regression_hostile_spreadsheets_exit_1_naming_the_file_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, why) in hostile_files() {
        let input = dir.path().join(name);
        std::fs::write(&input, bytes).unwrap();
        let out = dir.path().join("out.csv");
        let input_s = input.display().to_string();
        let out_s = out.display().to_string();
        let run = gemba(&[
            "chart", "-i", &input_s, "--value", "value", "--date", "date", "--format", "csv",
            "--out", &out_s,
        ]);
        assert_eq!(run.status.code(), Some(1), "{name}: {}", stderr(&run));
        let message = stderr(&run);
        assert!(
            message.contains(&format!(
                "{input_s}: this spreadsheet could not be read safely: "
            )) && message.contains(why),
            "{name}: {message}"
        );
        assert_eq!(message.lines().count(), 1, "one message: {message}");
        assert!(!out.exists(), "{name}: nothing written");

        let run = gemba(&[
            "funnel",
            "-i",
            &input_s,
            "--numerator",
            "value",
            "--denominator",
            "value",
            "--group",
            "date",
        ]);
        assert_eq!(run.status.code(), Some(1), "{name}: {}", stderr(&run));
        assert!(stderr(&run).contains("could not be read safely"));
    }
}

/// Kills the server when dropped, so a failing test leaves no process behind.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Regression (issue 8), end to end: `gemba serve` (the real binary, reading spreadsheets with
/// its own `read-sheet` subcommand) refuses each hostile upload with a 422 and keeps answering;
/// the process is still alive afterwards and imports a good file.
#[test]
fn regression_gemba_serve_survives_hostile_uploads() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gemba.db").display().to_string();
    let mut add = Command::new(env!("CARGO_BIN_EXE_gemba"))
        .args([
            "user",
            "add",
            "--org",
            "Trust A",
            "--create-org",
            "--email",
            "lead@a.nhs.uk",
            "--role",
            "improvement_lead",
            "--database",
            &db,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"correct horse battery staple\n")
        .unwrap();
    assert!(add.wait().unwrap().success());
    let token = gemba(&[
        "token",
        "create",
        "--email",
        "lead@a.nhs.uk",
        "--database",
        &db,
    ]);
    assert!(token.status.success(), "{}", stderr(&token));
    let token = String::from_utf8(token.stdout).unwrap().trim().to_owned();

    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_gemba"))
            .args(["serve", "--bind", "127.0.0.1:0", "--database", &db])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches('/')
        .to_owned();
    let api = format!("{base}/api/v1");

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::new();
        let auth = format!("Bearer {token}");
        let project: Value = client
            .post(format!("{api}/projects"))
            .header("authorization", &auth)
            .json(&serde_json::json!({"title": "Fewer falls"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let pid = project["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("{project}"));
        let measure: Value = client
            .post(format!("{api}/projects/{pid}/measures"))
            .header("authorization", &auth)
            .json(
                &serde_json::json!({"name": "Falls", "type": "outcome", "chart": "c",
                                      "improvement": "decrease"}),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let data = format!("{api}/measures/{}/data", measure["id"].as_i64().unwrap());
        let media = |name: &str| {
            if name.ends_with(".ods") {
                "application/vnd.oasis.opendocument.spreadsheet"
            } else {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        };
        for (name, bytes, why) in hostile_files() {
            let r = client
                .post(&data)
                .header("authorization", &auth)
                .header("content-type", media(name))
                .body(bytes)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 422, "{name}");
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["error"]["code"], "unsafe_file", "{body}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(
                message.contains("this spreadsheet could not be read safely")
                    && message.contains(why),
                "{name}: {message}"
            );
            // Still serving, nothing saved.
            let points: Value = client
                .get(&data)
                .header("authorization", &auth)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(points, serde_json::json!([]), "{name}");
        }
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "date").unwrap();
        sheet.write_string(0, 1, "value").unwrap();
        sheet.write_string(1, 0, "2024-01-01").unwrap();
        sheet.write_number(1, 1, 2.0).unwrap();
        let r = client
            .post(&data)
            .header("authorization", &auth)
            .header("content-type", media("good.xlsx"))
            .body(book.save_to_buffer().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
    });
    assert!(
        server.0.try_wait().unwrap().is_none(),
        "the server is still running"
    );
}

/// Section 5 of issue 8: CSV output neutralises text cells a spreadsheet would run as formulas
/// (OWASP: a leading single quote), while numbers, negative ones included, stay numbers.
#[test]
fn csv_output_neutralises_formulas_in_text_cells_but_not_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "series.csv",
        "date,org,value,n\n\
         2024-01-01,=HYPERLINK(\"http://evil\"),-1.5,10\n\
         2024-02-01,=HYPERLINK(\"http://evil\"),-2.5,10\n\
         2024-01-01,@SUM(A1),3,10\n\
         2024-02-01,@SUM(A1),4,10\n\
         2024-01-01,-x,5,10\n\
         2024-02-01,-x,6,10\n\
         2024-01-01,+44,7,10\n\
         2024-02-01,+44,8,10\n\
         2024-01-01,RX1,9,10\n\
         2024-02-01,RX1,10,10\n",
    );
    let out = gemba(&[
        "chart", "-i", &input, "--value", "value", "--date", "date", "--series", "org", "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (series, value) = (col("series"), col("y"));
    let mut seen: Vec<(String, String)> = Vec::new();
    for row in reader.records() {
        let row = row.unwrap();
        seen.push((row[series].to_owned(), row[value].to_owned()));
    }
    let ids: std::collections::BTreeSet<&str> = seen.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        ids,
        std::collections::BTreeSet::from([
            "'=HYPERLINK(\"http://evil\")",
            "'@SUM(A1)",
            "'-x",
            "'+44",
            "RX1"
        ])
    );
    let evil: Vec<&str> = seen
        .iter()
        .filter(|(s, _)| s.starts_with("'=HYP"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(evil, ["-1.5", "-2.5"], "negative numbers stay numbers");

    let groups = write(
        dir.path(),
        "groups.csv",
        "org,breaches,attendances\n=1+2,3,100\n@SUM(A1),4,120\nRX1,5,110\n",
    );
    let out = gemba(&[
        "funnel",
        "-i",
        &groups,
        "--numerator",
        "breaches",
        "--denominator",
        "attendances",
        "--group",
        "org",
        "--type",
        "pr",
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let firsts: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(firsts, ["'=1+2", "'@SUM(A1)", "RX1"], "{text}");
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("'=1+2,3,100,0.03,"),
        "{text}"
    );
}

/// Section 5 of issue 8: a value from the file is quoted in the message with its control
/// characters escaped, so a terminal escape in a cell cannot drive the user's terminal.
#[test]
fn messages_escape_control_characters_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "esc.csv",
        "date,value\n2024-01-01,1\n2024-02-01,\u{1b}]0;owned\u{7}\u{1b}[2J\n",
    );
    let out = gemba(&["chart", "-i", &input, "--value", "value", "--date", "date"]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        !message.trim_end().chars().any(char::is_control),
        "{message:?}"
    );
    assert!(
        message.contains(r#""\x1b]0;owned\x07\x1b[2J" is not a number"#),
        "{message}"
    );
}

/// Regression (issue 10): `gemba chart` had no multiplier, so proportions showed as 0.81 and a
/// percentage target of 95 was compared with them. `--multiplier 100` shows a p chart in
/// percent (JSON values × 100, `%` in the summary and HTML) and reads the target as shown.
#[test]
fn regression_multiplier_shows_proportions_as_percentages() {
    let dir = tempfile::tempdir().unwrap();
    // 81 of 100, then 19 of 20 and 80 of 100: 0.81, 0.95, 0.80; the pooled proportion is
    // 180 / 220 = 0.8181…, 81.8181… %.
    let input = write(
        dir.path(),
        "doses.csv",
        "date,given,due\n2024-01-01,81,100\n2024-02-01,19,20\n2024-03-01,80,100\n",
    );
    let base = [
        "chart",
        "-i",
        &input,
        "--chart",
        "p",
        "--value",
        "given",
        "--date",
        "date",
        "--denominator",
        "due",
    ];
    let with = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        gemba(&a)
    };
    let doc = stdout_json(&with(&["--multiplier", "100", "--target", "95"]));
    let s = &doc["series"][0];
    close(&s["points"][0]["y"], &Value::from(81.0), "81 %");
    close(&s["points"][1]["y"], &Value::from(95.0), "95 %");
    close(
        &s["points"][0]["centre"],
        &Value::from(180.0 / 220.0 * 100.0),
        "pooled %",
    );
    close(&s["target"], &Value::from(95.0), "target as shown");
    let out = with(&["--multiplier", "100", "--format", "summary"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("80%"), "{text}");
    assert!(text.contains("81.82%"), "{text}");
    // A proportion's target beyond 100 %, or a percentage without the multiplier, is refused.
    for extra in [
        &["--multiplier", "100", "--target", "101"][..],
        &["--target", "95"][..],
        &["--multiplier", "0"][..],
    ] {
        let out = with(extra);
        assert_eq!(out.status.code(), Some(1), "{extra:?}");
        assert!(stderr(&out).contains("--"), "{}", stderr(&out));
    }
}
