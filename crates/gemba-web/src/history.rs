//! A project's history in plain English: the store keeps structured records (see
//! [`gemba_domain::history`]); this module words them as the history page shows them, one
//! sentence per change ("changed the title from “a” to “b” and the aim from “c” to “d”").
//! Entries written before records were kept carry their own sentence.

use std::str::FromStr;

use chrono::NaiveDateTime;
use gemba_domain::history::{Action, Field, HistoryObject, ObjectKind};
use gemba_domain::{DataPoint, HistoryEntry, HistoryRecord, HistoryWhat, Multiplier};
use gemba_spc::ChartType;

/// One line of the history page: when, who, and what in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// When.
    pub at: NaiveDateTime,
    /// Who (display name).
    pub who: String,
    /// What, in a sentence.
    pub what: String,
}

/// The longest value, in characters, that a history sentence quotes in full.
const QUOTED_CHARS: usize = 80;

/// A text value as a history sentence quotes it: “in quotes”, cut to about 80 characters with
/// an ellipsis; an empty value is `none`.
pub fn quoted(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        return "none".to_owned();
    }
    if s.chars().count() <= QUOTED_CHARS {
        return format!("“{s}”");
    }
    let cut: String = s.chars().take(QUOTED_CHARS - 1).collect();
    format!("“{}…”", cut.trim_end())
}

/// Joins phrases as people write them: "a", "a and b", "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The history of a project as lines, newest first: the records of one change (same time,
/// same person, same object, each a changed field) make one sentence.
pub fn lines(entries: &[HistoryEntry]) -> Vec<Line> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let e = &entries[i];
        let mut n = 1;
        if let Some(first) = changed(e) {
            while let Some(next) = entries.get(i + n) {
                let same = next.at == e.at
                    && next.by == e.by
                    && changed(next).is_some_and(|r| same_object(&r.object, &first.object));
                if !same {
                    break;
                }
                n += 1;
            }
        }
        let group = &entries[i..i + n];
        out.push(Line {
            at: e.at,
            who: e.who.clone(),
            what: sentence(group),
        });
        i += n;
    }
    out
}

/// The record of an entry when it is a changed field.
fn changed(e: &HistoryEntry) -> Option<&HistoryRecord> {
    e.record().filter(|r| r.action == Action::Changed)
}

fn same_object(a: &HistoryObject, b: &HistoryObject) -> bool {
    a.kind == b.kind && a.id == b.id
}

/// The sentence of one entry, or of the changed-field records of one change.
fn sentence(group: &[HistoryEntry]) -> String {
    let records: Vec<&HistoryRecord> = group.iter().filter_map(HistoryEntry::record).collect();
    match (&group[0].what, records.as_slice()) {
        (HistoryWhat::Legacy(text), _) => text.clone(),
        (_, [one]) if one.action != Action::Changed => event(one),
        (_, changes) => changes_sentence(changes),
    }
}

/// The sentence of the entries of one page, for callers that want the words of each entry
/// (tests, logs).
pub fn sentences(entries: &[HistoryEntry]) -> Vec<String> {
    lines(entries).into_iter().map(|l| l.what).collect()
}

/// What an object is called in a sentence: "measure", "primary driver".
fn noun(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Project => "project",
        ObjectKind::Measure => "measure",
        ObjectKind::PdsaCycle => "PDSA cycle",
        ObjectKind::PrimaryDriver => "primary driver",
        ObjectKind::SecondaryDriver => "secondary driver",
        ObjectKind::ChangeIdea => "change idea",
        ObjectKind::TeamMember => "team member",
    }
}

/// " and the node under it", " and the 3 nodes under it", or nothing.
fn under(n: Option<u64>) -> String {
    match n.unwrap_or(0) {
        0 => String::new(),
        1 => " and the node under it".to_owned(),
        n => format!(" and the {n} nodes under it"),
    }
}

/// A number as the history writes it: `12`, `0.5`.
fn number(x: f64) -> String {
    format!("{x}")
}

/// A point as a history sentence writes it: "the 2024-01-01 point (value 12, denominator 40)".
fn point(p: &DataPoint) -> String {
    let mut out = match p.value {
        Some(v) => format!("value {}", number(v)),
        None => "value missing".to_owned(),
    };
    if let Some(d) = p.denominator {
        out.push_str(&format!(", denominator {}", number(d)));
    }
    format!("the {} point ({out})", p.date.format("%F"))
}

