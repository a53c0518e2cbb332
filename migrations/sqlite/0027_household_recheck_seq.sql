-- A household's version for the re-check form: it moves with every re-check recorded and every
-- enrolment (which sets a new amount and schedule). A re-check form carries the number it was
-- shown with, and is recorded only while it is still that number: a double submit, a colleague's
-- record or an enrolment meanwhile is refused, even when it would leave the next due date as it was.
ALTER TABLE households ADD COLUMN recheck_seq INTEGER NOT NULL DEFAULT 0;
