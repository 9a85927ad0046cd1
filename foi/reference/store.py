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
from typing import TYPE_CHECKING, cast

from foi.clock import iso, now as clock_now
from foi.dbread import Queries
from foi.errors import FoiError
from foi.reference.builtin import BUILTIN_TABLES, BuiltinTable, builtin_table, place_builtin

if TYPE_CHECKING:
    from sqlite_utils import Database


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
    values = [(table.name, body_code, period, value, note) for body_code, period, value, note in rows]
    with db.atomic():
        db.execute("DELETE FROM reference_values WHERE name = ?", [table.name])
        db.table("reference_tables").upsert(
            {"name": table.name, "title": table.title, "source": table.source, "licence": table.licence,
             "builtin": int(table.builtin), "imported_at": iso(now)}, pk="name")
        db.conn.executemany(
            "INSERT INTO reference_values (name, body_code, period, value, note) VALUES (?, ?, ?, ?, ?)", values)
    return len(values)


def ensure_builtin_tables(db: Queries, *, refresh: bool = False, now: dt.datetime | None = None) -> list[str]:
    """Load the tables foi ships (foi.reference.builtin) where this database lacks them, or
    holds them from an older release (another source), or all of them again with `refresh`
    (foi init, after loading the register); returns the names loaded. Every reader of
    reference data calls it, so a database made before foi shipped them gets them on first
    use, and no other command pays for it. A table a user made under one of these names is
    left alone, and nothing is loaded before the register is (there is no council to key by)."""
    wanted = builtin_tables_wanted(db, refresh=refresh)
    for shipped in wanted:
        # Only a database opened to write gets here: a command opens one only to read
        # (foi.dbread) once builtin_tables_wanted finds nothing to load.
        writable = cast("Database", db)
        placed = place_builtin(writable, shipped)
        save_table(writable, ReferenceTable(shipped.name, shipped.title, shipped.source, shipped.licence, builtin=True),
                   placed.values, now=now or clock_now())
    return [shipped.name for shipped in wanted]


def builtin_tables_wanted(db: Queries, *, refresh: bool = False) -> list[BuiltinTable]:
    """The shipped tables ensure_builtin_tables would load into this database (reads only)."""
    held = {row["name"]: row for row in db.query("SELECT name, source, builtin FROM reference_tables")}
    wanted = [shipped for shipped in BUILTIN_TABLES
              if shipped.name not in held
              or (held[shipped.name]["builtin"] and (refresh or held[shipped.name]["source"] != shipped.source))]
    if not wanted or not db.execute("SELECT 1 FROM bodies WHERE childrens_services = 1 LIMIT 1").fetchone():
        return []
    return wanted


def table_names(db: Queries) -> list[str]:
    ensure_builtin_tables(db)
    return [row["name"] for row in db.query("SELECT name FROM reference_tables ORDER BY name")]


def list_tables(db: Queries) -> list[dict]:
    """Every table with its counts: name, title, source, licence, builtin, councils, periods, values,
    first_period, last_period."""
    ensure_builtin_tables(db)
    return list(db.query(
        "SELECT t.name, t.title, t.source, t.licence, t.builtin, t.imported_at, "
        "count(DISTINCT v.body_code) AS councils, count(DISTINCT v.period) AS periods, count(v.value) AS \"values\", "
        "min(v.period) AS first_period, max(v.period) AS last_period "
        "FROM reference_tables t LEFT JOIN reference_values v ON v.name = t.name GROUP BY t.name ORDER BY t.name"))


def table_titles(db: Queries) -> dict[str, str]:
    """name -> title of every table (list_tables without the counts)."""
    ensure_builtin_tables(db)
    return {row["name"]: row["title"] for row in db.query("SELECT name, title FROM reference_tables")}


def reference_values(db: Queries, name: str) -> dict[tuple[str, str], float]:
    """{(body_code, period): value} of one table; {} for a table that does not exist."""
    ensure_builtin_tables(db)
    return {(row["body_code"], row["period"]): row["value"] for row in db.query(
        "SELECT body_code, period, value FROM reference_values WHERE name = ?", [name])}


def get_table(db: Queries, name: str) -> dict:
    """One table's row (name, title, source, licence, builtin, imported_at); an unknown name is a FoiError."""
    ensure_builtin_tables(db)
    row = next(iter(db.query("SELECT * FROM reference_tables WHERE name = ?", [name])), None)
    if row is None:
        known = ", ".join(table_names(db))
        raise FoiError(f"No reference table called {name!r}", f"The tables: {known}. `foi reference list` shows them.")
    return row


def table_values(db: Queries, name: str, body_code: str | None = None) -> list[dict]:
    """The values of one table (of one council), with the council's name: body_code, body_name,
    period, value, note; by council name, then period."""
    ensure_builtin_tables(db)
    where, params = ("AND v.body_code = ?", [name, body_code]) if body_code else ("", [name])
    return list(db.query(
        "SELECT v.body_code, b.name AS body_name, v.period, v.value, v.note FROM reference_values v "
        f"JOIN bodies b ON b.code = v.body_code WHERE v.name = ? {where} ORDER BY b.name, v.period", params))


def table_gaps(db: Queries, name: str, body_code: str | None = None) -> list[dict]:
    """Which councils have no value for which periods, and why: body_code, body_name, periods
    (a run of periods with the same reason: '2012/13 to 2022/23'), count (of periods), reason. For a table foi
    ships, every council with children's services and every year of the file; for an
    imported one, the councils and periods the file has."""
    shipped = builtin_table(name) if get_table(db, name)["builtin"] else None
    if shipped is not None:
        gaps = place_builtin(db, shipped).gaps
        periods = sorted({period for _body, period in gaps} | {p for _b, p in reference_values(db, name)})
    else:
        held = reference_values(db, name)
        periods = sorted({period for _body, period in held})
        gaps = {(body, period): "not in the imported file" for body in {b for b, _p in held} for period in periods
                if (body, period) not in held}
    names = {row["code"]: row["name"] for row in db.query("SELECT code, name FROM bodies")}
    runs: list[dict] = []
    for (body, period), reason in sorted(gaps.items(), key=lambda item: (names.get(item[0][0], ""), item[0][1])):
        if body_code and body != body_code:
            continue
        last = runs[-1] if runs else None
        if last and last["body_code"] == body and last["reason"] == reason \
                and periods.index(period) == periods.index(last["last"]) + 1:
            last["last"] = period
            last["count"] += 1
        else:
            runs.append({"body_code": body, "body_name": names.get(body, body), "first": period, "last": period,
                         "count": 1, "reason": reason})
    return [{"body_code": run["body_code"], "body_name": run["body_name"],
             "periods": run["first"] if run["first"] == run["last"] else f"{run['first']} to {run['last']}",
             "count": run["count"], "reason": run["reason"]} for run in runs]
