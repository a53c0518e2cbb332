-- Security events (failed sign-ins), kept apart from the audit trail of staff actions: what an
-- anonymous visitor typed must not become an actor in "who signed what".
CREATE TABLE security_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    client_addr TEXT,
    -- The account the submitted name belongs to, when it is one.
    staff_id BIGINT REFERENCES staff(id),
    -- The submitted name as a keyed hash (to count attempts per name) and its first characters
    -- (untrusted input, shown as such).
    username_hash TEXT NOT NULL,
    username_hint TEXT NOT NULL
);
CREATE INDEX security_events_at ON security_events (at);
CREATE INDEX security_events_addr ON security_events (client_addr, at);
