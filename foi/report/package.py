"""The campaign's data as a Frictionless Data Package (https://datapackage.org): a folder
holding the CSV tables and a datapackage.json describing them, for publication.

datapackage.json gives a Table Schema for each CSV (each column's name, type and meaning,
the codes it may hold, which cells are empty, the key of each row), the licence the campaign
publishes under (the campaign file's `licence`), the sources (the councils' replies, the
register of councils, and any reference data the tables rest on), the questions asked and
the method: how the values were read and what each status means, in the words of the xlsx
About sheet (foi.report.export). foi checks the package it wrote, every row against the
schema it gave (foi.report.package_check), before it says it is written; on request the
`frictionless` library checks it again, as a receiver may.

Each CSV is a table made by one function of TABLES, in order; a function returns None when
the campaign has nothing for it, so that table is left out of the package.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from foi.campaign.campaigns import get_campaign, get_periods, get_questions, load_spec
from foi.campaign.formula import parse_formula
from foi.campaign.licences import LICENCES
from foi.campaign.spec import NUMERIC_KINDS
from foi.clock import iso
from foi.dbread import Queries
from foi.errors import FoiError
from foi.measures.compute import campaign_measures
from foi.output import plural, write_csv
from foi.reference.store import list_tables
from foi.report import export as exports
from foi.report.beside import beside, cores
from foi.report.package_check import package_problems
from foi.vocabulary import RequestState


@dataclass(frozen=True)
class CsvColumn:
    name: str
    type: str           # a Table Schema type: string, number, integer, date, any
    description: str
    allowed: tuple[str, ...] = ()  # the only values the column may hold (empty: any)


@dataclass
class CsvTable:
    """One CSV of the package: `name`.csv, its columns described, and its rows."""

    name: str
    title: str
    description: str
    columns: list[CsvColumn]
    rows: list[dict]
    primary_key: list[str]
    foreign_keys: list[dict] = field(default_factory=list)
    reference_tables: list[str] = field(default_factory=list)  # reference data it rests on: listed as sources


@dataclass(frozen=True)
class Written:
    folder: Path
    tables: list[tuple[str, int]]  # (file name, rows)


# The columns that say which campaign and council a row is of, described alike in every table.
COUNCIL_DESCRIPTIONS = {
    "campaign": ("string", "The campaign's short name."),
    "body_code": ("string", "The council's code in foi's register of councils (e.g. BNS)."),
    "gss_code": ("string", "The council's GSS code from the Office for National Statistics."),
    "body_name": ("string", "The council's name."),
    "region": ("string", "The English region the council is in."),
}
# A row's council is one of those asked: its body_code is a row of requests.csv.
REQUESTED_COUNCIL = {"fields": ["body_code"], "reference": {"resource": "requests", "fields": ["body_code"]}}


def described_columns(names: list[str], descriptions: dict[str, tuple[str, str]],
                      allowed: dict[str, tuple[str, ...]]) -> list[CsvColumn]:
    """The columns `names`, each with its type and meaning and the values it may hold."""
    return [CsvColumn(name, *descriptions[name], allowed=allowed.get(name, ())) for name in names]


DATASET_DESCRIPTIONS = {
    **COUNCIL_DESCRIPTIONS,
    "question_id": ("string", "The question answered (see questions in datapackage.json)."),
    "period": ("string", "The period the figure is for, as the request asked for it."),
    "value": ("number", "The figure the council gave, when status is answered."),
    "value_raw": ("string", "The answer as the council wrote it (e.g. '<5')."),
    "status": ("string", "What the council's answer was: see method.statuses in datapackage.json."),
    "lower_bound": ("number", "For a suppressed figure, the least it can be."),
    "upper_bound": ("number", "For a suppressed figure, the most it can be; empty when the council gave no threshold."),
    "source_message_id": ("string", "The Message-ID of the email the value came from."),
    "source_file": ("string", "The attached file the value was read from."),
    "source_location": ("string", "Where in that file or email (sheet and cell, page, table, line)."),
    "method": ("string", "auto: read from the reply by foi; manual: entered by hand."),
}


def dataset_table(db: Queries, slug: str, today: dt.date) -> CsvTable:
    questions = get_questions(db, slug)
    allowed = {"question_id": tuple(q["id"] for q in questions), "period": tuple(get_periods(db, slug)),
               "status": tuple(exports.STATUS_MEANINGS), "method": ("auto", "manual")}
    columns = described_columns(exports.DATASET_COLUMNS, DATASET_DESCRIPTIONS, allowed)
    if not all(q["kind"] in NUMERIC_KINDS for q in questions):
        columns[exports.DATASET_COLUMNS.index("value")] = CsvColumn(
            "value", "any", "The answer the council gave, when status is answered: a number, or text for a "
                            "question of kind text or yes_no.")
    return CsvTable("dataset", "Answers", "One row per council, question and period: the council's answer, its "
                    "status and where it was read.", columns, exports.dataset_rows(db, slug),
                    ["body_code", "question_id", "period"], [REQUESTED_COUNCIL])


REQUEST_DESCRIPTIONS = {
    **COUNCIL_DESCRIPTIONS,
    "email": ("string", "The address the request was sent to (for a request not yet sent, the one it will go to)."),
    "state": ("string", "Where the request stands, e.g. awaiting_response, answered, answered_partial, refused."),
    "sent_at": ("string", "When the request was sent (ISO 8601)."),
    "due_date": ("date", "The day the reply is due by under the Act (while an internal review is open, the "
                         "review's), as of the day of the export."),
    "first_response_at": ("string", "When the council first replied (ISO 8601)."),
    "council_reference": ("string", "The council's own reference for the request."),
    "chases": ("integer", "How many reminders, requests for internal review and complaints to the ICO were sent."),
    "last_message_at": ("string", "When the last message about the request came (ISO 8601)."),
}


def requests_table(db: Queries, slug: str, today: dt.date) -> CsvTable:
    columns = described_columns(exports.REQUEST_COLUMNS, REQUEST_DESCRIPTIONS,
                                {"state": tuple(str(state) for state in RequestState)})
    return CsvTable("requests", "Requests", f"One row per council asked: the request's state and dates as of {today}.",
                    columns, exports.request_rows(db, slug, today), ["body_code"])


MEASURE_DESCRIPTIONS = {
    **COUNCIL_DESCRIPTIONS,
    "measure": ("string", "The measure (see measures in datapackage.json for each one's formula)."),
    "period": ("string", "The period the figure is for."),
    "value": ("number", "The measure worked out from exact figures; empty when an input was a range or absent."),
    "low": ("number", "The least the measure can be, where an input was a suppressed range (equal to value "
                      "when exact)."),
    "high": ("number", "The most the measure can be (equal to value when exact)."),
    "note": ("string", "Why there is no exact value: the input that was a range or had no figure."),
    "formula": ("string", "The measure's formula: question ids, ref.NAME for reference data, + - * /."),
}


def measures_table(db: Queries, slug: str, today: dt.date) -> CsvTable | None:
    """The campaign's measures per council and period; none for a campaign without measures."""
    measures = campaign_measures(db, slug)
    if not measures:
        return None
    allowed = {"measure": tuple(m.id for m in measures), "period": tuple(get_periods(db, slug))}
    columns = described_columns(exports.MEASURE_COLUMNS, MEASURE_DESCRIPTIONS, allowed)
    references = sorted({name for m in measures for name in parse_formula(m.formula).references})
    return CsvTable("measures", "Measures", "One row per council, measure and period: the figure worked out by the "
                    "measure's formula from the council's answers and reference data, a range where an answer was "
                    "suppressed, or none.", columns, exports.measure_rows(db, slug),
                    ["body_code", "measure", "period"], [REQUESTED_COUNCIL], reference_tables=references)


