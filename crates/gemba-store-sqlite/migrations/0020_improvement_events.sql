-- Rapid improvement events: a project that is an event has its date; its team reports out 30, 60
-- and 90 days after it (what changed, results, next steps).
CREATE TABLE improvement_events (
    project_id  INTEGER PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    event_date  TEXT NOT NULL
);

CREATE TABLE report_outs (
    project_id    INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    day           INTEGER NOT NULL CHECK (day IN (30, 60, 90)),
    what_changed  TEXT NOT NULL,
    results       TEXT NOT NULL,
    next_steps    TEXT NOT NULL,
    author_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (project_id, day)
);
