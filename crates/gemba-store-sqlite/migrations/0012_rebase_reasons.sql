-- Every rebase of a chart carries why the process changed then. `rebases` holds them as a JSON
-- array of {"date": "2024-03-01", "reason": "…"}, by date; `rebase` keeps the dates alone
-- (comma-separated), written alongside, for older readers. Rebases made before reasons were
-- required get a reason that says so.
ALTER TABLE measures ADD COLUMN rebases TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(rebases) AND json_type(rebases) = 'array');

UPDATE measures SET rebases = (
    WITH RECURSIVE split(date, rest) AS (
        SELECT '', measures.rebase || ','
        UNION ALL
        SELECT substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1)
        FROM split WHERE rest <> ''
    )
    SELECT json_group_array(json_object(
        'date', date,
        'reason', 'Not recorded (rebased before reasons were required)'))
    FROM split WHERE date <> ''
) WHERE rebase <> '';
