"""Reference tables in the campaign database: per-council figures by period that do not
come from the replies (the DfE statistics foi ships, or a table the user imports).

A table has a `name` (the word a measure's formula uses: `ref.children_in_need`), a title,
its source and licence; its values are keyed by the register's body code and a period
written as campaigns write them ("2024/25"). Missing is missing: a council or period with no
row has no value, never zero."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from foi.clock import iso


@dataclass(frozen=True)
class ReferenceTable:
    name: str
    title: str
    source: str
    licence: str | None = None
    builtin: bool = False


def save_table(db: Database, table: ReferenceTable, rows: Iterable[tuple[str, str, float, str | None]],
               *, now: dt.datetime) -> int:
    """Replace table `table.name` and all its values, in one transaction. `rows` are
    (body_code, period, value, note). Returns how many values were written."""
    written = 0
    with db.atomic():
        db.execute("DELETE FROM reference_values WHERE name = ?", [table.name])
        db.table("reference_tables").upsert(
            {"name": table.name, "title": table.title, "source": table.source, "licence": table.licence,
             "builtin": int(table.builtin), "imported_at": iso(now)}, pk="name")
        for body_code, period, value, note in rows:
            db.execute("INSERT INTO reference_values (name, body_code, period, value, note) VALUES (?, ?, ?, ?, ?)",
                       [table.name, body_code, period, value, note])
            written += 1
    return written


def table_names(db: Database) -> list[str]:
    return [row["name"] for row in db.query("SELECT name FROM reference_tables ORDER BY name")]


def list_tables(db: Database) -> list[dict]:
    """Every table with its counts: name, title, source, licence, builtin, councils, periods, values."""
    return list(db.query(
        "SELECT t.name, t.title, t.source, t.licence, t.builtin, t.imported_at, "
        "count(DISTINCT v.body_code) AS councils, count(DISTINCT v.period) AS periods, count(v.value) AS \"values\" "
        "FROM reference_tables t LEFT JOIN reference_values v ON v.name = t.name GROUP BY t.name ORDER BY t.name"))


def reference_values(db: Database, name: str) -> dict[tuple[str, str], float]:
    """{(body_code, period): value} of one table; {} for a table that does not exist."""
    return {(row["body_code"], row["period"]): row["value"] for row in db.query(
        "SELECT body_code, period, value FROM reference_values WHERE name = ?", [name])}
