-- How many re-checks a household has had recorded. A re-check form carries the number it was
-- shown with, and is recorded only while it is still that number: a double submit or a
-- colleague's record meanwhile is refused, even when it would leave the next due date as it was.
ALTER TABLE households ADD COLUMN recheck_seq BIGINT NOT NULL DEFAULT 0;
