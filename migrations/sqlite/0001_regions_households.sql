-- Regions (county → township → village → group) and households (staff-only data).
-- Times are epoch seconds (BIGINT), booleans 0/1: the subset both backends read alike.

CREATE TABLE regions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id BIGINT REFERENCES regions(id),
    level TEXT NOT NULL CHECK (level IN ('county', 'township', 'village', 'group')),
    code TEXT NOT NULL UNIQUE,
    name_zh TEXT NOT NULL,
    name_en TEXT,
    sort_order BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX regions_parent ON regions (parent_id);
CREATE INDEX regions_level ON regions (level, sort_order, code);

CREATE TABLE households (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    village_id BIGINT NOT NULL REFERENCES regions(id),
    group_id BIGINT REFERENCES regions(id),
    head_name TEXT NOT NULL,
    id_number TEXT,
    phone TEXT,
    address TEXT,
    persons BIGINT NOT NULL CHECK (persons BETWEEN 1 AND 20),
    category TEXT NOT NULL CHECK (category IN ('doudi', 'yiban')),
    aid_class BIGINT CHECK (aid_class IS NULL OR aid_class BETWEEN 1 AND 3),
    monthly_fen BIGINT NOT NULL CHECK (monthly_fen >= 0),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'stopped')),
    near_relative BIGINT NOT NULL DEFAULT 0 CHECK (near_relative IN (0, 1)),
    staff_notes TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX households_village ON households (village_id, status);
