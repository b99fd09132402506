//! Fuzz-style properties of the readers, run for a bounded number of cases by the normal test
//! command: CSV bytes, mutated workbooks (`.xlsx`, `.ods`), random zip archives of random XML.
//! Whatever the bytes, reading returns rows or problems: it never panics, never hangs past the
//! reader's limits, and never returns more than `MAX_IMPORT_ROWS` rows.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Cursor, Write};

use gemba_data::{
    parse_pasted, read_chart_series, read_measure_file, ChartColumns, DataError, Grouping, Refusal,
    SheetReader, Source, MAX_IMPORT_ROWS,
};
use proptest::prelude::*;

#[path = "hostile/mod.rs"]
mod hostile;

fn sheets() -> SheetReader {
    SheetReader::new(
        env!("CARGO_BIN_EXE_gemba-sheet-reader"),
        Vec::<String>::new(),
    )
}

/// A small valid workbook to mutate.
fn good_xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "date").unwrap();
    sheet.write_string(0, 1, "value").unwrap();
    for r in 1..6u32 {
        sheet.write_string(r, 0, format!("2024-0{r}-01")).unwrap();
        sheet.write_number(r, 1, f64::from(r) * 1.5).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// A zip archive of the given entries, deflated.
fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Applies byte edits: (position as a fraction of the length, new byte), then a truncation.
fn mutate(mut bytes: Vec<u8>, edits: &[(f64, u8)], keep: f64) -> Vec<u8> {
    for &(at, b) in edits {
        if !bytes.is_empty() {
            let i = ((bytes.len() - 1) as f64 * at) as usize;
            bytes[i] = b;
        }
    }
    let keep = ((bytes.len() as f64) * keep).ceil() as usize;
    bytes.truncate(keep.max(1));
    bytes
}

/// The property for one read of an upload.
fn check_upload(bytes: &[u8], name: &str) {
    match read_measure_file(bytes, name, &sheets()) {
        Ok(rows) => assert!(rows.len() <= MAX_IMPORT_ROWS),
        Err(problems) => {
            assert!(!problems.is_empty());
            for p in &problems {
                assert!(!p.message.is_empty());
                assert!(
                    !p.message.chars().any(char::is_control),
                    "control characters in {:?}",
                    p.message
                );
            }
        }
    }
}

/// Random XML-ish text: tags of the spreadsheet vocabularies with random attributes and text.
fn xmlish() -> impl Strategy<Value = Vec<u8>> {
    let tag = prop::sample::select(vec![
        "sst",
        "si",
        "t",
        "worksheet",
        "sheetData",
        "row",
        "c",
        "v",
        "table:table",
        "table:table-row",
        "table:table-cell",
        "text:p",
        "dimension",
    ]);
    let attr = prop::sample::select(vec![
        "uniqueCount",
        "count",
        "r",
        "t",
        "s",
        "ref",
        "table:number-rows-repeated",
        "table:number-columns-repeated",
        "office:value-type",
        "office:value",
    ]);
    let value = prop_oneof![
        any::<u32>().prop_map(|n| n.to_string()),
        Just("99999999999999999999".to_owned()),
        Just("A1:XFD1048576".to_owned()),
        Just("float".to_owned()),
        "[a-z0-9 <>&\"]{0,12}",
    ];
    prop::collection::vec(
        (
            tag,
            prop::collection::vec((attr, value), 0..3),
            "[a-z0-9]{0,8}",
            any::<bool>(),
        ),
        0..20,
    )
    .prop_map(|parts| {
        let mut s = String::from("<?xml version=\"1.0\"?>");
        let mut open = Vec::new();
        for (tag, attrs, text, close) in parts {
            s.push('<');
            s.push_str(tag);
            for (a, v) in attrs {
                s.push_str(&format!(" {a}=\"{v}\""));
            }
            s.push('>');
            s.push_str(&text);
            open.push(tag);
            if close {
                if let Some(t) = open.pop() {
                    s.push_str(&format!("</{t}>"));
                }
            }
        }
        while let Some(t) = open.pop() {
            s.push_str(&format!("</{t}>"));
        }
        s.into_bytes()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random bytes as a CSV upload and as pasted text.
    #[test]
    fn csv_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check_upload(&bytes, "data.csv");
        let _ = parse_pasted(&String::from_utf8_lossy(&bytes));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.csv");
        std::fs::write(&path, &bytes).unwrap();
        let cols = ChartColumns {
            filters: Vec::new(),
            value: "value".into(),
            date: "date".into(),
            denominator: None,
            series: None,
        };
        if let Err(e) = read_chart_series(&Source::new(&path), &cols, Grouping::OnePerDate, &sheets()) {
            let message = e.to_string();
            prop_assert!(!message.chars().any(char::is_control), "{message:?}");
        }
    }

    /// A valid workbook with bytes changed and cut short, read as each spreadsheet kind.
    #[test]
    fn mutated_workbooks_are_read_or_refused(
        edits in prop::collection::vec((0.0..1.0f64, any::<u8>()), 0..6),
        keep in 0.5..1.0f64,
        kind in prop::sample::select(vec!["f.xlsx", "f.xlsb", "f.xls", "f.ods"]),
    ) {
        check_upload(&mutate(good_xlsx(), &edits, keep), kind);
    }

    /// The hostile fixtures, mutated: still never a crash of the caller.
    #[test]
    fn mutated_hostile_files_are_read_or_refused(
        edits in prop::collection::vec((0.0..1.0f64, any::<u8>()), 0..4),
        keep in 0.8..1.0f64,
    ) {
        check_upload(&mutate(hostile::unique_count_xlsx(), &edits, keep), "f.xlsx");
        check_upload(&mutate(hostile::rows_repeated_ods(), &edits, keep), "f.ods");
    }

    /// Random archives: the entries of a workbook with random XML.
    #[test]
    fn random_archives_of_random_xml_are_read_or_refused(
        parts in prop::collection::vec(
            (prop::sample::select(vec![
                "[Content_Types].xml", "xl/workbook.xml", "xl/sharedStrings.xml",
                "xl/worksheets/sheet1.xml", "xl/_rels/workbook.xml.rels", "content.xml",
                "mimetype", "_rels/.rels",
            ]), xmlish()),
            0..6,
        ),
        kind in prop::sample::select(vec!["f.xlsx", "f.ods"]),
    ) {
        // One entry per name (a zip writer refuses duplicates).
        let entries: Vec<(String, Vec<u8>)> = parts
            .into_iter()
            .map(|(n, x)| (n.to_owned(), x))
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_iter()
            .collect();
        check_upload(&zip_of(&entries), kind);
    }
}

/// The limits hold for the fuzzed shapes too: a refusal is a typed error with its reason.
#[test]
fn a_refusal_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.ods");
    std::fs::write(&path, hostile::rows_repeated_ods()).unwrap();
    let cols = ChartColumns {
        filters: Vec::new(),
        value: "value".into(),
        date: "date".into(),
        denominator: None,
        series: None,
    };
    let err =
        read_chart_series(&Source::new(&path), &cols, Grouping::OnePerDate, &sheets()).unwrap_err();
    assert!(matches!(
        err,
        DataError::Unsafe {
            reason: Refusal::TooManyCells { .. },
            ..
        }
    ));
}
