//! Measures, data entry, charts and PDSA cycles end to end: the real app on a free port over a
//! fresh in-memory SQLite store, driven over HTTP as a browser would (redirects by hand).

// Tests may unwrap and panic: a failure is the report (workspace lints deny these in library code).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use chrono::NaiveDate;
use common::{location, User};
use gemba_domain::{
    ChartSettings, DataPoint, DriverKind, MeasureFields, MeasureId, MeasureType, NonEmpty, OrgId,
    Period, ProjectFields, ProjectId, ProjectStatus, Role, Store, UserId,
};
use gemba_spc::{ChartType, Improvement};
use reqwest::multipart;
use reqwest::{Response, StatusCode};

// ---- helpers ---------------------------------------------------------------------------------

/// What the running app was seeded with besides its people.
struct Seeds {
    /// The one project of org A.
    project: ProjectId,
}

/// A running app with org A (member, board viewer) and org B (member), and one project of A.
type App = common::App<Seeds>;

async fn spawn_app() -> App {
    let store: Arc<dyn Store> = common::in_memory().await;
    let org_a = store
        .create_org("Northshire Hospitals", None)
        .await
        .unwrap();
    let org_b = store.create_org("Southshire Trust", None).await.unwrap();
    let people = [
        ("member@a.nhs.uk", "member@a.nhs.uk", org_a, Role::Member),
        ("board@a.nhs.uk", "board@a.nhs.uk", org_a, Role::BoardViewer),
        ("member@b.nhs.uk", "member@b.nhs.uk", org_b, Role::Member),
    ];
    let ids = common::add_users(&*store, &common::password_hash(), &people).await;
    let project = create_project(&*store, org_a, ids[0]).await;
    App::start(store, Seeds { project }, |_| {}).await
}

async fn create_project(store: &dyn Store, org: OrgId, by: UserId) -> ProjectId {
    let fields = ProjectFields {
        title: NonEmpty::parse("title", "Fewer falls on Ward 7").unwrap(),
        problem: "Too many falls at night".into(),
        aim: "Reduce falls by 30% by March 2026".into(),
        method: "Model for Improvement".into(),
        status: ProjectStatus::Testing,
        team: None,
        sponsor: "Chief Nurse".into(),
        tags: Vec::new(),
        private: false,
    };
    store.create_project(org, &fields, by).await.unwrap()
}

impl App {
    /// A measure of the project made through the store, with `values` monthly from Jan 2024.
    async fn measure_with_data(&self, by: UserId, values: &[f64]) -> MeasureId {
        let fields = MeasureFields {
            name: NonEmpty::parse("name", "Falls per 1,000 bed days").unwrap(),
            kind: MeasureType::Outcome,
            definition: String::new(),
            unit: "falls".into(),
            data_source: String::new(),
            denominator_label: String::new(),
            chart: ChartSettings {
                chart: ChartType::Xmr,
                improvement: Improvement::Decrease,
                target: None,
                rules: "mdc".into(),
                rebase: Vec::new(),
                fix_after: None,
                period: Period::Month,
                multiplier: gemba_domain::Multiplier::ONE,
            },
        };
        let id = self
            .store
            .create_measure(self.project, &fields, by)
            .await
            .unwrap();
        let points: Vec<DataPoint> = values
            .iter()
            .enumerate()
            .map(|(i, v)| DataPoint {
                date: month(i),
                value: Some(*v),
                denominator: None,
            })
            .collect();
        self.store.put_data(id, &points, by).await.unwrap();
        id
    }

    async fn count(&self, m: MeasureId) -> usize {
        self.store.data(m).await.unwrap().len()
    }

    /// The stored version of a measure, as its forms carry it.
    async fn measure_version(&self, m: MeasureId) -> String {
        self.store
            .measure(m)
            .await
            .unwrap()
            .unwrap()
            .version
            .to_string()
    }

    /// The stored version of a PDSA cycle (`c` is its page path, `/pdsa/ID`), as its form
    /// carries it.
    async fn pdsa_version(&self, c: &str) -> String {
        let id = c.trim_start_matches("/pdsa/").parse().unwrap();
        let cycle = self.store.pdsa(gemba_domain::PdsaId(id)).await.unwrap();
        cycle.unwrap().version.to_string()
    }
}

/// The first of the `i`-th month from January 2024.
fn month(i: usize) -> NaiveDate {
    let i = i as u32;
    NaiveDate::from_ymd_opt(2024 + (i / 12) as i32, i % 12 + 1, 1).unwrap()
}

impl User {
    /// Uploads a file with the data page's upload form.
    async fn upload(&self, app: &App, m: MeasureId, name: &str, bytes: Vec<u8>) -> Response {
        let form = multipart::Form::new().text("csrf", self.csrf.clone()).part(
            "file",
            multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
        self.client
            .post(app.url(&format!("/measures/{m}/data/upload")))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }
}

/// Follows a 303 by hand and returns the page it leads to.
async fn follow(user: &User, app: &App, res: Response) -> String {
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let (status, html) = user.get(app, &location(&res)).await;
    assert_eq!(status, StatusCode::OK);
    html
}

fn measure_form<'a>(name: &'a str, target: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("kind", "process"),
        (
            "definition",
            "Patients seen by a doctor within 4 hours of arrival",
        ),
        ("unit", "patients"),
        ("data_source", "ED system"),
        ("chart", "xmr"),
        ("improvement", "increase"),
        ("target", target),
        ("rules", "mdc"),
    ]
}

/// 24 monthly points, Jan 2024 to Dec 2025, tab-separated under a header: 16 around 50 then
/// 8 clearly higher, around 70 — a shift.
fn shifted_paste() -> String {
    let mut s = String::from("Month\tPatients\n");
    for i in 0..24 {
        let v = if i < 16 {
            [48.0, 52.0, 50.0, 49.0, 51.0, 53.0, 47.0, 50.0][i % 8]
        } else {
            [69.0, 71.0, 70.0, 72.0, 68.0, 70.0, 71.0, 69.0][i % 8]
        };
        s.push_str(&format!("{}\t{v}\n", month(i).format("%d/%m/%Y")));
    }
    s
}

// ---- measures and data -----------------------------------------------------------------------

