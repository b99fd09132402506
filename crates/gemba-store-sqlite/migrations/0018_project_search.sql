-- Full-text search over projects: their title, problem, aim, change ideas (driver diagram nodes
-- of kind change_idea) and measure names, one row per live improvement project (rowid = the
-- project's id), ranked with bm25(). Deleted projects, deleted nodes and deleted measures are
-- not in it, nor an organisation's own row of board measures.
--
-- Kept current by triggers, so every write that changes those rows changes the index in the same
-- transaction (create, change, delete, restore), whichever store function made it. Each trigger
-- rebuilds the one project's row from the tables.
CREATE VIRTUAL TABLE project_search USING fts5(
    title, problem, aim, ideas, measures,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Back-fill.
INSERT INTO project_search (rowid, title, problem, aim, ideas, measures)
SELECT p.id, p.title, p.problem, p.aim,
    coalesce((SELECT group_concat(d.text, ' ') FROM driver_nodes d
              WHERE d.project_id = p.id AND d.kind = 'change_idea' AND d.deleted_at IS NULL), ''),
    coalesce((SELECT group_concat(m.name, ' ') FROM measures m
              WHERE m.project_id = p.id AND m.deleted_at IS NULL), '')
FROM projects p
WHERE p.deleted_at IS NULL AND p.kind = 'improvement';

CREATE TRIGGER project_search_project_insert AFTER INSERT ON projects BEGIN
    DELETE FROM project_search WHERE rowid = NEW.id;
    INSERT INTO project_search (rowid, title, problem, aim, ideas, measures)
    SELECT p.id, p.title, p.problem, p.aim,
        coalesce((SELECT group_concat(d.text, ' ') FROM driver_nodes d
                  WHERE d.project_id = p.id AND d.kind = 'change_idea' AND d.deleted_at IS NULL), ''),
        coalesce((SELECT group_concat(m.name, ' ') FROM measures m
                  WHERE m.project_id = p.id AND m.deleted_at IS NULL), '')
    FROM projects p
    WHERE p.id = NEW.id AND p.deleted_at IS NULL AND p.kind = 'improvement';
END;

CREATE TRIGGER project_search_project_update AFTER UPDATE OF title, problem, aim, deleted_at, kind ON projects BEGIN
    DELETE FROM project_search WHERE rowid = NEW.id;
    INSERT INTO project_search (rowid, title, problem, aim, ideas, measures)
    SELECT p.id, p.title, p.problem, p.aim,
        coalesce((SELECT group_concat(d.text, ' ') FROM driver_nodes d
                  WHERE d.project_id = p.id AND d.kind = 'change_idea' AND d.deleted_at IS NULL), ''),
        coalesce((SELECT group_concat(m.name, ' ') FROM measures m
                  WHERE m.project_id = p.id AND m.deleted_at IS NULL), '')
    FROM projects p
    WHERE p.id = NEW.id AND p.deleted_at IS NULL AND p.kind = 'improvement';
END;

CREATE TRIGGER project_search_node_insert AFTER INSERT ON driver_nodes BEGIN
    DELETE FROM project_search WHERE rowid = NEW.project_id;
    INSERT INTO project_search (rowid, title, problem, aim, ideas, measures)
    SELECT p.id, p.title, p.problem, p.aim,
        coalesce((SELECT group_concat(d.text, ' ') FROM driver_nodes d
                  WHERE d.project_id = p.id AND d.kind = 'change_idea' AND d.deleted_at IS NULL), ''),
        coalesce((SELECT group_concat(m.name, ' ') FROM measures m
                  WHERE m.project_id = p.id AND m.deleted_at IS NULL), '')
    FROM projects p
    WHERE p.id = NEW.project_id AND p.deleted_at IS NULL AND p.kind = 'improvement';
END;

CREATE TRIGGER project_search_node_update AFTER UPDATE OF text, kind, deleted_at ON driver_nodes BEGIN
    DELETE FROM project_search WHERE rowid = NEW.project_id;
    INSERT INTO project_search (rowid, title, problem, aim, ideas, measures)
    SELECT p.id, p.title, p.problem, p.aim,
        coalesce((SELECT group_concat(d.text, ' ') FROM driver_nodes d
                  WHERE d.project_id = p.id AND d.kind = 'change_idea' AND d.deleted_at IS NULL), ''),
        coalesce((SELECT group_concat(m.name, ' ') FROM measures m
                  WHERE m.project_id = p.id AND m.deleted_at IS NULL), '')
    FROM projects p
    WHERE p.id = NEW.project_id AND p.deleted_at IS NULL AND p.kind = 'improvement';
END;

CREATE TRIGGER project_search_node_delete AFTER DELETE ON driver_nodes BEGIN
    DELETE FROM project_search WHERE rowid = OLD.project_id;
    INSERT INTO project_search (rowid, title, problem, aim, ideas, measures)
    SELECT p.id, p.title, p.problem, p.aim,
        coalesce((SELECT group_concat(d.text, ' ') FROM driver_nodes d
                  WHERE d.project_id = p.id AND d.kind = 'change_idea' AND d.deleted_at IS NULL), ''),
        coalesce((SELECT group_concat(m.name, ' ') FROM measures m
                  WHERE m.project_id = p.id AND m.deleted_at IS NULL), '')
    FROM projects p
    WHERE p.id = OLD.project_id AND p.deleted_at IS NULL AND p.kind = 'improvement';
END;

CREATE TRIGGER project_search_measure_insert AFTER INSERT ON measures BEGIN
    DELETE FROM project_search WHERE rowid = NEW.project_id;
    INSERT INTO project_search (rowid, title, problem, aim, ideas, measures)
    SELECT p.id, p.title, p.problem, p.aim,
        coalesce((SELECT group_concat(d.text, ' ') FROM driver_nodes d
                  WHERE d.project_id = p.id AND d.kind = 'change_idea' AND d.deleted_at IS NULL), ''),
        coalesce((SELECT group_concat(m.name, ' ') FROM measures m
                  WHERE m.project_id = p.id AND m.deleted_at IS NULL), '')
    FROM projects p
    WHERE p.id = NEW.project_id AND p.deleted_at IS NULL AND p.kind = 'improvement';
END;

CREATE TRIGGER project_search_measure_update AFTER UPDATE OF name, deleted_at ON measures BEGIN
    DELETE FROM project_search WHERE rowid = NEW.project_id;
    INSERT INTO project_search (rowid, title, problem, aim, ideas, measures)
    SELECT p.id, p.title, p.problem, p.aim,
        coalesce((SELECT group_concat(d.text, ' ') FROM driver_nodes d
                  WHERE d.project_id = p.id AND d.kind = 'change_idea' AND d.deleted_at IS NULL), ''),
        coalesce((SELECT group_concat(m.name, ' ') FROM measures m
                  WHERE m.project_id = p.id AND m.deleted_at IS NULL), '')
    FROM projects p
    WHERE p.id = NEW.project_id AND p.deleted_at IS NULL AND p.kind = 'improvement';
END;

CREATE TRIGGER project_search_measure_delete AFTER DELETE ON measures BEGIN
    DELETE FROM project_search WHERE rowid = OLD.project_id;
    INSERT INTO project_search (rowid, title, problem, aim, ideas, measures)
    SELECT p.id, p.title, p.problem, p.aim,
        coalesce((SELECT group_concat(d.text, ' ') FROM driver_nodes d
                  WHERE d.project_id = p.id AND d.kind = 'change_idea' AND d.deleted_at IS NULL), ''),
        coalesce((SELECT group_concat(m.name, ' ') FROM measures m
                  WHERE m.project_id = p.id AND m.deleted_at IS NULL), '')
    FROM projects p
    WHERE p.id = OLD.project_id AND p.deleted_at IS NULL AND p.kind = 'improvement';
END;

CREATE TRIGGER project_search_project_delete AFTER DELETE ON projects BEGIN
    DELETE FROM project_search WHERE rowid = OLD.id;
END;
