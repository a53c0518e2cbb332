//! A guard for zip archives (.xlsx uploads), run before a parser inflates them.
//!
//! A 2 MB workbook whose `sharedStrings.xml` inflates to 2 GiB once took the server to 4 GB of
//! memory: calamine inflates and keeps what it reads, with no limit. [`check`] walks every entry
//! first and really inflates it through a counter that stops just past the limit, so a bomb
//! costs at most the caps in CPU time and a 64 KiB buffer in memory. The sizes an archive
//! declares are not trusted (a bomb can claim anything); they only let an honest giant be
//! refused without inflating it.
//!
//! Entries this reader cannot open (encrypted, or compressed with a method it does not know)
//! are skipped rather than refused: calamine uses the same reader, so it cannot inflate them
//! either, and whether such a file is readable stays its decision.

use std::io::{Cursor, Read};

use zip::result::ZipError;
use zip::ZipArchive;

const MIB: u64 = 1024 * 1024;

/// What an archive may unpack to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries (files and folders) in the archive.
    pub max_entries: u64,
    /// Bytes one entry may inflate to.
    pub max_entry_bytes: u64,
    /// Bytes all entries together may inflate to.
    pub max_total_bytes: u64,
    /// Inflated bytes per compressed byte of one entry …
    pub max_ratio: u64,
    /// … once the entry inflates to more than this (small files compress any way they like).
    pub ratio_floor: u64,
}

/// Limits for an uploaded list (.xlsx), measured (bench/scale.sh, `sunshine bench xlsx`):
/// a 100,000-row list of 5 columns unpacks to 21.6 MB (its sheet 18.7 MB at 8.7:1, its shared
/// strings 2.9 MB at 5.7:1); one as Excel writes it with all 7 columns and styles is about
/// 43 MB. What calamine keeps in memory is up to ~4.7 times what it reads (merged-cell lists,
/// the worst found; a grid of short cells ~2.8×, shared strings ~3.3×), on top of the server's
/// ~60 MB: 48 MiB in total keeps any import under 300 MB. Real workbooks have a few dozen
/// entries and compress XML 3–20:1; a bomb compresses about 1000:1.
pub const XLSX_LIMITS: Limits = Limits {
    max_entries: 500,
    max_entry_bytes: 40 * MIB,
    max_total_bytes: 48 * MIB,
    max_ratio: 100,
    ratio_floor: MIB,
};

// The 100,000-row list of `sunshine bench xlsx` (sheet 18.7 MB, 21.6 MB in all) fits twice over.
const _: () = assert!(
    XLSX_LIMITS.max_entry_bytes >= 2 * 19_000_000
        && XLSX_LIMITS.max_total_bytes >= 2 * 22_000_000
        && XLSX_LIMITS.max_entry_bytes <= XLSX_LIMITS.max_total_bytes
);

/// Why an archive was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    /// Not a zip archive at all (or its directory is damaged).
    #[error("not a readable zip archive")]
    Unreadable,
    #[error("{entries} entries, more than {limit}")]
    TooManyEntries { entries: u64, limit: u64 },
    #[error("entry {name:?} unpacks to more than {limit} bytes")]
    EntryTooLarge { name: String, limit: u64 },
    #[error("the entries unpack to more than {limit} bytes together")]
    TotalTooLarge { limit: u64 },
    #[error("entry {name:?} unpacks to more than {limit} times its packed size")]
    RatioTooHigh { name: String, limit: u64 },
}

/// What a checked archive unpacks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unpacked {
    pub entries: u64,
    pub bytes: u64,
}

