"""`foi councils import` of the files people really have: an Excel workbook, a CSV that
Excel saved with semicolons or tabs (UTF-8 with a byte-order mark, UTF-16, Windows-1252),
postal addresses, and dates that are not YYYY-MM-DD; a file of another kind refused
with a message, never a traceback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from foi.db import connect
from tests.builders import register_db

BARNSLEY = "Barnsley Metropolitan Borough Council"


@pytest.fixture(autouse=True)
def register():
    register_db("campaign.db").close()


def body(code: str) -> dict:
    return connect(Path("campaign.db"))["bodies"].get(code)


def with_address() -> int:
    return connect(Path("campaign.db")).execute(
        "SELECT count(*) FROM bodies WHERE foi_email IS NOT NULL OR postal_address IS NOT NULL").fetchone()[0]


def workbook(path: str, rows: list[list[object]]) -> str:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Addresses"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_xlsx_workbook_is_imported_like_a_csv(run):
    path = workbook("addresses.xlsx", [
        ["Code", "FOI email", "Postal address", "Checked on", "Notes"],
        ["BNS", "foi@barnsley.gov.uk", "Town Hall\nChurch Street\nBarnsley S70 2TA", dt.date(2026, 1, 5), None],
        [None, None, None, None, None],
        ["man", "foi@manchester.gov.uk", None, "2026-01-06", "phoned"],
    ])
    result = run("councils", "import", path)
    assert result.stdout == "Updated 2 bodies, 0 already up to date.\n"
    barnsley = body("BNS")
    assert (barnsley["foi_email"], barnsley["postal_address"], barnsley["email_checked_on"]) == (
        "foi@barnsley.gov.uk", "Town Hall; Church Street; Barnsley S70 2TA", "2026-01-05")
    assert (body("MAN")["foi_email"], body("MAN")["notes"]) == ("foi@manchester.gov.uk", "phoned")
    assert run("councils", "import", path).stdout == "Updated 0 bodies, 2 already up to date.\n"


def test_an_xlsx_row_that_is_wrong_is_named_by_its_row(run):
    path = workbook("addresses.xlsx", [["code", "foi_email", "checked_on"],
                                       ["BNS", "foi@barnsley.gov.uk", "2026-01-05"],
                                       ["MAN", "foi@manchester.gov.uk", "05/01/2026"]])
    result = run("councils", "import", path, ok=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "addresses.xlsx:3: checked_on '05/01/2026' is not a date foi can read: write it as YYYY-MM-DD, "
        "e.g. 2026-03-02 (02/03/2026 is 2 March in the UK and 3 February in the US)")
    assert with_address() == 0


@pytest.mark.parametrize("name, content, what", [
    ("addresses.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
     "an old Excel (.xls) file or a password-protected workbook"),
    ("addresses.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF"),
    ("addresses.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "an image"),
    ("addresses.dat", b"code\x00foi_email\x00\x01\x02", "not a text file"),
])
def test_a_file_that_is_not_a_csv_or_xlsx_is_refused_saying_what_it_is(run, name, content, what):
    Path(name).write_bytes(content)
    result = run("councils", "import", name, ok=False)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {name} is {what}, not a CSV or .xlsx file\n"
        '  Save it from your spreadsheet as "CSV UTF-8 (Comma delimited)" or as an Excel Workbook (.xlsx), '
        "and import that file.\n")


def test_an_ods_spreadsheet_is_refused(run):
    import zipfile

    with zipfile.ZipFile("addresses.ods", "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    result = run("councils", "import", "addresses.ods", ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: addresses.ods is an OpenDocument spreadsheet (.ods), not a CSV or .xlsx")


@pytest.mark.parametrize("encoding, text", [
    ("utf-8", "\ufeffcode;foi_email;notes\r\nBNS;foi@barnsley.gov.uk;Rathaus, 2 £\r\nMAN;foi@manchester.gov.uk;\r\n"),
    ("utf-16", "code\tfoi_email\tnotes\r\nBNS\tfoi@barnsley.gov.uk\tRathaus, 2 £\r\nMAN\tfoi@manchester.gov.uk\t\r\n"),
    ("cp1252", "code,foi_email,notes\r\nBNS,foi@barnsley.gov.uk,\"Rathaus, 2 £\"\r\nMAN,foi@manchester.gov.uk,\r\n"),
])
def test_a_csv_as_excel_saves_it_is_read(run, encoding, text):
    """Excel's "CSV UTF-8" where the comma is the decimal mark (semicolons, a byte-order mark),
    its "Unicode Text" (UTF-16, tabs), and its older "CSV (Comma delimited)" (Windows-1252)."""
    Path("addresses.csv").write_bytes(text.encode(encoding))
    assert run("councils", "import", "addresses.csv").stdout == "Updated 2 bodies, 0 already up to date.\n"
    assert (body("BNS")["foi_email"], body("BNS")["notes"]) == ("foi@barnsley.gov.uk", "Rathaus, 2 £")
    assert body("MAN")["foi_email"] == "foi@manchester.gov.uk"


def test_a_header_without_the_columns_says_what_it_saw_and_needs(run):
    Path("addresses.csv").write_text("code;email address\nBNS;foi@barnsley.gov.uk\n", encoding="utf-8")
    result = run("councils", "import", "addresses.csv", ok=False)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: addresses.csv: the header must have a column naming the body (code, gss_code or name) and one "
        "with an address (foi_email, postal_address or both)\n"
        "  foi read the first line as 2 columns separated by semicolons: code, email_address. "
        "Columns may be separated by commas, semicolons or tabs.\n")
    Path("addresses.csv").write_text("council|address\n", encoding="utf-8")
    assert "foi read the first line as 2 columns separated by vertical bars: council, address." in run(
        "councils", "import", "addresses.csv", ok=False).stderr


def test_checked_on_must_be_a_real_date_and_every_row_is_checked_first(run):
    Path("addresses.csv").write_text(
        "code,foi_email,checked_on\n"
        "BNS,foi@barnsley.gov.uk,2026-01-05\n"
        "MAN,foi@manchester.gov.uk,05/01/2026\n"
        "LDS,foi@leeds.gov.uk,2026-02-30\n"
        "SHF,foi at sheffield,5th January\n", encoding="utf-8")
    result = run("councils", "import", "addresses.csv", ok=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "addresses.csv:3: checked_on '05/01/2026' is not a date foi can read: write it as YYYY-MM-DD, "
        "e.g. 2026-03-02 (02/03/2026 is 2 March in the UK and 3 February in the US)",
        "addresses.csv:4: checked_on '2026-02-30' is not a date: day is out of range for month",
        "addresses.csv:5: 'foi at sheffield' is not a valid email address; "
        "checked_on '5th January' is not a date: use YYYY-MM-DD, e.g. 2026-03-02",
        "Error: 3 invalid rows in addresses.csv; nothing was imported",
        "  Fix them, or use --skip-invalid to import the valid rows only.",
    ]
    assert with_address() == 0  # Barnsley's good row waits for the others
    assert run("councils", "import", "addresses.csv", "--skip-invalid").stdout == (
        "Updated 1 body, 0 already up to date, skipped 3 invalid.\n")
    assert body("BNS")["email_checked_on"] == "2026-01-05"


def test_set_email_checked_on_must_be_a_date(run):
    result = run("councils", "set-email", "BNS", "foi@barnsley.gov.uk", "--checked-on", "05/01/2026", ok=False)
    assert result.exit_code == 2 and "write it as YYYY-MM-DD" in result.stderr
    assert body("BNS")["foi_email"] is None


def test_postal_addresses_are_imported_alone_or_with_emails(run):
    Path("addresses.csv").write_text(
        "name,postal_address\n"
        f'{BARNSLEY},"Town Hall; Church Street; Barnsley; S70 2TA"\n'
        "Leeds City Council,\n"
        "Manchester City Council,Town Hall; Albert Square\n", encoding="utf-8")
    dry = run("councils", "import", "addresses.csv", "--dry-run", ok=False)
    assert dry.exit_code == 1
    assert dry.stderr.splitlines()[0] == "addresses.csv:3: no foi_email or postal_address given"

    Path("addresses.csv").write_text(
        "code,foi_email,postal_address\n"
        "BNS,,Town Hall; Church Street; Barnsley; S70 2TA\n"
        "MAN,foi@manchester.gov.uk,Town Hall, Albert Square\n", encoding="utf-8")
    bad = run("councils", "import", "addresses.csv", ok=False)
    assert bad.stderr.splitlines()[0] == (
        "addresses.csv:3: 4 values where the header has 3 columns: a value with commas in it must be in double quotes")

    Path("addresses.csv").write_text(
        "code,foi_email,postal_address\n"
        "BNS,,Town Hall; Church Street; Barnsley; S70 2TA\n"
        'MAN,foi@manchester.gov.uk,"Town Hall, Albert Square; Manchester M60 2LA"\n', encoding="utf-8")
    dry = run("councils", "import", "addresses.csv", "--dry-run")
    assert dry.stdout == (
        "  BNS: postal address 'Town Hall; Church Street; Barnsley; S70 2TA'\n"
        "  MAN: foi@manchester.gov.uk, postal address 'Town Hall, Albert Square; Manchester M60 2LA'\n"
        "Would update 2 bodies, 0 already up to date.\n")
    run("councils", "import", "addresses.csv")
    assert (body("BNS")["foi_email"], body("BNS")["postal_address"]) == (
        None, "Town Hall; Church Street; Barnsley; S70 2TA")
    assert body("MAN")["postal_address"] == "Town Hall, Albert Square; Manchester M60 2LA"
