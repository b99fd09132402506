//! The conformance suite of Gemba's [`Store`]: what every storage backend must do, written
//! against `&dyn Store` only, so that each backend's test binary runs the same functions
//! unchanged (the SQLite store's `tests/conformance.rs` today, a Postgres store's tomorrow).
//!
//! Each case is a `pub async fn(&dyn Store)` that starts from an empty store and panics on the
//! first broken promise. History is checked as structured records (object, action, field, old
//! and new value, who), never as sentences: wording belongs to the edges.
//!
//! A backend runs every case, each as its own named test, with [`conformance!`]:
//!
//! ```text
//! gemba_store_tests::conformance!(
//!     in_memory,
//!     fixture = MyStore::fresh().await.unwrap(),
//!     store = &fixture,
//!     after = fixture.close().await,
//! );
//! ```
//!
//! (The SQLite store's `tests/conformance.rs` is the working example.)
//!
//! `fixture` is built fresh for each case by the `fixture` expression, `store` borrows the
//! `&dyn Store` from it, and `after` runs when the case has passed (closing a pool, say). The
//! backend's test crate needs `tokio` (with `macros` and `rt`) for `#[tokio::test]`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test suite fails loudly

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use gemba_domain::history::{Action, Field, ObjectKind};
use gemba_domain::*;
use gemba_spc::{ChartType, Improvement};

/// Defines module `$module` with one `#[tokio::test]` per conformance case: each builds a
/// fresh fixture with `$setup` (bound to `$fx`), runs the case on `$store` and then `$after`.
#[macro_export]
macro_rules! conformance {
    ($module:ident, $fx:ident = $setup:expr, store = $store:expr, after = $after:expr $(,)?) => {
        $crate::conformance!(
            @cases $module, $fx = $setup, store = $store, after = $after;
            people,
            sessions_and_tokens,
            projects,
            history,
            driver_diagram,
            deleting_and_restoring_driver_nodes,
            history_keeps_old_values,
            measures,
            data,
            pdsa_cycles,
            project_team,
            organisations_never_mix,
            deleting_measures_cycles_and_points,
            people_are_added_changed_and_deactivated,
            api_tokens_expire_and_are_revoked,
            password_resets_are_single_use,
            teams_are_renamed_archived_and_restored,
            organisations_of_a_system,
            stale_writes_are_refused,
            measure_units_are_kept,
            concurrent_writers_exactly_one_wins,
            replaced_and_removed_values_can_be_put_back,
            writes_racing_a_deletion_are_missing,
            owners_and_project_leads,
            board_measures_and_sections,
            saved_reports_narratives_and_publications,
            board_order_within_a_section,
            strategic_priorities_and_their_projects,
            improvement_events_and_report_outs,
            closing_summaries,
            adoptions,
            board_self_assessments,
            progress_overrides_and_stall_weeks,
            search_ranks_and_scopes_projects,
            search_follows_every_change,
            private_projects_and_the_system_search,
            system_roles_are_given_changed_and_taken_away,
            ideas_supports_comments_triage_and_notifications,
            bulk_reads_of_many_organisations,
            an_idea_becomes_a_project_or_a_change_idea_with_its_lineage,
            notifications_go_into_the_email_outbox_only_while_email_is_on,
            value_entries_confirmations_and_versions,
            patient_and_carer_involvement,
            training_courses_sessions_and_places,
        );
    };
    (@cases $module:ident, $fx:ident = $setup:expr, store = $store:expr, after = $after:expr;
     $($name:ident),* $(,)?) => {
        mod $module {
            $(
                #[tokio::test]
                async fn $name() {
                    let $fx = $setup;
                    $crate::$name($store).await;
                    let () = $after;
                }
            )*
        }
    };
}

/// Runs the futures together on the current task (as `join!` would) and returns their outputs
/// in order, so that the suite needs no async runtime of its own.
async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, o) in futures.iter_mut().zip(out.iter_mut()) {
            if o.is_none() {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => *o = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(|o| o.unwrap()).collect()
}

/// A history record as the suite compares it: the object's kind and label, the action, and for
/// a change the field with its old and new value (counts and points are checked apart).
#[derive(Debug, Clone, PartialEq)]
pub struct Rec {
    /// The object's kind.
    pub kind: ObjectKind,
    /// The object's label at the time.
    pub label: String,
    /// What was done.
    pub action: Action,
    /// The field changed.
    pub field: Option<Field>,
    /// Its old value.
    pub old: Option<String>,
    /// Its new value.
    pub new: Option<String>,
}

impl From<&HistoryRecord> for Rec {
    fn from(r: &HistoryRecord) -> Self {
        Rec {
            kind: r.object.kind,
            label: r.object.label.clone(),
            action: r.action,
            field: r.field,
            old: r.old.clone(),
            new: r.new.clone(),
        }
    }
}

/// A record of `action` on the object of `kind` named `label`.
fn rec(kind: ObjectKind, label: &str, action: Action) -> Rec {
    Rec {
        kind,
        label: label.to_owned(),
        action,
        field: None,
        old: None,
        new: None,
    }
}

/// A change of `field` of the object of `kind` named `label` (after the change).
fn chg(kind: ObjectKind, label: &str, field: Field, old: Option<&str>, new: Option<&str>) -> Rec {
    Rec {
        field: Some(field),
        old: old.map(str::to_owned),
        new: new.map(str::to_owned),
        ..rec(kind, label, Action::Changed)
    }
}

/// The records of a project's history, newest change first (legacy entries left out).
async fn records(store: &dyn Store, project: ProjectId) -> Vec<HistoryRecord> {
    store
        .history(project)
        .await
        .unwrap()
        .iter()
        .filter_map(|e| e.record().cloned())
        .collect()
}

/// The records of a project's history as [`Rec`]s, newest change first.
async fn recs(store: &dyn Store, project: ProjectId) -> Vec<Rec> {
    records(store, project)
        .await
        .iter()
        .map(Rec::from)
        .collect()
}

/// The records of the newest change of a project (the first entries with the time and the
/// user of the newest).
async fn latest_records(store: &dyn Store, project: ProjectId) -> Vec<HistoryRecord> {
    let h = store.history(project).await.unwrap();
    let Some(first) = h.first() else {
        return Vec::new();
    };
    h.iter()
        .take_while(|e| e.at == first.at && e.by == first.by)
        .filter_map(|e| e.record().cloned())
        .collect()
}

/// [`latest_records`] as [`Rec`]s.
async fn latest(store: &dyn Store, project: ProjectId) -> Vec<Rec> {
    latest_records(store, project)
        .await
        .iter()
        .map(Rec::from)
        .collect()
}

/// How many changes a project's history holds (the records of one write count once).
async fn changes(store: &dyn Store, project: ProjectId) -> usize {
    let h = store.history(project).await.unwrap();
    h.iter()
        .enumerate()
        .filter(|(i, e)| *i == 0 || h[i - 1].at != e.at || h[i - 1].by != e.by)
        .count()
}

// --- helpers ---------------------------------------------------------------------------------

fn email(s: &str) -> Email {
    Email::parse(s).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A rebase on `d`, with a reason.
fn rebased(d: NaiveDate) -> gemba_domain::Rebase {
    gemba_domain::Rebase {
        date: d,
        reason: format!("Process changed {d}"),
    }
}

fn time(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32, nanos: u32) -> NaiveDateTime {
    date(y, m, d).and_hms_nano_opt(h, min, s, nanos).unwrap()
}

fn point(d: NaiveDate, value: Option<f64>, denominator: Option<f64>) -> DataPoint {
    DataPoint {
        date: d,
        value,
        denominator,
    }
}

fn project_fields(title: &str) -> ProjectFields {
    ProjectFields {
        title: NonEmpty::parse("title", title).unwrap(),
        problem: "Patients fall at night on the ward".into(),
        aim: "Reduce falls by 30% by March 2026".into(),
        method: "Model for Improvement".into(),
        status: ProjectStatus::Scoping,
        team: None,
        sponsor: "Director of Nursing".into(),
        tags: vec!["falls".into(), "frailty".into()],
        private: false,
    }
}

fn measure_fields(name: &str) -> MeasureFields {
    MeasureFields {
        name: NonEmpty::parse("name", name).unwrap(),
        kind: MeasureType::Outcome,
        definition: "Inpatient falls reported on Datix per 1,000 occupied bed days".into(),
        unit: "falls per 1,000 bed days".into(),
        data_source: "Datix and the bed census".into(),
        denominator_label: String::new(),
        chart: ChartSettings {
            chart: ChartType::UPrime,
            improvement: Improvement::Decrease,
            target: Some(4.5),
            rules: "powerbi".into(),
            rebase: vec![rebased(date(2024, 3, 1)), rebased(date(2024, 6, 1))],
            fix_after: Some(12),
            period: Period::Month,
            multiplier: gemba_domain::Multiplier::ONE,
        },
    }
}

fn pdsa_fields(title: &str, start: Option<NaiveDate>) -> PdsaFields {
    PdsaFields {
        title: title.into(),
        start_date: start,
        objective: "Test intentional rounding on one bay".into(),
        prediction: "Fewer falls at night".into(),
        ..PdsaFields::default()
    }
}

fn is_conflict(r: Result<impl std::fmt::Debug, StoreError>, mentions: &str) -> bool {
    matches!(r, Err(StoreError::Conflict(ref s)) if s.contains(mentions))
}

fn is_missing(r: Result<impl std::fmt::Debug, StoreError>) -> bool {
    matches!(r, Err(StoreError::Missing(_)))
}

/// The stored version of a project (1 when there is none, for writes that must fail anyway).
async fn vp(store: &dyn Store, id: ProjectId) -> Version {
    let p = store.project(id).await.unwrap();
    p.map_or(Version(1), |p| p.version)
}

/// The stored version of a measure.
async fn vm(store: &dyn Store, id: MeasureId) -> Version {
    let m = store.measure(id).await.unwrap();
    m.map_or(Version(1), |m| m.version)
}

/// The stored version of a PDSA cycle.
async fn vc(store: &dyn Store, id: PdsaId) -> Version {
    let c = store.pdsa(id).await.unwrap();
    c.map_or(Version(1), |c| c.version)
}

/// The stored version of a driver diagram node.
async fn vn(store: &dyn Store, id: DriverNodeId) -> Version {
    let n = store.driver_node(id).await.unwrap();
    n.map_or(Version(1), |n| n.version)
}

/// An organisation with a member and a project.
struct World {
    org: OrgId,
    user: UserId,
    project: ProjectId,
}

async fn world(store: &dyn Store, org_name: &str, user_email: &str) -> World {
    let org = store
        .create_org(org_name, Some("Northshire ICS"))
        .await
        .unwrap();
    let user = store
        .create_user(&email(user_email), "Asha Patel", "$argon2id$hash")
        .await
        .unwrap();
    store.set_membership(user, org, Role::Member).await.unwrap();
    let project = store
        .create_project(org, &project_fields("Falls on Ward 7"), user)
        .await
        .unwrap();
    World { org, user, project }
}

// --- organisations, teams, people ------------------------------------------------------------

/// Organisations, teams, users, sign-in and memberships.
pub async fn people(store: &dyn Store) {
    let trust = store
        .create_org("Northshire Hospitals", Some("Northshire ICS"))
        .await
        .unwrap();
    let practice = store.create_org("Eastgate Surgery", None).await.unwrap();
    assert_ne!(trust, practice);
    let expected = Organisation {
        id: trust,
        name: "Northshire Hospitals".into(),
        system: Some("Northshire ICS".into()),
    };
    assert_eq!(store.org(trust).await.unwrap(), Some(expected.clone()));
    assert_eq!(
        store.org_by_name("Northshire Hospitals").await.unwrap(),
        Some(expected)
    );
    assert_eq!(
        store
            .org_by_name("Eastgate Surgery")
            .await
            .unwrap()
            .unwrap()
            .system,
        None
    );
    assert_eq!(store.org_by_name("Nowhere").await.unwrap(), None);
    assert_eq!(store.org(OrgId(999_999)).await.unwrap(), None);
    assert!(is_conflict(
        store.create_org("Northshire Hospitals", None).await,
        "Northshire Hospitals"
    ));

    // Teams, by name, within their organisation only.
    let ward = store.create_team(trust, "Ward 7").await.unwrap();
    let ed = store
        .create_team(trust, "Emergency department")
        .await
        .unwrap();
    let gp = store.create_team(practice, "Ward 7").await.unwrap();
    let teams = store.teams(trust).await.unwrap();
    assert_eq!(
        teams,
        vec![
            Team {
                id: ed,
                org: trust,
                name: "Emergency department".into(),
                archived: false,
            },
            Team {
                id: ward,
                org: trust,
                name: "Ward 7".into(),
                archived: false,
            },
        ]
    );
    assert_eq!(store.teams(practice).await.unwrap()[0].id, gp);
    assert!(is_conflict(
        store.create_team(trust, "Ward 7").await,
        "Ward 7"
    ));
    assert!(is_missing(
        store.create_team(OrgId(999_999), "Ghosts").await
    ));
    assert!(store.teams(OrgId(999_999)).await.unwrap().is_empty());

    // Users: one account per email; sign-in gets the hash back.
    let asha = store
        .create_user(
            &email("Asha.Patel@NHS.net"),
            "Asha Patel",
            "$argon2id$v=19$asha",
        )
        .await
        .unwrap();
    let ben = store
        .create_user(&email("ben@nhs.net"), "Ben Okafor", "$argon2id$v=19$ben")
        .await
        .unwrap();
    let user = User {
        id: asha,
        email: email("asha.patel@nhs.net"),
        name: "Asha Patel".into(),
    };
    assert_eq!(
        store.login(&email("asha.patel@nhs.net")).await.unwrap(),
        Some((user.clone(), "$argon2id$v=19$asha".to_owned()))
    );
    assert_eq!(
        store
            .user_by_email(&email("ASHA.PATEL@nhs.net"))
            .await
            .unwrap(),
        Some(user)
    );
    assert_eq!(store.login(&email("nobody@nhs.net")).await.unwrap(), None);
    assert_eq!(
        store.user_by_email(&email("nobody@nhs.net")).await.unwrap(),
        None
    );
    assert!(is_conflict(
        store
            .create_user(&email("asha.patel@nhs.net"), "Someone else", "x")
            .await,
        "the email asha.patel@nhs.net"
    ));

    // Memberships: one role per organisation, replaced when set again.
    assert!(store.memberships(asha).await.unwrap().is_empty());
    store
        .set_membership(asha, trust, Role::Member)
        .await
        .unwrap();
    store
        .set_membership(asha, trust, Role::ImprovementLead)
        .await
        .unwrap();
    store
        .set_membership(asha, practice, Role::PatientPartner)
        .await
        .unwrap();
    store
        .set_membership(ben, trust, Role::BoardViewer)
        .await
        .unwrap();
    let roles: Vec<(String, Role)> = store
        .memberships(asha)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.org.name, m.role))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("Eastgate Surgery".to_owned(), Role::PatientPartner),
            ("Northshire Hospitals".to_owned(), Role::ImprovementLead),
        ]
    );
    // Every role is stored and read back.
    for role in Role::ALL {
        store.set_membership(ben, trust, role).await.unwrap();
        let m = store.memberships(ben).await.unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].role, role);
        assert_eq!(m[0].org.id, trust);
    }
    assert!(is_missing(
        store
            .set_membership(asha, OrgId(999_999), Role::Admin)
            .await
    ));
    assert!(is_missing(
        store
            .set_membership(UserId(999_999), trust, Role::Admin)
            .await
    ));
}

/// Sessions expire and end; API tokens find their user.
pub async fn sessions_and_tokens(store: &dyn Store) {
    let user = store
        .create_user(&email("carla@nhs.net"), "Carla Jones", "hash")
        .await
        .unwrap();
    let now = time(2025, 5, 1, 9, 30, 0, 123_456_789);
    let expires = now + Duration::hours(8);
    store
        .create_session("session-hash", user, "csrf-token", expires)
        .await
        .unwrap();
    let s = store.session("session-hash", now).await.unwrap().unwrap();
    assert_eq!(s.user.id, user);
    assert_eq!(s.user.email, email("carla@nhs.net"));
    assert_eq!(s.user.name, "Carla Jones");
    assert_eq!(s.csrf, "csrf-token");
    assert_eq!(s.expires_at, expires);
    // Valid until the very end; gone from the moment it expires.
    let just_before = expires - Duration::nanoseconds(1);
    assert!(store
        .session("session-hash", just_before)
        .await
        .unwrap()
        .is_some());
    assert_eq!(store.session("session-hash", expires).await.unwrap(), None);
    assert_eq!(
        store
            .session("session-hash", expires + Duration::days(1))
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.session("unknown", now).await.unwrap(), None);
    assert!(is_conflict(
        store
            .create_session("session-hash", user, "x", expires)
            .await,
        "session"
    ));
    assert!(is_missing(
        store
            .create_session("other-hash", UserId(999_999), "x", expires)
            .await
    ));
    // A second session of the same user is independent.
    store
        .create_session("phone-hash", user, "csrf-2", expires)
        .await
        .unwrap();
    store.delete_session("session-hash").await.unwrap();
    assert_eq!(store.session("session-hash", now).await.unwrap(), None);
    assert_eq!(
        store
            .session("phone-hash", now)
            .await
            .unwrap()
            .unwrap()
            .csrf,
        "csrf-2"
    );
    store.delete_session("never-existed").await.unwrap();

    store
        .create_api_token("token-hash", user, "Power BI refresh")
        .await
        .unwrap();
    let u = store
        .api_token_user("token-hash", now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.id, user);
    assert_eq!(u.email, email("carla@nhs.net"));
    assert_eq!(
        store.api_token_user("session-hash", now).await.unwrap(),
        None
    );
    assert_eq!(store.api_token_user("phone-hash", now).await.unwrap(), None);
    assert!(is_conflict(
        store.create_api_token("token-hash", user, "again").await,
        "token"
    ));
    assert!(is_missing(
        store.create_api_token("t2", UserId(999_999), "x").await
    ));
}

// --- projects -------------------------------------------------------------------------------

/// Projects: create, read, list, change, delete, list deleted, restore.
pub async fn projects(store: &dyn Store) {
    let w = world(store, "Northshire Hospitals", "asha@nhs.net").await;
    let team = store.create_team(w.org, "Ward 7").await.unwrap();
    let other_org = store
        .create_org("Southshire Hospitals", None)
        .await
        .unwrap();
    let other_team = store.create_team(other_org, "Ward 7").await.unwrap();

    let first = store.project(w.project).await.unwrap().unwrap();
    let f = project_fields("Falls on Ward 7");
    assert_eq!(first.id, w.project);
    assert_eq!(first.org, w.org);
    assert_eq!(first.team, None);
    assert_eq!(first.title, "Falls on Ward 7");
    assert_eq!(first.problem, f.problem);
    assert_eq!(first.aim, f.aim);
    assert_eq!(first.method, f.method);
    assert_eq!(first.status, ProjectStatus::Scoping);
    assert_eq!(first.sponsor, f.sponsor);
    assert_eq!(first.tags, vec!["falls", "frailty"]);
    assert_eq!(first.created_at, first.updated_at);

    // A second project, with a team and tags in the user's order.
    let mut g = project_fields("Sepsis screening in ED");
    g.team = Some(team);
    g.status = ProjectStatus::Idea;
    g.tags = vec!["sepsis".into(), "ED".into(), "antibiotics".into()];
    let second = store.create_project(w.org, &g, w.user).await.unwrap();
    let p2 = store.project(second).await.unwrap().unwrap();
    assert_eq!(p2.team, Some(team));
    assert_eq!(p2.tags, vec!["sepsis", "ED", "antibiotics"]);
    assert_eq!(p2.status, ProjectStatus::Idea);
    let ids = |ps: Vec<Project>| ps.into_iter().map(|p| p.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.projects(w.org).await.unwrap()),
        vec![second, w.project],
        "most recently changed first"
    );

    // Changing the first brings it to the top; every field and every status round-trips.
    let mut changed = project_fields("Falls on Wards 7 and 8");
    changed.problem = "Falls at night and at weekends".into();
    changed.aim = "Reduce falls by 40% by June 2026".into();
    changed.method = "Lean".into();
    changed.team = Some(team);
    changed.sponsor = "Chief Nurse".into();
    changed.tags = vec!["frailty".into()];
    for status in ProjectStatus::ALL {
        changed.status = status;
        store
            .update_project(w.project, &changed, vp(store, w.project).await, w.user)
            .await
            .unwrap();
        assert_eq!(
            store.project(w.project).await.unwrap().unwrap().status,
            status
        );
    }
    let p1 = store.project(w.project).await.unwrap().unwrap();
    assert_eq!(p1.title, "Falls on Wards 7 and 8");
    assert_eq!(p1.problem, changed.problem);
    assert_eq!(p1.aim, changed.aim);
    assert_eq!(p1.method, "Lean");
    assert_eq!(p1.team, Some(team));
    assert_eq!(p1.sponsor, "Chief Nurse");
    assert_eq!(p1.tags, vec!["frailty"]);
    assert_eq!(p1.created_at, first.created_at);
    assert!(p1.updated_at > first.updated_at);
    assert_eq!(
        ids(store.projects(w.org).await.unwrap()),
        vec![w.project, second]
    );
    // Tags cleared, team removed.
    changed.tags.clear();
    changed.team = None;
    store
        .update_project(w.project, &changed, vp(store, w.project).await, w.user)
        .await
        .unwrap();
    let p1 = store.project(w.project).await.unwrap().unwrap();
    assert!(p1.tags.is_empty());
    assert_eq!(p1.team, None);

    // A team of another organisation is refused and nothing changes.
    let mut foreign = changed.clone();
    foreign.team = Some(other_team);
    foreign.aim = "Something else".into();
    assert!(is_missing(
        store
            .update_project(w.project, &foreign, vp(store, w.project).await, w.user)
            .await
    ));
    assert_eq!(store.project(w.project).await.unwrap().unwrap(), p1);
    assert!(is_missing(
        store.create_project(w.org, &foreign, w.user).await
    ));
    assert!(is_missing(
        store
            .create_project(OrgId(999_999), &project_fields("Nowhere"), w.user)
            .await
    ));
    assert!(is_missing(
        store
            .create_project(w.org, &project_fields("By nobody"), UserId(999_999))
            .await
    ));
    assert_eq!(store.projects(w.org).await.unwrap().len(), 2);

    // Unknown projects.
    assert_eq!(store.project(ProjectId(999_999)).await.unwrap(), None);
    assert!(is_missing(
        store
            .update_project(
                ProjectId(999_999),
                &changed,
                vp(store, ProjectId(999_999)).await,
                w.user
            )
            .await
    ));
    assert!(is_missing(
        store.delete_project(ProjectId(999_999), None, w.user).await
    ));
    assert!(is_missing(
        store.restore_project(ProjectId(999_999), w.user).await
    ));

    // Delete, list deleted, restore.
    assert!(store.deleted_projects(w.org).await.unwrap().is_empty());
    store.delete_project(second, None, w.user).await.unwrap();
    assert_eq!(store.project(second).await.unwrap(), None);
    assert_eq!(ids(store.projects(w.org).await.unwrap()), vec![w.project]);
    let deleted = store.deleted_projects(w.org).await.unwrap();
    assert_eq!(ids(deleted.clone()), vec![second]);
    assert_eq!(deleted[0].title, "Sepsis screening in ED");
    assert_eq!(deleted[0].tags, vec!["sepsis", "ED", "antibiotics"]);
    assert!(store.deleted_projects(other_org).await.unwrap().is_empty());
    assert!(is_missing(store.delete_project(second, None, w.user).await));
    assert!(is_missing(store.restore_project(w.project, w.user).await));

    // A deleted project cannot change, nor can anything in it.
    assert!(is_missing(
        store
            .update_project(second, &g, vp(store, second).await, w.user)
            .await
    ));
    assert!(is_missing(
        store
            .create_measure(second, &measure_fields("Time to antibiotics"), w.user)
            .await
    ));
    assert!(is_missing(
        store
            .add_driver_node(second, None, DriverKind::Primary, "Screening", w.user)
            .await
    ));
    assert!(is_missing(
        store
            .create_pdsa(second, &pdsa_fields("Sepsis trolley", None), w.user)
            .await
    ));

    store.restore_project(second, w.user).await.unwrap();
    assert_eq!(
        store.project(second).await.unwrap().unwrap().title,
        "Sepsis screening in ED"
    );
    assert!(store.deleted_projects(w.org).await.unwrap().is_empty());
    assert_eq!(
        ids(store.projects(w.org).await.unwrap()),
        vec![second, w.project],
        "restoring is a change"
    );
}

