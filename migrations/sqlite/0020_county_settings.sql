-- One deployment for a whole province: what each county says for itself. An empty value means
-- the deployment's own setting (SUNSHINE_HOTLINE, SUNSHINE_NOTICE_PREFIX) or, for the issuing
-- body, "{county name}民政局".
CREATE TABLE county_settings (
    county_id BIGINT PRIMARY KEY REFERENCES regions(id),
    -- The county's complaint hotline (footer of its pages, its notices and printed lists).
    hotline TEXT NOT NULL DEFAULT '',
    -- Other ways to report in this county, one per line (a mailbox, an office to visit…),
    -- shown on the county's page and the report form.
    channels TEXT NOT NULL DEFAULT '',
    -- The body that issues the county's written notices (e.g. 巧家县民政局).
    issuer TEXT NOT NULL DEFAULT '',
    -- The document prefix of its notices (e.g. 巧民低告 → 巧民低告〔2026〕12号).
    notice_prefix TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES staff(id)
);

-- Days a county keeps besides the national calendar (holidays): an autonomous county's own
-- festival, or a make-up workday. Deadlines of the county's complaints and notices count them.
CREATE TABLE county_holidays (
    county_id BIGINT NOT NULL REFERENCES regions(id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    PRIMARY KEY (county_id, day)
);
