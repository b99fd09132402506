-- Gemba's schema, version 1.
--
-- Never edit this file once it is committed: sqlx checks its checksum. Change the schema by
-- adding 0002_….sql and so on.
--
-- Conventions: enums are stored as their `name()` strings (`admin`, `testing`, `xmr`…); dates
-- as ISO text (`2024-01-31`); times as UTC text written by sqlx (`2024-01-31 09:15:00.123`).
-- Projects are deleted softly (`deleted_at`), so nothing below a project is ever lost.

CREATE TABLE orgs (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    system  TEXT
);

CREATE TABLE teams (
    id      INTEGER PRIMARY KEY,
    org_id  INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    name           TEXT NOT NULL,
    password_hash  TEXT NOT NULL
);

CREATE TABLE memberships (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id   INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    role     TEXT NOT NULL,
    PRIMARY KEY (user_id, org_id)
);
CREATE INDEX memberships_org ON memberships (org_id);

CREATE TABLE sessions (
    secret_hash  TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf         TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    secret_hash  TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE projects (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    team_id     INTEGER REFERENCES teams (id) ON DELETE SET NULL,
    title       TEXT NOT NULL,
    problem     TEXT NOT NULL,
    aim         TEXT NOT NULL,
    method      TEXT NOT NULL,
    status      TEXT NOT NULL,
    sponsor     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT,
    deleted_by  INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX projects_org ON projects (org_id, deleted_at);
CREATE INDEX projects_team ON projects (team_id);
CREATE INDEX projects_deleted_by ON projects (deleted_by);

-- A project's tags in the order the user gave them.
CREATE TABLE project_tags (
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    tag         TEXT NOT NULL,
    PRIMARY KEY (project_id, position)
);
CREATE INDEX project_tags_tag ON project_tags (tag);

-- Driver diagram: primary drivers have no parent; deleting a node deletes its subtree.
CREATE TABLE driver_nodes (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    parent_id   INTEGER REFERENCES driver_nodes (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    position    INTEGER NOT NULL
);
CREATE INDEX driver_nodes_project ON driver_nodes (project_id, position);
CREATE INDEX driver_nodes_parent ON driver_nodes (parent_id);

CREATE TABLE measures (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    definition   TEXT NOT NULL,
    unit         TEXT NOT NULL,
    data_source  TEXT NOT NULL,
    chart        TEXT NOT NULL,
    improvement  TEXT NOT NULL,
    target       REAL,
    rules        TEXT NOT NULL,
    -- Comma-separated ISO dates where a new phase starts ('' for none).
    rebase       TEXT NOT NULL DEFAULT '',
    fix_after    INTEGER CHECK (fix_after IS NULL OR fix_after >= 0),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX measures_project ON measures (project_id);

-- One value per measure and date; a missing value is NULL.
CREATE TABLE data_points (
    measure_id   INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    date         TEXT NOT NULL,
    value        REAL,
    denominator  REAL,
    PRIMARY KEY (measure_id, date)
);

CREATE TABLE pdsa_cycles (
    id              INTEGER PRIMARY KEY,
    project_id      INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    change_idea_id  INTEGER REFERENCES driver_nodes (id) ON DELETE SET NULL,
    follows_id      INTEGER REFERENCES pdsa_cycles (id) ON DELETE SET NULL,
    title           TEXT NOT NULL,
    start_date      TEXT,
    objective       TEXT NOT NULL,
    prediction      TEXT NOT NULL,
    plan            TEXT NOT NULL,
    data_plan       TEXT NOT NULL,
    do_notes        TEXT NOT NULL,
    study           TEXT NOT NULL,
    act             TEXT,
    act_notes       TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX pdsa_cycles_project ON pdsa_cycles (project_id, start_date);
CREATE INDEX pdsa_cycles_change_idea ON pdsa_cycles (change_idea_id);
CREATE INDEX pdsa_cycles_follows ON pdsa_cycles (follows_id);

-- Who changed what in a project, and when; written in the same transaction as the change.
CREATE TABLE history (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    at          TEXT NOT NULL,
    what        TEXT NOT NULL
);
CREATE INDEX history_project ON history (project_id, id);
CREATE INDEX history_user ON history (user_id);
