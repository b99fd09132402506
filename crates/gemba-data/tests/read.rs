//! Reading CSV and XLSX files as a user would give them to `gemba chart` and `gemba funnel`.

// Tests may unwrap and panic: a failure is the report (workspace lints deny these in library code).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use gemba_data::{
    read_chart_series, read_funnel_groups, ChartColumns, DataError, FunnelColumns, Grouping,
    SeriesData, SheetReader, Source,
};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use tempfile::TempDir;

// ---- helpers ---------------------------------------------------------------------------------

/// The real sandboxed reader, as `gemba` runs it (this crate's small `gemba-sheet-reader`).
fn sheets() -> SheetReader {
    SheetReader::new(
        env!("CARGO_BIN_EXE_gemba-sheet-reader"),
        Vec::<String>::new(),
    )
}

/// A temporary directory holding one data file.
struct Fixture {
    dir: TempDir,
    path: PathBuf,
}

fn csv_file(name: &str, text: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    Fixture { dir, path }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn cols(value: &str, date: &str, denominator: Option<&str>, series: Option<&str>) -> ChartColumns {
    ChartColumns {
        filters: Vec::new(),
        value: value.into(),
        date: date.into(),
        denominator: denominator.map(Into::into),
        series: series.map(Into::into),
    }
}

fn chart(
    path: &Path,
    cols: &ChartColumns,
    grouping: Grouping,
) -> Result<Vec<SeriesData>, DataError> {
    read_chart_series(&Source::new(path), cols, grouping, &sheets())
}

fn funnel_cols() -> FunnelColumns {
    FunnelColumns {
        filters: Vec::new(),
        numerator: "breaches".into(),
        denominator: "attendances".into(),
        group: "org".into(),
    }
}

/// Asserts that `err`'s message contains every one of `parts`.
fn assert_message(err: &DataError, parts: &[&str]) {
    let message = err.to_string();
    for part in parts {
        assert!(message.contains(part), "{part:?} not in {message:?}");
    }
}

/// `err`'s message, with the temporary directory left out of file names.
fn msg(err: &DataError, file: &Fixture) -> String {
    err.to_string().replace(
        &format!("{}{}", file.dir.path().display(), std::path::MAIN_SEPARATOR),
        "",
    )
}

fn chart_error(file: &Fixture, cols: &ChartColumns, grouping: Grouping) -> DataError {
    match chart(&file.path, cols, grouping) {
        Ok(s) => panic!("expected an error, read {s:?}"),
        Err(e) => e,
    }
}

// ---- dates -----------------------------------------------------------------------------------

#[test]
fn every_date_format_is_read_day_first() {
    let rows = [
        ("2024-01-31", ymd(2024, 1, 31)),
        ("2024-02-29T00:00:00", ymd(2024, 2, 29)),
        ("2024-03-31 10:00", ymd(2024, 3, 31)),
        ("30/04/2024", ymd(2024, 4, 30)),
        ("31-05-2024", ymd(2024, 5, 31)),
        ("30.06.2024", ymd(2024, 6, 30)),
        ("31/07/24", ymd(2024, 7, 31)),
        ("31 Aug 2024", ymd(2024, 8, 31)),
        ("30 September 2024", ymd(2024, 9, 30)),
        ("Oct 2024", ymd(2024, 10, 1)),
        ("November 2024", ymd(2024, 11, 1)),
        ("2024-12", ymd(2024, 12, 1)),
        ("02/01/2025", ymd(2025, 1, 2)),
    ];
    let mut text = String::from("date,value\n");
    for (i, (date, _)) in rows.iter().enumerate() {
        text.push_str(&format!("\"{date}\",{i}\n"));
    }
    let file = csv_file("dates.csv", &text);
    let series = chart(
        &file.path,
        &cols("value", "date", None, None),
        Grouping::OnePerDate,
    )
    .unwrap();
    assert_eq!(series.len(), 1);
    assert_eq!(series[0].id, "");
    let expected: Vec<NaiveDate> = rows.iter().map(|r| r.1).collect();
    assert_eq!(series[0].dates, expected);
    assert_eq!(series[0].lines, (2..=14).collect::<Vec<_>>());
}

#[test]
fn an_unreadable_date_names_the_place_and_the_formats_that_work() {
    let file = csv_file("data.csv", "period,value\n2024-01-01,1\n01/31/2024,2\n");
    let err = chart_error(
        &file,
        &cols("value", "period", None, None),
        Grouping::OnePerDate,
    );
    assert!(matches!(&err, DataError::NotADate { at, column, value }
        if at.line == 3 && column == "period" && value == "01/31/2024"));
    assert_message(
        &err,
        &[
            "data.csv line 3",
            "column \"period\"",
            "\"01/31/2024\" is not a date",
            "31/01/2024",
            "31 Jan 2024",
            "never month first",
        ],
    );
}

#[test]
fn an_empty_date_is_an_error_but_a_blank_row_is_skipped() {
    let file = csv_file(
        "data.csv",
        "period,value,org\n2024-01-01,1,A\n,,\n  , ,\n2024-02-01,2,A\n",
    );
    let s = chart(
        &file.path,
        &cols("value", "period", None, Some("org")),
        Grouping::OnePerDate,
    )
    .unwrap();
    assert_eq!(s[0].lines, [2, 5]);

    let file = csv_file("data.csv", "period,value\n2024-01-01,1\n,2\n");
    let err = chart_error(
        &file,
        &cols("value", "period", None, None),
        Grouping::OnePerDate,
    );
    assert!(matches!(err, DataError::EmptyCell { .. }));
    assert_message(&err, &["data.csv line 3", "column \"period\" is empty"]);
}

// ---- values ----------------------------------------------------------------------------------

#[test]
fn missing_values_percentages_and_thousands_separators() {
    let file = csv_file(
        "data.csv",
        "date,value\n2024-01-01,\n2024-02-01,NA\n2024-03-01,n/a\n2024-04-01,null\n2024-05-01,-\n\
         2024-06-01,.\n2024-07-01,95%\n2024-08-01,\"1,234.5\"\n2024-09-01, 7 \n2024-10-01,-2.5e1\n",
    );
    let s = chart(
        &file.path,
        &cols("value", "date", None, None),
        Grouping::OnePerDate,
    )
    .unwrap();
    assert_eq!(
        s[0].values,
        [
            None,
            None,
            None,
            None,
            None,
            None,
            Some(95.0),
            Some(1234.5),
            Some(7.0),
            Some(-25.0)
        ]
    );
}

#[test]
fn a_point_with_a_missing_value_or_denominator_is_missing_in_both() {
    let file = csv_file(
        "data.csv",
        "date,breaches,attendances\n2024-01-01,5,100\n2024-02-01,NA,100\n2024-03-01,5,\n2024-04-01,0,0\n",
    );
    let s = chart(
        &file.path,
        &cols("breaches", "date", Some("attendances"), None),
        Grouping::OnePerDate,
    )
    .unwrap();
    assert_eq!(s[0].values, [Some(5.0), None, None, Some(0.0)]);
    assert_eq!(
        s[0].denominators,
        Some(vec![Some(100.0), None, None, Some(0.0)])
    );
    assert_eq!(s[0].subgroups, None);
}

#[test]
fn a_value_that_is_not_a_number_names_file_line_column_and_value() {
    let file = csv_file("data.csv", "date,breaches\n2024-01-01,1\n2024-02-01,abc\n");
    let err = chart_error(
        &file,
        &cols("breaches", "date", None, None),
        Grouping::OnePerDate,
    );
    assert_eq!(
        msg(&err, &file),
        "data.csv line 3, column \"breaches\": \"abc\" is not a number"
    );
    // The denominator is checked too.
    let file = csv_file(
        "data.csv",
        "date,b,a\n2024-01-01,1,1\n2024-02-01,1,\"1,5\"\n",
    );
    let err = chart_error(
        &file,
        &cols("b", "date", Some("a"), None),
        Grouping::OnePerDate,
    );
    assert_message(
        &err,
        &["data.csv line 3", "column \"a\"", "\"1,5\" is not a number"],
    );
}

// ---- series ----------------------------------------------------------------------------------

#[test]
fn series_come_in_order_of_first_appearance_with_points_sorted_by_date() {
    let file = csv_file(
        "data.csv",
        "period,org,value\n2024-03-01,B,3\n2024-01-01,A,10\n2024-02-01,B,2\n2024-01-01,B,1\n\
         2024-02-01,C,7\n2024-02-01,A,20\n",
    );
    let s = chart(
        &file.path,
        &cols("value", "period", None, Some("org")),
        Grouping::OnePerDate,
    )
    .unwrap();
    let ids: Vec<&str> = s.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["B", "A", "C"]);
    assert_eq!(
        s[0].dates,
        [ymd(2024, 1, 1), ymd(2024, 2, 1), ymd(2024, 3, 1)]
    );
    assert_eq!(s[0].values, [Some(1.0), Some(2.0), Some(3.0)]);
    assert_eq!(s[0].lines, [5, 4, 2]);
    assert_eq!(s[1].values, [Some(10.0), Some(20.0)]);
    assert_eq!(s[1].lines, [3, 7]);
    assert_eq!(s[2].lines, [6]);
}

