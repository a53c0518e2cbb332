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
SELECT DISTINCT split_part(n.number, '〔', 1), n.year, c.last
FROM notices n JOIN notice_counters c ON c.year = n.year;
DROP TABLE notice_counters;
ALTER TABLE notice_counters_new RENAME TO notice_counters;

ALTER TABLE notices ADD COLUMN prefix TEXT NOT NULL DEFAULT '';
UPDATE notices SET prefix = split_part(number, '〔', 1);
ALTER TABLE notices ALTER COLUMN prefix DROP DEFAULT;
ALTER TABLE notices DROP CONSTRAINT notices_year_seq_key;
ALTER TABLE notices ADD CONSTRAINT notices_prefix_year_seq_key UNIQUE (prefix, year, seq);