/// Every change to a project writes its records to its history (one per changed field),
/// newest change first, each change's records in the order of the fields.
pub async fn history(store: &dyn Store) {
    let w = world(store, "Northshire Hospitals", "asha@nhs.net").await;
    let ben = store
        .create_user(&email("ben@nhs.net"), "Ben Okafor", "hash")
        .await
        .unwrap();
    let h = store.history(w.project).await.unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(
        h[0].record().map(Rec::from),
        Some(rec(ObjectKind::Project, "Falls on Ward 7", Action::Created))
    );
    assert_eq!(h[0].who, "Asha Patel");
    assert_eq!(h[0].by, Some(w.user));

    let mut f = project_fields("Falls on Ward 7");
    f.aim = "Reduce falls by 50% by March 2026".into();
    store
        .update_project(w.project, &f, vp(store, w.project).await, w.user)
        .await
        .unwrap();
    // Nothing changed: nothing recorded.
    store
        .update_project(w.project, &f, vp(store, w.project).await, w.user)
        .await
        .unwrap();
    f.title = NonEmpty::parse("title", "Falls on Wards 7 and 8").unwrap();
    f.status = ProjectStatus::Testing;
    f.sponsor = "Chief Nurse".into();
    store
        .update_project(w.project, &f, vp(store, w.project).await, ben)
        .await
        .unwrap();
    f.problem = "New problem".into();
    f.method = "Lean".into();
    f.tags = vec!["falls".into()];
    store
        .update_project(w.project, &f, vp(store, w.project).await, w.user)
        .await
        .unwrap();

    let primary = store
        .add_driver_node(
            w.project,
            None,
            DriverKind::Primary,
            "Safe environment",
            w.user,
        )
        .await
        .unwrap();
    let secondary = store
        .add_driver_node(
            w.project,
            Some(primary),
            DriverKind::Secondary,
            "Call bells in reach",
            w.user,
        )
        .await
        .unwrap();
    let idea = store
        .add_driver_node(
            w.project,
            Some(secondary),
            DriverKind::ChangeIdea,
            "Bay nursing at night",
            w.user,
        )
        .await
        .unwrap();
    store
        .update_driver_node(
            idea,
            "Bay nursing at night and weekends",
            vn(store, idea).await,
            w.user,
        )
        .await
        .unwrap();
    store
        .update_driver_node(
            idea,
            "Bay nursing at night and weekends",
            vn(store, idea).await,
            w.user,
        )
        .await
        .unwrap();
    let measure = store
        .create_measure(
            w.project,
            &measure_fields("Falls per 1,000 bed days"),
            w.user,
        )
        .await
        .unwrap();
    let mut mf = measure_fields("Falls per 1,000 occupied bed days");
    store
        .update_measure(measure, &mf, vm(store, measure).await, w.user)
        .await
        .unwrap();
    mf.chart.target = None;
    mf.chart.chart = ChartType::Run;
    store
        .update_measure(measure, &mf, vm(store, measure).await, w.user)
        .await
        .unwrap();
    store
        .update_measure(measure, &mf, vm(store, measure).await, w.user)
        .await
        .unwrap();
    mf.name = NonEmpty::parse("name", "Falls").unwrap();
    mf.unit = "falls".into();
    store
        .update_measure(measure, &mf, vm(store, measure).await, w.user)
        .await
        .unwrap();
    let points: Vec<DataPoint> = (1..=24)
        .map(|m| {
            point(
                date(2023 + (m - 1) / 12, ((m - 1) % 12 + 1) as u32, 1),
                Some(5.0),
                None,
            )
        })
        .collect();
    assert_eq!(store.put_data(measure, &points, w.user).await.unwrap(), 24);
    assert_eq!(
        store.put_data(measure, &points[..1], w.user).await.unwrap(),
        1
    );
    assert_eq!(store.put_data(measure, &[], w.user).await.unwrap(), 0);
    let cycle = store
        .create_pdsa(
            w.project,
            &pdsa_fields("Bay nursing on nights", Some(date(2024, 2, 1))),
            w.user,
        )
        .await
        .unwrap();
    let mut pf = pdsa_fields("Bay nursing on nights", Some(date(2024, 2, 1)));
    pf.study = "Falls fell as predicted".into();
    pf.act = Some(ActDecision::Adopt);
    store
        .update_pdsa(cycle, &pf, vc(store, cycle).await, w.user)
        .await
        .unwrap();
    store
        .update_pdsa(cycle, &pf, vc(store, cycle).await, w.user)
        .await
        .unwrap();
    pf.title = "Bay nursing, nights".into();
    store
        .update_pdsa(cycle, &pf, vc(store, cycle).await, w.user)
        .await
        .unwrap();
    pf.title = "Bay nursing at night".into();
    pf.act = None;
    store
        .update_pdsa(cycle, &pf, vc(store, cycle).await, w.user)
        .await
        .unwrap();
    store
        .delete_driver_node(secondary, None, w.user)
        .await
        .unwrap();
    store
        .delete_driver_node(primary, None, w.user)
        .await
        .unwrap();
    store.delete_project(w.project, None, ben).await.unwrap();
    store.restore_project(w.project, w.user).await.unwrap();

    use ObjectKind::{ChangeIdea, Measure, PdsaCycle, PrimaryDriver, Project, SecondaryDriver};
    let (p7, p78) = ("Falls on Ward 7", "Falls on Wards 7 and 8");
    let (m1, m2) = (
        "Falls per 1,000 bed days",
        "Falls per 1,000 occupied bed days",
    );
    let (c1, c2, c3) = (
        "Bay nursing on nights",
        "Bay nursing, nights",
        "Bay nursing at night",
    );
    let idea2 = "Bay nursing at night and weekends";
    let expected = vec![
        rec(Project, p78, Action::Restored),
        rec(Project, p78, Action::Deleted),
        rec(PrimaryDriver, "Safe environment", Action::Deleted),
        rec(SecondaryDriver, "Call bells in reach", Action::Deleted),
        chg(PdsaCycle, c3, Field::Title, Some(c2), Some(c3)),
        chg(PdsaCycle, c3, Field::Act, Some("adopt"), None),
        chg(PdsaCycle, c2, Field::Title, Some(c1), Some(c2)),
        chg(
            PdsaCycle,
            c1,
            Field::Study,
            None,
            Some("Falls fell as predicted"),
        ),
        chg(PdsaCycle, c1, Field::Act, None, Some("adopt")),
        rec(PdsaCycle, c1, Action::Created),
        rec(Measure, "Falls", Action::DataAdded),
        rec(Measure, "Falls", Action::DataAdded),
        chg(Measure, "Falls", Field::Name, Some(m2), Some("Falls")),
        chg(
            Measure,
            "Falls",
            Field::Unit,
            Some("falls per 1,000 bed days"),
            Some("falls"),
        ),
        chg(Measure, m2, Field::Chart, Some("up"), Some("run")),
        chg(Measure, m2, Field::Target, Some("4.5"), None),
        chg(Measure, m2, Field::Name, Some(m1), Some(m2)),
        rec(Measure, m1, Action::Created),
        chg(ChangeIdea, idea2, Field::Text, Some(c3), Some(idea2)),
        rec(ChangeIdea, c3, Action::Created),
        rec(SecondaryDriver, "Call bells in reach", Action::Created),
        rec(PrimaryDriver, "Safe environment", Action::Created),
        chg(
            Project,
            p78,
            Field::Problem,
            Some("Patients fall at night on the ward"),
            Some("New problem"),
        ),
        chg(
            Project,
            p78,
            Field::Method,
            Some("Model for Improvement"),
            Some("Lean"),
        ),
        chg(
            Project,
            p78,
            Field::Tags,
            Some("falls, frailty"),
            Some("falls"),
        ),
        chg(Project, p78, Field::Title, Some(p7), Some(p78)),
        chg(
            Project,
            p78,
            Field::Status,
            Some("scoping"),
            Some("testing"),
        ),
        chg(
            Project,
            p78,
            Field::Sponsor,
            Some("Director of Nursing"),
            Some("Chief Nurse"),
        ),
        chg(
            Project,
            p7,
            Field::Aim,
            Some("Reduce falls by 30% by March 2026"),
            Some("Reduce falls by 50% by March 2026"),
        ),
        rec(Project, p7, Action::Created),
    ];
    let h = store.history(w.project).await.unwrap();
    assert_eq!(
        h.iter()
            .map(|e| e.record().map(Rec::from).unwrap())
            .collect::<Vec<_>>(),
        expected
    );
    // Counts: the nodes that went with a node, the points written and replaced.
    let r: Vec<&HistoryRecord> = h.iter().filter_map(HistoryEntry::record).collect();
    assert_eq!((r[2].count, r[3].count), (Some(0), Some(1)));
    assert_eq!((r[10].count, r[10].replaced), (Some(1), Some(0)));
    assert_eq!((r[11].count, r[11].replaced), (Some(24), Some(0)));
    assert!(r[10].points.is_empty() && r[11].points.is_empty());
    // Who: the project deleted by Ben, restored by Asha; Ben's title change; ids kept.
    assert_eq!(h[1].who, "Ben Okafor");
    assert_eq!(h[1].by, Some(ben));
    assert_eq!(h[0].who, "Asha Patel");
    let title = h
        .iter()
        .find(|e| {
            e.record()
                .is_some_and(|r| r.field == Some(Field::Title) && r.object.kind == Project)
        })
        .unwrap();
    assert_eq!((title.who.as_str(), title.by), ("Ben Okafor", Some(ben)));
    // The records keep the objects' ids.
    assert_eq!(r[0].object.id, w.project.0);
    assert_eq!(r[2].object.id, primary.0);
    assert_eq!(r[4].object.id, cycle.0);
    assert_eq!(r[12].object.id, measure.0);
    assert_eq!(r[18].object.id, idea.0);
    assert!(
        h.windows(2).all(|p| p[0].at >= p[1].at),
        "newest first: {h:?}"
    );
    assert!(store.history(ProjectId(999_999)).await.unwrap().is_empty());
    // A change by an unknown user is refused whole.
    assert!(is_missing(
        store
            .add_driver_node(
                w.project,
                None,
                DriverKind::Primary,
                "Ghost",
                UserId(999_999)
            )
            .await
    ));
    assert!(store.driver_nodes(w.project).await.unwrap().is_empty());
    assert_eq!(
        store.history(w.project).await.unwrap().len(),
        expected.len()
    );
}

// --- driver diagrams ---------------------------------------------------------------------------

/// A driver diagram is a tree within one project; deleting a node deletes what hangs from it.
pub async fn driver_diagram(store: &dyn Store) {
    let w = world(store, "Northshire Hospitals", "asha@nhs.net").await;
    let other = store
        .create_project(w.org, &project_fields("Pressure ulcers"), w.user)
        .await
        .unwrap();
    let add = |project, parent, kind, text: &'static str| {
        store.add_driver_node(project, parent, kind, text, w.user)
    };
    let p1 = add(w.project, None, DriverKind::Primary, "Safe environment")
        .await
        .unwrap();
    let p2 = add(w.project, None, DriverKind::Primary, "Reliable assessment")
        .await
        .unwrap();
    let s1 = add(
        w.project,
        Some(p1),
        DriverKind::Secondary,
        "Call bells in reach",
    )
    .await
    .unwrap();
    let c1 = add(w.project, Some(s1), DriverKind::ChangeIdea, "Bay nursing")
        .await
        .unwrap();
    let c2 = add(w.project, Some(s1), DriverKind::ChangeIdea, "Low beds")
        .await
        .unwrap();
    let s2 = add(
        w.project,
        Some(p2),
        DriverKind::Secondary,
        "Falls risk on admission",
    )
    .await
    .unwrap();
    let c3 = add(
        w.project,
        Some(s2),
        DriverKind::ChangeIdea,
        "Lying and standing BP",
    )
    .await
    .unwrap();
    let o1 = add(other, None, DriverKind::Primary, "Skin checks")
        .await
        .unwrap();

    let node = |id, parent, kind, text: &str| DriverNode {
        id,
        project: w.project,
        parent,
        kind,
        text: text.into(),
        version: Version(1),
        idea: None,
    };
    assert_eq!(
        store.driver_nodes(w.project).await.unwrap(),
        vec![
            node(p1, None, DriverKind::Primary, "Safe environment"),
            node(p2, None, DriverKind::Primary, "Reliable assessment"),
            node(s1, Some(p1), DriverKind::Secondary, "Call bells in reach"),
            node(c1, Some(s1), DriverKind::ChangeIdea, "Bay nursing"),
            node(c2, Some(s1), DriverKind::ChangeIdea, "Low beds"),
            node(
                s2,
                Some(p2),
                DriverKind::Secondary,
                "Falls risk on admission"
            ),
            node(
                c3,
                Some(s2),
                DriverKind::ChangeIdea,
                "Lying and standing BP"
            ),
        ],
        "in the order they were added"
    );
    assert_eq!(store.driver_nodes(other).await.unwrap().len(), 1);

    // A parent of another project is refused, and nothing is added.
    assert!(is_missing(
        add(other, Some(s1), DriverKind::ChangeIdea, "Borrowed").await
    ));
    assert!(is_missing(
        add(w.project, Some(o1), DriverKind::Secondary, "Borrowed").await
    ));
    assert!(is_missing(
        add(
            w.project,
            Some(DriverNodeId(999_999)),
            DriverKind::Secondary,
            "Orphan"
        )
        .await
    ));
    assert!(is_missing(
        add(ProjectId(999_999), None, DriverKind::Primary, "Nowhere").await
    ));
    assert_eq!(store.driver_nodes(other).await.unwrap().len(), 1);
    assert_eq!(store.driver_nodes(w.project).await.unwrap().len(), 7);

    store
        .update_driver_node(c2, "Low beds and crash mats", vn(store, c2).await, w.user)
        .await
        .unwrap();
    assert!(is_missing(
        store
            .update_driver_node(
                DriverNodeId(999_999),
                "x",
                vn(store, DriverNodeId(999_999)).await,
                w.user
            )
            .await
    ));

    // A PDSA cycle testing a change idea keeps the link when the idea is deleted (softly).
    let mut pf = pdsa_fields("Bay nursing on nights", Some(date(2024, 2, 1)));
    pf.change_idea = Some(c1);
    let cycle = store.create_pdsa(w.project, &pf, w.user).await.unwrap();

    store.delete_driver_node(p1, None, w.user).await.unwrap();
    let left = store.driver_nodes(w.project).await.unwrap();
    assert_eq!(
        left.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![p2, s2, c3],
        "p1, s1, c1 and c2 are gone"
    );
    let deleted = latest_records(store, w.project).await;
    assert_eq!(
        deleted.iter().map(Rec::from).collect::<Vec<_>>(),
        [rec(
            ObjectKind::PrimaryDriver,
            "Safe environment",
            Action::Deleted
        )]
    );
    assert_eq!(deleted[0].count, Some(3));
    let cycle = store.pdsa(cycle).await.unwrap().unwrap();
    assert_eq!(cycle.fields.change_idea, Some(c1));
    assert_eq!(cycle.fields.title, "Bay nursing on nights");
    assert!(is_missing(store.delete_driver_node(p1, None, w.user).await));
    assert!(is_missing(store.delete_driver_node(c1, None, w.user).await));
    assert!(is_missing(
        store
            .update_driver_node(c2, "Back", vn(store, c2).await, w.user)
            .await
    ));

    // A leaf goes alone.
    store.delete_driver_node(c3, None, w.user).await.unwrap();
    assert_eq!(
        store
            .driver_nodes(w.project)
            .await
            .unwrap()
            .iter()
            .map(|n| n.id)
            .collect::<Vec<_>>(),
        vec![p2, s2]
    );
    let deleted = latest_records(store, w.project).await;
    assert_eq!(
        deleted.iter().map(Rec::from).collect::<Vec<_>>(),
        [rec(
            ObjectKind::ChangeIdea,
            "Lying and standing BP",
            Action::Deleted
        )]
    );
    assert_eq!(deleted[0].count, Some(0));
    // Nodes added after deletions still come last.
    let late = add(w.project, Some(p2), DriverKind::Secondary, "Footwear")
        .await
        .unwrap();
    assert_eq!(
        store
            .driver_nodes(w.project)
            .await
            .unwrap()
            .last()
            .unwrap()
            .id,
        late
    );
    assert_eq!(store.driver_nodes(other).await.unwrap()[0].id, o1);
}

/// Deleting a node deletes it and its live descendants softly, together; restoring brings back
/// exactly those, once the parent is live; PDSA cycles keep their link to a deleted idea.
pub async fn deleting_and_restoring_driver_nodes(store: &dyn Store) {
    let w = world(store, "Northshire Hospitals", "asha@nhs.net").await;
    let other = world(store, "Southshire Trust", "sam@nhs.net").await;
    let add = |parent, kind, text: &'static str| {
        store.add_driver_node(w.project, parent, kind, text, w.user)
    };
    let p1 = add(None, DriverKind::Primary, "Safe environment")
        .await
        .unwrap();
    let p2 = add(None, DriverKind::Primary, "Reliable assessment")
        .await
        .unwrap();
    let s1 = add(Some(p1), DriverKind::Secondary, "Call bells in reach")
        .await
        .unwrap();
    let c1 = add(Some(s1), DriverKind::ChangeIdea, "Bay nursing")
        .await
        .unwrap();
    let c2 = add(Some(s1), DriverKind::ChangeIdea, "Low beds")
        .await
        .unwrap();
    let s2 = add(Some(p2), DriverKind::Secondary, "Falls risk on admission")
        .await
        .unwrap();
    let ids = |nodes: Vec<DriverNode>| nodes.into_iter().map(|n| n.id).collect::<Vec<_>>();
    let mut pf = pdsa_fields("Bay nursing on nights", Some(date(2024, 2, 1)));
    pf.change_idea = Some(c1);
    let cycle = store.create_pdsa(w.project, &pf, w.user).await.unwrap();

    // A leaf alone, then a primary driver with what is still under it.
    store.delete_driver_node(c2, None, w.user).await.unwrap();
    store.delete_driver_node(p1, None, w.user).await.unwrap();
    let deleted = latest_records(store, w.project).await;
    assert_eq!(
        deleted.iter().map(Rec::from).collect::<Vec<_>>(),
        [rec(
            ObjectKind::PrimaryDriver,
            "Safe environment",
            Action::Deleted
        )]
    );
    assert_eq!(deleted[0].count, Some(2));
    assert_eq!(
        ids(store.driver_nodes(w.project).await.unwrap()),
        vec![p2, s2]
    );
    let deleted = store.deleted_driver_nodes(w.project).await.unwrap();
    assert_eq!(
        ids(deleted.clone()),
        vec![p1, s1, c1, c2],
        "most recently deleted first"
    );
    assert_eq!(deleted[0].parent, None);
    assert_eq!(deleted[3].parent, Some(s1));
    assert!(store
        .deleted_driver_nodes(other.project)
        .await
        .unwrap()
        .is_empty());

    // Deleted nodes cannot change, take children or be linked to anew.
    assert!(is_missing(
        store
            .update_driver_node(s1, "x", vn(store, s1).await, w.user)
            .await
    ));
    assert!(is_missing(
        add(Some(s1), DriverKind::ChangeIdea, "Under a deleted node").await
    ));
    assert!(is_missing(store.delete_driver_node(s1, None, w.user).await));
    let mut linked = pdsa_fields("Low beds trial", None);
    linked.change_idea = Some(c2);
    assert!(is_missing(
        store.create_pdsa(w.project, &linked, w.user).await
    ));

    // The cycle keeps its link and can still be edited with it.
    let kept = store.pdsa(cycle).await.unwrap().unwrap();
    assert_eq!(kept.fields.change_idea, Some(c1));
    pf.prediction = "Half as many falls at night".into();
    store
        .update_pdsa(cycle, &pf, vc(store, cycle).await, w.user)
        .await
        .unwrap();
    assert_eq!(
        store.pdsa(cycle).await.unwrap().unwrap().fields.change_idea,
        Some(c1)
    );

    // Nothing comes back while its parent is deleted, and only deleted nodes come back.
    assert!(is_missing(store.restore_driver_node(c1, w.user).await));
    assert!(is_missing(store.restore_driver_node(c2, w.user).await));
    assert!(is_missing(store.restore_driver_node(p2, w.user).await));
    assert!(is_missing(
        store
            .restore_driver_node(DriverNodeId(999_999), w.user)
            .await
    ));
    let before = changes(store, w.project).await;

    store.restore_driver_node(p1, other.user).await.unwrap();
    let restored = latest_records(store, w.project).await;
    assert_eq!(restored[0].count, Some(2));
    assert_eq!(
        restored.iter().map(Rec::from).collect::<Vec<_>>(),
        [rec(
            ObjectKind::PrimaryDriver,
            "Safe environment",
            Action::Restored
        )]
    );
    assert_eq!(changes(store, w.project).await, before + 1);
    assert_eq!(
        ids(store.driver_nodes(w.project).await.unwrap()),
        vec![p1, p2, s1, c1, s2],
        "the leaf deleted on its own stays deleted"
    );
    assert_eq!(
        ids(store.deleted_driver_nodes(w.project).await.unwrap()),
        vec![c2]
    );
    assert!(is_missing(store.restore_driver_node(p1, w.user).await));
    store.restore_driver_node(c2, w.user).await.unwrap();
    assert_eq!(
        latest(store, w.project).await,
        [rec(ObjectKind::ChangeIdea, "Low beds", Action::Restored)]
    );
    assert_eq!(store.driver_nodes(w.project).await.unwrap().len(), 6);
    assert!(store
        .deleted_driver_nodes(w.project)
        .await
        .unwrap()
        .is_empty());

    // The link to the change idea shows in the history with the idea's text.
    pf.change_idea = Some(c2);
    store
        .update_pdsa(cycle, &pf, vc(store, cycle).await, w.user)
        .await
        .unwrap();
    assert_eq!(
        latest(store, w.project).await,
        [chg(
            ObjectKind::PdsaCycle,
            "Bay nursing on nights",
            Field::ChangeIdea,
            Some("Bay nursing"),
            Some("Low beds")
        )]
    );

    // A node of a deleted project cannot come back until the project does.
    store.delete_driver_node(s2, None, w.user).await.unwrap();
    store.delete_project(w.project, None, w.user).await.unwrap();
    assert!(is_missing(store.restore_driver_node(s2, w.user).await));
    store.restore_project(w.project, w.user).await.unwrap();
    store.restore_driver_node(s2, w.user).await.unwrap();
    assert_eq!(store.driver_nodes(w.project).await.unwrap().len(), 6);
}

