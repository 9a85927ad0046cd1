"""Importing FOI email and postal addresses from a file made in a spreadsheet.

The file is a CSV however Excel or LibreOffice saved it (commas, semicolons or tabs
between the columns; UTF-8 with or without a byte-order mark, UTF-16 from Excel's
"Unicode Text", or Windows-1252 from its older "CSV (Comma delimited)"), or an .xlsx
workbook (its first sheet). Anything else is refused, saying what the file is.

Every row is checked before anything is written: plan_import reads and checks,
apply_import writes. Nothing prints.
"""

import codecs
import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from foi.clock import day_problem
from foi.errors import FoiError
from foi.output import plural
from foi.register.councils import normal_postal_address, postal_address_problem, validate_email

IDENTIFIER_COLUMNS = ("code", "gss_code", "name")
ADDRESS_COLUMNS = ("foi_email", "postal_address")
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
SAVE_AS = ("Save it from your spreadsheet as \"CSV UTF-8 (Comma delimited)\" or as an Excel Workbook "
           "(.xlsx), and import that file.")
NEEDS = ("a column naming the body (code, gss_code or name) and one with an address "
         "(foi_email, postal_address or both)")


@dataclass
class SheetRow:
    line: int                   # the line of a CSV, the row of a spreadsheet
    cells: dict[str, str]       # header -> value
    problem: str | None = None  # a row foi could not split into the header's columns


@dataclass
class Sheet:
    headers: list[str]
    rows: list[SheetRow]
    seen: str                   # how the header was read, for the message when it lacks a column


@dataclass
class ImportRow:
    line: int
    code: str
    changes: dict[str, str]     # column -> new value, only what differs from the register


@dataclass
class ImportPlan:
    valid: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    unchanged: int = 0


# ---- reading the file ------------------------------------------------------------------

