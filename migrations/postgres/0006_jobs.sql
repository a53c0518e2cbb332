-- Once-a-day jobs (the handlers' digest). A conditional UPDATE claims the day, so only one
-- instance runs a job even when several serve the same database.
CREATE TABLE job_runs (
    name TEXT PRIMARY KEY,
    last_day TEXT NOT NULL
);
INSERT INTO job_runs (name, last_day) VALUES ('digest', '1970-01-01');