/// History records keep the old and new values of a change in full, however long.
pub async fn history_keeps_old_values(store: &dyn Store) {
    let w = world(store, "Northshire Hospitals", "asha@nhs.net").await;
    let mut f = project_fields("Falls on Ward 7");
    let long = format!("Reduce falls {}", "and harm ".repeat(20));
    f.aim = long.clone();
    f.sponsor = String::new();
    store
        .update_project(w.project, &f, vp(store, w.project).await, w.user)
        .await
        .unwrap();
    let project = |f, old: Option<&str>, new: Option<&str>| {
        chg(ObjectKind::Project, "Falls on Ward 7", f, old, new)
    };
    assert_eq!(
        latest(store, w.project).await,
        [
            project(
                Field::Aim,
                Some("Reduce falls by 30% by March 2026"),
                Some(&long)
            ),
            project(Field::Sponsor, Some("Director of Nursing"), None),
        ]
    );
    let node = store
        .add_driver_node(w.project, None, DriverKind::Primary, "Safe", w.user)
        .await
        .unwrap();
    store
        .update_driver_node(node, &long, vn(store, node).await, w.user)
        .await
        .unwrap();
    assert_eq!(
        latest(store, w.project).await,
        [chg(
            ObjectKind::PrimaryDriver,
            &long,
            Field::Text,
            Some("Safe"),
            Some(&long)
        )]
    );
    let measure = store
        .create_measure(w.project, &measure_fields("Falls"), w.user)
        .await
        .unwrap();
    let mut mf = measure_fields("Falls");
    mf.kind = MeasureType::Process;
    mf.chart.improvement = Improvement::Increase;
    mf.chart.rules = "mdc".into();
    mf.chart.rebase = vec![];
    mf.chart.fix_after = None;
    mf.chart.period = Period::Week;
    mf.data_source = "Datix".into();
    mf.definition = "Another definition".into();
    store
        .update_measure(measure, &mf, vm(store, measure).await, w.user)
        .await
        .unwrap();
    let falls =
        |f, old: Option<&str>, new: Option<&str>| chg(ObjectKind::Measure, "Falls", f, old, new);
    assert_eq!(
        latest(store, w.project).await,
        [
            falls(Field::Kind, Some("outcome"), Some("process")),
            falls(
                Field::Definition,
                Some("Inpatient falls reported on Datix per 1,000 occupied bed days"),
                Some("Another definition")
            ),
            falls(
                Field::DataSource,
                Some("Datix and the bed census"),
                Some("Datix")
            ),
            falls(Field::Improvement, Some("decrease"), Some("increase")),
            falls(Field::Rules, Some("powerbi"), Some("mdc")),
            falls(Field::Rebase, Some("2024-03-01, 2024-06-01"), None),
            falls(Field::FixAfter, Some("12"), None),
            falls(Field::Period, Some("month"), Some("week")),
        ]
    );
    // No reason is given for this rebase.
    assert!(latest_records(store, w.project)
        .await
        .iter()
        .all(|r| r.reason.is_none()));
}

// --- measures and data -------------------------------------------------------------------------

/// Measures keep every chart setting.
pub async fn measures(store: &dyn Store) {
    let w = world(store, "Northshire Hospitals", "asha@nhs.net").await;
    let f = measure_fields("Falls per 1,000 bed days");
    let falls = store.create_measure(w.project, &f, w.user).await.unwrap();
    let expected = Measure {
        id: falls,
        project: w.project,
        name: "Falls per 1,000 bed days".into(),
        kind: MeasureType::Outcome,
        definition: f.definition.clone(),
        unit: f.unit.clone(),
        data_source: f.data_source.clone(),
        denominator_label: f.denominator_label.clone(),
        chart: f.chart.clone(),
        version: Version(1),
    };
    assert_eq!(store.measure(falls).await.unwrap(), Some(expected.clone()));

    // No target, no rebase, no fixed baseline.
    let g = MeasureFields {
        name: NonEmpty::parse("name", "Harm-free care").unwrap(),
        kind: MeasureType::Balancing,
        definition: String::new(),
        unit: "%".into(),
        data_source: String::new(),
        denominator_label: String::new(),
        chart: ChartSettings {
            chart: ChartType::Xmr,
            improvement: Improvement::Increase,
            target: None,
            rules: "mdc".into(),
            rebase: vec![],
            fix_after: None,
            period: Period::Week,
            multiplier: gemba_domain::Multiplier::ONE,
        },
    };
    let harm = store.create_measure(w.project, &g, w.user).await.unwrap();
    let got = store.measure(harm).await.unwrap().unwrap();
    assert_eq!(got.chart, g.chart);
    assert_eq!(got.kind, MeasureType::Balancing);
    assert_eq!(got.unit, "%");
    assert_eq!(
        store
            .measures(w.project)
            .await
            .unwrap()
            .iter()
            .map(|m| m.id)
            .collect::<Vec<_>>(),
        vec![falls, harm]
    );

    // Every chart type, direction, measure type and a range of settings round-trip.
    let mut h = g.clone();
    for (i, chart) in ChartType::ALL.into_iter().enumerate() {
        let improvement = [
            Improvement::Increase,
            Improvement::Decrease,
            Improvement::Neutral,
        ][i % 3];
        h.kind = MeasureType::ALL[i % 3];
        h.chart = ChartSettings {
            chart,
            improvement,
            target: (i % 2 == 0).then_some(i as f64 * 0.125 - 0.3),
            rules: if i % 2 == 0 { "mdc" } else { "powerbi" }.into(),
            rebase: (0..i % 4)
                .map(|k| rebased(date(2024, 1 + k as u32, 15)))
                .collect(),
            fix_after: (i % 3 != 0).then_some(i * 2),
            period: Period::ALL[i % 4],
            multiplier: gemba_domain::Multiplier::ONE,
        };
        store
            .update_measure(harm, &h, vm(store, harm).await, w.user)
            .await
            .unwrap();
        let got = store.measure(harm).await.unwrap().unwrap();
        assert_eq!(got.chart, h.chart, "{chart:?}");
        assert_eq!(got.kind, h.kind);
    }
    // A baseline of zero points is kept, not confused with none.
    h.chart.fix_after = Some(0);
    store
        .update_measure(harm, &h, vm(store, harm).await, w.user)
        .await
        .unwrap();
    assert_eq!(
        store.measure(harm).await.unwrap().unwrap().chart.fix_after,
        Some(0)
    );

    // Every field of an update.
    let mut changed = measure_fields("Falls with harm");
    changed.kind = MeasureType::Process;
    changed.definition = "Falls graded moderate harm or worse".into();
    changed.unit = "falls".into();
    changed.data_source = "Datix".into();
    changed.chart.chart = ChartType::C;
    changed.chart.target = None;
    // A reason with quotes, a comma and a line break is kept as written.
    changed.chart.rebase = vec![gemba_domain::Rebase {
        date: date(2025, 1, 6),
        reason: "New \"Safe Steps\" pathway,\nward 7 ‘café’ reopened".into(),
    }];
    changed.chart.fix_after = None;
    changed.chart.period = Period::Quarter;
    store
        .update_measure(falls, &changed, vm(store, falls).await, w.user)
        .await
        .unwrap();
    let got = store.measure(falls).await.unwrap().unwrap();
    assert_eq!(got.name, "Falls with harm");
    assert_eq!(got.kind, MeasureType::Process);
    assert_eq!(got.definition, changed.definition);
    assert_eq!(got.unit, "falls");
    assert_eq!(got.data_source, "Datix");
    assert_eq!(got.chart, changed.chart);
    assert_eq!(got.project, w.project);

    assert_eq!(store.measure(MeasureId(999_999)).await.unwrap(), None);
    assert!(is_missing(
        store
            .update_measure(
                MeasureId(999_999),
                &g,
                vm(store, MeasureId(999_999)).await,
                w.user
            )
            .await
    ));
    assert!(is_missing(
        store.create_measure(ProjectId(999_999), &g, w.user).await
    ));
    assert!(store.measures(ProjectId(999_999)).await.unwrap().is_empty());
}

/// Data are kept by date: added, replaced on the same date, missing values kept as gaps.
pub async fn data(store: &dyn Store) {
    let w = world(store, "Northshire Hospitals", "asha@nhs.net").await;
    let m = store
        .create_measure(
            w.project,
            &measure_fields("Falls per 1,000 bed days"),
            w.user,
        )
        .await
        .unwrap();
    assert!(store.data(m).await.unwrap().is_empty());
    let project = w.project;
    let before = store.project(project).await.unwrap().unwrap().updated_at;
    let batch = [
        point(date(2024, 3, 1), Some(6.5), Some(1210.0)),
        point(date(2024, 1, 1), Some(7.25), Some(1180.0)),
        point(date(2024, 2, 1), None, Some(1195.0)),
        point(date(2023, 12, 1), Some(0.0), None),
    ];
    assert_eq!(store.put_data(m, &batch, w.user).await.unwrap(), 4);
    assert_eq!(
        store.data(m).await.unwrap(),
        vec![batch[3], batch[1], batch[2], batch[0]],
        "by date"
    );
    // The project's version moves with its data (callers cache by it).
    let after = store.project(project).await.unwrap().unwrap().updated_at;
    assert!(
        after > before,
        "updated_at moves on import: {before} → {after}"
    );

    // The same date replaces; a new date adds; a value can become missing.
    let more = [
        point(date(2024, 2, 1), Some(5.0), Some(1195.0)),
        point(date(2024, 4, 1), Some(-1.5e-3), Some(0.5)),
        point(date(2024, 3, 1), None, None),
    ];
    assert_eq!(store.put_data(m, &more, w.user).await.unwrap(), 3);
    assert_eq!(
        store.data(m).await.unwrap(),
        vec![batch[3], batch[1], more[0], more[2], more[1]]
    );
    let r = records(store, w.project).await;
    let name = "Falls per 1,000 bed days";
    assert_eq!(
        r[..2].iter().map(Rec::from).collect::<Vec<_>>(),
        [
            rec(ObjectKind::Measure, name, Action::DataAdded),
            rec(ObjectKind::Measure, name, Action::DataAdded),
        ]
    );
    assert_eq!(r[0].object.id, m.0);
    // 1 February and 1 March had other values, kept as revisions.
    assert_eq!((r[0].count, r[0].replaced), (Some(3), Some(2)));
    assert_eq!(
        r[0].points,
        [
            point(date(2024, 2, 1), None, Some(1195.0)),
            point(date(2024, 3, 1), Some(6.5), Some(1210.0)),
        ]
    );
    assert_eq!((r[1].count, r[1].replaced), (Some(4), Some(0)));
    assert!(r[1].points.is_empty());
    // Dates across years and days sort as dates.
    let spread = [
        point(date(2009, 12, 31), Some(1.0), None),
        point(date(2024, 1, 9), Some(2.0), None),
        point(date(2024, 1, 10), Some(3.0), None),
    ];
    store.put_data(m, &spread, w.user).await.unwrap();
    let dates: Vec<NaiveDate> = store
        .data(m)
        .await
        .unwrap()
        .iter()
        .map(|p| p.date)
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    assert_eq!(dates.len(), 8);

    // An empty import changes nothing and records nothing.
    let before = store.history(w.project).await.unwrap().len();
    assert_eq!(store.put_data(m, &[], w.user).await.unwrap(), 0);
    assert_eq!(store.history(w.project).await.unwrap().len(), before);

    // A failing import writes nothing: an unknown measure, a deleted project, an unknown user.
    let ghost = MeasureId(999_999);
    assert!(is_missing(store.put_data(ghost, &batch, w.user).await));
    assert!(store.data(ghost).await.unwrap().is_empty());
    let other = store
        .create_measure(w.project, &measure_fields("Harm"), w.user)
        .await
        .unwrap();
    assert!(is_missing(
        store.put_data(other, &batch, UserId(999_999)).await
    ));
    assert!(store.data(other).await.unwrap().is_empty());
    store.delete_project(w.project, None, w.user).await.unwrap();
    assert!(is_missing(store.put_data(other, &batch, w.user).await));
    assert!(store.data(other).await.unwrap().is_empty());
    assert_eq!(store.data(m).await.unwrap().len(), 8);
}

// --- PDSA cycles -----------------------------------------------------------------------------

/// PDSA cycles keep every field, their change idea and their place in a ramp.
pub async fn pdsa_cycles(store: &dyn Store) {
    let w = world(store, "Northshire Hospitals", "asha@nhs.net").await;
    let other = store
        .create_project(w.org, &project_fields("Pressure ulcers"), w.user)
        .await
        .unwrap();
    let primary = store
        .add_driver_node(
            w.project,
            None,
            DriverKind::Primary,
            "Safe environment",
            w.user,
        )
        .await
        .unwrap();
    let idea = store
        .add_driver_node(
            w.project,
            Some(primary),
            DriverKind::ChangeIdea,
            "Bay nursing",
            w.user,
        )
        .await
        .unwrap();
    let foreign_idea = store
        .add_driver_node(
            other,
            None,
            DriverKind::ChangeIdea,
            "Turning charts",
            w.user,
        )
        .await
        .unwrap();

    let first_fields = PdsaFields {
        title: "Bay nursing on one bay".into(),
        start_date: Some(date(2024, 2, 5)),
        change_idea: Some(idea),
        follows: None,
        objective: "See whether a nurse in the bay at night is workable".into(),
        prediction: "No falls in the bay for a week".into(),
        plan: "Bay 3, nights, 5–11 February; the nurse in charge allocates".into(),
        data_plan: "Falls and near misses in bay 3, each night".into(),
        do_notes: "Two nights short-staffed; the bay nurse was pulled away".into(),
        study: "One fall, against none predicted".into(),
        act: Some(ActDecision::Adapt),
        act_notes: "Protect the bay nurse from being moved".into(),
        scale: "Bay 3, nights, one week".into(),
    };
    let first = store
        .create_pdsa(w.project, &first_fields, w.user)
        .await
        .unwrap();
    assert_eq!(
        store.pdsa(first).await.unwrap(),
        Some(PdsaCycle {
            id: first,
            project: w.project,
            fields: first_fields.clone(),
            version: Version(1),
        })
    );

    // The next cycle of the ramp; cycles list by start date, undated last.
    let mut second_fields = pdsa_fields("Bay nursing, protected", Some(date(2024, 2, 19)));
    second_fields.follows = Some(first);
    second_fields.change_idea = Some(idea);
    let second = store
        .create_pdsa(w.project, &second_fields, w.user)
        .await
        .unwrap();
    let undated = store
        .create_pdsa(w.project, &pdsa_fields("Not started", None), w.user)
        .await
        .unwrap();
    let earliest = store
        .create_pdsa(
            w.project,
            &pdsa_fields("Baseline audit", Some(date(2024, 1, 8))),
            w.user,
        )
        .await
        .unwrap();
    let got = store.pdsas(w.project).await.unwrap();
    assert_eq!(
        got.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![earliest, first, second, undated]
    );
    assert_eq!(got[2].fields, second_fields);
    assert_eq!(got[3].fields.start_date, None);
    assert_eq!(got[3].fields.act, None);

    // Every field of an update, each decision.
    let changed = PdsaFields {
        title: "Bay nursing, protected nurse".into(),
        start_date: Some(date(2024, 2, 20)),
        change_idea: None,
        follows: Some(earliest),
        objective: "o".into(),
        prediction: "p".into(),
        plan: "pl".into(),
        data_plan: "d".into(),
        do_notes: "dn".into(),
        study: "s".into(),
        act: Some(ActDecision::Adopt),
        act_notes: "an".into(),
        scale: "Bays 1\u{2013}4, nights".into(),
    };
    store
        .update_pdsa(second, &changed, vc(store, second).await, w.user)
        .await
        .unwrap();
    assert_eq!(store.pdsa(second).await.unwrap().unwrap().fields, changed);
    for act in [
        Some(ActDecision::Abandon),
        Some(ActDecision::Adapt),
        Some(ActDecision::Adopt),
        None,
    ] {
        let f = PdsaFields {
            act,
            ..changed.clone()
        };
        store
            .update_pdsa(second, &f, vc(store, second).await, w.user)
            .await
            .unwrap();
        assert_eq!(store.pdsa(second).await.unwrap().unwrap().fields.act, act);
    }
    let mut back = changed.clone();
    back.follows = Some(first);
    back.change_idea = Some(idea);
    store
        .update_pdsa(second, &back, vc(store, second).await, w.user)
        .await
        .unwrap();
    assert_eq!(store.pdsa(second).await.unwrap().unwrap().fields, back);

    // Links stay inside the project, and a ramp cannot loop.
    let mut bad = pdsa_fields("Borrowed idea", None);
    bad.change_idea = Some(foreign_idea);
    assert!(is_missing(store.create_pdsa(w.project, &bad, w.user).await));
    let foreign_cycle = store
        .create_pdsa(other, &pdsa_fields("Skin bundle", None), w.user)
        .await
        .unwrap();
    let mut bad = pdsa_fields("Borrowed ramp", None);
    bad.follows = Some(foreign_cycle);
    assert!(is_missing(store.create_pdsa(w.project, &bad, w.user).await));
    assert!(is_missing(
        store
            .update_pdsa(second, &bad, vc(store, second).await, w.user)
            .await
    ));
    let mut own = first_fields.clone();
    own.follows = Some(first);
    assert!(matches!(
        store
            .update_pdsa(first, &own, vc(store, first).await, w.user)
            .await,
        Err(StoreError::Conflict(_))
    ));
    own.follows = Some(second);
    assert!(matches!(
        store
            .update_pdsa(first, &own, vc(store, first).await, w.user)
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.pdsa(first).await.unwrap().unwrap().fields,
        first_fields
    );
    assert_eq!(store.pdsas(w.project).await.unwrap().len(), 4);
    assert_eq!(
        store
            .pdsas(other)
            .await
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        vec![foreign_cycle]
    );

    assert_eq!(store.pdsa(PdsaId(999_999)).await.unwrap(), None);
    assert!(is_missing(
        store
            .update_pdsa(
                PdsaId(999_999),
                &changed,
                vc(store, PdsaId(999_999)).await,
                w.user
            )
            .await
    ));
    assert!(is_missing(
        store
            .create_pdsa(ProjectId(999_999), &pdsa_fields("x", None), w.user)
            .await
    ));
    assert!(store.pdsas(ProjectId(999_999)).await.unwrap().is_empty());
}

/// Two organisations with the same names of things never see each other's.
/// Project teams: members of the project's organisation only, each change in the history.
pub async fn project_team(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Southshire Hospitals", "ben@south.nhs.uk").await;
    let partner = store
        .create_user(&email("pat@north.nhs.uk"), "Pat Partner", "$argon2id$hash")
        .await
        .unwrap();
    store
        .set_membership(partner, a.org, Role::PatientPartner)
        .await
        .unwrap();
    let members = store.org_members(a.org).await.unwrap();
    let names: Vec<(&str, Role)> = members.iter().map(|(u, r)| (u.name.as_str(), *r)).collect();
    assert_eq!(
        names,
        [
            ("Asha Patel", Role::Member),
            ("Pat Partner", Role::PatientPartner)
        ]
    );
    assert!(store.project_members(a.project).await.unwrap().is_empty());
    store
        .add_project_member(a.project, partner, a.user)
        .await
        .unwrap();
    store
        .add_project_member(a.project, a.user, a.user)
        .await
        .unwrap();
    // Adding twice changes nothing and writes no second history line.
    store
        .add_project_member(a.project, a.user, a.user)
        .await
        .unwrap();
    let team: Vec<String> = store
        .project_members(a.project)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(team, ["Asha Patel", "Pat Partner"]);
    // Someone of another organisation cannot join.
    assert!(matches!(
        store.add_project_member(a.project, b.user, a.user).await,
        Err(StoreError::Missing(_))
    ));
    store
        .remove_project_member(a.project, partner, a.user)
        .await
        .unwrap();
    let history = records(store, a.project).await;
    assert_eq!(
        history[..3].iter().map(Rec::from).collect::<Vec<_>>(),
        [
            rec(ObjectKind::TeamMember, "Pat Partner", Action::MemberRemoved),
            rec(ObjectKind::TeamMember, "Asha Patel", Action::MemberAdded),
            rec(ObjectKind::TeamMember, "Pat Partner", Action::MemberAdded),
        ]
    );
    assert_eq!(history[0].object.id, partner.0);
    assert!(store.project_members(b.project).await.unwrap().is_empty());
    // The whole organisation's teams in one read: only Asha is left, on A's project; B's
    // project has no team and another organisation's rows never show.
    assert_eq!(
        store.org_project_members(a.org).await.unwrap(),
        [(a.project, a.user)]
    );
    store
        .add_project_member(b.project, b.user, b.user)
        .await
        .unwrap();
    assert_eq!(
        store.org_project_members(a.org).await.unwrap(),
        [(a.project, a.user)]
    );
    assert_eq!(
        store.org_project_members(b.org).await.unwrap(),
        [(b.project, b.user)]
    );
    // A deleted project's team is not part of the portfolio.
    store.delete_project(a.project, None, a.user).await.unwrap();
    assert!(store.org_project_members(a.org).await.unwrap().is_empty());
}

/// One organisation never sees or changes another's rows.
pub async fn organisations_never_mix(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Southshire Hospitals", "ben@south.nhs.uk").await;
    let mut seen = Vec::new();
    for w in [&a, &b] {
        let team = store.create_team(w.org, "Ward 7").await.unwrap();
        let node = store
            .add_driver_node(
                w.project,
                None,
                DriverKind::Primary,
                "Safe environment",
                w.user,
            )
            .await
            .unwrap();
        let m = store
            .create_measure(w.project, &measure_fields("Falls"), w.user)
            .await
            .unwrap();
        let value = if w.org == a.org { 1.0 } else { 2.0 };
        store
            .put_data(m, &[point(date(2024, 1, 1), Some(value), None)], w.user)
            .await
            .unwrap();
        let c = store
            .create_pdsa(
                w.project,
                &pdsa_fields("Bay nursing", Some(date(2024, 1, 1))),
                w.user,
            )
            .await
            .unwrap();
        let gone = store
            .create_project(w.org, &project_fields("Abandoned"), w.user)
            .await
            .unwrap();
        store.delete_project(gone, None, w.user).await.unwrap();
        seen.push((team, node, m, c, gone, value));
    }
    for (w, (team, node, m, c, gone, value)) in [&a, &b].into_iter().zip(seen) {
        let ps = store.projects(w.org).await.unwrap();
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].id, w.project);
        assert_eq!(ps[0].org, w.org);
        let ds = store.deleted_projects(w.org).await.unwrap();
        assert_eq!(ds.iter().map(|p| p.id).collect::<Vec<_>>(), vec![gone]);
        assert_eq!(
            store
                .teams(w.org)
                .await
                .unwrap()
                .iter()
                .map(|t| t.id)
                .collect::<Vec<_>>(),
            vec![team]
        );
        assert_eq!(
            store
                .driver_nodes(w.project)
                .await
                .unwrap()
                .iter()
                .map(|n| n.id)
                .collect::<Vec<_>>(),
            vec![node]
        );
        assert_eq!(
            store
                .measures(w.project)
                .await
                .unwrap()
                .iter()
                .map(|x| x.id)
                .collect::<Vec<_>>(),
            vec![m]
        );
        assert_eq!(store.measure(m).await.unwrap().unwrap().project, w.project);
        assert_eq!(
            store.data(m).await.unwrap(),
            vec![point(date(2024, 1, 1), Some(value), None)]
        );
        assert_eq!(
            store
                .pdsas(w.project)
                .await
                .unwrap()
                .iter()
                .map(|x| x.id)
                .collect::<Vec<_>>(),
            vec![c]
        );
        assert_eq!(store.pdsa(c).await.unwrap().unwrap().project, w.project);
        let memberships = store.memberships(w.user).await.unwrap();
        assert_eq!(memberships.len(), 1);
        assert_eq!(memberships[0].org.id, w.org);
        assert_eq!(
            recs(store, w.project).await,
            [
                rec(ObjectKind::PdsaCycle, "Bay nursing", Action::Created),
                rec(ObjectKind::Measure, "Falls", Action::DataAdded),
                rec(ObjectKind::Measure, "Falls", Action::Created),
                rec(
                    ObjectKind::PrimaryDriver,
                    "Safe environment",
                    Action::Created
                ),
                rec(ObjectKind::Project, "Falls on Ward 7", Action::Created),
            ]
        );
    }
    // A's team cannot be given to B's project.
    let a_team = store.teams(a.org).await.unwrap()[0].id;
    let mut f = project_fields("Falls on Ward 7");
    f.team = Some(a_team);
    assert!(is_missing(
        store
            .update_project(b.project, &f, vp(store, b.project).await, b.user)
            .await
    ));
    assert!(is_missing(store.create_project(b.org, &f, b.user).await));
}

