-- Notice numbers run per document prefix and year, as an issuing body numbers its documents
-- (机关代字〔年份〕序号): a county with a prefix of its own numbers its notices from 1 each year
-- without gaps; counties that keep the deployment's prefix share one sequence, so no two notices
-- anywhere carry the same number. Until now one sequence per year served every county.

CREATE TABLE notice_counters_new (
    prefix TEXT NOT NULL,
    year BIGINT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (prefix, year)
);
-- Every prefix already used goes on from the year's last number, so nothing issued is repeated.
INSERT INTO notice_counters_new (prefix, year, last)
SELECT DISTINCT substr(n.number, 1, instr(n.number, '〔') - 1), n.year, c.last
FROM notices n JOIN notice_counters c ON c.year = n.year;
DROP TABLE notice_counters;
ALTER TABLE notice_counters_new RENAME TO notice_counters;

-- SQLite cannot drop a table's constraint: the table is made again with the prefix in its key.
CREATE TABLE notices_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    -- The document prefix the number was issued under (鲁民低告): a sequence runs per prefix and year.
    prefix TEXT NOT NULL,
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
    UNIQUE (prefix, year, seq)
);

INSERT INTO notices_new (id, year, seq, prefix, number, kind, household_id, case_id, recheck_id, township_id, village_id, addressee, decision, reasons, basis, issuer, decided_on, deliver_by, delivered_on, delivery_method, delivered_by, delivery_recorded_by, delivery_recorded_at, created_by, created_at)
SELECT id, year, seq, substr(number, 1, instr(number, '〔') - 1), number, kind, household_id, case_id, recheck_id, township_id, village_id, addressee, decision, reasons, basis, issuer, decided_on, deliver_by, delivered_on, delivery_method, delivered_by, delivery_recorded_by, delivery_recorded_at, created_by, created_at
FROM notices;
DROP TABLE notices;
ALTER TABLE notices_new RENAME TO notices;
CREATE INDEX notices_township ON notices (township_id, delivered_on);
CREATE INDEX notices_case ON notices (case_id);
