-- Staff ideas with a visible response (issue 13): anyone in an organisation puts forward an idea
-- for a team; others support it and comment; its triage (status and response) is what the
-- submitter sees, in their notifications too.
CREATE TABLE ideas (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    team_id            INTEGER REFERENCES teams (id) ON DELETE SET NULL,
    submitter_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    problem            TEXT NOT NULL,
    idea               TEXT NOT NULL,
    area               TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'new'
                       CHECK (status IN ('new', 'under_review', 'being_tested', 'adopted', 'not_now')),
    response           TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    first_response_at  TEXT,
    updated_at         TEXT NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX ideas_org ON ideas (org_id, created_at);

CREATE TABLE idea_supports (
    idea_id  INTEGER NOT NULL REFERENCES ideas (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (idea_id, user_id)
);

CREATE TABLE idea_comments (
    id          INTEGER PRIMARY KEY,
    idea_id     INTEGER NOT NULL REFERENCES ideas (id) ON DELETE CASCADE,
    author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX idea_comments_idea ON idea_comments (idea_id, id);

-- What a user is told in the app (an idea's response, a comment on their idea), newest first.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    link        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    read_at     TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
