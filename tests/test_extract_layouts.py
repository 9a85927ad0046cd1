"""More reply layouts councils really send, each one council answering the
referrals campaign of test_extract_campaign; every stored value and its
provenance is asserted.

Figures: DfE official statistics "Children in need: referrals and re-referrals"
(c1), per local authority, reporting years ending 31 March 2016/2017/2018.
Contains public sector information licensed under the Open Government Licence
v3.0. Where DfE publishes `c` the fixture shows what a council writes instead.
"""

from __future__ import annotations

import io

import pytest
from test_extract_campaign import PERIODS, Q, _save, add_message, add_request, current_values, expect, make_db

# code: (referrals, re-referrals within 12 months, referrals closed no further action)
DFE = {
    "LDS": ([10535, 11455, 11679], [2651, 2689, 2903], [819, 1001, 1599]),
    "SHF": ([6332, 7102, 11206], [1826, 1440, 3512], [1369, 1764, 4766]),
    "MAN": ([11368, 12205, 13228], [3217, 3210, 3382], [2318, 1329, 1204]),
    "CON": ([3220, 3309, 4842], [539, 527, 749], [262, 280, 110]),
    "NFK": ([8533, 8530, 8480], [2074, 2095, 1700], [373, 791, 279]),
    "WSM": ([1655, 1815, 1675], [166, 195, 252], [278, 232, 304]),
    "HEF": ([2992, 1367, 3414], [641, 207, 727], [811, "c", 1909]),
    "LND": ([57, 93, 55], [0, 15, 7], ["c", "c", "c"]),
    "WOK": ([1131, 907, 1371], [195, 170, 227], [0, 7, 49]),
}
TEXTS = ["How many referrals did children's social care receive in each year?",
         "How many of those referrals were re-referrals within 12 months of a previous referral?",
         "How many referrals were closed with no further action?"]


def run_one(tmp_path, code: str, body: str, files: dict[str, bytes]) -> dict:
    from foi.extract.run import extract_campaign

    db = make_db(tmp_path)
    add_message(db, tmp_path / "blobs", add_request(db, code), body, files)
    extract_campaign(db, tmp_path / "blobs", "cin", now="2026-03-04T10:00:00+00:00")
    return {key: row[:8] for key, row in current_values(db).items()}


# ---------------------------------------------------------------- layouts

def html_email_table():
    """Leeds: an HTML-only email, the question text as each row's header, years
    across; the mail side turns it into tab-separated lines (html_to_text)."""
    from foi.mail.htmltext import html_to_text

    rows = "".join(f"<tr><td>{text}</td>" + "".join(f"<td>{v:,}</td>" for v in DFE["LDS"][q]) + "</tr>"
                   for q, text in enumerate(TEXTS))
    html = ("<html><body><p>Dear Ms Smith,</p><p>Please see our response below.</p>"
            "<table border=1><tr><th>Question</th>" + "".join(f"<th>{p}</th>" for p in PERIODS) + "</tr>"
            + rows + "</table><p>Kind regards,<br>Information Governance</p></body></html>")
    body = html_to_text(html)
    line = body.splitlines().index(next(x for x in body.splitlines() if x.startswith("Question"))) + 1
    expected = {}
    for q in range(3):
        for column, (period, value) in enumerate(zip(PERIODS, DFE["LDS"][q]), start=2):
            expected.update([expect("LDS", Q[q], period, f"{value:,}", "message body",
                                    f"body line {line + 1 + q} col {column}")])
    return body, {}, expected


def docx_heading_per_question():
    """Sheffield: each question a heading, then a two-column table Year | Number."""
    import docx

    document = docx.Document()
    document.add_paragraph("Sheffield City Council – response to your request for information")
    expected = {}
    for q, text in enumerate(TEXTS):
        document.add_heading(f"Question {q + 1}", level=2)
        document.add_paragraph(text)
        table = document.add_table(rows=1, cols=2)
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Year", "Number"
        for row, (period, value) in enumerate(zip(PERIODS, DFE["SHF"][q]), start=2):
            cells = table.add_row().cells
            cells[0].text, cells[1].text = period, f"{value:,}"
            expected.update([expect("SHF", Q[q], period, f"{value:,}", "sheffield.docx",
                                    f"table {q + 1} row {row} col 2")])
    buffer = io.BytesIO()
    document.save(buffer)
    return "Please find attached our response.", {"sheffield.docx": buffer.getvalue()}, expected