/// Measures and PDSA cycles are deleted softly and restored; a data point is removed with its
/// old value in the history; nothing changes under a deleted project.
pub async fn deleting_measures_cycles_and_points(store: &dyn Store) {
    let w = world(store, "Northshire Hospitals", "asha@nhs.net").await;
    let other = world(store, "Southshire Trust", "ben@nhs.net").await;
    let falls = store
        .create_measure(w.project, &measure_fields("Falls"), w.user)
        .await
        .unwrap();
    let harm = store
        .create_measure(w.project, &measure_fields("Harm"), w.user)
        .await
        .unwrap();
    let points = [
        point(date(2024, 1, 1), Some(10.0), Some(100.0)),
        point(date(2024, 2, 1), None, None),
        point(date(2024, 3, 1), Some(12.0), Some(100.0)),
    ];
    store.put_data(falls, &points, w.user).await.unwrap();

    // Removing a data point: gone from the data, written out in full in the history.
    let before = store.project(w.project).await.unwrap().unwrap().updated_at;
    store
        .delete_data_point(falls, date(2024, 3, 1), w.user)
        .await
        .unwrap();
    assert_eq!(store.data(falls).await.unwrap(), points[..2].to_vec());
    let removed = latest_records(store, w.project).await;
    assert_eq!(
        removed.iter().map(Rec::from).collect::<Vec<_>>(),
        [rec(ObjectKind::Measure, "Falls", Action::PointRemoved)]
    );
    assert_eq!(
        removed[0].points,
        [point(date(2024, 3, 1), Some(12.0), Some(100.0))]
    );
    let after = store.project(w.project).await.unwrap().unwrap().updated_at;
    assert!(after > before, "updated_at moves: {before} → {after}");
    store
        .delete_data_point(falls, date(2024, 2, 1), w.user)
        .await
        .unwrap();
    let removed = latest_records(store, w.project).await;
    assert_eq!(removed[0].action, Action::PointRemoved);
    assert_eq!(removed[0].points, [point(date(2024, 2, 1), None, None)]);
    let history = store.history(w.project).await.unwrap();
    assert!(is_missing(
        store
            .delete_data_point(falls, date(2024, 3, 1), w.user)
            .await
    ));
    assert!(is_missing(
        store
            .delete_data_point(MeasureId(9999), date(2024, 1, 1), w.user)
            .await
    ));
    assert_eq!(
        store.history(w.project).await.unwrap(),
        history,
        "failures write nothing"
    );

    // Deleting a measure hides it, keeps its data, and an admin can restore it.
    store.delete_measure(falls, None, w.user).await.unwrap();
    assert_eq!(store.measure(falls).await.unwrap(), None);
    let live: Vec<_> = store.measures(w.project).await.unwrap();
    assert_eq!(live.iter().map(|m| m.id).collect::<Vec<_>>(), vec![harm]);
    let deleted = store.deleted_measures(w.project).await.unwrap();
    assert_eq!(
        deleted.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![falls]
    );
    assert_eq!(deleted[0].name, "Falls");
    assert_eq!(store.data(falls).await.unwrap().len(), 1, "data kept");
    assert_eq!(
        latest(store, w.project).await,
        [rec(ObjectKind::Measure, "Falls", Action::Deleted)]
    );
    // A deleted measure cannot change, be deleted again or take data.
    assert!(is_missing(store.delete_measure(falls, None, w.user).await));
    assert!(is_missing(
        store
            .update_measure(
                falls,
                &measure_fields("Falls 2"),
                vm(store, falls).await,
                w.user
            )
            .await
    ));
    assert!(is_missing(
        store.put_data(falls, &points[..1], w.user).await
    ));
    assert!(is_missing(
        store
            .delete_data_point(falls, date(2024, 1, 1), w.user)
            .await
    ));
    // Only a deleted measure is restored.
    assert!(is_missing(store.restore_measure(harm, w.user).await));
    assert!(store
        .deleted_measures(other.project)
        .await
        .unwrap()
        .is_empty());
    store.restore_measure(falls, w.user).await.unwrap();
    assert_eq!(store.measure(falls).await.unwrap().unwrap().name, "Falls");
    assert_eq!(store.measures(w.project).await.unwrap().len(), 2);
    assert!(store.deleted_measures(w.project).await.unwrap().is_empty());
    assert_eq!(
        latest(store, w.project).await,
        [rec(ObjectKind::Measure, "Falls", Action::Restored)]
    );
    assert!(is_missing(store.restore_measure(falls, w.user).await));

    // PDSA cycles likewise.
    let first = store
        .create_pdsa(
            w.project,
            &pdsa_fields("Rounding", Some(date(2024, 2, 1))),
            w.user,
        )
        .await
        .unwrap();
    let second = store
        .create_pdsa(w.project, &pdsa_fields("Rounding at night", None), w.user)
        .await
        .unwrap();
    store.delete_pdsa(first, None, w.user).await.unwrap();
    assert_eq!(store.pdsa(first).await.unwrap(), None);
    let ids = |v: Vec<PdsaCycle>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(ids(store.pdsas(w.project).await.unwrap()), vec![second]);
    assert_eq!(
        ids(store.deleted_pdsas(w.project).await.unwrap()),
        vec![first]
    );
    assert_eq!(
        latest(store, w.project).await,
        [rec(ObjectKind::PdsaCycle, "Rounding", Action::Deleted)]
    );
    assert!(is_missing(store.delete_pdsa(first, None, w.user).await));
    assert!(is_missing(
        store
            .update_pdsa(
                first,
                &pdsa_fields("Rounding 2", None),
                vc(store, first).await,
                w.user
            )
            .await
    ));
    assert!(is_missing(store.restore_pdsa(second, w.user).await));
    store.restore_pdsa(first, w.user).await.unwrap();
    assert_eq!(
        store.pdsa(first).await.unwrap().unwrap().fields.title,
        "Rounding"
    );
    assert_eq!(
        ids(store.pdsas(w.project).await.unwrap()),
        vec![first, second]
    );
    assert_eq!(
        latest(store, w.project).await,
        [rec(ObjectKind::PdsaCycle, "Rounding", Action::Restored)]
    );

    // Under a deleted project nothing is deleted, removed or restored.
    store.delete_measure(harm, None, w.user).await.unwrap();
    store.delete_pdsa(second, None, w.user).await.unwrap();
    store.delete_project(w.project, None, w.user).await.unwrap();
    let history = store.history(w.project).await.unwrap();
    assert!(is_missing(store.delete_measure(falls, None, w.user).await));
    assert!(is_missing(store.restore_measure(harm, w.user).await));
    assert!(is_missing(
        store
            .delete_data_point(falls, date(2024, 1, 1), w.user)
            .await
    ));
    assert!(is_missing(store.delete_pdsa(first, None, w.user).await));
    assert!(is_missing(store.restore_pdsa(second, w.user).await));
    assert_eq!(store.history(w.project).await.unwrap(), history);
    assert_eq!(store.data(falls).await.unwrap().len(), 1);
    // Restoring the project brings back what was live in it; the rest stays deleted.
    store.restore_project(w.project, w.user).await.unwrap();
    assert_eq!(store.measures(w.project).await.unwrap().len(), 1);
    assert_eq!(
        ids(store.deleted_pdsas(w.project).await.unwrap()),
        vec![second]
    );
}

// --- accounts ----------------------------------------------------------------------------------

fn reset(hash: &str, expires_at: NaiveDateTime) -> ResetSecret {
    ResetSecret {
        secret_hash: hash.to_owned(),
        expires_at,
    }
}

/// An admin adds people (a new account gets a one-time link, an existing account simply
/// joins), changes roles and deactivates a leaver: a leaver's sessions, tokens and links stop
/// working at once, and the last active admin cannot be demoted or deactivated.
pub async fn people_are_added_changed_and_deactivated(store: &dyn Store) {
    let now = chrono::Utc::now().naive_utc();
    let later = now + Duration::hours(72);
    let trust = store
        .create_org("Northshire Hospitals", None)
        .await
        .unwrap();
    let practice = store.create_org("Eastgate Surgery", None).await.unwrap();
    let admin = store
        .create_user(&email("admin@nhs.net"), "Ada Admin", "$argon2id$admin")
        .await
        .unwrap();
    store
        .set_membership(admin, trust, Role::Admin)
        .await
        .unwrap();

    // A new account: no password yet, a reset link, the role given.
    let added = store
        .add_person(
            trust,
            &email("Dev@NHS.net"),
            "Dev Rao",
            Role::Member,
            &reset("dev-link", later),
        )
        .await
        .unwrap();
    let Added::NewAccount(dev) = added else {
        panic!("{added:?}")
    };
    assert_eq!(
        store
            .password_reset_user("dev-link", now)
            .await
            .unwrap()
            .unwrap()
            .id,
        dev
    );
    // No password matches an account nobody has set one for.
    let (_, hash) = store.login(&email("dev@nhs.net")).await.unwrap().unwrap();
    assert!(!hash.starts_with("$argon2"), "{hash}");
    // An existing account joins; the link passed in is not stored.
    store
        .add_person(
            practice,
            &email("dev@nhs.net"),
            "ignored",
            Role::PatientPartner,
            &reset("unused", later),
        )
        .await
        .unwrap();
    assert_eq!(
        store.password_reset_user("unused", now).await.unwrap(),
        None
    );
    assert!(is_conflict(
        store
            .add_person(
                trust,
                &email("dev@nhs.net"),
                "Dev",
                Role::Member,
                &reset("x", later)
            )
            .await,
        "dev@nhs.net"
    ));
    assert!(is_missing(
        store
            .add_person(
                OrgId(999_999),
                &email("new@nhs.net"),
                "New",
                Role::Member,
                &reset("y", later)
            )
            .await
    ));
    // The failed add left nothing behind: no account for new@.
    assert_eq!(
        store.user_by_email(&email("new@nhs.net")).await.unwrap(),
        None
    );

    let people = store.org_people(trust).await.unwrap();
    let summary: Vec<(&str, Role, bool)> = people
        .iter()
        .map(|p| (p.user.name.as_str(), p.role, p.active))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("Ada Admin", Role::Admin, true),
            ("Dev Rao", Role::Member, true)
        ]
    );

    // Roles change; someone who is not in the organisation is Missing.
    store
        .set_role(trust, dev, Role::ImprovementLead)
        .await
        .unwrap();
    assert_eq!(
        store.org_people(trust).await.unwrap()[1].role,
        Role::ImprovementLead
    );
    assert!(is_missing(
        store.set_role(trust, UserId(999_999), Role::Member).await
    ));
    assert!(is_missing(
        store.set_active(trust, UserId(999_999), false).await
    ));

    // The last active admin can be neither demoted nor deactivated.
    for r in [
        store.set_role(trust, admin, Role::Member).await,
        store.set_active(trust, admin, false).await,
    ] {
        assert!(
            matches!(r, Err(StoreError::Refused(ref m)) if m.contains("last active admin")),
            "{r:?}"
        );
    }
    assert_eq!(store.memberships(admin).await.unwrap()[0].role, Role::Admin);
    // With a second admin, the first may step down.
    store.set_role(trust, dev, Role::Admin).await.unwrap();
    store.set_role(trust, admin, Role::Member).await.unwrap();
    store.set_role(trust, admin, Role::Admin).await.unwrap();
    store.set_role(trust, dev, Role::Member).await.unwrap();

    // Dev signs in (session) and has a token; deactivated in one organisation they keep the
    // other, so they still sign in but hold no role in the first.
    store
        .create_session("dev-session", dev, "csrf", later)
        .await
        .unwrap();
    store
        .create_api_token("dev-token", dev, "script")
        .await
        .unwrap();
    store.set_active(trust, dev, false).await.unwrap();
    let roles: Vec<OrgId> = store
        .memberships(dev)
        .await
        .unwrap()
        .iter()
        .map(|m| m.org.id)
        .collect();
    assert_eq!(roles, vec![practice]);
    assert!(store
        .org_members(trust)
        .await
        .unwrap()
        .iter()
        .all(|(u, _)| u.id != dev));
    assert!(!store.org_people(trust).await.unwrap()[1].active);
    assert!(store.session("dev-session", now).await.unwrap().is_some());
    // Deactivated in their last organisation: a leaver. Nothing of theirs works any more.
    store
        .create_password_reset(dev, &reset("dev-link-2", later))
        .await
        .unwrap();
    store.set_active(practice, dev, false).await.unwrap();
    assert!(store.memberships(dev).await.unwrap().is_empty());
    assert_eq!(store.session("dev-session", now).await.unwrap(), None);
    assert_eq!(store.api_token_user("dev-token", now).await.unwrap(), None);
    assert!(store.api_tokens(dev).await.unwrap().is_empty());
    assert_eq!(
        store.password_reset_user("dev-link-2", now).await.unwrap(),
        None
    );
    assert_eq!(store.login(&email("dev@nhs.net")).await.unwrap(), None);
    // A session made after (a race with sign-in) is not found either.
    store
        .create_session("dev-late", dev, "csrf", later)
        .await
        .unwrap();
    assert_eq!(store.session("dev-late", now).await.unwrap(), None);
    // Deactivating twice changes nothing; reactivating brings the role back.
    store.set_active(practice, dev, false).await.unwrap();
    store.set_active(trust, dev, true).await.unwrap();
    let m = store.memberships(dev).await.unwrap();
    assert_eq!((m.len(), m[0].org.id, m[0].role), (1, trust, Role::Member));
    assert!(store.login(&email("dev@nhs.net")).await.unwrap().is_some());
    assert!(store.session("dev-late", now).await.unwrap().is_some());
}

/// API tokens have a name and an expiry, are listed without their secret, note their last
/// use, and stop working at once when they expire or are revoked.
pub async fn api_tokens_expire_and_are_revoked(store: &dyn Store) {
    let user = store
        .create_user(&email("eve@nhs.net"), "Eve", "hash")
        .await
        .unwrap();
    let other = store
        .create_user(&email("fay@nhs.net"), "Fay", "hash")
        .await
        .unwrap();
    let now = time(2025, 6, 1, 12, 0, 0, 0);
    let expires = now + Duration::days(30);
    let id = store
        .issue_api_token("eve-bi", user, "Power BI", Some(expires))
        .await
        .unwrap();
    let forever = store
        .issue_api_token("eve-forever", user, "Nightly export", None)
        .await
        .unwrap();
    assert_ne!(id, forever);
    let list = store.api_tokens(user).await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id, forever, "newest first");
    assert_eq!(list[1].name, "Power BI");
    assert_eq!(list[1].expires_at, Some(expires));
    assert_eq!(list[1].last_used_at, None);
    assert_eq!(list[0].expires_at, None);
    // Used: the time is noted.
    assert_eq!(
        store
            .api_token_user("eve-bi", now)
            .await
            .unwrap()
            .unwrap()
            .id,
        user
    );
    assert_eq!(
        store.api_tokens(user).await.unwrap()[1].last_used_at,
        Some(now)
    );
    // Within the minute it is not written again; after it, it is.
    let soon = now + Duration::seconds(30);
    store.api_token_user("eve-bi", soon).await.unwrap().unwrap();
    assert_eq!(
        store.api_tokens(user).await.unwrap()[1].last_used_at,
        Some(now)
    );
    let next = now + Duration::minutes(2);
    store.api_token_user("eve-bi", next).await.unwrap().unwrap();
    assert_eq!(
        store.api_tokens(user).await.unwrap()[1].last_used_at,
        Some(next)
    );
    // Valid to the last instant; not from the moment it expires.
    assert!(store
        .api_token_user("eve-bi", expires - Duration::nanoseconds(1))
        .await
        .unwrap()
        .is_some());
    assert_eq!(store.api_token_user("eve-bi", expires).await.unwrap(), None);
    assert!(store.api_tokens(user).await.unwrap()[1].expired(expires));
    // Another user cannot revoke it; its owner can, once.
    assert!(!store.revoke_api_token(other, id).await.unwrap());
    assert!(store
        .api_tokens(user)
        .await
        .unwrap()
        .iter()
        .any(|t| t.id == id));
    assert!(store.revoke_api_token(user, id).await.unwrap());
    assert!(!store.revoke_api_token(user, id).await.unwrap());
    assert_eq!(store.api_token_user("eve-bi", now).await.unwrap(), None);
    assert_eq!(store.api_tokens(user).await.unwrap().len(), 1);
    assert!(store
        .api_token_user("eve-forever", now + Duration::days(3650))
        .await
        .unwrap()
        .is_some());
    assert!(is_conflict(
        store
            .issue_api_token("eve-forever", other, "again", None)
            .await,
        "token"
    ));
}

/// A reset link works once, until it expires; using it sets the password and ends every
/// session of the user. Changing a password ends the other sessions.
pub async fn password_resets_are_single_use(store: &dyn Store) {
    let user = store
        .create_user(&email("gus@nhs.net"), "Gus", "old-hash")
        .await
        .unwrap();
    let now = chrono::Utc::now().naive_utc();
    let expires = now + Duration::hours(72);
    store
        .create_session("laptop", user, "c1", expires)
        .await
        .unwrap();
    store
        .create_session("phone", user, "c2", expires)
        .await
        .unwrap();
    store
        .create_password_reset(user, &reset("link-1", expires))
        .await
        .unwrap();
    store
        .create_password_reset(user, &reset("link-2", expires))
        .await
        .unwrap();
    assert_eq!(
        store.password_reset_user("unknown", now).await.unwrap(),
        None
    );
    assert_eq!(
        store.password_reset_user("link-1", expires).await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        store
            .use_password_reset("link-1", "new-hash", expires)
            .await
            .unwrap(),
        None,
        "an expired link changes nothing"
    );
    assert_eq!(
        store.login(&email("gus@nhs.net")).await.unwrap().unwrap().1,
        "old-hash"
    );
    assert_eq!(
        store
            .password_reset_user("link-1", now)
            .await
            .unwrap()
            .unwrap()
            .id,
        user
    );
    assert_eq!(
        store
            .use_password_reset("link-1", "new-hash", now)
            .await
            .unwrap(),
        Some(user)
    );
    assert_eq!(
        store.login(&email("gus@nhs.net")).await.unwrap().unwrap().1,
        "new-hash"
    );
    assert_eq!(store.session("laptop", now).await.unwrap(), None);
    assert_eq!(store.session("phone", now).await.unwrap(), None);
    // Used once: neither it nor the other open link works again.
    assert_eq!(
        store
            .use_password_reset("link-1", "evil", now)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .use_password_reset("link-2", "evil", now)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.login(&email("gus@nhs.net")).await.unwrap().unwrap().1,
        "new-hash"
    );
    assert!(is_missing(
        store
            .create_password_reset(UserId(999_999), &reset("x", expires))
            .await
    ));

    // A password change keeps this session and ends the others.
    store
        .create_session("laptop", user, "c1", expires)
        .await
        .unwrap();
    store
        .create_session("phone", user, "c2", expires)
        .await
        .unwrap();
    store
        .set_password(user, "third-hash", Some("laptop"))
        .await
        .unwrap();
    assert!(store.session("laptop", now).await.unwrap().is_some());
    assert_eq!(store.session("phone", now).await.unwrap(), None);
    assert_eq!(
        store.login(&email("gus@nhs.net")).await.unwrap().unwrap().1,
        "third-hash"
    );
    assert!(is_missing(
        store.set_password(UserId(999_999), "h", None).await
    ));
    store.delete_sessions_of(user, None).await.unwrap();
    assert_eq!(store.session("laptop", now).await.unwrap(), None);
}

/// Teams are renamed and archived: an archived team is left out of `teams` but kept, listed by
/// `all_teams` and restorable; projects keep their link.
pub async fn teams_are_renamed_archived_and_restored(store: &dyn Store) {
    let org = store.create_org("Westbrook Trust", None).await.unwrap();
    let other = store.create_org("Other Trust", None).await.unwrap();
    let user = store
        .create_user(&email("hal@nhs.net"), "Hal", "h")
        .await
        .unwrap();
    let ward = store.create_team(org, "Ward 1").await.unwrap();
    let ed = store.create_team(org, "ED").await.unwrap();
    store.create_team(other, "Ward 2").await.unwrap();
    let mut fields = project_fields("Falls");
    fields.team = Some(ward);
    let project = store.create_project(org, &fields, user).await.unwrap();

    store.rename_team(ward, "Ward 2").await.unwrap(); // taken in another organisation only
    assert!(is_conflict(store.rename_team(ward, "ED").await, "ED"));
    assert!(is_missing(store.rename_team(TeamId(999_999), "X").await));
    store.set_team_archived(ward, true).await.unwrap();
    store.set_team_archived(ward, true).await.unwrap();
    let names: Vec<String> = store
        .teams(org)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, vec!["ED".to_owned()]);
    let all = store.all_teams(org).await.unwrap();
    assert_eq!(
        all.iter().map(|t| (t.id, t.archived)).collect::<Vec<_>>(),
        vec![(ed, false), (ward, true)]
    );
    let t = store.team(ward).await.unwrap().unwrap();
    assert_eq!((t.org, t.name.as_str(), t.archived), (org, "Ward 2", true));
    assert_eq!(
        store.project(project).await.unwrap().unwrap().team,
        Some(ward)
    );
    store.set_team_archived(ward, false).await.unwrap();
    assert_eq!(store.teams(org).await.unwrap().len(), 2);
    assert!(is_missing(
        store.set_team_archived(TeamId(999_999), true).await
    ));
    assert_eq!(store.team(TeamId(999_999)).await.unwrap(), None);
}

/// The organisations of a system; a new one comes with its first admin; renames.
pub async fn organisations_of_a_system(store: &dyn Store) {
    let admin = store
        .create_user(&email("ida@nhs.net"), "Ida", "h")
        .await
        .unwrap();
    let a = store
        .create_org("Northshire Hospitals", Some("North ICS"))
        .await
        .unwrap();
    store
        .create_org("Elsewhere", Some("South ICS"))
        .await
        .unwrap();
    store.create_org("Alone", None).await.unwrap();
    let b = store
        .create_org_with_admin("Northshire Community", Some("North ICS"), admin)
        .await
        .unwrap();
    let names: Vec<String> = store
        .orgs_in_system("North ICS")
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(names, vec!["Northshire Community", "Northshire Hospitals"]);
    let m = store.memberships(admin).await.unwrap();
    assert_eq!((m.len(), m[0].org.id, m[0].role), (1, b, Role::Admin));
    // A taken name or a missing user: nothing is created.
    assert!(is_conflict(
        store
            .create_org_with_admin("Elsewhere", Some("North ICS"), admin)
            .await,
        "Elsewhere"
    ));
    assert!(is_missing(
        store
            .create_org_with_admin("Ghost Trust", Some("North ICS"), UserId(999_999))
            .await
    ));
    assert_eq!(store.org_by_name("Ghost Trust").await.unwrap(), None);
    store
        .rename_org(a, "Northshire Teaching Hospitals")
        .await
        .unwrap();
    assert_eq!(
        store.org(a).await.unwrap().unwrap().name,
        "Northshire Teaching Hospitals"
    );
    assert!(is_conflict(store.rename_org(a, "Alone").await, "Alone"));
    assert!(is_missing(store.rename_org(OrgId(999_999), "X").await));
}

// --- versions: every edit is a compare-and-swap ----------------------------------------------

fn is_stale(r: Result<impl std::fmt::Debug, StoreError>) -> bool {
    matches!(r, Err(StoreError::Stale(_)))
}

