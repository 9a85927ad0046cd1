"""foi init and the register of public bodies."""

import csv
import io
import json

import pytest

from foi.db import connect


@pytest.fixture
def initialised(run):
    run("init")


def rows_of(output: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(output)))


def test_init_creates_the_database_and_is_harmless_to_repeat(run, isolated):
    first = run("init")
    assert "Created campaign.db with 317 public bodies" in first.stdout
    db = connect(isolated / "campaign.db")
    db["bodies"].update("BNS", {"foi_email": "foi@barnsley.gov.uk"})
    db.close()
    second = run("init")
    assert "nothing overwritten" in second.stdout
    assert connect(isolated / "campaign.db")["bodies"].get("BNS")["foi_email"] == "foi@barnsley.gov.uk"


def test_init_force_keeps_a_backup(run, isolated):
    run("init")
    run("councils", "set-email", "BNS", "foi@barnsley.gov.uk")
    result = run("init", "--force")
    backups = list(isolated.glob("campaign.db.*.bak"))
    assert len(backups) == 1 and str(backups[0].name) in result.stderr
    assert connect(backups[0])["bodies"].get("BNS")["foi_email"] == "foi@barnsley.gov.uk"
    assert connect(isolated / "campaign.db")["bodies"].get("BNS")["foi_email"] is None


def test_commands_without_a_database_say_what_to_do(foi_subprocess):
    result = foi_subprocess("councils", "list")
    assert result.returncode == 1
    assert "No campaign database at campaign.db" in result.stderr
    assert "foi init" in result.stderr


def test_childrens_services_listing_has_153_rows(run, initialised):
    rows = rows_of(run("councils", "list", "--childrens-services", "--csv").stdout)
    assert len(rows) == 153
    barnsley = next(r for r in rows if r["code"] == "BNS")
    assert barnsley == {
        "code": "BNS", "gss_code": "E08000016", "name": "Barnsley Metropolitan Borough Council",
        "type": "MD", "region": "Yorkshire and The Humber", "childrens_services": "1", "foi_email": "",
    }
    assert {r["type"] for r in rows} == {"CTY", "UA", "MD", "LBO", "CC"}


def test_filters_by_type_region_and_missing_email(run, initialised):
    assert len(rows_of(run("councils", "list", "--type", "NMD", "--csv").stdout)) == 164
    london = rows_of(run("councils", "list", "--region", "london", "--csv").stdout)
    assert len(london) == 33 and all(r["region"] == "London" for r in london)
    run("councils", "set-email", "BNS", "foi@barnsley.gov.uk")
    missing = json.loads(run("councils", "list", "--childrens-services", "--missing-email", "--json").stdout)
    assert len(missing) == 152 and "BNS" not in {r["code"] for r in missing}


def test_unknown_type_is_a_usage_error(run, initialised):
    result = run("councils", "list", "--type", "FOO", ok=False)
    assert result.exit_code == 2
    assert "FOO (known: CC, CTY, LBO, MD, NMD, UA)" in result.stderr


def test_show_by_code_gss_code_or_name(run, initialised):
    for ident in ("BNS", "e08000016", "Barnsley Metropolitan Borough Council", "Barnsley"):
        shown = json.loads(run("councils", "show", ident, "--json").stdout)
        assert shown["code"] == "BNS" and shown["dfe_la_code"] == "370"
    missing = run("councils", "show", "Atlantis", ok=False)
    assert missing.exit_code == 1 and "No public body matches 'Atlantis'" in missing.stderr


def test_set_email_rejects_bad_addresses(run, initialised):
    bad = run("councils", "set-email", "BNS", "foi@barnsley\r\nBcc: x@example.com", ok=False)
    assert bad.exit_code == 1 and "control characters" in bad.stderr
    bad = run("councils", "set-email", "BNS", "not an address", ok=False)
    assert bad.exit_code == 1


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_with_bad_rows_names_each_line_and_writes_nothing(run, initialised, isolated):
    path = write(isolated / "addresses.csv",
                 "code,foi_email,source\n"
                 "BNS,foi@barnsley.gov.uk,website\n"
                 "ZZZ,foi@nowhere.gov.uk,website\n"
                 "MAN,foi at manchester.gov.uk,website\n")
    result = run("councils", "import", path, ok=False)
    assert result.exit_code == 1
    assert "addresses.csv:3: unknown body 'ZZZ'" in result.stderr
    assert "addresses.csv:4: 'foi at manchester.gov.uk' is not a valid email address" in result.stderr
    assert "nothing was imported" in result.stderr
    db = connect(isolated / "campaign.db")
    assert db.execute("SELECT count(*) FROM bodies WHERE foi_email IS NOT NULL").fetchone()[0] == 0


