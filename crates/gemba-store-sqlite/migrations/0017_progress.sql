-- A project's progress score as its lead assessed it, beside the one derived from the record
-- (issue 12): the score in halves from 0.5 to 5.0 (stored as tenths, 5 to 50), why, who and
-- when; clearing it empties all four. The number of weeks without new data or PDSA activity
-- before an organisation's projects are flagged as stalled (6 unless it chose otherwise).
ALTER TABLE projects ADD COLUMN progress_tenths INTEGER
    CHECK (progress_tenths IS NULL OR (progress_tenths BETWEEN 5 AND 50 AND progress_tenths % 5 = 0));
ALTER TABLE projects ADD COLUMN progress_reason TEXT;
ALTER TABLE projects ADD COLUMN progress_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE projects ADD COLUMN progress_at TEXT;
ALTER TABLE orgs ADD COLUMN stall_weeks INTEGER NOT NULL DEFAULT 6 CHECK (stall_weeks BETWEEN 1 AND 52);
-- The scale of a PDSA cycle's test, in the team's words ("1 patient", "1 night shift", "the
-- whole ward"): one of the features of the method's quality (Taylor et al. 2014).
ALTER TABLE pdsa_cycles ADD COLUMN scale TEXT NOT NULL DEFAULT '';
