-- How a measure's values are shown (issue 10): a display multiplier (100 for a percentage,
-- 1,000 for a rate per 1,000 bed days) and what its denominator counts. Existing measures keep
-- showing their values as stored (multiplier 1) with no label.
ALTER TABLE measures ADD COLUMN multiplier INTEGER NOT NULL DEFAULT 1;
ALTER TABLE measures ADD COLUMN denominator_label TEXT NOT NULL DEFAULT '';
