"""foi's own check of a data package (foi.report.package_check): a package the export
writes passes it and frictionless alike; packages broken on purpose, one fault each, are
refused by both, and foi's check names the fault, its table, row and field."""

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from report_campaign import SLUG, campaign  # noqa: F401 (a fixture)

from foi.report.package import frictionless_problems
from foi.report.package_check import package_problems
from tests.test_export_package import frictionless_says, store_campaign_file

STATUSES = "answered, suppressed, not_held, refused, needs_review, missing, not_asked"
# Rows as frictionless numbers them, the header being row 1: dataset.csv's row 10 is
# Barnsley's q1 for 2023-24 (120), row 14 Cambridgeshire's first; requests.csv's row 4 is Barnsley.
BARNSLEY_Q1 = "early-help,BNS,E08000016,Barnsley Metropolitan Borough Council,Yorkshire and The Humber,q1,2023-24,120,"


@pytest.fixture
def package(campaign, run, isolated) -> Path:
    """The report campaign's package, as `foi export --what package` writes it."""
    store_campaign_file(campaign, measures=({"id": "help_per_assessment", "formula": "q1 / q2"},))
    run("export", SLUG, "--what", "package", "-o", "pkg")
    return isolated / "pkg" / "datapackage.json"


def rewrite(descriptor: Path, table: str, change: Callable[[str], str], *, describe: bool = True) -> None:
    """Change a table's CSV; with `describe`, datapackage.json is told its new size and hash,
    so that the change is the package's only fault."""
    path = descriptor.parent / f"{table}.csv"
    before = path.read_text(encoding="utf-8")
    after = change(before)
    assert after != before  # the fault is really there
    path.write_text(after, encoding="utf-8", newline="")
    if describe:
        package = json.loads(descriptor.read_text(encoding="utf-8"))
        [resource] = [r for r in package["resources"] if r["name"] == table]
        data = path.read_bytes()
        resource["bytes"], resource["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
        descriptor.write_text(json.dumps(package, indent=2), encoding="utf-8")


def test_the_exported_package_passes_foi_s_check_and_frictionless(campaign, run, isolated):
    store_campaign_file(campaign, measures=({"id": "help_per_assessment", "formula": "q1 / q2"},))
    result = run("export", SLUG, "--what", "package", "-o", "pkg", "--check-with-frictionless")
    assert result.stderr == ("Wrote pkg/datapackage.json with dataset.csv (28 rows), requests.csv (7 rows), "
                             "measures.csv (14 rows); checked by foi and by frictionless: a valid data package\n")
    descriptor = isolated / "pkg" / "datapackage.json"
    assert package_problems(descriptor) == []
    assert frictionless_problems(descriptor) == []
    assert frictionless_says(descriptor)["valid"] is True


def duplicate_barnsley(text: str) -> str:
    barnsley = next(line for line in text.splitlines(keepends=True) if line.startswith("early-help,BNS,"))
    return text + barnsley


FAULTS = {
    "a number that is not one": (
        "dataset", lambda text: text.replace(BARNSLEY_Q1, BARNSLEY_Q1[:-4] + "many,"),
        ["dataset: row 10: value 'many' is not a number"], "type"),
    "a status outside its enum": (
        "dataset", lambda text: text.replace(",130,130,answered,", ",130,130,answerd,"),
        [f"dataset: row 11: status 'answerd' is not one of {STATUSES} (enum)"], "constraint"),
    "a primary key twice": (
        "requests", duplicate_barnsley,
        ["requests: row 9: the primary key (body_code) BNS is row 4's too"], "primary key"),
    "a foreign key with nothing to refer to": (
        "dataset", lambda text: text.replace("early-help,CAM,E10000003,Cambridgeshire County Council,East of "
                                             "England,q1,2023-24", "early-help,CMB,E10000003,Cambridgeshire "
                                             "County Council,East of England,q1,2023-24"),
        ["dataset: row 14: body_code CMB is not a body_code of requests (foreign key)"], "foreign key"),
    "a due date that is no day": (
        "requests", lambda text: text.replace(",2026-04-02,2026-03-20T", ",2026-02-30,2026-03-20T"),
        ["requests: row 4: due_date '2026-02-30' is not a date"], "type"),
    "a count of chases that is not whole": (
        "requests", lambda text: text.replace(",FOI-123,0,", ",FOI-123,0.5,"),
        ["requests: row 4: chases '0.5' is not an integer"], "type"),
    "an empty primary key cell": (
        "requests", lambda text: text.replace("early-help,BNS,", "early-help,,"),
        ["requests: row 4: the primary key (body_code) has an empty cell"]  # and so Barnsley's rows refer to nothing
        + [f"dataset: row {row}: body_code BNS is not a body_code of requests (foreign key)" for row in range(10, 14)]
        + [f"measures: row {row}: body_code BNS is not a body_code of requests (foreign key)" for row in (6, 7)],
        "primary key"),
    "a row a cell short": (
        "requests", lambda text: text.replace(",FOI-123,0,2026-03-20T10:00:00+00:00", ",FOI-123,0"),
        ["requests: row 4 has 11 cells; the schema has 12 fields"], "missing"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_broken_package_is_refused_by_both_and_foi_names_the_fault(package, fault):
    table, change, foi_finds, frictionless_word = FAULTS[fault]
    assert package_problems(package) == []
    rewrite(package, table, change)
    assert package_problems(package) == foi_finds
    found = frictionless_problems(package)
    assert any(problem.startswith(f"{table}: ") and frictionless_word in problem for problem in found), found


def test_a_file_changed_after_it_was_described_is_found_by_its_hash_and_size(package):
    dataset = package.parent / "dataset.csv"
    described = json.loads(package.read_text(encoding="utf-8"))["resources"][0]
    rewrite(package, "dataset", lambda text: text.replace(BARNSLEY_Q1, BARNSLEY_Q1.replace("120", "121")),
            describe=False)
    changed = "sha256:" + hashlib.sha256(dataset.read_bytes()).hexdigest()
    assert package_problems(package) == [
        f"dataset: dataset.csv has the hash {changed}; datapackage.json says {described['hash']} (hash)"]
    rewrite(package, "dataset", lambda text: text + "\n", describe=False)
    problems = package_problems(package)
    assert problems[0] == (f"dataset: dataset.csv is {described['bytes'] + 1:,} bytes; datapackage.json says "
                           f"{described['bytes']:,} (bytes)")
    assert problems[1].startswith("dataset: dataset.csv has the hash sha256:")
    assert problems[2:] == ["dataset: row 30 is blank"]
    assert any("hash" in problem for problem in frictionless_problems(package))


def test_a_header_row_that_is_not_the_fields_is_named(package):
    rewrite(package, "requests", lambda text: text.replace("council_reference,chases", "chases,council_reference", 1))
    assert package_problems(package) == [
        "requests: the header row (campaign, body_code, gss_code, body_name, email, state, sent_at, due_date, "
        "first_response_at, chases, council_reference, last_message_at) is not the schema's fields (campaign, "
        "body_code, gss_code, body_name, email, state, sent_at, due_date, first_response_at, council_reference, "
        "chases, last_message_at)"]


def describe_again(descriptor: Path, change: Callable[[dict], None]) -> None:
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    change(package)
    descriptor.write_text(json.dumps(package), encoding="utf-8")


def test_a_schema_asking_for_what_foi_does_not_check_is_a_problem_not_a_check_skipped(package):
    def fields(package: dict) -> dict:
        return {f["name"]: f for f in package["resources"][1]["schema"]["fields"]}

    describe_again(package, lambda p: fields(p)["chases"].update(type="boolean"))
    describe_again(package, lambda p: fields(p)["email"].update(constraints={"pattern": ".+@.+"}))
    describe_again(package, lambda p: p["resources"][2].update(path="../measures.csv"))
    assert package_problems(package) == [
        "requests: field email: constraints other than enum, which foi does not check",
        "requests: field chases: type 'boolean' is not one foi checks (string, any, number, integer, date)",
        "measures: path '../measures.csv' is not a file in the package's folder"]
    describe_again(package, lambda p: p.update(licenses="CC-BY-4.0"))
    assert package_problems(package)[0] == (
        "datapackage.json: licenses is not a list of licences, each with a name or path")
    package.write_text("{not json", encoding="utf-8")
    assert package_problems(package)[0].startswith("datapackage.json is not JSON: ")


def _two_cores_one_thread(monkeypatch):
    """A second core free, and this process taken for one with one thread (earlier tests may
    leave threads behind), so the check forks as it does in `foi export`."""
    from foi.report import beside

    monkeypatch.setattr(beside, "cores", lambda: 2)
    monkeypatch.setattr(beside, "threads", lambda: 1)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_the_largest_table_checked_in_a_process_of_its_own_finds_the_same(package, fault, monkeypatch):
    from foi.report import package_check

    table, change, foi_finds, _ = FAULTS[fault]
    rewrite(package, table, change)
    _two_cores_one_thread(monkeypatch)
    monkeypatch.setattr(package_check, "APART_FROM", 1)  # the report campaign's dataset is small
    resources = json.loads(package.read_text(encoding="utf-8"))["resources"]
    assert package_check.checked_apart(resources) == "dataset"
    assert package_problems(package) == foi_finds


def test_the_table_checked_apart_is_checked_in_another_process(package, monkeypatch):
    import os

    from foi.report import package_check

    alone = package_check._table_alone

    def saying_where(*args):
        found, keys = alone(*args)
        return [*found, f"checked in {os.getpid()}"], keys

    _two_cores_one_thread(monkeypatch)
    monkeypatch.setattr(package_check, "APART_FROM", 1)
    monkeypatch.setattr(package_check, "_table_alone", saying_where)
    [where] = package_problems(package)
    assert where.startswith("checked in ") and where != f"checked in {os.getpid()}"


def test_a_table_another_needs_is_not_checked_apart():
    def resource(name, size, refers_to=None):
        keys = [{"fields": ["x"], "reference": {"resource": refers_to, "fields": ["x"]}}] if refers_to else []
        return {"name": name, "bytes": size, "schema": {"fields": [], "foreignKeys": keys}}

    from foi.report.package_check import checked_apart

    big = 4 * 1024 * 1024
    assert checked_apart([resource("rows", big, "bodies"), resource("bodies", 1000)]) == "rows"
    assert checked_apart([resource("rows", big), resource("more", 1000, "rows")]) is None  # needs its rows here
    assert checked_apart([resource("rows", big, "bodies"), resource("bodies", big - 1)]) is None  # as large
    assert checked_apart([resource("rows", 1000), resource("bodies", 900)]) is None  # too small to pay
