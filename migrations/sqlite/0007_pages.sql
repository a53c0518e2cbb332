-- Staff-written public pages: policy explanations (政策), answers to public concerns (回应) and
-- case notices (通报). Markdown with a full revision history; only sanitised HTML is shown.

CREATE TABLE pages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('policy', 'answer', 'notice')),
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body_md TEXT NOT NULL,
    published BIGINT NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
    published_at BIGINT,
    sort_order BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX pages_kind ON pages (kind, published, sort_order);

CREATE TABLE page_revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id BIGINT NOT NULL REFERENCES pages(id),
    title TEXT NOT NULL,
    body_md TEXT NOT NULL,
    staff_id BIGINT REFERENCES staff(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX page_revisions_page ON page_revisions (page_id, id);

-- Which complaints an answer responds to (publicly only their number is shown).
CREATE TABLE page_complaints (
    page_id BIGINT NOT NULL REFERENCES pages(id),
    complaint_id BIGINT NOT NULL REFERENCES complaints(id),
    PRIMARY KEY (page_id, complaint_id)
);