/// Every editable object starts at version 1 and moves on by one with each change, its deletion
/// and its restoring; a write based on an older version is refused with `Stale` and writes
/// nothing, not even a history row.
pub async fn stale_writes_are_refused(store: &dyn Store) {
    let w = world(store, "Northshire Hospitals", "asha@nhs.net").await;
    let v = |n| Version(n);

    // Projects.
    assert_eq!(vp(store, w.project).await, v(1));
    let mut mine = project_fields("Falls on Ward 7");
    mine.aim = "Halve falls by March".into();
    let mut theirs = project_fields("Falls on Ward 7");
    theirs.sponsor = "Chief Nurse".into();
    assert_eq!(
        store
            .update_project(w.project, &mine, v(1), w.user)
            .await
            .unwrap(),
        v(2)
    );
    let history = store.history(w.project).await.unwrap().len();
    let stored = store.project(w.project).await.unwrap().unwrap();
    assert!(is_stale(
        store.update_project(w.project, &theirs, v(1), w.user).await
    ));
    assert_eq!(store.project(w.project).await.unwrap().unwrap(), stored);
    assert_eq!(stored.aim, "Halve falls by March");
    assert_eq!(stored.sponsor, project_fields("Falls on Ward 7").sponsor);
    assert_eq!(store.history(w.project).await.unwrap().len(), history);
    // Saving what is stored changes nothing and keeps the version.
    assert_eq!(
        store
            .update_project(w.project, &mine, v(2), w.user)
            .await
            .unwrap(),
        v(2)
    );
    assert_eq!(store.history(w.project).await.unwrap().len(), history);
    // A stale delete is refused too; delete and restore move the version on.
    assert!(is_stale(
        store.delete_project(w.project, Some(v(1)), w.user).await
    ));
    assert!(store.project(w.project).await.unwrap().is_some());
    store
        .delete_project(w.project, Some(v(2)), w.user)
        .await
        .unwrap();
    store.restore_project(w.project, w.user).await.unwrap();
    assert_eq!(vp(store, w.project).await, v(4));

    // Measures.
    let m = store
        .create_measure(w.project, &measure_fields("Falls"), w.user)
        .await
        .unwrap();
    let mut mf = measure_fields("Falls");
    mf.unit = "falls".into();
    assert_eq!(
        store.update_measure(m, &mf, v(1), w.user).await.unwrap(),
        v(2)
    );
    let stored = store.measure(m).await.unwrap().unwrap();
    let history = store.history(w.project).await.unwrap().len();
    let mut other = measure_fields("Falls");
    other.definition = "Every fall, witnessed or not".into();
    assert!(is_stale(
        store.update_measure(m, &other, v(1), w.user).await
    ));
    assert_eq!(store.measure(m).await.unwrap().unwrap(), stored);
    assert_eq!(store.history(w.project).await.unwrap().len(), history);
    assert!(is_stale(store.delete_measure(m, Some(v(1)), w.user).await));
    store.delete_measure(m, Some(v(2)), w.user).await.unwrap();
    store.restore_measure(m, w.user).await.unwrap();
    assert_eq!(vm(store, m).await, v(4));

    // PDSA cycles.
    let c = store
        .create_pdsa(w.project, &pdsa_fields("Bay nursing", None), w.user)
        .await
        .unwrap();
    let mut cf = pdsa_fields("Bay nursing", None);
    cf.study = "Falls fell".into();
    assert_eq!(store.update_pdsa(c, &cf, v(1), w.user).await.unwrap(), v(2));
    let stored = store.pdsa(c).await.unwrap().unwrap();
    let mut other = pdsa_fields("Bay nursing", None);
    other.plan = "Nights only".into();
    assert!(is_stale(store.update_pdsa(c, &other, v(1), w.user).await));
    assert_eq!(store.pdsa(c).await.unwrap().unwrap(), stored);
    assert!(is_stale(store.delete_pdsa(c, Some(v(1)), w.user).await));
    store.delete_pdsa(c, None, w.user).await.unwrap();
    store.restore_pdsa(c, w.user).await.unwrap();
    assert_eq!(vc(store, c).await, v(4));

    // Driver diagram nodes.
    let n = store
        .add_driver_node(w.project, None, DriverKind::Primary, "Safe ward", w.user)
        .await
        .unwrap();
    assert_eq!(
        store
            .update_driver_node(n, "Safe environment", v(1), w.user)
            .await
            .unwrap(),
        v(2)
    );
    let history = store.history(w.project).await.unwrap().len();
    assert!(is_stale(
        store
            .update_driver_node(n, "Safer ward", v(1), w.user)
            .await
    ));
    assert_eq!(
        store.driver_node(n).await.unwrap().unwrap().text,
        "Safe environment"
    );
    assert_eq!(store.history(w.project).await.unwrap().len(), history);
    assert!(is_stale(
        store.delete_driver_node(n, Some(v(1)), w.user).await
    ));
    store
        .delete_driver_node(n, Some(v(2)), w.user)
        .await
        .unwrap();
    assert!(store.driver_node(n).await.unwrap().is_none());
    store.restore_driver_node(n, w.user).await.unwrap();
    assert_eq!(vn(store, n).await, v(4));
}

/// Six writers save the same project, each from version 1: exactly one wins, the others are
/// told it is stale, and the project holds the winner's change with one history row for it.
pub async fn concurrent_writers_exactly_one_wins(store: &dyn Store) {
    let w = world(store, "Northshire Hospitals", "asha@nhs.net").await;
    let history = store.history(w.project).await.unwrap().len();
    let save = |i: u32| async move {
        let mut f = project_fields("Falls on Ward 7");
        f.aim = format!("Aim {i}");
        (
            i,
            store
                .update_project(w.project, &f, Version(1), w.user)
                .await,
        )
    };
    let results = join_all((0..6).map(save).collect()).await;
    let winners: Vec<u32> = results
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(i, _)| *i)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one writer wins: {results:?}");
    assert_eq!(
        results.iter().filter(|(_, r)| is_stale_ref(r)).count(),
        5,
        "the others are stale: {results:?}"
    );
    let p = store.project(w.project).await.unwrap().unwrap();
    assert_eq!(p.aim, format!("Aim {}", winners[0]));
    assert_eq!(p.version, Version(2));
    assert_eq!(store.history(w.project).await.unwrap().len(), history + 1);
}

fn is_stale_ref(r: &Result<Version, StoreError>) -> bool {
    matches!(r, Err(StoreError::Stale(_)))
}

/// A re-upload that replaces a value, and a removal, keep the old value; it can be put back,
/// once, and putting it back keeps the value it replaces in turn.
pub async fn replaced_and_removed_values_can_be_put_back(store: &dyn Store) {
    let w = world(store, "Northshire Hospitals", "asha@nhs.net").await;
    let m = store
        .create_measure(w.project, &measure_fields("Falls"), w.user)
        .await
        .unwrap();
    let jan = date(2024, 1, 1);
    let feb = date(2024, 2, 1);
    store
        .put_data(
            m,
            &[
                point(jan, Some(7.0), Some(100.0)),
                point(feb, Some(5.0), None),
            ],
            w.user,
        )
        .await
        .unwrap();
    assert!(store.data_revisions(m).await.unwrap().is_empty());
    // The same value again replaces nothing.
    store
        .put_data(m, &[point(feb, Some(5.0), None)], w.user)
        .await
        .unwrap();
    assert!(store.data_revisions(m).await.unwrap().is_empty());
    // A re-upload of January with another value keeps 7 / 100.
    store
        .put_data(m, &[point(jan, Some(9.0), Some(100.0))], w.user)
        .await
        .unwrap();
    // February removed.
    store.delete_data_point(m, feb, w.user).await.unwrap();
    let revisions = store.data_revisions(m).await.unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[0].kind, RevisionKind::Removed, "newest first");
    assert_eq!(revisions[0].old, point(feb, Some(5.0), None));
    assert_eq!(revisions[0].who, "Asha Patel");
    assert_eq!(revisions[1].kind, RevisionKind::Replaced);
    assert_eq!(revisions[1].old, point(jan, Some(7.0), Some(100.0)));
    assert_eq!(revisions[1].measure, m);

    // Put February back.
    let back = store
        .restore_data_revision(m, revisions[0].id, w.user)
        .await
        .unwrap();
    assert_eq!(back, point(feb, Some(5.0), None));
    assert_eq!(
        store.data(m).await.unwrap(),
        vec![
            point(jan, Some(9.0), Some(100.0)),
            point(feb, Some(5.0), None)
        ]
    );
    let back = latest_records(store, w.project).await;
    assert_eq!(
        back.iter().map(Rec::from).collect::<Vec<_>>(),
        [rec(ObjectKind::Measure, "Falls", Action::PointPutBack)]
    );
    assert_eq!(back[0].points, [point(date(2024, 2, 1), Some(5.0), None)]);
    assert_eq!(back[0].replaced, Some(0), "the date had no value");
    // Not twice.
    assert!(is_missing(
        store
            .restore_data_revision(m, revisions[0].id, w.user)
            .await
    ));
    // Put January's 7 back: the 9 it replaces is kept in turn.
    store
        .restore_data_revision(m, revisions[1].id, w.user)
        .await
        .unwrap();
    assert_eq!(
        store.data(m).await.unwrap()[0],
        point(jan, Some(7.0), Some(100.0))
    );
    let back = latest_records(store, w.project).await;
    assert_eq!(back[0].action, Action::PointPutBack);
    assert_eq!(back[0].points, [point(jan, Some(7.0), Some(100.0))]);
    assert_eq!(back[0].replaced, Some(1), "instead of the value it had");
    let left = store.data_revisions(m).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].kind, RevisionKind::Replaced);
    assert_eq!(left[0].old, point(jan, Some(9.0), Some(100.0)));

    // A revision of another measure, or of a deleted measure, is not found.
    let other = store
        .create_measure(w.project, &measure_fields("Harms"), w.user)
        .await
        .unwrap();
    assert!(is_missing(
        store.restore_data_revision(other, left[0].id, w.user).await
    ));
    store.delete_measure(m, None, w.user).await.unwrap();
    assert!(is_missing(
        store.restore_data_revision(m, left[0].id, w.user).await
    ));
    // A big re-upload writes out the first three old values and counts the rest.
    let months = |v: f64| {
        (1..=5)
            .map(|mo| point(date(2023, mo, 1), Some(v), None))
            .collect::<Vec<_>>()
    };
    store.put_data(other, &months(1.0), w.user).await.unwrap();
    store.put_data(other, &months(2.0), w.user).await.unwrap();
    let added = latest_records(store, w.project).await;
    assert_eq!(
        added.iter().map(Rec::from).collect::<Vec<_>>(),
        [rec(ObjectKind::Measure, "Harms", Action::DataAdded)]
    );
    assert_eq!((added[0].count, added[0].replaced), (Some(5), Some(5)));
    assert_eq!(
        added[0].points,
        [
            point(date(2023, 1, 1), Some(1.0), None),
            point(date(2023, 2, 1), Some(1.0), None),
            point(date(2023, 3, 1), Some(1.0), None),
        ],
        "one record keeps the first three old values"
    );
    assert_eq!(store.data_revisions(other).await.unwrap().len(), 5);
}

/// Writes that lose a race with a deletion fail with `Missing` (or `Stale`), never a database
/// error: edits, imports, removals and new things under a deleted measure or project.
pub async fn writes_racing_a_deletion_are_missing(store: &dyn Store) {
    let w = world(store, "Northshire Hospitals", "asha@nhs.net").await;
    let m = store
        .create_measure(w.project, &measure_fields("Falls"), w.user)
        .await
        .unwrap();
    let c = store
        .create_pdsa(w.project, &pdsa_fields("Bay nursing", None), w.user)
        .await
        .unwrap();
    store
        .put_data(m, &[point(date(2024, 1, 1), Some(1.0), None)], w.user)
        .await
        .unwrap();
    // The measure goes while someone edits it from version 1.
    store.delete_measure(m, None, w.user).await.unwrap();
    let gone = |r: Result<(), StoreError>| {
        matches!(r, Err(StoreError::Missing(_)) | Err(StoreError::Stale(_)))
    };
    assert!(gone(
        store
            .update_measure(m, &measure_fields("Falls"), Version(1), w.user)
            .await
            .map(drop)
    ));
    assert!(gone(
        store
            .put_data(m, &[point(date(2024, 2, 1), Some(2.0), None)], w.user)
            .await
            .map(drop)
    ));
    assert!(gone(
        store.delete_data_point(m, date(2024, 1, 1), w.user).await
    ));
    // The project goes: nothing under it can be created or changed.
    store.delete_project(w.project, None, w.user).await.unwrap();
    assert!(gone(
        store
            .create_pdsa(w.project, &pdsa_fields("Late", None), w.user)
            .await
            .map(drop)
    ));
    assert!(gone(
        store
            .create_measure(w.project, &measure_fields("Late"), w.user)
            .await
            .map(drop)
    ));
    assert!(gone(
        store
            .update_pdsa(c, &pdsa_fields("Late", None), Version(1), w.user)
            .await
            .map(drop)
    ));
    assert!(gone(
        store
            .add_driver_node(w.project, None, DriverKind::Primary, "Late", w.user)
            .await
            .map(drop)
    ));
    assert!(gone(
        store
            .update_project(w.project, &project_fields("Late"), Version(1), w.user)
            .await
            .map(drop)
    ));
}

/// A measure's display multiplier and what its denominator counts are kept, changed with a
/// history sentence naming old and new, and a measure made before them shows values as
/// entered (multiplier 1, no label).
pub async fn measure_units_are_kept(store: &dyn Store) {
    let w = world(store, "Northshire Hospitals", "asha@nhs.net").await;
    let plain = store
        .create_measure(w.project, &measure_fields("Plain"), w.user)
        .await
        .unwrap();
    let got = store.measure(plain).await.unwrap().unwrap();
    assert_eq!(got.chart.multiplier, gemba_domain::Multiplier::ONE);
    assert_eq!(got.denominator_label, "");
    let mut f = measure_fields("Falls per 1,000 bed days");
    f.chart.chart = ChartType::U;
    f.chart.multiplier = gemba_domain::Multiplier::new(1000).unwrap();
    f.denominator_label = "bed days".into();
    let falls = store.create_measure(w.project, &f, w.user).await.unwrap();
    let got = store.measure(falls).await.unwrap().unwrap();
    assert_eq!(got.chart.multiplier.get(), 1000);
    assert_eq!(got.denominator_label, "bed days");
    let mut g = f.clone();
    g.chart.multiplier = gemba_domain::Multiplier::new(10_000).unwrap();
    g.denominator_label = "occupied bed days".into();
    store
        .update_measure(falls, &g, Version(1), w.user)
        .await
        .unwrap();
    let got = store.measure(falls).await.unwrap().unwrap();
    assert_eq!(got.chart.multiplier.get(), 10_000);
    assert_eq!(got.denominator_label, "occupied bed days");
    let name = "Falls per 1,000 bed days";
    assert_eq!(
        latest(store, w.project).await,
        [
            chg(
                ObjectKind::Measure,
                name,
                Field::DenominatorLabel,
                Some("bed days"),
                Some("occupied bed days")
            ),
            chg(
                ObjectKind::Measure,
                name,
                Field::Multiplier,
                Some("1000"),
                Some("10000")
            ),
        ]
    );
}

// --- owners and leads -----------------------------------------------------------------------

/// Every row names its owner in one lookup, deleted or not; a project's creator leads it until
/// the lead is handed on, to an active member of its organisation who is not a board viewer.
pub async fn owners_and_project_leads(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Southshire Hospitals", "ben@south.nhs.uk").await;
    let project = store.project(a.project).await.unwrap().unwrap();
    assert_eq!(project.lead, Some(a.user), "the creator leads the project");
    let in_a = Owner {
        org: a.org,
        project: Some(a.project),
        lead: Some(a.user),
    };
    let measure = store
        .create_measure(a.project, &measure_fields("Falls"), a.user)
        .await
        .unwrap();
    let cycle = store
        .create_pdsa(a.project, &PdsaFields::default(), a.user)
        .await
        .unwrap();
    let node = store
        .add_driver_node(a.project, None, DriverKind::Primary, "Staffing", a.user)
        .await
        .unwrap();
    let team = store.create_team(a.org, "Ward 7").await.unwrap();
    for r in [
        Resource::Project(a.project),
        Resource::Measure(measure),
        Resource::Pdsa(cycle),
        Resource::DriverNode(node),
    ] {
        assert_eq!(store.owner(r).await.unwrap(), Some(in_a), "{r:?}");
    }
    let org_only = |org| Owner {
        org,
        project: None,
        lead: None,
    };
    assert_eq!(
        store.owner(Resource::Team(team)).await.unwrap(),
        Some(org_only(a.org))
    );
    assert_eq!(
        store.owner(Resource::Org(b.org)).await.unwrap(),
        Some(org_only(b.org))
    );
    // Deleted rows keep their owner (restoring needs it); unknown ids have none.
    store.delete_measure(measure, None, a.user).await.unwrap();
    store.delete_pdsa(cycle, None, a.user).await.unwrap();
    store.delete_driver_node(node, None, a.user).await.unwrap();
    store.delete_project(a.project, None, a.user).await.unwrap();
    for r in [
        Resource::Project(a.project),
        Resource::Measure(measure),
        Resource::Pdsa(cycle),
        Resource::DriverNode(node),
    ] {
        assert_eq!(store.owner(r).await.unwrap(), Some(in_a), "deleted {r:?}");
    }
    for r in [
        Resource::Org(OrgId(9_999)),
        Resource::Team(TeamId(9_999)),
        Resource::Project(ProjectId(9_999)),
        Resource::Measure(MeasureId(9_999)),
        Resource::Pdsa(PdsaId(9_999)),
        Resource::DriverNode(DriverNodeId(9_999)),
    ] {
        assert_eq!(store.owner(r).await.unwrap(), None, "{r:?}");
    }
    // A deleted project's lead does not change.
    assert!(matches!(
        store.set_project_lead(a.project, None, None, a.user).await,
        Err(StoreError::Missing(_))
    ));
    store.restore_project(a.project, a.user).await.unwrap();

    // Handing the lead on.
    let coach = store
        .create_user(&email("cora@north.nhs.uk"), "Cora Coach", "$argon2id$hash")
        .await
        .unwrap();
    store
        .set_membership(coach, a.org, Role::ImprovementLead)
        .await
        .unwrap();
    let viewer = store
        .create_user(&email("bo@north.nhs.uk"), "Bo Board", "$argon2id$hash")
        .await
        .unwrap();
    store
        .set_membership(viewer, a.org, Role::BoardViewer)
        .await
        .unwrap();
    let before = store.project(a.project).await.unwrap().unwrap().version;
    assert!(matches!(
        store
            .set_project_lead(a.project, Some(coach), Some(Version(before.0 - 1)), coach)
            .await,
        Err(StoreError::Stale(_))
    ));
    let after = store
        .set_project_lead(a.project, Some(coach), Some(before), coach)
        .await
        .unwrap();
    assert_eq!(after, Version(before.0 + 1));
    let project = store.project(a.project).await.unwrap().unwrap();
    assert_eq!((project.lead, project.version), (Some(coach), after));
    assert!(store
        .project_members(a.project)
        .await
        .unwrap()
        .iter()
        .any(|u| u.id == coach));
    assert_eq!(
        recs(store, a.project).await[0],
        Rec {
            field: Some(Field::Lead),
            old: Some("Asha Patel".into()),
            new: Some("Cora Coach".into()),
            ..rec(ObjectKind::Project, "Falls on Ward 7", Action::Changed)
        }
    );
    assert_eq!(
        store.owner(Resource::Project(a.project)).await.unwrap(),
        Some(Owner {
            lead: Some(coach),
            ..in_a
        })
    );
    // The same lead again changes nothing.
    assert_eq!(
        store
            .set_project_lead(a.project, Some(coach), None, coach)
            .await
            .unwrap(),
        after
    );
    // Board viewers read but do not lead; people of another organisation are not found.
    assert!(matches!(
        store
            .set_project_lead(a.project, Some(viewer), None, coach)
            .await,
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        store
            .set_project_lead(a.project, Some(b.user), None, coach)
            .await,
        Err(StoreError::Missing(_))
    ));
    assert_eq!(
        store.project(a.project).await.unwrap().unwrap().lead,
        Some(coach),
        "refusals change nothing"
    );
    // Leaving the project without a lead.
    store
        .set_project_lead(a.project, None, None, coach)
        .await
        .unwrap();
    assert_eq!(store.project(a.project).await.unwrap().unwrap().lead, None);
}

// --- the board's measures -----------------------------------------------------------------------

/// An organisation's own measures live in one row of its own, left out of project lists; any
/// measure can be on the board report, in one of its sections, with an executive owner, and the
/// history says when it was put there, moved or taken off.
pub async fn board_measures_and_sections(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Southshire Hospitals", "ben@south.nhs.uk").await;
    let home = store.organisation_measures(a.org, a.user).await.unwrap();
    assert_eq!(
        store.organisation_measures(a.org, a.user).await.unwrap(),
        home,
        "one per organisation"
    );
    assert_ne!(
        store.organisation_measures(b.org, b.user).await.unwrap(),
        home
    );
    let row = store.project(home).await.unwrap().unwrap();
    assert_eq!((row.kind, row.org), (ProjectKind::Organisation, a.org));
    let listed: Vec<ProjectId> = store
        .projects(a.org)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(listed, [a.project], "project lists leave it out");
    assert_eq!(
        store.project(a.project).await.unwrap().unwrap().kind,
        ProjectKind::Improvement
    );
    assert!(matches!(
        store.delete_project(home, None, a.user).await,
        Err(StoreError::Refused(_))
    ));

    // Sections: the CQC's five until the organisation chooses its own.
    assert_eq!(
        store.report_sections(a.org).await.unwrap(),
        DEFAULT_REPORT_SECTIONS.map(str::to_owned)
    );
    let ours: Vec<String> = ["Safe", "Well-led", "Finance"].map(str::to_owned).to_vec();
    store.set_report_sections(a.org, &ours).await.unwrap();
    assert_eq!(store.report_sections(a.org).await.unwrap(), ours);

    let four_hour = store
        .create_measure(home, &measure_fields("Four-hour performance"), a.user)
        .await
        .unwrap();
    let falls = store
        .create_measure(a.project, &measure_fields("Falls"), a.user)
        .await
        .unwrap();
    assert!(store.board_measures(a.org).await.unwrap().is_empty());
    let place = |section: &str, owner: Option<UserId>| BoardPlace {
        section: section.into(),
        owner,
    };
    store
        .set_board_place(falls, Some(&place("Well-led", None)), a.user)
        .await
        .unwrap();
    store
        .set_board_place(four_hour, Some(&place("Safe", Some(a.user))), a.user)
        .await
        .unwrap();
    let board = store.board_measures(a.org).await.unwrap();
    let seen: Vec<(&str, &str, Option<&str>, bool)> = board
        .iter()
        .map(|m| {
            (
                m.measure.name.as_str(),
                m.section.as_str(),
                m.owner.as_ref().map(|u| u.name.as_str()),
                m.organisation_measure,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("Four-hour performance", "Safe", Some("Asha Patel"), true),
            ("Falls", "Well-led", None, false),
        ],
        "by the report's order of sections"
    );
    assert_eq!(
        store.board_place(four_hour).await.unwrap(),
        Some(place("Safe", Some(a.user)))
    );
    // One change, its records in the order produced: the section, then the owner.
    assert_eq!(
        recs(store, home).await[1],
        Rec {
            field: Some(Field::Owner),
            old: None,
            new: Some("Asha Patel".into()),
            ..rec(
                ObjectKind::Measure,
                "Four-hour performance",
                Action::Changed
            )
        }
    );
    assert_eq!(
        recs(store, home).await[0],
        Rec {
            field: Some(Field::Section),
            old: None,
            new: Some("Safe".into()),
            ..rec(
                ObjectKind::Measure,
                "Four-hour performance",
                Action::Changed
            )
        }
    );
    // The same place again changes nothing and writes no history.
    let before = store.history(home).await.unwrap().len();
    store
        .set_board_place(four_hour, Some(&place("Safe", Some(a.user))), a.user)
        .await
        .unwrap();
    assert_eq!(store.history(home).await.unwrap().len(), before);
    // A section the report does not have, an owner of another organisation: refused, unchanged.
    assert!(matches!(
        store
            .set_board_place(falls, Some(&place("Caring", None)), a.user)
            .await,
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        store
            .set_board_place(falls, Some(&place("Safe", Some(b.user))), a.user)
            .await,
        Err(StoreError::Missing(_))
    ));
    assert_eq!(
        store.board_place(falls).await.unwrap(),
        Some(place("Well-led", None))
    );
    // A section that holds measures cannot be left out; an empty one can.
    assert!(matches!(
        store
            .set_report_sections(a.org, &["Safe".to_owned(), "Finance".to_owned()])
            .await,
        Err(StoreError::Refused(_))
    ));
    store
        .set_report_sections(a.org, &["Well-led".to_owned(), "Safe".to_owned()])
        .await
        .unwrap();
    let order: Vec<String> = store
        .board_measures(a.org)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.measure.name)
        .collect();
    assert_eq!(order, ["Falls", "Four-hour performance"]);
    // Taken off, and a deleted measure leaves the board.
    store.set_board_place(falls, None, a.user).await.unwrap();
    assert_eq!(store.board_place(falls).await.unwrap(), None);
    assert_eq!(
        recs(store, a.project).await[0],
        Rec {
            field: Some(Field::Section),
            old: Some("Well-led".into()),
            new: None,
            ..rec(ObjectKind::Measure, "Falls", Action::Changed)
        }
    );
    store.delete_measure(four_hour, None, a.user).await.unwrap();
    assert!(store.board_measures(a.org).await.unwrap().is_empty());
    assert!(store.board_measures(b.org).await.unwrap().is_empty());
}

