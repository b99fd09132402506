-- Measures and PDSA cycles are deleted softly, like projects: `deleted_at` hides them, an admin
-- can restore them, and their data and history stay. Rows deleted before this migration do not
-- exist (nothing could delete them).
ALTER TABLE measures ADD COLUMN deleted_at TEXT;
ALTER TABLE measures ADD COLUMN deleted_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX measures_deleted_by ON measures (deleted_by);

ALTER TABLE pdsa_cycles ADD COLUMN deleted_at TEXT;
ALTER TABLE pdsa_cycles ADD COLUMN deleted_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX pdsa_cycles_deleted_by ON pdsa_cycles (deleted_by);
