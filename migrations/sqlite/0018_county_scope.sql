-- One deployment for a whole province: a staff account may be limited to one county (its
-- officers, administrators and supervisors), besides one township or one village. An account
-- with neither a township nor a county reaches every county (the province's oversight).
ALTER TABLE staff ADD COLUMN county_id BIGINT REFERENCES regions(id);
CREATE INDEX staff_county ON staff (county_id);

-- A data-comparison file uploaded by a county's own officer is that county's (township_id NULL).
ALTER TABLE comparison_imports ADD COLUMN county_id BIGINT REFERENCES regions(id);