#[test]
fn series_keys_are_trimmed_and_case_sensitive() {
    let file = csv_file(
        "data.csv",
        "period,org,value\n2024-01-01, rx1 ,1\n2024-02-01,rx1,2\n2024-01-01,RX1,3\n",
    );
    let s = chart(
        &file.path,
        &cols("value", "period", None, Some("org")),
        Grouping::OnePerDate,
    )
    .unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].id, "rx1");
    assert_eq!(s[0].values.len(), 2);
}

#[test]
fn an_empty_series_key_is_an_error() {
    let file = csv_file(
        "data.csv",
        "period,org,value\n2024-01-01,A,1\n2024-02-01,,2\n",
    );
    let err = chart_error(
        &file,
        &cols("value", "period", None, Some("org")),
        Grouping::OnePerDate,
    );
    assert_message(&err, &["data.csv line 3", "column \"org\" is empty"]);
}

#[test]
fn a_repeated_date_in_a_series_names_both_lines() {
    let file = csv_file(
        "data.csv",
        "period,org,value\n2024-01-01,A,1\n2024-02-01,A,2\n2024-01-01,B,1\n01/02/2024,A,3\n",
    );
    let err = chart_error(
        &file,
        &cols("value", "period", None, Some("org")),
        Grouping::OnePerDate,
    );
    assert!(
        matches!(&err, DataError::DuplicateDate { first, second_line: 5, series, date }
        if first.line == 3 && series == "A" && *date == ymd(2024, 2, 1))
    );
    assert_message(
        &err,
        &[
            "data.csv lines 3 and 5",
            "series \"A\"",
            "2024-02-01",
            "subgroups",
        ],
    );
}

#[test]
fn a_repeated_date_without_a_series_column_suggests_one() {
    let file = csv_file(
        "data.csv",
        "period,org,value\n2024-01-01,A,1\n2024-01-01,B,2\n",
    );
    let err = chart_error(
        &file,
        &cols("value", "period", None, None),
        Grouping::OnePerDate,
    );
    assert_eq!(
        msg(&err, &file),
        "data.csv lines 2 and 3: there are two rows dated 2024-01-01; keep one row per date, \
         name a series column, or chart rows sharing a date as subgroups"
    );
}

#[test]
fn subgroups_gather_the_rows_of_a_date() {
    let file = csv_file(
        "data.csv",
        "period,machine,diameter\n2024-01-02,M1,10\n2024-01-01,M1,4\n2024-01-02,M1,12\n\
         2024-01-01,M1,6\n2024-01-01,M1,NA\n2024-01-03,M1,NA\n2024-01-01,M2,1\n",
    );
    let s = chart(
        &file.path,
        &cols("diameter", "period", None, Some("machine")),
        Grouping::Subgroups,
    )
    .unwrap();
    assert_eq!(
        s[0].dates,
        [ymd(2024, 1, 1), ymd(2024, 1, 2), ymd(2024, 1, 3)]
    );
    assert_eq!(
        s[0].subgroups,
        Some(vec![vec![4.0, 6.0], vec![10.0, 12.0], vec![]])
    );
    assert_eq!(s[0].values, [Some(5.0), Some(11.0), None]);
    assert_eq!(s[0].lines, [3, 2, 7]);
    assert_eq!(s[0].denominators, None);
    assert_eq!(s[1].subgroups, Some(vec![vec![1.0]]));
}

