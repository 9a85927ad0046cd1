"""foi's own check of a data package (foi.report.package), as a receiver would read it: the
folder's datapackage.json and each CSV it lists, every row against the Table Schema given.

It checks what foi's packages declare and no more: each file's size (`bytes`) and sha256
(`hash`), UTF-8, the header row against the fields, every cell against its field's type
(string, any, number, integer, date) and `constraints.enum` after the `missingValues`, the
primary key (present and unique) and the foreign keys (each value found in the table it
names). A schema asking for anything else (another type, another constraint) is itself a
problem, so a check is never skipped silently. The `frictionless` library checks the
Frictionless standard as a whole (`foi export --what package --check-with-frictionless`
runs both): at ten times the model campaign it adds 1.8 s to the export, with its tables
checked side by side in forked processes; this check takes 0.26-0.31 s in one process, less
with its largest table checked in a forked one beside the others (`checked_apart`).

Rows are numbered as frictionless numbers them: the header is row 1, the first row of
data row 2.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from foi.report.beside import alongside

NAME = re.compile(r"[a-z0-9._-]+")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]?INF")
INTEGER = re.compile(r"[+-]?\d+")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CHECKED_CONSTRAINTS = {"enum"}


def _date(text: str) -> dt.date:
    if not DATE.fullmatch(text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def _matching(pattern: re.Pattern[str], cast: Callable[[str], Any]) -> Callable[[str], Any]:
    def read(text: str) -> Any:
        if not pattern.fullmatch(text):
            raise ValueError(text)
        return cast(text)
    return read


# Each type foi's schemas use, and how a cell of it is read (ValueError: not of the type).
READERS: dict[str, Callable[[str], Any]] = {
    "string": str, "any": str, "number": _matching(NUMBER, float), "integer": _matching(INTEGER, int), "date": _date,
}
ARTICLE = {"string": "a string", "any": "anything", "number": "a number", "integer": "an integer", "date": "a date"}


@dataclass
class ReadTable:
    """A table as read: its field names, its rows with their numbers, and the same cells a
    column at a time."""

    name: str
    fields: list[str]
    rows: list[list[str]]
    numbers: list[int]
    missing: frozenset[str]
    columns: list[tuple[str, ...]] = dataclasses.field(default_factory=list)


def package_problems(descriptor: Path) -> list[str]:
    """Every problem in the package datapackage.json `descriptor` describes; none when valid."""
    try:
        package = json.loads(descriptor.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return [f"{descriptor.name} cannot be read: {error}"]
    except ValueError as error:
        return [f"{descriptor.name} is not JSON: {error}"]
    problems = descriptor_problems(package)
    if problems:  # the tables cannot be read by a description that is wrong
        return problems
    resources, folder = package["resources"], descriptor.parent
    apart = checked_apart(resources)
    with alongside(functools.partial(_table_alone, folder, resources, apart or ""), apart is not None) as side:
        found: dict[str, list[str]] = {}
        tables: dict[str, ReadTable] = {}
        for resource in resources:
            if resource["name"] != apart:
                table, found[resource["name"]] = read_table(folder, resource)
                if table is not None:
                    tables[table.name] = table
        keys = {r["name"]: foreign_key_problems(r, tables) for r in resources if r["name"] in tables}
        if apart is not None:
            found[apart], apart_keys = side.result()
            if apart_keys is not None:
                keys[apart] = apart_keys
    return ([problem for r in resources for problem in found.get(r["name"], [])]
            + [problem for r in resources for problem in keys.get(r["name"], [])])


# A package's largest table, from this size, is checked in a forked process beside the others
# where a core is free (foi.report.beside): at ten times the model campaign it is two thirds
# of the check.
APART_FROM = 1024 * 1024


def checked_apart(resources: list[dict]) -> str | None:
    """The name of the table to check in a process of its own: the largest, when it is large,
    no other table's foreign key needs its rows, and the tables its own foreign keys name
    (read again there) are small beside it."""
    names = [resource["name"] for resource in resources]
    if not resources or len(set(names)) < len(names):
        return None
    largest = max(resources, key=lambda resource: resource["bytes"])
    if largest["bytes"] < APART_FROM:
        return None
    named = {resource["name"]: resource for resource in resources}
    for resource in resources:
        for foreign in resource["schema"].get("foreignKeys", []):
            target = foreign["reference"]["resource"] or resource["name"]
            if resource is not largest and target == largest["name"]:
                return None
            if resource is largest and target in named and named[target]["bytes"] * 2 > largest["bytes"]:
                return None
    return largest["name"]


def _table_alone(folder: Path, resources: list[dict], name: str) -> tuple[list[str], list[str] | None]:
    """What package_problems finds in the table `name`: its own problems, and those of its
    foreign keys (None when it cannot be read), the tables they name read here too."""
    named = {resource["name"]: resource for resource in resources}
    table, found = read_table(folder, named[name])
    if table is None:
        return found, None
    tables = {name: table}
    for foreign in named[name]["schema"].get("foreignKeys", []):
        target = foreign["reference"]["resource"]
        if target and target != name and target in named:
            other, _ = read_table(folder, named[target])  # its problems are said where it is checked
            if other is not None:
                tables[target] = other
    return found, foreign_key_problems(named[name], tables)


def descriptor_problems(package: Any) -> list[str]:
    """What is wrong with datapackage.json itself: what the tables are read by."""
    if not isinstance(package, dict):
        return ["datapackage.json: not an object"]
    problems = []
    if not (isinstance(package.get("name"), str) and NAME.fullmatch(package["name"])):
        problems.append(f"datapackage.json: name {package.get('name')!r} is not lower case letters, digits, . - _")
    licences = package.get("licenses", [])
    if not (isinstance(licences, list) and all(isinstance(lic, dict) and (lic.get("name") or lic.get("path"))
                                               for lic in licences)):
        problems.append("datapackage.json: licenses is not a list of licences, each with a name or path")
    resources = package.get("resources")
    if not (isinstance(resources, list) and resources and all(isinstance(r, dict) for r in resources)):
        return [*problems, "datapackage.json: resources is not a list of tables"]
    names = [resource.get("name") for resource in resources]
    for resource in resources:
        problems += [f"{resource.get('name')}: {problem}" for problem in _resource_problems(resource, names)]
    if len(set(map(str, names))) < len(names):
        problems.append(f"datapackage.json: a table's name is given twice: {', '.join(map(str, names))}")
    return problems


def _resource_problems(resource: dict, names: list) -> list[str]:
    problems = []
    if not (isinstance(resource.get("name"), str) and NAME.fullmatch(resource["name"])):
        problems.append(f"name {resource.get('name')!r} is not lower case letters, digits, . - _")
    path = resource.get("path")
    if not (isinstance(path, str) and path and not PurePosixPath(path).is_absolute()
            and ".." not in PurePosixPath(path).parts and "\\" not in path):
        problems.append(f"path {path!r} is not a file in the package's folder")
    if (resource.get("format"), resource.get("encoding")) != ("csv", "utf-8"):
        problems.append("format and encoding are not csv and utf-8 (foi checks UTF-8 CSV only)")
    if not isinstance(resource.get("bytes"), int):
        problems.append("bytes is not given as a whole number")
    if not (isinstance(resource.get("hash"), str) and re.fullmatch(r"sha256:[0-9a-f]{64}", resource["hash"])):
        problems.append(f"hash {resource.get('hash')!r} is not sha256: and 64 hexadecimal digits")
    schema = resource.get("schema")
    if not isinstance(schema, dict):
        return [*problems, "schema is not an object"]
    return problems + _schema_problems(schema, names)


def _schema_problems(schema: dict, names: list) -> list[str]:
    fields = schema.get("fields")
    if not (isinstance(fields, list) and fields and all(isinstance(f, dict) and isinstance(f.get("name"), str)
                                                        for f in fields)):
        return ["schema: fields is not a list of fields, each with a name"]
    problems = []
    known = [field["name"] for field in fields]
    if len(set(known)) < len(known):
        problems.append(f"schema: a field is given twice: {', '.join(known)}")
    for field in fields:
        if field.get("type") not in READERS:
            problems.append(f"field {field['name']}: type {field.get('type')!r} is not one foi checks "
                            f"({', '.join(READERS)})")
        constraints = field.get("constraints", {})
        if not isinstance(constraints, dict) or set(constraints) - CHECKED_CONSTRAINTS:
            problems.append(f"field {field['name']}: constraints other than enum, which foi does not check")
        elif "enum" in constraints and not (isinstance(constraints["enum"], list)
                                            and all(isinstance(value, str) for value in constraints["enum"])):
            problems.append(f"field {field['name']}: enum is not a list of texts")
    missing = schema.get("missingValues", [""])
    if not (isinstance(missing, list) and all(isinstance(value, str) for value in missing)):
        problems.append("schema: missingValues is not a list of texts")
    key = schema.get("primaryKey", [])
    if not (isinstance(key, list) and all(name in known for name in key)):
        problems.append(f"schema: primaryKey {key!r} is not a list of its fields")
    for foreign in schema.get("foreignKeys", []):
        problems += _foreign_key_shape(foreign, known, names)
    return problems


def _foreign_key_shape(foreign: Any, known: list[str], names: list) -> list[str]:
    try:
        fields, reference = foreign["fields"], foreign["reference"]
        ok = (isinstance(fields, list) and all(name in known for name in fields)
              and reference["resource"] in [*names, ""]
              and isinstance(reference["fields"], list) and len(reference["fields"]) == len(fields))
    except (KeyError, TypeError):
        ok = False
    return [] if ok else [f"schema: foreign key {foreign!r} does not name its fields and a table's fields"]


def read_table(folder: Path, resource: dict) -> tuple[ReadTable | None, list[str]]:
    """The table a resource describes, checked: its file's size and hash, header and rows."""
    name, fields = resource["name"], resource["schema"]["fields"]
    try:
        data = (folder / resource["path"]).read_bytes()
    except OSError as error:
        return None, [f"{name}: {resource['path']} cannot be read: {error.strerror or error}"]
    problems = []
    if len(data) != resource["bytes"]:
        problems.append(f"{name}: {resource['path']} is {len(data):,} bytes; datapackage.json says "
                        f"{resource['bytes']:,} (bytes)")
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    if digest != resource["hash"]:
        problems.append(f"{name}: {resource['path']} has the hash {digest}; datapackage.json says "
                        f"{resource['hash']} (hash)")
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error) as error:
        return None, [*problems, f"{name}: {resource['path']} cannot be read as UTF-8 CSV: {error}"]
    names = [field["name"] for field in fields]
    if not rows or rows[0] != names:
        header = ", ".join(rows[0]) if rows else "none"
        return None, [*problems, f"{name}: the header row ({header}) is not the schema's fields ({', '.join(names)})"]
    table = ReadTable(name, names, rows[1:], list(range(2, len(rows) + 1)),
                  frozenset(resource["schema"].get("missingValues", [""])))
    if set(map(len, table.rows)) - {len(names)}:
        problems += [f"{name}: row {number} is blank" if not row else
                     f"{name}: row {number} has {len(row)} cells; the schema has {len(names)} fields"
                     for number, row in zip(table.numbers, table.rows, strict=True) if len(row) != len(names)]
        # checked on as frictionless does: a blank row is left out, a cell short is a missing
        # value, a cell over is left out
        kept = [(number, row) for number, row in zip(table.numbers, table.rows, strict=True) if row]
        empty = min(table.missing, default="")
        table.numbers = [number for number, _ in kept]
        table.rows = [row if len(row) == len(names) else (row + [empty] * len(names))[:len(names)] for _, row in kept]
    table.columns = list(zip(*table.rows, strict=True)) or [() for _ in names]
    problems += cell_problems(table, fields) + primary_key_problems(table, resource["schema"].get("primaryKey", []))
    return table, problems


