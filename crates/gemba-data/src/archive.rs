//! Checks of a spreadsheet's zip archive made before any spreadsheet parser sees it: how many
//! entries, how large they are when unpacked (declared and actually, unpacked with a hard byte
//! limit), how much they were compressed, and counts declared inside that cannot be true for
//! the bytes present. A file that fails is refused with a [`Refusal`], never parsed.

use std::io::{self, Cursor, Read};

use quick_xml::events::Event;

use crate::sandbox::Refusal;

/// The most entries (files) a spreadsheet archive may hold. A workbook has a dozen or so plus
/// one per sheet; many thousands is a file built to waste time.
pub const MAX_ARCHIVE_ENTRIES: usize = 2_000;

/// The most bytes all entries of a spreadsheet archive may unpack to, together (128 MiB).
/// Around a million cells of numbers; more data belongs in a CSV file, which is streamed.
pub const MAX_UNPACKED_BYTES: u64 = 128 * 1024 * 1024;

/// The most an entry larger than [`RATIO_CHECKED_FROM`] may have been compressed: unpacked
/// size over packed size. Real sheets compress 5 to 50 times; zip bombs a thousand times.
pub const MAX_COMPRESSION_RATIO: u64 = 200;

/// Entries that unpack to less than this (1 MiB) are not held to [`MAX_COMPRESSION_RATIO`]:
/// small runs of repeated markup compress very well and cost nothing.
pub const RATIO_CHECKED_FROM: u64 = 1024 * 1024;

/// The fewest bytes one shared string takes in `xl/sharedStrings.xml` (`<si/>`), so that a
/// declared `uniqueCount` above the entry's unpacked size over this is a lie (the
/// parser would reserve memory for that many strings before reading one).
pub const MIN_SHARED_STRING_BYTES: u64 = 5;

/// The most cells an OpenDocument sheet may expand to once its `table:number-rows-repeated`
/// and `table:number-columns-repeated` attributes are applied (over the span of rows and
/// columns that hold values, as the parser lays them out): 4 million, e.g. a million rows of
/// four columns.
pub const MAX_SHEET_CELLS: u64 = 4_000_000;

/// The kinds of spreadsheet archive that are checked; `.xls` is not a zip archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArchiveKind {
    /// Office Open XML: `.xlsx`, `.xlsm`, `.xlsb`.
    OfficeOpenXml,
    /// OpenDocument: `.ods`.
    OpenDocument,
}

/// Checks the zip archive of an `.xlsx`/`.xlsm`/`.xlsb` (`kind` OfficeOpenXml) or `.ods`
/// file against the limits above. `Ok` does not mean the file is a good spreadsheet, only that
/// reading it cannot cost more than the limits allow; a file that is not a zip archive at all
/// is left for the parser to reject.
pub(crate) fn check_archive(bytes: &[u8], kind: ArchiveKind) -> Result<(), Refusal> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        // Not a zip archive: the spreadsheet parser says so in its own words.
        return Ok(());
    };
    if zip.len() > MAX_ARCHIVE_ENTRIES {
        return Err(Refusal::TooManyEntries {
            entries: zip.len(),
            limit: MAX_ARCHIVE_ENTRIES,
        });
    }
    let mut declared_total: u64 = 0;
    let mut actual_total: u64 = 0;
    let mut shared_strings: Option<(usize, u64)> = None;
    let mut content: Option<usize> = None;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_raw(i) else {
            // An entry that cannot be opened: the parser will fail on it, or never touch it.
            continue;
        };
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let declared = entry.size();
        let packed = entry.compressed_size();
        declared_total = declared_total.saturating_add(declared);
        if declared_total > MAX_UNPACKED_BYTES {
            return Err(Refusal::TooBigUnpacked {
                limit: MAX_UNPACKED_BYTES,
            });
        }
        // Never trust the header: unpack the raw stream ourselves, counting, and stop one
        // byte past what is left.
        let allowed = MAX_UNPACKED_BYTES - actual_total;
        let mut counter = Counter(0);
        let copied = match entry.compression() {
            zip::CompressionMethod::Stored => io::copy(&mut entry.take(allowed + 1), &mut counter),
            zip::CompressionMethod::Deflated => io::copy(
                &mut flate2::read::DeflateDecoder::new(entry).take(allowed + 1),
                &mut counter,
            ),
            // Methods the parser cannot read either: it will refuse the part if it needs it.
            _ => continue,
        };
        let unpacked = counter.0;
        actual_total = actual_total.saturating_add(unpacked);
        if unpacked > allowed {
            return Err(Refusal::TooBigUnpacked {
                limit: MAX_UNPACKED_BYTES,
            });
        }
        if unpacked > declared {
            // A part that unpacks to more than its header says was built to slip past size
            // checks (the zip library itself stops at the declared size).
            return Err(Refusal::SizeMismatch { entry: name });
        }
        if copied.is_err() {
            // A corrupt stream: the parser will report it (or never read this part).
            continue;
        }
        let packed = packed.max(1);
        if unpacked >= RATIO_CHECKED_FROM && unpacked / packed > MAX_COMPRESSION_RATIO {
            return Err(Refusal::CompressionRatio {
                entry: name,
                ratio: unpacked / packed,
                limit: MAX_COMPRESSION_RATIO,
            });
        }
        match kind {
            ArchiveKind::OfficeOpenXml if name.eq_ignore_ascii_case("xl/sharedStrings.xml") => {
                shared_strings = Some((i, unpacked));
            }
            ArchiveKind::OpenDocument if name == "content.xml" => content = Some(i),
            _ => {}
        }
    }
    if let Some((i, unpacked)) = shared_strings {
        if let Ok(entry) = zip.by_index(i) {
            check_shared_strings(entry, unpacked)?;
        }
    }
    if let Some(i) = content {
        if let Ok(entry) = zip.by_index(i) {
            check_repeats(entry)?;
        }
    }
    Ok(())
}

