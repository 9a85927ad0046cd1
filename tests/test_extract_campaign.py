"""The acceptance test for extraction: nine councils answer one campaign in nine
layouts, built here at test time from real published figures, and every value
and its provenance is asserted.

Figures: DfE official statistics "Children in need: referrals and re-referrals"
(c1), per local authority, reporting years ending 31 March 2016/2017/2018, i.e.
2015/16, 2016/17, 2017/18. Contains public sector information licensed under
the Open Government Licence v3.0. Where DfE publishes `c` (suppressed) the
fixture shows what a council writes instead ("*", "<5", "c").
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.builders import insert_campaign, insert_request, register_db

PERIODS = ["2015/16", "2016/17", "2017/18"]
# code: (referrals, re-referrals within 12 months, referrals closed no further action)
DFE = {
    "BNS": ([2996, 2140, 2466], [806, 403, 415], [325, 62, 33]),
    "HPL": ([922, 1269, 1230], [97, 127, 192], ["c", "c", "c"]),
    "RUT": ([206, 383, 308], [58, 68, 64], [0, 38, "c"]),
    "IOS": ([44, "c", 12], ["c", 0, 0], [8, 0, 0]),
    "CMD": ([1872, 1912, 1807], [243, 174, 228], [122, 63, 59]),
    "KEN": ([15342, 15805, 19373], [3197, 3636, 4472], [107, 85, 148]),
    "DAL": ([2050, 2257, 1107], [457, 858, 285], [847, 1139, 76]),
    "BST": ([4414, 5336, 6489], [1094, 1234, 1732], [691, 640, 1318]),
    "HAL": ([995, 1062, 1194], [106, 74, 93], [7, "c", 0]),
}
QUESTIONS = [
    ("referrals", "How many referrals did children's social care receive in each year?",
     ["referrals", "number of referrals"]),
    ("rereferrals", "How many of those referrals were re-referrals within 12 months of a previous referral?",
     ["re-referrals", "rereferrals"]),
    ("nfa", "How many referrals were closed with no further action?", ["no further action", "NFA"]),
]
Q = ["referrals", "rereferrals", "nfa"]


# ---------------------------------------------------------------- database

def make_db(tmp_path: Path, rules=("rereferrals <= referrals", "nfa <= rereferrals")):
    db = register_db(tmp_path / "campaign.db", now="2026-01-01T00:00:00+00:00")
    insert_campaign(db, "cin", prefix="CIN", title="Referrals", recipients="all",
                    created_at="2026-01-01T00:00:00+00:00", questions=[
                        {"id": qid, "text": text, "kind": "count", "labels": json.dumps(labels)}
                        for qid, text, labels in QUESTIONS], periods=PERIODS, checks=rules)
    return db


def add_request(db, code: str) -> int:
    return insert_request(db, "cin", code, reference=f"CIN-{code}-1", created_at="2026-02-01T09:00:00+00:00")


def add_message(db, blobs: Path, request_id: int, body: str, files: dict[str, bytes] | None = None,
                date: str = "2026-02-20T10:00:00+00:00") -> int:
    raw = f"{request_id}{date}{body}".encode()
    message = db["messages"].insert({
        "sha256": hashlib.sha256(raw).hexdigest(), "source": "test", "size": len(raw),
        "subject": "FOI response", "date": date, "body_text": body, "request_id": request_id,
        "classification": "answer", "stored_at": date}).last_pk
    for position, (name, data) in enumerate((files or {}).items()):
        sha = hashlib.sha256(data).hexdigest()
        path = blobs / sha[:2] / sha
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        db["attachments"].insert({"message": message, "parent": None, "position": position, "sha256": sha,
                                  "filename": name, "size": len(data)})
    db.conn.commit()
    return message


def current_values(db) -> dict:
    rows = db.execute(
        "SELECT r.body_code, v.question_id, v.period, v.status, v.value, v.lower_bound, v.upper_bound, "
        "v.refusal_section, v.source_file, v.source_location, v.value_raw, v.method, v.source_sha256 "
        "FROM answer_values v JOIN requests r ON r.id = v.request_id WHERE v.current = 1").fetchall()
    return {(r[0], r[1], r[2]): r[3:] for r in rows}


# ---------------------------------------------------------------- layouts

def fmt(value, suppressed: str = "<5", thousands: bool = False) -> str:
    if value == "c":
        return suppressed
    return f"{value:,}" if thousands else str(value)


def expect(code, question, period, raw, file, location):
    """The value a person reading the reply would record."""
    from foi.extract.values import parse_value

    value = parse_value(raw)
    return (code, question, period), (value.status, value.value, value.lower, value.upper, None, file,
                                      location, raw)


def sheet_per_question() -> tuple[dict, dict]:
    """Barnsley: one sheet per question, years down the side, a title and a Total row."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    expected = {}
    titles = ["Q1 Referrals", "Q2 Re-referrals", "Q3 NFA"]
    captions = ["Referrals to children's social care", "Re-referrals within 12 months",
                "Referrals closed with no further action"]
    for index, (title, caption) in enumerate(zip(titles, captions)):
        sheet = book.create_sheet(title)
        sheet["A1"] = caption
        sheet.append([])
        sheet.append(["Year", "Number"])
        for row, (period, value) in enumerate(zip(PERIODS, DFE["BNS"][index]), start=4):
            sheet.append([period, value])
            expected.update([expect("BNS", Q[index], period, str(value), "bns.xlsx", f"{title}!B{row}")])
        sheet.append(["Total", sum(DFE["BNS"][index])])
    return {"bns.xlsx": _save(book)}, expected