/// Saved reports keep their settings and versions; narratives are one per measure and period
/// with their own versions; a published period is kept as given, once, and keeps its report.
pub async fn saved_reports_narratives_and_publications(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Southshire Hospitals", "ben@south.nhs.uk").await;
    let settings = ReportSettings {
        title: "Integrated quality report".into(),
        cadence: Cadence::Month,
        sections: vec!["Safe".into(), "Well-led".into()],
        concern_first: true,
    };
    let id = store
        .create_saved_report(a.org, &settings, a.user)
        .await
        .unwrap();
    let saved = store.saved_report(id).await.unwrap().unwrap();
    assert_eq!(
        (saved.org, &saved.settings, saved.version),
        (a.org, &settings, Version(1))
    );
    assert!(store.saved_reports(b.org).await.unwrap().is_empty());
    assert_eq!(
        store
            .owner(Resource::Report(id))
            .await
            .unwrap()
            .map(|o| o.org),
        Some(a.org)
    );
    let quarterly = ReportSettings {
        title: "Quality committee".into(),
        cadence: Cadence::Quarter,
        sections: Vec::new(),
        concern_first: false,
    };
    assert_eq!(
        store
            .update_saved_report(id, &quarterly, Version(1), a.user)
            .await
            .unwrap(),
        Version(2)
    );
    assert!(matches!(
        store
            .update_saved_report(id, &settings, Version(1), a.user)
            .await,
        Err(StoreError::Stale(_))
    ));
    assert_eq!(
        store.saved_report(id).await.unwrap().unwrap().settings,
        quarterly
    );

    // Narratives: written once at version 1, changed only from the version seen.
    let falls = store
        .create_measure(a.project, &measure_fields("Falls"), a.user)
        .await
        .unwrap();
    let text = NarrativeText {
        shows: "Falls fell after the new bay checks.".into(),
        why: "Hourly rounding on Ward 7.".into(),
        actions: "Spread to Ward 9 by March.".into(),
    };
    assert_eq!(
        store
            .set_narrative(falls, "2026-Q3", &text, None, a.user)
            .await
            .unwrap(),
        Version(1)
    );
    assert!(matches!(
        store
            .set_narrative(falls, "2026-Q2", &text, Some(Version(1)), a.user)
            .await,
        Err(StoreError::Stale(_))
    ));
    let changed = NarrativeText {
        actions: "Spread to Ward 9 by April.".into(),
        ..text.clone()
    };
    assert_eq!(
        store
            .set_narrative(falls, "2026-Q3", &changed, Some(Version(1)), a.user)
            .await
            .unwrap(),
        Version(2)
    );
    assert!(matches!(
        store
            .set_narrative(falls, "2026-Q3", &text, Some(Version(1)), a.user)
            .await,
        Err(StoreError::Stale(_))
    ));
    let n = store.narrative(falls, "2026-Q3").await.unwrap().unwrap();
    assert_eq!((&n.text, n.version), (&changed, Version(2)));
    assert_eq!(n.author.map(|u| u.name), Some("Asha Patel".into()));
    assert_eq!(store.narratives(a.org, "2026-Q3").await.unwrap().len(), 1);
    assert!(store.narratives(b.org, "2026-Q3").await.unwrap().is_empty());
    assert!(store.narrative(falls, "2026-Q2").await.unwrap().is_none());

    // Publishing keeps the copy as given, once per period; a published report is kept.
    let copy = PublishedCopy {
        summary_json: r#"{"title":"Quality committee"}"#.into(),
        html: "<!DOCTYPE html><p>Frozen</p>".into(),
        pdf: b"%PDF-1.7 frozen".to_vec(),
    };
    store
        .publish_report(id, "2026-Q2", "April to June 2026", &copy, a.user)
        .await
        .unwrap();
    store
        .publish_report(id, "2026-Q3", "July to September 2026", &copy, a.user)
        .await
        .unwrap();
    assert!(matches!(
        store
            .publish_report(id, "2026-Q3", "July to September 2026", &copy, a.user)
            .await,
        Err(StoreError::Conflict(_))
    ));
    let periods: Vec<String> = store
        .publications(id)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.period)
        .collect();
    assert_eq!(periods, ["2026-Q3", "2026-Q2"], "latest first");
    let (publication, kept) = store
        .published_report(id, "2026-Q3")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept, copy);
    assert_eq!(publication.label, "July to September 2026");
    assert_eq!(publication.published_by.map(|u| u.id), Some(a.user));
    assert!(store
        .published_report(id, "2026-Q4")
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        store.delete_saved_report(id, None).await,
        Err(StoreError::Refused(_))
    ));

    // An unpublished report can go.
    let other = store
        .create_saved_report(a.org, &settings, a.user)
        .await
        .unwrap();
    assert!(matches!(
        store.delete_saved_report(other, Some(Version(3))).await,
        Err(StoreError::Stale(_))
    ));
    store
        .delete_saved_report(other, Some(Version(1)))
        .await
        .unwrap();
    assert!(store.saved_report(other).await.unwrap().is_none());
    let titles: Vec<String> = store
        .saved_reports(a.org)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.settings.title)
        .collect();
    assert_eq!(titles, ["Quality committee"]);
}

/// A measure moves one place at a time within its section; the edges stay put; a measure not on
/// the board is missing.
pub async fn board_order_within_a_section(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let mut ids = Vec::new();
    for (name, section) in [
        ("A", "Safe"),
        ("B", "Well-led"),
        ("C", "Safe"),
        ("D", "Safe"),
    ] {
        let m = store
            .create_measure(a.project, &measure_fields(name), a.user)
            .await
            .unwrap();
        let place = BoardPlace {
            section: section.into(),
            owner: None,
        };
        store
            .set_board_place(m, Some(&place), a.user)
            .await
            .unwrap();
        ids.push(m);
    }
    let order = || async {
        store
            .board_measures(a.org)
            .await
            .unwrap()
            .into_iter()
            .map(|b| b.measure.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        order().await,
        ["A", "C", "D", "B"],
        "by section, then as put"
    );
    // D moves before C (B, in another section, is not in the way).
    assert!(store.move_on_board(ids[3], true).await.unwrap());
    assert_eq!(order().await, ["A", "D", "C", "B"]);
    assert!(store.move_on_board(ids[3], true).await.unwrap());
    assert_eq!(order().await, ["D", "A", "C", "B"]);
    assert!(
        !store.move_on_board(ids[3], true).await.unwrap(),
        "already first"
    );
    assert!(
        !store.move_on_board(ids[1], false).await.unwrap(),
        "alone in its section"
    );
    assert!(store.move_on_board(ids[3], false).await.unwrap());
    assert_eq!(order().await, ["A", "D", "C", "B"]);
    let off = store
        .create_measure(a.project, &measure_fields("E"), a.user)
        .await
        .unwrap();
    assert!(matches!(
        store.move_on_board(off, true).await,
        Err(StoreError::Missing(_))
    ));
}

// --- the board's self-assessments ---------------------------------------------------------------

/// An organisation's assessments, oldest first; each member's ratings are one submission they
/// replace as a whole, versioned so that a save based on an old version is refused; another
/// organisation sees none of it.
pub async fn board_self_assessments(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Southshire Hospitals", "ben@south.nhs.uk").await;
    let bola = store
        .create_user(&email("bola@north.nhs.uk"), "Bola Board", "$argon2id$hash")
        .await
        .unwrap();
    store
        .set_membership(bola, a.org, Role::BoardViewer)
        .await
        .unwrap();
    let fields = |title: &str, date: NaiveDate| AssessmentFields {
        title: NonEmpty::parse("title", title).unwrap(),
        date,
    };
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    assert!(store.assessments(a.org).await.unwrap().is_empty());
    let march = store
        .create_assessment(
            a.org,
            &fields("Board development, March 2026", d(2026, 3, 12)),
            a.user,
        )
        .await
        .unwrap();
    // Started later but held earlier: listed first.
    let autumn = store
        .create_assessment(
            a.org,
            &fields("Away day, autumn 2025", d(2025, 10, 1)),
            a.user,
        )
        .await
        .unwrap();
    let listed: Vec<(AssessmentId, String, NaiveDate)> = store
        .assessments(a.org)
        .await
        .unwrap()
        .into_iter()
        .map(|x| (x.id, x.title, x.date))
        .collect();
    assert_eq!(
        listed,
        [
            (autumn, "Away day, autumn 2025".to_owned(), d(2025, 10, 1)),
            (
                march,
                "Board development, March 2026".to_owned(),
                d(2026, 3, 12)
            ),
        ]
    );
    assert_eq!(
        store.assessment(march).await.unwrap(),
        Some(Assessment {
            id: march,
            org: a.org,
            title: "Board development, March 2026".into(),
            date: d(2026, 3, 12),
        })
    );
    assert!(store.assessments(b.org).await.unwrap().is_empty());
    assert_eq!(store.assessment(AssessmentId(987_654)).await.unwrap(), None);
    assert!(matches!(
        store
            .create_assessment(OrgId(987_654), &fields("Nowhere", d(2026, 1, 1)), a.user)
            .await,
        Err(StoreError::Missing(_))
    ));
    // Who owns it: the organisation, no project.
    assert_eq!(
        store.owner(Resource::Assessment(march)).await.unwrap(),
        Some(Owner {
            org: a.org,
            project: None,
            lead: None
        })
    );
    assert_eq!(
        store
            .owner(Resource::Assessment(AssessmentId(987_654)))
            .await
            .unwrap(),
        None
    );

    let rating = |dimension, level, note: &str| Rating {
        dimension,
        level,
        note: note.into(),
    };
    assert!(store.submissions(march).await.unwrap().is_empty());
    // First save: "none yet" is version 0.
    let v1 = store
        .set_ratings(
            march,
            bola,
            &[
                rating(
                    Dimension::Balance,
                    Maturity::Established,
                    "We look at all three.",
                ),
                rating(Dimension::QiPriority, Maturity::Developing, ""),
            ],
            Some(Version(0)),
        )
        .await
        .unwrap();
    assert_eq!(v1, Version(1));
    store
        .set_ratings(
            march,
            a.user,
            &[rating(Dimension::Balance, Maturity::Emerging, "")],
            None,
        )
        .await
        .unwrap();
    let subs = store.submissions(march).await.unwrap();
    type Seen<'a> = (&'a str, Vec<(Dimension, Maturity, &'a str)>, Version);
    let seen: Vec<Seen> = subs
        .iter()
        .map(|s| {
            (
                s.user.name.as_str(),
                s.ratings
                    .iter()
                    .map(|r| (r.dimension, r.level, r.note.as_str()))
                    .collect(),
                s.version,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "Asha Patel",
                vec![(Dimension::Balance, Maturity::Emerging, "")],
                Version(1)
            ),
            (
                "Bola Board",
                vec![
                    (Dimension::QiPriority, Maturity::Developing, ""),
                    (
                        Dimension::Balance,
                        Maturity::Established,
                        "We look at all three."
                    ),
                ],
                Version(1)
            ),
        ],
        "by name, ratings in the paper's order"
    );
    // A save based on "none yet", or on an old version, is refused and changes nothing.
    for stale in [Version(0), Version(2)] {
        assert!(matches!(
            store
                .set_ratings(
                    march,
                    bola,
                    &[rating(Dimension::Balance, Maturity::Leading, "")],
                    Some(stale)
                )
                .await,
            Err(StoreError::Stale(_))
        ));
    }
    assert_eq!(store.submissions(march).await.unwrap(), subs);
    // The same ratings again: no new version. Different ones replace all the earlier ones.
    assert_eq!(
        store
            .set_ratings(
                march,
                bola,
                &[
                    rating(Dimension::QiPriority, Maturity::Developing, ""),
                    rating(
                        Dimension::Balance,
                        Maturity::Established,
                        "We look at all three."
                    ),
                ],
                Some(Version(1)),
            )
            .await
            .unwrap(),
        Version(1)
    );
    let v2 = store
        .set_ratings(
            march,
            bola,
            &[rating(
                Dimension::BoardDynamics,
                Maturity::Leading,
                "Lively.",
            )],
            Some(Version(1)),
        )
        .await
        .unwrap();
    assert_eq!(v2, Version(2));
    let bola_now = store
        .submissions(march)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.user.id == bola)
        .unwrap();
    assert_eq!(
        bola_now.ratings,
        [rating(
            Dimension::BoardDynamics,
            Maturity::Leading,
            "Lively."
        )]
    );
    assert_eq!(bola_now.version, Version(2));
    // The other assessment is untouched; an assessment that does not exist is missing.
    assert!(store.submissions(autumn).await.unwrap().is_empty());
    assert!(matches!(
        store
            .set_ratings(AssessmentId(987_654), bola, &[], None)
            .await,
        Err(StoreError::Missing(_))
    ));
}

/// An organisation sees its own priorities and its system's (the system's first, by title), not
/// another system's; versions guard changes; links are replaced as a whole and go with a deleted
/// priority, leaving the project.
pub async fn strategic_priorities_and_their_projects(store: &dyn Store) {
    // `world` puts each organisation in Northshire ICS.
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Northshire Community", "ben@north.nhs.uk").await;
    let c_org = store
        .create_org("Southshire Trust", Some("Southshire ICS"))
        .await
        .unwrap();
    let text = |title: &str| PriorityText {
        title: title.into(),
        description: String::new(),
    };
    let own = store
        .create_priority(&PriorityScope::Organisation(a.org), &text("Falls"), a.user)
        .await
        .unwrap();
    let shared = store
        .create_priority(
            &PriorityScope::System("Northshire ICS".into()),
            &text("Same-day emergency care"),
            a.user,
        )
        .await
        .unwrap();
    store
        .create_priority(
            &PriorityScope::System("Southshire ICS".into()),
            &text("Theirs"),
            a.user,
        )
        .await
        .unwrap();
    let titles = |org| async move {
        store
            .priorities_of(org)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.title)
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(a.org).await, ["Same-day emergency care", "Falls"]);
    assert_eq!(titles(b.org).await, ["Same-day emergency care"]);
    assert_eq!(titles(c_org).await, ["Theirs"]);
    let p = store.priority(shared).await.unwrap().unwrap();
    assert_eq!(
        (p.scope, p.version),
        (PriorityScope::System("Northshire ICS".into()), Version(1))
    );
    let changed = PriorityText {
        title: "Same-day emergency care".into(),
        description: "Across the ICS".into(),
    };
    assert_eq!(
        store
            .update_priority(shared, &changed, Version(1))
            .await
            .unwrap(),
        Version(2)
    );
    assert!(matches!(
        store
            .update_priority(shared, &text("Mine"), Version(1))
            .await,
        Err(StoreError::Stale(_))
    ));
    // Links.
    store
        .set_project_priorities(a.project, &[own, shared])
        .await
        .unwrap();
    store
        .set_project_priorities(a.project, &[shared])
        .await
        .unwrap();
    assert_eq!(store.project_priorities(a.project).await.unwrap(), [shared]);
    assert_eq!(
        store.priority_links(a.org).await.unwrap(),
        [(a.project, shared)]
    );
    assert!(store.priority_links(b.org).await.unwrap().is_empty());
    assert!(matches!(
        store
            .set_project_priorities(a.project, &[PriorityId(999_999)])
            .await,
        Err(StoreError::Missing(_))
    ));
    assert_eq!(
        store.project_priorities(a.project).await.unwrap(),
        [shared],
        "nothing half-written"
    );
    store.delete_priority(shared).await.unwrap();
    assert!(store
        .project_priorities(a.project)
        .await
        .unwrap()
        .is_empty());
    assert!(store.project(a.project).await.unwrap().is_some());
    assert!(matches!(
        store.delete_priority(shared).await,
        Err(StoreError::Missing(_))
    ));
}

/// An event's date is set, changed and cleared on live projects only; report-outs are one per
/// day, versioned; the organisation's events list its live projects' dates.
pub async fn improvement_events_and_report_outs(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Southshire Hospitals", "ben@south.nhs.uk").await;
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    assert_eq!(store.event_date(a.project).await.unwrap(), None);
    store
        .set_event_date(a.project, Some(day(9, 1)))
        .await
        .unwrap();
    store
        .set_event_date(a.project, Some(day(9, 8)))
        .await
        .unwrap();
    assert_eq!(store.event_date(a.project).await.unwrap(), Some(day(9, 8)));
    assert_eq!(store.events(a.org).await.unwrap(), [(a.project, day(9, 8))]);
    assert!(store.events(b.org).await.unwrap().is_empty());
    let text = ReportOutText {
        what_changed: "Discharge lounge".into(),
        results: String::new(),
        next_steps: String::new(),
    };
    assert_eq!(
        store
            .set_report_out(a.project, 30, &text, None, a.user)
            .await
            .unwrap(),
        Version(1)
    );
    assert!(matches!(
        store
            .set_report_out(a.project, 60, &text, Some(Version(1)), a.user)
            .await,
        Err(StoreError::Stale(_))
    ));
    let changed = ReportOutText {
        results: "Earlier discharges".into(),
        ..text.clone()
    };
    assert_eq!(
        store
            .set_report_out(a.project, 30, &changed, Some(Version(1)), a.user)
            .await
            .unwrap(),
        Version(2)
    );
    let outs = store.report_outs(a.project).await.unwrap();
    assert_eq!(outs.len(), 1);
    assert_eq!((outs[0].day, &outs[0].text), (30, &changed));
    assert_eq!(outs[0].author.as_ref().map(|u| u.id), Some(a.user));
    assert!(store.report_out(a.project, 60).await.unwrap().is_none());
    store.set_event_date(a.project, None).await.unwrap();
    assert_eq!(store.event_date(a.project).await.unwrap(), None);
    assert_eq!(store.report_outs(a.project).await.unwrap().len(), 1, "kept");
    store.delete_project(a.project, None, a.user).await.unwrap();
    assert!(matches!(
        store.set_event_date(a.project, Some(day(9, 1))).await,
        Err(StoreError::Missing(_))
    ));
}

/// A closing summary is one per project, versioned, and only for a live project.
pub async fn closing_summaries(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    assert!(store.closing_summary(a.project).await.unwrap().is_none());
    let text = ClosingText {
        what_worked: "Hourly checks".into(),
        what_did_not: String::new(),
        results: "Falls halved".into(),
    };
    assert_eq!(
        store
            .set_closing_summary(a.project, &text, None, a.user)
            .await
            .unwrap(),
        Version(1)
    );
    assert!(matches!(
        store
            .set_closing_summary(a.project, &text, Some(Version(3)), a.user)
            .await,
        Err(StoreError::Stale(_))
    ));
    let changed = ClosingText {
        what_did_not: "Bed alarms".into(),
        ..text.clone()
    };
    assert_eq!(
        store
            .set_closing_summary(a.project, &changed, Some(Version(1)), a.user)
            .await
            .unwrap(),
        Version(2)
    );
    let s = store.closing_summary(a.project).await.unwrap().unwrap();
    assert_eq!((&s.text, s.version), (&changed, Version(2)));
    store.delete_project(a.project, None, a.user).await.unwrap();
    assert!(matches!(
        store
            .set_closing_summary(a.project, &text, None, a.user)
            .await,
        Err(StoreError::Missing(_))
    ));
}

/// A project's progress override: set with a reason against the project's version (a stale
/// version is refused and writes nothing), read back with who set it, changed, cleared, each in
/// the history with its reason; the organisation's stall weeks default to 6 and change.
pub async fn progress_overrides_and_stall_weeks(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Southshire Hospitals", "ben@south.nhs.uk").await;
    assert_eq!(store.progress_override(a.project).await.unwrap(), None);
    let v1 = store.project(a.project).await.unwrap().unwrap().version;
    let three = Score::new(3.0).unwrap();
    let v2 = store
        .set_progress_override(
            a.project,
            Some((three, "Audit shows the change")),
            v1,
            a.user,
        )
        .await
        .unwrap();
    assert_eq!(v2, Version(v1.0 + 1));
    let o = store.progress_override(a.project).await.unwrap().unwrap();
    assert_eq!(
        (o.score, o.reason.as_str(), o.by, o.who.as_str()),
        (three, "Audit shows the change", Some(a.user), "Asha Patel")
    );
    // The other organisation's project is untouched.
    assert_eq!(store.progress_override(b.project).await.unwrap(), None);
    // Written against the old version: stale, nothing written.
    let stale = store
        .set_progress_override(
            a.project,
            Some((Score::new(4.5).unwrap(), "Late")),
            v1,
            a.user,
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
    assert_eq!(
        store
            .progress_override(a.project)
            .await
            .unwrap()
            .unwrap()
            .score,
        three
    );
    let v3 = store
        .set_progress_override(a.project, None, v2, a.user)
        .await
        .unwrap();
    assert_eq!(v3, Version(v2.0 + 1));
    assert_eq!(store.progress_override(a.project).await.unwrap(), None);
    // Clearing what is already clear changes nothing.
    assert_eq!(
        store
            .set_progress_override(a.project, None, v3, a.user)
            .await
            .unwrap(),
        v3
    );
    let changes: Vec<(Option<String>, Option<String>, Option<String>)> = store
        .history(a.project)
        .await
        .unwrap()
        .iter()
        .filter_map(|e| e.record())
        .filter(|r| r.field == Some(Field::Score))
        .map(|r| (r.old.clone(), r.new.clone(), r.reason.clone()))
        .collect();
    let mut changes = changes;
    changes.sort();
    assert_eq!(
        changes,
        [
            (
                None,
                Some("3.0".into()),
                Some("Audit shows the change".into())
            ),
            (Some("3.0".into()), None, None),
        ]
    );
    assert_eq!(store.stall_weeks(a.org).await.unwrap(), 6);
    store.set_stall_weeks(a.org, 8).await.unwrap();
    assert_eq!(store.stall_weeks(a.org).await.unwrap(), 8);
    assert_eq!(store.stall_weeks(b.org).await.unwrap(), 6);
    assert!(matches!(
        store.stall_weeks(OrgId(987_654)).await,
        Err(StoreError::Missing(_))
    ));
}

// --- search ---------------------------------------------------------------------------------

fn described(title: &str, problem: &str, aim: &str) -> ProjectFields {
    ProjectFields {
        title: NonEmpty::parse("title", title).unwrap(),
        problem: problem.into(),
        aim: aim.into(),
        ..project_fields(title)
    }
}

/// Every project of `orgs`, none of any other organisation's.
fn own(orgs: &[OrgId]) -> Readable {
    Readable {
        own: orgs.to_vec(),
        shared: Vec::new(),
    }
}

async fn found(store: &dyn Store, orgs: &[OrgId], q: &str) -> Vec<ProjectId> {
    store
        .search_projects(&own(orgs), &SearchTerms::all_of(q), None, 20)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.project)
        .collect()
}