#[tokio::test]
async fn measure_data_entry_and_chart() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let p = app.project;

    // The form, then its validation errors next to the fields, keeping what was typed.
    let (status, html) = member
        .get(&app, &format!("/projects/{p}/measures/new"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<label class=\"label\" for=\"name\">"));
    assert!(html.contains("value=\"up\"")); // u′ chart offered
    assert!(!html.contains("value=\"xbar_s\"")); // subgroup charts are not
    let mut bad = measure_form("  ", "lots");
    bad.push(("chart", "xbar_s"));
    bad.retain(|(k, v)| *k != "chart" || *v == "xbar_s");
    let res = member
        .post(&app, &format!("/projects/{p}/measures/new"), &bad)
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("There is a problem"));
    for id in ["name-error", "target-error", "chart-error"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(html.contains("value=\"lots\""), "typed target kept");
    assert!(html.contains("Patients seen by a doctor within 4 hours of arrival"));

    // Created: on to its data page.
    let res = member
        .post(
            &app,
            &format!("/projects/{p}/measures/new"),
            &measure_form("Patients seen within 4 hours", "60"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let data_path = location(&res);
    let m: i64 = data_path
        .trim_start_matches("/measures/")
        .trim_end_matches("/data")
        .parse()
        .unwrap();
    let m = MeasureId(m);
    let (status, html) = member.get(&app, &data_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No data yet."));
    let (_, html) = member.get(&app, &format!("/measures/{m}")).await;
    assert!(html.contains("No data yet."));

    // 24 points with a shift, pasted from a spreadsheet.
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/data/paste"),
            &[("pasted", &shifted_paste())],
        )
        .await;
    assert_eq!(
        location(&res),
        format!("/measures/{m}/data?saved=24&replaced=0")
    );
    let html = follow(&member, &app, res).await;
    assert!(html.contains("24 points saved"), "{html}");
    assert_eq!(app.count(m).await, 24);

    // The chart marks the shift as special cause improvement (higher is better).
    let (status, html) = member.get(&app, &format!("/measures/{m}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<svg"), "inline SVG");
    assert!(
        html.contains("<title id=\"spc-measure-"),
        "accessible SVG title"
    );
    assert!(
        html.contains("class=\"point improvement\""),
        "improvement markers"
    );
    assert!(html.contains("Special cause improvement"), "in words");
    assert!(html.contains("A shift:"), "the rule that fired");
    assert!(html.contains("<caption>Data of Patients seen within 4 hours</caption>"));
    assert!(html.contains("<th scope=\"row\">1 Dec 2025</th>"));
    assert!(html.contains("Assurance:"));
    // The settings form.
    assert!(html.contains("action=\"/measures/") && html.contains("/settings\""));

    // A paste with bad rows lists every one of them, keeps the text and saves nothing.
    let bad_paste = "date,value\n\
                     2026-01-01,80\n\
                     2026-13-01,81\n\
                     2026-03-01,lots\n\
                     2026-04-01\n\
                     2026-01-01,82\n\
                     2026-06-01,\n";
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/data/paste"),
            &[("pasted", bad_paste)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("5 problems; nothing was saved"), "{html}");
    for expected in [
        "Line 3, date: &quot;2026-13-01&quot; is not a date",
        "Line 4, value: &quot;lots&quot; is not a number",
        "Line 5: needs a date and a value",
        "Line 6, date: 01/01/2026 is also on line 2",
        "Line 7, value: is empty",
    ] {
        assert!(html.contains(expected), "{expected}");
    }
    assert!(
        html.contains("2026-13-01,81\n2026-03-01,lots"),
        "pasted text kept"
    );
    assert!(html.contains("id=\"pasted-error\""));
    assert_eq!(app.count(m).await, 24, "nothing half-saved");

    // Existing dates are replaced, and the page says so.
    let again = "01/01/2024\t50\n01/02/2024\t51\n01/03/2024\t49\n01/01/2026\t70\n";
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/data/paste"),
            &[("pasted", again)],
        )
        .await;
    let html = follow(&member, &app, res).await;
    assert!(
        html.contains("4 points saved</strong> (3 replaced)"),
        "{html}"
    );
    assert_eq!(app.count(m).await, 25);

    // One row by form; its errors next to its fields.
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/data/row"),
            &[("date", "soon"), ("value", ""), ("denominator", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"date-error\"") && html.contains("id=\"value-error\""));
    assert!(html.contains("value=\"soon\""));
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/data/row"),
            &[("date", "01/02/2026"), ("value", "72"), ("denominator", "")],
        )
        .await;
    let html = follow(&member, &app, res).await;
    assert!(html.contains("1 point saved"), "{html}");
    assert_eq!(app.count(m).await, 26);

    // CSV upload, columns found by name.
    let csv = "period,notes,count\n2026-03-01,x,71\n2026-04-01,y,73\n";
    let res = member.upload(&app, m, "more.csv", csv.into()).await;
    let html = follow(&member, &app, res).await;
    assert!(html.contains("2 points saved"), "{html}");
    assert_eq!(app.count(m).await, 28);

    // A bad CSV lists every bad row; nothing saved.
    let csv = "date,value\n2026-05-01,x\nnope,3\n2026-05-01,4\n";
    let res = member.upload(&app, m, "bad.csv", csv.into()).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Line 2, value: &quot;x&quot; is not a number"),
        "{html}"
    );
    assert!(html.contains("Line 3, date: &quot;nope&quot; is not a date"));
    assert!(html.contains("id=\"file-error\""));
    assert_eq!(app.count(m).await, 28);

    // XLSX upload with date cells.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Month").unwrap();
    sheet.write_string(0, 1, "Value").unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    for (r, m) in [(1u32, 5u8), (2, 6), (3, 7)] {
        let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, m, 1).unwrap();
        sheet.write_datetime_with_format(r, 0, d, &format).unwrap();
        sheet.write_number(r, 1, 70.0 + f64::from(m)).unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let res = member.upload(&app, m, "more.xlsx", bytes).await;
    let html = follow(&member, &app, res).await;
    assert!(html.contains("3 points saved"), "{html}");
    assert_eq!(app.count(m).await, 31);

    // Over 5 MB: refused with a clear message, nothing saved.
    let mut big = String::from("date,value\n");
    while big.len() <= 5 * 1024 * 1024 + 1 {
        big.push_str("2030-01-01,1\n");
    }
    let res = member.upload(&app, m, "big.csv", big.into_bytes()).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("The file is larger than 5 MB"));
    assert_eq!(app.count(m).await, 31);

    // No file chosen.
    let res = member.upload(&app, m, "", Vec::new()).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Choose a CSV or Excel file"));

    // Settings: rebase and fix the baseline; bad input is shown next to the field.
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/settings"),
            &[
                ("version", &app.measure_version(m).await),
                ("chart", "xmr"),
                ("improvement", "increase"),
                ("target", "60"),
                ("rules", "powerbi"),
                ("fix_after", "x"),
                ("add_rebase", "31/02/2025"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"fix_after-error\"") && html.contains("id=\"add_rebase-error\""));
    assert!(html.contains("value=\"31/02/2025\""));
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/settings"),
            &[
                ("version", &app.measure_version(m).await),
                ("chart", "run"),
                ("improvement", "increase"),
                ("target", "60"),
                ("rules", "powerbi"),
                ("fix_after", "12"),
                ("add_rebase", "01/05/2025"),
                ("add_reason", "Electronic prescribing went live"),
            ],
        )
        .await;
    let html = follow(&member, &app, res).await;
    assert!(html.contains("Phase 2"), "rebased chart has two phases");
    assert!(html.contains("Remove the rebase on 1 May 2025"));
    assert!(html.contains("Run chart"));
    // The reason is on the chart's list of marks and in its reason field.
    assert!(html.contains("Rebases on the chart"), "{html}");
    assert!(html.contains("Rebased: Electronic prescribing went live"));
    assert!(html.contains("name=\"reason-2025-05-01\" value=\"Electronic prescribing went live\""));
    let stored = app.store.measure(m).await.unwrap().unwrap();
    assert_eq!(
        stored.chart.rebase,
        [gemba_domain::Rebase {
            date: NaiveDate::from_ymd_opt(2025, 5, 1).unwrap(),
            reason: "Electronic prescribing went live".into()
        }]
    );
    assert_eq!(stored.chart.fix_after, Some(12));
    assert_eq!(stored.chart.rules, "powerbi");
    // Removing the rebase.
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/settings"),
            &[
                ("version", &app.measure_version(m).await),
                ("chart", "xmr"),
                ("improvement", "increase"),
                ("target", ""),
                ("rules", "mdc"),
                ("fix_after", ""),
                ("remove", "2025-05-01"),
                ("add_rebase", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored = app.store.measure(m).await.unwrap().unwrap();
    assert!(stored.chart.rebase.is_empty());
    assert_eq!(stored.chart.target, None);

    // Edit the measure.
    let (status, html) = member.get(&app, &format!("/measures/{m}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"Patients seen within 4 hours\""));
    let mut form = measure_form("Seen within 4 hours", "");
    let version = app.measure_version(m).await;
    form.push(("version", &version));
    let res = member
        .post(&app, &format!("/measures/{m}/edit"), &form)
        .await;
    assert_eq!(location(&res), format!("/measures/{m}"));
    assert_eq!(
        app.store.measure(m).await.unwrap().unwrap().name,
        "Seen within 4 hours"
    );

    // A wrong CSRF token changes nothing.
    let res = member
        .client
        .post(app.url(&format!("/measures/{m}/data/row")))
        .form(&[("csrf", "forged"), ("date", "2027-01-01"), ("value", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count(m).await, 31);
}

/// Issue 10 §3: a measure's period is an accessible select with a hint on its form, checked,
/// kept by edits and chart settings, and shown on its page; a rebase dated inside a period
/// starts the new phase at that period's point.
#[tokio::test]
async fn a_measure_period_is_chosen_on_its_form_and_shown_on_its_page() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let p = app.project;
    let (_, html) = member
        .get(&app, &format!("/projects/{p}/measures/new"))
        .await;
    assert!(html.contains("<label class=\"label\" for=\"period\">Period of each point</label>"));
    assert!(html.contains("aria-describedby=\"period-hint\""), "{html}");
    assert!(html.contains("id=\"period-hint\""));
    assert!(
        html.contains("<option value=\"month\" selected>Monthly</option>"),
        "the default"
    );
    for option in ["day", "week", "quarter"] {
        assert!(
            html.contains(&format!("<option value=\"{option}\">")),
            "{option}"
        );
    }

    let mut form = measure_form("Weekend discharges", "");
    form.push(("period", "fortnight"));
    let res = member
        .post(&app, &format!("/projects/{p}/measures/new"), &form)
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"period-error\""), "{html}");
    assert!(html.contains("Choose what one point stands for: a day, a week, a month or a quarter"));
    assert!(html.contains("href=\"#period\""), "linked from the summary");

    form.pop();
    form.push(("period", "week"));
    let res = member
        .post(&app, &format!("/projects/{p}/measures/new"), &form)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let m: i64 = location(&res)
        .trim_start_matches("/measures/")
        .trim_end_matches("/data")
        .parse()
        .unwrap();
    let m = MeasureId(m);
    let stored = app.store.measure(m).await.unwrap().unwrap();
    assert_eq!(stored.chart.period, Period::Week);
    let (_, html) = member.get(&app, &format!("/measures/{m}")).await;
    assert!(
        html.contains("<dt>Period of each point</dt><dd>Weekly</dd>"),
        "{html}"
    );
    let (_, html) = member.get(&app, &format!("/measures/{m}/edit")).await;
    assert!(html.contains("<option value=\"week\" selected>Weekly</option>"));

    // Weekly points on Wednesdays; a rebase on Thursday 14 March starts the new phase at the
    // point of that week (Wednesday 13 March), not at the first point after it (20 March).
    let weeks: Vec<DataPoint> = (0..12)
        .map(|i| DataPoint {
            date: NaiveDate::from_ymd_opt(2019, 2, 6).unwrap() + chrono::Days::new(7 * i),
            value: Some(if i < 5 { 10.0 } else { 20.0 } + (i % 3) as f64),
            denominator: None,
        })
        .collect();
    app.store.put_data(m, &weeks, member.id).await.unwrap();
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/settings"),
            &[
                ("version", &app.measure_version(m).await),
                ("chart", "xmr"),
                ("improvement", "increase"),
                ("target", ""),
                ("rules", "mdc"),
                ("fix_after", ""),
                ("add_rebase", "2019-03-14"),
                ("add_reason", "Weekend discharge team started"),
            ],
        )
        .await;
    let html = follow(&member, &app, res).await;
    assert!(html.contains("Phase 2"), "rebased");
    let stored = app.store.measure(m).await.unwrap().unwrap();
    assert_eq!(
        stored.chart.period,
        Period::Week,
        "kept by the settings form"
    );
    let data = app.store.data(m).await.unwrap();
    let chart = gemba_domain::measure_chart(&stored, &data, &[]).unwrap();
    let phases: Vec<usize> = chart.result.points.iter().map(|p| p.phase).collect();
    // 6, 13, 20, 27 Feb, 6 Mar in phase 1; 13 Mar (the week of 11 March) starts phase 2.
    assert_eq!(phases, [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2]);

    // An edit without the field (a page loaded before it existed) keeps the period.
    let version = app.measure_version(m).await;
    let mut edit = measure_form("Weekend discharges", "");
    edit.push(("version", &version));
    let res = member
        .post(&app, &format!("/measures/{m}/edit"), &edit)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored = app.store.measure(m).await.unwrap().unwrap();
    assert_eq!(stored.chart.period, Period::Week);
}

