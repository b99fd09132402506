//! Gemba's domain: the improvement workspace in its users' words — organisations, teams and
//! roles; projects with a problem, an aim and a driver diagram; measures and their data;
//! PDSA cycles — with validated types, the use cases the web app and the CLI share, and the
//! [`Store`] trait that storage backends implement.
//!
//! No SQL, HTTP, async runtime or serde here.

mod access;
mod assessment;
mod board;
mod capability;
mod chart;
mod closing;
mod coaching;
mod draft;
mod duplicates;
mod email;
mod engagement;
mod entry;
mod event;
mod field;
mod for_you;
pub mod history;
mod idea;
mod idea_lineage;
mod idea_response;
mod involvement;
pub mod limits;
mod model;
mod period;
mod portfolio;
mod priority;
mod progress;
mod report;
mod search;
mod self_assessment;
mod share;
mod spread;
mod store;
mod system;
mod time;
mod training;
mod units;
mod validate;
mod value;

pub use access::{
    permits, policy_table, team_change, Access, AccessError, Action, Authorized, Grant, Owner,
    Permission, Readable, Resource, POLICY,
};
pub use assessment::{
    check_ratings, disagreement, is_active, median, median_label, medians_over_time, percent,
    results, Assessment, AssessmentDraft, AssessmentFields, BoardMeasureFacts, Dimension,
    DimensionResult, Evidence, Maturity, Rating, RatingDraft, Submission, TeamFacts,
    BALANCE_SECTIONS, BALANCE_STRONG, CURRENT_DATA_MONTHS, CURRENT_STRONG, MANY_PRIORITIES,
    PARTNERS_STRONG, PARTNERS_WEAK, RATED_HIGH, RATED_LOW, SPC_STRONG, STAFF_STRONG, STAFF_WEAK,
};
pub use board::{move_on_board, place_on_board, set_report_sections, take_off_board, BoardError};
pub use capability::{
    capability, capability_by_month, capability_plan, set_capability_plan, Capability,
    CapabilityMonth, CapabilityPlan, Completion, PlanDraft, CAPABILITY_MONTHS,
};
pub use chart::{measure_chart, share_run_chart, Annotation, MeasureChart};
pub use closing::{
    change_package, library, may_sum_up, write_closing_summary, AdoptedChange, ClosingDraft,
    ClosingSummary, ClosingText, LibraryEntry,
};
pub use coaching::{
    assign_coach, coaches_of, coaching_loads, loads, remove_coach, CoachLoad, MAX_COACHES,
};
pub use draft::{
    check_pdsa_links, check_team, grouped, measure_chart as parse_measure_chart, parse_date,
    parse_role, report_sections, rule_profile, split_tags, BoardPlaceDraft, DriverTextDraft, Field,
    FieldProblem, MeasureDraft, NameDraft, PdsaDraft, PersonDraft, PersonFields, Problem, Problems,
    ProjectDraft, RebaseDraft, AUTOMATIC_MULTIPLIER, MAX_REPORT_SECTIONS, MEASURE_CHARTS,
    RULE_PROFILES,
};
pub use duplicates::{
    likely_duplicates, LikelyDuplicate, DUPLICATE_SHARE, MAX_DUPLICATES, SHARED_WORDS,
};
pub use email::{
    email_subject, outbox, retry_delay, Outbox, OutboxEmail, MAX_ATTEMPTS, OUTBOX_LIMIT,
    SUBJECT_CHARS,
};
pub use engagement::{engagement, monthly_engagement, Engagement, TeamEngagement, TookPart};
pub use entry::{
    check_entries, doc_example_measure, DoubtReason, EntryCheck, EntryDoubt, EntryField,
    EntryProblem, EntryRefusal, EntryRow,
};
pub use event::{
    report_outs_due, schedule, set_event, write_report_out, ReportOut, ReportOutDraft,
    ReportOutState, ReportOutText, REPORT_OUT_DAYS,
};
pub use for_you::{
    awaits_study, for_you, CycleAwaitingStudy, DataDue, ForYou, IdeaWaiting, ReportOutDue,
    FOR_YOU_LIMIT, STUDY_AFTER_DAYS,
};
pub use history::{HistoryEntry, HistoryRecord, HistoryWhat};
pub use idea::{
    comment_on_idea, idea, idea_comments, ideas_of, mark_notifications_read, notifications,
    submit_idea, support_idea, triage_idea, Idea, IdeaComment, IdeaDraft, IdeaStatus, IdeaText,
    NewNotification, Notification, Triage, TriageDraft, MAX_NOTIFICATIONS,
};
pub use idea_lineage::{
    convert_idea, shortened, Became, Conversion, ConvertDraft, IdeaInto, CONVERSIONS,
};
pub use idea_response::{
    days_between, response_target, response_times, responses, set_response_target, ResponseTarget,
    ResponseTimes, TeamResponses, MAX_TARGET_DAYS, MIN_TARGET_DAYS,
};
pub use involvement::{
    involvement_records, my_projects, partnered, project_involvement, roles_text, set_involvement,
    Involvement, InvolvementDraft, InvolvementFields, InvolvementLevel, MyProject, PatientRole,
    PlainSignal, ProjectInvolvement, RECENT_CHANGES,
};
pub use model::*;
pub use period::{locate, Period, Position};
pub use portfolio::{
    arrange, is_active_work, portfolio, portfolios, MeasureIcons, Portfolio, PortfolioCache,
    PortfolioFilter, PortfolioProject, PriorityGroup,
};
pub use priority::{
    create_priority, delete_priority, link_priorities, priority, update_priority, Priority,
    PriorityDraft, PriorityScope, PriorityText, MAX_PROJECT_PRIORITIES,
};
pub use progress::{
    derive_progress, gather as gather_progress, override_record, predictions_after_study,
    progress_given, progress_of, project_progress, set_progress_override, set_stall_weeks, stalled,
    CycleFacts, MeasureSignal, MethodQuality, OverrideDraft, Progress, ProgressError,
    ProgressEvidence, ProgressOverride, ProjectProgress, Score, Step, BASELINE_POINTS,
    DEFAULT_STALL_WEEKS, INTENT, OVERRIDE_REASON, SUSTAIN_POINTS,
};
pub use report::{
    already_published, check_period, create_report, delete_report, may_write_narrative,
    publish_report, saved_report, update_report, write_narrative, Cadence, Narrative,
    NarrativeDraft, NarrativeText, Publication, PublishedCopy, ReportDraft, ReportPeriod,
    ReportSettings, SavedReport, NARRATIVE_PART,
};
pub use search::{
    check_query, search, similar, similar_to_new, QueryProblem, SearchError, SearchHit,
    SearchTerms, DEFAULT_RESULTS, MAX_QUERY_CHARS, MAX_RESULTS, MAX_TERMS, SIMILAR_RESULTS,
    SIMILAR_TERMS,
};
pub use self_assessment::{
    assessment_view, compare_assessments, gather_evidence, rate_board, start_assessment,
    AssessmentError, AssessmentView, Comparison,
};
pub use share::{
    current_partner_share, month_end, month_of, monthly_partner_share, months_between,
    partner_dates, partner_share, PartnerShare, ProjectDates, Share, SHARE_MONTHS,
};
pub use spread::{
    adopt, adopt_choices, adopted_measure, adopted_project, adoption_links, align, funnel_type,
    shared_axis, spread, spread_funnel, spreads, window_of, AdoptChoices, AdoptDraft, Adoption,
    AdoptionLinks, NewAdoption, SpreadDraft, SpreadFunnel, SpreadMember, SpreadView,
    DEFAULT_WINDOW, MAX_AXIS, MAX_WINDOW,
};
pub use store::{Session, Store, StoreError};
pub use system::{
    portfolio_orgs, set_system_role, system_of, system_portfolio, system_role, SystemPortfolio,
    SystemPriority, SystemView,
};
pub use time::{
    org_time, project_time, record_time, roll_up_time, TimeDraft, TimeEntry, TimeRollUp, TimeRow,
    MAX_HOURS,
};
pub use training::{
    add_course, add_training_session, cancel_place, course, courses_of, edit_course,
    edit_training_session, level_of, promotions, record_attendance, request_place, session_places,
    state_for_new, training_record, training_session, training_sessions_of, waiting_list,
    waiting_position, Attendance, AttendanceDraft, Course, CourseDraft, CourseText, Level, Place,
    PlaceState, RecordEntry, TrainingRecord, TrainingSession, TrainingSessionDraft,
    TrainingSessionFields, MAX_COURSES, MAX_PLACES, MAX_SESSIONS,
};
pub use units::{chart_takes_multiplier, check_chart_settings, Multiplier};
pub use validate::{
    bounded_number, optional_number, Email, FieldError, NonEmpty, FIX_AFTER_RANGE, MAX_MAGNITUDE,
};
pub use value::{
    confirm_value, delete_value, org_value, parse_pence, pounds, record_value, roll_up,
    update_value, value_entry, value_of, OrgValue, ProjectValue, Recurrence, SystemValue,
    ValueDraft, ValueEntry, ValueFields, ValueGroup, ValueKind, ValueMonth, ValueRollUp, ValueSum,
    ValueTotals, MAX_VALUE_MONTHS,
};