# The tables of the package, in order; a function returning None leaves its table out.
TABLES: list[Callable[[Queries, str, dt.date], CsvTable | None]] = [dataset_table, requests_table, measures_table]


# From this many requests a campaign is large enough for its measures to be made in a
# forked process beside the other tables (as the report's requests' side is, from as many).
BESIDE_FROM = 500


@dataclass(frozen=True)
class Made:
    """A table of the package made and written as CSV: its description (without its rows),
    the bytes of its file and how many rows it has."""

    table: CsvTable
    data: bytes
    rows: int


def make_table(db: Queries, *, slug: str, today: dt.date, make: Callable[[Queries, str, dt.date], CsvTable | None],
               ) -> Made | None:
    """The table `make` makes, as CSV; None when the campaign has nothing for it."""
    table = make(db, slug, today)
    if table is None:
        return None
    buffer = io.StringIO()
    write_csv(table.rows, [column.name for column in table.columns], buffer)
    return Made(replace(table, rows=[]), buffer.getvalue().encode("utf-8"), len(table.rows))


def write_package(db: Queries, slug: str, folder: Path, *, now: dt.datetime, frictionless: bool = False) -> Written:
    """Write every table of TABLES as folder/NAME.csv and folder/datapackage.json describing
    them, then check the package (with frictionless too, if asked); a package found invalid
    is an error listing why (the files are left for a look)."""
    get_campaign(db, slug)
    *first, last = [functools.partial(make_table, slug=slug, today=now.date(), make=make) for make in TABLES]
    # The last table (the measures: half the work at ten times the model campaign) is made
    # beside the others, in a forked process where a core is free.
    asked = db.execute("SELECT count(*) FROM requests WHERE campaign = ?", [slug]).fetchone()[0]
    with beside(db, last, asked >= BESIDE_FROM) as side:
        made = [make(db) for make in first]
        made.append(side.result())
    tables = [table for table in made if table is not None]
    descriptor = describe_package(db, slug, [table.table for table in tables], now)
    descriptor["resources"] = [_resource(table.table, table.data) for table in tables]
    folder.mkdir(exist_ok=True)
    for table in tables:
        (folder / f"{table.table.name}.csv").write_bytes(table.data)
    target = folder / "datapackage.json"
    target.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    check_package(target, frictionless=frictionless)
    return Written(folder, [(f"{table.table.name}.csv", table.rows) for table in tables])


