-- The board's view. An organisation's own measures (four-hour performance, staff turnover …) live
-- in one project row of kind 'organisation' per organisation, so that they have data entry,
-- charts, history and permissions exactly as project measures do; dashboards and project lists
-- leave that row out. Any measure, of a project or of the organisation, can be on the board
-- report, in a report section with an executive owner.
ALTER TABLE projects ADD COLUMN kind TEXT NOT NULL DEFAULT 'improvement'
    CHECK (kind IN ('improvement', 'organisation'));
CREATE UNIQUE INDEX projects_one_home_per_org ON projects (org_id) WHERE kind = 'organisation';

-- The sections of an organisation's board report, in order (none stored: the CQC domains).
CREATE TABLE report_sections (
    org_id    INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    PRIMARY KEY (org_id, position),
    UNIQUE (org_id, name)
);

-- The measures on an organisation's board report: section, executive owner, order.
CREATE TABLE board_measures (
    measure_id  INTEGER PRIMARY KEY REFERENCES measures (id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    section     TEXT NOT NULL,
    owner_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    position    INTEGER NOT NULL
);
CREATE INDEX board_measures_org ON board_measures (org_id, position);
