-- Spread: a project made by adopting another project's change package, and which of its
-- measures stands for which of the source's (copied definitions; the data stay the adopter's).
CREATE TABLE adoptions (
    project_id  INTEGER PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    source_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    adopted_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    adopted_at  TEXT NOT NULL
);
CREATE INDEX adoptions_by_source ON adoptions (source_id);

CREATE TABLE adopted_measures (
    measure_id         INTEGER PRIMARY KEY REFERENCES measures (id) ON DELETE CASCADE,
    source_measure_id  INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE
);
CREATE INDEX adopted_measures_by_source ON adopted_measures (source_measure_id);
