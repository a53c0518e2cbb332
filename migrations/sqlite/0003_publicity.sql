-- Publicity batches (审核公示 / 审批公示 / 长期公示) per village, their entries, and staged imports.
-- Dates are ISO 'YYYY-MM-DD' text (China Standard Time calendar days); times are epoch seconds.

CREATE TABLE batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    village_id BIGINT NOT NULL REFERENCES regions(id),
    -- The village's township, kept here so that every staff query can filter by scope cheaply.
    township_id BIGINT NOT NULL REFERENCES regions(id),
    kind TEXT NOT NULL CHECK (kind IN ('review', 'approval', 'standing')),
    state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'closed', 'withdrawn')),
    opens_on TEXT NOT NULL,
    -- Last day of the window (inclusive); NULL for standing lists.
    closes_on TEXT,
    window_days BIGINT,
    -- The standing list this one replaces, for "what changed".
    previous_id BIGINT REFERENCES batches(id),
    created_by BIGINT REFERENCES staff(id),
    created_at BIGINT NOT NULL,
    published_at BIGINT,
    ended_at BIGINT,
    -- Public reason for withdrawing or closing early.
    end_reason TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX batches_village ON batches (village_id, state, kind);
CREATE INDEX batches_township ON batches (township_id, state);

CREATE TABLE batch_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id BIGINT NOT NULL REFERENCES batches(id),
    household_id BIGINT NOT NULL REFERENCES households(id),
    seq BIGINT NOT NULL,
    -- Opaque public reference ("object to this entry" carries it, never the name).
    public_ref TEXT NOT NULL UNIQUE,
    head_name TEXT NOT NULL,
    persons BIGINT NOT NULL CHECK (persons BETWEEN 1 AND 20),
    monthly_fen BIGINT NOT NULL CHECK (monthly_fen >= 0),
    category TEXT NOT NULL CHECK (category IN ('doudi', 'yiban')),
    aid_class BIGINT CHECK (aid_class IS NULL OR aid_class BETWEEN 1 AND 3),
    change_kind TEXT NOT NULL CHECK (change_kind IN ('new', 'increase', 'decrease', 'stop', 'renew'))
);
CREATE INDEX batch_entries_batch ON batch_entries (batch_id, seq);

-- An uploaded spreadsheet, parsed and validated, waiting for the officer to confirm.
CREATE TABLE import_uploads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id BIGINT NOT NULL REFERENCES batches(id),
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    token TEXT NOT NULL,
    file_name TEXT NOT NULL,
    rows_json TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
