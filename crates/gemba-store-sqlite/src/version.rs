//! Optimistic concurrency: every editable row has a `version`, and a write changes the row only
//! while the version is the one its caller read (a compare-and-swap in the write's transaction).

use gemba_domain::{StoreError, Version};

/// `Stale` naming `what` unless the stored version is the expected one (`None`: any version).
pub(crate) fn check(
    what: impl FnOnce() -> String,
    stored: Version,
    expected: Option<Version>,
) -> Result<(), StoreError> {
    match expected {
        Some(v) if v != stored => Err(StoreError::Stale(what())),
        _ => Ok(()),
    }
}

/// `Stale` naming `what` unless an `UPDATE … WHERE id = ? AND version = ?` changed a row.
pub(crate) fn swapped(what: impl FnOnce() -> String, rows: u64) -> Result<(), StoreError> {
    if rows == 0 {
        Err(StoreError::Stale(what()))
    } else {
        Ok(())
    }
}

/// The version after one more change.
pub(crate) fn next(v: Version) -> Version {
    Version(v.0 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_expected_version_passes() {
        let what = || "the project 1".to_owned();
        assert!(check(what, Version(3), Some(Version(3))).is_ok());
        assert!(check(what, Version(3), None).is_ok());
        assert!(matches!(
            check(what, Version(3), Some(Version(2))),
            Err(StoreError::Stale(w)) if w == "the project 1"
        ));
        assert!(swapped(what, 1).is_ok());
        assert!(matches!(swapped(what, 0), Err(StoreError::Stale(_))));
        assert_eq!(next(Version(1)), Version(2));
    }
}
