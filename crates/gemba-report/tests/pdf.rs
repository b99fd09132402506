//! The PDF read back with lopdf: every measure's title is text on its page, pages are
//! numbered, sections are bookmarked, charts are vectors (no image objects), and a second run
//! gives the same bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use gemba_report::{pdf, Measure, Narrative, Report, Section};
use gemba_spc::{analyse, ChartOptions, ChartType, Data, Improvement};
use lopdf::{Document, Object};

fn measure(id: &str, title: &str, k: f64) -> Measure {
    let y: Vec<Option<f64>> = (0..24)
        .map(|i| Some(50.0 + k * ((i * 7 % 5) as f64) + if i > 17 { 8.0 } else { 0.0 }))
        .collect();
    let mut o = ChartOptions::new(ChartType::Xmr);
    o.target = Some(55.0);
    o.improvement = Improvement::Increase;
    let r = analyse(Data::Values(&y), &o).unwrap();
    let labels = (0..24)
        .map(|i| format!("{}-{:02}", 2023 + i / 12, i % 12 + 1))
        .collect();
    let mut m = Measure::new(id, title, r, labels);
    m.owner = Some("Chief Nurse".into());
    m
}

fn report() -> Report {
    let mut long = measure("c", "Complaints answered in 25 days", 2.0);
    long.narrative = Some(Narrative {
        shows: "Answered complaints rose after the new triage. ".repeat(60),
        why: "A dedicated team.".into(),
        actions: "Keep the team to March 2027.".into(),
    });
    Report {
        title: "Riverside integrated quality report".into(),
        period: "December 2024".into(),
        sections: vec![
            Section {
                name: "Safe".into(),
                measures: vec![
                    measure("a", "Falls per 1,000 bed days", 1.0),
                    measure("b", "Pressure ulcers", 3.0),
                ],
            },
            Section {
                name: "Caring".into(),
                measures: vec![long],
            },
        ],
        concern_first: true,
        ..Report::default()
    }
}

/// The text of a page. lopdf puts each run of glyphs on a line of its own; the glyphs
/// themselves (spaces included) come from the font's ToUnicode map, so joining the lines gives
/// the words back.
fn page_text(doc: &Document, page: u32) -> String {
    doc.extract_text(&[page]).unwrap().replace('\n', "")
}

#[test]
fn pdf_has_text_numbers_bookmarks_and_no_images() {
    let bytes = pdf(&report()).unwrap();
    if let Ok(dir) = std::env::var("GEMBA_REPORT_SAMPLE") {
        std::fs::write(format!("{dir}/sample.pdf"), &bytes).unwrap();
    }
    let doc = Document::load_mem(&bytes).unwrap();
    let pages = doc.get_pages();
    // Summary, matrix, one page per measure, and continuation pages of the long narrative.
    assert!(pages.len() >= 5, "{} pages", pages.len());
    let n = pages.len();
    let texts: Vec<String> = (1..=n as u32).map(|p| page_text(&doc, p)).collect();
    for (i, t) in texts.iter().enumerate() {
        assert!(
            t.contains(&format!("Page {} of {n}", i + 1)),
            "page {}: {t}",
            i + 1
        );
    }
    // The summary comes first and names every measure.
    for title in [
        "Falls per 1,000 bed days",
        "Pressure ulcers",
        "Complaints answered in 25 days",
    ] {
        assert!(
            texts[0].contains(title),
            "summary lacks {title}: {}",
            texts[0]
        );
    }
    assert!(texts[0].contains("Summary"));
    assert!(texts[1].contains("Variation and assurance"));
    // Each measure's own page (in order after the matrix) carries its title and narrative.
    assert!(texts[2].contains("Falls per 1,000 bed days"));
    assert!(texts[3].contains("Pressure ulcers"));
    assert!(texts[4].contains("Complaints answered in 25 days"));
    assert!(texts[4].contains("What the chart shows"));
    assert!(texts[5].contains("narrative, continued"));
    assert!(texts
        .iter()
        .any(|t| t.contains("Keep the team to March 2027.")));

    // No raster images anywhere: every chart is drawn with paths and text.
    for (_, obj) in doc.objects.iter() {
        if let Object::Stream(s) = obj {
            let subtype = s.dict.get(b"Subtype").ok().and_then(|o| o.as_name().ok());
            assert_ne!(subtype, Some(&b"Image"[..]), "an image XObject");
        }
    }

    // The outline: Summary, the matrix, then each section.
    let catalog = doc.catalog().unwrap();
    let outlines = doc
        .get_dictionary(catalog.get(b"Outlines").unwrap().as_reference().unwrap())
        .unwrap();
    let mut titles = Vec::new();
    let mut next = outlines
        .get(b"First")
        .ok()
        .and_then(|o| o.as_reference().ok());
    while let Some(id) = next {
        let item = doc.get_dictionary(id).unwrap();
        let t = item.get(b"Title").unwrap();
        titles.push(lopdf::decode_text_string(t).unwrap());
        next = item.get(b"Next").ok().and_then(|o| o.as_reference().ok());
    }
    assert_eq!(
        titles,
        ["Summary", "Variation and assurance", "Safe", "Caring"]
    );
}

