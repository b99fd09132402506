-- Optimistic concurrency: every editable object carries a version, 1 when created and one more
-- after every change (deletes and restores too). A write names the version it was based on and
-- changes the row only if that is still the stored version (`UPDATE … WHERE id = ? AND
-- version = ?`), so an edit made from a stale read is refused instead of silently undoing
-- someone else's. Rows that exist already start at 1.
ALTER TABLE projects ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE measures ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE pdsa_cycles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE driver_nodes ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- The old values of data points that an import replaced or a user removed, so that they can be
-- put back. `change` says which; `restored_at` is set once a value has been put back.
CREATE TABLE data_point_revisions (
    id           INTEGER PRIMARY KEY,
    measure_id   INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    date         TEXT NOT NULL,
    value        REAL,
    denominator  REAL,
    change       TEXT NOT NULL CHECK (change IN ('replaced', 'removed')),
    user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    at           TEXT NOT NULL,
    restored_at  TEXT,
    restored_by  INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX data_point_revisions_measure ON data_point_revisions (measure_id, id);
CREATE INDEX data_point_revisions_user ON data_point_revisions (user_id);
CREATE INDEX data_point_revisions_restored_by ON data_point_revisions (restored_by);