def years_across_with_notes() -> tuple[dict, dict]:
    """Hartlepool: years across the top, two title rows, a notes block, '*' for small numbers."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Response"
    sheet["A1"] = "Hartlepool Borough Council – Freedom of Information response"
    sheet["A2"] = "Children's social care referrals, 2015/16 to 2017/18"
    sheet.append([])
    sheet.append(["Measure", *PERIODS])
    labels = ["Number of referrals", "Number of re-referrals within 12 months",
              "Referrals with no further action"]
    expected = {}
    for index, label in enumerate(labels):
        cells = [fmt(v, "*") if v == "c" else v for v in DFE["HPL"][index]]
        sheet.append([label, *cells])
        for column, (period, cell) in enumerate(zip(PERIODS, cells)):
            key, want = expect("HPL", Q[index], period, str(cell), "response.xlsx",
                               f"Response!{'BCD'[column]}{5 + index}")
            if cell == "*":  # the note below says "* denotes a number fewer than 5"
                want = (*want[:3], 4.0, *want[4:])
            expected[key] = want
    sheet.append([])
    sheet.append(["Notes:"])
    sheet.append(["* denotes a number fewer than 5, withheld under section 40(2)."])
    sheet.append(["Figures are taken from the annual Children in Need census return."])
    return {"response.xlsx": _save(book)}, expected


def merged_headers() -> tuple[dict, dict]:
    """Rutland: a merged 'Children's social care' header over three columns,
    'Year' merged down two rows, periods written 2015-16, suppressed as 'c'."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Referrals"
    sheet["A1"] = "Year"
    sheet["B1"] = "Children's social care"
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:D1")
    sheet["B2"], sheet["C2"], sheet["D2"] = "Referrals", "Re-referrals", "Referrals closed – no further action"
    expected = {}
    for row, period in enumerate(PERIODS, start=3):
        written = period.replace("/", "-")
        cells = [DFE["RUT"][q][row - 3] for q in range(3)]
        sheet.append([written, *[fmt(c, "c") if c == "c" else c for c in cells]])
        for q, cell in enumerate(cells):
            expected.update([expect("RUT", Q[q], period, fmt(cell, "c"), "rutland.xlsx",
                                    f"Referrals!{'BCD'[q]}{row}")])
    return {"rutland.xlsx": _save(book)}, expected


def csv_cp1252() -> tuple[dict, dict]:
    """Isles of Scilly: csv from Excel on Windows (cp1252, semicolons, en dashes), '<5'."""
    lines = ["Council of the Isles of Scilly – FOI response’s figures",
             "Question;2015–16;2016–17;2017–18"]
    labels = ["Q1 Referrals", "Q2 Re-referrals", "Q3 No further action"]
    expected = {}
    for q, label in enumerate(labels):
        cells = [fmt(v) for v in DFE["IOS"][q]]
        lines.append(";".join([label, *cells]))
        for column, (period, cell) in enumerate(zip(PERIODS, cells), start=2):
            expected.update([expect("IOS", Q[q], period, cell, "scilly.csv", f"csv row {3 + q} col {column}")])
    return {"scilly.csv": ("\r\n".join(lines) + "\r\n").encode("cp1252")}, expected