def xlsx_years_down_two_questions_and_body():
    """Manchester: years written 2015-16 down the side, two questions as columns
    under a merged title row, a Total row; question 3 in the email as a sentence
    giving each figure before its year."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "FOI 12345"
    sheet["A1"] = "Children's social care referrals and re-referrals"
    sheet.merge_cells("A1:C1")
    sheet.append(["Financial year", "Referrals", "Re-referrals within 12 months"])
    expected = {}
    for row, period in enumerate(PERIODS, start=3):
        values = [DFE["MAN"][q][row - 3] for q in range(2)]
        sheet.append([period.replace("/", "-"), *values])
        for q, value in enumerate(values):
            expected.update([expect("MAN", Q[q], period, str(value), "manchester.xlsx", f"FOI 12345!{'BC'[q]}{row}")])
    sheet.append(["Total", sum(DFE["MAN"][0]), sum(DFE["MAN"][1])])
    nfa = DFE["MAN"][2]
    body = ("Dear Ms Smith,\n\nQuestions 1 and 2: please see the attached spreadsheet.\n\n"
            f"Q3: The number of referrals closed with no further action was {nfa[0]:,} in 2015/16, "
            f"{nfa[1]:,} in 2016/17 and {nfa[2]:,} in 2017/18.\n\nYours sincerely,\nFOI Team\n")
    for period, value in zip(PERIODS, nfa):
        expected.update([expect("MAN", "nfa", period, f"{value:,}", "message body", "body line 5")])
    return body, {"manchester.xlsx": _save(book)}, expected


def csv_bom_semicolon_european():
    """Cornwall: a csv with a UTF-8 BOM, semicolons and '.' as the thousands
    separator. For a count '3.220' can only be 3,220: read so, and put to a person
    (needs_review, the reading in its note) because it is not how England writes it."""
    lines = ["Frage;2015/16;2016/17;2017/18"]
    expected = {}
    for q, label in enumerate(["Referrals", "Re-referrals", "No further action"]):
        cells = [f"{v:,}".replace(",", ".") for v in DFE["CON"][q]]
        lines.append(";".join([label, *cells]))
        for column, (period, cell) in enumerate(zip(PERIODS, cells), start=2):
            key, row = expect("CON", Q[q], period, cell, "cornwall.csv", f"csv row {q + 2} col {column}")
            if "." in cell:
                row = ("needs_review", None, None, None, None, *row[5:])
            expected[key] = row
    return "See attached.", {"cornwall.csv": "\ufeff".encode() + "\r\n".join(lines).encode()}, expected


NORFOLK = """Dear Ms Smith,

Freedom of Information request NFK-2026-0456

Question 1 – How many referrals did children's social care receive in each
year?

{0}

Question 2 – How many of those referrals were re-referrals within 12 months
of a previous referral?

{1}

Question 3 – How many referrals were closed with no further action?

{2}

Yours sincerely,
Information Compliance
"""


def text_question_paragraphs():
    """Norfolk: each question quoted back, hard-wrapped, then 'year – figure' lines."""
    blocks = ["\n".join(f"{p} – {v:,}" for p, v in zip(PERIODS, DFE["NFK"][q])) for q in range(3)]
    body = NORFOLK.format(*blocks)
    lines = body.splitlines()
    expected = {}
    for q in range(3):
        for period, value in zip(PERIODS, DFE["NFK"][q]):
            line = lines.index(f"{period} – {value:,}") + 1
            expected.update([expect("NFK", Q[q], period, f"{value:,}", "message body", f"body line {line}")])
    return body, {}, expected


def text_april_to_march():
    """Westminster: periods written 'April 2015 – March 2016: 1,655'."""
    parts = []
    for q, title in enumerate(["Referrals", "Re-referrals", "Referrals closed with no further action"]):
        parts.append(f"{q + 1}. {title}")
        parts += [f"April {2015 + i} – March {2016 + i}: {v:,}" for i, v in enumerate(DFE["WSM"][q])]
        parts.append("")
    body = "Our response is as follows.\n\n" + "\n".join(parts)
    lines = body.splitlines()
    expected = {}
    for q in range(3):
        for i, (period, value) in enumerate(zip(PERIODS, DFE["WSM"][q])):
            line = lines.index(f"April {2015 + i} – March {2016 + i}: {value:,}") + 1
            expected.update([expect("WSM", Q[q], period, f"{value:,}", "message body", f"body line {line}")])
    return body, {}, expected


def pdf_numbered_rows_with_footnote():
    """Herefordshire: a PDF table, question number and wording in two columns,
    years across, '*' with a footnote '* fewer than 5' below the table."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 6, "Herefordshire Council\nInformation request 2026/0789\nOur response is below.")
    pdf.ln(4)
    expected = {}
    with pdf.table(col_widths=(12, 80, 25, 25, 25)) as table:
        row = table.row()
        for text in ["No.", "Question", *[p.replace("/", "-") for p in PERIODS]]:
            row.cell(text)
        for q, label in enumerate(["Referrals received", "Re-referrals within 12 months",
                                   "Closed with no further action"]):
            row = table.row()
            row.cell(str(q + 1))
            row.cell(label)
            for column, (period, value) in enumerate(zip(PERIODS, DFE["HEF"][q]), start=3):
                raw = "*" if value == "c" else f"{value:,}"
                row.cell(raw)
                key, want = expect("HEF", Q[q], period, raw, "hereford.pdf", f"page 1 table 1 row {q + 2} col {column}")
                if raw == "*":  # the footnote says what '*' means
                    want = ("suppressed", None, 0.0, 4.0, *want[4:])
                expected[key] = want
    pdf.ln(4)
    pdf.multi_cell(0, 6, "* fewer than 5: withheld to protect the identity of individuals (section 40(2)).")
    return "Please find our response attached.", {"hereford.pdf": bytes(pdf.output())}, expected


