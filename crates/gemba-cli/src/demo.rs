//! `gemba demo`: a fresh database seeded with a believable integrated care system, then served.
//!
//! Two trusts of the "North Riverside" system, their teams, one user of every role, projects
//! at different stages with aims, driver diagrams, measures and PDSA cycles. The emergency
//! department's four-hour measure is real: trust R1H's type 1 A&E data from
//! `data/ae_attendances.csv`. The other measures are generated (deterministically) to tell the
//! story of each project: a stable baseline, a change tested, a shift after it.

use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate};
use gemba_data::{read_chart_series, ChartColumns, Grouping, RowFilter, Source};
use gemba_domain::{
    AssessmentFields, BoardPlace, ChartSettings, DataPoint, Dimension, DriverKind, Email, Maturity,
    MeasureFields, MeasureType, Multiplier, NonEmpty, OrgId, PdsaFields, Period, ProjectFields,
    ProjectId, ProjectStatus, Rating, Recurrence, Role, Store, SystemRole, TeamId, UserId,
    ValueFields, ValueKind, Version,
};
use gemba_spc::{ChartType, Improvement};

use gemba_store_sqlite::ExistingDatabase;
use gemba_web::auth::TrustedProxies;

use crate::args::DemoArgs;
use crate::workspace::{open_store, runtime, serve_store};

/// The password of every demo account (printed by `gemba demo`).
pub const DEMO_PASSWORD: &str = "improve-together-2026";

/// The demo logins: email, role, organisation.
pub const DEMO_USERS: [(&str, &str, Role, usize); 8] = [
    ("admin@riverside.nhs.uk", "Ade Admin", Role::Admin, 0),
    (
        "coach@riverside.nhs.uk",
        "Chris Coach",
        Role::ImprovementLead,
        0,
    ),
    ("nurse@riverside.nhs.uk", "Nadia Nurse", Role::Member, 0),
    (
        "partner@riverside.nhs.uk",
        "Pat Partner",
        Role::PatientPartner,
        0,
    ),
    ("board@riverside.nhs.uk", "Bola Board", Role::BoardViewer, 0),
    (
        "lead@northfield.nhs.uk",
        "Lee Lead",
        Role::ImprovementLead,
        1,
    ),
    ("admin@northfield.nhs.uk", "Ash Admin", Role::Admin, 1),
    ("finance@riverside.nhs.uk", "Fay Finance", Role::Finance, 0),
];

/// NHS England's A&E attendances and emergency admissions, April 2016 to March 2019
/// (data/README.md), built into the binary so that `gemba demo` runs from any folder.
const AE_ATTENDANCES: &str = include_str!("../../../data/ae_attendances.csv");

/// `gemba demo`.
pub fn run(args: &DemoArgs) -> Result<()> {
    let path = Path::new(&args.database);
    // Never wipe a file that the demo did not make (a real database given by mistake).
    match runtime()?.block_on(gemba_store_sqlite::existing_database(path)) {
        ExistingDatabase::Nothing | ExistingDatabase::Demo => {}
        ExistingDatabase::Other(what) => bail!(
            "refusing to replace {}: {what}, and `gemba demo` only ever replaces its own demo \
             databases; choose another file with --database (nothing was changed)",
            path.display()
        ),
    }
    for suffix in ["", "-wal", "-shm"] {
        let p = format!("{}{suffix}", args.database);
        if Path::new(&p).exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot replace {p}"))?;
        }
    }
    runtime()?.block_on(async {
        let store = open_store(&args.database).await?;
        store.mark_as_demo().await?;
        match &args.ae_data {
            Some(path) => seed(&store, path).await?,
            None => {
                // The data are built into the binary; the readers take a file.
                let mut file = tempfile::Builder::new()
                    .prefix("gemba-demo-ae-")
                    .suffix(".csv")
                    .tempfile()
                    .context("cannot write the built-in A&E data to a temporary file")?;
                std::io::Write::write_all(&mut file, AE_ATTENDANCES.as_bytes())
                    .context("cannot write the built-in A&E data to a temporary file")?;
                seed(&store, file.path()).await?;
            }
        }
        println!("Seeded the demo database {}", path.display());
        println!();
        println!("Sign in with any of these (password: {DEMO_PASSWORD}):");
        for (email, _, role, org) in DEMO_USERS {
            let org = [
                "Riverside University Hospitals",
                "Northfield Community Health",
            ][org];
            println!("  {email:<28} {:<17} {org}", role.label());
        }
        println!();
        if args.seed_only {
            return Ok(());
        }
        // The demo runs on this machine over plain HTTP: on a loopback address the session
        // cookie goes without the Secure flag so that every browser keeps it (traffic never
        // leaves the machine). Anywhere else it stays Secure.
        let loopback = args
            .bind
            .parse::<std::net::SocketAddr>()
            .is_ok_and(|a| a.ip().is_loopback())
            || args.bind.starts_with("localhost:");
        serve_store(
            Arc::new(store),
            &args.bind,
            !loopback,
            TrustedProxies::default(),
            None,
        )
        .await
    })
}

/// A small deterministic generator (LCG) for demo noise.
struct Noise(u64);

impl Noise {
    /// A value in [−1, 1).
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as f64 / (1u64 << 31) as f64) * 2.0 - 1.0
    }
}