def read_sheet(path: Path, has_columns: Callable[[list[str]], bool] | None = None) -> Sheet:
    """The header and rows of a CSV or .xlsx file; a file of another kind is a FoiError saying which.
    `has_columns` says whether a header has what the import needs (an address file's columns
    by default): a CSV's separator is the one that gives such a header."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise FoiError(f"Cannot read {path}: {error.strerror}") from None
    kind = file_kind(raw)
    if kind == "xlsx":
        return _read_xlsx(path, raw)
    if kind != "text":
        raise FoiError(f"{path} is {kind}, not a CSV or .xlsx file", SAVE_AS)
    return _read_csv(path, _decode(raw), has_columns or _has_columns)


def file_kind(raw: bytes) -> str:
    """'xlsx', 'text', or what the file is in words ('a PDF', 'an old Excel (.xls) file')."""
    if raw.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                names = set(archive.namelist())
                mimetype = archive.read("mimetype") if "mimetype" in names else b""
        except zipfile.BadZipFile:
            return "a damaged zip archive"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if b"opendocument.spreadsheet" in mimetype:
            return "an OpenDocument spreadsheet (.ods)"
        return "a Word document (.docx)" if "word/document.xml" in names else "a zip archive"
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Excel (.xls) file or a password-protected workbook"
    if raw.startswith(b"%PDF"):
        return "a PDF"
    if raw.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "an image"
    if not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" in raw[:65536]:
        return "not a text file"
    return "text"


def _decode(raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def normal_header(text: str) -> str:
    """'FOI Email' and ' foi-email' are foi_email."""
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def _read_csv(path: Path, text: str, has_columns: Callable[[list[str]], bool]) -> Sheet:
    first = text.split("\n", 1)[0].rstrip("\r")
    separator, headers = _separator(first, has_columns)
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    rows: list[SheetRow] = []
    try:
        next(reader, None)
        start = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append(_sheet_row(start, headers, cells, SEPARATORS[separator]))
            start = reader.line_num + 1
    except csv.Error as error:
        raise FoiError(f"{path}:{reader.line_num}: this line cannot be read as CSV ({error})", SAVE_AS) from None
    columns = plural(len(headers), "column") + (f" separated by {SEPARATORS[separator]}" if len(headers) > 1 else "")
    return Sheet(headers, rows, f"foi read the first line as {columns}: {', '.join(headers) or '(nothing)'}")


def _separator(first_line: str, has_columns: Callable[[list[str]], bool]) -> tuple[str, list[str]]:
    """The separator that splits the header line into the columns an import needs; when
    none does, the one that splits it into most columns (to say what was seen)."""
    readings = {sep: [normal_header(h) for h in next(csv.reader([first_line], delimiter=sep), [])]
                for sep in SEPARATORS}
    for sep, headers in readings.items():
        if has_columns(headers):
            return sep, headers
    sep = max(readings, key=lambda s: len(readings[s]))
    return sep, readings[sep]


def _sheet_row(line: int, headers: list[str], cells: list[str], separated_by: str) -> SheetRow:
    problem = None
    if len(cells) > len(headers) and any(cell.strip() for cell in cells[len(headers):]):
        problem = (f"{len(cells)} values where the header has {len(headers)} columns: a value with "
                   f"{separated_by} in it must be in double quotes")
    return SheetRow(line, dict(zip(headers, cells, strict=False)), problem)


def _read_xlsx(path: Path, raw: bytes) -> Sheet:
    from xml.etree.ElementTree import ParseError  # lazy: start-up

    from openpyxl import load_workbook  # lazy: start-up

    try:
        with warnings.catch_warnings():  # openpyxl's notes on styles it ignores are not the user's business
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                if not book.worksheets:
                    raise FoiError(f"{path} has no sheet of cells to read", SAVE_AS)
                sheet = book.worksheets[0]
                values = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
                title = sheet.title
            finally:
                book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, ParseError) as error:
        raise FoiError(f"{path} looks like an .xlsx workbook but cannot be read ({error})", SAVE_AS) from None
    headers = [normal_header(h) for h in values[0]] if values else []
    while headers and not headers[-1]:
        headers.pop()
    rows = [_sheet_row(number, headers, cells, "a new column")
            for number, cells in enumerate(values[1:], start=2) if any(cell.strip() for cell in cells)]
    return Sheet(headers, rows, f"foi read the first row of the sheet {title!r}: {', '.join(headers) or '(nothing)'}")


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold: a date as YYYY-MM-DD, 12.0 as 12."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def body_keys(bodies: Iterable[dict], identifier: str) -> dict[str, str]:
    """{what a file may give in column `identifier` (code, gss_code or name), upper-cased: body code}."""
    return {body[identifier].upper(): body["code"] for body in bodies if body[identifier]}


def _has_columns(headers: list[str]) -> bool:
    return any(c in headers for c in IDENTIFIER_COLUMNS) and any(c in headers for c in ADDRESS_COLUMNS)


# ---- checking and writing ---------------------------------------------------------------

def plan_import(db: Database, path: Path) -> ImportPlan:
    """Check every row of an address file; nothing is written."""
    sheet = read_sheet(path)
    if not _has_columns(sheet.headers):
        raise FoiError(f"{path}: the header must have {NEEDS}",
                       f"{sheet.seen}. Columns may be separated by commas, semicolons or tabs.")
    identifier = next(c for c in IDENTIFIER_COLUMNS if c in sheet.headers)
    bodies = {row["code"]: row for row in db.query(
        "SELECT code, gss_code, name, foi_email, email_source, email_checked_on, notes, postal_address FROM bodies")}
    by_key = body_keys(bodies.values(), identifier)
    plan = ImportPlan()
    seen: dict[str, int] = {}
    for row in sheet.rows:
        given = {column: (row.cells.get(column) or "").strip() for column in (identifier, *ADDRESS_COLUMNS)}
        key = given[identifier]
        if not key and not (given["foi_email"] or given["postal_address"]):
            continue
        code = by_key.get(key.upper())
        if row.problem:
            plan.errors.append((row.line, row.problem))
            continue
        if code is None:
            plan.errors.append((row.line, f"unknown body {key!r} (no {identifier} matches)"))
            continue
        values, problems = _row_values(row.cells, "postal_address" in sheet.headers)
        if problems:
            plan.errors.append((row.line, "; ".join(problems)))
            continue
        if code in seen:
            plan.errors.append((row.line, f"duplicate: {key} already given on line {seen[code]}"))
            continue
        seen[code] = row.line
        changes = {column: value for column, value in values.items() if value != bodies[code][column]}
        if changes:
            plan.valid.append(ImportRow(row.line, code, changes))
        else:
            plan.unchanged += 1
    return plan


def _row_values(cells: dict[str, str], has_postal: bool) -> tuple[dict[str, str], list[str]]:
    """The register columns a row sets ({column: value}, blanks left out: they change
    nothing) and what is wrong with it."""
    text = {column: (cells.get(column) or "").strip()
            for column in ("foi_email", "postal_address", "source", "checked_on", "notes")}
    problems = []
    if text["foi_email"] and (problem := validate_email(text["foi_email"])):
        problems.append(problem)
    if not text["foi_email"] and not text["postal_address"]:
        problems.append("no foi_email or postal_address given" if has_postal else "no address given")
    if text["postal_address"] and (problem := postal_address_problem(text["postal_address"])):
        problems.append(problem)
    if text["checked_on"] and (problem := day_problem(text["checked_on"])):
        problems.append(f"checked_on {problem}")
    values = {"foi_email": text["foi_email"], "postal_address": normal_postal_address(text["postal_address"]),
              "email_source": text["source"], "email_checked_on": text["checked_on"], "notes": text["notes"]}
    return {column: value for column, value in values.items() if value}, problems


def apply_import(db: Database, plan: ImportPlan, now: str | None = None) -> int:
    """Write the valid rows of a plan in one transaction; returns rows changed."""
    with db.atomic():
        for item in plan.valid:
            db.table("bodies").update(item.code, {**item.changes, "updated_at": now})
    return len(plan.valid)