/// A sentence for anything but a changed field.
fn event(r: &HistoryRecord) -> String {
    let o = &r.object;
    let label = &o.label;
    match (r.action, o.kind) {
        (Action::Created, ObjectKind::Project) => "created the project".to_owned(),
        (Action::Deleted, ObjectKind::Project) => "deleted the project".to_owned(),
        (Action::Restored, ObjectKind::Project) => "restored the project".to_owned(),
        (Action::Created, kind) => format!("added {} “{label}”", noun(kind)),
        (Action::Deleted, kind) => format!("deleted {} “{label}”{}", noun(kind), under(r.count)),
        (Action::Restored, kind) => {
            format!("restored {} “{label}”{}", noun(kind), under(r.count))
        }
        (Action::MemberAdded, _) => format!("added {label} to the project team"),
        (Action::MemberRemoved, _) => format!("removed {label} from the project team"),
        (Action::DataAdded, _) => {
            let mut what = match r.count.unwrap_or(0) {
                1 => format!("imported 1 data point into “{label}”"),
                n => format!("imported {n} data points into “{label}”"),
            };
            let listed: Vec<String> = r.points.iter().map(point).collect();
            match r.replaced.unwrap_or(0) {
                0 => {}
                n if n == listed.len() as u64 => {
                    what.push_str(&format!(", replacing {}", and_list(&listed)));
                }
                n => what.push_str(&format!(
                    ", replacing {n} earlier values, among them {}",
                    and_list(&listed)
                )),
            }
            what
        }
        (Action::PointRemoved, _) => {
            let p: Vec<String> = r.points.iter().map(point).collect();
            format!("removed {} of “{label}”", and_list(&p))
        }
        (Action::PointPutBack, _) => {
            let p: Vec<String> = r.points.iter().map(point).collect();
            let instead = if r.replaced.unwrap_or(0) > 0 {
                " instead of the value it had"
            } else {
                ""
            };
            format!("put back {} of “{label}”{instead}", and_list(&p))
        }
        (Action::Changed, _) => changes_sentence(&[r]),
    }
}

/// What a field is called in a sentence: "the aim", "the chart type".
fn field_noun(f: Field) -> &'static str {
    match f {
        Field::Title => "the title",
        Field::Problem => "the problem",
        Field::Aim => "the aim",
        Field::Method => "the method",
        Field::Status => "the status",
        Field::Team => "the team",
        Field::Sponsor => "the sponsor",
        Field::Tags => "the tags",
        Field::Lead => "the project lead",
        Field::Name => "the name",
        Field::Kind => "the type",
        Field::Definition => "the definition",
        Field::Unit => "the unit",
        Field::DataSource => "the data source",
        Field::Chart => "the chart type",
        Field::Improvement => "the improvement direction",
        Field::DenominatorLabel => "what the denominator counts",
        Field::Multiplier => "the multiplier",
        Field::Target => "the target",
        Field::Rules => "the rule profile",
        Field::Rebase => "the rebase dates",
        Field::FixAfter => "the baseline",
        Field::Period => "the period",
        Field::StartDate => "the start date",
        Field::ChangeIdea => "the change idea",
        Field::Follows => "the cycle it follows",
        Field::Objective => "the objective",
        Field::Prediction => "the prediction",
        Field::Plan => "the plan",
        Field::DataPlan => "the data to collect",
        Field::DoNotes => "what happened",
        Field::Study => "the study",
        Field::Act => "the decision",
        Field::ActNotes => "the next steps",
        Field::Text => "the text",
        Field::Email => "the email address",
        Field::Role => "the role",
        Field::Section => "the board report section",
        Field::Owner => "the executive owner",
        Field::Sections => "the report's sections",
        Field::Cadence => "how often the report is made",
        Field::Shows => "what the chart shows",
        Field::Why => "why",
        Field::Actions => "the actions",
        Field::Date => "the date",
        Field::Dimension => "the dimension",
        Field::Rating => "the rating",
        Field::Note => "the evidence note",
        Field::Description => "the description",
        Field::Scope => "whose priority it is",
        Field::Priorities => "the strategic priorities",
        Field::PatientPartner => "patient partner involvement",
        Field::EventDate => "the event's date",
        Field::Day => "the report-out's day",
        Field::WhatChanged => "what changed",
        Field::Results => "the results",
        Field::NextSteps => "the next steps",
        Field::WhatWorked => "what worked",
        Field::WhatDidNot => "what did not work",
        Field::Score => "the progress score",
        Field::Reason => "the reason",
        Field::StallWeeks => "the weeks before work is stalled",
        Field::Scale => "the scale of the test",
        Field::Private => "whether it is private to its organisation",
        Field::Idea => "the idea",
        Field::Area => "the area",
        Field::Response => "the response",
        Field::Driver => "the driver",
        Field::Into => "what it becomes",
        Field::ValueKind => "whether it is potential or realised",
        Field::Amount => "the amount",
        Field::Hours => "the hours released",
        Field::CashReleasing => "whether it releases cash",
        Field::Recurrence => "whether it recurs",
        Field::PatientRoles => "the roles patients and carers play",
        Field::InvolvedSince => "since when patients and carers are involved",
        // Of the project's history, only the involvement has a level.
        Field::Level => "how patients and carers are involved",
        Field::Places => "the places",
        Field::Venue => "where it is held",
        Field::Attendance => "the attendance",
        Field::Completed => "whether the course was completed",
        Field::Month => "the month",
        Field::Planned => "the hours planned",
        Field::Used => "the hours used",
        Field::Organisation => "the organisation",
        Field::Measure => "the measure",
        Field::Periods => "the periods",
    }
}

