//! The fields of the workspace's objects, once: what a draft's problem names, what a history
//! record says changed, and (by [`Field::name`]) the field's name in the API's JSON.

use std::fmt;

/// A field of a project, measure, PDSA cycle, driver diagram node or person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// A project's or PDSA cycle's title.
    Title,
    /// A project's problem (prose).
    Problem,
    /// A project's aim.
    Aim,
    /// A project's improvement method.
    Method,
    /// A project's status.
    Status,
    /// A project's team.
    Team,
    /// A project's sponsor.
    Sponsor,
    /// A project's tags.
    Tags,
    /// A project's lead.
    Lead,
    /// A measure's, person's, team's or organisation's name.
    Name,
    /// A measure's type (outcome, process, balancing).
    Kind,
    /// A measure's operational definition (prose).
    Definition,
    /// A measure's unit.
    Unit,
    /// A measure's data source.
    DataSource,
    /// What a measure's denominator counts.
    DenominatorLabel,
    /// A measure's chart type.
    Chart,
    /// A measure's improvement direction.
    Improvement,
    /// A measure's target.
    Target,
    /// A measure's rule profile.
    Rules,
    /// A measure's rebases.
    Rebase,
    /// How many points a measure's baseline takes.
    FixAfter,
    /// What one of a measure's points stands for.
    Period,
    /// A measure's display multiplier.
    Multiplier,
    /// A PDSA cycle's start date.
    StartDate,
    /// The change idea a PDSA cycle tests.
    ChangeIdea,
    /// The cycle a PDSA cycle follows.
    Follows,
    /// A PDSA cycle's objective (prose).
    Objective,
    /// A PDSA cycle's prediction (prose).
    Prediction,
    /// A PDSA cycle's plan (prose).
    Plan,
    /// The data a PDSA cycle collects (prose).
    DataPlan,
    /// What happened in a PDSA cycle (prose).
    DoNotes,
    /// A PDSA cycle's study (prose).
    Study,
    /// A PDSA cycle's decision.
    Act,
    /// What next, after a PDSA cycle (prose).
    ActNotes,
    /// A driver diagram node's text.
    Text,
    /// A person's email.
    Email,
    /// A person's role.
    Role,
    /// A measure's section of the board report (none: not on the report).
    Section,
    /// A board measure's executive owner.
    Owner,
    /// A saved board report's sections.
    Sections,
    /// A saved board report's cadence (monthly or quarterly).
    Cadence,
    /// A narrative's "what the chart shows".
    Shows,
    /// A narrative's "why".
    Why,
    /// A narrative's "actions and by when".
    Actions,
    /// The date a board self-assessment was held.
    Date,
    /// A dimension of QI governance, in a self-assessment's rating.
    Dimension,
    /// A rating's level of maturity (1 to 5).
    Rating,
    /// A rating's evidence note (prose).
    Note,
    /// A priority's description (prose).
    Description,
    /// Whose a priority is: the organisation's or its system's.
    Scope,
    /// The strategic priorities a project serves.
    Priorities,
    /// Whether a project's team has a patient partner (a portfolio filter).
    PatientPartner,
    /// A rapid improvement event's date.
    EventDate,
    /// A report-out's day after the event (30, 60 or 90).
    Day,
    /// A report-out's "what changed" (prose).
    WhatChanged,
    /// A report-out's results (prose).
    Results,
    /// A report-out's next steps (prose).
    NextSteps,
    /// A closing summary's "what worked" (prose).
    WhatWorked,
    /// A closing summary's "what did not" (prose).
    WhatDidNot,
    /// A project's progress score as its lead assessed it (0.5 to 5.0).
    Score,
    /// Why a project's progress score was set over the derived one.
    Reason,
    /// Weeks without activity before an organisation's projects are stalled.
    StallWeeks,
    /// The scale of a PDSA cycle's test ("1 patient", "1 shift", "1 ward").
    Scale,
    /// Whether a project is private to its organisation (else its system's other organisations
    /// see it too).
    Private,
    /// An idea's idea (what to change).
    Idea,
    /// The area an idea concerns.
    Area,
    /// The response to an idea that its submitter sees.
    Response,
    /// The driver a change idea hangs from (an idea turned into a change idea).
    Driver,
    /// What an idea becomes: a project or a change idea.
    Into,
    /// A value entry's kind: potential or realised.
    ValueKind,
    /// A value entry's amount of money, in pounds.
    Amount,
    /// A value entry's hours released.
    Hours,
    /// Whether a value entry releases cash.
    CashReleasing,
    /// Whether a value entry recurs every year or is one-off.
    Recurrence,
    /// The roles patients and carers play in a project.
    PatientRoles,
    /// Since when patients and carers have been involved in a project at its level.
    InvolvedSince,
    /// A level: a training course's (foundation, practitioner, expert / coach), or how far
    /// patients and carers are involved in a project (the ladder of engagement).
    Level,
    /// How many places a training session has.
    Places,
    /// Where a training session is held.
    Venue,
    /// Whether someone attended a training session.
    Attendance,
    /// Whether someone completed a training course.
    Completed,
    /// The month of an entry of protected time.
    Month,
    /// Hours planned for improvement.
    Planned,
    /// Hours used for improvement.
    Used,
    /// The organisation something is done in (adopting a change package).
    Organisation,
    /// A measure, chosen by its id (the spread view's shared measure).
    Measure,
    /// A window of periods (the spread view's funnel plot).
    Periods,
}

