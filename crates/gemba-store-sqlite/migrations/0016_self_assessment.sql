-- The board's self-assessment of its QI governance (Jones et al. 2017, eight dimensions). An
-- assessment has a title and the date it was held; each board member's ratings in it are one
-- submission (versioned, so that a save over a change made meanwhile is refused), holding one
-- rating per dimension they rated: a level of maturity from 1 to 5 and an evidence note.
CREATE TABLE assessments (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    held_on     TEXT NOT NULL,
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX assessments_org ON assessments (org_id, held_on, id);

CREATE TABLE assessment_submissions (
    assessment_id  INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    version        INTEGER NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (assessment_id, user_id)
);

CREATE TABLE assessment_ratings (
    assessment_id  INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    dimension      TEXT NOT NULL CHECK (dimension IN ('qi_priority', 'data_for_improvement',
                       'familiarity_with_performance', 'staff_involvement', 'patient_involvement',
                       'systematic_approach', 'balance', 'board_dynamics')),
    level          INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    note           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assessment_id, user_id, dimension),
    FOREIGN KEY (assessment_id, user_id)
        REFERENCES assessment_submissions (assessment_id, user_id) ON DELETE CASCADE
);
