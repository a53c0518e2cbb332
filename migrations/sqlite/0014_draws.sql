-- Public draws (docs/draws.md): each village's review-panel pool (评议库), and every draw —
-- a village review panel, or the county's spot-check of a 审核 list — announced with its frozen
-- snapshot (the published JSON, whose pool hash fixes it), then drawn with the public randomness.

CREATE TABLE pool_members (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    village_id BIGINT NOT NULL REFERENCES regions(id),
    -- Full name: staff only; the published snapshot carries the masked name.
    name TEXT NOT NULL,
    -- cadre | leader | resident
    stratum TEXT NOT NULL CHECK (stratum IN ('cadre', 'leader', 'resident')),
    -- The member's village group (NULL for a township cadre).
    group_name TEXT,
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by BIGINT NOT NULL REFERENCES staff(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX pool_members_village ON pool_members (village_id, active);

CREATE TABLE draws (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The protocol's draw id (a token), e.g. panel-530621103201-2026-12 or spot-4711.
    draw_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('panel', 'spot_check')),
    township_id BIGINT NOT NULL REFERENCES regions(id),
    village_id BIGINT REFERENCES regions(id),
    -- The 审核 list a spot-check samples.
    batch_id BIGINT REFERENCES batches(id),
    purpose TEXT NOT NULL,
    -- The announcement as published (JSON, canonical inputs and pool hash): never changes.
    announcement TEXT NOT NULL,
    pool_hash TEXT NOT NULL,
    announced_by BIGINT NOT NULL REFERENCES staff(id),
    announced_at BIGINT NOT NULL,
    -- Randomness may not be entered before this (at least 24 hours after the announcement).
    draw_not_before BIGINT NOT NULL,
    -- The drawn draw as published (JSON with randomness, seed and selection).
    result TEXT,
    drawn_by BIGINT REFERENCES staff(id),
    drawn_at BIGINT
);
CREATE INDEX draws_township ON draws (township_id, announced_at);
CREATE INDEX draws_batch ON draws (batch_id);