fn month(start: NaiveDate, k: u32) -> NaiveDate {
    let m0 = start.month0() + k;
    NaiveDate::from_ymd_opt(start.year() + (m0 / 12) as i32, m0 % 12 + 1, 1).unwrap_or(start)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn fields(
    title: &str,
    problem: &str,
    aim: &str,
    status: ProjectStatus,
    team: TeamId,
    sponsor: &str,
    tags: &[&str],
) -> Result<ProjectFields> {
    Ok(ProjectFields {
        title: NonEmpty::parse("title", title)?,
        problem: problem.into(),
        aim: aim.into(),
        method: "Model for Improvement".into(),
        status,
        team: Some(team),
        sponsor: sponsor.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        private: false,
    })
}

#[allow(clippy::too_many_arguments)] // one call per demo measure reads best flat
fn measure(
    name: &str,
    kind: MeasureType,
    definition: &str,
    unit: &str,
    source: &str,
    chart: ChartType,
    improvement: Improvement,
    target: Option<f64>,
) -> Result<MeasureFields> {
    Ok(MeasureFields {
        name: NonEmpty::parse("name", name)?,
        kind,
        definition: definition.into(),
        unit: unit.into(),
        data_source: source.into(),
        denominator_label: String::new(),
        chart: ChartSettings {
            chart,
            improvement,
            target,
            rules: "mdc".into(),
            rebase: Vec::new(),
            fix_after: None,
            // Every demo measure has one figure a month, dated on the 1st.
            period: Period::Month,
            multiplier: Multiplier::ONE,
        },
    })
}

struct Seeded {
    orgs: [OrgId; 2],
    users: Vec<UserId>,
}

async fn people(store: &dyn Store) -> Result<Seeded> {
    let system = Some("North Riverside Integrated Care System");
    let riverside = store
        .create_org("Riverside University Hospitals", system)
        .await?;
    let northfield = store
        .create_org("Northfield Community Health", system)
        .await?;
    let orgs = [riverside, northfield];
    let hash = gemba_web::auth::hash_password(DEMO_PASSWORD)
        .map_err(|e| anyhow::anyhow!("cannot hash the demo password: {e}"))?;
    let mut users = Vec::new();
    for (email, name, role, org) in DEMO_USERS {
        let id = store
            .create_user(&Email::parse(email)?, name, &hash)
            .await?;
        store.set_membership(id, orgs[org], role).await?;
        users.push(id);
    }
    Ok(Seeded { orgs, users })
}

/// Seeds the demo into an empty store.
pub async fn seed(store: &dyn Store, ae_data: &Path) -> Result<()> {
    let Seeded { orgs, users } = people(store).await?;
    let [riverside, northfield] = orgs;
    let coach = users[1];
    let nurse = users[2];
    let partner = users[3];
    let lead_north = users[5];

    let ed = store.create_team(riverside, "Emergency Department").await?;
    let ward7 = store.create_team(riverside, "Ward 7 (Frailty)").await?;
    let maternity = store.create_team(riverside, "Maternity").await?;
    let district = store.create_team(northfield, "District Nursing").await?;
    let falls_response = store.create_team(northfield, "Falls Response").await?;

    let ed_id = ed_project(store, riverside, ed, coach, ae_data).await?;
    let falls_id = falls_project(store, riverside, ward7, nurse, partner).await?;
    // Project teams: patient partners are full members.
    for (project, people) in [
        (ed_id, vec![coach, nurse, partner]),
        (falls_id, vec![nurse, partner, coach]),
    ] {
        for person in people {
            store.add_project_member(project, person, coach).await?;
        }
    }

    let f = fields(
        "Clearer discharge information for new parents",
        "Parents tell us the discharge leaflet is long and hard to follow at 2am.",
        "90% of parents say they knew what to do if worried, within 6 months of testing",
        ProjectStatus::Idea,
        maternity,
        "Director of Midwifery",
        &["patient experience", "co-design"],
    )?;
    let parents = store.create_project(riverside, &f, partner).await?;

    let f = fields(
        "Pressure ulcer prevention in the community",
        "Category 2+ pressure ulcers acquired on the district nursing caseload rose last winter.",
        "Reduce caseload-acquired category 2+ pressure ulcers by 30% by March 2027",
        ProjectStatus::Scoping,
        district,
        "Chief Nurse",
        &["harm free care"],
    )?;
    let p = store.create_project(northfield, &f, lead_north).await?;
    let m = measure(
        "Caseload-acquired pressure ulcers (category 2+)",
        MeasureType::Outcome,
        "New category 2 or worse pressure ulcers first seen on the caseload each month (Datix).",
        "ulcers per month",
        "Datix incident reports",
        ChartType::C,
        Improvement::Decrease,
        None,
    )?;
    let id = store.create_measure(p, &m, lead_north).await?;
    board(store, riverside, users[0], coach, [ed_id, falls_id]).await?;
    board_reports(store, riverside, users[0], coach).await?;
    priorities(store, riverside, coach, [ed_id, falls_id]).await?;
    discharge_event(store, riverside, ward7, nurse).await?;
    closed_insulin_project(store, riverside, ward7, nurse).await?;
    self_assessments(store, riverside, [users[0], coach, users[4]]).await?;
    // The district nurses' work is current: 18 months of data up to last month and a cycle
    // started last month, so that their project is not stalled whenever the demo is made
    // (the other projects' data are historical: they show as stalled, with their last activity).
    let today = chrono::Utc::now().date_naive();
    let this_month = date(today.year(), today.month(), 1);
    let first = this_month
        .checked_sub_months(chrono::Months::new(18))
        .unwrap_or(this_month);
    let mut noise = Noise(5);
    let points: Vec<DataPoint> = (0..18)
        .map(|k| DataPoint {
            date: month(first, k),
            value: Some((9.0 + 3.0 * noise.next()).round().max(0.0)),
            denominator: None,
        })
        .collect();
    store.put_data(id, &points, lead_north).await?;
    store
        .create_pdsa(
            p,
            &PdsaFields {
                title: "Skin checks at every second visit".into(),
                start_date: Some(month(first, 17)),
                objective: "Can the team check heels and sacrum at every second visit?".into(),
                prediction: "Checks done at 8 visits in 10; two early redness finds in a month."
                    .into(),
                plan: "Two nurses, their own caseloads, one month.".into(),
                scale: "Two nurses\u{2019} caseloads".into(),
                ..PdsaFields::default()
            },
            lead_north,
        )
        .await?;
    progress_overrides(store, falls_id, users[1]).await?;
    spread_falls(
        store,
        [riverside, northfield],
        falls_response,
        falls_id,
        lead_north,
    )
    .await?;
    across_the_system(store, northfield, district, &users).await?;
    staff_ideas(store, riverside, ward7, &users).await?;
    patient_involvement(store, [falls_id, ed_id, parents], &users).await?;
    hydration_rounds(store, riverside, ward7, &users).await?;
    training_cohort(store, riverside, &users).await?;
    plan_and_coaches(store, riverside, [ed_id, falls_id], &users).await?;
    falls_value(store, falls_id, nurse, users[7]).await?;
    Ok(())
}

/// The value of Riverside's falls work: a potential saving with its method, a realised one
/// that finance has confirmed, and a realised one awaiting finance.
async fn falls_value(
    store: &dyn Store,
    falls: ProjectId,
    nurse: UserId,
    finance: UserId,
) -> Result<()> {
    let potential = ValueFields {
        kind: ValueKind::Potential,
        pence: 1_840_000,
        hours: 120.0,
        cash_releasing: false,
        recurrence: Recurrence::Recurrent,
        date: date(2025, 10, 1),
        method: "23 fewer falls with harm a year (half of last year's 46) at about £800 each in \
                 extra bed days and treatment, plus 120 nurse hours a year of post-fall reviews."
            .into(),
    };
    store.create_value(falls, &potential, nurse).await?;
    let confirmed = ValueFields {
        kind: ValueKind::Realised,
        pence: 620_000,
        hours: 0.0,
        cash_releasing: true,
        recurrence: Recurrence::OneOff,
        date: date(2026, 1, 15),
        method: "Bank shifts for one-to-one observation after falls cut from the ward's budget \
                 for January to March (budget change 2026/117)."
            .into(),
    };
    let id = store.create_value(falls, &confirmed, nurse).await?;
    store.confirm_value(id, Some(Version(1)), finance).await?;
    let awaiting = ValueFields {
        kind: ValueKind::Realised,
        pence: 310_000,
        hours: 40.0,
        cash_releasing: false,
        recurrence: Recurrence::Recurrent,
        date: date(2026, 3, 1),
        method: "Fewer hip fracture bed days since the night checks began: 4 bed days a quarter, \
                 from the ward's own audit; for finance to confirm."
            .into(),
    };
    store.create_value(falls, &awaiting, nurse).await?;
    Ok(())
}

/// A demo idea: who puts it forward, the problem, the idea, where, and its status and response.
type DemoIdea = (
    UserId,
    &'static str,
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
);

/// Riverside's staff ideas, one in each state: a patient partner's new idea; a nurse's under
/// review, supported and commented on; one being tested, one adopted, and one "not now" with its
/// reason. Their submitters have the responses in their notifications.
async fn staff_ideas(
    store: &dyn Store,
    riverside: OrgId,
    ward7: TeamId,
    users: &[UserId],
) -> Result<()> {
    let (coach, nurse, partner, board) = (users[1], users[2], users[3], users[4]);
    let ideas: [DemoIdea; 5] = [
        (
            partner,
            "Visitors cannot find the day room, so patients sit by their beds all afternoon",
            "Paint footprints from the ward entrance to the day room",
            "Ward 7",
            None,
        ),
        (
            nurse,
            "Call bells are out of reach at night after patients are moved",
            "Clip the call bell to the bed rail at every intentional rounding check",
            "Ward 7",
            Some((
                "under_review",
                "We will look at this at the falls huddle on Thursday.",
            )),
        ),
        (
            nurse,
            "Night staff cannot find the lying and standing blood pressure equipment",
            "Keep one lying and standing BP kit on each bay's falls trolley",
            "Ward 7",
            Some((
                "being_tested",
                "Testing on bay 2 for two weeks as a PDSA cycle.",
            )),
        ),
        (
            partner,
            "Families are not told which nurse is caring for their relative",
            "Write the named nurse on the whiteboard above every bed at each shift change",
            "Ward 7",
            Some((
                "adopted",
                "Now part of the shift handover checklist on Ward 7.",
            )),
        ),
        (
            board,
            "Falls data reach the board two months late",
            "Send the board a weekly falls count by e-mail",
            "",
            Some((
                "not_now",
                "The board report shows falls monthly with their chart; a weekly count \
                 would show noise, not signals. We will review this at the next report review.",
            )),
        ),
    ];
    let lead = gemba_domain::Access::load(store, coach).await?;
    for (by, problem, idea, area, triage) in ideas {
        let access = gemba_domain::Access::load(store, by).await?;
        let draft = gemba_domain::IdeaDraft {
            problem: Some(problem.into()),
            idea: Some(idea.into()),
            area: Some(area.into()),
            team: (!area.is_empty()).then(|| ward7.to_string()),
        };
        let id = gemba_domain::submit_idea(&access, riverside, &draft)
            .await
            .map_err(|e| anyhow::anyhow!("demo idea: {e}"))?;
        if by == nurse && triage.is_some_and(|(s, _)| s == "under_review") {
            let support = gemba_domain::Access::load(store, partner).await?;
            gemba_domain::support_idea(&support, id, true).await?;
            gemba_domain::support_idea(&lead, id, true).await?;
            gemba_domain::comment_on_idea(
                &support,
                id,
                "My dad could not reach his bell on his first night. Please do this.",
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo comment: {e}"))?;
        }
        if let Some((status, response)) = triage {
            let draft = gemba_domain::TriageDraft {
                status: Some(status.into()),
                response: Some(response.into()),
            };
            gemba_domain::triage_idea(&lead, id, &draft, Version(1))
                .await
                .map_err(|e| anyhow::anyhow!("demo triage: {e}"))?;
        }
    }
    // One more, taken forward as a project that names it (its lineage both ways); and
    // Riverside's target of a first response within 7 days.
    let access = gemba_domain::Access::load(store, nurse).await?;
    let draft = gemba_domain::IdeaDraft {
        problem: Some("Patients wait over an hour for a porter to take them to X-ray".into()),
        idea: Some("A porter request button on the ward tablet, with the wait shown".into()),
        area: Some("Ward 7".into()),
        team: Some(ward7.to_string()),
    };
    let id = gemba_domain::submit_idea(&access, riverside, &draft)
        .await
        .map_err(|e| anyhow::anyhow!("demo idea: {e}"))?;
    let convert = gemba_domain::ConvertDraft {
        into: Some("project".into()),
        title: Some("Porter requests from the ward tablet".into()),
        ..gemba_domain::ConvertDraft::default()
    };
    gemba_domain::convert_idea(&lead, id, &convert, Version(1))
        .await
        .map_err(|e| anyhow::anyhow!("demo idea taken forward: {e}"))?;
    let admin = gemba_domain::Access::load(store, users[0]).await?;
    gemba_domain::set_response_target(&admin, riverside, "7", Version(0))
        .await
        .map_err(|e| anyhow::anyhow!("demo response target: {e}"))?;
    Ok(())
}

/// How patients and carers take part in Riverside's projects: the falls project is co-produced
/// with Pat Partner (on its team) and a carer since 14 months ago; the new parents' leaflet
/// involves parents as co-designers and reviewers since 5 months ago; the emergency department
/// consults patients (its surveys) since 10 months ago. The others record none yet.
async fn patient_involvement(
    store: &dyn Store,
    [falls, ed, parents]: [ProjectId; 3],
    users: &[UserId],
) -> Result<()> {
    let coach = gemba_domain::Access::load(store, users[1]).await?;
    let today = chrono::Utc::now().date_naive();
    let this_month = date(today.year(), today.month(), 1);
    let ago = |months: u32| {
        this_month
            .checked_sub_months(chrono::Months::new(months))
            .unwrap_or(this_month)
            .to_string()
    };
    let records = [
        (
            falls,
            "co_produce",
            vec![
                "team_member",
                "co_designer",
                "tests_changes",
                "carer_representative",
            ],
            "Pat Partner, whose father fell on the ward, has been on the team from the start; a \
             carer from the Ward 7 relatives' group co-designed the bedside falls plan with us.",
            ago(14),
        ),
        (
            ed,
            "consult",
            vec!["shares_experience"],
            "Monthly waiting-room surveys and two patient stories at the launch event.",
            ago(10),
        ),
        (
            parents,
            "involve",
            vec!["co_designer", "reviews_materials"],
            "Six parents from the maternity voices partnership rewrite the leaflet with us.",
            ago(5),
        ),
    ];
    for (project, level, roles, note, since) in records {
        let draft = gemba_domain::InvolvementDraft {
            level: Some(level.into()),
            roles: Some(roles.into_iter().map(str::to_owned).collect()),
            note: Some(note.into()),
            since: Some(since),
        };
        gemba_domain::set_involvement(&coach, project, &draft, Version(0), today)
            .await
            .map_err(|e| anyhow::anyhow!("demo involvement: {e}"))?;
    }
    Ok(())
}

/// A current Riverside project for engagement and involvement over the last 14 months: hydration
/// rounds on Ward 7, a PDSA cycle started every month (logged in turn by the nurse, the coach
/// and the admin, some months two), with Pat Partner on its team testing the changes with
/// patients ("involve").
async fn hydration_rounds(
    store: &dyn Store,
    riverside: OrgId,
    ward7: TeamId,
    users: &[UserId],
) -> Result<()> {
    let (admin, coach, nurse, partner) = (users[0], users[1], users[2], users[3]);
    let f = fields(
        "Hydration rounds on Ward 7",
        "Older patients on Ward 7 drink too little between meals, and urinary infections and \
         falls follow.",
        "Every patient on Ward 7 offered a drink at least every 2 hours, 9 days in 10, by next \
         spring",
        ProjectStatus::Testing,
        ward7,
        "Chief Nurse",
        &["nutrition", "harm free care"],
    )?;
    let project = store.create_project(riverside, &f, nurse).await?;
    for person in [nurse, partner] {
        store.add_project_member(project, person, coach).await?;
    }
    let today = chrono::Utc::now().date_naive();
    let this_month = date(today.year(), today.month(), 1);
    let loggers = [nurse, coach, admin];
    for k in (1..=14u32).rev() {
        let start = this_month
            .checked_sub_months(chrono::Months::new(k))
            .unwrap_or(this_month)
            .with_day(3)
            .unwrap_or(this_month);
        let mut by = vec![loggers[(k % 3) as usize]];
        if k % 4 == 0 {
            by.push(loggers[((k + 1) % 3) as usize]);
        }
        for (n, who) in by.into_iter().enumerate() {
            store
                .create_pdsa(
                    project,
                    &PdsaFields {
                        title: format!(
                            "Drinks round test {}{}",
                            15 - k,
                            if n > 0 { " (night shift)" } else { "" }
                        ),
                        start_date: Some(start),
                        objective: "Can every patient be offered a drink every 2 hours?".into(),
                        prediction: "Drinks offered on 8 rounds in 10.".into(),
                        plan: "One bay, one week, a tick sheet by the bed.".into(),
                        scale: "One bay".into(),
                        ..PdsaFields::default()
                    },
                    who,
                )
                .await?;
        }
    }
    let coach_access = gemba_domain::Access::load(store, coach).await?;
    let draft = gemba_domain::InvolvementDraft {
        level: Some("involve".into()),
        roles: Some(vec!["team_member".into(), "tests_changes".into()]),
        note: Some(
            "Pat Partner tries each drinks round with patients in bay 2 and tells us what \
                    they said."
                .into(),
        ),
        since: this_month
            .checked_sub_months(chrono::Months::new(14))
            .map(|d| d.to_string()),
    };
    gemba_domain::set_involvement(&coach_access, project, &draft, Version(0), today)
        .await
        .map_err(|e| anyhow::anyhow!("demo involvement: {e}"))?;
    Ok(())
}

/// Seeing across North Riverside: Riverside's coach is a system viewer and Northfield's
/// improvement lead the system improvement lead; Northfield keeps one project private (a review
/// of a medication incident), which Riverside's people never see.
async fn across_the_system(
    store: &dyn Store,
    northfield: OrgId,
    district: TeamId,
    users: &[UserId],
) -> Result<()> {
    let system = "North Riverside Integrated Care System";
    let (admin_north, lead_north, coach) = (users[6], users[5], users[1]);
    store
        .set_system_role(system, coach, Some(SystemRole::Viewer), users[0])
        .await?;
    store
        .set_system_role(system, lead_north, Some(SystemRole::Lead), admin_north)
        .await?;
    let f = ProjectFields {
        private: true,
        ..fields(
            "Learning from a medication incident on the community caseload",
            "A missed insulin visit led to a hospital admission; the review is confidential until \
             the family has been met.",
            "Every insulin visit on the caseload confirmed on the day, within 3 months",
            ProjectStatus::Scoping,
            district,
            "Chief Nurse",
            &["medicines safety"],
        )?
    };
    store.create_project(northfield, &f, lead_north).await?;
    Ok(())
}

/// Spread: Northfield's Falls Response team adopts Riverside's falls change package (the
/// driver diagram and the measure's definition, not its data) and keeps its own data from
/// January 2025, at a higher rate on its community wards, so that the spread view shows both
/// trusts side by side and in the funnel plot. Northfield's improvement lead, who adopts it,
/// is also a member at Riverside (to read the original, as a system-wide lead would).
async fn spread_falls(
    store: &dyn Store,
    [riverside, northfield]: [OrgId; 2],
    team: TeamId,
    falls: ProjectId,
    lead: UserId,
) -> Result<ProjectId> {
    store.set_membership(lead, riverside, Role::Member).await?;
    let access = gemba_domain::Access::load(store, lead).await?;
    let draft = gemba_domain::AdoptDraft {
        org: Some(northfield.0.to_string()),
        team: Some(team.0.to_string()),
        title: Some("Fewer falls on the community wards".into()),
    };
    let adopted = gemba_domain::adopt(&access, falls, &draft)
        .await
        .context("adopting the falls change package")?;
    let link = store
        .adoption(adopted)
        .await?
        .context("the adoption just made")?;
    let &(_, measure) = link
        .measures
        .first()
        .context("the falls measure was copied")?;
    let mut noise = Noise(41);
    let points: Vec<DataPoint> = (0..12)
        .map(|k| {
            let bed_days = (610.0 + 25.0 * noise.next()).round();
            // Community wards start higher and come down after the rounding starts in May.
            let rate = if k >= 4 { 7.0 } else { 10.5 };
            let falls = (rate * bed_days / 1000.0 + 1.5 * noise.next())
                .round()
                .max(0.0);
            DataPoint {
                date: month(date(2025, 1, 1), k),
                value: Some(falls),
                denominator: Some(bed_days),
            }
        })
        .collect();
    store.put_data(measure, &points, lead).await?;
    Ok(adopted)
}

/// The falls project's lead judges its progress higher than its record shows: the ward's
/// outcome improved after the rounding was adopted, but the new phase has fewer than twelve
/// points, so the record cannot yet show it as sustained.
async fn progress_overrides(store: &dyn Store, falls: ProjectId, coach: UserId) -> Result<()> {
    let version = store
        .project(falls)
        .await?
        .map(|p| p.version)
        .unwrap_or(Version(1));
    let score = gemba_domain::Score::new(4.0).context("4.0 is on the progress scale")?;
    store
        .set_progress_override(
            falls,
            Some((
                score,
                "Falls fell from 9 to about 5 per 1,000 bed days after the rounding was adopted \
                 and stayed there for ten months; the ward's own audit shows rounding done 9 \
                 nights in 10.",
            )),
            version,
            coach,
        )
        .await?;
    Ok(())
}

async fn ed_project(
    store: &dyn Store,
    org: OrgId,
    team: TeamId,
    coach: UserId,
    ae_data: &Path,
) -> Result<ProjectId> {
    let f = fields(
        "Reducing four-hour waits in the Emergency Department",
        "Too many patients wait more than four hours in ED; crowding harms patients and staff.",
        "Increase the proportion of type 1 ED patients seen within 4 hours from 80% to 90% by March 2019",
        ProjectStatus::Testing,
        team,
        "Chief Operating Officer",
        &["urgent care", "flow"],
    )?;
    let project = store.create_project(org, &f, coach).await?;
    let nodes = driver_diagram(store, project, coach).await?;

    // Real data: trust R1H, type 1 department, April 2016 to March 2019.
    let series = read_chart_series(
        &Source::new(ae_data),
        &ChartColumns {
            value: "breaches".into(),
            date: "period".into(),
            denominator: Some("attendances".into()),
            series: None,
            filters: vec![
                RowFilter {
                    column: "org_code".into(),
                    value: "R1H".into(),
                },
                RowFilter {
                    column: "type".into(),
                    value: "1".into(),
                },
            ],
        },
        Grouping::OnePerDate,
        &crate::sheet_reader()?,
    )
    .with_context(|| format!("cannot read the demo A&E data {}", ae_data.display()))?;
    let ae = series.first().context("the A&E data has no rows for R1H")?;
    let dens = ae.denominators.as_deref().unwrap_or_default();
    let within: Vec<DataPoint> = ae
        .dates
        .iter()
        .zip(&ae.values)
        .zip(dens)
        .map(|((d, breaches), att)| DataPoint {
            date: *d,
            value: breaches.zip(*att).map(|(b, a)| a - b),
            denominator: *att,
        })
        .collect();
    let mut m = measure(
        "Patients seen within 4 hours (type 1)",
        MeasureType::Outcome,
        "Type 1 attendances admitted, transferred or discharged within 4 hours of arrival, over all type 1 attendances, per month (NHS England A&E SitRep).",
        "% of type 1 attendances",
        "NHS England A&E attendances and emergency admissions",
        ChartType::PPrime,
        Improvement::Increase,
        Some(95.0),
    )?;
    // A proportion shown as a percentage; the target is in those units.
    m.chart.multiplier = Multiplier::new(100)?;
    m.denominator_label = "type 1 attendances".into();
    let id = store.create_measure(project, &m, coach).await?;
    store.put_data(id, &within, coach).await?;

    // Process measure: minutes from arrival to initial assessment, falling after the rapid
    // assessment and treatment tests in autumn 2017.
    let mut noise = Noise(11);
    let triage: Vec<DataPoint> = ae
        .dates
        .iter()
        .map(|d| {
            let level = if *d >= date(2017, 10, 1) { 14.0 } else { 22.0 };
            DataPoint {
                date: *d,
                value: Some((level + 2.5 * noise.next()).round()),
                denominator: None,
            }
        })
        .collect();
    let m = measure(
        "Median minutes from arrival to initial assessment",
        MeasureType::Process,
        "Median time from arrival to first clinical assessment for type 1 attendances, per month (ED system).",
        "minutes",
        "ED patient tracking system",
        ChartType::Xmr,
        Improvement::Decrease,
        Some(15.0),
    )?;
    let id = store.create_measure(project, &m, coach).await?;
    store.put_data(id, &triage, coach).await?;

    // Balancing measure: emergency admissions, real data.
    let adm = read_chart_series(
        &Source::new(ae_data),
        &ChartColumns {
            value: "admissions".into(),
            date: "period".into(),
            denominator: None,
            series: None,
            filters: vec![
                RowFilter {
                    column: "org_code".into(),
                    value: "R1H".into(),
                },
                RowFilter {
                    column: "type".into(),
                    value: "1".into(),
                },
            ],
        },
        Grouping::OnePerDate,
        &crate::sheet_reader()?,
    )?;
    if let Some(a) = adm.first() {
        let m = measure(
            "Emergency admissions via type 1 ED",
            MeasureType::Balancing,
            "Emergency admissions via the type 1 department per month: are we admitting more to meet the 4-hour standard?",
            "admissions per month",
            "NHS England A&E attendances and emergency admissions",
            ChartType::Xmr,
            Improvement::Neutral,
            None,
        )?;
        let id = store.create_measure(project, &m, coach).await?;
        let points: Vec<DataPoint> = a
            .dates
            .iter()
            .zip(&a.values)
            .map(|(d, v)| DataPoint {
                date: *d,
                value: *v,
                denominator: None,
            })
            .collect();
        store.put_data(id, &points, coach).await?;
    }

    let rat = nodes.rapid_assessment;
    let first = store
        .create_pdsa(
            project,
            &PdsaFields {
                title: "Rapid assessment by a senior nurse, weekday mornings".into(),
                start_date: Some(date(2017, 9, 4)),
                change_idea: Some(rat),
                objective:
                    "Does a senior nurse at the front door cut the time to initial assessment?"
                        .into(),
                prediction: "Median time to assessment falls below 15 minutes on test days.".into(),
                plan: "Sister on duty, Monday to Friday 08:00–12:00, one week; majors only.".into(),
                data_plan: "Arrival and assessment times from the tracking system; staff comments."
                    .into(),
                do_notes: "Ran four of five days; Thursday lost to sickness.".into(),
                study: "Median 13 minutes on test days against 21 before; staff keen, space tight."
                    .into(),
                act: Some(gemba_domain::ActDecision::Adapt),
                act_notes: "Extend to afternoons and add a second cubicle.".into(),
                scale: "One cubicle, weekday mornings".into(),
                ..PdsaFields::default()
            },
            coach,
        )
        .await?;
    store
        .create_pdsa(
            project,
            &PdsaFields {
                title: "Rapid assessment extended to 08:00–20:00".into(),
                start_date: Some(date(2017, 10, 2)),
                change_idea: Some(rat),
                follows: Some(first),
                objective: "Does the effect hold over a longer day with two cubicles?".into(),
                prediction: "Median below 15 minutes all day; four-hour performance up 2 points.".into(),
                plan: "Two cubicles, rota agreed with the nursing leads, four weeks.".into(),
                data_plan: "Monthly run of the measures; weekly huddle notes.".into(),
                do_notes: "Ran as planned.".into(),
                study: "Time to assessment fell and held; four-hour performance moved less than predicted.".into(),
                act: Some(gemba_domain::ActDecision::Adopt),
                act_notes: "Adopt; next test the discharge lounge to free cubicles.".into(),
                scale: "Two cubicles, 08:00\u{2013}20:00, every day".into(),
            },
            coach,
        )
        .await?;
    store
        .create_pdsa(
            project,
            &PdsaFields {
                title: "Discharge lounge open from 10:00".into(),
                start_date: Some(date(2018, 11, 5)),
                change_idea: Some(nodes.discharge_lounge),
                objective: "Do earlier discharges free beds for ED admissions before noon?".into(),
                prediction: "Ten more patients leave wards before noon each weekday.".into(),
                plan: "Open the lounge at 10:00 for two weeks on the medical wards.".into(),
                data_plan: "Discharges before noon; ED waits for a bed.".into(),
                ..PdsaFields::default()
            },
            coach,
        )
        .await?;
    Ok(project)
}

struct EdNodes {
    rapid_assessment: gemba_domain::DriverNodeId,
    discharge_lounge: gemba_domain::DriverNodeId,
}

async fn driver_diagram(store: &dyn Store, p: ProjectId, by: UserId) -> Result<EdNodes> {
    let flow = store
        .add_driver_node(
            p,
            None,
            DriverKind::Primary,
            "Flow out of the department",
            by,
        )
        .await?;
    let senior = store
        .add_driver_node(p, None, DriverKind::Primary, "Early senior assessment", by)
        .await?;
    let beds = store
        .add_driver_node(
            p,
            Some(flow),
            DriverKind::Secondary,
            "Beds available before noon",
            by,
        )
        .await?;
    let front = store
        .add_driver_node(
            p,
            Some(senior),
            DriverKind::Secondary,
            "Senior decision at the front door",
            by,
        )
        .await?;
    let discharge_lounge = store
        .add_driver_node(
            p,
            Some(beds),
            DriverKind::ChangeIdea,
            "Discharge lounge open from 10:00",
            by,
        )
        .await?;
    store
        .add_driver_node(
            p,
            Some(beds),
            DriverKind::ChangeIdea,
            "Criteria-led discharge on medical wards",
            by,
        )
        .await?;
    let rapid_assessment = store
        .add_driver_node(
            p,
            Some(front),
            DriverKind::ChangeIdea,
            "Rapid assessment and treatment (RAT)",
            by,
        )
        .await?;
    Ok(EdNodes {
        rapid_assessment,
        discharge_lounge,
    })
}

async fn falls_project(
    store: &dyn Store,
    org: OrgId,
    team: TeamId,
    nurse: UserId,
    partner: UserId,
) -> Result<ProjectId> {
    let f = fields(
        "Fewer falls on Ward 7",
        "Older patients fall most often at night going to the toilet; falls with harm rose in 2024.",
        "Reduce inpatient falls on Ward 7 from 9 to 5 per 1,000 bed days by December 2025",
        ProjectStatus::Implementing,
        team,
        "Deputy Chief Nurse",
        &["falls", "frailty", "harm free care"],
    )?;
    let project = store.create_project(org, &f, nurse).await?;
    let hourly = store
        .add_driver_node(
            project,
            None,
            DriverKind::Primary,
            "Patients helped before they try alone",
            nurse,
        )
        .await?;
    let rounding = store
        .add_driver_node(
            project,
            Some(hourly),
            DriverKind::Secondary,
            "Predictable toileting at night",
            nurse,
        )
        .await?;
    let idea = store
        .add_driver_node(
            project,
            Some(rounding),
            DriverKind::ChangeIdea,
            "Intentional rounding every hour, 22:00–06:00",
            partner,
        )
        .await?;
    let mut m = measure(
        "Inpatient falls per 1,000 bed days",
        MeasureType::Outcome,
        "All inpatient falls on Ward 7 (Datix), per 1,000 occupied bed days, per month.",
        "falls per 1,000 bed days",
        "Datix and bed management",
        ChartType::U,
        Improvement::Decrease,
        Some(5.0),
    )?;
    // Raw bed days are entered; the chart shows falls per 1,000 of them.
    m.chart.multiplier = Multiplier::new(1000)?;
    m.denominator_label = "occupied bed days".into();
    // The shift after the rounding was adopted on every bay is a new process: a new phase,
    // with why.
    m.chart.rebase = vec![gemba_domain::Rebase {
        date: date(2025, 3, 1),
        reason: "Hourly night-time rounding adopted on every bay (PDSA cycle \u{201c}Hourly night-time rounding, bays 1\u{2013}2\u{201d})".into(),
    }];
    let id = store.create_measure(project, &m, nurse).await?;
    let mut noise = Noise(23);
    let points: Vec<DataPoint> = (0..24)
        .map(|k| {
            let d = month(date(2024, 1, 1), k);
            let bed_days = (840.0 + 30.0 * noise.next()).round();
            let rate = if k >= 14 { 5.2 } else { 9.0 };
            let falls = (rate * bed_days / 1000.0 + 2.0 * noise.next())
                .round()
                .max(0.0);
            DataPoint {
                date: d,
                value: Some(falls),
                denominator: Some(bed_days),
            }
        })
        .collect();
    store.put_data(id, &points, nurse).await?;
    store
        .create_pdsa(
            project,
            &PdsaFields {
                title: "Hourly night-time rounding, bays 1–2".into(),
                start_date: Some(date(2025, 2, 3)),
                change_idea: Some(idea),
                objective: "Can two HCAs round hourly at night in two bays, and does it help?"
                    .into(),
                prediction: "No falls in the two bays over two weeks; rounding done 9 times in 10."
                    .into(),
                plan: "Night HCAs, bays 1 and 2, two weeks; tick sheet at each bed.".into(),
                data_plan: "Tick sheets, falls on Datix, patient and family comments.".into(),
                do_notes: "Rounding done 87% of hours; one near miss.".into(),
                study: "One fall against four in the same fortnight last year; families liked it."
                    .into(),
                act: Some(gemba_domain::ActDecision::Adopt),
                act_notes: "Spread to all bays from March.".into(),
                scale: "Two bays, night shifts, two weeks".into(),
                ..PdsaFields::default()
            },
            partner,
        )
        .await?;
    Ok(project)
}

/// A closed project in the learning library: its closing summary, and a change package of one
/// change idea adopted after a ramp of two PDSA cycles (another abandoned).
async fn closed_insulin_project(
    store: &dyn Store,
    org: OrgId,
    ward7: TeamId,
    nurse: UserId,
) -> Result<()> {
    let f = fields(
        "Safer insulin on Ward 7",
        "Insulin doses were missed or late when patients were off the ward at mealtimes.",
        "No missed insulin doses on Ward 7 for 12 weeks by June 2025",
        ProjectStatus::Closed,
        ward7,
        "Chief Nurse",
        &["medicines", "diabetes"],
    )?;
    let project = store.create_project(org, &f, nurse).await?;
    let primary = store
        .add_driver_node(
            project,
            None,
            DriverKind::Primary,
            "Reliable dose timing",
            nurse,
        )
        .await?;
    let secondary = store
        .add_driver_node(
            project,
            Some(primary),
            DriverKind::Secondary,
            "Doses linked to meals, wherever the patient is",
            nurse,
        )
        .await?;
    let tray = store
        .add_driver_node(
            project,
            Some(secondary),
            DriverKind::ChangeIdea,
            "Insulin travels with the meal tray",
            nurse,
        )
        .await?;
    let alarm = store
        .add_driver_node(
            project,
            Some(secondary),
            DriverKind::ChangeIdea,
            "Phone alarms for the nurse in charge",
            nurse,
        )
        .await?;
    let mut earlier = None;
    for (title, idea, act, start) in [
        (
            "Tray labels on one bay",
            tray,
            gemba_domain::ActDecision::Adapt,
            date(2025, 2, 3),
        ),
        (
            "Tray labels on the whole ward",
            tray,
            gemba_domain::ActDecision::Adopt,
            date(2025, 3, 3),
        ),
        (
            "Alarms for one week",
            alarm,
            gemba_domain::ActDecision::Abandon,
            date(2025, 2, 10),
        ),
    ] {
        let cycle = PdsaFields {
            title: title.to_owned(),
            start_date: Some(start),
            change_idea: Some(idea),
            follows: if idea == tray { earlier } else { None },
            act: Some(act),
            ..PdsaFields::default()
        };
        let id = store.create_pdsa(project, &cycle, nurse).await?;
        if idea == tray {
            earlier = Some(id);
        }
    }
    let text = gemba_domain::ClosingText {
        what_worked: "Insulin travelling with the meal tray: the dose goes where the meal goes."
            .to_owned(),
        what_did_not: "Phone alarms: too many at handover, and silenced.".to_owned(),
        results: "No missed doses for 14 weeks; late doses down from about 1 in 5 to 1 in 20."
            .to_owned(),
    };
    store
        .set_closing_summary(project, &text, None, nurse)
        .await?;
    Ok(())
}

/// A rapid improvement event on Ward 7, held ten weeks ago: its 30-day report-out is written,
/// the 60-day one is due (the dashboards list it), the 90-day one is to come.
async fn discharge_event(
    store: &dyn Store,
    org: OrgId,
    ward7: TeamId,
    nurse: UserId,
) -> Result<()> {
    let f = fields(
        "Discharge before noon: a rapid improvement week",
        "Patients medically fit for discharge wait for medicines and transport until the \
         afternoon, and beds for the emergency department open late.",
        "Half of Ward 7's discharges before noon within 90 days of the event",
        ProjectStatus::Implementing,
        ward7,
        "Chief Operating Officer",
        &["flow", "rapid improvement event"],
    )?;
    let project = store.create_project(org, &f, nurse).await?;
    let held = chrono::Utc::now().date_naive() - chrono::Days::new(70);
    store.set_event_date(project, Some(held)).await?;
    let text = gemba_domain::ReportOutText {
        what_changed: "Medicines to take home are ordered the day before; a discharge lounge \
                       opens at 9am."
            .to_owned(),
        results: "Discharges before noon rose from about 1 in 10 to 3 in 10 in the first month."
            .to_owned(),
        next_steps: "Pharmacy cover on Saturdays from next month (ward manager).".to_owned(),
    };
    store
        .set_report_out(project, 30, &text, None, nurse)
        .await?;
    Ok(())
}

/// The golden thread: a priority of the North Riverside system that the emergency department
/// serves, one of Riverside's that its falls work serves, and one that no active work serves
/// yet (the portfolio says so).
async fn priorities(
    store: &dyn Store,
    org: OrgId,
    coach: UserId,
    projects: [ProjectId; 2],
) -> Result<()> {
    use gemba_domain::{PriorityScope, PriorityText};
    let text = |title: &str, description: &str| PriorityText {
        title: title.to_owned(),
        description: description.to_owned(),
    };
    let system = store
        .org(org)
        .await?
        .and_then(|o| o.system)
        .context("the demo's trust has no system")?;
    let sdec = store
        .create_priority(
            &PriorityScope::System(system),
            &text(
                "Same-day emergency care",
                "Patients who need urgent care are seen, treated and home the same day, across \
                 the system's trusts.",
            ),
            coach,
        )
        .await?;
    let harm = store
        .create_priority(
            &PriorityScope::Organisation(org),
            &text(
                "Reduce avoidable harm from falls",
                "Fewer inpatient falls with harm on every adult ward by March 2027.",
            ),
            coach,
        )
        .await?;
    store
        .create_priority(
            &PriorityScope::Organisation(org),
            &text(
                "Kinder discharge",
                "Patients and carers know what happens next when they leave hospital.",
            ),
            coach,
        )
        .await?;
    store.set_project_priorities(projects[0], &[sdec]).await?;
    store.set_project_priorities(projects[1], &[harm]).await?;
    Ok(())
}

/// Riverside's integrated quality report, monthly: the owners' narratives for the two latest
/// months with data, and both months published (the later one says what changed since the
/// earlier), as a board would have seen them.
async fn board_reports(
    store: &dyn Store,
    org: OrgId,
    director: UserId,
    coach: UserId,
) -> Result<()> {
    let settings = gemba_domain::ReportSettings {
        title: "Integrated quality and performance report".to_owned(),
        concern_first: true,
        ..gemba_domain::ReportSettings::default()
    };
    let id = store.create_saved_report(org, &settings, coach).await?;
    let report = store
        .saved_report(id)
        .await?
        .context("the demo's report was not saved")?;
    let today = chrono::Utc::now().date_naive();
    let latest = gemba_web::board_report::latest_period(store, &report, today).await?;
    let earlier = gemba_domain::ReportPeriod::containing(
        latest.start().pred_opt().unwrap_or(latest.start()),
        gemba_domain::Cadence::Month,
    );
    let board = store.board_measures(org).await?;
    for period in [earlier, latest] {
        for b in &board {
            let by = b.owner.as_ref().map_or(coach, |o| o.id);
            let text = narrative(&b.measure.name, &period.label());
            let access = gemba_domain::Access::load(store, by).await?;
            gemba_domain::write_narrative(&access, b.measure.id, period, &text, None)
                .await
                .map_err(|e| anyhow::anyhow!("the demo's narrative: {e}"))?;
        }
        let access = gemba_domain::Access::load(store, coach).await?;
        gemba_web::board_report::publish(store, &access, id, period, today, "Chris Coach")
            .await
            .map_err(|e| anyhow::anyhow!("the demo's publication: {e}"))?;
    }
    // Another saved report, quarterly, of two sections, not yet published.
    let quarterly = gemba_domain::ReportSettings {
        title: "Quality committee: safety and workforce".to_owned(),
        cadence: gemba_domain::Cadence::Quarter,
        sections: vec!["Safe".to_owned(), "Well-led".to_owned()],
        concern_first: false,
    };
    store.create_saved_report(org, &quarterly, director).await?;
    Ok(())
}

/// An owner's narrative of a demo measure for a month.
fn narrative(measure: &str, month: &str) -> gemba_domain::NarrativeDraft {
    let (shows, why, actions) = if measure.starts_with("Staff turnover") {
        (
            "Turnover has stayed lower since the retention scheme: the chart shows a sustained \
             shift below the earlier mean, still short of the 10% target.",
            "Flexible rostering and the itchy-feet conversations with staff in their first two \
             years.",
            "Extend the scheme to estates and facilities by June; report the leavers' survey to \
             the People Committee in July.",
        )
    } else if measure.starts_with("Patients seen within 4 hours") {
        (
            "Four-hour performance varies by common cause around its mean and will not meet the \
             95% standard without a change to the process.",
            "Waits for a bed drive most breaches; the streaming tests in the emergency \
             department moved minors, not majors.",
            "Same-day emergency care pathway to be tested in two PDSA cycles by the end of next \
             quarter (Emergency Department improvement team).",
        )
    } else {
        (
            "Inpatient falls per 1,000 bed days fell after the night-time checks on Ward 7 and \
             the lower rate has held.",
            "Hourly rounding at night and low beds for patients at risk; the change is now \
             standard work on Ward 7.",
            "Spread the night checks to Wards 9 and 11 by September; falls lead to review.",
        )
    };
    gemba_domain::NarrativeDraft {
        shows: Some(format!("{month}: {shows}")),
        why: Some(why.to_owned()),
        actions: Some(actions.to_owned()),
    }
}

/// Riverside's board measures: one of its own (staff turnover, owned by the admin as the
/// director of workforce) and two project measures, each in its report section.
async fn board(
    store: &dyn Store,
    org: OrgId,
    director: UserId,
    coach: UserId,
    projects: [ProjectId; 2],
) -> Result<()> {
    let home = store.organisation_measures(org, coach).await?;
    let m = measure(
        "Staff turnover (12 months to date)",
        MeasureType::Outcome,
        "Leavers in the 12 months to the end of the month over the average headcount, excluding \
         junior doctors on rotation (ESR).",
        "% of staff",
        "Electronic Staff Record",
        ChartType::Xmr,
        Improvement::Decrease,
        Some(10.0),
    )?;
    let turnover = store.create_measure(home, &m, coach).await?;
    let mut noise = Noise(23);
    let points: Vec<DataPoint> = (0..24)
        .map(|k| DataPoint {
            date: month(date(2024, 4, 1), k),
            // Turnover eased after the retention scheme of spring 2025.
            value: Some(((if k >= 12 { 11.2 } else { 12.6 }) + 0.35 * noise.next()).max(0.0)),
            denominator: None,
        })
        .collect();
    store.put_data(turnover, &points, coach).await?;
    let place = |section: &str, owner: UserId| BoardPlace {
        section: section.to_owned(),
        owner: Some(owner),
    };
    store
        .set_board_place(turnover, Some(&place("Well-led", director)), coach)
        .await?;
    for (project, name, section, owner) in [
        (
            projects[0],
            "Patients seen within 4 hours (type 1)",
            "Responsive",
            coach,
        ),
        (
            projects[1],
            "Inpatient falls per 1,000 bed days",
            "Safe",
            director,
        ),
    ] {
        let m = store
            .measures(project)
            .await?
            .into_iter()
            .find(|m| m.name == name)
            .with_context(|| format!("the demo has no measure “{name}”"))?;
        store
            .set_board_place(m.id, Some(&place(section, owner)), coach)
            .await?;
    }
    Ok(())
}

/// Riverside's board self-assessments of QI governance: an autumn session rated by two members,
/// and a March one by three, with their notes. In March everyone rates the balance of safety,
/// effectiveness and experience "Established", while the board report has no measures in
/// Effective or Caring: the page says the rating and the evidence disagree.
async fn self_assessments(store: &dyn Store, org: OrgId, board: [UserId; 3]) -> Result<()> {
    use Dimension::*;
    use Maturity::*;
    let [admin, coach, viewer] = board;
    /// Each member's ratings: dimension, level, note.
    type Rated = Vec<(UserId, Vec<(Dimension, Maturity, &'static str)>)>;
    let sessions: [(&str, NaiveDate, Rated); 2] = [
        (
            "Board development session, October 2025",
            date(2025, 10, 14),
            vec![
                (
                    admin,
                    vec![
                        (
                            QiPriority,
                            Emerging,
                            "QI comes up when something has gone wrong.",
                        ),
                        (
                            DataForImprovement,
                            Emerging,
                            "Board papers are mostly RAG-rated tables.",
                        ),
                        (StaffInvolvement, Developing, ""),
                        (Balance, Developing, "Safety dominates the agenda."),
                        (BoardDynamics, Developing, ""),
                    ],
                ),
                (
                    viewer,
                    vec![
                        (QiPriority, Developing, ""),
                        (
                            DataForImprovement,
                            NotYetStarted,
                            "We rarely see data over time.",
                        ),
                        (
                            PatientInvolvement,
                            Emerging,
                            "One project has a patient partner.",
                        ),
                        (Balance, Developing, ""),
                    ],
                ),
            ],
        ),
        (
            "Board development session, March 2026",
            date(2026, 3, 11),
            vec![
                (
                    admin,
                    vec![
                        (
                            QiPriority,
                            Developing,
                            "QI is a standing item at every public board.",
                        ),
                        (
                            DataForImprovement,
                            Established,
                            "The integrated report now uses SPC charts.",
                        ),
                        (FamiliarityWithPerformance, Developing, ""),
                        (
                            StaffInvolvement,
                            Developing,
                            "Two wards run projects; most staff are not involved yet.",
                        ),
                        (
                            SystematicApproach,
                            Emerging,
                            "We have too many priorities to name them all.",
                        ),
                        (
                            Balance,
                            Established,
                            "We look at safety, effectiveness and experience each month.",
                        ),
                        (
                            BoardDynamics,
                            Developing,
                            "Non-executives challenge more than they did.",
                        ),
                    ],
                ),
                (
                    coach,
                    vec![
                        (
                            QiPriority,
                            Established,
                            "The QI strategy was signed off in January.",
                        ),
                        (DataForImprovement, Established, ""),
                        (
                            PatientInvolvement,
                            Developing,
                            "Patient partners are on both active project teams.",
                        ),
                        (Balance, Established, ""),
                    ],
                ),
                (
                    viewer,
                    vec![
                        (QiPriority, Developing, ""),
                        (
                            DataForImprovement,
                            Developing,
                            "Charts are new to some members; we still ask for RAG.",
                        ),
                        (
                            FamiliarityWithPerformance,
                            Emerging,
                            "Some data are months old by the time we see them.",
                        ),
                        (
                            Balance,
                            Established,
                            "The report has a section for each CQC question.",
                        ),
                        (
                            BoardDynamics,
                            Emerging,
                            "Challenge is polite and rarely followed up.",
                        ),
                    ],
                ),
            ],
        ),
    ];
    for (title, held, ratings) in sessions {
        let fields = AssessmentFields {
            title: NonEmpty::parse("title", title)?,
            date: held,
        };
        let id = store.create_assessment(org, &fields, admin).await?;
        for (who, rated) in ratings {
            let rated: Vec<Rating> = rated
                .into_iter()
                .map(|(dimension, level, note)| Rating {
                    dimension,
                    level,
                    note: note.to_owned(),
                })
                .collect();
            store.set_ratings(id, who, &rated, Some(Version(0))).await?;
        }
    }
    Ok(())
}

/// Riverside's improvement training: a foundation course whose March session had two places,
/// taken by the nurse and the patient partner (both attended and completed it) with the board
/// viewer on the waiting list; the coach completed the improvement coach programme; the nurse
/// has a place on the practitioner course in June.
async fn training_cohort(store: &dyn Store, riverside: OrgId, users: &[UserId]) -> Result<()> {
    let (coach, nurse, partner, board) = (users[1], users[2], users[3], users[4]);
    let lead = gemba_domain::Access::load(store, coach).await?;
    let fail =
        |what: &'static str| move |e: gemba_domain::BoardError| anyhow::anyhow!("{what}: {e}");
    let courses = [
        (
            "Foundations of quality improvement",
            "foundation",
            "The model for improvement, PDSA cycles and run charts, in one day.",
            "2026-03-04",
            "2",
            "Education centre, room 2",
        ),
        (
            "Measurement for improvement",
            "practitioner",
            "Measures, SPC charts and driver diagrams for those leading a project.",
            "2026-06-10",
            "8",
            "Education centre, room 1",
        ),
        (
            "Improvement coach programme",
            "expert",
            "Six months of coaching practice for those who will coach teams.",
            "2025-09-15",
            "6",
            "Online",
        ),
    ];
    let mut sessions = Vec::new();
    for (title, level, description, day, places, venue) in courses {
        let draft = gemba_domain::CourseDraft {
            title: Some(title.into()),
            level: Some(level.into()),
            description: Some(description.into()),
        };
        let course = gemba_domain::add_course(&lead, riverside, &draft)
            .await
            .map_err(fail("demo course"))?;
        let draft = gemba_domain::TrainingSessionDraft {
            date: Some(day.into()),
            places: Some(places.into()),
            venue: Some(venue.into()),
        };
        let session = gemba_domain::add_training_session(&lead, course, &draft)
            .await
            .map_err(fail("demo session"))?;
        sessions.push(session);
    }
    let [foundations, measurement, coaching] = [sessions[0], sessions[1], sessions[2]];
    let done = gemba_domain::AttendanceDraft {
        attendance: Some("attended".into()),
        completed: Some("true".into()),
    };
    for (who, session, completes) in [
        (nurse, foundations, true),
        (partner, foundations, true),
        (board, foundations, false),
        (coach, coaching, true),
        (nurse, measurement, false),
    ] {
        let access = gemba_domain::Access::load(store, who).await?;
        gemba_domain::request_place(&access, session)
            .await
            .map_err(fail("demo place"))?;
        if completes {
            gemba_domain::record_attendance(&lead, session, who, &done, None)
                .await
                .map_err(fail("demo attendance"))?;
        }
    }
    Ok(())
}

/// Riverside's capability plan (60% of staff at foundation, 15% practitioner, 2% expert / coach)
/// set by its admin, and its coach coaching the emergency department and falls projects.
async fn plan_and_coaches(
    store: &dyn Store,
    riverside: OrgId,
    projects: [ProjectId; 2],
    users: &[UserId],
) -> Result<()> {
    let admin = gemba_domain::Access::load(store, users[0]).await?;
    let draft = gemba_domain::PlanDraft {
        targets: [Some("60".into()), Some("15".into()), Some("2".into())],
    };
    gemba_domain::set_capability_plan(&admin, riverside, &draft, Version(0))
        .await
        .map_err(|e| anyhow::anyhow!("demo plan: {e}"))?;
    for p in projects {
        gemba_domain::assign_coach(&admin, p, users[1])
            .await
            .map_err(|e| anyhow::anyhow!("demo coach: {e}"))?;
    }
    // Protected time: the nurse and the patient partner on the falls project, the coach on the
    // emergency department's, over three months; April's promise was not kept on the ward.
    let [ed, falls] = projects;
    for (who, project, month, planned, used) in [
        (users[2], falls, "2026-02", "8", "8"),
        (users[2], falls, "2026-03", "8", "6"),
        (users[2], falls, "2026-04", "8", "2"),
        (users[3], falls, "2026-03", "4", "4"),
        (users[1], ed, "2026-02", "6", "6"),
        (users[1], ed, "2026-03", "6", "5"),
        (users[1], ed, "2026-04", "6", "6"),
    ] {
        let draft = gemba_domain::TimeDraft {
            month: Some(month.into()),
            planned: Some(planned.into()),
            used: Some(used.into()),
        };
        gemba_domain::record_time(&admin, project, Some(who), &draft, None)
            .await
            .map_err(|e| anyhow::anyhow!("demo time: {e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
    use super::*;

    /// The "done when": a published board report for two months of Riverside, with
    /// narratives, the later one comparing itself with the earlier.
    #[tokio::test]
    async fn the_demo_publishes_two_months_of_riverside_s_board_report_with_narratives() {
        let store = gemba_store_sqlite::SqliteStore::in_memory().await.unwrap();
        let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ae_attendances.csv");
        seed(&store, Path::new(csv)).await.unwrap();
        // The first organisation made is Riverside.
        let riverside = OrgId(1);
        assert_eq!(
            store.org(riverside).await.unwrap().unwrap().name,
            "Riverside University Hospitals"
        );
        let reports = store.saved_reports(riverside).await.unwrap();
        assert_eq!(reports.len(), 2);
        let monthly = reports
            .iter()
            .find(|r| r.settings.cadence == gemba_domain::Cadence::Month)
            .unwrap();
        let published = store.publications(monthly.id).await.unwrap();
        assert_eq!(published.len(), 2, "two months");
        let (_, later) = store
            .published_report(monthly.id, &published[0].period)
            .await
            .unwrap()
            .unwrap();
        assert!(later
            .html
            .contains(&format!("What changed since {}", published[1].label)));
        assert!(later.pdf.starts_with(b"%PDF"));
        for p in &published {
            let narratives = store.narratives(riverside, &p.period).await.unwrap();
            assert_eq!(narratives.len(), 3, "one per board measure for {}", p.label);
        }
    }

    /// Issue 12's spread in the demo: Northfield adopted Riverside's falls change package and
    /// keeps its own data; the spread view shows both trusts, charted on one axis and in a funnel
    /// plot, to Northfield's lead (a member of both).
    #[tokio::test]
    async fn the_demo_s_falls_work_has_spread_to_northfield() {
        let store = gemba_store_sqlite::SqliteStore::in_memory().await.unwrap();
        let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ae_attendances.csv");
        seed(&store, Path::new(csv)).await.unwrap();
        let lead = store
            .user_by_email(&Email::parse("lead@northfield.nhs.uk").unwrap())
            .await
            .unwrap()
            .unwrap();
        let access = gemba_domain::Access::load(&store, lead.id).await.unwrap();
        let falls = store
            .projects(OrgId(1))
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.title == "Fewer falls on Ward 7")
            .unwrap();
        let view = gemba_domain::spread(&access, falls.id, &gemba_domain::SpreadDraft::default())
            .await
            .unwrap();
        assert_eq!(view.members.len(), 2);
        assert_eq!(view.members[1].org_name, "Northfield Community Health");
        assert!(view.members.iter().all(|m| m.chart.is_some()));
        // One axis: January 2024 to December 2025 for both.
        assert_eq!(view.axis.len(), 24);
        let gemba_domain::SpreadFunnel::Plot { members, .. } = &view.funnel else {
            panic!("a funnel plot: {:?}", view.funnel)
        };
        assert_eq!(members, &[0, 1]);
        // The original has spread; the adopter's data are its own.
        let progress = gemba_domain::project_progress(&access, falls.id, date(2026, 1, 1))
            .await
            .unwrap();
        assert_eq!(progress.evidence.adopted_elsewhere, 1);
        assert_eq!(
            store
                .data(view.members[0].measure.as_ref().unwrap().id)
                .await
                .unwrap()
                .len(),
            24
        );
    }

    /// Issue 12's progress in the demo: the projects show different scores, some stalled and
    /// one not, and one has its lead's override with a reason.
    #[tokio::test]
    async fn the_demo_s_projects_show_different_progress() {
        let store = gemba_store_sqlite::SqliteStore::in_memory().await.unwrap();
        let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ae_attendances.csv");
        seed(&store, Path::new(csv)).await.unwrap();
        let today = chrono::Utc::now().date_naive();
        let mut seen = Vec::new();
        for org in [OrgId(1), OrgId(2)] {
            for p in store.projects(org).await.unwrap() {
                if p.kind != gemba_domain::ProjectKind::Improvement {
                    continue;
                }
                let got = gemba_domain::progress_of(&store, &p, today, 6)
                    .await
                    .unwrap();
                seen.push((
                    p.title.clone(),
                    got.derived.score,
                    got.stalled,
                    got.assessed.map(|o| o.score.value()),
                ));
            }
        }
        let mut scores: Vec<String> = seen.iter().map(|s| format!("{:.1}", s.1)).collect();
        scores.sort();
        scores.dedup();
        assert!(scores.len() >= 3, "{seen:?}");
        assert!(seen.iter().any(|s| s.2), "one stalled: {seen:?}");
        let ulcers = seen
            .iter()
            .find(|s| s.0.starts_with("Pressure ulcer"))
            .unwrap();
        assert!(!ulcers.2, "current work is not stalled: {seen:?}");
        let overridden: Vec<_> = seen.iter().filter(|s| s.3.is_some()).collect();
        assert_eq!(overridden.len(), 1, "{seen:?}");
        assert_eq!(overridden[0].3, Some(4.0));
    }

    /// The demo has an idea in each state, and their submitters were told of the responses.
    #[tokio::test]
    async fn the_demo_has_ideas_in_each_state() {
        let store = gemba_store_sqlite::SqliteStore::in_memory().await.unwrap();
        let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ae_attendances.csv");
        seed(&store, Path::new(csv)).await.unwrap();
        let ideas = store.ideas(OrgId(1)).await.unwrap();
        let mut states: Vec<&str> = ideas.iter().map(|i| i.status.name()).collect();
        states.sort_unstable();
        assert_eq!(
            states,
            [
                "adopted",
                "being_tested",
                "being_tested",
                "new",
                "not_now",
                "under_review"
            ]
        );
        // One became a project that names it; Riverside answers within 7 days.
        let taken = ideas.iter().find(|i| !i.became.is_empty()).unwrap();
        let project = store
            .project(taken.became[0].project)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(project.title, "Porter requests from the ward tablet");
        assert_eq!(project.idea, Some(taken.id));
        assert_eq!(
            store
                .idea_response_target(OrgId(1))
                .await
                .unwrap()
                .map(|t| t.days),
            Some(7)
        );
        let nurse = store
            .user_by_email(&Email::parse(DEMO_USERS[2].0).unwrap())
            .await
            .unwrap()
            .unwrap();
        // Two responses, the partner's comment on the call bells and the porter idea taken
        // forward.
        assert_eq!(store.notifications(nurse.id, 10).await.unwrap().len(), 4);
    }

    /// Riverside's falls project has potential value, realised value confirmed by the demo's
    /// finance person, and realised value awaiting finance; the organisation's roll-up counts
    /// them: potential £18,400 (120 h), confirmed £6,200 (all cash-releasing), awaiting £3,100.
    #[tokio::test]
    async fn the_demo_shows_potential_and_realised_value() {
        let store = gemba_store_sqlite::SqliteStore::in_memory().await.unwrap();
        let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ae_attendances.csv");
        seed(&store, Path::new(csv)).await.unwrap();
        let finance = store
            .user_by_email(&Email::parse("finance@riverside.nhs.uk").unwrap())
            .await
            .unwrap()
            .unwrap();
        let memberships = store.memberships(finance.id).await.unwrap();
        assert_eq!(memberships[0].role, Role::Finance);
        let access = gemba_domain::Access::load(&store, finance.id)
            .await
            .unwrap();
        let v = gemba_domain::org_value(&access, OrgId(1)).await.unwrap();
        let t = v.roll_up.total;
        assert_eq!((t.potential.pence, t.potential.hours), (1_840_000, 120.0));
        assert_eq!(
            (t.confirmed.pence, t.confirmed.cash_pence),
            (620_000, 620_000)
        );
        assert_eq!((t.unconfirmed.pence, t.unconfirmed.hours), (310_000, 40.0));
        let entries = store.org_value_entries(OrgId(1)).await.unwrap();
        let confirmed: Vec<_> = entries.iter().filter(|e| e.is_confirmed()).collect();
        assert_eq!(confirmed.len(), 1);
        assert_eq!(
            confirmed[0].confirmed_by.as_ref().map(|u| u.id),
            Some(finance.id)
        );
    }

    /// The demo's projects are found by search, and someone starting "Reducing falls on Ward 9"
    /// at Riverside is shown the falls project first; Northfield's private work is not
    /// Riverside's to see.
    #[tokio::test]
    async fn the_demo_s_projects_are_found_and_suggested() {
        let store = gemba_store_sqlite::SqliteStore::in_memory().await.unwrap();
        let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ae_attendances.csv");
        seed(&store, Path::new(csv)).await.unwrap();
        let riverside = OrgId(1);
        let coach = store
            .user_by_email(&Email::parse(DEMO_USERS[1].0).unwrap())
            .await
            .unwrap()
            .unwrap();
        let access = gemba_domain::Access::load(&store, coach.id).await.unwrap();
        let projects = store.projects(riverside).await.unwrap();
        let falls = projects
            .iter()
            .find(|p| p.title == "Fewer falls on Ward 7")
            .unwrap();
        for p in &projects {
            let hits = gemba_domain::search(&access, &p.title, None).await.unwrap();
            assert_eq!(hits.first().map(|h| h.project), Some(p.id), "{}", p.title);
        }
        let suggested = gemba_domain::similar_to_new(&access, "Reducing falls on Ward 9", "", "")
            .await
            .unwrap();
        assert_eq!(suggested.first().map(|h| h.project), Some(falls.id));
        // Northfield's open work is seen across the system; its private review is not.
        let pressure = gemba_domain::search(&access, "pressure ulcer", None)
            .await
            .unwrap();
        assert_eq!(pressure.len(), 1, "{pressure:?}");
        assert_eq!(pressure[0].org, OrgId(2));
        let private = gemba_domain::search(&access, "medication incident", None)
            .await
            .unwrap();
        assert!(
            private.is_empty(),
            "Northfield's private review: {private:?}"
        );
        // Its improvement lead leads improvement across the system and sees the review.
        let lead = store
            .user_by_email(&Email::parse(DEMO_USERS[5].0).unwrap())
            .await
            .unwrap()
            .unwrap();
        let access = gemba_domain::Access::load(&store, lead.id).await.unwrap();
        let mine = gemba_domain::search(&access, "medication incident", None)
            .await
            .unwrap();
        assert_eq!(mine.len(), 1);
    }

    /// Issue 13 §3 and §5: Riverside's projects record how patients and carers take part (the
    /// falls project co-produced with Pat Partner on its team), Pat Partner has their own view,
    /// and the share of projects with patient partners and the engagement of staff both have at
    /// least 12 months of trend with a run chart.
    #[tokio::test]
    async fn the_demo_shows_patient_involvement_and_engagement() {
        let store = gemba_store_sqlite::SqliteStore::in_memory().await.unwrap();
        let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ae_attendances.csv");
        seed(&store, Path::new(csv)).await.unwrap();
        let riverside = OrgId(1);
        let today = chrono::Utc::now().date_naive();
        let partner = store
            .user_by_email(&Email::parse(DEMO_USERS[3].0).unwrap())
            .await
            .unwrap()
            .unwrap();
        let access = gemba_domain::Access::load(&store, partner.id)
            .await
            .unwrap();
        let projects = store.projects(riverside).await.unwrap();
        let falls = projects
            .iter()
            .find(|p| p.title == "Fewer falls on Ward 7")
            .unwrap();
        let falls = gemba_domain::project_involvement(&access, falls.id)
            .await
            .unwrap();
        assert_eq!(
            falls.involvement.fields.level,
            gemba_domain::InvolvementLevel::CoProduce
        );
        assert_eq!(falls.patient_partners.len(), 1);
        let mine = gemba_domain::my_projects(&access).await.unwrap();
        let titles: Vec<&str> = mine.iter().map(|p| p.project.title.as_str()).collect();
        assert!(titles.contains(&"Fewer falls on Ward 7"), "{titles:?}");
        assert!(titles.contains(&"Hydration rounds on Ward 7"), "{titles:?}");
        assert!(mine
            .iter()
            .any(|p| !p.cycles.is_empty() && !p.recent.is_empty()));

        let share = gemba_domain::partner_share(&access, riverside, today)
            .await
            .unwrap();
        assert!(share.months.len() >= 12, "{}", share.months.len());
        assert!(share.chart.is_some());
        assert!(share.overall.with >= 2, "{:?}", share.overall);
        let engaged = gemba_domain::engagement(&access, riverside, today)
            .await
            .unwrap();
        assert!(engaged.months.len() >= 12);
        let last_14: Vec<usize> = engaged
            .monthly
            .iter()
            .rev()
            .take(15)
            .map(|s| s.with)
            .collect();
        assert!(last_14.iter().all(|w| *w >= 1), "{last_14:?}");
        assert!(engaged.chart.as_ref().is_some_and(|c| c.runs.is_some()));
        assert!(engaged
            .teams
            .iter()
            .any(|t| t.team.name == "Ward 7 (Frailty)"));
    }

    /// The demo's training cohort: the foundation session is full, two of its people attended
    /// and completed it and the board viewer waits; levels follow completions.
    #[tokio::test]
    async fn the_demo_has_a_training_cohort() {
        let store = gemba_store_sqlite::SqliteStore::in_memory().await.unwrap();
        let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ae_attendances.csv");
        seed(&store, Path::new(csv)).await.unwrap();
        let sessions = store.training_sessions(OrgId(1)).await.unwrap();
        let foundations = sessions
            .iter()
            .find(|s| s.fields.date == date(2026, 3, 4))
            .unwrap();
        assert_eq!((foundations.booked, foundations.waiting), (2, 1));
        let places = store.places(foundations.id).await.unwrap();
        let completed = places.iter().filter(|p| p.completed).count();
        assert_eq!(completed, 2);
        let waiting = gemba_domain::waiting_list(&places);
        assert_eq!(waiting[0].user.name, "Bola Board");
        let courses = store.courses(OrgId(1)).await.unwrap();
        let all = store.training_places(OrgId(1)).await.unwrap();
        let level = |i: usize| {
            let user = all
                .iter()
                .find(|p| p.user.email.as_str() == DEMO_USERS[i].0);
            user.and_then(|p| gemba_domain::level_of(p.user.id, &all, &sessions, &courses))
        };
        assert_eq!(level(1), Some(gemba_domain::Level::Expert));
        assert_eq!(level(2), Some(gemba_domain::Level::Foundation));
        assert_eq!(level(3), Some(gemba_domain::Level::Foundation));
        assert_eq!(level(4), None);
    }

    /// The demo's capability plan and coaching: Riverside's coach coaches two active projects.
    #[tokio::test]
    async fn the_demo_has_a_plan_and_coaches() {
        let store = gemba_store_sqlite::SqliteStore::in_memory().await.unwrap();
        let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ae_attendances.csv");
        seed(&store, Path::new(csv)).await.unwrap();
        let plan = store.capability_plan(OrgId(1)).await.unwrap().unwrap();
        assert_eq!(plan.targets, [60, 15, 2]);
        let coach = gemba_domain::Access::load(&store, UserId(2)).await.unwrap();
        let loads = gemba_domain::coaching_loads(&coach, OrgId(1))
            .await
            .unwrap();
        assert_eq!(loads[0].coach.name, DEMO_USERS[1].1);
        assert_eq!(loads[0].active.len(), 2);
        // Protected time at Riverside: February 14 planned, 14 used; April 14 and 8.
        let t = gemba_domain::org_time(&coach, OrgId(1)).await.unwrap();
        let org: Vec<(f64, f64)> = t.organisation.iter().map(|r| (r.planned, r.used)).collect();
        assert_eq!(org, [(14.0, 14.0), (18.0, 15.0), (14.0, 8.0)]);
    }
}
