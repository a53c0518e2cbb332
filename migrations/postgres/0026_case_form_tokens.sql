-- A registration form's one-time token, hashed: the same form sent twice (a double click, a
-- resend on a weak connection) finds the case its first sending made instead of making another.
-- NULL for cases registered otherwise (from a report, the demo, before this).
ALTER TABLE cases ADD COLUMN form_token_hash TEXT;
CREATE UNIQUE INDEX cases_form_token ON cases (form_token_hash);