def cell_problems(table: ReadTable, fields: list[dict]) -> list[str]:
    """Each cell not of its field's type or not one of its field's values: a column at a
    time, each distinct value once (a column holds few)."""
    problems = []
    for field, column in zip(fields, table.columns, strict=True):
        read, allowed = READERS[field["type"]], field.get("constraints", {}).get("enum")
        wrong: dict[str, str] = {}
        for value in set(column) - table.missing:
            try:
                read(value)
            except ValueError:
                wrong[value] = f"is not {ARTICLE[field['type']]}"
                continue
            if allowed is not None and value not in allowed:
                wrong[value] = f"is not one of {', '.join(allowed)} (enum)"
        if wrong:
            problems += [f"{table.name}: row {number}: {field['name']} {value!r} {wrong[value]}"
                         for number, value in zip(table.numbers, column, strict=True) if value in wrong]
    return problems


def primary_key_problems(table: ReadTable, key: list[str]) -> list[str]:
    """A row whose primary key has an empty cell, or is another row's too."""
    if not key:
        return []
    where = [table.fields.index(name) for name in key]
    keys = list(zip(*(table.columns[i] for i in where), strict=True))
    if len(set(keys)) == len(keys) and not {value for values in keys for value in values} & table.missing:
        return []  # each present and unique: the rows need not be looked at one by one
    problems: list[str] = []
    first: dict[tuple[str, ...], int] = {}
    for number, row in zip(table.numbers, table.rows, strict=True):
        values = tuple(row[i] for i in where)
        if any(value in table.missing for value in values):
            problems.append(f"{table.name}: row {number}: the primary key ({', '.join(key)}) has an empty cell")
        elif values in first:
            problems.append(f"{table.name}: row {number}: the primary key ({', '.join(key)}) {', '.join(values)} "
                            f"is row {first[values]}'s too")
        else:
            first[values] = number
    return problems