/// A field's value as a sentence writes it: free text quoted and cut, choices and numbers
/// plain, a chart type by its title, a baseline in points; `none` when empty.
fn value(f: Field, v: Option<&str>) -> String {
    let Some(v) = v else {
        return "none".to_owned();
    };
    match f {
        Field::Chart => {
            ChartType::from_str(v).map_or_else(|_| v.to_owned(), |c| c.title().to_owned())
        }
        Field::FixAfter => match v {
            "1" => "the first point".to_owned(),
            n => format!("the first {n} points"),
        },
        Field::Multiplier => v
            .parse::<u32>()
            .ok()
            .and_then(|n| Multiplier::new(n).ok())
            .map_or_else(|| v.to_owned(), |m| m.to_string()),
        Field::Level => gemba_domain::InvolvementLevel::parse(v)
            .map_or_else(|| v.to_owned(), |l| l.label().to_lowercase()),
        Field::PatientRoles => v
            .split(',')
            .map(|r| gemba_domain::PatientRole::parse(r).map_or(r, |r| r.label()))
            .collect::<Vec<_>>()
            .join(", ")
            .to_lowercase(),
        Field::InvolvedSince => v.to_owned(),
        Field::Status
        | Field::Kind
        | Field::Improvement
        | Field::Target
        | Field::Rules
        | Field::Rebase
        | Field::Period
        | Field::StartDate
        | Field::Act => v.to_owned(),
        _ => quoted(v),
    }
}

/// "the aim from “a” to “b”", or "the problem" for prose; a reason follows.
fn phrase(r: &HistoryRecord) -> String {
    let Some(f) = r.field else {
        return "something".to_owned();
    };
    let mut out = if f.is_prose() {
        field_noun(f).to_owned()
    } else {
        format!(
            "{} from {} to {}",
            field_noun(f),
            value(f, r.old.as_deref()),
            value(f, r.new.as_deref())
        )
    };
    if let Some(reason) = &r.reason {
        out.push_str(&format!(" because {}", quoted(reason)));
    }
    out
}