def test_import_skip_invalid_and_duplicates(run, initialised, isolated):
    path = write(isolated / "addresses.csv",
                 "gss_code,foi_email\nE08000016,foi@barnsley.gov.uk\nE08000016,other@barnsley.gov.uk\nE0BOGUS,x@y.uk\n")
    result = run("councils", "import", path, "--skip-invalid")
    assert "addresses.csv:3: duplicate: E08000016 already given on line 2" in result.stderr
    assert "Updated 1 body" in result.stdout
    assert connect(isolated / "campaign.db")["bodies"].get("BNS")["foi_email"] == "foi@barnsley.gov.uk"


def test_import_by_name_twice_changes_nothing(run, initialised, isolated):
    path = write(isolated / "addresses.csv",
                 "\ufeffName,FOI_Email,checked_on,notes\n"
                 "Barnsley Metropolitan Borough Council,foi@barnsley.gov.uk,2026-01-05,via website\n"
                 "Manchester City Council,foi@manchester.gov.uk,,\n")
    assert "Updated 2 bodies, 0 already up to date" in run("councils", "import", path).stdout
    db = connect(isolated / "campaign.db")
    before = list(db.query("SELECT * FROM bodies ORDER BY code"))
    assert db["bodies"].get("BNS")["email_checked_on"] == "2026-01-05"
    assert "Updated 0 bodies, 2 already up to date" in run("councils", "import", path).stdout
    assert list(connect(isolated / "campaign.db").query("SELECT * FROM bodies ORDER BY code")) == before


def test_import_dry_run_writes_nothing(run, initialised, isolated):
    path = write(isolated / "a.csv", "code,foi_email\nBNS,foi@barnsley.gov.uk\n")
    result = run("councils", "import", path, "--dry-run")
    assert "Would update 1 body" in result.stdout and "BNS: foi@barnsley.gov.uk" in result.stdout
    assert connect(isolated / "campaign.db")["bodies"].get("BNS")["foi_email"] is None


def test_add_a_body_that_is_not_a_council(run, initialised, isolated):
    run("councils", "add", "GMP", "Greater Manchester Police", "--type", "POLICE",
        "--region", "North West", "--email", "foi@gmp.police.uk")
    body = json.loads(run("councils", "show", "GMP", "--json").stdout)
    assert body["origin"] == "user" and body["domain"] == "gmp.police.uk"
    assert [r["code"] for r in rows_of(run("councils", "list", "--type", "police", "--csv").stdout)] == ["GMP"]
    assert "(known: CC, CTY, LBO, MD, NMD, POLICE, UA)" in run("councils", "list", "--type", "FOO", ok=False).stderr
    injected = run("councils", "add", "EVIL", "Evil\r\nBcc: x@example.com", "--type", "X", ok=False)
    assert injected.exit_code == 1
    run("init")  # refreshing the register keeps user bodies
    assert json.loads(run("councils", "show", "GMP", "--json").stdout)["foi_email"] == "foi@gmp.police.uk"


def test_export_round_trips_and_neutralises_formulas(run, initialised, isolated):
    run("councils", "add", "EQ", "=HYPERLINK(\"http://evil\")", "--type", "X")
    run("councils", "export", "-o", "register.csv")
    rows = rows_of((isolated / "register.csv").read_text(encoding="utf-8"))
    assert len(rows) == 318
    assert next(r for r in rows if r["code"] == "EQ")["name"] == "'=HYPERLINK(\"http://evil\")"


def test_init_copies_editable_templates_once(run, isolated):
    run("init")
    request = isolated / "templates" / "request" / "request.txt.j2"
    assert request.exists()
    request.write_text("edited", encoding="utf-8")
    run("init")
    assert request.read_text(encoding="utf-8") == "edited"
