from email.message import EmailMessage

from mailbuild import mail, tnef, xlsx_like, zip_of

from foi.mail import sniff
from foi.mail.parse import Part
from foi.mail.unpack import Limits, unpack, unpack_parts


def shape(part, depth=0):
    rows = [(depth, part.filename, part.original_filename, part.detected_type, part.note)]
    for child in part.children:
        rows += shape(child, depth + 1)
    return rows


def test_types_detected_from_content_not_labels():
    assert sniff.detect_type(b"%PDF-1.4\n...", "application/octet-stream") == sniff.PDF
    assert sniff.detect_type(xlsx_like(), "application/zip") == sniff.XLSX
    assert sniff.detect_type(zip_of({"word/document.xml": b"", "[Content_Types].xml": b""})) == sniff.DOCX
    assert sniff.detect_type(zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})) == \
        "application/vnd.oasis.opendocument.spreadsheet"
    assert sniff.detect_type(zip_of({"a.csv": b"1"})) == sniff.ZIP
    assert sniff.detect_type(b"\x89PNG\r\n\x1a\n....") == sniff.PNG
    assert sniff.detect_type(b"{\\rtf1\\ansi hello}") == sniff.RTF
    assert sniff.detect_type(tnef([("a.txt", b"x")])) == sniff.TNEF
    assert sniff.detect_type(b"year,count\n2024,5\n2025,7\n") == sniff.CSV
    assert sniff.detect_type(b"<html><table><tr><td>1</td></tr></table></html>",
                             "application/vnd.ms-excel") == sniff.HTML
    assert sniff.detect_type(mail()) == sniff.EML
    assert sniff.detect_type(b"Dear Sir, thank you.\n") == sniff.TEXT


def test_zip_bomb_is_refused_with_a_note_not_followed():
    bomb = zip_of({"zeros.csv": b"0" * (20 * 1024 * 1024)})
    [part] = unpack_parts([Part(bomb, "data.zip", "application/zip")])
    assert part.children == []
    assert part.data == bomb
    assert part.note.startswith("refused, possible zip bomb: compression ratio ")
    many = zip_of({f"f{i}.txt": b"x" for i in range(6)})
    [part] = unpack_parts([Part(many, "many.zip", "application/zip")], Limits(max_entries=5))
    assert part.note == "refused, possible zip bomb: 6 entries (limit 5)"


def test_zip_names_sanitised_and_originals_kept():
    archive = zip_of({"../../etc/passwd": b"root", "C:\\Windows\\con.txt": b"a,b\n1,2\n",
                      "dir/Réponse.xlsx": xlsx_like()})
    part = unpack(archive, "reply.zip", "application/octet-stream")
    assert [(c.filename, c.original_filename, c.detected_type) for c in part.children] == [
        ("passwd", "../../etc/passwd", sniff.TEXT),
        ("_con.txt", "C:\\Windows\\con.txt", sniff.CSV),
        ("R\u00e9ponse.xlsx", "dir/R\u00e9ponse.xlsx", sniff.XLSX),
    ]


def test_nested_zips_stop_at_the_depth_limit():
    inner = zip_of({"table.csv": b"a,b\n1,2\n"})
    outer = zip_of({"inner.zip": zip_of({"deeper.zip": inner})})
    part = unpack_parts([Part(outer, "outer.zip", "application/zip")], Limits(max_depth=2))[0]
    assert shape(part) == [
        (0, "outer.zip", "outer.zip", sniff.ZIP, None),
        (1, "inner.zip", "inner.zip", sniff.ZIP, None),
        (2, "deeper.zip", "deeper.zip", sniff.ZIP, "not unpacked: nested more than 2 deep"),
    ]


def test_attached_message_with_zip_and_tnef_unpacked_recursively():
    forwarded = EmailMessage()
    forwarded["From"] = "foi@york.gov.uk"
    forwarded["Subject"] = "FOI 123 response"
    forwarded["Date"] = "Mon, 02 Mar 2026 10:00:00 +0000"
    forwarded.set_content("The figures are attached.")
    forwarded.add_attachment(zip_of({"figures.csv": b"year,n\n2025,4\n"}), maintype="application",
                             subtype="zip", filename="figures.zip")
    forwarded.add_attachment(tnef([("Cr\u00e8che.txt", b"hello"), ("sheet.xlsx", xlsx_like())]),
                             maintype="application", subtype="ms-tnef", filename="winmail.dat")
    parts = [Part(forwarded.as_bytes(), None, "message/rfc822")]
    [part] = unpack_parts(parts)
    assert shape(part) == [
        (0, "FOI 123 response.eml", None, sniff.EML, None),
        (1, "message-body.txt", None, sniff.TEXT, "text of the attached message"),
        (1, "figures.zip", "figures.zip", sniff.ZIP, None),
        (2, "figures.csv", "figures.csv", sniff.CSV, None),
        (1, "winmail.dat", "winmail.dat", sniff.TNEF, None),
        (2, "Cr\u00e8che.txt", "Cr\u00e8che.txt", sniff.TEXT, None),
        (2, "sheet.xlsx", "sheet.xlsx", sniff.XLSX, None),
    ]
    body = part.children[0].data.decode()
    assert body == ("From: foi@york.gov.uk\nDate: 2026-03-02T10:00:00+00:00\n"
                    "Subject: FOI 123 response\n\nThe figures are attached.")


def test_damaged_containers_are_kept_with_a_note():
    part = unpack(b"PK\x03\x04 truncated", "broken.zip", "application/zip")
    assert part.data == b"PK\x03\x04 truncated" and part.children == []
    assert part.note.startswith("undecodable zip")