/// The sentence of the changed fields of one object in one change.
fn changes_sentence(changes: &[&HistoryRecord]) -> String {
    let Some(first) = changes.first() else {
        return String::new();
    };
    let o = &first.object;
    let is = |f: Field| move |r: &&&HistoryRecord| r.field == Some(f);
    match o.kind {
        ObjectKind::Project => {
            let p: Vec<String> = changes.iter().map(|r| phrase(r)).collect();
            format!("changed {}", and_list(&p))
        }
        ObjectKind::PrimaryDriver | ObjectKind::SecondaryDriver | ObjectKind::ChangeIdea
            if changes.len() == 1 && first.field == Some(Field::Text) =>
        {
            format!(
                "changed {} {} to {}",
                noun(o.kind),
                value(Field::Text, first.old.as_deref()),
                value(Field::Text, first.new.as_deref())
            )
        }
        kind => {
            let rename = match kind {
                ObjectKind::Measure => changes.iter().find(is(Field::Name)),
                ObjectKind::PdsaCycle => changes.iter().find(is(Field::Title)),
                _ => None,
            };
            let rest: Vec<String> = changes
                .iter()
                .filter(|r| rename.is_none_or(|n| n.field != r.field))
                .map(|r| phrase(r))
                .collect();
            let of = if kind == ObjectKind::PdsaCycle {
                "in"
            } else {
                "of"
            };
            match rename {
                None => format!(
                    "changed {} {of} {} “{}”",
                    and_list(&rest),
                    noun(kind),
                    o.label
                ),
                Some(n) => {
                    let renamed = format!(
                        "renamed {} “{}” to “{}”",
                        noun(kind),
                        n.old.as_deref().unwrap_or_default(),
                        n.new.as_deref().unwrap_or_default()
                    );
                    if rest.is_empty() {
                        renamed
                    } else {
                        format!("{renamed} and changed {}", and_list(&rest))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use gemba_domain::history::{data_added, point_put_back, point_removed, HistoryObject};
    use gemba_domain::UserId;

    fn at(s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2025, 1, 2)
            .unwrap()
            .and_hms_opt(3, 4, s)
            .unwrap()
    }

    /// The entries of one change at second `s` by user 1.
    fn change(s: u32, records: Vec<HistoryRecord>) -> Vec<HistoryEntry> {
        records
            .into_iter()
            .map(|r| HistoryEntry {
                at: at(s),
                by: Some(UserId(1)),
                who: "Asha Patel".into(),
                what: HistoryWhat::Record(r),
            })
            .collect()
    }

    fn obj(kind: ObjectKind, label: &str) -> HistoryObject {
        HistoryObject::new(kind, 5, label)
    }

    fn chg(
        kind: ObjectKind,
        label: &str,
        f: Field,
        old: Option<&str>,
        new: Option<&str>,
    ) -> HistoryRecord {
        HistoryRecord::changed(
            obj(kind, label),
            f,
            old.map(str::to_owned),
            new.map(str::to_owned),
        )
    }

    fn one(r: HistoryRecord) -> String {
        sentences(&change(1, vec![r])).remove(0)
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, d).unwrap()
    }

    fn pt(d: NaiveDate, value: Option<f64>, denominator: Option<f64>) -> DataPoint {
        DataPoint {
            date: d,
            value,
            denominator,
        }
    }

    #[test]
    fn values_are_quoted_and_cut() {
        assert_eq!(quoted(""), "none");
        assert_eq!(quoted("  "), "none");
        assert_eq!(quoted("Reduce falls"), "“Reduce falls”");
        let long = "a".repeat(200);
        let q = quoted(&long);
        assert_eq!(
            q.chars().count(),
            82,
            "quotes, 79 characters and the ellipsis"
        );
        assert!(q.ends_with("…”"));
        assert_eq!(quoted(&"é".repeat(80)), format!("“{}”", "é".repeat(80)));
    }

    #[test]
    fn lists_read_like_sentences() {
        let s = |v: &[&str]| and_list(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&[]), "");
        assert_eq!(s(&["the aim"]), "the aim");
        assert_eq!(s(&["the title", "the aim"]), "the title and the aim");
        assert_eq!(
            s(&["the title", "the aim", "the tags"]),
            "the title, the aim and the tags"
        );
    }

    #[test]
    fn project_changes_read_as_one_sentence_per_change() {
        use ObjectKind::Project;
        let p = "Falls on Wards 7 and 8";
        let mut h = change(
            2,
            vec![
                chg(Project, p, Field::Problem, Some("Old"), Some("New problem")),
                chg(
                    Project,
                    p,
                    Field::Method,
                    Some("Model for Improvement"),
                    Some("Lean"),
                ),
                chg(
                    Project,
                    p,
                    Field::Tags,
                    Some("falls, frailty"),
                    Some("falls"),
                ),
            ],
        );
        h.extend(change(
            1,
            vec![
                chg(Project, p, Field::Title, Some("Falls on Ward 7"), Some(p)),
                chg(Project, p, Field::Status, Some("scoping"), Some("testing")),
                chg(Project, p, Field::Team, Some("Ward 7 team"), None),
            ],
        ));
        h.extend(change(
            0,
            vec![HistoryRecord::new(
                obj(Project, "Falls on Ward 7"),
                Action::Created,
            )],
        ));
        assert_eq!(
            sentences(&h),
            [
                "changed the problem, the method from “Model for Improvement” to “Lean” and the \
                 tags from “falls, frailty” to “falls”",
                "changed the title from “Falls on Ward 7” to “Falls on Wards 7 and 8”, the status \
                 from scoping to testing and the team from “Ward 7 team” to none",
                "created the project",
            ]
        );
        let l = lines(&h);
        assert_eq!((l[0].at, l[0].who.as_str()), (at(2), "Asha Patel"));
    }

    #[test]
    fn long_values_are_cut_in_the_sentence_only() {
        let long = format!("Reduce falls {}", "and harm ".repeat(20));
        let cut: String = long.chars().take(79).collect();
        let h = change(
            1,
            vec![
                chg(
                    ObjectKind::Project,
                    "P",
                    Field::Aim,
                    Some("Reduce falls by 30%"),
                    Some(&long),
                ),
                chg(
                    ObjectKind::Project,
                    "P",
                    Field::Sponsor,
                    Some("Director of Nursing"),
                    None,
                ),
            ],
        );
        assert_eq!(
            sentences(&h),
            [format!(
                "changed the aim from “Reduce falls by 30%” to “{}…” and the sponsor from \
                 “Director of Nursing” to none",
                cut.trim_end()
            )]
        );
        assert_eq!(
            one(chg(
                ObjectKind::PrimaryDriver,
                &long,
                Field::Text,
                Some("Safe"),
                Some(&long)
            )),
            format!("changed primary driver “Safe” to “{}…”", cut.trim_end())
        );
    }

    #[test]
    fn measure_changes_name_the_measure_and_a_rename() {
        use ObjectKind::Measure;
        let m = "Falls per 1,000 occupied bed days";
        let h = change(
            1,
            vec![
                chg(Measure, m, Field::Chart, Some("up"), Some("run")),
                chg(Measure, m, Field::Target, Some("4.5"), None),
                chg(Measure, m, Field::Multiplier, Some("1000"), Some("10000")),
                chg(Measure, m, Field::Definition, Some("a"), Some("b")),
                chg(Measure, m, Field::FixAfter, Some("12"), None),
            ],
        );
        assert_eq!(
            sentences(&h),
            ["changed the chart type from u′ chart (Laney) to Run chart, the target from 4.5 to \
              none, the multiplier from 1,000 to 10,000, the definition and the baseline from the \
              first 12 points to none of measure “Falls per 1,000 occupied bed days”"]
        );
        let h = change(
            1,
            vec![
                chg(Measure, "Falls", Field::Name, Some(m), Some("Falls")),
                chg(
                    Measure,
                    "Falls",
                    Field::Unit,
                    Some("falls per 1,000 bed days"),
                    Some("falls"),
                ),
            ],
        );
        assert_eq!(
            sentences(&h),
            ["renamed measure “Falls per 1,000 occupied bed days” to “Falls” and changed the unit \
              from “falls per 1,000 bed days” to “falls”"]
        );
        assert_eq!(
            one(chg(Measure, "B", Field::Name, Some("A"), Some("B"))),
            "renamed measure “A” to “B”"
        );
        let mut rebase = chg(Measure, "Falls", Field::Rebase, Some("2024-03-01"), None);
        rebase.reason = Some("New falls policy".into());
        assert_eq!(
            one(rebase),
            "changed the rebase dates from 2024-03-01 to none because “New falls policy” of \
             measure “Falls”"
        );
    }

    #[test]
    fn pdsa_changes_read_in_the_cycle() {
        use ObjectKind::PdsaCycle;
        let h = change(
            1,
            vec![
                chg(
                    PdsaCycle,
                    "Bay nursing on nights",
                    Field::Study,
                    None,
                    Some("Fell"),
                ),
                chg(
                    PdsaCycle,
                    "Bay nursing on nights",
                    Field::Act,
                    None,
                    Some("adopt"),
                ),
            ],
        );
        assert_eq!(
            sentences(&h),
            ["changed the study and the decision from none to adopt in PDSA cycle “Bay nursing on \
              nights”"]
        );
        let h = change(
            1,
            vec![
                chg(PdsaCycle, "B", Field::Title, Some("A"), Some("B")),
                chg(PdsaCycle, "B", Field::Act, Some("adopt"), None),
            ],
        );
        assert_eq!(
            sentences(&h),
            ["renamed PDSA cycle “A” to “B” and changed the decision from adopt to none"]
        );
        assert_eq!(
            one(chg(
                PdsaCycle,
                "C",
                Field::ChangeIdea,
                Some("Bay nursing"),
                Some("Low beds")
            )),
            "changed the change idea from “Bay nursing” to “Low beds” in PDSA cycle “C”"
        );
    }

    #[test]
    fn events_read_as_before() {
        use ObjectKind::*;
        let ev = |k, label: &str, a| one(HistoryRecord::new(obj(k, label), a));
        assert_eq!(ev(Project, "P", Action::Deleted), "deleted the project");
        assert_eq!(ev(Project, "P", Action::Restored), "restored the project");
        assert_eq!(
            ev(Measure, "Falls", Action::Created),
            "added measure “Falls”"
        );
        assert_eq!(
            ev(PdsaCycle, "Rounding", Action::Deleted),
            "deleted PDSA cycle “Rounding”"
        );
        assert_eq!(
            ev(ChangeIdea, "Low beds", Action::Restored),
            "restored change idea “Low beds”"
        );
        assert_eq!(
            ev(TeamMember, "Pat Partner", Action::MemberAdded),
            "added Pat Partner to the project team"
        );
        assert_eq!(
            ev(TeamMember, "Pat Partner", Action::MemberRemoved),
            "removed Pat Partner from the project team"
        );
        let node = |n| {
            one(
                HistoryRecord::new(obj(PrimaryDriver, "Safe environment"), Action::Deleted)
                    .with_count(n),
            )
        };
        assert_eq!(node(0), "deleted primary driver “Safe environment”");
        assert_eq!(
            node(1),
            "deleted primary driver “Safe environment” and the node under it"
        );
        assert_eq!(
            node(3),
            "deleted primary driver “Safe environment” and the 3 nodes under it"
        );
    }

    #[test]
    fn data_writes_read_with_their_old_values() {
        let m = || obj(ObjectKind::Measure, "Falls per 1,000 bed days");
        assert_eq!(
            one(data_added(m(), 4, &[])),
            "imported 4 data points into “Falls per 1,000 bed days”"
        );
        assert_eq!(
            one(data_added(m(), 1, &[])),
            "imported 1 data point into “Falls per 1,000 bed days”"
        );
        let two = [
            pt(day(2, 1), None, Some(1195.0)),
            pt(day(3, 1), Some(6.5), Some(1210.0)),
        ];
        assert_eq!(
            one(data_added(m(), 3, &two)),
            "imported 3 data points into “Falls per 1,000 bed days”, replacing the 2024-02-01 \
             point (value missing, denominator 1195) and the 2024-03-01 point (value 6.5, \
             denominator 1210)"
        );
        let five: Vec<DataPoint> = (1..=5).map(|d| pt(day(d, 1), Some(1.0), None)).collect();
        assert_eq!(
            one(data_added(obj(ObjectKind::Measure, "Harms"), 5, &five)),
            "imported 5 data points into “Harms”, replacing 5 earlier values, among them the \
             2024-01-01 point (value 1), the 2024-02-01 point (value 1) and the 2024-03-01 point \
             (value 1)"
        );
        assert_eq!(
            one(point_removed(
                obj(ObjectKind::Measure, "Falls"),
                pt(day(3, 1), Some(12.0), Some(100.0))
            )),
            "removed the 2024-03-01 point (value 12, denominator 100) of “Falls”"
        );
        assert_eq!(
            one(point_put_back(
                obj(ObjectKind::Measure, "Falls"),
                pt(day(2, 1), Some(5.0), None),
                false
            )),
            "put back the 2024-02-01 point (value 5) of “Falls”"
        );
        assert_eq!(
            one(point_put_back(
                obj(ObjectKind::Measure, "Falls"),
                pt(day(1, 1), Some(7.0), Some(100.0)),
                true
            )),
            "put back the 2024-01-01 point (value 7, denominator 100) of “Falls” instead of the \
             value it had"
        );
    }

    #[test]
    fn changes_apart_in_time_or_object_stay_apart_and_legacy_text_is_kept() {
        use ObjectKind::Measure;
        let mut h = change(2, vec![chg(Measure, "A", Field::Unit, None, Some("falls"))]);
        h.extend(change(
            1,
            vec![chg(Measure, "A", Field::Unit, Some("x"), None)],
        ));
        h.push(HistoryEntry {
            at: at(0),
            by: None,
            who: "a removed user".into(),
            what: HistoryWhat::Legacy("changed the aim".into()),
        });
        assert_eq!(
            sentences(&h),
            [
                "changed the unit from none to “falls” of measure “A”",
                "changed the unit from “x” to none of measure “A”",
                "changed the aim",
            ]
        );
        // Two objects in one change read as two sentences.
        let mut two = change(1, vec![chg(Measure, "A", Field::Unit, None, Some("u"))]);
        let mut other = chg(Measure, "B", Field::Unit, None, Some("v"));
        other.object.id = 6;
        two.extend(change(1, vec![other]));
        assert_eq!(sentences(&two).len(), 2);
    }
}
