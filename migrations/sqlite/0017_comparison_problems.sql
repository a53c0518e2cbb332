-- Data comparison (信息比对), continued: why rows of a staged file were not matched — the first
-- ones of each kind, so that the preview page (a GET after the upload) can list them with their
-- row numbers — and, per file, how many households it matched and how many leads confirming it
-- made.

CREATE TABLE comparison_problems (
    import_id BIGINT NOT NULL REFERENCES comparison_imports(id),
    row_no BIGINT NOT NULL,
    -- id_missing | id_invalid | source_missing | source_too_long | finding_missing |
    -- finding_too_long | unmatched (no current recipient in the uploader's scope has the number)
    problem TEXT NOT NULL,
    PRIMARY KEY (import_id, row_no)
);

ALTER TABLE comparison_imports ADD COLUMN households BIGINT NOT NULL DEFAULT 0;
ALTER TABLE comparison_imports ADD COLUMN leads BIGINT;
