-- Proportions are shown as percentages (issue 10): existing p and p′ measures that show their
-- values as entered now show them × 100, and their targets, which are in display units, move
-- with them (0.95 becomes 95). Values and denominators are stored raw and do not change.
UPDATE measures
SET multiplier = 100,
    target = CASE WHEN target IS NULL THEN NULL ELSE target * 100 END
WHERE chart IN ('p', 'pp') AND multiplier = 1;