impl Field {
    /// Every field.
    pub const ALL: [Field; 87] = [
        Field::Title,
        Field::Problem,
        Field::Aim,
        Field::Method,
        Field::Status,
        Field::Team,
        Field::Sponsor,
        Field::Tags,
        Field::Lead,
        Field::Name,
        Field::Kind,
        Field::Definition,
        Field::Unit,
        Field::DataSource,
        Field::DenominatorLabel,
        Field::Chart,
        Field::Improvement,
        Field::Target,
        Field::Rules,
        Field::Rebase,
        Field::FixAfter,
        Field::Period,
        Field::Multiplier,
        Field::StartDate,
        Field::ChangeIdea,
        Field::Follows,
        Field::Objective,
        Field::Prediction,
        Field::Plan,
        Field::DataPlan,
        Field::DoNotes,
        Field::Study,
        Field::Act,
        Field::ActNotes,
        Field::Text,
        Field::Email,
        Field::Role,
        Field::Section,
        Field::Owner,
        Field::Sections,
        Field::Cadence,
        Field::Shows,
        Field::Why,
        Field::Actions,
        Field::Date,
        Field::Dimension,
        Field::Rating,
        Field::Note,
        Field::Description,
        Field::Scope,
        Field::Priorities,
        Field::PatientPartner,
        Field::EventDate,
        Field::Day,
        Field::WhatChanged,
        Field::Results,
        Field::NextSteps,
        Field::WhatWorked,
        Field::WhatDidNot,
        Field::Score,
        Field::Reason,
        Field::StallWeeks,
        Field::Scale,
        Field::Private,
        Field::Idea,
        Field::Area,
        Field::Response,
        Field::Driver,
        Field::Into,
        Field::ValueKind,
        Field::Amount,
        Field::Hours,
        Field::CashReleasing,
        Field::Recurrence,
        Field::PatientRoles,
        Field::InvolvedSince,
        Field::Level,
        Field::Places,
        Field::Venue,
        Field::Attendance,
        Field::Completed,
        Field::Month,
        Field::Planned,
        Field::Used,
        Field::Organisation,
        Field::Measure,
        Field::Periods,
    ];

