"""The reference tables foi ships: the DfE's children in need statistics per council
(foi/data/dfe_children_in_need.csv, written by scripts/build-dfe-children-in-need),
mapped from the DfE's GSS codes to the register's body codes.

A figure the DfE does not give (its symbols c, x, u, z), a year before a council was
split, or a council missing from a year has no value, and `builtin_gaps` says why.
A council that became another over the same area passes its figures to the new one,
with a note (foi.reference.reorganisations). Nothing here writes.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass, field
from importlib import resources

from foi.dbread import Queries
from foi.reference.reorganisations import BY_OLD_CODE, REORGANISATIONS, carried_note, split_reason

DATA_FILE = "dfe_children_in_need.csv"
PUBLICATION = ("Department for Education, Children in need statistics, reporting year 2025 "
               "(explore-education-statistics.service.gov.uk/find-statistics/children-in-need)")
LICENCE = "Open Government Licence v3.0"


@dataclass(frozen=True)
class BuiltinTable:
    name: str      # the name a formula uses: ref.referrals
    column: str    # its column in the shipped file
    title: str
    source: str    # names the DfE release: a newer file reloads the table in every database
    licence: str = LICENCE


BUILTIN_TABLES: tuple[BuiltinTable, ...] = (
    BuiltinTable("referrals", "referrals", "Referrals to children's social care in the year (DfE C1 referral_count)",
                 f"{PUBLICATION}, table C1"),
    BuiltinTable("rereferrals", "rereferrals",
                 "Re-referrals within 12 months of a previous referral (DfE C1 rereferral_count)",
                 f"{PUBLICATION}, table C1"),
    BuiltinTable("no_further_action", "no_further_action",
                 "Referrals that led to no further action (DfE C1 no_further_action_count)",
                 f"{PUBLICATION}, table C1"),
    BuiltinTable("children_in_need", "children_in_need",
                 "Children in need at 31 March (DfE B1 At31_episodes: episodes of need open on 31 March, "
                 "at most one a child)", f"{PUBLICATION}, table B1"),
    BuiltinTable("children_in_need_during_year", "children_in_need_during_year",
                 "Children in need at any point in the year (DfE B1 Anypoint_child)", f"{PUBLICATION}, table B1"),
)
BUILTIN_NAMES = tuple(table.name for table in BUILTIN_TABLES)

SYMBOLS = {
    "c": "withheld by the DfE to protect confidentiality (c)",
    "x": "not available from the DfE (x)",
    "u": "withheld by the DfE as too unreliable to publish (u)",
    "z": "does not apply (z)",
}


@dataclass
class BuiltinValues:
    """One shipped table placed on the register: values, and the gaps with their reasons."""
    table: BuiltinTable
    values: list[tuple[str, str, float, str | None]] = field(default_factory=list)  # body, period, value, note
    gaps: dict[tuple[str, str], str] = field(default_factory=dict)                   # (body, period) -> why


@functools.cache
def read_shipped() -> tuple[dict[str, str], ...]:
    """The rows of the shipped file (read once a process)."""
    text = resources.files("foi.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


def builtin_table(name: str) -> BuiltinTable | None:
    return next((table for table in BUILTIN_TABLES if table.name == name), None)


def place_builtin(db: Queries, table: BuiltinTable) -> BuiltinValues:
    """The shipped figures of `table` keyed by body code, and why each council with
    children's services has no value for a year the file covers."""
    councils = {row["gss_code"]: row["code"] for row in db.query(
        "SELECT code, gss_code FROM bodies WHERE gss_code IS NOT NULL AND childrens_services = 1")}
    placed = BuiltinValues(table)
    own: set[tuple[str, str]] = set()
    carried: list[tuple[str, str, dict[str, str]]] = []
    for row in read_shipped():
        gss, period = row["gss_code"], row["period"]
        if gss in councils:
            own.add((councils[gss], period))
            _place(placed, councils[gss], period, row[table.column], None)
        elif gss in BY_OLD_CODE:
            carried.append((gss, period, row))
    for gss, period, row in carried:
        change = BY_OLD_CODE[gss]
        for successor in (councils[code] for code in change.new if code in councils):
            if (successor, period) in own:
                continue  # the DfE's own figure for the new council comes first
            if change.same_area:
                _place(placed, successor, period, row[table.column], carried_note(change, gss))
            else:
                placed.gaps[(successor, period)] = split_reason(change)
    periods = sorted({row["period"] for row in read_shipped()})
    have = {(body, period) for body, period, _value, _note in placed.values}
    for body in councils.values():
        for period in periods:
            if (body, period) not in have and (body, period) not in placed.gaps:
                placed.gaps[(body, period)] = _missing_reason(body, period, councils)
    return placed


def _place(placed: BuiltinValues, body: str, period: str, text: str, note: str | None) -> None:
    text = text.strip()
    if text in SYMBOLS:
        placed.gaps[(body, period)] = SYMBOLS[text] + (f"; {note}" if note else "")
    else:
        placed.values.append((body, period, float(text), note))


def _missing_reason(body: str, period: str, councils: dict[str, str]) -> str:
    for change in REORGANISATIONS:
        if body in {councils.get(code) for code in change.new} and period < change.first_period:
            return f"the council did not exist yet: {change.what}"
    return "not in the DfE's figures for this year"
