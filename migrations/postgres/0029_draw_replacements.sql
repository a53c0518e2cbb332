-- A review panel announced again for a village whose panel of this month stands (docs/draws.md
-- §10, "Trying again"): the new draw names the one it replaces and why, both stay published,
-- and only the newest serves a village review. A draw is replaced at most once (the unique
-- index: two replacements sent at once make one).
ALTER TABLE draws ADD COLUMN replaces_id BIGINT REFERENCES draws(id);
ALTER TABLE draws ADD COLUMN replace_reason TEXT;
CREATE UNIQUE INDEX draws_replaces ON draws (replaces_id);
