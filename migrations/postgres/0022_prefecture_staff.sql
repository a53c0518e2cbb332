-- A prefecture's (市、州) oversight inside a province's deployment: an auditor's account may be
-- limited to the counties of one prefecture, named by its 12-digit division code
-- (530600000000); the counties are those whose codes share its first four digits.
ALTER TABLE staff ADD COLUMN prefecture_code TEXT;
