-- A project's closing summary: what worked, what did not, and the results, written when it is
-- closed (or sustained), for the learning library.
CREATE TABLE closing_summaries (
    project_id     INTEGER PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    what_worked    TEXT NOT NULL,
    what_did_not   TEXT NOT NULL,
    results        TEXT NOT NULL,
    author_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at     TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
