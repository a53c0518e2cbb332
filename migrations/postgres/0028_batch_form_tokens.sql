-- The one-time token of the form that made a draft list (the next standing list), hashed: the
-- same form sent twice (a double click, a resend on a weak connection) finds the draft its first
-- sending made instead of making another. NULL for lists made otherwise.
ALTER TABLE batches ADD COLUMN form_token_hash TEXT;
CREATE UNIQUE INDEX batches_form_token ON batches (form_token_hash);