#[test]
fn pdf_is_byte_identical_on_a_second_run() {
    let a = pdf(&report()).unwrap();
    let b = pdf(&report()).unwrap();
    assert!(a == b, "two runs differ");
    assert!(a.starts_with(b"%PDF-"));
}

#[test]
fn an_empty_report_still_renders() {
    let r = Report {
        title: "Empty".into(),
        period: "2024".into(),
        sections: vec![Section {
            name: "Safe".into(),
            measures: vec![],
        }],
        concern_first: false,
        ..Report::default()
    };
    let doc = Document::load_mem(&pdf(&r).unwrap()).unwrap();
    assert_eq!(doc.get_pages().len(), 2);
}

#[test]
fn odd_text_does_not_break_the_pdf() {
    let mut r = report();
    let m = &mut r.sections[0].measures[0];
    m.title = format!(
        "Émigrés 🚑 日本語 \u{0}\u{7} <b>&amp; {}",
        "very long ".repeat(300)
    );
    m.owner = Some("\"Dr\" O'Brien".into());
    r.sections.push(Section {
        name: "Empty".into(),
        measures: vec![],
    });
    let bytes = pdf(&r).unwrap();
    let doc = Document::load_mem(&bytes).unwrap();
    assert!(page_text(&doc, 3).contains("Émigrés"));
    let html = gemba_report::html(&r);
    assert!(html.contains("&lt;b&gt;&amp;amp;"));
}

#[test]
fn a_full_matrix_cell_lists_every_measure_on_following_pages() {
    let measures: Vec<Measure> = (0..80)
        .map(|i| measure(&format!("m{i}"), &format!("Measure number {i:03}"), 1.0))
        .collect();
    let r = Report {
        title: "Many".into(),
        period: "2024".into(),
        sections: vec![Section {
            name: "Safe".into(),
            measures,
        }],
        concern_first: false,
        ..Report::default()
    };
    let doc = Document::load_mem(&pdf(&r).unwrap()).unwrap();
    let n = doc.get_pages().len() as u32;
    let texts: Vec<String> = (1..=n).map(|p| page_text(&doc, p)).collect();
    let matrix = texts
        .iter()
        .position(|t| t.contains("Each measure sits in the row"))
        .unwrap();
    assert!(texts[matrix].contains("more (listed on the next pages)"));
    let listed: String = texts
        .iter()
        .filter(|t| t.contains("every measure by cell"))
        .cloned()
        .collect();
    for i in 0..80 {
        assert!(
            listed.contains(&format!("Measure number {i:03}")),
            "{i} not listed"
        );
    }
    // Then one page per measure.
    assert_eq!(
        texts.len()
            - matrix
            - 1
            - texts
                .iter()
                .filter(|t| t.contains("every measure by cell"))
                .count(),
        80
    );
}

/// A published copy says so on its first page, with what changed since the previous one and
/// the measures it could not chart; the HTML carries the same.
#[test]
fn a_published_copy_states_what_changed_and_what_has_no_data() {
    use gemba_report::{Change, ChangeKind, Changes};
    use gemba_spc::VariationIcon;
    let mut r = report();
    r.status = Some("Published on 3 December 2024 by Chris Coach".into());
    r.changes = Some(Changes {
        since: "November 2024".into(),
        items: vec![Change {
            id: "a".into(),
            title: "Falls per 1,000 bed days".into(),
            what: ChangeKind::Variation {
                from: Some(VariationIcon::CommonCause),
                to: Some(VariationIcon::ImprovementHigh),
            },
        }],
    });
    r.without_data = vec!["Sepsis screening".into()];
    let doc = Document::load_mem(&pdf(&r).unwrap()).unwrap();
    let first = page_text(&doc, 1);
    for expected in [
        "Published on 3 December 2024 by Chris Coach",
        "What changed since November 2024",
        "Falls per 1,000 bed days: Variation: Common cause variation → Special cause \
         improvement (high)",
        "Measures without data for this period",
        "Sepsis screening",
    ] {
        assert!(
            first.contains(expected),
            "no “{expected}” on page 1: {first}"
        );
    }
    let html = gemba_report::html(&r);
    assert!(html.contains("What changed since November 2024"));
    assert!(html.contains("Sepsis screening"));
}
