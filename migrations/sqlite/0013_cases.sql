-- The case file (审核审批 process on the record): one case per application of one household,
-- its members (staff-only details), near-relative declarations (近亲属备案), every step dated and
-- signed by named staff, review meetings (研判会), and evidence files stored in the database so
-- that every instance can serve them.

CREATE TABLE cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    household_id BIGINT NOT NULL REFERENCES households(id),
    village_id BIGINT NOT NULL REFERENCES regions(id),
    township_id BIGINT NOT NULL REFERENCES regions(id),
    -- 村民小组, as the village names it ("三组").
    group_name TEXT NOT NULL,
    -- self | village_committee | village_assistant | discovered
    channel TEXT NOT NULL,
    -- The 漏保 report this case came from (主动发现), if any.
    complaint_id BIGINT REFERENCES complaints(id),
    received_on TEXT NOT NULL,
    category_asked TEXT NOT NULL CHECK (category_asked IN ('doudi', 'yiban')),
    stage TEXT NOT NULL,
    -- Where a refused case stopped, and why (kept for the written notice).
    refused_at TEXT,
    refusal_reason TEXT,
    -- 1 when a member is a declared near relative: the county checks every such case in person.
    near_relative BIGINT NOT NULL DEFAULT 0 CHECK (near_relative IN (0, 1)),
    -- The township's decision (拟同意): category, class, monthly amount.
    decided_category TEXT CHECK (decided_category IS NULL OR decided_category IN ('doudi', 'yiban')),
    decided_class BIGINT CHECK (decided_class IS NULL OR decided_class BETWEEN 1 AND 3),
    decided_fen BIGINT CHECK (decided_fen IS NULL OR decided_fen >= 0),
    -- The publicity lists the case was published on.
    review_batch_id BIGINT REFERENCES batches(id),
    approval_batch_id BIGINT REFERENCES batches(id),
    -- When the first decision (refusal, or county approval) fell: for "days to decision".
    decided_at BIGINT,
    created_by BIGINT REFERENCES staff(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX cases_township ON cases (township_id, stage);
CREATE INDEX cases_village ON cases (village_id, stage);

CREATE TABLE case_members (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    seq BIGINT NOT NULL,
    name TEXT NOT NULL,
    -- head | spouse | child | parent | grandchild | sibling | other
    relation TEXT NOT NULL,
    id_number TEXT,
    -- Staff-only flags: never public.
    disability_grade BIGINT CHECK (disability_grade IS NULL OR disability_grade BETWEEN 1 AND 4),
    serious_illness BIGINT NOT NULL DEFAULT 0 CHECK (serious_illness IN (0, 1))
);
CREATE INDEX case_members_case ON case_members (case_id, seq);
CREATE INDEX case_members_id_number ON case_members (id_number);

-- 近亲属备案: a member who is a near relative of civil-affairs staff, a public official, an
-- allowance handler or a village-committee member.
CREATE TABLE case_relatives (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    member_name TEXT NOT NULL,
    -- civil_affairs | official | handler | village_committee
    kind TEXT NOT NULL,
    related_name TEXT NOT NULL,
    related_post TEXT NOT NULL,
    relation TEXT NOT NULL,
    created_by BIGINT REFERENCES staff(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX case_relatives_case ON case_relatives (case_id);

-- 研判会: a township review meeting deciding many cases.
CREATE TABLE review_meetings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    township_id BIGINT NOT NULL REFERENCES regions(id),
    held_on TEXT NOT NULL,
    -- Who attended, as written on the minutes (staff and others).
    attendees TEXT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES staff(id),
    created_at BIGINT NOT NULL
);

-- Every step of a case: what was done, on which day, recorded by whom, with its text. The
-- named staff who signed it (the two visitors of a survey, the checker, the approver) are in
-- case_step_signers.
CREATE TABLE case_steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    action TEXT NOT NULL,
    stage_from TEXT NOT NULL,
    stage_to TEXT NOT NULL,
    happened_on TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    -- Structured staff-only details (survey findings, votes, decision) as JSON.
    details TEXT NOT NULL DEFAULT '{}',
    meeting_id BIGINT REFERENCES review_meetings(id),
    recorded_by BIGINT NOT NULL REFERENCES staff(id),
    recorded_at BIGINT NOT NULL
);
CREATE INDEX case_steps_case ON case_steps (case_id, id);

CREATE TABLE case_step_signers (
    step_id BIGINT NOT NULL REFERENCES case_steps(id),
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    PRIMARY KEY (step_id, staff_id)
);

-- Evidence (photo or PDF of the signed survey form): in the database, so every instance
-- serves it. Type checked by content; at most 10 MB.
CREATE TABLE evidence_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    file_name TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES staff(id),
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX evidence_files_case ON evidence_files (case_id);

-- A list entry made from a case (NULL: an existing recipient entered by hand, 存量).
ALTER TABLE batch_entries ADD COLUMN case_id BIGINT REFERENCES cases(id);
