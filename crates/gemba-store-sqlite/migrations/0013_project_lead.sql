-- Every project has a lead (the permission policy lets a project's lead define its measures,
-- change its aim and delete within it). Existing projects get the person who created them: the
-- author of their first history row.
ALTER TABLE projects ADD COLUMN lead_id INTEGER REFERENCES users (id) ON DELETE SET NULL;

UPDATE projects SET lead_id = (
    SELECT h.user_id FROM history h WHERE h.project_id = projects.id ORDER BY h.id LIMIT 1
);