def word_table() -> tuple[dict, dict]:
    """Camden: a Word table, periods as 'April 2015 to March 2016' down the side."""
    import docx

    document = docx.Document()
    document.add_paragraph("Please find below the information you requested.")
    table = document.add_table(rows=1, cols=4)
    headers = ["Financial year", "Q1 Referrals", "Q2 Re-referrals within 12 months", "Q3 No further action"]
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = text
    expected = {}
    for index, period in enumerate(PERIODS):
        start = 2015 + index
        cells = table.add_row().cells
        cells[0].text = f"April {start} to March {start + 1}"
        for q in range(3):
            cells[q + 1].text = str(DFE["CMD"][q][index])
            expected.update([expect("CMD", Q[q], period, str(DFE["CMD"][q][index]), "camden.docx",
                                    f"table 1 row {index + 2} col {q + 2}")])
    buffer = io.BytesIO()
    document.save(buffer)
    return {"camden.docx": buffer.getvalue()}, expected


def pdf_table() -> tuple[dict, dict]:
    """Kent: a PDF letter with a ruled table, thousands separators."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "Kent County Council\nFreedom of Information request FOI/2026/0123\n"
                         "The figures you asked for are below.")
    pdf.ln(6)
    labels = ["Referrals received", "Re-referrals within 12 months", "Closed with no further action"]
    expected = {}
    with pdf.table() as table:
        row = table.row()
        for text in ["", *PERIODS]:
            row.cell(text)
        for q, label in enumerate(labels):
            row = table.row()
            row.cell(label)
            for column, (period, value) in enumerate(zip(PERIODS, DFE["KEN"][q]), start=2):
                row.cell(f"{value:,}")
                expected.update([expect("KEN", Q[q], period, f"{value:,}", "kent.pdf",
                                        f"page 1 table 1 row {q + 2} col {column}")])
    return {"kent.pdf": bytes(pdf.output())}, expected


DARLINGTON_BODY = """Dear Ms Smith,

Thank you for your request for information received on 4 February 2026.

Q1. Number of referrals
2015/16: 2,050
2016/17: 2,257
2017/18: 1,107

Q2. Re-referrals within 12 months
In 2015-16 there were 457 re-referrals, in 2016-17 there were 858 and in 2017-18 there were 285.

Q3. Referrals closed with no further action
2015/16 - 847
2016/17 - 1,139
2017/18 - 76

Yours sincerely,
Information Governance Team

-----Original Message-----
From: Campaign <foi@example.org>
Q1 How many referrals in 2015/16 to 2017/18? Q2 2015/16: 99
"""


def body_figures() -> tuple[str, dict]:
    """Darlington: every figure in the email body, as lines and as a sentence."""
    expected = {}
    places = {"referrals": [6, 7, 8], "rereferrals": [11, 11, 11], "nfa": [14, 15, 16]}
    raws = {"referrals": ["2,050", "2,257", "1,107"], "rereferrals": ["457", "858", "285"],
            "nfa": ["847", "1,139", "76"]}
    for q in Q:
        for period, line, raw in zip(PERIODS, places[q], raws[q]):
            expected.update([expect("DAL", q, period, raw, "message body", f"body line {line}")])
    return DARLINGTON_BODY, expected


def ods_text_numbers_and_s12() -> tuple[str, dict, dict]:
    """Bristol: an ODS with numbers typed as text ('4,414'); question 3 refused under s.12."""
    rows = [["Question", *PERIODS]]
    expected = {}
    for q, label in enumerate(["1. Referrals", "2. Re-referrals"]):
        cells = [f"{v:,}" for v in DFE["BST"][q]]
        rows.append([label, *cells])
        for column, (period, cell) in enumerate(zip(PERIODS, cells)):
            expected.update([expect("BST", Q[q], period, cell, "bristol.ods", f"FOI!{'BCD'[column]}{q + 2}")])
    body = ("Please find attached our response to questions 1 and 2.\n\n"
            "Question 3: we estimate that answering this part would exceed the appropriate limit "
            "of £450, so it is refused under section 12 of the Act.\n")
    for period in PERIODS:
        expected[("BST", "nfa", period)] = ("refused", None, None, None, "s.12", "message body",
                                            "body line 3", body.splitlines()[2])
    return body, {"bristol.ods": make_ods("FOI", rows)}, expected


def text_numbers_two_stub_columns() -> tuple[dict, dict]:
    """Halton: question numbers and wording in two columns, figures stored as text."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["No.", "Question", *[f"FY {p.replace('/', '-')}" for p in PERIODS]])
    wording = ["Referrals received", "Re-referrals", "Closed NFA"]
    expected = {}
    for q in range(3):
        cells = [fmt(v, thousands=True) for v in DFE["HAL"][q]]
        sheet.append([f"Q{q + 1}", wording[q], *cells])
        for column, (period, cell) in enumerate(zip(PERIODS, cells)):
            expected.update([expect("HAL", Q[q], period, cell, "halton.xlsx", f"Sheet1!{'CDE'[column]}{q + 2}")])
    return {"halton.xlsx": _save(book)}, expected