#[test]
fn subgroups_refuse_a_denominator() {
    let file = csv_file("data.csv", "d,v,n\n2024-01-01,1,2\n");
    let err = chart_error(&file, &cols("v", "d", Some("n"), None), Grouping::Subgroups);
    assert!(matches!(err, DataError::DenominatorWithSubgroups));
}

// ---- CSV shapes ------------------------------------------------------------------------------

#[test]
fn semicolon_and_tab_separated_files_are_sniffed() {
    for (name, text) in [
        ("semi.csv", "period;org;value\n31/01/2024;A;1,5e0\n"),
        ("tab.tsv", "period\torg\tvalue\n31/01/2024\tA\t\"1,234\"\n"),
        ("bom.txt", "\u{feff}period,org,value\r\n31/01/2024,A,2\r\n"),
    ] {
        let file = csv_file(name, text);
        let result = chart(
            &file.path,
            &cols("value", "period", None, Some("org")),
            Grouping::OnePerDate,
        );
        match name {
            // In a semicolon file `1,5e0` is not a number: decimal commas are not read.
            "semi.csv" => assert_message(&result.unwrap_err(), &["semi.csv line 2", "\"1,5e0\""]),
            "tab.tsv" => assert_eq!(result.unwrap()[0].values, [Some(1234.0)]),
            _ => assert_eq!(result.unwrap()[0].dates, [ymd(2024, 1, 31)]),
        }
    }
}

#[test]
fn quoted_fields_spanning_lines_keep_line_numbers_right() {
    let file = csv_file(
        "data.csv",
        "period,note,value\n2024-01-01,\"two\nlines\",1\n2024-02-01,x,oops\n",
    );
    let err = chart_error(
        &file,
        &cols("value", "period", None, None),
        Grouping::OnePerDate,
    );
    assert_message(&err, &["data.csv line 4", "\"oops\""]);
}

#[test]
fn ragged_rows_are_errors_but_trailing_empty_fields_are_not() {
    let file = csv_file("data.csv", "period,value\n2024-01-01,1,,\n2024-02-01\n");
    let err = chart_error(
        &file,
        &cols("value", "period", None, None),
        Grouping::OnePerDate,
    );
    assert!(matches!(&err, DataError::RaggedRow { at, expected: 2, found: 1 } if at.line == 3));
    assert_message(&err, &["data.csv line 3 has 1 fields but the header has 2"]);

    let file = csv_file("data.csv", "period,value\n2024-01-01,1,7\n");
    let err = chart_error(
        &file,
        &cols("value", "period", None, None),
        Grouping::OnePerDate,
    );
    assert_message(&err, &["data.csv line 2 has 3 fields"]);
}

// ---- columns, files, emptiness ---------------------------------------------------------------

#[test]
fn a_misspelt_column_gets_a_suggestion_and_the_column_list() {
    let file = csv_file(
        "data.csv",
        "period,org_code,attendances,breaches\n2024-01-01,A,1,0\n",
    );
    let err = chart_error(
        &file,
        &cols("breaches", "period", Some("atendances"), None),
        Grouping::OnePerDate,
    );
    assert_eq!(
        msg(&err, &file),
        "data.csv: no column \"atendances\"; did you mean \"attendances\"? \
         (columns: period, org_code, attendances, breaches)"
    );
    let err = chart_error(
        &file,
        &cols("breaches", "period", Some("zzzzzz"), None),
        Grouping::OnePerDate,
    );
    assert_eq!(
        msg(&err, &file),
        "data.csv: no column \"zzzzzz\" (columns: period, org_code, attendances, breaches)"
    );
}

#[test]
fn column_names_match_ignoring_case_and_spaces_unless_ambiguous() {
    let file = csv_file("data.csv", " Period ,BREACHES\n2024-01-01,3\n");
    let s = chart(
        &file.path,
        &cols("breaches", "period", None, None),
        Grouping::OnePerDate,
    )
    .unwrap();
    assert_eq!(s[0].values, [Some(3.0)]);

    let file = csv_file("data.csv", "period,Value,value,VALUE\n2024-01-01,1,2,3\n");
    let s = chart(
        &file.path,
        &cols("value", "period", None, None),
        Grouping::OnePerDate,
    )
    .unwrap();
    assert_eq!(s[0].values, [Some(2.0)], "an exact match wins");
    let err = chart_error(
        &file,
        &cols("vAlue", "period", None, None),
        Grouping::OnePerDate,
    );
    assert_message(
        &err,
        &[
            "data.csv",
            "more than one column is called \"vAlue\"",
            "columns 2 and 3 and 4",
        ],
    );
}

#[test]
fn a_missing_file_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.csv");
    let err = chart(&path, &cols("v", "d", None, None), Grouping::OnePerDate).unwrap_err();
    assert!(matches!(err, DataError::Open { .. }));
    assert_eq!(
        err.to_string(),
        format!("cannot open {}: No such file or directory", path.display())
    );
}

#[test]
fn an_unknown_extension_lists_what_works() {
    let file = csv_file("data.json", "{}");
    let err = chart_error(&file, &cols("v", "d", None, None), Grouping::OnePerDate);
    assert_message(&err, &["data.json: unsupported file type", ".csv", ".xlsx"]);
}

#[test]
fn empty_files_and_files_without_data_rows() {
    let file = csv_file("data.csv", "");
    let err = chart_error(&file, &cols("v", "d", None, None), Grouping::OnePerDate);
    assert!(matches!(err, DataError::Empty { .. }));
    assert_message(&err, &["data.csv is empty"]);

    let file = csv_file("data.csv", "d,v\n");
    let err = chart_error(&file, &cols("v", "d", None, None), Grouping::OnePerDate);
    assert_eq!(
        msg(&err, &file),
        "data.csv has a header row but no data rows"
    );

    let file = csv_file("data.csv", "d,v\n,\n");
    let err = read_funnel_groups(
        &Source::new(&file.path),
        &FunnelColumns {
            filters: Vec::new(),
            numerator: "v".into(),
            denominator: "v".into(),
            group: "d".into(),
        },
        &sheets(),
    )
    .unwrap_err();
    assert!(matches!(err, DataError::NoDataRows { .. }));
}