def foreign_key_problems(resource: dict, tables: dict[str, ReadTable]) -> list[str]:
    """A row whose foreign key's values are not a row of the table it refers to."""
    table, problems = tables[resource["name"]], []
    for foreign in resource["schema"].get("foreignKeys", []):
        target = tables.get(foreign["reference"]["resource"] or table.name)
        if target is None:  # unreadable: said already
            continue
        if not set(foreign["reference"]["fields"]) <= set(target.fields):
            problems.append(f"{table.name}: foreign key: {target.name} has no field "
                            f"{', '.join(foreign['reference']['fields'])}")
            continue
        there = [target.fields.index(name) for name in foreign["reference"]["fields"]]
        found = set(zip(*(target.columns[i] for i in there), strict=True))
        here = [table.fields.index(name) for name in foreign["fields"]]
        if not set(zip(*(table.columns[i] for i in here), strict=True)) - found:
            continue
        for number, row in zip(table.numbers, table.rows, strict=True):
            values = tuple(row[i] for i in here)
            if values not in found and not all(value in table.missing for value in values):
                problems.append(f"{table.name}: row {number}: {', '.join(foreign['fields'])} {', '.join(values)} "
                                f"is not a {', '.join(foreign['reference']['fields'])} of {target.name} (foreign key)")
    return problems
