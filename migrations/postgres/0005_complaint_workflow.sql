-- The staff side of complaints: acceptance, handling, replies, people named in a report, and
-- the holiday calendar that working-day deadlines are counted on.

ALTER TABLE complaints ADD COLUMN accepted_on TEXT;
ALTER TABLE complaints ADD COLUMN finding_action TEXT;
ALTER TABLE complaints ADD COLUMN reply_draft TEXT;

-- Staff members the report is about: they may never handle (or see) the case.
CREATE TABLE complaint_named_staff (
    complaint_id BIGINT NOT NULL REFERENCES complaints(id),
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    PRIMARY KEY (complaint_id, staff_id)
);
CREATE INDEX complaint_named_staff_staff ON complaint_named_staff (staff_id);

-- Public holidays and make-up workdays (调休), editable by admins.
CREATE TABLE holidays (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday'))
);

CREATE INDEX complaints_assignee ON complaints (assignee_id, status);