#[test]
fn a_sheet_name_for_a_csv_file_is_an_error() {
    let file = csv_file("data.csv", "d,v\n2024-01-01,1\n");
    let err = read_chart_series(
        &Source::with_sheet(&file.path, "Data"),
        &cols("v", "d", None, None),
        Grouping::OnePerDate,
        &sheets(),
    )
    .unwrap_err();
    assert_message(&err, &["data.csv is a CSV file", "\"Data\""]);
}

// ---- funnel ----------------------------------------------------------------------------------

#[test]
fn funnel_rows_of_a_group_are_summed_in_order_of_first_appearance() {
    let file = csv_file(
        "data.csv",
        "period,org,attendances,breaches\n2024-01-01,RY2,50,1\n2024-01-01,RX1,100,5\n\
         2024-02-01,RY2,60,2\n,,,\n2024-02-01,RX1,\"1,000\",7\n",
    );
    let f = read_funnel_groups(&Source::new(&file.path), &funnel_cols(), &sheets()).unwrap();
    assert_eq!(f.groups, ["RY2", "RX1"]);
    assert_eq!(f.numerators, [3.0, 12.0]);
    assert_eq!(f.denominators, [110.0, 1100.0]);
    assert_eq!(f.lines, [vec![2, 4], vec![3, 6]]);
}

#[test]
fn funnel_numbers_must_be_present_and_numeric() {
    let file = csv_file("data.csv", "org,attendances,breaches\nA,100,5\nB,NA,1\n");
    let err = read_funnel_groups(&Source::new(&file.path), &funnel_cols(), &sheets()).unwrap_err();
    assert!(
        matches!(&err, DataError::MissingNumber { at, column, value }
        if at.line == 3 && column == "attendances" && value == "NA")
    );
    assert_message(
        &err,
        &["data.csv line 3, column \"attendances\" is missing (\"NA\")"],
    );

    let file = csv_file("data.csv", "org,attendances,breaches\nA,100,\n");
    let err = read_funnel_groups(&Source::new(&file.path), &funnel_cols(), &sheets()).unwrap_err();
    assert_message(&err, &["data.csv line 2, column \"breaches\" is empty"]);

    let file = csv_file("data.csv", "org,attendances,breaches\nA,100,x1\n");
    let err = read_funnel_groups(&Source::new(&file.path), &funnel_cols(), &sheets()).unwrap_err();
    assert_eq!(
        msg(&err, &file),
        "data.csv line 2, column \"breaches\": \"x1\" is not a number"
    );

    let file = csv_file("data.csv", "org,attendances,breaches\n,100,1\n");
    let err = read_funnel_groups(&Source::new(&file.path), &funnel_cols(), &sheets()).unwrap_err();
    assert_message(&err, &["data.csv line 2, column \"org\" is empty"]);
}

// ---- spreadsheets ----------------------------------------------------------------------------

/// A workbook with a "Notes" sheet first and a "Data" sheet of date cells, text dates, a
/// serial number date, numbers, text numbers and spreadsheet errors.
fn workbook() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.xlsx");
    let mut book = Workbook::new();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");

    let notes = book.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes.write_string(0, 0, "period").unwrap();
    notes.write_string(0, 1, "value").unwrap();
    notes.write_string(1, 0, "2024-01-01").unwrap();
    notes.write_number(1, 1, 99).unwrap();

    let data = book.add_worksheet();
    data.set_name("Data").unwrap();
    // A title row left blank and the table starting in row 2, column B.
    for (c, h) in ["Period", "org", "breaches", "attendances"]
        .iter()
        .enumerate()
    {
        data.write_string(1, c as u16 + 1, *h).unwrap();
    }
    let dt = |y, m, d| ExcelDateTime::from_ymd(y, m, d).unwrap();
    data.write_datetime_with_format(2, 1, dt(2024, 2, 1), &date_format)
        .unwrap();
    data.write_string(2, 2, "RX1").unwrap();
    data.write_number(2, 3, 5).unwrap();
    data.write_number(2, 4, 100).unwrap();

    data.write_string(3, 1, "31/01/2024").unwrap();
    data.write_number(3, 2, 101).unwrap(); // a numeric series key
    data.write_string(3, 3, "7").unwrap();
    data.write_number(3, 4, 50.0).unwrap();

    data.write_datetime_with_format(
        4,
        1,
        ExcelDateTime::from_ymd(2024, 1, 1)
            .unwrap()
            .and_hms(10, 30, 0)
            .unwrap(),
        &date_format,
    )
    .unwrap();
    data.write_string(4, 2, "RX1").unwrap();
    data.write_formula(4, 3, Formula::new("=NA()").set_result("#N/A"))
        .unwrap();
    data.write_number(4, 4, 90).unwrap();

    data.write_number(5, 1, 45352.0).unwrap(); // serial date 2024-03-01, unformatted
    data.write_string(5, 2, "RX1").unwrap();
    data.write_string(5, 3, "NA").unwrap();
    data.write_number(5, 4, 80).unwrap();

    book.save(&path).unwrap();
    Fixture { dir, path }
}

#[test]
fn xlsx_date_cells_text_dates_and_serials_are_read() {
    let file = workbook();
    let src = Source::with_sheet(&file.path, "Data");
    let s = read_chart_series(
        &src,
        &cols("breaches", "period", Some("attendances"), Some("org")),
        Grouping::OnePerDate,
        &sheets(),
    )
    .unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].id, "RX1");
    assert_eq!(
        s[0].dates,
        [ymd(2024, 1, 1), ymd(2024, 2, 1), ymd(2024, 3, 1)]
    );
    assert_eq!(s[0].values, [None, Some(5.0), None]);
    assert_eq!(s[0].denominators, Some(vec![None, Some(100.0), None]));
    assert_eq!(s[0].lines, [5, 3, 6], "spreadsheet row numbers");
    assert_eq!(s[1].id, "101");
    assert_eq!(s[1].dates, [ymd(2024, 1, 31)]);
    assert_eq!(s[1].values, [Some(7.0)]);
    assert_eq!(
        src.location(6).to_string(),
        format!("{} sheet \"Data\" row 6", file.path.display())
    );
}

