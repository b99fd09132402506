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
