-- The village assistant role (村级协理员), scoped to one village.
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('township_officer', 'county_officer', 'supervisor', 'auditor', 'admin', 'village_assistant'));
-- The village a village assistant is limited to (inside township_id).
ALTER TABLE staff ADD COLUMN village_id BIGINT REFERENCES regions(id);