#[test]
fn the_first_sheet_is_read_unless_one_is_named() {
    let file = workbook();
    let s = chart(
        &file.path,
        &cols("value", "period", None, None),
        Grouping::OnePerDate,
    )
    .unwrap();
    assert_eq!(s[0].values, [Some(99.0)]);
    let s = read_chart_series(
        &Source::with_sheet(&file.path, "data"),
        &cols("breaches", "period", None, Some("org")),
        Grouping::OnePerDate,
        &sheets(),
    )
    .unwrap();
    assert_eq!(s.len(), 2, "sheet names match ignoring case");
}

#[test]
fn an_unknown_sheet_lists_the_sheets() {
    let file = workbook();
    let err = read_chart_series(
        &Source::with_sheet(&file.path, "Dta"),
        &cols("v", "d", None, None),
        Grouping::OnePerDate,
        &sheets(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, DataError::SheetNotFound { sheets, .. } if sheets == &["Notes", "Data"])
    );
    assert_message(
        &err,
        &["data.xlsx: no sheet \"Dta\" (sheets: \"Notes\", \"Data\")"],
    );
}

#[test]
fn xlsx_errors_name_the_sheet_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "period").unwrap();
    sheet.write_string(0, 1, "rate").unwrap();
    sheet.write_string(0, 2, "note").unwrap();
    sheet.write_string(1, 0, "2024-01-01").unwrap();
    sheet
        .write_formula(1, 1, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    sheet.write_string(2, 0, "Q1 2024").unwrap();
    sheet.write_number(2, 1, 1).unwrap();
    sheet.write_string(3, 0, "2024-01-03").unwrap();
    sheet.write_boolean(3, 1, true).unwrap();
    book.save(&path).unwrap();

    let err = chart(
        &path,
        &cols("rate", "period", None, None),
        Grouping::OnePerDate,
    )
    .unwrap_err();
    assert!(matches!(&err, DataError::CellError { error, .. } if error == "#DIV/0!"));
    assert_message(
        &err,
        &[
            "bad.xlsx sheet \"Sheet1\" row 2",
            "column \"rate\"",
            "#DIV/0!",
        ],
    );

    let err = chart(
        &path,
        &cols("note", "period", None, None),
        Grouping::OnePerDate,
    )
    .unwrap_err();
    assert_message(
        &err,
        &[
            "bad.xlsx sheet \"Sheet1\" row 3",
            "column \"period\"",
            "\"Q1 2024\" is not a date",
        ],
    );

    let err = chart(
        &path,
        &cols("rate", "periode", None, None),
        Grouping::OnePerDate,
    )
    .unwrap_err();
    assert_message(
        &err,
        &["bad.xlsx sheet \"Sheet1\": no column \"periode\"; did you mean \"period\"?"],
    );
}

#[test]
fn an_empty_sheet_and_a_broken_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.xlsx");
    let mut book = Workbook::new();
    book.add_worksheet();
    book.save(&path).unwrap();
    let err = chart(&path, &cols("v", "d", None, None), Grouping::OnePerDate).unwrap_err();
    assert_message(&err, &["empty.xlsx sheet \"Sheet1\" is empty"]);

    let file = csv_file("fake.xlsx", "period,value\n");
    let err = chart_error(&file, &cols("v", "d", None, None), Grouping::OnePerDate);
    assert!(matches!(err, DataError::Spreadsheet { .. }));
    assert_message(&err, &["cannot read", "fake.xlsx as a spreadsheet"]);
}

#[test]
fn funnel_from_a_spreadsheet() {
    let file = workbook();
    let err = read_funnel_groups(
        &Source::with_sheet(&file.path, "Data"),
        &FunnelColumns {
            filters: Vec::new(),
            numerator: "breaches".into(),
            denominator: "attendances".into(),
            group: "org".into(),
        },
        &sheets(),
    )
    .unwrap_err();
    // Row 5's breaches is the #N/A error: missing, which a funnel cannot sum.
    assert_message(
        &err,
        &["sheet \"Data\" row 5, column \"breaches\" is missing (\"#N/A\")"],
    );
}

// ---- invariants ------------------------------------------------------------------------------

// ---- one measure's data, pasted or uploaded ---------------------------------------------------

mod import {
    use super::{sheets, ymd};
    use chrono::NaiveDate;
    use gemba_data::{parse_pasted, read_measure_file, MeasureRow, RowProblem};
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    fn shown(problems: &[RowProblem]) -> Vec<String> {
        problems.iter().map(ToString::to_string).collect()
    }

    fn row(line: usize, date: (i32, u32, u32), value: Option<f64>, den: Option<f64>) -> MeasureRow {
        MeasureRow {
            date: ymd(date.0, date.1, date.2),
            value,
            value_percent: false,
            denominator: den,
            denominator_percent: false,
            line,
        }
    }

    /// Regression (issue 10): a pasted `6.5%` was stored as 6.5 with nothing to tell it from
    /// a plain 6.5; the row now says the value had a `%` sign, for the measure's rules.
    #[test]
    fn regression_a_percent_sign_is_kept_with_the_row() {
        let rows = parse_pasted("2024-01-01\t6.5%\n2024-02-01\t7\t10%\n").unwrap();
        assert_eq!(rows[0].value, Some(6.5));
        assert!(rows[0].value_percent);
        assert!(!rows[0].denominator_percent);
        assert!(!rows[1].value_percent);
        assert!(rows[1].denominator_percent);
    }

    #[test]
    fn pasted_columns_from_a_spreadsheet_with_or_without_header() {
        let text = "Month\tFalls\tBed days\r\nJan 2024\t12\t1,200\r\n\r\n01/02/2024\tNA\t1100\r\n2024-03-01\t9\t\r\n";
        assert_eq!(
            parse_pasted(text).unwrap(),
            [
                row(2, (2024, 1, 1), Some(12.0), Some(1200.0)),
                row(4, (2024, 2, 1), None, Some(1100.0)),
                row(5, (2024, 3, 1), Some(9.0), None),
            ]
        );
        // Comma separated, no header, quoted thousands.
        assert_eq!(
            parse_pasted("2024-01-01,\"1,234\"\n2024-02-01,5").unwrap(),
            [
                row(1, (2024, 1, 1), Some(1234.0), None),
                row(2, (2024, 2, 1), Some(5.0), None),
            ]
        );
    }

