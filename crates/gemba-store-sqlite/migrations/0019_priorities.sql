-- Strategic priorities (the "golden thread"): an organisation's own, or its system's (an
-- integrated care system, named as organisations name their system), and the projects that
-- serve each.
CREATE TABLE priorities (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER REFERENCES orgs (id) ON DELETE CASCADE,
    system       TEXT,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    CHECK ((org_id IS NULL) <> (system IS NULL))
);
CREATE INDEX priorities_org ON priorities (org_id);
CREATE INDEX priorities_system ON priorities (system);

CREATE TABLE project_priorities (
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    priority_id  INTEGER NOT NULL REFERENCES priorities (id) ON DELETE CASCADE,
    PRIMARY KEY (project_id, priority_id)
);
CREATE INDEX project_priorities_priority ON project_priorities (priority_id);