/// Search ranks a title match above a match in the problem, finds only the organisations
/// asked for, and treats query syntax as words.
pub async fn search_ranks_and_scopes_projects(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Eastgate Hospitals", "ben@east.nhs.uk").await;
    // `world` made "Falls on Ward 7" in each: its problem and aim mention falls too.
    let in_title = store
        .create_project(
            a.org,
            &described(
                "Sepsis screening in ED",
                "Screening is late",
                "Screen within an hour",
            ),
            a.user,
        )
        .await
        .unwrap();
    let in_problem = store
        .create_project(
            a.org,
            &described(
                "Emergency flow",
                "Sepsis is missed at triage",
                "Faster triage",
            ),
            a.user,
        )
        .await
        .unwrap();
    let other_org = store
        .create_project(
            b.org,
            &described(
                "Sepsis six",
                "Antibiotics late",
                "Antibiotics within an hour",
            ),
            b.user,
        )
        .await
        .unwrap();
    // The title weighs most: the title match first, the problem match second.
    assert_eq!(
        found(store, &[a.org], "sepsis").await,
        [in_title, in_problem]
    );
    // Another organisation's project is found only when its organisation is asked for.
    assert_eq!(found(store, &[b.org], "sepsis").await, [other_org]);
    let both = found(store, &[a.org, b.org], "sepsis").await;
    assert_eq!(both.len(), 3);
    assert!(found(store, &[], "sepsis").await.is_empty());
    // Every word is needed; stemming finds "screen" in "screening".
    assert_eq!(found(store, &[a.org], "sepsis screen").await, [in_title]);
    assert!(found(store, &[a.org], "sepsis giraffe").await.is_empty());
    // Query syntax is only words: no error, and the same result as the words.
    for q in [
        "sepsis\"",
        "sepsis OR giraffe",
        "NEAR(sepsis triage)",
        "title:sepsis",
        "sepsis*",
        "-sepsis",
        "^sepsis",
        "'); DROP TABLE projects; --",
    ] {
        let r = store
            .search_projects(&own(&[a.org]), &SearchTerms::all_of(q), None, 20)
            .await;
        assert!(r.is_ok(), "{q}: {r:?}");
    }
    assert_eq!(
        found(store, &[a.org], "sepsis\"").await,
        [in_title, in_problem]
    );
    assert!(found(store, &[a.org], "\"*()-:^").await.is_empty());
    // A hit carries the project's organisation, title, status and a snippet.
    let hits = store
        .search_projects(&own(&[a.org]), &SearchTerms::all_of("triage"), None, 20)
        .await
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].org, a.org);
    assert_eq!(hits[0].title, "Emergency flow");
    assert_eq!(hits[0].status, ProjectStatus::Scoping);
    assert!(
        hits[0].snippet.to_lowercase().contains("triage"),
        "{:?}",
        hits[0].snippet
    );
    // Any word: the more shared words the better; the excluded project is left out; the limit holds.
    let any = store
        .search_projects(
            &own(&[a.org]),
            &SearchTerms::any_of(["sepsis screening hour"]),
            None,
            20,
        )
        .await
        .unwrap();
    assert_eq!(any[0].project, in_title);
    assert!(any.iter().any(|h| h.project == in_problem));
    let excluded = store
        .search_projects(
            &own(&[a.org]),
            &SearchTerms::any_of(["sepsis screening hour"]),
            Some(in_title),
            1,
        )
        .await
        .unwrap();
    assert_eq!(excluded.len(), 1);
    assert_eq!(excluded[0].project, in_problem);
    // The organisation's own row of board measures is never found.
    let home = store.organisation_measures(a.org, a.user).await.unwrap();
    store
        .create_measure(home, &measure_fields("Sepsis screening rate"), a.user)
        .await
        .unwrap();
    assert!(!found(store, &[a.org], "sepsis").await.contains(&home));
}

/// The index follows every change: a project's fields, its change ideas (not its other
/// nodes) and measure names, deleted and restored.
pub async fn search_follows_every_change(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let p = a.project;
    let orgs = [a.org];
    assert_eq!(found(store, &orgs, "ward 7").await, [p]);
    // Changing the title.
    let mut f = project_fields("Pressure ulcers");
    let v = store
        .update_project(p, &f, vp(store, p).await, a.user)
        .await
        .unwrap();
    assert!(found(store, &orgs, "ward 7").await.is_empty());
    assert_eq!(found(store, &orgs, "ulcers").await, [p]);
    f.aim = "Turn every patient on time".into();
    store.update_project(p, &f, v, a.user).await.unwrap();
    assert_eq!(found(store, &orgs, "turn").await, [p]);
    // Change ideas are found; drivers are not.
    let primary = store
        .add_driver_node(p, None, DriverKind::Primary, "Skin inspection", a.user)
        .await
        .unwrap();
    let secondary = store
        .add_driver_node(
            p,
            Some(primary),
            DriverKind::Secondary,
            "Mattresses",
            a.user,
        )
        .await
        .unwrap();
    let idea = store
        .add_driver_node(
            p,
            Some(secondary),
            DriverKind::ChangeIdea,
            "Hybrid mattress trial",
            a.user,
        )
        .await
        .unwrap();
    assert!(found(store, &orgs, "inspection").await.is_empty());
    assert_eq!(found(store, &orgs, "hybrid").await, [p]);
    let idea_v = store.driver_node(idea).await.unwrap().unwrap().version;
    store
        .update_driver_node(idea, "Foam wedges", idea_v, a.user)
        .await
        .unwrap();
    assert!(found(store, &orgs, "hybrid").await.is_empty());
    assert_eq!(found(store, &orgs, "wedges").await, [p]);
    // Deleting the subtree takes the idea out; restoring brings it back.
    store
        .delete_driver_node(primary, None, a.user)
        .await
        .unwrap();
    assert!(found(store, &orgs, "wedges").await.is_empty());
    store.restore_driver_node(primary, a.user).await.unwrap();
    assert_eq!(found(store, &orgs, "wedges").await, [p]);
    // Measure names, through creation, renaming, deletion and restoring.
    let m = store
        .create_measure(p, &measure_fields("Category two ulcers"), a.user)
        .await
        .unwrap();
    assert_eq!(found(store, &orgs, "category").await, [p]);
    store.delete_measure(m, None, a.user).await.unwrap();
    assert!(found(store, &orgs, "category").await.is_empty());
    store.restore_measure(m, a.user).await.unwrap();
    assert_eq!(found(store, &orgs, "category").await, [p]);
    // A deleted project is not found; restored, it is again, with everything in it.
    store.delete_project(p, None, a.user).await.unwrap();
    assert!(found(store, &orgs, "ulcers").await.is_empty());
    assert!(found(store, &orgs, "wedges").await.is_empty());
    store.restore_project(p, a.user).await.unwrap();
    assert_eq!(found(store, &orgs, "ulcers wedges category").await, [p]);
}

/// A project is private or not, kept through a change; a search over the system's other
/// organisations finds their projects that are not private, and all of the user's own.
pub async fn private_projects_and_the_system_search(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Eastgate Hospitals", "ben@east.nhs.uk").await;
    let open = store
        .create_project(b.org, &described("Sepsis six", "", ""), b.user)
        .await
        .unwrap();
    let private = store
        .create_project(
            b.org,
            &ProjectFields {
                private: true,
                ..described("Sepsis audit", "", "")
            },
            b.user,
        )
        .await
        .unwrap();
    let mine = store
        .create_project(
            a.org,
            &ProjectFields {
                private: true,
                ..described("Sepsis screening", "", "")
            },
            a.user,
        )
        .await
        .unwrap();
    assert!(store.project(private).await.unwrap().unwrap().private);
    assert!(!store.project(open).await.unwrap().unwrap().private);
    let system = Readable {
        own: vec![a.org],
        shared: vec![b.org],
    };
    let mut hits: Vec<ProjectId> = store
        .search_projects(&system, &SearchTerms::all_of("sepsis"), None, 20)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.project)
        .collect();
    hits.sort();
    // The user's own private project, and the other organisation's open one; never its private one.
    let mut expected = vec![open, mine];
    expected.sort();
    assert_eq!(hits, expected);
    let shared_only = Readable {
        own: Vec::new(),
        shared: vec![b.org],
    };
    let hits = store
        .search_projects(&shared_only, &SearchTerms::all_of("sepsis"), None, 20)
        .await
        .unwrap();
    assert_eq!(hits.iter().map(|h| h.project).collect::<Vec<_>>(), [open]);

    // Making it private is a change of the project, in its history; opening it again too.
    let p = store.project(open).await.unwrap().unwrap();
    let v = store
        .update_project(
            open,
            &ProjectFields {
                private: true,
                ..p.fields()
            },
            p.version,
            b.user,
        )
        .await
        .unwrap();
    assert!(store.project(open).await.unwrap().unwrap().private);
    assert_eq!(store.project(open).await.unwrap().unwrap().version, v);
    let history = store.history(open).await.unwrap();
    let changed: Vec<&HistoryRecord> = history
        .iter()
        .filter_map(HistoryEntry::record)
        .filter(|r| r.field == Some(Field::Private))
        .collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].old.as_deref(), Some("no"));
    assert_eq!(changed[0].new.as_deref(), Some("yes"));
    assert!(store
        .search_projects(&shared_only, &SearchTerms::all_of("sepsis"), None, 20)
        .await
        .unwrap()
        .is_empty());
}

/// A system role is given, changed and taken away; it belongs to one system.
pub async fn system_roles_are_given_changed_and_taken_away(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Eastgate Hospitals", "ben@east.nhs.uk").await;
    assert!(store.system_roles_of(a.user).await.unwrap().is_empty());
    assert!(store
        .system_people("Northshire ICS")
        .await
        .unwrap()
        .is_empty());
    store
        .set_system_role("Northshire ICS", a.user, Some(SystemRole::Viewer), b.user)
        .await
        .unwrap();
    store
        .set_system_role("Northshire ICS", a.user, Some(SystemRole::Lead), b.user)
        .await
        .unwrap();
    store
        .set_system_role("Southshire ICS", b.user, Some(SystemRole::Viewer), b.user)
        .await
        .unwrap();
    assert_eq!(
        store.system_roles_of(a.user).await.unwrap(),
        [("Northshire ICS".to_owned(), SystemRole::Lead)]
    );
    let people = store.system_people("Northshire ICS").await.unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].user.id, a.user);
    assert_eq!(people[0].role, SystemRole::Lead);
    store
        .set_system_role("Northshire ICS", a.user, None, b.user)
        .await
        .unwrap();
    assert!(store.system_roles_of(a.user).await.unwrap().is_empty());
    // Taking away a role nobody holds changes nothing.
    store
        .set_system_role("Northshire ICS", a.user, None, b.user)
        .await
        .unwrap();
    assert_eq!(
        store.system_roles_of(b.user).await.unwrap(),
        [("Southshire ICS".to_owned(), SystemRole::Viewer)]
    );
}

/// An adoption is written whole, in one transaction: the linked project in the adopter's
/// organisation led by the adopter, the driver diagram with its structure, the measure
/// definitions without data, and the links; a failure writes nothing.
pub async fn adoptions(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Southshire Hospitals", "ben@south.nhs.uk").await;
    let team = store.create_team(b.org, "Ward 3").await.unwrap();
    let primary = store
        .add_driver_node(
            a.project,
            None,
            DriverKind::Primary,
            "Reliable rounding",
            a.user,
        )
        .await
        .unwrap();
    let idea = store
        .add_driver_node(
            a.project,
            Some(primary),
            DriverKind::ChangeIdea,
            "Hourly checks at night",
            a.user,
        )
        .await
        .unwrap();
    let falls = store
        .create_measure(a.project, &measure_fields("Falls"), a.user)
        .await
        .unwrap();
    let point = DataPoint {
        date: date(2024, 1, 1),
        value: Some(6.0),
        denominator: Some(900.0),
    };
    store.put_data(falls, &[point], a.user).await.unwrap();
    let source = store.project(a.project).await.unwrap().unwrap();
    let nodes = store.driver_nodes(a.project).await.unwrap();
    let measures = store.measures(a.project).await.unwrap();
    let new = NewAdoption {
        source: a.project,
        org: b.org,
        fields: adopted_project(&source, Some(team)),
        nodes: nodes.clone(),
        measures: measures
            .iter()
            .map(|m| (m.id, adopted_measure(m)))
            .collect(),
    };
    assert!(store.adoptions_of(a.project).await.unwrap().is_empty());

    // A node whose parent is not among the nodes: nothing is written.
    let orphan = NewAdoption {
        nodes: vec![nodes[1].clone()],
        ..new.clone()
    };
    let before = store.projects(b.org).await.unwrap().len();
    assert!(matches!(
        store.adopt(&orphan, b.user).await,
        Err(StoreError::Missing(_))
    ));
    assert_eq!(store.projects(b.org).await.unwrap().len(), before);

    let p = store.adopt(&new, b.user).await.unwrap();
    let adopted = store.project(p).await.unwrap().unwrap();
    assert_eq!(
        (adopted.org, adopted.team, adopted.lead),
        (b.org, Some(team), Some(b.user))
    );
    assert_eq!(adopted.title, "Falls on Ward 7");
    assert_eq!(adopted.aim, source.aim);
    assert_eq!(adopted.status, ProjectStatus::Testing);
    assert_eq!(adopted.sponsor, "");
    let copies = store.driver_nodes(p).await.unwrap();
    assert_eq!(copies.len(), 2);
    assert_eq!(copies[0].text, "Reliable rounding");
    assert_eq!(copies[1].kind, DriverKind::ChangeIdea);
    assert_eq!(copies[1].parent, Some(copies[0].id));
    assert_ne!(copies[1].id, idea);
    let copied = store.measures(p).await.unwrap();
    assert_eq!(copied.len(), 1);
    assert_eq!(copied[0].name, "Falls");
    assert_eq!(copied[0].chart.chart, ChartType::UPrime);
    assert_eq!(copied[0].chart.target, Some(4.5));
    assert!(copied[0].chart.rebase.is_empty());
    assert_eq!(copied[0].chart.fix_after, None);
    assert!(store.data(copied[0].id).await.unwrap().is_empty());
    assert_eq!(
        store.data(falls).await.unwrap().len(),
        1,
        "the source keeps its data"
    );

    let link = store.adoption(p).await.unwrap().unwrap();
    assert_eq!(
        (link.project, link.source, link.org, link.team, link.by),
        (p, a.project, b.org, Some(team), Some(b.user))
    );
    assert_eq!(link.measures, vec![(falls, copied[0].id)]);
    assert!(store.adoption(a.project).await.unwrap().is_none());
    assert_eq!(store.adoptions_of(a.project).await.unwrap(), vec![link]);
    // The history of the new project says what was created: the project, two nodes, a measure.
    let history = store.history(p).await.unwrap();
    let created = history
        .iter()
        .filter_map(|h| h.record())
        .filter(|r| r.action == Action::Created)
        .count();
    assert_eq!(created, 4);

    // A deleted adopter no longer counts; a deleted source cannot be adopted.
    store.delete_project(p, None, b.user).await.unwrap();
    assert!(store.adoptions_of(a.project).await.unwrap().is_empty());
    store.delete_project(a.project, None, a.user).await.unwrap();
    assert!(matches!(
        store.adopt(&new, b.user).await,
        Err(StoreError::Missing(_))
    ));
}

/// An idea is recorded, supported (once per person), commented on and triaged with a check of
/// its version; its first response is kept; notifications go with the comment and the triage,
/// newest first, until read.
pub async fn ideas_supports_comments_triage_and_notifications(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Eastgate Hospitals", "ben@east.nhs.uk").await;
    let team = store.create_team(a.org, "Ward 7").await.unwrap();
    let text = IdeaText {
        problem: "Call bells out of reach".into(),
        idea: "Clip them to the bed rail".into(),
        area: "Ward 7".into(),
    };
    let id = store
        .create_idea(a.org, Some(team), &text, a.user)
        .await
        .unwrap();
    store.create_idea(b.org, None, &text, b.user).await.unwrap();
    let idea = store.idea(id).await.unwrap().unwrap();
    assert_eq!(idea.org, a.org);
    assert_eq!(idea.team, Some(team));
    assert_eq!(idea.text, text);
    assert_eq!(idea.status, IdeaStatus::New);
    assert_eq!(idea.submitter.as_ref().map(|u| u.id), Some(a.user));
    assert_eq!(idea.first_response_at, None);
    assert_eq!(idea.version, Version(1));
    // Each organisation's own.
    assert_eq!(store.ideas(a.org).await.unwrap().len(), 1);
    assert_eq!(store.ideas(b.org).await.unwrap().len(), 1);

    for _ in 0..2 {
        store.set_idea_support(id, b.user, true).await.unwrap();
    }
    store.set_idea_support(id, a.user, true).await.unwrap();
    let mut supporters = store.idea(id).await.unwrap().unwrap().supporters;
    supporters.sort();
    let mut expected = vec![a.user, b.user];
    expected.sort();
    assert_eq!(supporters, expected);
    store.set_idea_support(id, b.user, false).await.unwrap();
    assert_eq!(store.ideas(a.org).await.unwrap()[0].supporters, [a.user]);

    let told = |text: &str| NewNotification {
        user: a.user,
        text: text.into(),
        link: format!("/ideas/{id}"),
    };
    store
        .add_idea_comment(id, b.user, "Yes please", Some(&told("A comment")))
        .await
        .unwrap();
    store
        .add_idea_comment(id, a.user, "Thank you", None)
        .await
        .unwrap();
    let comments = store.idea_comments(id).await.unwrap();
    let said: Vec<&str> = comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(said, ["Yes please", "Thank you"]);
    assert_eq!(comments[0].author.as_ref().map(|u| u.id), Some(b.user));

    let triage = Triage {
        status: IdeaStatus::UnderReview,
        response: String::new(),
    };
    let v = store
        .triage_idea(id, &triage, Version(1), Some(&told("Under review")))
        .await
        .unwrap();
    assert_eq!(v, Version(2));
    let first = store.idea(id).await.unwrap().unwrap().first_response_at;
    assert!(first.is_some());
    // A triage based on the old version is refused and tells nobody.
    let stale = store
        .triage_idea(id, &triage, Version(1), Some(&told("Stale")))
        .await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
    let not_now = Triage {
        status: IdeaStatus::NotNow,
        response: "No budget this year".into(),
    };
    store
        .triage_idea(id, &not_now, v, Some(&told("Not now")))
        .await
        .unwrap();
    let idea = store.idea(id).await.unwrap().unwrap();
    assert_eq!(idea.status, IdeaStatus::NotNow);
    assert_eq!(idea.response, "No budget this year");
    assert_eq!(idea.first_response_at, first, "the first response is kept");
    assert_eq!(idea.version, Version(3));

    let seen = store.notifications(a.user, 10).await.unwrap();
    let texts: Vec<&str> = seen.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(texts, ["Not now", "Under review", "A comment"]);
    assert!(seen
        .iter()
        .all(|n| !n.read && n.link == format!("/ideas/{id}")));
    assert_eq!(store.notifications(a.user, 1).await.unwrap().len(), 1);
    assert!(store.notifications(b.user, 10).await.unwrap().is_empty());
    store.mark_notifications_read(a.user).await.unwrap();
    assert!(store
        .notifications(a.user, 10)
        .await
        .unwrap()
        .iter()
        .all(|n| n.read));
    assert!(store.idea(IdeaId(987_654)).await.unwrap().is_none());
}

/// The reads of many organisations at once (the portfolio across a system) return exactly what
/// the one-organisation reads return for each organisation named, in one list: never another
/// organisation's rows, never deleted projects, a system's priorities for each of its
/// organisations, each organisation once however often it is named.
pub async fn bulk_reads_of_many_organisations(store: &dyn Store) {
    // `world` puts A and B in Northshire ICS; C is in Southshire ICS, D in no system.
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Northshire Community", "ben@north.nhs.uk").await;
    let c = store
        .create_org("Southshire Trust", Some("Southshire ICS"))
        .await
        .unwrap();
    let d = store.create_org("Eastgate Surgery", None).await.unwrap();
    let carl = store
        .create_user(&email("carl@south.nhs.uk"), "Carl Smith", "$argon2id$hash")
        .await
        .unwrap();
    store.set_membership(carl, c, Role::Admin).await.unwrap();
    store.set_membership(carl, d, Role::Member).await.unwrap();
    let theirs = store
        .create_project(c, &project_fields("Theirs"), carl)
        .await
        .unwrap();
    store.add_project_member(theirs, carl, carl).await.unwrap();
    store.create_team(c, "Their ward").await.unwrap();
    // A: a second, private project with a team, members and a deleted third project.
    let ward = store.create_team(a.org, "Ward 7").await.unwrap();
    let old = store.create_team(a.org, "Old ward").await.unwrap();
    store.set_team_archived(old, true).await.unwrap();
    store.create_team(b.org, "District nurses").await.unwrap();
    let mut private = project_fields("Private work");
    private.private = true;
    private.team = Some(ward);
    let second = store.create_project(a.org, &private, a.user).await.unwrap();
    let gone = store
        .create_project(a.org, &project_fields("Gone"), a.user)
        .await
        .unwrap();
    let pat = store
        .create_user(&email("pat@north.nhs.uk"), "Pat Partner", "$argon2id$hash")
        .await
        .unwrap();
    store
        .set_membership(pat, a.org, Role::PatientPartner)
        .await
        .unwrap();
    store
        .set_membership(pat, b.org, Role::Member)
        .await
        .unwrap();
    for (project, user) in [
        (a.project, a.user),
        (second, pat),
        (second, a.user),
        (gone, pat),
        (b.project, b.user),
    ] {
        store
            .add_project_member(project, user, a.user)
            .await
            .unwrap();
    }
    // Priorities: A's own, Northshire's, Southshire's; links of every project.
    let text = |title: &str| PriorityText {
        title: title.into(),
        description: String::new(),
    };
    let own = store
        .create_priority(&PriorityScope::Organisation(a.org), &text("Falls"), a.user)
        .await
        .unwrap();
    let shared = store
        .create_priority(
            &PriorityScope::System("Northshire ICS".into()),
            &text("Same-day emergency care"),
            a.user,
        )
        .await
        .unwrap();
    let south = store
        .create_priority(
            &PriorityScope::System("Southshire ICS".into()),
            &text("Theirs"),
            carl,
        )
        .await
        .unwrap();
    store
        .set_project_priorities(a.project, &[own, shared])
        .await
        .unwrap();
    store
        .set_project_priorities(b.project, &[shared])
        .await
        .unwrap();
    store
        .set_project_priorities(theirs, &[south])
        .await
        .unwrap();
    store.set_stall_weeks(a.org, 12).await.unwrap();
    store.delete_project(gone, None, a.user).await.unwrap();

    // Named twice and out of order, with D (no projects, no system) and an organisation that
    // does not exist; C is not named.
    let named = [b.org, a.org, d, a.org, OrgId(999_999)];
    let orgs = [a.org, b.org, d];
    let mut projects = Vec::new();
    let mut members = Vec::new();
    let mut teams = Vec::new();
    let mut team_members = Vec::new();
    let mut links = Vec::new();
    let mut priorities = Vec::new();
    let mut weeks = Vec::new();
    for org in orgs {
        projects.extend(store.projects(org).await.unwrap());
        members.extend(
            store
                .org_members(org)
                .await
                .unwrap()
                .into_iter()
                .map(|(u, r)| (org, u, r)),
        );
        teams.extend(store.teams(org).await.unwrap());
        team_members.extend(store.org_project_members(org).await.unwrap());
        links.extend(store.priority_links(org).await.unwrap());
        priorities.extend(
            store
                .priorities_of(org)
                .await
                .unwrap()
                .into_iter()
                .map(|p| (org, p)),
        );
        weeks.push((org, store.stall_weeks(org).await.unwrap()));
    }
    // The one-organisation reads themselves keep out what they should.
    let ids: Vec<ProjectId> = projects.iter().map(|p| p.id).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.contains(&second) && !ids.contains(&gone) && !ids.contains(&theirs));
    assert!(team_members.iter().all(|(p, _)| *p != gone));
    team_members.sort();
    links.sort();

    let bulk = store.projects_of_orgs(&named).await.unwrap();
    assert_eq!(bulk, projects);
    assert_eq!(
        bulk[..2].iter().map(|p| p.org).collect::<Vec<_>>(),
        [a.org; 2]
    );
    assert_eq!(bulk[1].tags, ["falls", "frailty"]);
    assert_eq!(store.org_members_of(&named).await.unwrap(), members);
    let teams_bulk = store.teams_of_orgs(&named).await.unwrap();
    assert_eq!(teams_bulk, teams);
    assert!(teams_bulk.iter().all(|t| t.id != old && t.org != c));
    assert_eq!(
        store.org_project_members_of(&named).await.unwrap(),
        team_members
    );
    assert_eq!(store.priority_links_of(&named).await.unwrap(), links);
    let bulk_priorities = store.priorities_of_orgs(&named).await.unwrap();
    assert_eq!(bulk_priorities, priorities);
    // Northshire's priority once for A and once for B; Southshire's for nobody named.
    let of = |org: OrgId| -> Vec<PriorityId> {
        bulk_priorities
            .iter()
            .filter(|(o, _)| *o == org)
            .map(|(_, p)| p.id)
            .collect()
    };
    assert_eq!(
        (of(a.org), of(b.org), of(d)),
        (vec![shared, own], vec![shared], vec![])
    );
    assert!(bulk_priorities.iter().all(|(_, p)| p.id != south));
    assert_eq!(
        store.stall_weeks_of(&named).await.unwrap(),
        [
            (a.org, 12),
            (b.org, DEFAULT_STALL_WEEKS),
            (d, DEFAULT_STALL_WEEKS)
        ]
    );
    assert_eq!(weeks[0], (a.org, 12));
    // C alone gets only C's rows; no organisations, nothing.
    let c_projects = store.projects_of_orgs(&[c]).await.unwrap();
    assert_eq!(
        c_projects.iter().map(|p| p.id).collect::<Vec<_>>(),
        [theirs]
    );
    assert_eq!(
        store.org_project_members_of(&[c]).await.unwrap(),
        [(theirs, carl)]
    );
    assert!(store.projects_of_orgs(&[]).await.unwrap().is_empty());
    assert!(store.org_members_of(&[]).await.unwrap().is_empty());
    assert!(store.stall_weeks_of(&[]).await.unwrap().is_empty());
}