    #[test]
    fn every_bad_pasted_row_is_listed() {
        let text = "date\tvalue\n\
                    2024-01-01\t10\n\
                    2024-13-01\t10\n\
                    2024-03-01\tlots\n\
                    2024-04-01\n\
                    2024-05-01\t1\t2\t3\n\
                    2024-06-01\t4\tfew\n\
                    2024-01-01\t11\n\
                    2024-08-01\t\n";
        let problems = parse_pasted(text).unwrap_err();
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9], "{:#?}", shown(&problems));
        let s = shown(&problems);
        assert!(
            s[0].starts_with("line 3, date: \"2024-13-01\" is not a date"),
            "{}",
            s[0]
        );
        assert_eq!(s[1], "line 4, value: \"lots\" is not a number");
        assert_eq!(
            s[2],
            "line 5: needs a date and a value, separated by a tab or a comma"
        );
        assert!(s[3].starts_with("line 6: has 4 columns"), "{}", s[3]);
        assert_eq!(s[4], "line 7, denominator: \"few\" is not a number");
        assert_eq!(
            s[5],
            "line 8, date: 01/01/2024 is also on line 2; keep one row per date"
        );
        assert_eq!(
            s[6],
            "line 9, value: is empty; enter a number, or NA for a missing value"
        );
    }

    #[test]
    fn nothing_pasted_is_a_problem() {
        for text in ["", "  \n\n", "Month\tFalls\n"] {
            let problems = parse_pasted(text).unwrap_err();
            assert_eq!(problems.len(), 1, "{text:?}");
            assert_eq!(problems[0].line, 0);
        }
    }

    #[test]
    fn csv_upload_finds_columns_by_name() {
        let csv =
            "notes,Period,Numerator,Denominator\nfirst,2024-01-01,5,100\n,,,\nx,01/02/2024,7,120\n";
        assert_eq!(
            read_measure_file(csv.as_bytes(), "falls.CSV", &sheets()).unwrap(),
            [
                row(2, (2024, 1, 1), Some(5.0), Some(100.0)),
                row(4, (2024, 2, 1), Some(7.0), Some(120.0)),
            ]
        );
    }

    #[test]
    fn csv_upload_without_known_headers_takes_the_first_columns() {
        // Unknown headers: the first two columns.
        let csv = "when;how many\n2024-01-01;5\n2024-02-01;6\n";
        assert_eq!(
            read_measure_file(csv.as_bytes(), "a.csv", &sheets())
                .unwrap()
                .len(),
            2
        );
        // No header at all: the first row is data.
        let csv = "2024-01-01,5,50\n2024-02-01,6,60\n";
        assert_eq!(
            read_measure_file(csv.as_bytes(), "a.txt", &sheets()).unwrap(),
            [
                row(1, (2024, 1, 1), Some(5.0), Some(50.0)),
                row(2, (2024, 2, 1), Some(6.0), Some(60.0)),
            ]
        );
    }

    #[test]
    fn every_bad_uploaded_row_is_listed() {
        let csv = "date,value\n2024-01-01,1\nnot a date,2\n2024-03-01,x\n2024-01-01,3\n";
        let problems = read_measure_file(csv.as_bytes(), "a.csv", &sheets()).unwrap_err();
        let s = shown(&problems);
        assert_eq!(s.len(), 3, "{s:#?}");
        assert!(
            s[0].starts_with("line 3, date: \"not a date\" is not a date"),
            "{}",
            s[0]
        );
        assert_eq!(s[1], "line 4, value: \"x\" is not a number");
        assert_eq!(
            s[2],
            "line 5, date: 01/01/2024 is also on line 2; keep one row per date"
        );

        let problems = read_measure_file(b"a,b\n1,2\n", "a.pdf", &sheets()).unwrap_err();
        assert!(
            problems[0].message.contains("unsupported file type"),
            "{problems:?}"
        );
        let problems = read_measure_file(b"not a zip", "a.xlsx", &sheets()).unwrap_err();
        assert!(problems[0].message.contains("cannot read"), "{problems:?}");
    }

    #[test]
    fn xlsx_upload_reads_date_cells_and_lists_bad_rows() {
        let mut book = Workbook::new();
        let date_format = Format::new().set_num_format("dd/mm/yyyy");
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Week").unwrap();
        sheet.write_string(0, 1, "Count").unwrap();
        for (i, m) in (1..=3u8).enumerate() {
            let r = i as u32 + 1;
            let d = ExcelDateTime::from_ymd(2024, m, 1).unwrap();
            sheet
                .write_datetime_with_format(r, 0, d, &date_format)
                .unwrap();
            sheet.write_number(r, 1, f64::from(m) * 10.0).unwrap();
        }
        let good = book.save_to_buffer().unwrap();
        let rows = read_measure_file(&good, "upload.xlsx", &sheets()).unwrap();
        assert_eq!(
            rows,
            [
                row(2, (2024, 1, 1), Some(10.0), None),
                row(3, (2024, 2, 1), Some(20.0), None),
                row(4, (2024, 3, 1), Some(30.0), None),
            ]
        );

        sheet_with_bad_rows();
    }

    fn sheet_with_bad_rows() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "date").unwrap();
        sheet.write_string(0, 1, "value").unwrap();
        sheet.write_string(1, 0, "2024-01-01").unwrap();
        sheet.write_string(1, 1, "ten").unwrap();
        sheet.write_string(2, 0, "someday").unwrap();
        sheet.write_number(2, 1, 3).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let problems = read_measure_file(&bytes, "upload.xlsx", &sheets()).unwrap_err();
        let s = shown(&problems);
        assert_eq!(s.len(), 2, "{s:#?}");
        assert_eq!(s[0], "line 2, value: \"ten\" is not a number");
        assert!(
            s[1].starts_with("line 3, date: \"someday\" is not a date"),
            "{}",
            s[1]
        );
    }

    /// Regression (upload bombs): a 280 KB XLSX of 1.5M rows took 2 GB and 87 s and listed
    /// every row; more than MAX_IMPORT_ROWS rows is now one problem, found without unpacking
    /// the rest of the sheet.
    #[test]
    fn regression_upload_bomb_more_than_max_import_rows_is_one_problem() {
        use gemba_data::MAX_IMPORT_ROWS;
        let expected = "the file has more than 100,000 rows; split it into smaller files";
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "date").unwrap();
        sheet.write_string(0, 1, "value").unwrap();
        let rows = MAX_IMPORT_ROWS as u32 + 1;
        for r in 1..=rows {
            // Bad rows, so that a reader that kept going would list each one.
            sheet.write_string(r, 0, "x").unwrap();
        }
        // A far row beyond the limit that a whole-sheet load would have to unpack.
        sheet.write_string(1_000_000, 0, "x").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let started = std::time::Instant::now();
        let problems = read_measure_file(&bytes, "upload.xlsx", &sheets()).unwrap_err();
        assert_eq!(shown(&problems), [expected]);
        assert!(started.elapsed() < std::time::Duration::from_secs(30));

        let mut csv = String::from("date,value\n");
        for _ in 0..=MAX_IMPORT_ROWS {
            csv.push_str("x,1\n");
        }
        let problems = read_measure_file(csv.as_bytes(), "upload.csv", &sheets()).unwrap_err();
        assert_eq!(shown(&problems), [expected]);
        let problems = parse_pasted(&csv.replace(',', "\t")).unwrap_err();
        assert_eq!(shown(&problems), [expected]);

        // Exactly the limit is fine.
        let mut csv = String::from("date,value\n");
        let start = NaiveDate::from_ymd_opt(1800, 1, 1).unwrap();
        for d in 0..MAX_IMPORT_ROWS as u64 {
            csv.push_str(&format!("{},1\n", start + chrono::Days::new(d)));
        }
        assert_eq!(
            read_measure_file(csv.as_bytes(), "upload.csv", &sheets())
                .unwrap()
                .len(),
            MAX_IMPORT_ROWS
        );
    }

    /// Regression: pasted `NaN` was taken as a missing value while the one-row form refused it;
    /// `NaN` and infinities are now a problem for their row (`NA` stays a missing value).
    #[test]
    fn regression_pasted_nan_and_inf_are_row_problems() {
        let problems = parse_pasted("2024-01-01\tNaN\n2024-02-01\tinf\n2024-03-01\t1\t-Infinity\n")
            .unwrap_err();
        assert_eq!(
            shown(&problems),
            [
                "line 1, value: \"NaN\" is not a number",
                "line 2, value: \"inf\" is not a number",
                "line 3, denominator: \"-Infinity\" is not a number",
            ]
        );
        let problems =
            read_measure_file(b"date,value\n2024-01-01,nan\n", "u.csv", &sheets()).unwrap_err();
        assert_eq!(shown(&problems), ["line 2, value: \"nan\" is not a number"]);
        assert_eq!(parse_pasted("2024-01-01\tNA\n").unwrap()[0].value, None);
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Shuffling the rows of a file changes only the order of series and line numbers,
        /// never the points of a series.
        #[test]
        fn row_order_does_not_change_the_series(
            rows in proptest::collection::btree_map((0u8..5, 0u32..400), -1000i32..1000, 1..60),
            seed in any::<u64>(),
        ) {
            let rows: Vec<((u8, u32), i32)> = rows.into_iter().collect();
            let mut shuffled = rows.clone();
            // A deterministic shuffle from the seed.
            let mut state = seed | 1;
            for i in (1..shuffled.len()).rev() {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17;
                shuffled.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let base = ymd(2020, 1, 1);
            let mut text = String::from("date,series,value\n");
            for ((series, day), value) in &shuffled {
                let date = base + chrono::Days::new(u64::from(*day));
                text.push_str(&format!("{},S{series},{value}\n", date.format("%d/%m/%Y")));
            }
            let file = csv_file("data.csv", &text);
            let mut read = chart(&file.path, &cols("value", "date", None, Some("series")), Grouping::OnePerDate).unwrap();
            read.sort_by(|a, b| a.id.cmp(&b.id));
            let ids: Vec<String> = read.iter().map(|s| s.id.clone()).collect();
            let mut expected_ids: Vec<String> = rows.iter().map(|((s, _), _)| format!("S{s}")).collect();
            expected_ids.dedup();
            prop_assert_eq!(ids, expected_ids);
            for s in &read {
                let expected: Vec<(NaiveDate, Option<f64>)> = rows
                    .iter()
                    .filter(|((k, _), _)| format!("S{k}") == s.id)
                    .map(|((_, d), v)| (base + chrono::Days::new(u64::from(*d)), Some(f64::from(*v))))
                    .collect();
                let got: Vec<(NaiveDate, Option<f64>)> = s.dates.iter().copied().zip(s.values.iter().copied()).collect();
                prop_assert_eq!(got, expected);
                for (i, line) in s.lines.iter().enumerate() {
                    let ((_, day), _) = shuffled[line - 2];
                    prop_assert_eq!(base + chrono::Days::new(u64::from(day)), s.dates[i]);
                }
            }
        }
    }
}

