-- Seeing across a system (an integrated care system and its organisations).
--
-- A project is seen by the other organisations of its organisation's system unless it is
-- private to its organisation.
ALTER TABLE projects ADD COLUMN private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1));

-- A system role: a person who leads improvement across a system, or views it, by the name the
-- system's organisations give it. Granted by an admin of one of the system's organisations to one
-- of its people.
CREATE TABLE system_roles (
    system      TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('system_lead', 'system_viewer')),
    granted_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    granted_at  TEXT NOT NULL,
    PRIMARY KEY (system, user_id)
);
CREATE INDEX system_roles_user ON system_roles (user_id);