/// An idea turned into a project or a change idea: the project or node names the idea, the idea
/// lists what it became, its triage and notification are written with it; a stale version or a
/// driver of another project writes nothing; the organisation's response target is versioned.
pub async fn an_idea_becomes_a_project_or_a_change_idea_with_its_lineage(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Eastgate Hospitals", "ben@east.nhs.uk").await;
    let text = IdeaText {
        problem: "Call bells out of reach".into(),
        idea: "Clip them to the bed rail".into(),
        area: "Ward 7".into(),
    };
    let id = store.create_idea(a.org, None, &text, a.user).await.unwrap();
    let triage = Triage {
        status: IdeaStatus::BeingTested,
        response: "Now a project.".into(),
    };
    let told = NewNotification {
        user: a.user,
        text: "Your idea: being tested".into(),
        link: format!("/ideas/{id}"),
    };
    let into = IdeaInto::Project(project_fields("Call bells within reach"));
    let became = store
        .convert_idea(id, Version(1), &into, &triage, Some(&told), b.user)
        .await
        .unwrap();
    assert_eq!(became.project_title, "Call bells within reach");
    assert_eq!(became.change_idea, None);
    let project = store.project(became.project).await.unwrap().unwrap();
    assert_eq!((project.org, project.idea), (a.org, Some(id)));
    let idea = store.idea(id).await.unwrap().unwrap();
    assert_eq!(idea.status, IdeaStatus::BeingTested);
    assert_eq!(idea.version, Version(2));
    assert!(idea.first_response_at.is_some());
    assert_eq!(idea.became, std::slice::from_ref(&became));
    assert_eq!(store.notifications(a.user, 10).await.unwrap().len(), 1);

    // A change idea under a secondary driver of the world's project.
    let primary = store
        .add_driver_node(a.project, None, DriverKind::Primary, "Safe ward", a.user)
        .await
        .unwrap();
    let secondary = store
        .add_driver_node(
            a.project,
            Some(primary),
            DriverKind::Secondary,
            "Help at hand",
            a.user,
        )
        .await
        .unwrap();
    let into = IdeaInto::ChangeIdea {
        project: a.project,
        driver: secondary,
        text: "Clip call bells to the rail".into(),
    };
    // Stale: nothing written.
    let stale = store
        .convert_idea(id, Version(1), &into, &triage, None, a.user)
        .await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
    assert_eq!(store.driver_nodes(a.project).await.unwrap().len(), 2);
    // A driver of another organisation's project: refused, nothing written.
    let other = IdeaInto::ChangeIdea {
        project: b.project,
        driver: secondary,
        text: "x".into(),
    };
    assert!(store
        .convert_idea(id, Version(2), &other, &triage, None, a.user)
        .await
        .is_err());
    assert_eq!(store.idea(id).await.unwrap().unwrap().version, Version(2));
    let second = store
        .convert_idea(id, Version(2), &into, &triage, None, a.user)
        .await
        .unwrap();
    let (node, node_text) = second.change_idea.clone().unwrap();
    assert_eq!(node_text, "Clip call bells to the rail");
    let stored = store.driver_node(node).await.unwrap().unwrap();
    assert_eq!(
        (stored.kind, stored.parent, stored.idea),
        (DriverKind::ChangeIdea, Some(secondary), Some(id))
    );
    let listed = &store.ideas(a.org).await.unwrap()[0];
    assert_eq!(listed.became, [became, second]);
    // (projects first, then change ideas)
    // A deleted project drops out of the lineage.
    store
        .delete_project(project.id, None, a.user)
        .await
        .unwrap();
    assert_eq!(store.idea(id).await.unwrap().unwrap().became.len(), 1);

    // The response target.
    assert_eq!(store.idea_response_target(a.org).await.unwrap(), None);
    assert_eq!(
        store
            .set_idea_response_target(a.org, 14, Version(0))
            .await
            .unwrap(),
        Version(1)
    );
    let stale = store.set_idea_response_target(a.org, 7, Version(0)).await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
    store
        .set_idea_response_target(a.org, 7, Version(1))
        .await
        .unwrap();
    assert_eq!(
        store.idea_response_target(a.org).await.unwrap(),
        Some(ResponseTarget {
            days: 7,
            version: Version(2)
        })
    );
    assert_eq!(store.idea_response_target(b.org).await.unwrap(), None);
}

/// E-mail is off at first: notifications write no e-mail. Switched on, each notification puts
/// one in the outbox in its transaction; a failed try waits for its next attempt, a sent one is
/// no longer due, and each organisation sees only its own people's.
pub async fn notifications_go_into_the_email_outbox_only_while_email_is_on(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Eastgate Hospitals", "ben@east.nhs.uk").await;
    let text = IdeaText {
        problem: "Call bells out of reach".into(),
        idea: "Clip them to the bed rail".into(),
        area: String::new(),
    };
    let id = store.create_idea(a.org, None, &text, a.user).await.unwrap();
    let told = |t: &str| NewNotification {
        user: a.user,
        text: t.into(),
        link: format!("/ideas/{id}"),
    };
    let later = NaiveDate::from_ymd_opt(2999, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    assert!(!store.email_enabled().await.unwrap());
    store
        .add_idea_comment(id, b.user, "Off", Some(&told("A comment while off")))
        .await
        .unwrap();
    assert!(store.emails_due(later, 10).await.unwrap().is_empty());
    store.set_email_enabled(true).await.unwrap();
    assert!(store.email_enabled().await.unwrap());
    store
        .add_idea_comment(id, b.user, "On", Some(&told("A comment while on")))
        .await
        .unwrap();
    let due = store.emails_due(later, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    let e = &due[0];
    assert_eq!(e.to.id, a.user);
    assert_eq!(e.subject, "Gemba: A comment while on");
    assert_eq!(
        (e.body.as_str(), e.link.clone()),
        ("A comment while on", format!("/ideas/{id}"))
    );
    assert_eq!(
        (e.attempts, e.sent_at, e.last_error.clone()),
        (0, None, None)
    );
    // A failure: tried again only from its next attempt.
    let next = e.created_at + chrono::Duration::minutes(1);
    store
        .email_failed(e.id, "connection refused", next)
        .await
        .unwrap();
    assert!(store.emails_due(e.created_at, 10).await.unwrap().is_empty());
    let again = store.emails_due(next, 10).await.unwrap();
    assert_eq!(again[0].attempts, 1);
    assert_eq!(again[0].last_error.as_deref(), Some("connection refused"));
    store.email_sent(e.id, next).await.unwrap();
    assert!(store.emails_due(later, 10).await.unwrap().is_empty());
    let outbox = store.email_outbox(a.org, 10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].sent_at, Some(next));
    assert!(store.email_outbox(b.org, 10).await.unwrap().is_empty());
    // Given up on after the last attempt.
    store
        .add_idea_comment(id, b.user, "Again", Some(&told("Another")))
        .await
        .unwrap();
    let e = store.emails_due(later, 10).await.unwrap().remove(0);
    for _ in 0..gemba_domain::MAX_ATTEMPTS {
        store.email_failed(e.id, "refused", next).await.unwrap();
    }
    assert!(store.emails_due(later, 10).await.unwrap().is_empty());
    assert!(store.email_outbox(a.org, 10).await.unwrap()[0].failed());
    store.set_email_enabled(false).await.unwrap();
    assert!(!store.email_enabled().await.unwrap());
}

/// A project's value entries: recorded unconfirmed, read back by project and by organisation
/// (live projects only, each organisation its own), confirmed by someone, changed with a check of
/// their version (a change of figures takes the confirmation away when the caller says so), and
/// deleted with a check of their version.
pub async fn value_entries_confirmations_and_versions(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Eastgate Hospitals", "ben@east.nhs.uk").await;
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let potential = ValueFields {
        kind: ValueKind::Potential,
        pence: 1_200_050,
        hours: 37.5,
        cash_releasing: false,
        recurrence: Recurrence::Recurrent,
        date: day("2026-04-01"),
        method: "Bed days saved x £400".into(),
    };
    let realised = ValueFields {
        kind: ValueKind::Realised,
        pence: 400_000,
        hours: 0.0,
        cash_releasing: true,
        recurrence: Recurrence::OneOff,
        date: day("2026-03-01"),
        method: "Agency spend down, ledger 4471".into(),
    };
    let p = store
        .create_value(a.project, &potential, a.user)
        .await
        .unwrap();
    let r = store
        .create_value(a.project, &realised, a.user)
        .await
        .unwrap();
    store
        .create_value(b.project, &realised, b.user)
        .await
        .unwrap();
    let got = store.value_entry(p).await.unwrap().unwrap();
    assert_eq!(got.fields, potential);
    assert_eq!(got.project, a.project);
    assert_eq!(got.recorded_by.as_ref().map(|u| u.id), Some(a.user));
    assert_eq!((got.confirmed_at, got.version), (None, Version(1)));
    // By date: the realised entry of March first.
    let ids: Vec<ValueId> = store
        .value_entries(a.project)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ids, [r, p]);
    assert_eq!(store.org_value_entries(a.org).await.unwrap().len(), 2);
    assert_eq!(store.org_value_entries(b.org).await.unwrap().len(), 1);
    assert!(store.value_entry(ValueId(987_654)).await.unwrap().is_none());

    // Confirmed, at the version read; a stale confirmation is refused.
    assert!(matches!(
        store.confirm_value(r, Some(Version(7)), b.user).await,
        Err(StoreError::Stale(_))
    ));
    assert_eq!(
        store
            .confirm_value(r, Some(Version(1)), b.user)
            .await
            .unwrap(),
        Version(2)
    );
    let confirmed = store.value_entry(r).await.unwrap().unwrap();
    assert!(confirmed.is_confirmed());
    assert_eq!(confirmed.confirmed_by.as_ref().map(|u| u.id), Some(b.user));

    // A change that keeps the confirmation (the evidence's words), then one that does not.
    let mut words = realised.clone();
    words.method = "Agency spend down, ledger 4471 and 4472".into();
    assert_eq!(
        store
            .update_value(r, &words, Version(2), true)
            .await
            .unwrap(),
        Version(3)
    );
    assert!(store.value_entry(r).await.unwrap().unwrap().is_confirmed());
    assert!(matches!(
        store.update_value(r, &words, Version(2), false).await,
        Err(StoreError::Stale(_))
    ));
    let mut more = words.clone();
    more.pence = 450_000;
    assert_eq!(
        store
            .update_value(r, &more, Version(3), false)
            .await
            .unwrap(),
        Version(4)
    );
    let changed = store.value_entry(r).await.unwrap().unwrap();
    assert_eq!(changed.fields, more);
    assert!(!changed.is_confirmed());
    assert!(changed.confirmed_by.is_none());

    // Deleted at its version only; then gone.
    assert!(matches!(
        store.delete_value(p, Some(Version(2))).await,
        Err(StoreError::Stale(_))
    ));
    store.delete_value(p, Some(Version(1))).await.unwrap();
    assert!(store.value_entry(p).await.unwrap().is_none());
    assert!(matches!(
        store.delete_value(p, None).await,
        Err(StoreError::Missing(_))
    ));
    assert!(matches!(
        store.update_value(p, &potential, Version(1), false).await,
        Err(StoreError::Missing(_))
    ));

    // A deleted project's entries leave the organisation's; none can be added to it.
    store.delete_project(a.project, None, a.user).await.unwrap();
    assert!(store.org_value_entries(a.org).await.unwrap().is_empty());
    assert!(matches!(
        store.create_value(a.project, &potential, a.user).await,
        Err(StoreError::Missing(_))
    ));
}

/// A project's involvement: none until recorded, then written with a check of its version
/// (0 before the first), one history record per changed field, nothing written when nothing
/// changed; each organisation reads its own projects' involvement and members with when they
/// joined; a deleted project's is not read.
pub async fn patient_and_carer_involvement(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Eastgate Hospitals", "ben@east.nhs.uk").await;
    assert_eq!(store.involvement(a.project).await.unwrap(), None);
    let fields = InvolvementFields {
        level: InvolvementLevel::CoProduce,
        roles: vec![PatientRole::TeamMember, PatientRole::CarerRepresentative],
        note: "Two carers on the team".into(),
        since: NaiveDate::from_ymd_opt(2025, 10, 1),
    };
    // Not recorded yet: only version 0 may write.
    let stale = store
        .set_involvement(a.project, &fields, Version(1), a.user)
        .await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
    let v = store
        .set_involvement(a.project, &fields, Version(0), a.user)
        .await
        .unwrap();
    assert_eq!(v, Version(1));
    let got = store.involvement(a.project).await.unwrap().unwrap();
    assert_eq!(got.fields, fields);
    assert_eq!(got.version, Version(1));
    assert_eq!(got.by.as_ref().map(|u| u.id), Some(a.user));
    assert!(got.at.is_some());
    let changed: Vec<Option<Field>> = store
        .history(a.project)
        .await
        .unwrap()
        .iter()
        .filter_map(|e| match &e.what {
            HistoryWhat::Record(r) => Some(r.field),
            _ => None,
        })
        .filter(|f| {
            matches!(
                f,
                Some(Field::Level | Field::PatientRoles | Field::Note | Field::InvolvedSince)
            )
        })
        .collect();
    assert_eq!(changed.len(), 4, "{changed:?}");
    // The same again changes nothing and writes no history.
    assert_eq!(
        store
            .set_involvement(a.project, &fields, Version(1), a.user)
            .await
            .unwrap(),
        Version(1)
    );
    let before = store.history(a.project).await.unwrap().len();
    let lower = InvolvementFields {
        level: InvolvementLevel::Consult,
        ..fields.clone()
    };
    assert_eq!(
        store
            .set_involvement(a.project, &lower, Version(1), a.user)
            .await
            .unwrap(),
        Version(2)
    );
    assert_eq!(store.history(a.project).await.unwrap().len(), before + 1);
    let stale = store
        .set_involvement(a.project, &fields, Version(1), a.user)
        .await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
    // Each organisation's own.
    let listed = store.org_involvement(a.org).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].project, a.project);
    assert_eq!(listed[0].fields.level, InvolvementLevel::Consult);
    assert!(store.org_involvement(b.org).await.unwrap().is_empty());
    store
        .add_project_member(a.project, a.user, a.user)
        .await
        .unwrap();
    let members = store.org_project_members_since(a.org).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!((members[0].0, members[0].1), (a.project, a.user));
    assert!(store
        .org_project_members_since(b.org)
        .await
        .unwrap()
        .is_empty());
    // Supports of each organisation's ideas, dated.
    let idea = store
        .create_idea(
            a.org,
            None,
            &IdeaText {
                problem: "Call bells out of reach".into(),
                idea: "Clip them to the bed rail".into(),
                area: String::new(),
            },
            a.user,
        )
        .await
        .unwrap();
    assert!(store.org_idea_supports(a.org).await.unwrap().is_empty());
    store.set_idea_support(idea, b.user, true).await.unwrap();
    let supports = store.org_idea_supports(a.org).await.unwrap();
    assert_eq!(supports.len(), 1);
    assert_eq!(supports[0].0, b.user);
    assert!(store.org_idea_supports(b.org).await.unwrap().is_empty());
    // A deleted project's involvement is neither read nor written.
    store.delete_project(a.project, None, a.user).await.unwrap();
    assert_eq!(store.involvement(a.project).await.unwrap(), None);
    assert!(store.org_involvement(a.org).await.unwrap().is_empty());
    let gone = store
        .set_involvement(a.project, &fields, Version(2), a.user)
        .await;
    assert!(matches!(gone, Err(StoreError::Missing(_))), "{gone:?}");
}

/// Training courses and sessions of each organisation; places booked or waiting in the order
/// asked; a session's places changed only at the version read (with the waiting list promoted
/// and the promoted told, together); attendance and completion at the place's version.
pub async fn training_courses_sessions_and_places(store: &dyn Store) {
    let a = world(store, "Northshire Hospitals", "asha@north.nhs.uk").await;
    let b = world(store, "Eastgate Hospitals", "ben@east.nhs.uk").await;
    let c = store
        .create_user(&email("cleo@north.nhs.uk"), "Cleo", "$argon2id$hash")
        .await
        .unwrap();
    let text = CourseText {
        title: "Foundations of QI".into(),
        level: Level::Foundation,
        description: "The model for improvement".into(),
    };
    let course = store.create_course(a.org, &text).await.unwrap();
    store.create_course(b.org, &text).await.unwrap();
    let found = store.course(course).await.unwrap().unwrap();
    assert_eq!(
        (found.org, &found.text, found.version),
        (a.org, &text, Version(1))
    );
    assert_eq!(store.courses(a.org).await.unwrap().len(), 1);
    let changed = CourseText {
        level: Level::Practitioner,
        ..text.clone()
    };
    let v = store
        .update_course(course, &changed, Version(1))
        .await
        .unwrap();
    assert_eq!(v, Version(2));
    let stale = store.update_course(course, &text, Version(1)).await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
    assert_eq!(
        store.course(course).await.unwrap().unwrap().text.level,
        Level::Practitioner
    );

    let fields = TrainingSessionFields {
        date: NaiveDate::from_ymd_opt(2026, 3, 4).unwrap(),
        places: 1,
        venue: "Education centre".into(),
    };
    let id = store
        .create_training_session(course, &fields)
        .await
        .unwrap();
    let s = store.training_session(id).await.unwrap().unwrap();
    assert_eq!((s.course, s.org, &s.fields), (course, a.org, &fields));
    assert_eq!((s.booked, s.waiting, s.version), (0, 0, Version(1)));
    assert_eq!(store.training_sessions(a.org).await.unwrap().len(), 1);
    assert!(store.training_sessions(b.org).await.unwrap().is_empty());

    let v = store
        .add_place(id, a.user, PlaceState::Booked, Version(1))
        .await
        .unwrap();
    assert_eq!(v, Version(2));
    // A request decided on the old version is refused.
    let stale = store.add_place(id, c, PlaceState::Booked, Version(1)).await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
    store
        .add_place(id, c, PlaceState::Waiting, v)
        .await
        .unwrap();
    store
        .add_place(id, b.user, PlaceState::Waiting, Version(3))
        .await
        .unwrap();
    let places = store.places(id).await.unwrap();
    let who: Vec<(UserId, PlaceState)> = places.iter().map(|p| (p.user.id, p.state)).collect();
    assert_eq!(
        who,
        [
            (a.user, PlaceState::Booked),
            (c, PlaceState::Waiting),
            (b.user, PlaceState::Waiting)
        ]
    );
    assert!(places[0].request_no < places[1].request_no);
    let s = store.training_session(id).await.unwrap().unwrap();
    assert_eq!((s.booked, s.waiting, s.version), (1, 2, Version(4)));

    // A gives up their place; C is promoted and told, in the same change.
    let told = NewNotification {
        user: c,
        text: "A place is yours".into(),
        link: format!("/sessions/{id}"),
    };
    let v = store
        .remove_place(id, a.user, Version(4), &[c], std::slice::from_ref(&told))
        .await
        .unwrap();
    assert_eq!(v, Version(5));
    let places = store.places(id).await.unwrap();
    let who: Vec<(UserId, PlaceState)> = places.iter().map(|p| (p.user.id, p.state)).collect();
    assert_eq!(
        who,
        [(c, PlaceState::Booked), (b.user, PlaceState::Waiting)]
    );
    assert_eq!(
        store.notifications(c, 10).await.unwrap()[0].text,
        "A place is yours"
    );
    // A stale removal changes nothing and tells nobody.
    let stale = store.remove_place(id, c, Version(4), &[b.user], &[]).await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
    assert_eq!(store.places(id).await.unwrap().len(), 2);

    // Two places now: B is promoted with the change.
    let more = TrainingSessionFields {
        places: 2,
        ..fields.clone()
    };
    store
        .update_training_session(id, &more, Version(5), &[b.user], &[])
        .await
        .unwrap();
    let s = store.training_session(id).await.unwrap().unwrap();
    assert_eq!((s.fields.places, s.booked, s.waiting), (2, 2, 0));
    let stale = store
        .update_training_session(id, &fields, Version(5), &[], &[])
        .await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");

    let place = store.places(id).await.unwrap().remove(0);
    let v = store
        .record_attendance(id, c, Some(Attendance::Attended), true, place.version)
        .await
        .unwrap();
    let stale = store
        .record_attendance(id, c, None, false, place.version)
        .await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
    let place = store.places(id).await.unwrap().remove(0);
    assert_eq!(
        (place.attendance, place.completed, place.version),
        (Some(Attendance::Attended), true, v)
    );
    let all = store.training_places(a.org).await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(store.training_places(b.org).await.unwrap().is_empty());
    let missing = store
        .record_attendance(id, a.user, None, false, Version(1))
        .await;
    assert!(
        matches!(missing, Err(StoreError::Missing(_))),
        "{missing:?}"
    );
    // The capability plan: none, then set at version 0, then only at the version read.
    assert_eq!(store.capability_plan(a.org).await.unwrap(), None);
    let v = store
        .set_capability_plan(a.org, [60, 15, 2], Version(0))
        .await
        .unwrap();
    assert_eq!(v, Version(1));
    let stale = store
        .set_capability_plan(a.org, [50, 10, 1], Version(0))
        .await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
    store
        .set_capability_plan(a.org, [50, 10, 1], v)
        .await
        .unwrap();
    let plan = store.capability_plan(a.org).await.unwrap().unwrap();
    assert_eq!((plan.targets, plan.version), ([50, 10, 1], Version(2)));
    assert_eq!(store.capability_plan(b.org).await.unwrap(), None);
    // Coaches: a project's, and every pair of an organisation's live projects.
    let second = store
        .create_project(a.org, &project_fields("Sepsis screening"), a.user)
        .await
        .unwrap();
    for (p, u) in [
        (a.project, c),
        (a.project, a.user),
        (second, c),
        (second, c),
    ] {
        store.set_project_coach(p, u, true).await.unwrap();
    }
    let names: Vec<UserId> = store
        .project_coaches(a.project)
        .await
        .unwrap()
        .iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(names, [a.user, c], "by name: Asha Patel, Cleo");
    assert_eq!(store.org_project_coaches(a.org).await.unwrap().len(), 3);
    store.set_project_coach(a.project, c, false).await.unwrap();
    store.set_project_coach(a.project, c, false).await.unwrap();
    store.delete_project(second, None, a.user).await.unwrap();
    assert_eq!(
        store.org_project_coaches(a.org).await.unwrap(),
        [(a.project, a.user)]
    );
    assert!(store.org_project_coaches(b.org).await.unwrap().is_empty());
    // Protected time: an entry per person, project and month, changed only at its version.
    let march = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let v = store
        .put_time(a.org, c, a.project, march, 8.0, 6.5, Version(0))
        .await
        .unwrap();
    assert_eq!(v, Version(1));
    let stale = store
        .put_time(a.org, c, a.project, march, 8.0, 7.0, Version(0))
        .await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
    store
        .put_time(a.org, c, a.project, march, 8.0, 7.0, v)
        .await
        .unwrap();
    let t = store.time_entries(a.org).await.unwrap();
    assert_eq!(t.len(), 1);
    assert_eq!(
        (
            t[0].user.id,
            t[0].project,
            t[0].month,
            t[0].planned,
            t[0].used,
            t[0].version
        ),
        (c, a.project, march, 8.0, 7.0, Version(2))
    );
    assert!(store.time_entries(b.org).await.unwrap().is_empty());
    assert!(store.course(CourseId(987_654)).await.unwrap().is_none());
    assert!(store
        .training_session(TrainingSessionId(987_654))
        .await
        .unwrap()
        .is_none());
}
