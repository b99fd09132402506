-- History as structured records (issue 9): the domain describes each change (object, action,
-- field, old and new value, reason, counts) and the store keeps it as it is; the edges word it.
-- Rows written before this migration keep their sentence in `what` and no `action`; they are
-- read back as legacy entries. New rows leave `what` empty.
ALTER TABLE history ADD COLUMN object_kind TEXT;
ALTER TABLE history ADD COLUMN object_id INTEGER;
ALTER TABLE history ADD COLUMN object_label TEXT;
ALTER TABLE history ADD COLUMN action TEXT;
ALTER TABLE history ADD COLUMN field TEXT;
ALTER TABLE history ADD COLUMN old_value TEXT;
ALTER TABLE history ADD COLUMN new_value TEXT;
ALTER TABLE history ADD COLUMN reason TEXT;
ALTER TABLE history ADD COLUMN count INTEGER;
ALTER TABLE history ADD COLUMN replaced INTEGER;

-- The data point values a history record keeps: the first old values an import replaced, the
-- value a removal took away, the value put back.
CREATE TABLE history_points (
    history_id  INTEGER NOT NULL REFERENCES history (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    date        TEXT NOT NULL,
    value       REAL,
    denominator REAL,
    PRIMARY KEY (history_id, position)
);
