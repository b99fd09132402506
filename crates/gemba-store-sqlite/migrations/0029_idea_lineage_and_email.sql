-- Issue 13: an idea becomes a project or a change idea on a driver diagram, each naming the idea
-- it came from (the idea's lineage is read back through these links); the organisation's target
-- for the days to an idea's first response; and e-mail of notifications through an outbox.
ALTER TABLE projects ADD COLUMN idea_id INTEGER REFERENCES ideas (id) ON DELETE SET NULL;
ALTER TABLE driver_nodes ADD COLUMN idea_id INTEGER REFERENCES ideas (id) ON DELETE SET NULL;
CREATE INDEX projects_idea ON projects (idea_id) WHERE idea_id IS NOT NULL;
CREATE INDEX driver_nodes_idea ON driver_nodes (idea_id) WHERE idea_id IS NOT NULL;

-- The days within which the organisation means every idea to have its first response.
CREATE TABLE idea_response_targets (
    org_id   INTEGER PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    days     INTEGER NOT NULL CHECK (days BETWEEN 1 AND 365),
    version  INTEGER NOT NULL DEFAULT 1
);

-- The e-mail outbox: one row for each notification to e-mail, written with the notification
-- while e-mail is switched on (email_settings.enabled), sent by the server's sender.
CREATE TABLE email_settings (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    enabled  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO email_settings (id, enabled) VALUES (1, 0);

CREATE TABLE email_outbox (
    id               INTEGER PRIMARY KEY,
    notification_id  INTEGER REFERENCES notifications (id) ON DELETE SET NULL,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    link             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    sent_at          TEXT,
    last_error       TEXT
);
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE sent_at IS NULL;