/// Counts bytes written to it and keeps none.
struct Counter(u64);

impl io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 = self.0.saturating_add(buf.len() as u64);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Refuses a shared-strings part whose `<sst>` declares more distinct strings
/// (`uniqueCount`) than its `unpacked` bytes can hold.
fn check_shared_strings(entry: impl Read, unpacked: u64) -> Result<(), Refusal> {
    let possible = unpacked / MIN_SHARED_STRING_BYTES;
    let mut xml = quick_xml::Reader::from_reader(io::BufReader::new(entry.take(unpacked)));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                for attr in e.attributes().flatten() {
                    let key = attr.key.local_name();
                    // `count` is how often strings are used, which can be far more.
                    if key.as_ref() != "uniqueCount" {
                        continue;
                    }
                    let declared = attr.value.trim().parse::<u64>().ok();
                    if let Some(declared) = declared {
                        if declared > possible {
                            return Err(Refusal::DeclaredCount { declared, possible });
                        }
                    }
                }
                return Ok(());
            }
            // No <sst> before the end or bad XML: the parser reports it.
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

/// Refuses an OpenDocument `content.xml` whose repeated rows and columns expand a sheet to
/// more than [`MAX_SHEET_CELLS`] cells, laid out as the parser lays them: from the first to the
/// last row holding a value (repeats counted) by the widest such row (repeats counted).
fn check_repeats(entry: impl Read) -> Result<(), Refusal> {
    let mut xml =
        quick_xml::Reader::from_reader(io::BufReader::new(entry.take(MAX_UNPACKED_BYTES)));
    let mut buf = Vec::new();
    // Per sheet: rows from the first row with a value up to the last, and rows since the last
    // row with a value (repeats counted); the widest row with a value.
    let mut span: u64 = 0;
    let mut pending: u64 = 0;
    let mut seen_value = false;
    let mut width: u64 = 0;
    // Per row: its repeat count, columns so far, and the column after its last value.
    let mut row_repeat: u64 = 1;
    let mut row_columns: u64 = 0;
    let mut row_end: u64 = 0;
    let mut depth_in_cell = 0usize;
    let repeat = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> u64 {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == name)
            .and_then(|a| a.value.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let has_value = |e: &quick_xml::events::BytesStart<'_>| {
        e.attributes().flatten().any(|a| {
            matches!(
                a.key.as_ref(),
                "office:value-type" | "table:formula" | "office:value"
            )
        })
    };
    loop {
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(_) => return Ok(()),
        };
        match event {
            Event::Eof => return Ok(()),
            Event::Start(e) if e.name().as_ref() == "table:table" => {
                (span, pending, seen_value, width) = (0, 0, false, 0);
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                row_repeat = repeat(&e, "table:number-rows-repeated");
                (row_columns, row_end) = (0, 0);
            }
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                pending = pending.saturating_add(repeat(&e, "table:number-rows-repeated"));
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if row_end > 0 {
                    if seen_value {
                        span = span.saturating_add(pending);
                    }
                    span = span.saturating_add(row_repeat);
                    pending = 0;
                    seen_value = true;
                    width = width.max(row_end);
                    if span.saturating_mul(width) > MAX_SHEET_CELLS {
                        return Err(Refusal::TooManyCells {
                            limit: MAX_SHEET_CELLS,
                        });
                    }
                } else {
                    pending = pending.saturating_add(row_repeat);
                }
            }
            Event::Start(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                // A cell with content (an element, not `<table:table-cell/>`) may hold text.
                row_columns =
                    row_columns.saturating_add(repeat(&e, "table:number-columns-repeated"));
                row_end = row_columns;
                depth_in_cell = 1;
            }
            Event::Empty(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                row_columns =
                    row_columns.saturating_add(repeat(&e, "table:number-columns-repeated"));
                if has_value(&e) {
                    row_end = row_columns;
                }
            }
            Event::Start(_) if depth_in_cell > 0 => depth_in_cell += 1,
            Event::End(_) if depth_in_cell > 0 => depth_in_cell -= 1,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut out);
            for (name, data) in entries {
                w.start_file(*name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                w.write_all(data).unwrap();
            }
            w.finish().unwrap();
        }
        out.into_inner()
    }

    #[test]
    fn a_declared_shared_string_count_beyond_the_bytes_is_refused() {
        let sst = br#"<?xml version="1.0"?><sst xmlns="x" count="3" uniqueCount="100000000000"><si><t>a</t></si></sst>"#;
        let bytes = zip_of(&[("xl/sharedStrings.xml", sst)]);
        let err = check_archive(&bytes, ArchiveKind::OfficeOpenXml).unwrap_err();
        assert!(matches!(
            err,
            Refusal::DeclaredCount {
                declared: 100_000_000_000,
                ..
            }
        ));
        let honest = br#"<sst xmlns="x" count="1" uniqueCount="1"><si><t>a</t></si></sst>"#;
        let bytes = zip_of(&[("xl/sharedStrings.xml", honest)]);
        assert!(check_archive(&bytes, ArchiveKind::OfficeOpenXml).is_ok());
    }

    #[test]
    fn repeated_rows_with_values_are_counted_but_trailing_empty_rows_are_not() {
        let row = |repeat: u64, cells: &str| {
            format!(
                r#"<table:table-row table:number-rows-repeated="{repeat}">{cells}</table:table-row>"#
            )
        };
        let value = r#"<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>"#;
        let empty_wide = r#"<table:table-cell table:number-columns-repeated="1024"/>"#;
        // LibreOffice's own padding: a million empty rows a thousand cells wide.
        let normal = format!(
            "<table:table>{}{}</table:table>",
            row(10, value),
            row(1_048_000, empty_wide)
        );
        assert!(check_repeats(normal.as_bytes()).is_ok());
        // Ten million rows holding a value: 10 million cells.
        let hostile = format!("<table:table>{}</table:table>", row(10_000_000, value));
        assert!(matches!(
            check_repeats(hostile.as_bytes()),
            Err(Refusal::TooManyCells { .. })
        ));
        // Empty rows between two rows with values are laid out too.
        let gap = format!(
            "<table:table>{}{}{}</table:table>",
            row(1, value),
            row(5_000_000, empty_wide),
            row(1, value)
        );
        assert!(check_repeats(gap.as_bytes()).is_err());
    }

    #[test]
    fn a_part_larger_than_its_header_declares_is_refused() {
        let mut bytes = zip_of(&[("xl/worksheets/sheet1.xml", &[b'x'; 2000][..])]);
        // Declare 10 bytes unpacked, in the local header and the central directory.
        for (signature, offset) in [(&b"PK\x03\x04"[..], 22), (&b"PK\x01\x02"[..], 24)] {
            let at = bytes.windows(4).position(|w| w == signature).unwrap() + offset;
            bytes[at..at + 4].copy_from_slice(&10u32.to_le_bytes());
        }
        let err = check_archive(&bytes, ArchiveKind::OfficeOpenXml).unwrap_err();
        assert_eq!(
            err,
            Refusal::SizeMismatch {
                entry: "xl/worksheets/sheet1.xml".into()
            }
        );
    }

    #[test]
    fn too_many_entries_and_too_big_when_unpacked_are_refused() {
        let names: Vec<String> = (0..=MAX_ARCHIVE_ENTRIES).map(|i| format!("f{i}")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        let err = check_archive(&zip_of(&entries), ArchiveKind::OfficeOpenXml).unwrap_err();
        assert!(
            matches!(err, Refusal::TooManyEntries { entries, .. } if entries == MAX_ARCHIVE_ENTRIES + 1)
        );

        let zeros = vec![0u8; 4 * 1024 * 1024];
        let err = check_archive(
            &zip_of(&[("xl/worksheets/sheet1.xml", &zeros)]),
            ArchiveKind::OfficeOpenXml,
        )
        .unwrap_err();
        assert!(matches!(err, Refusal::CompressionRatio { .. }), "{err:?}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, failure_persistence: None, ..Default::default() })]

        /// Our own checks run before any parser: whatever the bytes, they answer, never panic.
        #[test]
        fn the_checks_never_panic(
            xml in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            edits in proptest::collection::vec((0usize..4096, proptest::prelude::any::<u8>()), 0..8),
        ) {
            let mut bytes = zip_of(&[("xl/sharedStrings.xml", &xml), ("content.xml", &xml)]);
            let n = bytes.len();
            for (at, b) in edits {
                bytes[at % n] = b;
            }
            let _ = check_archive(&bytes, ArchiveKind::OfficeOpenXml);
            let _ = check_archive(&bytes, ArchiveKind::OpenDocument);
            let _ = check_repeats(&xml[..]);
            let _ = check_shared_strings(&xml[..], xml.len() as u64);
        }
    }
}
