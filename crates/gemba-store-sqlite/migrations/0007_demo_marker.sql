-- A database seeded by `gemba demo` says so, so that the demo never wipes a real database
-- given to it by mistake.
CREATE TABLE demo_marker (
    seeded_at TEXT NOT NULL
);
