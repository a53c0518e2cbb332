-- no-transaction
-- The village assistant role (村级协理员), scoped to one village. SQLite cannot change a CHECK
-- constraint, so the staff table is rebuilt the documented way (foreign keys off, one
-- transaction, foreign_key_check before commit).
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE staff_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('township_officer', 'county_officer', 'supervisor', 'auditor', 'admin', 'village_assistant')),
    -- The township this account is limited to; NULL = the whole county.
    township_id BIGINT REFERENCES regions(id),
    -- The village a village assistant is limited to (inside township_id).
    village_id BIGINT REFERENCES regions(id),
    email TEXT,
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO staff_new (id, username, display_name, password_hash, role, township_id, email,
    active, failed_logins, locked_until, created_at, updated_at)
SELECT id, username, display_name, password_hash, role, township_id, email,
    active, failed_logins, locked_until, created_at, updated_at FROM staff;
DROP TABLE staff;
ALTER TABLE staff_new RENAME TO staff;
COMMIT;
PRAGMA foreign_keys = ON;
