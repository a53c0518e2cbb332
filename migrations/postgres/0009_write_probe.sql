-- Readiness writes a row here and removes it in the same transaction, to learn whether writes
-- work again after one failed (a full disk, a lost primary). It is always empty.
CREATE TABLE write_probe (
    id BIGINT PRIMARY KEY,
    filler TEXT NOT NULL
);
