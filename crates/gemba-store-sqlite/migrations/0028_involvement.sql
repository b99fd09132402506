-- How patients and carers are involved in a project (issue 13 §3): the rung of the ladder of
-- engagement, the roles they play (their names, comma-separated, in the domain's order), a note
-- and since when; who recorded it last and when, and its version. A project without a row has
-- recorded none ("none yet", version 0).
CREATE TABLE project_involvement (
    project_id  INTEGER PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    level       TEXT NOT NULL
                CHECK (level IN ('none_yet', 'inform', 'consult', 'involve', 'co_produce')),
    roles       TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    since       TEXT,
    by_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

-- When each idea was supported, so that supporting an idea counts as taking part in
-- improvement in its month (issue 13 §5); supports from before this migration stay undated.
ALTER TABLE idea_supports ADD COLUMN supported_at TEXT;