def xlsx_suppressed_under_ten():
    """City of London: '<10' for small numbers and '*' defined in a note below."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["", *PERIODS])
    expected = {}
    for q, label in enumerate(["Referrals", "Re-referrals", "NFA"]):
        cells = ["*" if v == "c" else ("<10" if v < 10 else v) for v in DFE["LND"][q]]
        sheet.append([label, *cells])
        for column, (period, cell) in enumerate(zip(PERIODS, cells)):
            key, want = expect("LND", Q[q], period, str(cell), "city.xlsx", f"Data!{'BCD'[column]}{q + 2}")
            if cell == "*":
                want = ("suppressed", None, 0.0, 9.0, *want[4:])
            expected[key] = want
    sheet.append([])
    sheet.append(["* = a number below 10, not given to protect the identity of individuals"])
    return "Attached.", {"city.xlsx": _save(book)}, expected


def text_one_line_per_question():
    """Wokingham: one line per question, figures 'respectively', a 'Nil' in the body."""
    r, rr, nfa = DFE["WOK"]
    body = ("Dear Ms Smith,\n\n"
            f"1. Referrals: {r[0]:,} in 2015/16, {r[1]:,} in 2016/17 and {r[2]:,} in 2017/18.\n"
            f"2. Re-referrals in 2015/16, 2016/17 and 2017/18 were {rr[0]}, {rr[1]} and {rr[2]} respectively.\n"
            f"3. No further action: 2015/16 {nfa[0]}; 2016/17 {nfa[1]}; 2017/18 {nfa[2]}.\n")
    expected = {}
    for q, values in enumerate(DFE["WOK"]):
        for period, value in zip(PERIODS, values):
            expected.update([expect("WOK", Q[q], period, f"{value:,}", "message body", f"body line {3 + q}")])
    return body, {}, expected


LAYOUTS = {
    "LDS": html_email_table, "SHF": docx_heading_per_question, "MAN": xlsx_years_down_two_questions_and_body,
    "CON": csv_bom_semicolon_european, "NFK": text_question_paragraphs, "WSM": text_april_to_march,
    "HEF": pdf_numbered_rows_with_footnote, "LND": xlsx_suppressed_under_ten, "WOK": text_one_line_per_question,
}


def text_aligned_columns():
    """Kingston: a plain-text email with a table laid out with spaces, years down
    the side and the three questions across."""
    header = f"{'Year':<10}{'Referrals':>12}{'Re-referrals':>15}{'No further action':>20}"
    rows = [f"{p:<10}{r:>12,}{rr:>15,}{n:>20,}" for p, r, rr, n in zip(PERIODS, *DFE["KTT"])]
    body = "Dear Ms Smith,\n\nThe figures are:\n\n" + "\n".join([header, *rows]) + "\n\nRegards,\nFOI Officer\n"
    expected = {}
    for i, period in enumerate(PERIODS):
        for q in range(3):
            value = DFE["KTT"][q][i]
            expected.update([expect("KTT", Q[q], period, f"{value:,}", "message body",
                                    f"body line {6 + i} col {2 + q}")])
    return body, {}, expected


def docx_paragraph_per_question():
    """Bracknell Forest: a Word letter, one paragraph per question with every
    year on it, separated by semicolons."""
    import docx

    document = docx.Document()
    document.add_paragraph("Dear Ms Smith,")
    expected = {}
    for q, title in enumerate(["Referrals", "Re-referrals within 12 months", "No further action"]):
        parts = "; ".join(f"{p} – {v:,}" for p, v in zip(PERIODS, DFE["BRC"][q]))
        document.add_paragraph(f"Q{q + 1} {title}: {parts}.")
        for period, value in zip(PERIODS, DFE["BRC"][q]):
            expected.update([expect("BRC", Q[q], period, f"{value:,}", "bracknell.docx", f"paragraph line {q + 2}")])
    document.add_paragraph("Yours sincerely, Information Governance")
    buffer = io.BytesIO()
    document.save(buffer)
    return "Our response is attached.", {"bracknell.docx": buffer.getvalue()}, expected


def text_year_ending_sentences():
    """Windsor and Maidenhead: 'In the year ending 31 March 2016 there were ...'."""
    lines = ["Dear Ms Smith,", ""]
    expected = {}
    for q, (title, noun) in enumerate([("Question 1", "referrals"), ("Question 2", "re-referrals"),
                                       ("Question 3", "referrals closed with no further action")]):
        lines.append(f"{title}")
        for i, (period, value) in enumerate(zip(PERIODS, DFE["WNM"][q])):
            lines.append(f"In the year ending 31 March {2016 + i} there were {value:,} {noun}.")
            expected.update([expect("WNM", Q[q], period, f"{value:,}", "message body", f"body line {len(lines)}")])
        lines.append("")
    return "\n".join(lines), {}, expected


LAYOUTS.update({"KTT": text_aligned_columns, "BRC": docx_paragraph_per_question,
                "WNM": text_year_ending_sentences})
DFE.update({"KTT": ([1434, 1147, 1044], [242, 138, 144], [11, 11, 6]),
            "BRC": ([1306, 1644, 1819], [225, 387, 428], [226, 204, 131]),
            "WNM": ([1115, 992, 1061], [193, 117, 166], [207, 116, 151])})


def text_one_cell_per_line():
    """Solihull: a table pasted into the email, which the mail program's plain
    text writes one cell per line (a blank line between rows), years down."""
    lines = ["Dear Ms Smith,", "", "Please find the figures below.", "", "Year", "Referrals",
             "Re-referrals", "Closed with no further action", ""]
    expected = {}
    for i, period in enumerate(PERIODS):
        lines.append(period)
        for q in range(3):
            value = DFE["SOL"][q][i]
            lines.append(f"{value:,}")
            expected.update([expect("SOL", Q[q], period, f"{value:,}", "message body", f"body line {len(lines)}")])
        lines.append("")
    lines += ["Kind regards,", "Information Governance"]
    return "\n".join(lines), {}, expected


LAYOUTS["SOL"] = text_one_cell_per_line
DFE["SOL"] = ([2761, 2848, 3020], [713, 683, 712], [913, 547, 768])


def xlsx_symbol_defined_in_the_email():
    """Rutland: 'x' in the spreadsheet for a number too small to give; only the
    covering email says what 'x' means."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "FOI 2026-311"
    sheet.append(["Financial year", "Referrals", "Re-referrals", "Closed with no further action"])
    expected = {}
    for i, period in enumerate(PERIODS):
        cells = ["x" if DFE["RUT"][q][i] == "c" else DFE["RUT"][q][i] for q in range(3)]
        sheet.append([period, *cells])
        for q, cell in enumerate(cells):
            key, want = expect("RUT", Q[q], period, str(cell), "rutland.xlsx", f"FOI 2026-311!{'BCD'[q]}{i + 2}")
            if cell == "x":
                want = ("suppressed", None, 1.0, 5.0, *want[4:])
            expected[key] = want
    body = ("Dear Ms Smith,\n\nPlease find the figures attached.\n\n"
            "x denotes a number between 1 and 5, withheld under section 40(2).\n\nKind regards")
    return body, {"rutland.xlsx": _save(book)}, expected


