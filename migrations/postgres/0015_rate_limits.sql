-- Rate-limit counters every instance shares (GCRA): the bucket is a limit's name and a keyed
-- hash of the client address; tat_ms is when the bucket is empty again, in epoch milliseconds.
-- Rows whose time has passed carry nothing and are purged.
-- UNLOGGED: no WAL, so counting a request never waits for a disk flush; after a crash the
-- table starts empty (every client gets a fresh burst), and replicas do not carry it.
CREATE UNLOGGED TABLE rate_limits (
    bucket TEXT PRIMARY KEY,
    tat_ms BIGINT NOT NULL
);
CREATE INDEX rate_limits_tat ON rate_limits (tat_ms);
