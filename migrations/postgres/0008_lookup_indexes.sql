-- Found by bench/scale.sh: importing a list looks each household up by ID number or name in its
-- village (a scan per row without these), and township totals sum entries (covering index).
CREATE INDEX households_village_id_number ON households (village_id, id_number);
CREATE INDEX households_village_name ON households (village_id, head_name);
CREATE INDEX batch_entries_totals ON batch_entries (batch_id, change_kind, persons, monthly_fen);
