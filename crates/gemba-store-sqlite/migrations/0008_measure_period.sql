-- What one data point of a measure stands for: a day, a week, a month or a quarter. PDSA
-- cycles and rebases fall on the point whose period contains their date. Measures made before
-- this column existed were all monthly in practice.
ALTER TABLE measures ADD COLUMN period TEXT NOT NULL DEFAULT 'month'
    CHECK (period IN ('day', 'week', 'month', 'quarter'));