#[tokio::test]
async fn values_the_chart_type_cannot_take_are_listed_by_row() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let mut form = measure_form("Proportion seen within 4 hours", "");
    form.retain(|(k, _)| *k != "chart");
    form.push(("chart", "p"));
    let res = member
        .post(
            &app,
            &format!("/projects/{}/measures/new", app.project),
            &form,
        )
        .await;
    let path = location(&res);
    let m = MeasureId(
        path.trim_start_matches("/measures/")
            .trim_end_matches("/data")
            .parse()
            .unwrap(),
    );
    let paste = "2024-01-01\t5\t100\n2024-02-01\t120\t100\n2024-03-01\t5\t0\n2024-04-01\t7\t90\n";
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/data/paste"),
            &[("pasted", paste)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Line 2, value: the value 120 is larger than its denominator 100"),
        "{html}"
    );
    assert!(
        html.contains("Line 3, denominator: the denominator is 0; a rate or proportion needs a denominator above zero"),
        "{html}"
    );
    assert_eq!(app.count(m).await, 0);
}

// ---- PDSA cycles -----------------------------------------------------------------------------

#[tokio::test]
async fn pdsa_cycles_are_planned_annotated_and_studied() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let p = app.project;
    let values: Vec<f64> = (0..24).map(|i| 10.0 + f64::from(i % 3)).collect();
    let m = app.measure_with_data(member.id, &values).await;
    let primary = app
        .store
        .add_driver_node(p, None, DriverKind::Primary, "Safe mobility", member.id)
        .await
        .unwrap();
    let secondary = app
        .store
        .add_driver_node(
            p,
            Some(primary),
            DriverKind::Secondary,
            "Night checks",
            member.id,
        )
        .await
        .unwrap();
    let idea = app
        .store
        .add_driver_node(
            p,
            Some(secondary),
            DriverKind::ChangeIdea,
            "Hourly rounding at night",
            member.id,
        )
        .await
        .unwrap();

    let (status, html) = member.get(&app, &format!("/projects/{p}/pdsa/new")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Hourly rounding at night"));

    // Errors next to the fields, keeping what was typed.
    let res = member
        .post(
            &app,
            &format!("/projects/{p}/pdsa/new"),
            &[
                ("title", ""),
                ("start_date", "the 5th"),
                ("objective", "Test <rounding>"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"title-error\"") && html.contains("id=\"start_date-error\""));
    assert!(html.contains("value=\"the 5th\"") && html.contains("Test &lt;rounding&gt;"));

    // Cycle 1, starting in the data (UK date), linked to the change idea.
    let idea_id = idea.to_string();
    let res = member
        .post(
            &app,
            &format!("/projects/{p}/pdsa/new"),
            &[
                ("title", "Cycle 1: rounding on one bay"),
                ("start_date", "15/06/2024"),
                ("change_idea", &idea_id),
                ("follows", ""),
                ("objective", "See whether hourly rounding is workable"),
                ("prediction", "Fewer falls in bay A"),
                ("plan", "Night staff, bay A, two weeks"),
                ("data_plan", "Falls, rounds done"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let c1 = location(&res);
    let (status, html) = member.get(&app, &c1).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "<h2 id=\"plan\">Plan</h2>",
        "<h2 id=\"do\">Do</h2>",
        "<h2 id=\"study\">Study</h2>",
        "<h2 id=\"act\">Act</h2>",
        "Fewer falls in bay A",
        "Hourly rounding at night",
        "15 Jun 2024",
    ] {
        assert!(html.contains(text), "{text}");
    }
    assert!(
        html.contains(&format!("href=\"/measures/{m}\"")),
        "links to the charts"
    );

    // Regression: annotated at the point whose month contains its start (June 2024's), not
    // at the first point on or after it (1 Jul 2024): June's figure already has the change.
    let (_, html) = member.get(&app, &format!("/measures/{m}")).await;
    assert!(html.contains("class=\"annotation\""), "marker drawn");
    assert!(
        html.contains("PDSA: Cycle 1: rounding on one bay"),
        "labelled"
    );
    assert!(
        html.contains("Annotations: 1 PDSA: Cycle 1: rounding on one bay (1 Jun 2024)"),
        "{html}"
    );
    assert!(html.contains("started 15 Jun 2024, marked at Jun 2024"));

    // Cycle 2 follows cycle 1: the ramp.
    let c1_id = c1.trim_start_matches("/pdsa/").to_owned();
    let res = member
        .post(
            &app,
            &format!("/projects/{p}/pdsa/new"),
            &[
                ("title", "Cycle 2: all bays"),
                ("start_date", "2024-08-01"),
                ("follows", &c1_id),
            ],
        )
        .await;
    let c2 = location(&res);
    let (_, html) = member.get(&app, &c2).await;
    assert!(html.contains(&format!(
        "<a href=\"{c1}\">Cycle 1: rounding on one bay</a>"
    )));
    let (_, html) = member.get(&app, &c1).await;
    assert!(html.contains(&format!("<a href=\"{c2}\">Cycle 2: all bays</a>")));

    // Regression: a cycle that starts after the latest point (Dec 2025) was neither drawn nor
    // listed; it now sits at the right edge and says so.
    let res = member
        .post(
            &app,
            &format!("/projects/{p}/pdsa/new"),
            &[
                ("title", "Cycle 3: next year"),
                ("start_date", "2026-02-10"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = member.get(&app, &format!("/measures/{m}")).await;
    assert_eq!(
        html.matches("class=\"annotation\"").count(),
        3,
        "three markers"
    );
    assert!(
        html.contains("3 PDSA: Cycle 3: next year (after 1 Dec 2025, the latest point)"),
        "{html}"
    );
    assert!(html
        .contains("PDSA: Cycle 3: next year – started 10 Feb 2026: starts after the latest data"));

    // Do, study, act.
    let (status, html) = member.get(&app, &format!("{c1}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"2024-06-15\""));
    let edit = |act: &'static str| {
        vec![
            ("title", "Cycle 1: rounding on one bay"),
            ("start_date", "2024-06-15"),
            ("change_idea", idea_id.as_str()),
            ("objective", "See whether hourly rounding is workable"),
            ("prediction", "Fewer falls in bay A"),
            ("do_notes", "Two nights missed: short staffed"),
            ("study", "Falls fell from 4 to 1, as predicted"),
            ("act", act),
            ("act_notes", "Spread to all bays"),
        ]
    };
    let res = member
        .post(&app, &format!("{c1}/edit"), &edit("maybe"))
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"act-error\""));
    assert!(
        html.contains("Falls fell from 4 to 1, as predicted"),
        "kept"
    );
    let version = app.pdsa_version(&c1).await;
    let mut adopt = edit("adopt");
    adopt.push(("version", &version));
    let res = member.post(&app, &format!("{c1}/edit"), &adopt).await;
    let html = follow(&member, &app, res).await;
    assert!(html.contains("Adopt: keep the change"));
    assert!(html.contains("Falls fell from 4 to 1, as predicted"));
    assert!(html.contains("Two nights missed: short staffed"));
}

// ---- roles and organisations -----------------------------------------------------------------

/// Issue 10: the chart's reading in words. Run charts say they carry no icon (not "not enough
/// points" with 36 of them); rules that fired only before a rebase are told apart from the
/// latest phase's; and nobody reads an internal code such as "Rule profile: mdc".
#[tokio::test]
async fn chart_reading_names_the_latest_phase_and_no_internal_codes() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let board = app.user("board@a.nhs.uk").await;
    // Phase 1: seven points around 5.5 then seven around 9.5, a shift on both sides of the
    // mean; phase 2 (from month 15): 10, 11 alternating, no rule fires.
    let mut values = vec![
        5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 5.0, 9.0, 10.0, 9.0, 10.0, 9.0, 10.0, 9.0,
    ];
    values.extend([10.0, 11.0].repeat(6));
    let settings = |chart: ChartType, rebase: Vec<NaiveDate>| MeasureFields {
        // (The reason is not what this test is about.)
        name: NonEmpty::parse("name", "Falls per 1,000 bed days").unwrap(),
        kind: MeasureType::Outcome,
        definition: String::new(),
        unit: "falls".into(),
        data_source: String::new(),
        denominator_label: String::new(),
        chart: ChartSettings {
            chart,
            improvement: Improvement::Decrease,
            target: None,
            rules: "mdc".into(),
            rebase: rebase
                .into_iter()
                .map(|date| gemba_domain::Rebase {
                    date,
                    reason: "New falls pathway".into(),
                })
                .collect(),
            fix_after: None,
            period: Period::Month,
            multiplier: gemba_domain::Multiplier::ONE,
        },
    };
    let m = app.measure_with_data(member.id, &values).await;
    let fields = settings(ChartType::Xmr, vec![month(14)]);
    app.store
        .update_measure(m, &fields, gemba_domain::Version(1), member.id)
        .await
        .unwrap();
    let (status, html) = board.get(&app, &format!("/measures/{m}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Rules that fired in the latest phase: none"),
        "{html}"
    );
    assert!(html.contains("Only in earlier phases: A shift"), "{html}");
    assert!(html.contains("Making Data Count (NHS England, NHSRplotthedots)"));
    assert!(!html.contains("mdc"), "an internal code reached the page");

    // A run chart of 36 points.
    let run: Vec<f64> = (0..36).map(|i| f64::from(i % 5)).collect();
    let r = app.measure_with_data(member.id, &run).await;
    let fields = settings(ChartType::Run, Vec::new());
    app.store
        .update_measure(r, &fields, gemba_domain::Version(1), member.id)
        .await
        .unwrap();
    let (_, html) = board.get(&app, &format!("/measures/{r}")).await;
    assert!(
        html.contains("Run charts carry no Making Data Count icon"),
        "{html}"
    );
    assert!(!html.contains("Not enough points for an icon"));
}

#[tokio::test]
async fn board_viewers_read_only_and_other_organisations_see_nothing() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let board = app.user("board@a.nhs.uk").await;
    let other = app.user("member@b.nhs.uk").await;
    let p = app.project;
    let m = app.measure_with_data(member.id, &[1.0, 2.0, 3.0]).await;
    let res = member
        .post(
            &app,
            &format!("/projects/{p}/pdsa/new"),
            &[("title", "Cycle 1"), ("start_date", "2024-02-01")],
        )
        .await;
    let c = location(&res);
    assert!(c.starts_with("/pdsa/"), "{c}");

    // The board viewer reads…
    for path in [
        format!("/measures/{m}"),
        format!("/measures/{m}/data"),
        c.clone(),
    ] {
        let (status, html) = board.get(&app, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            !html.contains("/settings\""),
            "no settings form for viewers: {path}"
        );
    }
    // …but changes nothing.
    for path in [
        format!("/projects/{p}/measures/new"),
        format!("/measures/{m}/edit"),
        format!("/projects/{p}/pdsa/new"),
        format!("{c}/edit"),
    ] {
        assert_eq!(
            board.get(&app, &path).await.0,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let posts = [
        format!("/projects/{p}/measures/new"),
        format!("/measures/{m}/edit"),
        format!("/measures/{m}/settings"),
        format!("/measures/{m}/data/row"),
        format!("/measures/{m}/data/paste"),
        format!("/projects/{p}/pdsa/new"),
        format!("{c}/edit"),
    ];
    let form = [
        ("name", "x"),
        ("title", "x"),
        ("start_date", "2024-01-01"),
        ("date", "2024-09-01"),
        ("value", "1"),
        ("pasted", "2024-09-01\t1"),
        ("chart", "xmr"),
        ("improvement", "increase"),
        ("rules", "mdc"),
        ("kind", "outcome"),
    ];
    for path in &posts {
        let res = board.post(&app, path, &form).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let res = board
        .upload(&app, m, "a.csv", b"date,value\n2024-09-01,1\n".to_vec())
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count(m).await, 3);

    // Another organisation's ids look like missing ones, on every route.
    let gets = [
        format!("/measures/{m}"),
        format!("/measures/{m}/data"),
        format!("/measures/{m}/edit"),
        format!("/projects/{p}/measures/new"),
        format!("/projects/{p}/pdsa/new"),
        c.clone(),
        format!("{c}/edit"),
        "/measures/999999".to_owned(),
        "/pdsa/999999".to_owned(),
    ];
    for path in &gets {
        assert_eq!(
            other.get(&app, path).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    for path in &posts {
        let res = other.post(&app, path, &form).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // …putting back an old value of a measure of theirs included.
    let first = app.store.data(m).await.unwrap()[0];
    let changed = DataPoint {
        value: Some(123.0),
        ..first
    };
    app.store.put_data(m, &[changed], member.id).await.unwrap();
    let revision = app.store.data_revisions(m).await.unwrap()[0].id;
    let res = other
        .post(
            &app,
            &format!("/measures/{m}/data/revisions/{revision}/restore"),
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.store.data(m).await.unwrap()[0].value, Some(123.0));
    let res = other
        .upload(&app, m, "a.csv", b"date,value\n2024-09-01,1\n".to_vec())
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.count(m).await, 3);
    assert_eq!(app.store.pdsas(p).await.unwrap().len(), 1);

    // Signed out: to the sign-in page.
    let (anon, _jar) = common::browser();
    let res = anon
        .get(app.url(&format!("/measures/{m}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/login?next="));
}

// ---- regressions (security review: import and validation) -----------------------------------

/// Regression (upload bombs): the page listed every bad row twice (summary and field), an
/// 805 MB page for a big file. Now the field lists at most 50 plus a count; the summary links.
#[tokio::test]
async fn regression_upload_problems_are_listed_once_and_at_most_50() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let m = app.measure_with_data(member.id, &[]).await;
    let mut csv = String::from("date,value\n");
    for i in 0..120 {
        csv.push_str(&format!("{},lots\n", month(i).format("%Y-%m-%d")));
    }
    let res = member.upload(&app, m, "data.csv", csv.into_bytes()).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert_eq!(html.matches("is not a number").count(), 50, "{html}");
    assert_eq!(html.matches("Line 2, value: &quot;lots&quot;").count(), 1);
    assert!(html.contains("and 70 more problems"), "{html}");
    assert!(
        html.contains("<a href=\"#file\">120 problems with the file; nothing was saved</a>"),
        "{html}"
    );
}

/// Regression: a paste over 2 MB answered 413 with an empty body; now the page says why.
#[tokio::test]
async fn regression_paste_over_2_mb_renders_the_page_with_a_message() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let m = app.measure_with_data(member.id, &[]).await;
    let message = "The pasted text is larger than 2 MB, so nothing was saved; upload it as a file";
    // Just over the limit, and far over the body limit too.
    for size in [2 * 1024 * 1024 + 1, 12 * 1024 * 1024] {
        let pasted = "1".repeat(size);
        let res = member
            .post(
                &app,
                &format!("/measures/{m}/data/paste"),
                &[("pasted", &pasted)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let html = res.text().await.unwrap();
        assert!(
            html.contains(message),
            "{size}: {}",
            &html[..html.len().min(2000)]
        );
    }
    assert_eq!(app.count(m).await, 0);
}

/// Regression: pasted `NaN` was saved as missing and values of any size were kept; now `NaN`,
/// infinities and values beyond 1e15 are row problems, on the form, the paste and uploads.
#[tokio::test]
async fn regression_values_must_be_finite_and_at_most_1e15_everywhere() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let m = app.measure_with_data(member.id, &[]).await;
    let paste = "2024-01-01\tNaN\n2024-02-01\t2e15\n2024-03-01\tinf\n2024-04-01\t5\n";
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/data/paste"),
            &[("pasted", paste)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Line 1, value: &quot;NaN&quot; is not a number"),
        "{html}"
    );
    assert!(
        html.contains("Line 3, value: &quot;inf&quot; is not a number"),
        "{html}"
    );
    // The big value is checked once the text reads.
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/data/paste"),
            &[("pasted", "2024-02-01\t2e15\n")],
        )
        .await;
    let html = res.text().await.unwrap();
    assert!(html.contains("Line 1, value: must be between"), "{html}");
    let res = member
        .upload(&app, m, "d.csv", b"date,value\n2024-01-01,-1e16\n".to_vec())
        .await;
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Line 2, value: must be between"));
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/data/row"),
            &[
                ("date", "2024-01-01"),
                ("value", "1e16"),
                ("denominator", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("Must be between"));
    assert_eq!(app.count(m).await, 0);
}

/// Regression: a `fix_after` the store could not keep, or a target beyond 1e15, answered 500;
/// now a field error on the settings form (2 to 100,000, as in the API).
#[tokio::test]
async fn regression_settings_fix_after_and_target_out_of_range_are_field_errors() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let m = app.measure_with_data(member.id, &[1.0, 2.0, 3.0]).await;
    for (fix, target, field) in [
        ("1", "", "fix_after"),
        ("100001", "", "fix_after"),
        ("99999999999999999999999", "", "fix_after"),
        ("", "1e16", "target"),
    ] {
        let res = member
            .post(
                &app,
                &format!("/measures/{m}/settings"),
                &[
                    ("version", &app.measure_version(m).await),
                    ("chart", "xmr"),
                    ("improvement", "increase"),
                    ("target", target),
                    ("rules", "mdc"),
                    ("fix_after", fix),
                    ("add_rebase", ""),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{fix} {target}");
        let html = res.text().await.unwrap();
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/settings"),
            &[
                ("version", &app.measure_version(m).await),
                ("chart", "xmr"),
                ("improvement", "increase"),
                ("target", ""),
                ("rules", "mdc"),
                ("fix_after", "100000"),
                ("add_rebase", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

/// Regression: making cycle 6 follow cycle 7 when 7 follows 6 showed a garbled "already
/// exists already exists" error page and lost the form; now a field error on the form.
#[tokio::test]
async fn regression_pdsa_follows_loop_is_a_field_error_keeping_the_form() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let p = app.project;
    let new = |title: &'static str, follows: String| {
        let member = &member;
        let app = &app;
        async move {
            let res = member
                .post(
                    app,
                    &format!("/projects/{p}/pdsa/new"),
                    &[
                        ("title", title),
                        ("start_date", "2024-06-15"),
                        ("follows", &follows),
                    ],
                )
                .await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
            location(&res).trim_start_matches("/pdsa/").to_owned()
        }
    };
    let first = new("Cycle 1", String::new()).await;
    let second = new("Cycle 2", first.clone()).await;
    let res = member
        .post(
            &app,
            &format!("/pdsa/{first}/edit"),
            &[
                ("title", "Cycle 1 kept"),
                ("start_date", "2024-06-15"),
                ("follows", &second),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"follows-error\""), "{html}");
    assert!(html.contains("already comes after this cycle"), "{html}");
    assert!(html.contains("value=\"Cycle 1 kept\""), "the form is kept");
    assert!(!html.contains("already exists"));
}

/// Measures and PDSA cycles are deleted by leads and admins and restored by admins; a wrong
/// data point is removed by an editor, with its value kept in the history.
#[tokio::test]
async fn measures_and_cycles_are_deleted_and_restored_points_removed() {
    let app = spawn_app().await;
    let org_a = app
        .store
        .org_by_name("Northshire Hospitals")
        .await
        .unwrap()
        .unwrap()
        .id;
    let hash = common::password_hash();
    for (email, role) in [
        ("lead@a.nhs.uk", Role::ImprovementLead),
        ("admin@a.nhs.uk", Role::Admin),
    ] {
        common::add_user(&*app.store, email, email, &hash, &[(org_a, role)]).await;
    }
    let member = app.user("member@a.nhs.uk").await;
    let board = app.user("board@a.nhs.uk").await;
    let lead = app.user("lead@a.nhs.uk").await;
    let admin = app.user("admin@a.nhs.uk").await;
    let outsider = app.user("member@b.nhs.uk").await;
    let p = app.project;
    let m = app
        .measure_with_data(member.id, &[5.0, 7.0, 6.0, 8.0, 5.0, 6.0, 7.0, 6.0, 99.0])
        .await;
    let points = |html: &str| html.matches("class=\"point ").count();
    let (_, html) = member.get(&app, &format!("/measures/{m}")).await;
    assert_eq!(points(&html), 9);

    // --- a wrong data point ---
    let (_, html) = member.get(&app, &format!("/measures/{m}/data")).await;
    assert!(html.contains("/data/remove") && html.contains("value=\"2024-09-01\""));
    let (_, html) = board.get(&app, &format!("/measures/{m}/data")).await;
    assert!(
        !html.contains("/data/remove"),
        "no button for board viewers"
    );
    let remove = format!("/measures/{m}/data/remove");
    let sep = [("date", "2024-09-01")];
    let res = board.post(&app, &remove, &sep).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = outsider.post(&app, &remove, &sep).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = member
        .client
        .post(app.url(&remove))
        .form(&[("csrf", "forged"), ("date", "2024-09-01")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count(m).await, 9);
    let res = member.post(&app, &remove, &sep).await;
    assert_eq!(
        location(&res),
        format!("/measures/{m}/data?removed=2024-09-01")
    );
    let html = follow(&member, &app, res).await;
    assert!(
        html.contains("The point of 1 Sep 2024 was removed"),
        "{html}"
    );
    assert_eq!(app.count(m).await, 8);
    let history = gemba_web::history::sentences(&app.store.history(p).await.unwrap());
    assert_eq!(
        history[0],
        "removed the 2024-09-01 point (value 99) of “Falls per 1,000 bed days”"
    );
    let (_, html) = member.get(&app, &format!("/projects/{p}/history")).await;
    assert!(html.contains("removed the 2024-09-01 point (value 99)"));
    let (_, html) = member.get(&app, &format!("/measures/{m}")).await;
    assert_eq!(points(&html), 8, "the chart has one point fewer");
    // Again: there is nothing on that date any more; a bad date is refused.
    let res = member.post(&app, &remove, &sep).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = member.post(&app, &remove, &[("date", "ninth")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.count(m).await, 8);

    // --- a measure ---
    // The member started the project, so they lead it and removed the point above; once the
    // improvement lead leads it, the member may no longer delete.
    let measure = format!("/measures/{m}");
    let (_, html) = member.get(&app, &measure).await;
    assert!(
        html.contains("Delete measure"),
        "the project's lead may delete"
    );
    app.store
        .set_project_lead(p, Some(lead.id), None, admin.id)
        .await
        .unwrap();
    let (_, html) = member.get(&app, &measure).await;
    assert!(!html.contains("Delete measure"), "members may not delete");
    let (_, html) = lead.get(&app, &measure).await;
    assert!(html.contains("Delete measure"));
    for (user, status) in [
        (&member, StatusCode::FORBIDDEN),
        (&board, StatusCode::FORBIDDEN),
        (&outsider, StatusCode::NOT_FOUND),
    ] {
        let res = user.post(&app, &format!("{measure}/delete"), &[]).await;
        assert_eq!(res.status(), status);
    }
    let res = lead
        .client
        .post(app.url(&format!("{measure}/delete")))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(app.store.measure(m).await.unwrap().is_some());
    // Deleting asks first, naming the measure; nothing is deleted until "Yes".
    let res = lead.post(&app, &format!("{measure}/delete"), &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("Delete this measure?") && html.contains("Falls per 1,000 bed days"));
    assert!(html.contains("Yes, delete measure"));
    assert!(app.store.measure(m).await.unwrap().is_some());
    let res = lead
        .post(&app, &format!("{measure}/delete"), &[("confirm", "yes")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Then says what happened, and leads back to the project.
    let (status, html) = lead.get(&app, &location(&res)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Measure deleted"), "{html}");
    assert!(
        html.contains("“Falls per 1,000 bed days” was deleted"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"/projects/{p}\"")), "{html}");
    let (status, _) = member.get(&app, &measure).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, html) = member.get(&app, &format!("/projects/{p}")).await;
    assert!(!html.contains("Falls per 1,000 bed days"));

    // --- a PDSA cycle ---
    let res = member
        .post(
            &app,
            &format!("/projects/{p}/pdsa/new"),
            &[
                ("title", "Cycle 1: night rounding"),
                ("start_date", "2024-03-01"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cycle = location(&res);
    let (_, html) = member.get(&app, &cycle).await;
    assert!(!html.contains("Delete PDSA cycle"));
    let (_, html) = lead.get(&app, &cycle).await;
    assert!(html.contains("Delete PDSA cycle"));
    for (user, status) in [
        (&member, StatusCode::FORBIDDEN),
        (&board, StatusCode::FORBIDDEN),
        (&outsider, StatusCode::NOT_FOUND),
    ] {
        let res = user.post(&app, &format!("{cycle}/delete"), &[]).await;
        assert_eq!(res.status(), status);
    }
    let res = admin
        .client
        .post(app.url(&format!("{cycle}/delete")))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = lead
        .post(&app, &format!("{cycle}/delete"), &[("confirm", "yes")])
        .await;
    assert!(location(&res).starts_with("/deleted?kind=pdsa_cycle"));
    let (_, html) = lead.get(&app, &location(&res)).await;
    assert!(html.contains("PDSA cycle deleted"), "{html}");
    let (status, _) = member.get(&app, &cycle).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, html) = member.get(&app, &format!("/projects/{p}")).await;
    assert!(!html.contains("Cycle 1: night rounding"));

    // --- restoring: admins only; other organisations see nothing ---
    let (status, _) = lead.get(&app, "/admin/deleted").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, html) = admin.get(&app, "/admin/deleted").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Falls per 1,000 bed days"));
    assert!(html.contains("Cycle 1: night rounding"));
    let (_, html) = outsider.get(&app, "/admin/deleted").await;
    assert!(!html.contains("Falls per 1,000 bed days"));
    for path in [format!("{measure}/restore"), format!("{cycle}/restore")] {
        for (user, status) in [
            (&lead, StatusCode::FORBIDDEN),
            (&board, StatusCode::FORBIDDEN),
            (&outsider, StatusCode::NOT_FOUND),
        ] {
            let res = user.post(&app, &path, &[]).await;
            assert_eq!(res.status(), status, "{path}");
        }
        let res = admin
            .client
            .post(app.url(&path))
            .form(&[("csrf", "forged")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        let res = admin.post(&app, &path, &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        // Restored: restoring again finds nothing deleted.
        let res = admin.post(&app, &path, &[]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let (status, html) = member.get(&app, &measure).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(points(&html), 8, "restored with its data");
    let (status, _) = member.get(&app, &cycle).await;
    assert_eq!(status, StatusCode::OK);
    let (_, html) = admin.get(&app, "/admin/deleted").await;
    assert!(!html.contains("Falls per 1,000 bed days"));
    assert!(html.contains("No deleted measures.") && html.contains("No deleted PDSA cycles."));
    let sentences = gemba_web::history::sentences(&app.store.history(p).await.unwrap());
    for s in [
        "deleted measure “Falls per 1,000 bed days”",
        "restored measure “Falls per 1,000 bed days”",
        "deleted PDSA cycle “Cycle 1: night rounding”",
        "restored PDSA cycle “Cycle 1: night rounding”",
    ] {
        assert!(sentences.iter().any(|x| x == s), "{s}: {sentences:?}");
    }
}

/// A stale save of a measure, its chart settings or a PDSA cycle answers 409 with both
/// versions side by side, what was typed kept and the new version carried; nothing is written.
#[tokio::test]
async fn stale_measure_settings_and_pdsa_saves_show_a_conflict_page() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let m = app.measure_with_data(member.id, &[1.0, 2.0, 3.0]).await;

    // The measure form.
    let edit = format!("/measures/{m}/edit");
    let mut theirs = measure_form("Falls", "");
    theirs.push(("version", "1"));
    assert_eq!(
        member.post(&app, &edit, &theirs).await.status(),
        StatusCode::SEE_OTHER
    );
    let mut mine = measure_form("Falls per 1,000 bed days", "4");
    mine.push(("version", "1"));
    let res = member.post(&app, &edit, &mine).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("Someone else changed this measure"), "{html}");
    assert!(html.contains("<th scope=\"row\">Name</th><td data-label=\"Saved now by someone else\">Falls</td><td data-label=\"Your version\">Falls per 1,000 bed days</td>"), "{html}");
    assert!(html.contains("value=\"4\""), "the typed target is kept");
    assert!(html.contains("name=\"version\" value=\"2\""));
    let stored = app.store.measure(m).await.unwrap().unwrap();
    assert_eq!((stored.name.as_str(), stored.chart.target), ("Falls", None));

    // The chart settings form, from the page read at version 2.
    let settings = format!("/measures/{m}/settings");
    let form = |rules: &'static str, version: &'static str| {
        vec![
            ("chart", "xmr"),
            ("improvement", "increase"),
            ("target", ""),
            ("rules", rules),
            ("fix_after", ""),
            ("add_rebase", ""),
            ("version", version),
        ]
    };
    assert_eq!(
        member
            .post(&app, &settings, &form("powerbi", "2"))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let res = member.post(&app, &settings, &form("mdc", "2")).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<th scope=\"row\">Rule profile</th>"),
        "{html}"
    );
    assert!(html.contains("name=\"version\" value=\"3\""));
    assert!(html.contains("<title>Changed by someone else: Falls"));
    assert_eq!(
        app.store.measure(m).await.unwrap().unwrap().chart.rules,
        "powerbi"
    );

    // A PDSA cycle.
    let p = app.project;
    let res = member
        .post(
            &app,
            &format!("/projects/{p}/pdsa/new"),
            &[("title", "Cycle 1"), ("start_date", "2024-06-15")],
        )
        .await;
    let c = location(&res);
    let pdsa = |study: &'static str| {
        vec![
            ("title", "Cycle 1"),
            ("start_date", "2024-06-15"),
            ("study", study),
            ("version", "1"),
        ]
    };
    let cycle_edit = format!("{c}/edit");
    assert_eq!(
        member
            .post(&app, &cycle_edit, &pdsa("Falls fell"))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let res = member.post(&app, &cycle_edit, &pdsa("No change")).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Someone else changed this PDSA cycle"),
        "{html}"
    );
    assert!(html.contains("<td data-label=\"Saved now by someone else\">Falls fell</td><td data-label=\"Your version\">No change</td>"));
    assert!(html.contains(">No change</textarea>"));
    assert!(html.contains("name=\"version\" value=\"2\""));
}

/// A re-upload that replaces a value, and a removed point, are listed on the data page with a
/// Put back button (editors, CSRF); putting back restores the old value.
#[tokio::test]
async fn replaced_and_removed_values_are_put_back_from_the_data_page() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let board = app.user("board@a.nhs.uk").await;
    let m = app.measure_with_data(member.id, &[5.0, 7.0, 6.0]).await;
    let data = format!("/measures/{m}/data");
    let (_, html) = member.get(&app, &data).await;
    assert!(html.contains("None: no upload has replaced a value"));
    // Re-upload January 2024 with another value, and remove February.
    let res = member
        .upload(&app, m, "fix.csv", b"date,value\n2024-01-01,50\n".to_vec())
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = member
        .post(&app, &format!("{data}/remove"), &[("date", "2024-02-01")])
        .await;
    let html = follow(&member, &app, res).await;
    assert!(html.contains("where you can put it back"));
    assert!(html.contains("Replaced and removed values"));
    let revisions = app.store.data_revisions(m).await.unwrap();
    assert_eq!(revisions.len(), 2);
    let replaced = revisions[1].id;
    assert!(html.contains(&format!("{data}/revisions/{replaced}/restore")));
    assert!(html.contains("Put back<span class=\"visually-hidden\"> the value 5 of 1 Jan 2024"));

    // Board viewers see the list but cannot put back; a missing CSRF token is refused.
    let (_, html) = board.get(&app, &data).await;
    assert!(html.contains("Replaced and removed values") && !html.contains("Put back"));
    let restore = format!("{data}/revisions/{replaced}/restore");
    assert_eq!(
        board.post(&app, &restore, &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    let res = member
        .client
        .post(app.url(&restore))
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.data(m).await.unwrap()[0].value, Some(50.0));

    // Put back: January is 5 again, and the 50 it replaced is listed in turn.
    let res = member.post(&app, &restore, &[]).await;
    let html = follow(&member, &app, res).await;
    assert!(
        html.contains("The value of 1 Jan 2024 was put back"),
        "{html}"
    );
    assert_eq!(app.store.data(m).await.unwrap()[0].value, Some(5.0));
    let left = app.store.data_revisions(m).await.unwrap();
    assert_eq!(left.len(), 2);
    assert_eq!(left[0].old.value, Some(50.0));
    // Again: not there any more, a clear 400.
    let res = member.post(&app, &restore, &[]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

/// A delete button carries the version its page showed: deleting a measure, a PDSA cycle or a
/// project that someone changed since is a 409 that deletes nothing; from a fresh page it
/// deletes.
#[tokio::test]
async fn a_delete_from_a_stale_page_is_a_conflict() {
    let app = spawn_app().await;
    let org_a = app
        .store
        .org_by_name("Northshire Hospitals")
        .await
        .unwrap()
        .unwrap()
        .id;
    common::add_user(
        &*app.store,
        "lead@a.nhs.uk",
        "Lead",
        "not a hash",
        &[(org_a, Role::ImprovementLead)],
    )
    .await;
    let lead = app.user("lead@a.nhs.uk").await;
    let m = app.measure_with_data(lead.id, &[1.0, 2.0]).await;
    let (_, html) = lead.get(&app, &format!("/measures/{m}")).await;
    assert!(html.contains("name=\"version\" value=\"1\""));
    // Someone renames the measure after the page was shown.
    let mut f = measure_form("Falls (all)", "");
    f.push(("version", "1"));
    assert_eq!(
        lead.post(&app, &format!("/measures/{m}/edit"), &f)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let delete = format!("/measures/{m}/delete");
    let res = lead
        .post(&app, &delete, &[("version", "1"), ("confirm", "yes")])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("was changed by someone else while you were working on it"));
    assert!(app.store.measure(m).await.unwrap().is_some());
    let res = lead
        .post(&app, &delete, &[("version", "2"), ("confirm", "yes")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(app.store.measure(m).await.unwrap().is_none());

    // The same for a PDSA cycle and the project.
    let p = app.project;
    let res = lead
        .post(
            &app,
            &format!("/projects/{p}/pdsa/new"),
            &[("title", "Cycle 1"), ("start_date", "2024-06-15")],
        )
        .await;
    let c = location(&res);
    let edit = [
        ("title", "Cycle 1b"),
        ("start_date", "2024-06-15"),
        ("version", "1"),
    ];
    lead.post(&app, &format!("{c}/edit"), &edit).await;
    let res = lead
        .post(
            &app,
            &format!("{c}/delete"),
            &[("version", "1"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(app.store.pdsas(p).await.unwrap().len(), 1);
    // The project's page was shown at its version; then someone renames it.
    let shown = app.store.project(p).await.unwrap().unwrap();
    let renamed = ProjectFields {
        title: NonEmpty::parse("title", "Falls, renamed").unwrap(),
        problem: shown.problem.clone(),
        aim: shown.aim.clone(),
        method: shown.method.clone(),
        status: shown.status,
        team: shown.team,
        sponsor: shown.sponsor.clone(),
        tags: shown.tags.clone(),
        private: false,
    };
    app.store
        .update_project(p, &renamed, shown.version, lead.id)
        .await
        .unwrap();
    let stale = shown.version.to_string();
    let res = lead
        .post(
            &app,
            &format!("/projects/{p}/delete"),
            &[("version", &stale), ("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(app.store.project(p).await.unwrap().is_some());
}

#[path = "../../gemba-data/tests/hostile/mod.rs"]
mod hostile;

/// Regression (issue 8): the hostile spreadsheets that aborted or exhausted the server are
/// refused on the upload page with the reason, nothing is saved, and the server keeps
/// answering; a good spreadsheet still imports afterwards.
#[tokio::test]
async fn hostile_spreadsheet_uploads_are_refused_and_the_server_keeps_answering() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let m = app.measure_with_data(member.id, &[]).await;
    for (name, bytes, why) in [
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
            "when unpacked",
        ),
    ] {
        let res = member.upload(&app, m, name, bytes).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{name}");
        // The page starts the message with a capital: "Strings.xlsx: …".
        let html = res.text().await.unwrap().to_lowercase();
        assert!(
            html.contains(&format!(
                "{name}: this spreadsheet could not be read safely: "
            )),
            "{name}: {html}"
        );
        assert!(html.contains(why), "{name}: {html}");
        assert!(html.contains("id=\"file-error\""), "{name}");
        assert_eq!(app.count(m).await, 0, "{name}: nothing saved");
        let (status, _) = member.get(&app, &format!("/measures/{m}/data")).await;
        assert_eq!(status, StatusCode::OK, "the server answers after {name}");
    }
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "date").unwrap();
    sheet.write_string(0, 1, "value").unwrap();
    sheet.write_string(1, 0, "2026-01-01").unwrap();
    sheet.write_number(1, 1, 4.0).unwrap();
    let res = member
        .upload(&app, m, "good.xlsx", book.save_to_buffer().unwrap())
        .await;
    let html = follow(&member, &app, res).await;
    assert!(html.contains("1 point saved"), "{html}");
    assert_eq!(app.count(m).await, 1);
}

// ---- units and data entry rules (issue 10) ---------------------------------------------------

/// Creates a measure with the form and returns its id.
async fn create_measure(app: &App, user: &User, form: &[(&str, &str)]) -> MeasureId {
    let res = user
        .post(
            app,
            &format!("/projects/{}/measures/new", app.project),
            form,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(&res);
    MeasureId(
        path.trim_start_matches("/measures/")
            .trim_end_matches("/data")
            .parse()
            .unwrap(),
    )
}

/// The measure form with `chart`, `multiplier`, `denominator_label` and `target` changed.
fn unit_form<'a>(
    chart: &'a str,
    multiplier: &'a str,
    label: &'a str,
    target: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut form = measure_form("Inpatient falls per 1,000 bed days", target);
    form.retain(|(k, _)| *k != "chart");
    form.extend([
        ("chart", chart),
        ("multiplier", multiplier),
        ("denominator_label", label),
    ]);
    form
}

/// Issue 10: proportions show as 0.81 nowhere by default. A new p chart left on "Automatic"
/// shows percentages (its target is entered as 90, meaning 90 %); a u chart left on
/// "Automatic" shows values as entered. The form offers "Automatic" first, chosen.
#[tokio::test]
async fn a_new_proportion_shows_percentages_unless_told_otherwise() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let (_, html) = member
        .get(&app, &format!("/projects/{}/measures/new", app.project))
        .await;
    assert!(
        html.contains("<option value=\"auto\" selected>Automatic"),
        "{html}"
    );
    let p = create_measure(&app, &member, &unit_form("p", "auto", "doses due", "90")).await;
    let m = app.store.measure(p).await.unwrap().unwrap();
    assert_eq!(
        (m.chart.multiplier.get(), m.chart.target),
        (100, Some(90.0))
    );
    let u = create_measure(&app, &member, &unit_form("u", "auto", "bed days", "5")).await;
    let m = app.store.measure(u).await.unwrap().unwrap();
    assert_eq!(m.chart.multiplier.get(), 1);
}

/// Regression (issue 10): a per-1,000 rate had no multiplier, so raw bed days gave a rate
/// 1,000 times too small. Now 3 falls in 830 bed days show as 3/830 × 1,000 = 3.6145 per
/// 1,000 on the chart's table and the data page, and the denominator says what it counts.
#[tokio::test]
async fn regression_a_rate_per_1000_takes_raw_bed_days() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let m = create_measure(&app, &member, &unit_form("u", "1000", "bed days", "5")).await;
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/data/row"),
            &[
                ("date", "2024-01-01"),
                ("value", "3"),
                ("denominator", "830"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored = app.store.data(m).await.unwrap();
    assert_eq!(stored[0].denominator, Some(830.0));
    let (_, data) = member.get(&app, &format!("/measures/{m}/data")).await;
    assert!(data.contains("Denominator: bed days"), "{data}");
    assert!(data.contains("3.6145 per 1,000"), "{data}");
    let (_, page) = member.get(&app, &format!("/measures/{m}")).await;
    assert!(page.contains("Per 1,000"), "{page}");
    assert!(page.contains("<td>3.6145</td>"), "{page}");
    assert!(page.contains("Value (per 1,000)"), "{page}");
    assert!(
        page.contains("Target: 5 per 1,000") || page.contains("target 5 per 1,000"),
        "{page}"
    );
}

/// Regression (issue 10): a p chart took a target of 5 with values stored as proportions, so
/// the chart said it would consistently meet it. Targets are in display units and checked
/// against the chart's range.
#[tokio::test]
async fn regression_a_proportion_target_is_checked_in_display_units() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    for (multiplier, target, says) in [
        ("1", "5", "a proportion from 0 to 1"),
        ("100", "150", "a percentage from 0 to 100"),
    ] {
        let res = member
            .post(
                &app,
                &format!("/projects/{}/measures/new", app.project),
                &unit_form("p", multiplier, "doses due", target),
            )
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let html = res.text().await.unwrap();
        assert!(html.contains(says), "{html}");
    }
    // A rate's target is zero or more.
    let res = member
        .post(
            &app,
            &format!("/projects/{}/measures/new", app.project),
            &unit_form("u", "1000", "bed days", "-1"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // 5 % is a good target of a percentage: 2 of 40 doses (5 %) shows as 5%.
    let m = create_measure(&app, &member, &unit_form("p", "100", "doses due", "5")).await;
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/data/paste"),
            &[("pasted", "2024-01-01\t2\t40\n2024-02-01\t4\t40\n")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = member.get(&app, &format!("/measures/{m}")).await;
    assert!(page.contains("As a percentage"), "{page}");
    assert!(page.contains("<td>5</td>"), "{page}");
    assert!(page.contains("<td>10</td>"), "{page}");
    assert!(
        page.contains("Target: 5%") || page.contains("target 5%"),
        "{page}"
    );
}

/// Regression (issue 10): a p point without a denominator was saved and then dropped from
/// the chart; 3.5 was a count; a pasted 6.5% was stored as 6.5. All refused, naming the row
/// and field, with nothing saved.
#[tokio::test]
async fn regression_entries_the_chart_cannot_take_are_refused() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let p = create_measure(&app, &member, &unit_form("p", "100", "doses due", "")).await;
    let res = member
        .post(
            &app,
            &format!("/measures/{p}/data/row"),
            &[("date", "2024-01-01"), ("value", "3"), ("denominator", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("The denominator is missing; a p chart needs the denominator (doses due)"),
        "{html}"
    );
    let c = create_measure(&app, &member, &unit_form("c", "1", "", "")).await;
    let res = member
        .post(
            &app,
            &format!("/measures/{c}/data/paste"),
            &[("pasted", "2024-01-01\t3\n2024-02-01\t3.5\n")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Line 2, value: 3.5 is not a whole number"),
        "{html}"
    );
    let x = create_measure(&app, &member, &unit_form("xmr", "1", "", "")).await;
    let res = member
        .post(
            &app,
            &format!("/measures/{x}/data/paste"),
            &[("pasted", "2024-01-01\t6.5%\n")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Line 1, value: 6.5% is a percentage"),
        "{html}"
    );
    for m in [p, c, x] {
        assert_eq!(app.count(m).await, 0);
    }
    // Shown as a percentage, 6.5% is stored as the proportion 0.065.
    let pct = create_measure(&app, &member, &unit_form("xmr", "100", "", "")).await;
    let res = member
        .post(
            &app,
            &format!("/measures/{pct}/data/row"),
            &[("date", "2024-01-01"), ("value", "6.5%")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.data(pct).await.unwrap()[0].value, Some(0.065));
}

/// Issue 10 §2: a date off the measure's period needs confirmation, the same from paste as
/// from every other way in (they share the domain's check): a monthly measure dated on the
/// 1st is sent 15 Apr 2024 and 20 Jan 2024 (January has its point already).
#[tokio::test]
async fn a_date_off_the_measures_period_asks_for_confirmation() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let m = app.measure_with_data(member.id, &[1.0, 2.0, 3.0]).await;
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/data/paste"),
            &[("pasted", "15/04/2024\t4\n20/01/2024\t5\n")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Check these rows before they are saved"),
        "{html}"
    );
    assert!(
        html.contains("15 Apr 2024 is not the first day of Apr 2024 (1 Apr 2024)"),
        "{html}"
    );
    assert!(
        html.contains("Jan 2024 already has a point, dated 1 Jan 2024"),
        "{html}"
    );
    assert_eq!(app.count(m).await, 3, "nothing saved before confirmation");
}

/// Regression (issue 10): a future date, and bed days entered raw where the saved ones are
/// in thousands, were saved with no question. Now the page lists them and saves only when
/// the user confirms.
#[tokio::test]
async fn regression_future_dates_and_unusual_scales_ask_for_confirmation() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let m = create_measure(&app, &member, &unit_form("u", "1", "thousand bed days", "")).await;
    let saved: Vec<DataPoint> = [0.811, 0.79, 0.83]
        .iter()
        .enumerate()
        .map(|(i, d)| DataPoint {
            date: month(i),
            value: Some(7.0),
            denominator: Some(*d),
        })
        .collect();
    app.store.put_data(m, &saved, member.id).await.unwrap();
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/data/paste"),
            &[("pasted", "2024-06-01\t3\t830\n")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Check these rows before they are saved"),
        "{html}"
    );
    assert!(
        html.contains("830 is more than 10 times the usual denominator (thousand bed days)"),
        "{html}"
    );
    assert_eq!(app.count(m).await, 3);
    // The confirmation posts the rows back; they are saved as entered.
    let rows = html
        .split("<textarea name=\"rows\" hidden>")
        .nth(1)
        .and_then(|s| s.split("</textarea>").next())
        .unwrap()
        .to_owned();
    assert!(rows.starts_with("2024-06-01"), "{rows}");
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/data/confirm"),
            &[("rows", &rows)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count(m).await, 4);
    // A date in the future.
    let res = member
        .post(
            &app,
            &format!("/measures/{m}/data/row"),
            &[
                ("date", "01/01/2999"),
                ("value", "2"),
                ("denominator", "0.8"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("1 Jan 2999 is in the future"), "{html}");
    assert_eq!(app.count(m).await, 4);
}

/// Issue 9: a rebase carries why. The chart settings form asks for a reason with a new rebase
/// date (refused without one, next to the field), shows each rebase's reason in a labelled
/// field that can be changed, refuses blanking one, and the chart lists the reasons.
#[tokio::test]
async fn rebases_carry_a_reason_through_the_settings_form() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let values: Vec<f64> = (0..24).map(|i| if i < 12 { 10.0 } else { 20.0 }).collect();
    let m = app.measure_with_data(member.id, &values).await;
    let settings = format!("/measures/{m}/settings");
    let base = [
        ("chart", "xmr"),
        ("improvement", "decrease"),
        ("target", ""),
        ("rules", "mdc"),
        ("fix_after", ""),
    ];
    let post = |extra: Vec<(&'static str, String)>| {
        let (app, member, settings) = (&app, &member, &settings);
        async move {
            let version = app.measure_version(m).await;
            let mut form: Vec<(&str, &str)> = base.to_vec();
            form.push(("version", &version));
            for (k, v) in &extra {
                form.push((k, v));
            }
            member.post(app, settings, &form).await
        }
    };

    // A date without a reason: refused, the reason's field in error, nothing saved.
    let res = post(vec![
        ("add_rebase", "2025-01-01".into()),
        ("add_reason", " ".into()),
    ])
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"add_reason-error\""), "{html}");
    assert!(html.contains("Enter why the process changed on that date"));
    assert!(
        html.contains("value=\"2025-01-01\""),
        "what was typed is kept"
    );
    assert!(app
        .store
        .measure(m)
        .await
        .unwrap()
        .unwrap()
        .chart
        .rebase
        .is_empty());

    // With a reason: saved, and listed with the chart.
    let res = post(vec![
        ("add_rebase", "01/01/2025".into()),
        ("add_reason", "Falls bundle adopted on every bay".into()),
    ])
    .await;
    let html = follow(&member, &app, res).await;
    assert!(html.contains("Rebases on the chart"), "{html}");
    assert!(html.contains("Rebased: Falls bundle adopted on every bay"));
    assert!(html.contains(
        "<label class=\"label\" for=\"reason-0\">Why the chart is rebased on 1 Jan 2025</label>"
    ));

    // The reason can be changed in its field; blanking it is refused on the rebases' group.
    let res = post(vec![("reason-2025-01-01", "Falls bundle, all bays".into())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored = app.store.measure(m).await.unwrap().unwrap();
    assert_eq!(stored.chart.rebase[0].reason, "Falls bundle, all bays");
    let res = post(vec![("reason-2025-01-01", "".into())]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"rebases-error\""), "{html}");
    assert!(html.contains("Enter why the chart is rebased on 1 Jan 2025"));
    assert!(
        html.contains("href=\"#rebases\""),
        "the summary links to the group"
    );
    // A form that does not send the reasons (a page opened before they were asked for) keeps
    // them.
    let res = post(vec![]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored = app.store.measure(m).await.unwrap().unwrap();
    assert_eq!(stored.chart.rebase[0].reason, "Falls bundle, all bays");
}
