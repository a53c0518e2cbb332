//! `.xlsx` workbooks → a grid of strings (first visible sheet, merged cells filled).

use std::io::Cursor;

use super::grid::*;
use super::*;

// ---------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------

/// Excel number → text as Excel shows it by default: 375 → "375",
/// 375.5 → "375.5", 530621199001010112 → "530621199001010112" (never
/// "5.3e17"); float noise from formulas is rounded off (0.1+0.2 → "0.3").
pub(super) fn format_number(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f == 0.0 {
        return "0".to_string();
    }
    if f.fract() == 0.0 && f.abs() < 1e21 {
        return format!("{f:.0}");
    }
    if f.abs() < 1e15 {
        let s = format!("{f:.9}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        return if s == "-0" {
            "0".to_string()
        } else {
            s.to_string()
        };
    }
    f.to_string()
}

pub(super) fn format_datetime(dt: &calamine::ExcelDateTime) -> String {
    let value = dt.as_f64();
    // Only convert serials of real dates (years 1900–9999).
    if !dt.is_datetime() || !(0.0..2_958_466.0).contains(&value) {
        return format_number(value);
    }
    let (y, m, d, h, min, s, _ms) = dt.to_ymd_hms_milli();
    if value < 1.0 {
        format!("{h:02}:{min:02}:{s:02}")
    } else if (h, min, s) == (0, 0, 0) {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{y:04}-{m:02}-{d:02} {h:02}:{min:02}:{s:02}")
    }
}

pub(super) fn cell_text(value: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    let text = match value {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => format_number(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(true) => "TRUE".to_string(),
        DataRef::Bool(false) => "FALSE".to_string(),
        DataRef::DateTime(dt) => format_datetime(dt),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    };
    match clean(&text) {
        trimmed if trimmed.len() == text.len() => text,
        trimmed => trimmed.to_string(),
    }
}

/// The first visible worksheet, else the first worksheet.
pub(super) fn first_worksheet<R: std::io::Read + std::io::Seek>(
    wb: &calamine::Xlsx<R>,
) -> Option<String> {
    use calamine::{Reader, SheetType, SheetVisible};
    let sheets = wb.sheets_metadata();
    sheets
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .or_else(|| sheets.iter().find(|s| s.typ == SheetType::WorkSheet))
        .map(|s| s.name.clone())
}

pub(super) type Region = ((u32, u32), (u32, u32));

/// Copies each merged area's top-left value into the area's empty cells, in
/// rows that already have data of their own.
pub(super) fn fill_merged(grid: &mut [Vec<String>], regions: &[Region]) {
    let had_data: Vec<bool> = grid.iter().map(|r| !is_empty_row(r)).collect();
    let mut budget = MERGE_FILL_BUDGET;
    let mut text_budget = MERGE_FILL_TEXT_BYTES;
    for &((r0, c0), (r1, c1)) in regions {
        let (r0, c0, r1, c1) = (r0 as usize, c0 as usize, r1 as usize, c1 as usize);
        if r1 < r0 || c1 < c0 || c0 >= MAX_COLS {
            continue;
        }
        let Some(value) = grid
            .get(r0)
            .and_then(|row| row.get(c0))
            .filter(|v| !v.is_empty())
            .cloned()
        else {
            continue;
        };
        let c1 = c1.min(MAX_COLS - 1);
        for r in r0..=r1.min(grid.len().saturating_sub(1)) {
            if !had_data.get(r).copied().unwrap_or(false) {
                continue;
            }
            let Some(row) = grid.get_mut(r) else { continue };
            for c in c0..=c1 {
                if budget == 0 {
                    return;
                }
                budget -= 1;
                if row.len() <= c {
                    row.resize(c + 1, String::new());
                }
                if let Some(slot) = row.get_mut(c) {
                    if slot.is_empty() {
                        let Some(left) = text_budget.checked_sub(value.len()) else {
                            return;
                        };
                        text_budget = left;
                        slot.clone_from(&value);
                    }
                }
            }
        }
    }
}

pub(super) fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, RowError> {
    use calamine::{Reader, Xlsx, XlsxError};
    let unreadable = || RowError::file(Problem::UnreadableFile);
    // calamine inflates without a limit: a zip bomb is refused before it sees the bytes.
    match crate::archive::check(bytes, &crate::archive::XLSX_LIMITS) {
        Ok(_) => {}
        Err(crate::archive::ArchiveError::Unreadable) => return Err(unreadable()),
        Err(e) => {
            tracing::warn!(error = %e, "workbook refused before reading");
            return Err(RowError::file(Problem::TooLargeUnpacked));
        }
    }
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let Some(sheet) = first_worksheet(&wb) else {
        return Ok(Vec::new());
    };
    // Merged areas are a convenience: if they cannot be read, go without.
    let regions: Vec<Region> = if wb.load_merged_regions().is_ok() {
        wb.merged_regions_by_sheet(&sheet)
            .into_iter()
            .map(|(_, _, d)| (d.start, d.end))
            .collect()
    } else {
        Vec::new()
    };
    // Cell by cell rather than `worksheet_range*`: a range is allocated
    // densely, so two far-apart cells (A1 and XFD1048576) would need billions
    // of slots.
    let mut reader = match wb.worksheet_cells_reader(&sheet) {
        Ok(reader) => reader,
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(_) => return Err(unreadable()),
    };
    let mut grid: Vec<Vec<String>> = Vec::new();
    let mut budget = GridBudget::default();
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(_) => return Err(unreadable()),
        };
        let (row, col) = cell.get_position();
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        budget.text(text.len())?;
        if row >= EXCEL_MAX_ROWS {
            return Err(unreadable());
        }
        let (row, col) = (row as usize, col as usize);
        if col >= MAX_COLS {
            continue;
        }
        if grid.len() <= row {
            budget.cells(row + 1 - grid.len())?;
            grid.resize_with(row + 1, Vec::new);
        }
        let Some(cells) = grid.get_mut(row) else {
            continue;
        };
        if cells.is_empty() {
            budget.non_empty_row()?;
        }
        if cells.len() <= col {
            budget.cells(col + 1 - cells.len())?;
            cells.resize(col + 1, String::new());
        }
        if let Some(slot) = cells.get_mut(col) {
            *slot = text;
        }
    }
    fill_merged(&mut grid, &regions);
    Ok(grid)
}