def _resource(table: CsvTable, data: bytes) -> dict:
    schema: dict = {"fields": [_field(column) for column in table.columns], "missingValues": [""],
                    "primaryKey": table.primary_key}
    if table.foreign_keys:
        schema["foreignKeys"] = table.foreign_keys
    return {"name": table.name, "path": f"{table.name}.csv", "title": table.title, "description": table.description,
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "bytes": len(data),
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "schema": schema}


def _field(column: CsvColumn) -> dict:
    described: dict = {"name": column.name, "type": column.type, "description": column.description}
    if column.allowed:
        described["constraints"] = {"enum": list(column.allowed)}
    return described


def describe_package(db: Queries, slug: str, tables: list[CsvTable], now: dt.datetime) -> dict:
    """datapackage.json without its resources: the campaign, licence, sources, questions and method."""
    campaign = get_campaign(db, slug)
    licence = LICENCES[load_spec(campaign).licence]
    periods = get_periods(db, slug)
    asked = db.execute("SELECT count(*) FROM requests WHERE campaign = ?", [slug]).fetchone()[0]
    return {
        "name": slug,
        "title": campaign["title"],
        "description": " ".join(
            [f"The answers of the {plural(asked, 'council')} asked in the Freedom of Information campaign "
             f"'{campaign['title']}', as of {now.date()}."]
            + [f"{table.name}.csv: {table.description}" for table in tables]
            + ["How the values were read and what each status means: see method."]),
        "created": iso(now),
        "licenses": [{"name": licence.name, "title": licence.title, "path": licence.path}],
        "sources": [{"title": heading, "description": text} for heading, text in exports.SOURCE_NOTES]
                   + _reference_sources(db, [name for table in tables for name in table.reference_tables]),
        "periods": periods,
        "questions": [{"id": q["id"], "title": q["title"] or q["id"], "text": q["text"], "kind": q["kind"],
                       "periods": periods} for q in get_questions(db, slug)],
        "method": {"notes": [{"topic": heading, "text": text} for heading, text in exports.METHOD_NOTES],
                   "statuses": [{"status": status, "meaning": meaning}
                                for status, meaning in exports.STATUS_MEANINGS.items()]},
    }


def _reference_sources(db: Queries, names: list[str]) -> list[dict]:
    """The reference tables named, each as a source with its own source and licence."""
    return [{"title": f"{row['title']} (reference data {row['name']!r})",
             "description": row["source"] + (f"; licence: {row['licence']}" if row["licence"] else "")}
            for row in list_tables(db) if row["name"] in names]


def check_package(descriptor: Path, *, frictionless: bool = False) -> None:
    """What foi's own check (foi.report.package_check) finds wrong with the package, and
    with `frictionless` what the frictionless library finds too, as an error; nothing when
    it is valid."""
    problems = package_problems(descriptor)
    if frictionless:
        problems += [f"{problem} (frictionless)" for problem in frictionless_problems(descriptor)]
    if not problems:
        return
    shown = "\n".join(f"  - {problem}" for problem in problems[:10])
    more = f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else ""
    raise FoiError(f"The data package in {descriptor.parent} is not valid:\n{shown}{more}",
                   "This is a fault in foi: please report it with this message.")


def frictionless_problems(descriptor: Path) -> list[str]:
    """Every problem the frictionless library finds in the package: its own (the
    descriptor), then each table's, named. frictionless checks every row of every table
    (1.6 s for the dataset of a 10x campaign); the tables are checked side by side, one
    process each (forked after frictionless is imported, so it is not imported again),
    where the machine has cores to spare. Each is checked as part of the package, so its
    foreign keys are checked too."""
    import frictionless  # noqa: F401  # lazy: start-up (0.4 s, only when asked for; the forked processes inherit it)

    names = _table_names(descriptor)
    workers = min(len(names), cores())
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [problem for found in _problems(descriptor, None) for problem in found]
    started = sorted(names, key=lambda name: -names[name])  # the largest first: the processes end together
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        found = dict(zip(started, pool.starmap(_problems, [(descriptor, name) for name in started], chunksize=1)))
    # The package's own problems are found by each process alike: said once.
    said = dict.fromkeys(problem for name in names for problem in found[name][0])
    return list(said) + [problem for name in names for problem in found[name][1]]


def _problems(descriptor: Path, name: str | None) -> tuple[list[str], list[str]]:
    """frictionless's findings in the package itself, and in its tables (all, or `name`)."""
    from frictionless import validate  # lazy: start-up (frictionless only when asked for: see frictionless_problems)

    report = validate(str(descriptor), name=name)
    return ([error.message for error in report.errors],
            [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors])


def _table_names(descriptor: Path) -> dict[str, int]:
    """The tables datapackage.json lists, in its order, with their size in bytes; none when
    it cannot be read (frictionless then says why)."""
    try:
        resources = json.loads(descriptor.read_text(encoding="utf-8"))["resources"]
        sized = {resource["name"]: resource.get("bytes") or 0 for resource in resources}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not all(isinstance(name, str) and isinstance(size, int) for name, size in sized.items()):
        return {}
    return sized if len(sized) == len(resources) else {}  # a name twice: checked whole, as one


