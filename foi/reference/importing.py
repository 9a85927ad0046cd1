"""Importing a reference table from a CSV or .xlsx file: one row per council and period.

The file is read as `foi councils import` reads one (foi.register.importing.read_sheet:
separators, byte-order marks, old Windows encodings, the first sheet of a workbook). It
needs a column naming the council (code, gss_code or name, matched to the register), a
period column and a value column. Every row is checked before anything is written:
plan_reference_import reads and checks, apply_reference_import writes. Nothing prints.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from foi.errors import FoiError
from foi.reference.builtin import BUILTIN_NAMES
from foi.reference.store import ReferenceTable, save_table
from foi.register.importing import IDENTIFIER_COLUMNS, SAVE_AS, body_keys, normal_header, read_sheet

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
PERIOD_COLUMNS = ("period", "year", "financial_year")
VALUE_COLUMNS = ("value",)
NOTE_COLUMNS = ("note", "notes")
NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
FINANCIAL_YEAR = re.compile(r"^(?:fy\s*)?(\d{4})\s*(?:/|-|–|to)\s*(\d{2}|\d{4})$", re.IGNORECASE)


@dataclass
class ReferencePlan:
    name: str
    body_column: str
    period_column: str
    value_column: str
    rows: list[tuple[str, str, float, str | None]] = field(default_factory=list)  # body, period, value, note
    errors: list[tuple[int, str]] = field(default_factory=list)                  # (line, reason)
    blank: list[int] = field(default_factory=list)   # lines with a council and period but no value
    replaces: int | None = None                      # values of a table of this name already held

    @property
    def councils(self) -> int:
        return len({body for body, _period, _value, _note in self.rows})

    @property
    def periods(self) -> list[str]:
        return sorted({period for _body, period, _value, _note in self.rows})


def name_problem(name: str) -> str | None:
    """Why `name` cannot be the name of an imported table, or None."""
    if not NAME_PATTERN.match(name):
        return (f"{name!r} must start with a lower-case letter and hold only lower-case letters, digits and '_' "
                "(a formula uses it as ref.NAME, e.g. ref.population)")
    if name in BUILTIN_NAMES:
        return f"{name!r} is the name of a table foi ships (the DfE's figures); choose another name"
    return None


def plan_reference_import(db: Database, path: Path, name: str, *, period_column: str | None = None,
                          value_column: str | None = None) -> ReferencePlan:
    """Check every row of `path` as table `name`; nothing is written."""
    if problem := name_problem(name):
        raise FoiError(problem)
    wanted_period = normal_header(period_column) if period_column else None
    wanted_value = normal_header(value_column) if value_column else None

    def has_columns(headers: list[str]) -> bool:
        return (any(c in headers for c in IDENTIFIER_COLUMNS)
                and (wanted_period in headers if wanted_period else any(c in headers for c in PERIOD_COLUMNS)))

    sheet = read_sheet(path, has_columns)
    if not has_columns(sheet.headers):
        periods = f"a period column called {period_column!r}" if period_column else \
            f"a period column ({' or '.join(PERIOD_COLUMNS)}, or name it with --period-column)"
        raise FoiError(f"{path}: the header must have a column naming the council (code, gss_code or name), "
                       f"{periods} and a value column", f"{sheet.seen}. {SAVE_AS}")
    body = next(c for c in IDENTIFIER_COLUMNS if c in sheet.headers)
    period = wanted_period or next(c for c in PERIOD_COLUMNS if c in sheet.headers)
    value = _value_column(path, sheet.headers, body, period, wanted_value, value_column)
    note = next((c for c in NOTE_COLUMNS if c in sheet.headers and c != value), None)
    plan = ReferencePlan(name, body, period, value)
    held = db.execute("SELECT count(*) FROM reference_values WHERE name = ?", [name]).fetchone()[0]
    if db.execute("SELECT 1 FROM reference_tables WHERE name = ?", [name]).fetchone():
        plan.replaces = held
    _check_rows(db, plan, sheet.rows, note)
    return plan


def _value_column(path: Path, headers: list[str], body: str, period: str, wanted: str | None,
                  given: str | None) -> str:
    if wanted:
        if wanted not in headers:
            raise FoiError(f"{path} has no column {given!r}", f"Its columns: {', '.join(h for h in headers if h)}.")
        return wanted
    if "value" in headers:
        return "value"
    others = [h for h in headers if h and h not in (*IDENTIFIER_COLUMNS, *PERIOD_COLUMNS, *NOTE_COLUMNS,
                                                      body, period)]
    if len(others) == 1:
        return others[0]
    if not others:
        raise FoiError(f"{path} has no column of values besides {body} and {period}",
                       "Add a column called value, or name it with --value-column.")
    raise FoiError(f"{path} has several columns that could hold the values ({', '.join(others)})",
                   "Choose one with --value-column.")


def _check_rows(db: Database, plan: ReferencePlan, rows: list, note_column: str | None) -> None:
    by_key = body_keys(db.query("SELECT code, gss_code, name FROM bodies"), plan.body_column)
    campaign_periods = {row["period"] for row in db.query("SELECT DISTINCT period FROM periods")}
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        cells = {column: (row.cells.get(column) or "").strip()
                 for column in (plan.body_column, plan.period_column, plan.value_column)}
        if row.problem:
            plan.errors.append((row.line, row.problem))
            continue
        problems = []
        code = by_key.get(cells[plan.body_column].upper())
        if not cells[plan.body_column]:
            problems.append(f"no {plan.body_column} given")
        elif code is None:
            problems.append(f"unknown council {cells[plan.body_column]!r} (no {plan.body_column} in the register "
                            "matches; `foi councils list` shows them)")
        period = normal_period(cells[plan.period_column], campaign_periods)
        if period is None:
            problems.append(f"period {cells[plan.period_column]!r} is not a financial year like 2024/25"
                            if cells[plan.period_column] else "no period given")
        number = _number(cells[plan.value_column])
        if cells[plan.value_column] and number is None:
            problems.append(f"{plan.value_column} {cells[plan.value_column]!r} is not a number (leave the row "
                            "out, or the cell empty, where there is no figure)")
        if not problems and code and period and (code, period) in seen:
            problems.append(f"duplicate: {cells[plan.body_column]} {period} already given on line "
                            f"{seen[(code, period)]}")
        if problems:
            plan.errors.append((row.line, "; ".join(problems)))
            continue
        assert code is not None and period is not None
        seen[(code, period)] = row.line
        if number is None:
            plan.blank.append(row.line)
        else:
            plan.rows.append((code, period, number, (row.cells.get(note_column) or "").strip() or None
                              if note_column else None))


def normal_period(text: str, campaign_periods: Collection[str] = ()) -> str | None:
    """'2024/25' for 2024/25, 2024-25, 2024/2025, 2024 to 2025, FY2024/25; a period a
    campaign in this database uses is taken as written; anything else is None."""
    text = " ".join(text.split())
    if text in campaign_periods:
        return text
    found = FINANCIAL_YEAR.match(text)
    if not found:
        return None
    start, end = int(found.group(1)), int(found.group(2))
    if end != (start + 1 if len(found.group(2)) == 4 else (start + 1) % 100):
        return None
    return f"{start}/{(start + 1) % 100:02d}"


def _number(text: str) -> float | None:
    if not NUMBER.match(text):
        return None
    return float(text.replace(",", ""))


def apply_reference_import(db: Database, plan: ReferencePlan, *, title: str, source: str, licence: str | None,
                           now: dt.datetime) -> int:
    """Write the table of a checked plan (replacing one of the same name); returns values written."""
    if plan.errors:
        raise FoiError(f"the file has invalid rows; table {plan.name!r} was not written")
    return save_table(db, ReferenceTable(plan.name, title, source, licence), plan.rows, now=now)