/// Bytes of an .xlsx file → grid of the first (visible) worksheet. Numbers:
/// integers without ".0" (375 → "375", 375.5 → "375.5"); an ID number stored
/// as a number is written out in full, never as 5.3e17 (Excel keeps only 15
/// significant digits, so such an ID usually fails its check digit). Dates →
/// "YYYY-MM-DD"; booleans → "TRUE"/"FALSE"; empty → "". Merged cells are
/// filled (see the module docs).
pub fn xlsx_grid(bytes: &[u8]) -> Result<Vec<Vec<String>>, RowError> {
    // calamine 0.31 parses cell references with unchecked arithmetic, which
    // panics on crafted files in builds with overflow checks; treat a panic
    // as an unreadable file.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_xlsx(bytes)))
        .unwrap_or_else(|_| Err(RowError::file(Problem::UnreadableFile)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::test_support::*;

    // ---- XLSX ----

    fn sample_workbook() -> Vec<u8> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let title = Format::new();
        ws.merge_range(0, 0, 0, 6, "龙泉村2026年11月低保审核公示名单", &title)
            .expect("merge");
        for (col, h) in HEADER.iter().enumerate() {
            ws.write_string(2, col as u16, *h).expect("header");
        }
        // Row 4: ID typed as a number — Excel keeps 15 significant digits,
        // so it comes back as 530621199001011264 and fails the check digit.
        ws.write_string(3, 0, "张三").expect("w");
        ws.write_number(3, 1, 530_621_199_001_011_234_f64)
            .expect("w");
        ws.write_number(3, 2, 3).expect("w");
        ws.write_number(3, 3, 375.5).expect("w");
        ws.write_string(3, 4, "兜底保障一类").expect("w");
        // Rows 5–6: a valid ID stored as an (exactly representable) number,
        // and a category cell merged over two households.
        ws.write_string(4, 0, "李四").expect("w");
        ws.write_number(4, 1, 530_621_199_001_010_112_f64)
            .expect("w");
        ws.write_number(4, 2, 2).expect("w");
        ws.write_number(4, 3, 1125).expect("w");
        ws.merge_range(4, 4, 5, 4, "一般保障 二类", &Format::new())
            .expect("merge");
        ws.write_string(4, 6, "增发").expect("w");
        ws.write_string(5, 0, "王五").expect("w");
        ws.write_number(5, 2, 1).expect("w");
        ws.write_number(5, 3, 0.1 + 0.2).expect("w");
        ws.write_boolean(1, 9, true).expect("w");
        wb.save_to_buffer().expect("save")
    }

    #[test]
    fn xlsx_grid_cells() {
        let g = xlsx_grid(&sample_workbook()).expect("grid");
        assert_eq!(g[0][0], "龙泉村2026年11月低保审核公示名单");
        assert_eq!(g[1][9], "TRUE");
        assert_eq!(g[2][..7], HEADER);
        assert_eq!(g[3][1], "530621199001011264");
        assert!(!g[3][1].contains(['e', 'E', '.']));
        assert_eq!((g[3][2].as_str(), g[3][3].as_str()), ("3", "375.5"));
        assert_eq!(g[4][1], "530621199001010112");
        assert_eq!(g[4][3], "1125");
        assert_eq!(g[5][4], "一般保障 二类", "merged cell filled down");
        assert_eq!(g[5][3], "0.3");
        assert_eq!(g.len(), 6);
    }

    #[test]
    fn xlsx_parse() {
        let bytes = sample_workbook();
        assert_eq!(
            problems(parse_file("名单.xlsx", &bytes, &defaults())),
            vec![(4, Some("身份证号"), Problem::IdNumberInvalid)]
        );
        // With the rounded ID fixed, the file imports.
        let mut g = xlsx_grid(&bytes).expect("grid");
        g[3][1] = "530621199001011238".into();
        let rows = parse_grid(&g, &defaults()).expect("valid");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].monthly_fen.fen(), 37_550);
        assert_eq!(
            (rows[0].category.as_str(), rows[0].aid_class),
            ("doudi", Some(1))
        );
        assert_eq!(rows[1].id_number.as_deref(), Some("530621199001010112"));
        assert_eq!(rows[1].change, ChangeKind::Increase);
        assert_eq!(rows[2].row, 6);
        assert_eq!(
            (rows[2].category.as_str(), rows[2].aid_class),
            ("yiban", Some(2))
        );
        assert_eq!(rows[2].monthly_fen.fen(), 30);
        // Upper-case extension, and a workbook mistakenly named .csv.
        assert_eq!(
            parse_file("名单.XLSX", &bytes, &defaults()),
            parse_file("名单.xlsx", &bytes, &defaults())
        );
        assert_eq!(
            parse_file("名单.csv", &bytes, &defaults()),
            parse_file("名单.xlsx", &bytes, &defaults())
        );
    }

    #[test]
    fn xlsx_first_visible_sheet() {
        use rust_xlsxwriter::Workbook;
        let mut wb = Workbook::new();
        let hidden = wb.add_worksheet();
        hidden.write_string(0, 0, "配置").expect("w");
        let visible = wb.add_worksheet();
        for (col, h) in ["户主姓名", "保障人数", "月保障金额", "保障类别"]
            .iter()
            .enumerate()
        {
            visible.write_string(0, col as u16, *h).expect("w");
        }
        for (col, v) in ["张三", "2", "600", "兜底"].iter().enumerate() {
            visible.write_string(1, col as u16, *v).expect("w");
        }
        visible.set_active(true);
        wb.worksheet_from_index(0).expect("sheet").set_hidden(true);
        let bytes = wb.save_to_buffer().expect("save");
        let rows = parse_file("a.xlsx", &bytes, &defaults()).expect("valid");
        assert_eq!(rows[0].head_name, "张三");
    }

    #[test]
    fn unsupported_and_unreadable_files() {
        let file = |p: Problem| {
            Err(vec![RowError {
                row: 0,
                column: None,
                problem: p,
            }])
        };
        let cases: Vec<(&str, Vec<u8>, Problem)> = vec![
            (
                "名单.xls",
                b"\xD0\xCF\x11\xE0".to_vec(),
                Problem::UnsupportedFileType,
            ),
            (
                "名单.txt",
                CSV_TEXT.as_bytes().to_vec(),
                Problem::UnsupportedFileType,
            ),
            (
                "名单",
                CSV_TEXT.as_bytes().to_vec(),
                Problem::UnsupportedFileType,
            ),
            (
                "名单.pdf",
                b"%PDF-1.4".to_vec(),
                Problem::UnsupportedFileType,
            ),
            (
                "名单.xlsx",
                b"this is not a workbook \x00\xff".to_vec(),
                Problem::UnreadableFile,
            ),
            ("名单.xlsx", Vec::new(), Problem::UnreadableFile),
            (
                "名单.xlsx",
                CSV_TEXT.as_bytes().to_vec(),
                Problem::UnreadableFile,
            ),
            (
                "名单.xlsx",
                b"PK\x03\x04\x14\x00garbage".to_vec(),
                Problem::UnreadableFile,
            ),
            (
                "名单.csv",
                b"PK\x03\x04\x14\x00garbage".to_vec(),
                Problem::UnreadableFile,
            ),
        ];
        for (name, bytes, problem) in cases {
            assert_eq!(
                parse_file(name, &bytes, &defaults()),
                file(problem),
                "{name}"
            );
        }
        // A truncated real workbook.
        let mut bytes = sample_workbook();
        bytes.truncate(bytes.len() / 2);
        assert_eq!(
            parse_file("x.xlsx", &bytes, &defaults()),
            file(Problem::UnreadableFile)
        );
    }

    /// A minimal zip with stored (uncompressed) entries, for crafted sheets.
    fn stored_zip(files: &[(&str, &str)]) -> Vec<u8> {
        fn crc32(data: &[u8]) -> u32 {
            let mut crc = 0xFFFF_FFFFu32;
            for &b in data {
                crc ^= u32::from(b);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 {
                        (crc >> 1) ^ 0xEDB8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, body) in files {
            let offset = out.len() as u32;
            let (crc, size, name_len) =
                (crc32(body.as_bytes()), body.len() as u32, name.len() as u16);
            let common = |v: &mut Vec<u8>| {
                v.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
                v.extend_from_slice(&crc.to_le_bytes());
                v.extend_from_slice(&size.to_le_bytes());
                v.extend_from_slice(&size.to_le_bytes());
                v.extend_from_slice(&name_len.to_le_bytes());
                v.extend_from_slice(&0u16.to_le_bytes());
            };
            out.extend_from_slice(b"PK\x03\x04");
            common(&mut out);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(body.as_bytes());
            central.extend_from_slice(b"PK\x01\x02\x14\x00");
            common(&mut central);
            // Comment length, disk, internal and external attributes.
            central.extend_from_slice(&[0; 10]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let central_offset = out.len() as u32;
        let count = files.len() as u16;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&central_offset.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    fn crafted_xlsx(sheet_data: &str) -> Vec<u8> {
        let sheet = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{sheet_data}</sheetData></worksheet>"
        );
        stored_zip(&[
            ("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"),
            ("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
            ("xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
            ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"),
            ("xl/worksheets/sheet1.xml", &sheet),
        ])
    }

    #[test]
    fn zip_bombs_are_refused_before_calamine_reads_them() {
        use std::io::Write;
        // A real workbook whose shared strings are 2 MiB of one letter (about 1000:1 packed).
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("xl/sharedStrings.xml", opts).expect("start");
        w.write_all(b"<sst><si><t>").expect("write");
        w.write_all(&vec![b'A'; 2 << 20]).expect("write");
        w.write_all(b"</t></si></sst>").expect("write");
        let bomb = w.finish().expect("finish").into_inner();
        assert_eq!(
            parse_file("x.xlsx", &bomb, &defaults()),
            Err(vec![RowError::file(Problem::TooLargeUnpacked)])
        );
        let e = RowError::file(Problem::TooLargeUnpacked);
        assert!(e.message(false).contains("解压后的内容太多"));
        assert!(e.message(true).contains("unpacks to too much data"));
    }

    #[test]
    fn one_shared_string_in_many_cells_is_bounded() {
        // 40 KB once in the file, referred to by `n` cells.
        let workbook = |n: usize| {
            let long = "长".repeat(40_000 / 3);
            let cells: String = (1..=n)
                .map(|r| format!("<row r=\"{r}\"><c r=\"A{r}\" t=\"s\"><v>0</v></c></row>"))
                .collect();
            let sheet = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{cells}</sheetData></worksheet>");
            let sst = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>{long}</t></si></sst>");
            stored_zip(&[
                ("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"),
                ("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
                ("xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
                ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"),
                ("xl/sharedStrings.xml", &sst),
                ("xl/worksheets/sheet1.xml", &sheet),
            ])
        };
        assert_eq!(xlsx_grid(&workbook(10)).map(|g| g.len()), Ok(10));
        // 1,000 cells: 40 MB of copies.
        assert_eq!(
            xlsx_grid(&workbook(1000)),
            Err(RowError::file(Problem::TooLargeUnpacked))
        );
    }

    #[test]
    fn merged_areas_copy_a_bounded_amount_of_text() {
        let long = "x".repeat(1000);
        let mut grid: Vec<Vec<String>> = (0..40_000)
            .map(|_| vec![String::new(), String::new(), "k".to_owned()])
            .collect();
        grid[0][0].clone_from(&long);
        fill_merged(&mut grid, &[((0, 0), (39_999, 1))]);
        let copied: usize = grid.iter().flatten().map(String::len).sum();
        assert!(copied <= MERGE_FILL_TEXT_BYTES + 2 * 40_000, "{copied}");
        assert!(
            copied >= MERGE_FILL_TEXT_BYTES - 1000,
            "it fills up to the budget"
        );
        // A small area is filled completely.
        let mut grid = vec![
            vec!["a".to_owned(), String::new()],
            vec![String::new(), "b".to_owned()],
        ];
        fill_merged(&mut grid, &[((0, 0), (1, 0))]);
        assert_eq!(grid[1][0], "a");
    }

    #[test]
    fn crafted_workbooks_do_not_panic_or_explode() {
        let header = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>户主姓名</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>保障人数</t></is></c><c r=\"C1\" t=\"inlineStr\"><is><t>金额</t></is></c><c r=\"D1\" t=\"inlineStr\"><is><t>类别</t></is></c></row>";
        let data = "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>张三</t></is></c><c r=\"B2\"><v>2</v></c><c r=\"C2\"><v>600</v></c><c r=\"D2\" t=\"inlineStr\"><is><t>兜底</t></is></c></row>";
        // The hand-built zip itself is readable.
        let ok = crafted_xlsx(&format!("{header}{data}"));
        assert_eq!(
            parse_file("a.xlsx", &ok, &defaults()).map(|r| r.len()),
            Ok(1)
        );
        // A far-away cell is ignored (beyond the column cap) instead of
        // making a dense 1M × 16k range.
        let far = crafted_xlsx(&format!(
            "{header}{data}<row r=\"3\"><c r=\"XFD3\"><v>1</v></c></row>"
        ));
        assert_eq!(
            parse_file("a.xlsx", &far, &defaults()).map(|r| r.len()),
            Ok(1)
        );
        // Row beyond Excel's limit, and references that overflow calamine's
        // parser (a panic in debug builds) → unreadable, not a crash.
        for bad in [
            "<row r=\"1\"><c r=\"A4000000000\"><v>1</v></c></row>",
            "<row r=\"1\"><c r=\"A99999999999\"><v>1</v></c></row>",
            "<row r=\"99999999999\"><c><v>1</v></c></row>",
        ] {
            assert_eq!(
                xlsx_grid(&crafted_xlsx(bad)),
                Err(RowError {
                    row: 0,
                    column: None,
                    problem: Problem::UnreadableFile
                }),
                "{bad}"
            );
        }
    }

    #[test]
    fn number_formatting() {
        let cases: &[(f64, &str)] = &[
            (375.0, "375"),
            (375.5, "375.5"),
            (0.0, "0"),
            (-0.0, "0"),
            (0.1 + 0.2, "0.3"),
            (337.499_999_999_999_94, "337.5"),
            (1125.25, "1125.25"),
            (-3.0, "-3"),
            (530_621_199_001_010_112.0, "530621199001010112"),
            (1e-12, "0"),
            (f64::NAN, "NaN"),
        ];
        for &(f, want) in cases {
            assert_eq!(format_number(f), want, "{f:?}");
        }
    }
}
