-- A county's own public pages (its allowance standard, answers to its residents, its notices),
-- written by its staff, beside the deployment's (county_id NULL). Slugs stay unique across the
-- deployment: a page's address does not depend on its county.
ALTER TABLE pages ADD COLUMN county_id BIGINT REFERENCES regions(id);
CREATE INDEX pages_county ON pages (county_id, kind, published);
