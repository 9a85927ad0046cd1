"""foi export --what package: a Frictionless Data Package (datapackage.json, dataset.csv,
requests.csv) that the frictionless library and its command line find valid, with the
campaign's licence, the sources, the questions and the method (issue 18, item 6)."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from report_campaign import SLUG, campaign  # noqa: F401 (a fixture)

from foi.errors import FoiError
from foi.reference.store import ReferenceTable, save_table
from foi.report import package as packages
from foi.report.export import DATASET_COLUMNS, MEASURE_COLUMNS, METHOD_NOTES, REQUEST_COLUMNS, STATUS_MEANINGS
from foi.report.package import CsvColumn, CsvTable, check_package, describe_package
from foi.vocabulary import RequestState
from tests.builders import campaign_file, register_db, save_reference

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
QUESTIONS = ({"id": "q1", "text": "How many children received early help?"},
             {"id": "q2", "text": "How many early help assessments were completed?"})


def store_campaign_file(db, licence: str | None = None, measures: tuple[dict, ...] = ()) -> None:
    """The report campaign was written row by row: give it the campaign file it would have come from."""
    text = campaign_file(slug=SLUG, prefix="EH", title="Early help", recipients=["BNS"],
                         periods=["2023-24", "2024-25"], questions=QUESTIONS, measures=measures)
    db["campaigns"].update(SLUG, {"source_text": (f'licence = "{licence}"\n' if licence else "") + text})


def frictionless_says(descriptor: Path) -> dict:
    """`frictionless validate --json`, as someone receiving the package would run it."""
    done = subprocess.run([str(FRICTIONLESS), "validate", "--json", str(descriptor)],
                          capture_output=True, text=True, check=False)
    report = json.loads(done.stdout)
    return {"exit": done.returncode, "valid": report["valid"],
            "tables": {task["name"]: (task["valid"], task["stats"]["rows"]) for task in report["tasks"]}}


def test_package_with_suppressed_refused_and_missing_cells_is_valid(campaign, run, isolated):
    store_campaign_file(campaign)
    result = run("export", SLUG, "--what", "package", "-o", "early-help-data")
    assert result.stderr == ("Wrote early-help-data/datapackage.json with dataset.csv (28 rows), requests.csv "
                             "(7 rows); checked: a valid data package\n")
    folder = isolated / "early-help-data"
    assert sorted(p.name for p in folder.iterdir()) == ["datapackage.json", "dataset.csv", "requests.csv"]
    assert frictionless_says(folder / "datapackage.json") == {
        "exit": 0, "valid": True, "tables": {"dataset": (True, 28), "requests": (True, 7)}}
    # The CSVs are the exports' own, byte for byte (formulas neutralised the same way).
    assert (folder / "dataset.csv").read_text(encoding="utf-8") == run("export", SLUG).stdout
    assert (folder / "requests.csv").read_text(encoding="utf-8") == run("export", SLUG, "--what", "requests").stdout
    # A second run writes the same package over the first.
    first = (folder / "datapackage.json").read_bytes()
    run("export", SLUG, "--what", "package", "-o", "early-help-data")
    assert (folder / "datapackage.json").read_bytes() == first


def test_datapackage_json_describes_every_table(campaign, run, isolated):
    store_campaign_file(campaign)
    run("export", SLUG, "--what", "package", "-o", "pkg")
    package = json.loads((isolated / "pkg" / "datapackage.json").read_text(encoding="utf-8"))
    assert (package["name"], package["title"], package["created"]) == (SLUG, "Early help", "2026-05-20T12:00:00+01:00")
    assert package["licenses"] == [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                                    "path": "https://creativecommons.org/licenses/by/4.0/"}]
    assert [source["title"] for source in package["sources"]] == ["Register of councils", "Replies"]
    assert "Freedom of Information Act 2000" in package["sources"][1]["description"]
    assert package["questions"] == [
        {"id": "q1", "title": "q1", "text": "How many children received early help?", "kind": "count",
         "periods": ["2023-24", "2024-25"]},
        {"id": "q2", "title": "q2", "text": "How many early help assessments were completed?", "kind": "count",
         "periods": ["2023-24", "2024-25"]}]
    assert package["method"] == {
        "notes": [{"topic": topic, "text": text} for topic, text in METHOD_NOTES],
        "statuses": [{"status": status, "meaning": meaning} for status, meaning in STATUS_MEANINGS.items()]}
    dataset, requests = package["resources"]
    assert (dataset["path"], requests["path"]) == ("dataset.csv", "requests.csv")
    schema = dataset["schema"]
    assert [f["name"] for f in schema["fields"]] == DATASET_COLUMNS
    assert all(f["description"] for f in schema["fields"])
    types = {f["name"]: f["type"] for f in schema["fields"]}
    assert (types["value"], types["lower_bound"], types["upper_bound"]) == ("number", "number", "number")
    enums = {f["name"]: f["constraints"]["enum"] for f in schema["fields"] if "constraints" in f}
    assert enums == {"question_id": ["q1", "q2"], "period": ["2023-24", "2024-25"],
                     "status": list(STATUS_MEANINGS), "method": ["auto", "manual"]}
    assert (schema["missingValues"], schema["primaryKey"]) == ([""], ["body_code", "question_id", "period"])
    assert schema["foreignKeys"] == [{"fields": ["body_code"],
                                      "reference": {"resource": "requests", "fields": ["body_code"]}}]
    assert [f["name"] for f in requests["schema"]["fields"]] == REQUEST_COLUMNS
    assert all(f["description"] for f in requests["schema"]["fields"])
    assert {f["name"]: f["constraints"]["enum"] for f in requests["schema"]["fields"] if "constraints" in f} == {
        "state": [str(state) for state in RequestState]}
    assert requests["schema"]["primaryKey"] == ["body_code"]
    assert "foreignKeys" not in requests["schema"]
    assert {f["name"]: f["type"] for f in requests["schema"]["fields"]}["due_date"] == "date"


def test_the_licence_comes_from_the_campaign_file(run, isolated):
    register_db("campaign.db").close()
    text = campaign_file(slug="care", prefix="CA", title="Care leavers", recipients=["BNS", "LDS"],
                         periods=["2024/25"], questions=[{"id": "leavers", "text": "How many care leavers?"},
                                                         {"id": "policy", "text": "Do you publish a policy?",
                                                          "kind": "yes_no"}])
    Path("care.toml").write_text('licence = "odbl-1.0"\n' + text, encoding="utf-8")
    run("campaign", "create", "care.toml")
    run("answer", "care", "BNS", "leavers", "2024/25", "<5")
    run("answer", "care", "LDS", "leavers", "2024/25", "17")
    run("answer", "care", "LDS", "policy", "2024/25", "yes")
    run("export", "care", "--what", "package", "-o", "out")
    package = json.loads((isolated / "out" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"] == [{"name": "ODbL-1.0", "title": "Open Data Commons Open Database License 1.0",
                                    "path": "https://opendatacommons.org/licenses/odbl/1-0/"}]
    # A yes/no question: the value column holds text as well as numbers.
    value = next(f for f in package["resources"][0]["schema"]["fields"] if f["name"] == "value")
    assert value["type"] == "any"
    rows = (isolated / "out" / "dataset.csv").read_text(encoding="utf-8").splitlines()
    assert [row.split(",")[7:10] for row in rows[1:]] == [
        ["", "<5", "suppressed"], ["", "", "missing"], ["17", "17", "answered"], ["yes", "yes", "answered"]]
    assert frictionless_says(isolated / "out" / "datapackage.json") == {
        "exit": 0, "valid": True, "tables": {"dataset": (True, 4), "requests": (True, 2)}}


def test_an_unknown_licence_is_a_problem_in_the_campaign_file(run):
    register_db("campaign.db").close()
    text = campaign_file(slug="care", prefix="CA", title="Care leavers", recipients=["BNS"],
                         periods=["2024/25"], questions=[{"id": "leavers", "text": "How many care leavers?"}])
    Path("care.toml").write_text('licence = "CC-BY-40"\n' + text, encoding="utf-8")
    result = run("campaign", "create", "care.toml", ok=False)
    assert result.exit_code == 1
    assert ("care.toml: 1 problem in the campaign file:\n  - licence: 'CC-BY-40' is not one of CC-BY-4.0, "
            "CC-BY-SA-4.0, CC0-1.0, ODC-BY-1.0, ODbL-1.0, PDDL-1.0, OGL-UK-3.0") in result.stderr


def test_the_package_needs_a_folder(campaign, run, isolated):
    store_campaign_file(campaign)
    no_output = run("export", SLUG, "--what", "package", ok=False)
    assert no_output.exit_code == 2 and "--what package writes a folder: give -o FOLDER" in no_output.stderr
    missing = run("export", SLUG, "--what", "package", "-o", "no-such-folder/pkg", ok=False)
    assert missing.exit_code == 2
    assert "the folder 'no-such-folder' does not exist: create it first, or write the file elsewhere" in missing.stderr
    Path("notes.txt").write_text("mine", encoding="utf-8")
    a_file = run("export", SLUG, "--what", "package", "-o", "notes.txt", ok=False)
    assert a_file.exit_code == 2
    assert "'notes.txt' is a file: --what package writes a folder, give its name" in a_file.stderr
    assert Path("notes.txt").read_text(encoding="utf-8") == "mine"
    # And the other way round: a table is a file, not a folder.
    Path("folder").mkdir()
    a_folder = run("export", SLUG, "--what", "dataset", "-o", "folder", ok=False)
    assert a_folder.exit_code == 2 and "'folder' is a folder: give a file name" in a_folder.stderr
    assert "Traceback" not in a_folder.stderr + a_file.stderr + missing.stderr + no_output.stderr
    assert not (isolated / "pkg").exists()


def test_reference_data_a_table_rests_on_is_a_source(campaign):
    store_campaign_file(campaign)
    save_table(campaign, ReferenceTable("looked_after", "Children looked after", "Department for Education, "
                                        "Looked after statistics", "Open Government Licence v3.0"),
               [("BNS", "2024-25", 2975.0, None)], now=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    table = CsvTable("measures", "Measures", "One row per measure.", [CsvColumn("value", "number", "The figure.")], [],
                  [], reference_tables=["looked_after"])
    package = describe_package(campaign, SLUG, [table], dt.datetime(2026, 5, 20, tzinfo=dt.UTC))
    assert package["sources"][-1] == {
        "title": "Children looked after (reference data 'looked_after')",
        "description": "Department for Education, Looked after statistics; licence: Open Government Licence v3.0"}
    assert len(package["sources"]) == 3


def test_a_package_found_wrong_is_an_error_saying_why_and_by_which_check(campaign, run, isolated):
    store_campaign_file(campaign)
    run("export", SLUG, "--what", "package", "-o", "pkg")
    dataset = isolated / "pkg" / "dataset.csv"
    dataset.write_text(dataset.read_text(encoding="utf-8").replace(",120,", ",121,"), encoding="utf-8")
    with pytest.raises(FoiError) as by_foi:
        check_package(isolated / "pkg" / "datapackage.json")
    said = str(by_foi.value)
    assert said.startswith(f"The data package in {isolated / 'pkg'} is not valid:\n  - dataset: dataset.csv has the "
                           "hash sha256:")
    assert said.count("\n  - ") == 1 and "(frictionless)" not in said
    assert said.endswith("This is a fault in foi: please report it with this message.")
    with pytest.raises(FoiError) as by_both:
        check_package(isolated / "pkg" / "datapackage.json", frictionless=True)
    lines = str(by_both.value).splitlines()
    assert lines[1] == said.splitlines()[1]  # foi's own finding first, then frictionless's
    assert lines[2].startswith("  - dataset: ") and "hash" in lines[2] and lines[2].endswith(" (frictionless)")


def test_tables_checked_side_by_side_find_what_one_whole_check_finds(campaign, run, isolated, monkeypatch):
    store_campaign_file(campaign, measures=({"id": "help_per_assessment", "formula": "q1 / q2"},))
    run("export", SLUG, "--what", "package", "-o", "pkg")
    descriptor = isolated / "pkg" / "datapackage.json"

    def found(cores: int) -> list[str]:
        monkeypatch.setattr(packages, "cores", lambda: cores)
        return packages.frictionless_problems(descriptor)

    assert found(4) == found(1) == []
    # Two tables wrong: a cell that is not a number, a row twice (and so the sizes and hashes).
    dataset = isolated / "pkg" / "dataset.csv"
    dataset.write_text(dataset.read_text(encoding="utf-8").replace(",120,", ",many,"), encoding="utf-8")
    requests = isolated / "pkg" / "requests.csv"
    lines = requests.read_text(encoding="utf-8").splitlines(keepends=True)
    requests.write_text("".join(lines + lines[1:2]), encoding="utf-8")
    side_by_side = found(4)
    assert side_by_side == found(1)
    assert [problem.split(":")[0] for problem in side_by_side] == ["dataset"] * 3 + ["requests"] * 3
    assert "\"many\"" in side_by_side[0] and "primary key" in side_by_side[3]
    # The descriptor itself wrong: each process finds it, the error says it once.
    text = json.loads(descriptor.read_text(encoding="utf-8"))
    descriptor.write_text(json.dumps({**text, "licenses": "CC-BY-4.0"}), encoding="utf-8")
    assert found(4) == found(1) and len(found(4)) == 1 and "licenses" in found(4)[0]


def test_a_campaign_with_measures_publishes_them_with_the_reference_data_they_rest_on(campaign, run, isolated):
    save_reference(campaign, "looked_after", {("BNS", "2023-24"): 400.0, ("MAN", "2023-24"): 500.0},
                   title="Children looked after", source="Department for Education, Looked after statistics")
    store_campaign_file(campaign, measures=({"id": "help_per_assessment", "formula": "q1 / q2"},
                                            {"id": "help_per_child", "formula": "q1 / ref.looked_after"}))
    run("export", SLUG, "--what", "package", "-o", "pkg")
    folder = isolated / "pkg"
    said = frictionless_says(folder / "datapackage.json")
    assert said["exit"] == 0 and said["valid"] and said["tables"]["measures"] == (True, 28)
    assert (folder / "measures.csv").read_text(encoding="utf-8") == run(
        "export", SLUG, "--what", "measures").stdout
    rows = {(r["measure"], r["body_code"], r["period"]): r for r in json.loads(
        run("export", SLUG, "--what", "measures", "--format", "json").stdout)}
    assert rows[("help_per_assessment", "BNS", "2023-24")]["value"] == 3  # 120 / 40
    assert rows[("help_per_child", "BNS", "2023-24")]["value"] == 0.3  # 120 / 400
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["sources"][-1]["title"] == "Children looked after (reference data 'looked_after')"
    [measures] = [r for r in descriptor["resources"] if r["name"] == "measures"]
    assert measures["schema"]["primaryKey"] == ["body_code", "measure", "period"]
    assert [f["name"] for f in measures["schema"]["fields"]] == MEASURE_COLUMNS
    assert all(f["description"] for f in measures["schema"]["fields"])
    assert {f["name"]: f["constraints"]["enum"] for f in measures["schema"]["fields"] if "constraints" in f} == {
        "measure": ["help_per_assessment", "help_per_child"], "period": ["2023-24", "2024-25"]}
    assert measures["schema"]["foreignKeys"] == [{"fields": ["body_code"],
                                                  "reference": {"resource": "requests", "fields": ["body_code"]}}]


def test_the_frictionless_check_is_for_a_package_and_only_it_imports_frictionless(campaign, run, isolated):
    store_campaign_file(campaign)
    wrong = run("export", SLUG, "--what", "dataset", "--check-with-frictionless", ok=False)
    assert wrong.exit_code == 2
    assert "--check-with-frictionless checks a data package: use it with --what package" in wrong.stderr
    # frictionless takes 0.4 s to import: a package checked by foi alone does without it.
    script = ("import sys\nfrom click.testing import CliRunner\nfrom foi.cli import cli\n"
              "done = CliRunner().invoke(cli, sys.argv[1:], catch_exceptions=False)\n"
              "print(done.exit_code, 'frictionless' in sys.modules)\n")
    for extra, imported in (([], "False"), (["--check-with-frictionless"], "True")):
        done = subprocess.run([sys.executable, "-c", script, "export", SLUG, "--what", "package", "-o", "pkg", *extra],
                              capture_output=True, text=True, check=True, cwd=isolated)
        assert done.stdout.split() == ["0", imported]


def test_the_package_is_the_same_with_its_measures_made_in_a_forked_process(campaign, run, isolated, monkeypatch):
    from foi.report import beside as beside_module

    store_campaign_file(campaign, measures=({"id": "help_per_assessment", "formula": "q1 / q2"},))
    monkeypatch.setattr(beside_module, "cores", lambda: 2)  # a core free, and one thread here (earlier tests
    monkeypatch.setattr(beside_module, "threads", lambda: 1)  # may leave threads behind: the guard is tested apart)
    made_in = isolated / "measures made in"

    def measures_table(*args):  # says which process made the measures (a forked one cannot answer otherwise)
        with made_in.open("a", encoding="utf-8") as said:
            said.write(f"{os.getpid()}\n")
        return packages.measures_table(*args)

    monkeypatch.setattr(packages, "TABLES", [packages.dataset_table, packages.requests_table, measures_table])
    monkeypatch.setattr(packages, "BESIDE_FROM", 1_000_000)
    alone = run("export", SLUG, "--what", "package", "-o", "alone")
    assert made_in.read_text(encoding="utf-8").split() == [str(os.getpid())]
    made_in.unlink()
    monkeypatch.setattr(packages, "BESIDE_FROM", 1)
    assert run("export", SLUG, "--what", "package", "-o", "forked").stderr == alone.stderr.replace("alone", "forked")
    [pid] = made_in.read_text(encoding="utf-8").split()  # made once, in another process
    assert int(pid) != os.getpid()
    files = ["datapackage.json", "dataset.csv", "measures.csv", "requests.csv"]
    assert sorted(path.name for path in (isolated / "forked").iterdir()) == files
    assert all((isolated / "forked" / name).read_bytes() == (isolated / "alone" / name).read_bytes() for name in files)


# Runs `foi export` in a fresh interpreter and says which libraries it loaded.
WHAT_EXPORT_LOADS = """
import json, sys
from foi.cli import main
sys.argv = ["foi", *sys.argv[1:]]
try:
    main()
except SystemExit as end:
    code = end.code
print(json.dumps({"code": code, "sqlite_utils": "sqlite_utils" in sys.modules,
                  "frictionless": "frictionless" in sys.modules}), file=sys.stderr)
"""


@pytest.mark.parametrize("what, output", [("package", "data"), ("correspondence", "letters.zip")])
def test_a_package_or_a_zip_of_a_migrated_database_is_made_without_sqlite_utils(campaign, run, isolated, what,
                                                                              output):
    store_campaign_file(campaign)
    run("report", SLUG)  # the tables foi ships loaded, as a campaign's first report does
    env = {**os.environ, "FOI_NOW": "2026-03-04T10:00:00+00:00"}
    done = subprocess.run([sys.executable, "-c", WHAT_EXPORT_LOADS, "export", SLUG, "--what", what, "-o", output],
                          cwd=isolated, env=env, capture_output=True, text=True, check=True)
    assert json.loads(done.stderr.strip().splitlines()[-1]) == {"code": 0, "sqlite_utils": False,
                                                                "frictionless": False}
    assert (isolated / output).exists()