LAYOUTS["RUT"] = xlsx_symbol_defined_in_the_email
DFE["RUT"] = ([206, 383, 308], [58, 68, 64], [0, 38, "c"])


def test_a_dot_thousands_count_is_read_but_shown_to_a_person(tmp_path):
    body, files, _ = csv_bom_semicolon_european()
    db = make_db(tmp_path)
    add_message(db, tmp_path / "blobs", add_request(db, "CON"), body, files)
    from foi.extract.run import extract_campaign

    extract_campaign(db, tmp_path / "blobs", "cin", now="2026-03-04T10:00:00+00:00")
    rows = db.execute("SELECT period, status, value, confidence, note FROM answer_values "
                      "WHERE question_id = 'referrals' ORDER BY period").fetchall()
    assert [row[:4] for row in rows] == [(p, "needs_review", None, 0.75) for p in ("2015/16", "2016/17", "2017/18")]
    assert rows[0][4].startswith("low confidence: 0.75 is below 0.8; readings: «3.220» answered 3220 at cornwall.csv "
                                 "csv row 2 col 2; '3.220' read as 3,220 ('.' as a thousands separator in a count)")
    small = db.execute("SELECT confidence FROM answer_values WHERE question_id = 'nfa'").fetchall()
    assert small == [(0.95,)] * 3


@pytest.mark.parametrize("code", list(LAYOUTS))
def test_layout(tmp_path, code):
    body, files, expected = LAYOUTS[code]()
    got = run_one(tmp_path, code, body, files)
    assert got == expected
