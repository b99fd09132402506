//! The hostile spreadsheets of issue 8, shared by the tests of `gemba-data`, `gemba-web` and
//! `gemba-cli` (`#[path = ".../gemba-data/tests/hostile/mod.rs"] mod hostile;`). See
//! `../fixtures/hostile/README.md`.

#![allow(dead_code, clippy::unwrap_used)]

use std::io::{Cursor, Write};

/// A valid one-sheet workbook whose shared strings declare `uniqueCount="100000000000"`.
pub fn unique_count_xlsx() -> Vec<u8> {
    include_bytes!("../fixtures/hostile/unique-count.xlsx").to_vec()
}

/// An OpenDocument sheet with one data row repeated 5,000,000 times.
pub fn rows_repeated_ods() -> Vec<u8> {
    include_bytes!("../fixtures/hostile/rows-repeated.ods").to_vec()
}

/// How many bytes the bomb's shared strings unpack to: 300 MiB.
pub const BOMB_UNPACKED: u64 = 300 * 1024 * 1024;

/// A valid one-sheet workbook whose `xl/sharedStrings.xml` unpacks to [`BOMB_UNPACKED`] bytes
/// (about 2.4 million strings) from about a megabyte.
pub fn shared_strings_bomb_xlsx() -> Vec<u8> {
    let head = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"2\" uniqueCount=\"2\"><si><t>date</t></si><si><t>value</t></si>";
    let item = b"<si><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></si>";
    let chunk: Vec<u8> = item
        .iter()
        .copied()
        .cycle()
        .take(1024 * 1024 / item.len() * item.len())
        .collect();
    workbook_with_repeated_shared_strings(head, &chunk, BOMB_UNPACKED, false)
}

/// [`shared_strings_bomb_xlsx`] with headers that lie: they declare the shared strings
/// unpack to 1 KB, so only unpacking (with a hard limit) finds the 300 MB.
pub fn lying_shared_strings_bomb_xlsx() -> Vec<u8> {
    let head = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"2\" uniqueCount=\"2\"><si><t>date</t></si><si><t>value</t></si>";
    let item = b"<si><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></si>";
    let chunk: Vec<u8> = item
        .iter()
        .copied()
        .cycle()
        .take(1024 * 1024 / item.len() * item.len())
        .collect();
    workbook_with_repeated_shared_strings(head, &chunk, BOMB_UNPACKED, true)
}

/// How many distinct strings [`memory_hog_xlsx`] declares: 12 million, whose `String`s alone
/// (24 bytes each) need 288 MB, more than the reader's 256 MB.
pub const HOG_STRINGS: u64 = 12_000_000;

/// A workbook that passes every archive check but needs more memory than the reader may
/// have: shared strings declaring [`HOG_STRINGS`] strings, with the 60 MB of bytes that many
/// strings could take (an XML comment that compresses only about 60 times, from 1 MB).
pub fn memory_hog_xlsx() -> Vec<u8> {
    let head = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"2\" uniqueCount=\"{HOG_STRINGS}\"><si><t>date</t></si><si><t>value</t></si><!--"
    );
    // One pseudo-random letter in every 64 bytes keeps the compression ratio near 60.
    let mut state: u32 = 0x2545_f491;
    let chunk: Vec<u8> = (0..1024 * 1024)
        .map(|i| {
            if i % 64 == 0 {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                b'a' + (state % 26) as u8
            } else {
                b'a'
            }
        })
        .collect();
    workbook_with_repeated_shared_strings(head.as_bytes(), &chunk, HOG_STRINGS * 5 + 1024, false)
}

/// A one-sheet workbook whose shared strings are `head`, then `chunk` repeated to about
/// `unpacked` bytes, then the end (a comment is closed first if `head` opened one). With `lie`
/// the zip headers declare 1 KB unpacked.
///
/// Built fast, without deflating it all: `chunk` is deflated once with a full flush (which
/// makes the compressed segment independent of what came before), and the segment is
/// repeated; the zip entry is written by hand and copied into the workbook raw.
fn workbook_with_repeated_shared_strings(
    head: &[u8],
    chunk: &[u8],
    unpacked: u64,
    lie: bool,
) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let tail: &[u8] = if head.ends_with(b"<!--") {
        b"--></sst>"
    } else {
        b"</sst>"
    };
    let repeats = (unpacked as usize).saturating_sub(head.len() + tail.len()) / chunk.len() + 1;
    let deflate = |data: &[u8], flush: FlushCompress| {
        let mut c = Compress::new(Compression::best(), false);
        let mut out = Vec::with_capacity(data.len() + 1024);
        c.compress_vec(data, &mut out, flush).unwrap();
        out
    };
    let chunk_z = deflate(chunk, FlushCompress::Full);
    let mut stream = deflate(head, FlushCompress::Full);
    for _ in 0..repeats {
        stream.extend_from_slice(&chunk_z);
    }
    stream.extend_from_slice(&deflate(tail, FlushCompress::Finish));
    let mut crc = crc32fast::Hasher::new();
    crc.update(head);
    for _ in 0..repeats {
        crc.update(chunk);
    }
    crc.update(tail);
    let size = if lie {
        1024
    } else {
        (head.len() + repeats * chunk.len() + tail.len()) as u32
    };
    let one_entry = zip_by_hand("xl/sharedStrings.xml", &stream, crc.finalize(), size);

    let mut source = zip::ZipArchive::new(Cursor::new(one_entry)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in workbook_parts() {
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.raw_copy_file(source.by_index_raw(0).unwrap()).unwrap();
    out.finish().unwrap().into_inner()
}

/// The parts of a one-sheet workbook other than its shared strings: a header row of shared
/// strings 0 and 1 ("date", "value") and one data row.
pub fn workbook_parts() -> [(&'static str, &'static str); 5] {
    [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
        ),
        (
            "xl/worksheets/sheet1.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2"><v>45292</v></c><c r="B2"><v>3</v></c></row></sheetData></worksheet>"#,
        ),
    ]
}

/// A zip archive of one deflated entry, written by hand: local header, data, central
/// directory, end record.
fn zip_by_hand(name: &str, deflated: &[u8], crc: u32, size: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let n = name.len() as u16;
    let packed = deflated.len() as u32;
    // Local file header.
    out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    out.extend_from_slice(&20u16.to_le_bytes()); // version needed
    out.extend_from_slice(&0u16.to_le_bytes()); // flags
    out.extend_from_slice(&8u16.to_le_bytes()); // deflate
    out.extend_from_slice(&[0, 0, 0x21, 0]); // time, date (1980-01-01)
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&packed.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(deflated);
    let central = out.len() as u32;
    out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    out.extend_from_slice(&20u16.to_le_bytes()); // made by
    out.extend_from_slice(&20u16.to_le_bytes()); // needed
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&8u16.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0x21, 0]);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&packed.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&[0; 8]); // extra and comment lengths, disk, internal attributes
    out.extend_from_slice(&0u32.to_le_bytes()); // external attributes
    out.extend_from_slice(&0u32.to_le_bytes()); // local header offset
    out.extend_from_slice(name.as_bytes());
    let central_len = out.len() as u32 - central;
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // disk numbers
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&central_len.to_le_bytes());
    out.extend_from_slice(&central.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}
