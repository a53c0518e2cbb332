-- Outbox claims: a worker takes due mail with one UPDATE … RETURNING that sets `claimed_by` and
-- a lease `claim_until` (epoch seconds), so two instances on one database never send the same
-- row at once; a claim left by a crashed instance expires and the mail is retried.
-- `message_id` is the Message-ID header, fixed at enqueue, so that a retry after an uncertain
-- send (the relay took the message but its "250" never arrived) carries the same ID and the
-- receiving side can recognise the copy.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claim_until BIGINT;
ALTER TABLE outbox ADD COLUMN message_id TEXT;
UPDATE outbox SET message_id = '<outbox.' || id || '.' || created_at || '@sunshine.invalid>'
    WHERE message_id IS NULL;