/// Inflates every entry of `bytes` (counting, keeping nothing) and refuses the archive as soon
/// as it goes past `limits`.
pub fn check(bytes: &[u8], limits: &Limits) -> Result<Unpacked, ArchiveError> {
    // The directory is parsed into memory by `ZipArchive::new`; refuse a huge one before that.
    if let Some(entries) = declared_entries(bytes).filter(|n| *n > limits.max_entries) {
        return Err(ArchiveError::TooManyEntries {
            entries,
            limit: limits.max_entries,
        });
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|_| ArchiveError::Unreadable)?;
    let entries = archive.len() as u64;
    if entries > limits.max_entries {
        return Err(ArchiveError::TooManyEntries {
            entries,
            limit: limits.max_entries,
        });
    }
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for index in 0..archive.len() {
        let mut entry = match archive.by_index(index) {
            Ok(entry) => entry,
            // Encrypted, an unknown method, a damaged local header: nothing anyone inflates.
            Err(ZipError::UnsupportedArchive(_) | ZipError::InvalidArchive(_)) => continue,
            Err(_) => return Err(ArchiveError::Unreadable),
        };
        let name = shown_name(entry.name());
        if entry.size() > limits.max_entry_bytes {
            return Err(ArchiveError::EntryTooLarge {
                name,
                limit: limits.max_entry_bytes,
            });
        }
        // The reader never takes more than the declared packed size, and it cannot be more
        // than the archive holds.
        let packed = entry.compressed_size().min(bytes.len() as u64);
        let by_ratio = packed
            .saturating_mul(limits.max_ratio)
            .max(limits.ratio_floor);
        let left = limits.max_total_bytes.saturating_sub(total);
        let limit = limits.max_entry_bytes.min(left).min(by_ratio);
        let inflated = count_up_to(&mut entry, limit.saturating_add(1), &mut buf);
        if inflated > limit {
            return Err(if limit == limits.max_entry_bytes {
                ArchiveError::EntryTooLarge {
                    name,
                    limit: limits.max_entry_bytes,
                }
            } else if limit == left {
                ArchiveError::TotalTooLarge {
                    limit: limits.max_total_bytes,
                }
            } else {
                ArchiveError::RatioTooHigh {
                    name,
                    limit: limits.max_ratio,
                }
            });
        }
        total += inflated;
    }
    Ok(Unpacked {
        entries,
        bytes: total,
    })
}

/// Reads at most `max` bytes from `r` and returns how many there were. A read error ends the
/// count: a damaged stream stops there for every reader of it.
fn count_up_to(r: &mut impl Read, max: u64, buf: &mut [u8]) -> u64 {
    let mut taken = r.take(max);
    let mut n: u64 = 0;
    loop {
        match taken.read(buf) {
            Ok(0) => return n,
            Ok(k) => n += k as u64,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return n,
        }
    }
}

/// An entry name for an error message or a log line: bounded and without control characters
/// (it comes from the uploader).
fn shown_name(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(80).collect()
}

