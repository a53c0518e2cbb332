-- Written notices (告之书) and dynamic management (动态管理): every refusal, stop, adjustment and
-- 渐退 decision gets a numbered notice (numbers per year, no gaps: a counter row updated in the
-- notice's own transaction) whose delivery is recorded; every recipient household has a re-check
-- due date; re-check tasks come from the schedule, from another department's data (比对) and from
-- the household's own report; a comparison file is staged for preview before anything is made.

CREATE TABLE notice_counters (
    year BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE comparison_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Only the uploader confirms, with this token from the preview.
    token TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    rows_total BIGINT NOT NULL,
    matched BIGINT NOT NULL,
    unmatched BIGINT NOT NULL,
    malformed BIGINT NOT NULL,
    -- preview | confirmed
    state TEXT NOT NULL CHECK (state IN ('preview', 'confirmed')),
    -- The township the uploader is limited to (NULL: county-wide).
    township_id BIGINT REFERENCES regions(id),
    created_by BIGINT NOT NULL REFERENCES staff(id),
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT
);

-- Rows of a staged comparison that matched a household (staff-only; ID numbers stay in households).
CREATE TABLE comparison_matches (
    import_id BIGINT NOT NULL REFERENCES comparison_imports(id),
    row_no BIGINT NOT NULL,
    household_id BIGINT NOT NULL REFERENCES households(id),
    source TEXT NOT NULL,
    finding TEXT NOT NULL,
    PRIMARY KEY (import_id, row_no)
);

CREATE TABLE rechecks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    household_id BIGINT NOT NULL REFERENCES households(id),
    township_id BIGINT NOT NULL REFERENCES regions(id),
    village_id BIGINT NOT NULL REFERENCES regions(id),
    -- schedule | comparison | report
    source TEXT NOT NULL CHECK (source IN ('schedule', 'comparison', 'report')),
    -- What to look into: the other department's finding, or the household's own report.
    lead TEXT NOT NULL DEFAULT '',
    comparison_id BIGINT REFERENCES comparison_imports(id),
    complaint_id BIGINT REFERENCES complaints(id),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    method TEXT CHECK (method IN ('visit', 'comparison', 'phone')),
    result TEXT CHECK (result IN ('continue', 'adjust', 'stop', 'taper')),
    checked_on TEXT,
    findings TEXT,
    new_monthly_fen BIGINT,
    taper_until TEXT,
    done_by BIGINT REFERENCES staff(id),
    done_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX rechecks_open ON rechecks (township_id, status);
CREATE INDEX rechecks_household ON rechecks (household_id);

CREATE TABLE recheck_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recheck_id BIGINT NOT NULL REFERENCES rechecks(id),
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    file_name TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES staff(id),
    uploaded_at BIGINT NOT NULL
);

CREATE TABLE notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    -- e.g. 鲁民低告〔2026〕12号
    number TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('refusal', 'stop', 'adjust', 'taper')),
    household_id BIGINT NOT NULL REFERENCES households(id),
    case_id BIGINT REFERENCES cases(id),
    recheck_id BIGINT REFERENCES rechecks(id),
    township_id BIGINT NOT NULL REFERENCES regions(id),
    village_id BIGINT NOT NULL REFERENCES regions(id),
    -- The household head the notice is addressed to (staff-only, like the notice).
    addressee TEXT NOT NULL,
    decision TEXT NOT NULL,
    reasons TEXT NOT NULL,
    basis TEXT NOT NULL,
    issuer TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    -- 3 working days after the decision.
    deliver_by TEXT NOT NULL,
    delivered_on TEXT,
    delivery_method TEXT CHECK (delivery_method IN ('in_person', 'village', 'post')),
    -- Who handed it over (a village cadre need not be a staff member).
    delivered_by TEXT,
    delivery_recorded_by BIGINT REFERENCES staff(id),
    delivery_recorded_at BIGINT,
    created_by BIGINT NOT NULL REFERENCES staff(id),
    created_at BIGINT NOT NULL,
    UNIQUE (year, seq)
);
CREATE INDEX notices_township ON notices (township_id, delivered_on);
CREATE INDEX notices_case ON notices (case_id);

-- When each recipient household is next re-checked, and the end of a 渐退 period.
ALTER TABLE households ADD COLUMN recheck_due_on TEXT;
ALTER TABLE households ADD COLUMN taper_until TEXT;
UPDATE households SET recheck_due_on = date(created_at + 8 * 3600, 'unixepoch',
    CASE WHEN category = 'doudi' THEN '+12 months' ELSE '+6 months' END)
WHERE status = 'active';
CREATE INDEX households_recheck ON households (status, recheck_due_on);
CREATE INDEX households_id_number ON households (id_number);
