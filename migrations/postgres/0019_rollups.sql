-- Summaries kept as roll-ups, moved in the same transaction as the change that moves them
-- (db::stats::move_batch, called by every change of a list's state), so that the public
-- statistics of a county or a province never add up 1.5 million entries per request.

-- The standing lists (长期公示) of a township: households, persons and monthly amount of the
-- entries that are not stops, over its published standing lists.
CREATE TABLE township_totals (
    township_id BIGINT PRIMARY KEY REFERENCES regions(id),
    households BIGINT NOT NULL DEFAULT 0,
    persons BIGINT NOT NULL DEFAULT 0,
    monthly_fen BIGINT NOT NULL DEFAULT 0
);

-- Households newly approved and stopped, per township and year (China Standard Time) of the
-- approval list's publication, over approval lists published or closed (not withdrawn).
CREATE TABLE township_year_changes (
    township_id BIGINT NOT NULL REFERENCES regions(id),
    year BIGINT NOT NULL,
    new_households BIGINT NOT NULL DEFAULT 0,
    stopped_households BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (township_id, year)
);

INSERT INTO township_totals (township_id, households, persons, monthly_fen)
SELECT b.township_id, COUNT(*), CAST(COALESCE(SUM(e.persons), 0) AS BIGINT),
       CAST(COALESCE(SUM(e.monthly_fen), 0) AS BIGINT)
FROM batch_entries e JOIN batches b ON b.id = e.batch_id
WHERE b.kind = 'standing' AND b.state = 'published' AND e.change_kind <> 'stop'
GROUP BY b.township_id;

INSERT INTO township_year_changes (township_id, year, new_households, stopped_households)
SELECT b.township_id, CAST(EXTRACT(YEAR FROM to_timestamp(b.published_at + 28800) AT TIME ZONE 'UTC') AS BIGINT),
       CAST(SUM(CASE WHEN e.change_kind = 'new' THEN 1 ELSE 0 END) AS BIGINT),
       CAST(SUM(CASE WHEN e.change_kind = 'stop' THEN 1 ELSE 0 END) AS BIGINT)
FROM batch_entries e JOIN batches b ON b.id = e.batch_id
WHERE b.kind = 'approval' AND b.state IN ('published', 'closed') AND b.published_at IS NOT NULL
GROUP BY b.township_id, CAST(EXTRACT(YEAR FROM to_timestamp(b.published_at + 28800) AT TIME ZONE 'UTC') AS BIGINT);
