-- What improvement is worth (issue 13): a project's potential value (an estimate with its
-- method) and realised value (released, with evidence), in money (whole pence) and hours
-- released; a realised entry counts once finance has confirmed it (confirmed_at), and a change
-- of its figures takes the confirmation away. Deleting an entry removes it.
CREATE TABLE value_entries (
    id              INTEGER PRIMARY KEY,
    project_id      INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('potential', 'realised')),
    amount_pence    INTEGER NOT NULL CHECK (amount_pence >= 0),
    hours           REAL NOT NULL DEFAULT 0 CHECK (hours >= 0),
    cash_releasing  INTEGER NOT NULL DEFAULT 0 CHECK (cash_releasing IN (0, 1)),
    recurrence      TEXT NOT NULL CHECK (recurrence IN ('one_off', 'recurrent')),
    date            TEXT NOT NULL,
    method          TEXT NOT NULL,
    recorded_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    recorded_at     TEXT NOT NULL,
    confirmed_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    confirmed_at    TEXT,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX value_entries_project ON value_entries (project_id, date);