def _save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def make_ods(name: str, rows: list[list[str]]) -> bytes:
    """A minimal OpenDocument spreadsheet with string cells."""
    cells = "".join(
        "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>'
            for c in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        f'<table:table table:name="{name}">{cells}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return buffer.getvalue()


# ---------------------------------------------------------------- the test

@pytest.fixture
def campaign(tmp_path):
    db = make_db(tmp_path)
    blobs = tmp_path / "blobs"
    expected = {}
    for code, build in [("BNS", sheet_per_question), ("HPL", years_across_with_notes),
                        ("RUT", merged_headers), ("IOS", csv_cp1252), ("CMD", word_table),
                        ("KEN", pdf_table), ("HAL", text_numbers_two_stub_columns)]:
        files, values = build()
        add_message(db, blobs, add_request(db, code), "Please see the attached response.", files)
        expected.update(values)
    body, values = body_figures()
    add_message(db, blobs, add_request(db, "DAL"), body)
    expected.update(values)
    body, files, values = ods_text_numbers_and_s12()
    add_message(db, blobs, add_request(db, "BST"), body, files)
    expected.update(values)
    return db, blobs, expected


def test_every_value_and_its_provenance_in_nine_layouts(campaign):
    from foi.extract.run import extract_campaign

    db, blobs, expected = campaign
    summary = extract_campaign(db, blobs, "cin", now="2026-03-04T10:00:00+00:00")
    got = {key: (row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7])
           for key, row in current_values(db).items()}
    assert set(got) == set(expected)
    for key in sorted(expected):
        assert got[key] == expected[key], key
    assert len(expected) == 81
    assert summary.values == {"answered": 71, "suppressed": 7, "refused": 3}
    assert summary.failed_files == []
    assert [(f["body"], f["period"], f["rule"], f["values"]) for f in summary.check_failures] == [
        ("DAL", "2015/16", "nfa <= rereferrals", {"nfa": "847", "rereferrals": "457"}),
        ("DAL", "2016/17", "nfa <= rereferrals", {"nfa": "1139", "rereferrals": "858"}),
        ("IOS", "2015/16", "nfa <= rereferrals", {"nfa": "8", "rereferrals": "0..4"}),
    ]


def test_attachment_provenance_and_confidence(campaign):
    from foi.extract.run import extract_campaign

    db, blobs, _ = campaign
    extract_campaign(db, blobs, "cin", now="2026-03-04T10:00:00+00:00")
    row = db.execute(
        "SELECT v.source_sha256, v.source_file, v.source_location, v.method, v.confidence, m.subject "
        "FROM answer_values v JOIN requests r ON r.id = v.request_id JOIN messages m ON m.id = v.source_message "
        "WHERE r.body_code = 'KEN' AND v.question_id = 'rereferrals' AND v.period = '2016/17'").fetchone()
    sha = db.execute("SELECT sha256 FROM attachments WHERE filename = 'kent.pdf'").fetchone()[0]
    assert row == (sha, "kent.pdf", "page 1 table 1 row 3 col 3",
                   "auto", 0.95, "FOI response")
    low = db.execute("SELECT COUNT(*) FROM answer_values WHERE confidence < 0.8").fetchone()[0]
    assert low == 0


def test_rerunning_changes_nothing(campaign):
    from foi.extract.run import extract_campaign

    db, blobs, _ = campaign
    extract_campaign(db, blobs, "cin", now="2026-03-04T10:00:00+00:00")
    before = db.execute("SELECT * FROM answer_values ORDER BY id").fetchall()
    cached = db.execute("SELECT source_sha256, extracted_at FROM extractions ORDER BY 1").fetchall()
    summary = extract_campaign(db, blobs, "cin", now="2026-03-05T10:00:00+00:00")
    assert db.execute("SELECT * FROM answer_values ORDER BY id").fetchall() == before
    assert db.execute("SELECT source_sha256, extracted_at FROM extractions ORDER BY 1").fetchall() == cached
    assert dict(summary.writes) == {"unchanged": 81, "history": 0}
    forced = extract_campaign(db, blobs, "cin", force=True, now="2026-03-06T10:00:00+00:00")
    assert dict(forced.writes) == {"unchanged": 81, "history": 0}
    assert db.execute("SELECT * FROM answer_values ORDER BY id").fetchall() == before
    assert {r[0] for r in db.execute("SELECT extracted_at FROM extractions")} == {"2026-03-06T10:00:00+00:00"}

