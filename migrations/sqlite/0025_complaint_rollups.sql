-- Complaint statistics as roll-ups: they were counted from every complaint of the scope on each
-- render (25,000 complaints: p99 96 ms for the province page). Each complaint's part as last
-- counted (so that a change takes the old part away before adding the new), their sums per
-- township (0: a complaint with no township), and the days each answer took as a histogram, so
-- that a county's, a prefecture's and the province's medians come out exact. Moved in the
-- transaction of every change of a complaint (db::stats::refresh_complaint).
CREATE TABLE complaint_tallies (
    complaint_id BIGINT PRIMARY KEY REFERENCES complaints(id),
    township_id BIGINT NOT NULL,
    accepted BIGINT NOT NULL,
    declined BIGINT NOT NULL,
    answered BIGINT NOT NULL,
    answered_on_time BIGINT NOT NULL,
    substantiated BIGINT NOT NULL,
    partly BIGINT NOT NULL,
    unsubstantiated BIGINT NOT NULL,
    -- Days from receipt to the first answer (NULL: not answered).
    answer_days BIGINT
);

-- Every report adds to its township's row and holds it until commit: a township's counts are
-- spread over 8 rows (the complaint id modulo 8) so that reports of one township do not queue
-- for one row; readers add the shards up.
CREATE TABLE township_complaints (
    township_id BIGINT NOT NULL,
    shard BIGINT NOT NULL,
    received BIGINT NOT NULL,
    accepted BIGINT NOT NULL,
    declined BIGINT NOT NULL,
    answered BIGINT NOT NULL,
    answered_on_time BIGINT NOT NULL,
    substantiated BIGINT NOT NULL,
    partly BIGINT NOT NULL,
    unsubstantiated BIGINT NOT NULL,
    PRIMARY KEY (township_id, shard)
);

CREATE TABLE township_answer_days (
    township_id BIGINT NOT NULL,
    days BIGINT NOT NULL,
    complaints BIGINT NOT NULL,
    PRIMARY KEY (township_id, days)
);

-- Roll-ups to fill from what exists: the first instance to start after this migration takes
-- the row (one transaction) and counts every complaint once (db::stats::recount_pending).
CREATE TABLE rollups_pending (
    name TEXT PRIMARY KEY
);
INSERT INTO rollups_pending (name) VALUES ('complaints');