/// The entry count the end-of-central-directory record declares (the last one in the file,
/// as zip readers use), or `None` when there is none or it defers to a ZIP64 record.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8; 4] = b"PK\x05\x06";
    const EOCD_LEN: usize = 22;
    // The record is the last 22 bytes plus a comment of at most 64 KiB.
    let from = bytes.len().saturating_sub(EOCD_LEN + usize::from(u16::MAX));
    let tail = bytes.get(from..)?;
    let at = tail
        .windows(EOCD.len())
        .rposition(|w| w == EOCD)
        .filter(|at| tail.len() - at >= EOCD_LEN)?;
    let total = tail.get(at + 10..at + 12)?;
    match u16::from_le_bytes([total[0], total[1]]) {
        u16::MAX => None,
        n => Some(u64::from(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    use zip::CompressionMethod;

    /// Limits small enough that a test bomb is quick to build and to refuse.
    const SMALL: Limits = Limits {
        max_entries: 10,
        max_entry_bytes: 4 * MIB,
        max_total_bytes: 6 * MIB,
        max_ratio: 100,
        ratio_floor: 64 * 1024,
    };

    fn deflated() -> SimpleFileOptions {
        SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
    }

    /// An archive of (name, contents) entries, deflated.
    fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, body) in files {
            w.start_file(*name, deflated()).expect("start");
            w.write_all(body).expect("write");
        }
        w.finish().expect("finish").into_inner()
    }

    /// Text that compresses like a real sheet (a few to one), `len` bytes.
    fn sheet_like(len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + 64);
        let mut i: u64 = 0;
        while out.len() < len {
            i = i
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            out.extend_from_slice(
                format!("<c r=\"A{}\"><v>{}</v></c>", i >> 48, i >> 33).as_bytes(),
            );
        }
        out.truncate(len);
        out
    }

    /// Overwrites every declared uncompressed size (local and central headers) with `size`.
    fn lie_about_sizes(mut bytes: Vec<u8>, size: u32) -> Vec<u8> {
        let sig_at = |b: &[u8], sig: &[u8]| {
            b.windows(4)
                .enumerate()
                .filter(|(_, w)| *w == sig)
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        };
        for at in sig_at(&bytes, b"PK\x03\x04") {
            bytes[at + 22..at + 26].copy_from_slice(&size.to_le_bytes());
        }
        for at in sig_at(&bytes, b"PK\x01\x02") {
            bytes[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
        }
        bytes
    }

    #[test]
    fn an_ordinary_archive_passes_and_is_measured() {
        let bytes = zip_of(&[
            ("[Content_Types].xml", b"<Types/>".to_vec()),
            ("xl/worksheets/sheet1.xml", sheet_like(3 * MIB as usize)),
        ]);
        assert_eq!(
            check(&bytes, &SMALL),
            Ok(Unpacked {
                entries: 2,
                bytes: 3 * MIB + 8
            })
        );
    }

    #[test]
    fn one_huge_entry_is_refused_even_when_it_claims_to_be_small() {
        let bomb = zip_of(&[("xl/sharedStrings.xml", vec![b'A'; 5 * MIB as usize])]);
        let expected = Err(ArchiveError::EntryTooLarge {
            name: "xl/sharedStrings.xml".to_owned(),
            limit: 4 * MIB,
        });
        // Honest sizes are refused from the header; lying ones by inflating (ratio allowed, so
        // that the entry limit is what stops it).
        let lax = Limits {
            max_ratio: 10_000,
            ..SMALL
        };
        assert_eq!(check(&bomb, &lax), expected);
        assert_eq!(check(&lie_about_sizes(bomb, 100), &lax), expected);
    }

    #[test]
    fn entries_that_add_up_are_refused() {
        let part = || sheet_like(5 * MIB as usize / 2);
        let bytes = zip_of(&[("a.xml", part()), ("b.xml", part()), ("c.xml", part())]);
        assert_eq!(
            check(&bytes, &SMALL),
            Err(ArchiveError::TotalTooLarge { limit: 6 * MIB })
        );
        assert_eq!(
            check(&lie_about_sizes(bytes, 10), &SMALL),
            Err(ArchiveError::TotalTooLarge { limit: 6 * MIB })
        );
    }

    #[test]
    fn extreme_compression_is_refused() {
        // 3 MiB of one letter is under the size caps but packs ~1000:1.
        let bytes = zip_of(&[("xl/sharedStrings.xml", vec![b'A'; 3 * MIB as usize])]);
        assert_eq!(
            check(&bytes, &SMALL),
            Err(ArchiveError::RatioTooHigh {
                name: "xl/sharedStrings.xml".to_owned(),
                limit: 100
            })
        );
        // Small files may compress as well as they like.
        let small = zip_of(&[("xl/styles.xml", vec![b' '; 60 * 1024])]);
        assert!(check(&small, &SMALL).is_ok());
    }

    #[test]
    fn too_many_entries_are_refused_before_reading_them() {
        let files: Vec<(String, Vec<u8>)> =
            (0..11).map(|i| (format!("f{i}"), Vec::new())).collect();
        let refs: Vec<(&str, Vec<u8>)> =
            files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
        let bytes = zip_of(&refs);
        assert_eq!(declared_entries(&bytes), Some(11));
        assert_eq!(
            check(&bytes, &SMALL),
            Err(ArchiveError::TooManyEntries {
                entries: 11,
                limit: 10
            })
        );
    }

    #[test]
    fn not_a_zip_is_unreadable() {
        assert_eq!(check(b"", &SMALL), Err(ArchiveError::Unreadable));
        assert_eq!(
            check(b"name,persons\n", &SMALL),
            Err(ArchiveError::Unreadable)
        );
        let mut truncated = zip_of(&[("a.xml", sheet_like(1000))]);
        truncated.truncate(truncated.len() / 2);
        assert_eq!(check(&truncated, &SMALL), Err(ArchiveError::Unreadable));
    }

    #[test]
    fn entries_nobody_can_inflate_are_left_to_the_parser() {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("ok.xml", deflated()).expect("start");
        w.write_all(b"<ok/>").expect("write");
        w.start_file("odd.bin", SimpleFileOptions::default())
            .expect("start");
        w.write_all(&[1, 2, 3]).expect("write");
        let mut bytes = w.finish().expect("finish").into_inner();
        // Mark the second entry as compressed with an unknown method (99 is AES, 0x7777 is
        // nothing): the reader refuses to open it, so nobody can inflate it.
        let sig: &[u8] = b"PK\x03\x04";
        let locals: Vec<usize> = bytes
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == sig)
            .map(|(i, _)| i)
            .collect();
        let centrals: Vec<usize> = bytes
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == b"PK\x01\x02")
            .map(|(i, _)| i)
            .collect();
        bytes[locals[1] + 8..locals[1] + 10].copy_from_slice(&0x7777u16.to_le_bytes());
        bytes[centrals[1] + 10..centrals[1] + 12].copy_from_slice(&0x7777u16.to_le_bytes());
        assert_eq!(
            check(&bytes, &SMALL),
            Ok(Unpacked {
                entries: 2,
                bytes: 5
            })
        );
    }

    #[test]
    fn names_in_errors_are_bounded_and_printable() {
        assert_eq!(shown_name("a\u{0}b\nc"), "abc");
        assert_eq!(shown_name(&"x".repeat(500)).len(), 80);
    }
}
