-- Saved board reports, the owners' narratives and published reports. A saved report names the
-- report sections it shows (a JSON array of names, in its order; empty for all) and its cadence.
CREATE TABLE saved_reports (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    title          TEXT NOT NULL,
    cadence        TEXT NOT NULL CHECK (cadence IN ('month', 'quarter')),
    sections       TEXT NOT NULL DEFAULT '[]',
    concern_first  INTEGER NOT NULL DEFAULT 0,
    version        INTEGER NOT NULL DEFAULT 1,
    created_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX saved_reports_org ON saved_reports (org_id);

-- The executive owner's narrative for one measure and reporting period (`2026-03`, `2026-Q1`).
CREATE TABLE narratives (
    measure_id  INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    period      TEXT NOT NULL,
    shows       TEXT NOT NULL,
    why         TEXT NOT NULL,
    actions     TEXT NOT NULL,
    author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (measure_id, period)
);

-- A published period of a saved report, kept exactly as the board saw it: the rendered HTML
-- and PDF and the summary's JSON. Never changed; the report cannot be deleted while it has any.
CREATE TABLE report_publications (
    report_id     INTEGER NOT NULL REFERENCES saved_reports (id) ON DELETE RESTRICT,
    period        TEXT NOT NULL,
    label         TEXT NOT NULL,
    published_at  TEXT NOT NULL,
    published_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    summary       TEXT NOT NULL,
    html          TEXT NOT NULL,
    pdf           BLOB NOT NULL,
    PRIMARY KEY (report_id, period)
);
