-- Regions above the counties, as a division-code file names them (sunshine regions import):
-- the province (530000000000) and its prefectures (市、州, 530600000000). The tree itself starts
-- at counties; a county belongs to the prefecture of its code's first four digits, which the
-- statistics and the list of counties group it under.
CREATE TABLE upper_regions (
    code TEXT PRIMARY KEY,
    level TEXT NOT NULL CHECK (level IN ('province', 'prefecture')),
    name_zh TEXT NOT NULL,
    name_en TEXT
);
