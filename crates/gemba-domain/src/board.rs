//! The board's use cases, once for pages and API: putting a measure on the board report (or
//! taking it off) and setting the report's sections, each behind its access check.

use crate::access::{Access, AccessError, Action, Resource};
use crate::draft::{report_sections, BoardPlaceDraft, Field, FieldProblem, Problem, Problems};
use crate::model::{BoardPlace, MeasureId, OrgId};
use crate::store::StoreError;

/// Why a board use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    /// No such thing for this user, or their role may not (see [`AccessError`]).
    #[error(transparent)]
    Access(#[from] AccessError),
    /// What was sent is not valid; every problem, by field.
    #[error("invalid: {0:?}")]
    Invalid(Problems),
    /// The change breaks a rule of the report (a section that still has measures cannot go);
    /// the text says which.
    #[error("{0}")]
    Refused(String),
}

impl From<StoreError> for BoardError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(why) => BoardError::Refused(why),
            other => BoardError::Access(AccessError::Store(other)),
        }
    }
}

/// Puts `measure` on its organisation's board report, or moves it to another section or owner
/// ([`Action::ManageBoard`]). An owner who is not an active member of the organisation is a
/// problem of the owner field.
pub async fn place_on_board(
    access: &Access<'_>,
    measure: MeasureId,
    draft: &BoardPlaceDraft,
) -> Result<BoardPlace, BoardError> {
    let org = access
        .resource(Resource::Measure(measure), Action::ManageBoard)
        .await?
        .grant()
        .org();
    let store = access.store();
    let sections = store.report_sections(org).await?;
    let place = draft.apply(&sections).map_err(BoardError::Invalid)?;
    match store
        .set_board_place(measure, Some(&place), access.user())
        .await
    {
        Ok(()) => Ok(place),
        Err(StoreError::Missing(_)) => Err(BoardError::Invalid(vec![FieldProblem {
            field: Field::Owner,
            index: None,
            problem: Problem::Rule("must be one of the organisation's active members".into()),
        }])),
        Err(e) => Err(e.into()),
    }
}

/// Takes `measure` off the board report ([`Action::ManageBoard`]); `false` when it was not on
/// it. It keeps its data.
pub async fn take_off_board(access: &Access<'_>, measure: MeasureId) -> Result<bool, BoardError> {
    access
        .resource(Resource::Measure(measure), Action::ManageBoard)
        .await?;
    let store = access.store();
    if store.board_place(measure).await?.is_none() {
        return Ok(false);
    }
    store.set_board_place(measure, None, access.user()).await?;
    Ok(true)
}

/// Sets the sections of `org`'s board report, in order, from what was given
/// ([`report_sections`], [`Action::ManageBoard`]); returns them.
pub async fn set_report_sections(
    access: &Access<'_>,
    org: OrgId,
    given: &[String],
) -> Result<Vec<String>, BoardError> {
    access.org(org, Action::ManageBoard)?;
    let sections = report_sections(given).map_err(BoardError::Invalid)?;
    access.store().set_report_sections(org, &sections).await?;
    Ok(sections)
}

/// Moves `measure` one place earlier (`earlier`) or later within its section of the board
/// report ([`Action::ManageBoard`]): the order the reports show it in. `false` when it was
/// already first (or last); not on the board report is not found.
pub async fn move_on_board(
    access: &Access<'_>,
    measure: MeasureId,
    earlier: bool,
) -> Result<bool, BoardError> {
    access
        .resource(Resource::Measure(measure), Action::ManageBoard)
        .await?;
    match access.store().move_on_board(measure, earlier).await {
        Err(StoreError::Missing(_)) => Err(BoardError::Access(AccessError::NotFound)),
        other => Ok(other?),
    }
}