// ---- hostile spreadsheets (issue 8) ------------------------------------------------------------

#[path = "hostile/mod.rs"]
mod hostile;

mod refused {
    use super::{cols, hostile, sheets};
    use gemba_data::{read_chart_series, read_measure_file, DataError, Grouping, Refusal, Source};

    fn chart_file(name: &str, bytes: &[u8]) -> Result<(), DataError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        read_chart_series(
            &Source::new(&path),
            &cols("value", "date", None, None),
            Grouping::OnePerDate,
            &sheets(),
        )
        .map(|_| ())
    }

    /// Regression (issue 8): a 1.8 KB workbook declaring 100 billion shared strings aborted the
    /// whole process; it is refused before the parser reserves anything.
    #[test]
    fn regression_unique_count_xlsx_is_refused() {
        let err = chart_file("strings.xlsx", &hostile::unique_count_xlsx()).unwrap_err();
        assert!(
            matches!(
                &err,
                DataError::Unsafe {
                    reason: Refusal::DeclaredCount {
                        declared: 100_000_000_000,
                        ..
                    },
                    ..
                }
            ),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(
            message.contains("strings.xlsx: this spreadsheet could not be read safely: it declares 100000000000 shared strings"),
            "{message}"
        );
    }

    /// Regression (issue 8): 5,000,000 repeated rows of an 836-byte `.ods` took 48 s and 6 GB.
    #[test]
    fn regression_rows_repeated_ods_is_refused() {
        let err = chart_file("rows.ods", &hostile::rows_repeated_ods()).unwrap_err();
        assert!(
            matches!(
                &err,
                DataError::Unsafe {
                    reason: Refusal::TooManyCells { limit: 4_000_000 },
                    ..
                }
            ),
            "{err:?}"
        );
        let problems =
            read_measure_file(&hostile::rows_repeated_ods(), "up.ods", &sheets()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].refused);
        assert!(problems[0]
            .message
            .contains("this spreadsheet could not be read safely: it has too many rows"));
    }

    /// Regression (issue 8): shared strings that unpack to 300 MB took 13 s and 1 GB; the
    /// archive check stops unpacking at 128 MB.
    #[test]
    fn regression_shared_strings_bomb_is_refused() {
        let bomb = hostile::shared_strings_bomb_xlsx();
        assert!(
            bomb.len() < 2 * 1024 * 1024,
            "the bomb is {} bytes",
            bomb.len()
        );
        let err = chart_file("bomb.xlsx", &bomb).unwrap_err();
        assert!(
            matches!(
                &err,
                DataError::Unsafe {
                    reason: Refusal::TooBigUnpacked { .. } | Refusal::CompressionRatio { .. },
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("could not be read safely"));

        // The same with headers declaring 1 KB: unpacking the raw stream finds the truth.
        let err = chart_file("liar.xlsx", &hostile::lying_shared_strings_bomb_xlsx()).unwrap_err();
        assert!(
            matches!(
                &err,
                DataError::Unsafe {
                    reason: Refusal::TooBigUnpacked { .. },
                    ..
                }
            ),
            "{err:?}"
        );
    }

    /// Defence in depth: a workbook that passes every archive check (60 MB of shared strings,
    /// compressed 60 times, declaring no more strings than those bytes could hold) still makes
    /// the parser reserve 288 MB; the child's own 256 MB address-space limit stops it, and the
    /// caller gets a refusal, not an abort.
    #[test]
    fn the_memory_limit_stops_what_the_checks_let_through() {
        let hog = hostile::memory_hog_xlsx();
        assert!(hog.len() < 4 * 1024 * 1024, "{} bytes", hog.len());
        let err = chart_file("hog.xlsx", &hog).unwrap_err();
        assert!(
            matches!(
                &err,
                DataError::Unsafe {
                    reason: Refusal::TooMuchMemory,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err
            .to_string()
            .contains("this spreadsheet could not be read safely: reading it needed too much memory (more than 256 MB)"));
    }

    /// A fault inside the third-party parser (calamine panics on a short shared-strings record
    /// of an `.xlsb`) costs one read: the child process stops, the caller gets a refusal.
    #[test]
    fn a_parser_panic_in_the_child_is_a_refusal_not_a_crash() {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file(
            "xl/sharedStrings.bin",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        std::io::Write::write_all(&mut zip, &[0x9F, 0x01, 0x00]).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let err = chart_file("short.xlsb", &bytes).unwrap_err();
        assert!(
            matches!(
                &err,
                DataError::Unsafe {
                    reason: Refusal::ReaderFailed { .. },
                    ..
                }
            ),
            "{err:?}"
        );
    }

    /// The parent kills a reader that takes too long, and says so; a reader that cannot be
    /// started refuses the file rather than reading it in this process.
    #[test]
    fn a_slow_or_missing_reader_refuses_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ok.xlsx");
        std::fs::write(&path, hostile::unique_count_xlsx()).unwrap();
        let read = |reader: &gemba_data::SheetReader| {
            read_chart_series(
                &Source::new(&path),
                &cols("value", "date", None, None),
                Grouping::OnePerDate,
                reader,
            )
            .unwrap_err()
        };
        let slow = gemba_data::SheetReader::new("sh", ["-c", "sleep 30"])
            .with_timeout(std::time::Duration::from_millis(300));
        let err = read(&slow);
        assert!(
            matches!(
                &err,
                DataError::Unsafe {
                    reason: Refusal::TookTooLong,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("reading it took too long"));
        let missing = gemba_data::SheetReader::new("/nonexistent/gemba", ["read-sheet"]);
        assert!(matches!(
            missing.check(),
            Err(Refusal::ReaderUnavailable { .. })
        ));
        assert_eq!(sheets().check(), Ok(()));
        let err = read(&missing);
        assert!(
            matches!(
                &err,
                DataError::Unsafe {
                    reason: Refusal::ReaderUnavailable { .. },
                    ..
                }
            ),
            "{err:?}"
        );
        // An allocation failure reported by the child (the abort Rust makes of it) is memory.
        let oom = gemba_data::SheetReader::new(
            "sh",
            ["-c", "cat >/dev/null; echo 'memory allocation of 2400000000000 bytes failed' >&2; kill -ABRT $$"],
        );
        let err = read(&oom);
        assert!(
            matches!(
                &err,
                DataError::Unsafe {
                    reason: Refusal::TooMuchMemory,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err
            .to_string()
            .contains("needed too much memory (more than 256 MB)"));
    }

    /// Messages quote values from the file with control characters escaped: a cell holding a
    /// terminal escape cannot recolour or rewrite the user's terminal.
    #[test]
    fn control_characters_from_the_file_are_escaped_in_messages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("esc.csv");
        std::fs::write(
            &path,
            "date,value\n2024-01-01,\u{1b}[2J\u{1b}]0;pwned\u{7}\r\n",
        )
        .unwrap();
        let err = read_chart_series(
            &Source::new(&path),
            &cols("value", "date", None, None),
            Grouping::OnePerDate,
            &sheets(),
        )
        .unwrap_err()
        .to_string();
        assert!(!err.chars().any(|c| c.is_control()), "{err:?}");
        assert!(
            err.contains(r#""\x1b[2J\x1b]0;pwned\x07" is not a number"#),
            "{err}"
        );
        let err = read_chart_series(
            &Source::new(&path),
            &cols("val\u{1b}[31mue", "date", None, None),
            Grouping::OnePerDate,
            &sheets(),
        )
        .unwrap_err()
        .to_string();
        assert!(!err.chars().any(|c| c.is_control()), "{err:?}");
    }
}
