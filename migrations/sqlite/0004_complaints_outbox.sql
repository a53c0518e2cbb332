-- Complaints (举报/投诉), their event timeline, and the mail outbox.

CREATE TABLE complaints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- HMAC of the 16-digit receipt under the server key; the code itself is never stored.
    receipt_hash TEXT NOT NULL UNIQUE,
    -- The report form's one-time token, so a resubmitted form does not create a second case.
    form_token_hash TEXT UNIQUE,
    channel TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'submitted',
    township_id BIGINT REFERENCES regions(id),
    village_id BIGINT REFERENCES regions(id),
    entry_id BIGINT REFERENCES batch_entries(id),
    body TEXT NOT NULL,
    -- Who the reporter says is involved (staff-only).
    accused TEXT,
    anonymous BIGINT NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
    -- Reporter identity: staff-restricted; never read by any public page.
    reporter_name TEXT,
    reporter_contact TEXT,
    reporter_email TEXT,
    received_on TEXT NOT NULL,
    accept_by TEXT NOT NULL,
    answer_by TEXT,
    extended BIGINT NOT NULL DEFAULT 0,
    assignee_id BIGINT REFERENCES staff(id),
    escalated BIGINT NOT NULL DEFAULT 0,
    finding TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX complaints_township ON complaints (township_id, status);
CREATE INDEX complaints_status ON complaints (status, accept_by);

CREATE TABLE complaint_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    complaint_id BIGINT NOT NULL REFERENCES complaints(id),
    at BIGINT NOT NULL,
    -- 'reporter', 'staff' or 'system'
    actor_kind TEXT NOT NULL,
    staff_id BIGINT REFERENCES staff(id),
    kind TEXT NOT NULL,
    -- 1: the reporter sees it on the tracking page.
    public BIGINT NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
    body TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, at);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
