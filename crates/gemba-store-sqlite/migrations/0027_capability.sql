-- Capability and protected time (issue 13 §2). Improvement training: an organisation's courses,
-- each with a level, and their sessions with a number of places; each person's place on a
-- session, booked or on the waiting list in the order asked (the row id), with their attendance
-- and completion.
CREATE TABLE courses (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    level        TEXT NOT NULL CHECK (level IN ('foundation', 'practitioner', 'expert')),
    description  TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX courses_org ON courses (org_id);

CREATE TABLE training_sessions (
    id         INTEGER PRIMARY KEY,
    course_id  INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    date       TEXT NOT NULL,
    places     INTEGER NOT NULL CHECK (places >= 1),
    venue      TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX training_sessions_course ON training_sessions (course_id, date);

CREATE TABLE training_places (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES training_sessions (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    state         TEXT NOT NULL CHECK (state IN ('booked', 'waiting')),
    requested_at  TEXT NOT NULL,
    attendance    TEXT CHECK (attendance IN ('attended', 'did_not_attend')),
    completed     INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1)),
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (session_id, user_id)
);

-- Each organisation's capability plan: the percentage of its staff it means to have trained at
-- each level (a higher level's never above a lower one's).
CREATE TABLE capability_plans (
    org_id        INTEGER PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    foundation    INTEGER NOT NULL CHECK (foundation BETWEEN 0 AND 100),
    practitioner  INTEGER NOT NULL CHECK (practitioner BETWEEN 0 AND 100),
    expert        INTEGER NOT NULL CHECK (expert BETWEEN 0 AND 100),
    version       INTEGER NOT NULL DEFAULT 1
);

-- Coaching: improvement leads assigned to projects as their coaches.
CREATE TABLE project_coaches (
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (project_id, user_id)
);

-- Protected time: hours planned and used for improvement by one person on one project in one
-- month (the month's first day).
CREATE TABLE time_entries (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    month       TEXT NOT NULL,
    planned     REAL NOT NULL CHECK (planned BETWEEN 0 AND 744),
    used        REAL NOT NULL CHECK (used BETWEEN 0 AND 744),
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (user_id, project_id, month)
);
CREATE INDEX time_entries_org ON time_entries (org_id, month);