    /// The field's name in the API (`team_id`, `type`, `change_idea_id`…), also the name a
    /// history record is stored with.
    pub fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Problem => "problem",
            Field::Aim => "aim",
            Field::Method => "method",
            Field::Status => "status",
            Field::Team => "team_id",
            Field::Sponsor => "sponsor",
            Field::Tags => "tags",
            Field::Lead => "lead_id",
            Field::Name => "name",
            Field::Kind => "type",
            Field::Definition => "definition",
            Field::Unit => "unit",
            Field::DataSource => "data_source",
            Field::DenominatorLabel => "denominator_label",
            Field::Chart => "chart",
            Field::Improvement => "improvement",
            Field::Target => "target",
            Field::Rules => "rules",
            Field::Rebase => "rebase",
            Field::FixAfter => "fix_after",
            Field::Period => "period",
            Field::Multiplier => "multiplier",
            Field::StartDate => "start_date",
            Field::ChangeIdea => "change_idea_id",
            Field::Follows => "follows_id",
            Field::Objective => "objective",
            Field::Prediction => "prediction",
            Field::Plan => "plan",
            Field::DataPlan => "data_plan",
            Field::DoNotes => "do_notes",
            Field::Study => "study",
            Field::Act => "act",
            Field::ActNotes => "act_notes",
            Field::Text => "text",
            Field::Email => "email",
            Field::Role => "role",
            Field::Section => "section",
            Field::Owner => "owner_id",
            Field::Sections => "sections",
            Field::Cadence => "cadence",
            Field::Shows => "shows",
            Field::Why => "why",
            Field::Actions => "actions",
            Field::Date => "date",
            Field::Dimension => "dimension",
            Field::Rating => "rating",
            Field::Note => "note",
            Field::Description => "description",
            Field::Scope => "scope",
            Field::Priorities => "priority_ids",
            Field::PatientPartner => "patient_partner",
            Field::EventDate => "event_date",
            Field::Day => "day",
            Field::WhatChanged => "what_changed",
            Field::Results => "results",
            Field::NextSteps => "next_steps",
            Field::WhatWorked => "what_worked",
            Field::WhatDidNot => "what_did_not",
            Field::Score => "score",
            Field::Reason => "reason",
            Field::StallWeeks => "stall_weeks",
            Field::Scale => "scale",
            Field::Private => "private",
            Field::Idea => "idea",
            Field::Area => "area",
            Field::Response => "response",
            Field::Driver => "driver_id",
            Field::Into => "into",
            Field::ValueKind => "kind",
            Field::Amount => "amount",
            Field::Hours => "hours",
            Field::CashReleasing => "cash_releasing",
            Field::Recurrence => "recurrence",
            Field::PatientRoles => "patient_roles",
            Field::InvolvedSince => "involved_since",
            Field::Level => "level",
            Field::Places => "places",
            Field::Venue => "venue",
            Field::Attendance => "attendance",
            Field::Completed => "completed",
            Field::Month => "month",
            Field::Planned => "planned_hours",
            Field::Used => "used_hours",
            Field::Organisation => "organisation_id",
            Field::Measure => "measure_id",
            Field::Periods => "periods",
        }
    }

    /// The field of a [`Field::name`].
    pub fn parse(s: &str) -> Option<Field> {
        Self::ALL.into_iter().find(|f| f.name() == s)
    }

    /// Whether the field is prose: a history sentence names it without quoting the values (the
    /// record still keeps them).
    pub fn is_prose(self) -> bool {
        matches!(
            self,
            Field::Problem
                | Field::Definition
                | Field::Objective
                | Field::Prediction
                | Field::Plan
                | Field::DataPlan
                | Field::DoNotes
                | Field::Study
                | Field::ActNotes
                | Field::Shows
                | Field::Why
                | Field::Actions
                | Field::Note
                | Field::Description
                | Field::WhatChanged
                | Field::Results
                | Field::NextSteps
                | Field::WhatWorked
                | Field::WhatDidNot
                | Field::Reason
        )
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        let mut names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Field::ALL.len());
        for f in Field::ALL {
            assert_eq!(Field::parse(f.name()), Some(f));
        }
        assert_eq!(Field::parse("team"), None);
    }
}
