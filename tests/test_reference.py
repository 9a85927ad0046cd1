"""Reference data: the DfE figures foi ships (loaded into every campaign database, from
GSS codes onto the register's codes), councils that merged or split, and `foi reference
import` of a table from a CSV or .xlsx file, every row checked before anything is written."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from foi.db import connect
from tests.builders import create_campaign, register_db

SHIPPED = Path(__file__).resolve().parent.parent / "foi" / "data" / "dfe_children_in_need.csv"
TABLES = ["children_in_need", "children_in_need_during_year", "no_further_action", "referrals", "rereferrals"]
# Read by hand from the DfE's files (C1 referral_count, rereferral_count, no_further_action_count;
# B1 At31_episodes, Anypoint_child): (body, period) -> the five figures, in TABLES' order.
BY_HAND = {
    ("BNS", "2024/25"): {"referrals": 3241, "rereferrals": 825, "no_further_action": 269,
                         "children_in_need": 1566, "children_in_need_during_year": 2910},
    ("LDS", "2015/16"): {"referrals": 10535, "rereferrals": 2651, "no_further_action": 819,
                         "children_in_need": 5711, "children_in_need_during_year": 9044},
    ("HAM", "2019/20"): {"children_in_need": 8293, "children_in_need_during_year": 15595},
}
GSS = {"BNS": "E08000016", "LDS": "E08000035", "HAM": "E10000014"}
DFE_COLUMNS = {"referrals": ("c1", "referral_count"), "rereferrals": ("c1", "rereferral_count"),
               "no_further_action": ("c1", "no_further_action_count"),
               "children_in_need": ("b1", "At31_episodes"), "children_in_need_during_year": ("b1", "Anypoint_child")}
DFE_FILES = {"c1": "dfe/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
             "b1": "dfe/b1_children_in_need_2013_to_2025.csv"}


@pytest.fixture
def campaign_db():
    """A database made as before foi shipped reference data: the register, no reference tables."""
    register_db("campaign.db").close()


def shown(run, name: str, body: str) -> dict:
    result = json.loads(run("reference", "show", name, "--body", body, "--json").stdout)
    return {row["period"]: (row["value"], row["note"]) for row in result["values"]} | {
        "no value": [(gap["periods"], gap["reason"]) for gap in result["no_value"]]}


def values(name: str) -> dict[tuple[str, str], float]:
    return {(row["body_code"], row["period"]): row["value"] for row in connect(Path("campaign.db")).query(
        "SELECT body_code, period, value FROM reference_values WHERE name = ?", [name])}


# ---- the shipped file and the builtin tables

def test_the_shipped_file_holds_every_council_with_childrens_services_by_gss_code_and_financial_year():
    with SHIPPED.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["gss_code", "la_name", "period", *sorted(TABLES, key=[
        "referrals", "rereferrals", "no_further_action", "children_in_need", "children_in_need_during_year"].index)]
    assert sorted({row["period"] for row in rows}) == [f"{year}/{(year + 1) % 100:02d}" for year in range(2012, 2025)]
    register = Path(__file__).resolve().parent.parent / "foi" / "data" / "english_councils.csv"
    with register.open(encoding="utf-8") as handle:
        councils = {row["gss_code"] for row in csv.DictReader(handle) if row["childrens_services"] == "True"}
    latest = {row["gss_code"] for row in rows if row["period"] == "2024/25"}
    assert len(councils) == 153 and latest == councils
    gone = {row["gss_code"] for row in rows} - councils
    assert gone == {"E10000023", "E10000027", "E10000002", "E10000006", "E10000021", "E10000009", "E06000028",
                    "E06000029"}
    barnsley = next(row for row in rows if row["gss_code"] == "E08000016" and row["period"] == "2024/25")
    assert barnsley == {"gss_code": "E08000016", "la_name": "Barnsley", "period": "2024/25", "referrals": "3241",
                        "rereferrals": "825", "no_further_action": "269", "children_in_need": "1566",
                        "children_in_need_during_year": "2910"}
    hackney = next(row for row in rows if row["gss_code"] == "E09000012" and row["period"] == "2021/22")
    assert (hackney["referrals"], hackney["children_in_need"]) == ("x", "x")


def test_foi_init_loads_the_builtin_tables_keyed_by_the_registers_codes(run):
    run("init")
    tables = list(connect(Path("campaign.db")).query(
        "SELECT name, builtin, licence FROM reference_tables ORDER BY name"))
    assert tables == [{"name": name, "builtin": 1, "licence": "Open Government Licence v3.0"} for name in TABLES]
    referrals = values("referrals")
    assert referrals[("BNS", "2024/25")] == 3241 and referrals[("LDS", "2015/16")] == 10535
    assert len({body for body, _period in referrals}) == 153
    db = connect(Path("campaign.db"))
    with db.atomic():
        db.execute("UPDATE reference_values SET value = 1 WHERE name = 'referrals' AND body_code = 'BNS'")
        db.execute("DELETE FROM reference_values WHERE name = 'rereferrals'")
    run("reference", "list")
    assert values("referrals")[("BNS", "2024/25")] == 1 and values("rereferrals") == {}  # first use loads no more
    run("init")  # init loads them again
    assert values("referrals")[("BNS", "2024/25")] == 3241 and len(values("rereferrals")) == 1908


def test_a_database_made_before_gets_the_builtin_tables_on_first_use(run, campaign_db):
    assert values("referrals") == {}
    result = run("reference", "list", "--json")
    listed = json.loads(result.stdout)
    assert [(t["name"], t["builtin"], t["councils"], t["periods"], t["first_period"], t["last_period"])
            for t in listed] == [(name, True, 153, 13, "2012/13", "2024/25") for name in TABLES]
    assert listed[2]["title"] == "Referrals that led to no further action (DfE C1 no_further_action_count)"
    assert listed[0]["title"].startswith("Children in need at 31 March (DfE B1 At31_episodes")
    assert len(values("referrals")) == 1927
    result = run("reference", "list")
    assert result.stderr == "5 tables\n"
    text = result.stdout.splitlines()
    assert text[0].split() == ["name", "title", "source", "licence", "councils", "periods"]
    assert text[2].startswith("children_in_need ") and text[2].endswith("153       2012/13 to 2024/25 (13)")


def test_show_gives_the_figures_of_one_council(run, campaign_db):
    result = run("reference", "show", "referrals", "--body", "BNS")
    lines = result.stdout.splitlines()
    assert lines[0] == "referrals: Referrals to children's social care in the year (DfE C1 referral_count)"
    assert lines[1].startswith("Source: Department for Education, Children in need statistics, reporting year 2025")
    assert lines[1].endswith("table C1 (Open Government Licence v3.0)")
    assert lines[-1].split() == ["BNS", "Barnsley", "Metropolitan", "Borough", "Council", "2024/25", "3,241"]
    assert result.stderr == "13 values\n"


# ---- councils that merged or split

def test_a_county_that_became_a_unitary_council_passes_on_its_figures_with_a_note(run, campaign_db):
    york = shown(run, "referrals", "NYE")
    assert york["2019/20"] == (3827, "figure of North Yorkshire County Council (E10000023), the same area")
    assert york["2023/24"] == (5704, None)
    assert york["no value"] == []
    somerset = shown(run, "children_in_need", "SMT")
    assert somerset["2022/23"][1] == "figure of Somerset County Council (E10000027), the same area"
    assert len(somerset) == 14  # 13 years and no gap
    bucks = shown(run, "referrals", "BUC")
    assert bucks["2019/20"][1] == "figure of Buckinghamshire County Council (E10000002), the same area"
    assert bucks["2020/21"][1] is None


def test_a_split_councils_years_before_have_no_value_for_its_successors_and_say_why(run, campaign_db):
    cumbria = ("Cumbria County Council was split into Cumberland and Westmorland and Furness in April 2023; "
               "the old councils' figures are not shared out between the new ones")
    for code in ("CBD", "WAF"):
        figures = shown(run, "referrals", code)
        assert sorted(period for period in figures if "/" in period) == ["2023/24", "2024/25"]
        assert figures["no value"] == [("2012/13 to 2022/23", cumbria)]
    northants = shown(run, "rereferrals", "NNT")
    assert sorted(period for period in northants if "/" in period) == ["2021/22", "2022/23", "2023/24", "2024/25"]
    assert northants["no value"] == [(
        "2012/13 to 2020/21", "Northamptonshire County Council was split into North Northamptonshire and West "
        "Northamptonshire in April 2021; the old councils' figures are not shared out between the new ones")]
    assert shown(run, "referrals", "BPC")["no value"][0][0] == "2012/13 to 2018/19"
    result = run("reference", "show", "referrals", "--body", "Westmorland and Furness")
    assert result.stdout.endswith(f"No value:\n  WAF Westmorland and Furness Council, 2012/13 to 2022/23: {cumbria}\n")
    assert result.stderr == "2 values; no value for 11 councils and periods\n"


def test_a_figure_the_dfe_withholds_has_no_value_and_says_why(run, campaign_db):
    assert shown(run, "referrals", "HAM")["no value"] == [
        ("2023/24", "withheld by the DfE as too unreliable to publish (u)")]
    assert shown(run, "children_in_need", "HCK")["no value"] == [
        ("2020/21 to 2021/22", "not available from the DfE (x)")]
    result = run("reference", "show", "referrals")
    assert "  IOS Council of the Isles of Scilly, 2016/17: withheld by the DfE to protect confidentiality (c)\n" \
        in result.stdout
    assert result.stderr == "1,927 values; no value for 62 councils and periods\n"


def test_an_unknown_table_is_an_error_naming_the_tables(run, campaign_db):
    result = run("reference", "show", "population", ok=False)
    assert result.exit_code == 1
    assert result.stderr == ("Error: No reference table called 'population'\n  The tables: " + ", ".join(TABLES)
                             + ". `foi reference list` shows them.\n")


def test_the_shipped_figures_are_the_dfes(run, campaign_db, shared):
    """Three councils read by hand, then every figure of theirs against the DfE's files."""
    dfe: dict[str, dict[tuple[str, str], dict]] = {}
    for key, name in DFE_FILES.items():
        with (shared / "data" / name).open(encoding="utf-8-sig") as handle:
            dfe[key] = {(row["new_la_code"], row["time_period"]): row for row in csv.DictReader(handle)
                        if row["geographic_level"] == "Local authority"}
    for (body, period), figures in BY_HAND.items():
        for table, figure in figures.items():
            assert shown(run, table, body)[period] == (figure, None)
            file, column = DFE_COLUMNS[table]
            assert dfe[file][(GSS[body], str(int(period[:4]) + 1))][column] == str(figure)
    for body, gss in GSS.items():
        for table, (file, column) in DFE_COLUMNS.items():
            ours = {period: item[0] for period, item in shown(run, table, body).items() if "/" in period}
            theirs = {f"{int(year) - 1}/{year[2:]}": float(row[column]) for (code, year), row in dfe[file].items()
                      if code == gss and row[column].isdigit()}
            assert ours == theirs and len(ours) >= 12


# ---- importing a table

def write(path: str, text: str, encoding: str = "utf-8") -> str:
    Path(path).write_text(text, encoding=encoding)
    return path


def test_import_a_csv_with_semicolons_and_a_byte_order_mark(run, campaign_db):
    path = write("population.csv", "gss_code;period;children_0_17;note\n"
                                   "E08000016;2024/25;54,210;mid-2024\nE08000035;2024-25;172,400;\n"
                                   "E08000016;2023/2024;53,987;\n", encoding="utf-8-sig")
    result = run("reference", "import", path, "--name", "population", "--title", "Children aged 0 to 17",
                 "--source", "ONS mid-year estimates", "--licence", "Open Government Licence v3.0")
    assert result.stdout == ("Imported 3 values for 2 councils and 2 periods (2023/24, 2024/25) "
                             "into table 'population'.\n")
    assert result.stderr == ("Read population.csv: councils from 'gss_code', periods from 'period', "
                             "values from 'children_0_17'.\n")
    assert values("population") == {("BNS", "2024/25"): 54210, ("LDS", "2024/25"): 172400,
                                     ("BNS", "2023/24"): 53987}
    listed = json.loads(run("reference", "list", "--json").stdout)
    assert next(t for t in listed if t["name"] == "population") | {"imported_at": None} == {
        "name": "population", "title": "Children aged 0 to 17", "source": "ONS mid-year estimates",
        "licence": "Open Government Licence v3.0", "councils": 2, "periods": 2, "builtin": False, "values": 3,
        "first_period": "2023/24", "last_period": "2024/25", "imported_at": None}
    assert shown(run, "population", "BNS")["2024/25"] == (54210, "mid-2024")
    gaps = json.loads(run("reference", "show", "population", "--json").stdout)["no_value"]
    assert gaps == [{"body_code": "LDS", "body_name": "Leeds City Council", "periods": "2023/24", "count": 1,
                     "reason": "not in the imported file"}]
    again = run("reference", "import", path, "--name", "population")
    assert again.stdout == ("Imported 3 values for 2 councils and 2 periods (2023/24, 2024/25) into table "
                            "'population', replacing its 3 values.\n")


def test_import_an_xlsx_workbook_by_council_name_choosing_the_columns(run, campaign_db):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Year ending", "Rate", "Count"])
    sheet.append(["Barnsley Metropolitan Borough Council", "2024/25", 12.5, 40])
    sheet.append(["leeds city council", "2024/25", 9.25, 61])
    sheet.append(["Cornwall Council", "2024/25", None, None])
    book.save("rates.xlsx")
    result = run("reference", "import", "rates.xlsx", "--name", "rate", "--period-column", "Year ending",
                 "--value-column", "rate")
    assert result.stdout == "Imported 2 values for 2 councils and 1 period (2024/25) into table 'rate'.\n"
    assert result.stderr == ("Read rates.xlsx: councils from 'name', periods from 'year_ending', values from 'rate'.\n"
                             "Left out 1 row with no value (lines 4).\n")
    assert values("rate") == {("BNS", "2024/25"): 12.5, ("LDS", "2024/25"): 9.25}


def test_every_bad_row_is_named_and_nothing_is_written(run, campaign_db):
    path = write("bad.csv", "code,period,value\nBNS,2024/25,10\nXYZ,2024/25,3\nLDS,2024,5\nMAN,2024/25,c\n"
                            "bns,2024-25,11\nSHF,2023/25,1\n")
    result = run("reference", "import", path, "--name", "bad_table", ok=False)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Read bad.csv: councils from 'code', periods from 'period', values from 'value'.\n"
        "bad.csv:3: unknown council 'XYZ' (no code in the register matches; `foi councils list` shows them)\n"
        "bad.csv:4: period '2024' is not a financial year like 2024/25\n"
        "bad.csv:5: value 'c' is not a number (leave the row out, or the cell empty, where there is no figure)\n"
        "bad.csv:6: duplicate: bns 2024/25 already given on line 2\n"
        "bad.csv:7: period '2023/25' is not a financial year like 2024/25\n"
        "Error: 5 invalid rows in bad.csv; nothing was imported\n  Fix them and import the file again.\n")
    assert connect(Path("campaign.db")).execute(
        "SELECT count(*) FROM reference_tables WHERE name = 'bad_table'").fetchone()[0] == 0


def test_dry_run_writes_nothing(run, campaign_db):
    path = write("p.csv", "code,period,value\nBNS,2024/25,10\n")
    result = run("reference", "import", path, "--name", "p", "--dry-run")
    assert result.stdout == "Would import 1 value for 1 council and 1 period (2024/25) into table 'p'.\n"
    assert values("p") == {}


@pytest.mark.parametrize(("name", "message"), [
    ("referrals", "'referrals' is the name of a table foi ships (the DfE's figures); choose another name"),
    ("Population", "'Population' must start with a lower-case letter and hold only lower-case letters, digits "
                   "and '_' (a formula uses it as ref.NAME, e.g. ref.population)"),
])
def test_a_name_clashing_with_a_builtin_table_or_unusable_in_a_formula_is_refused(run, campaign_db, name, message):
    path = write("p.csv", "code,period,value\nBNS,2024/25,10\n")
    result = run("reference", "import", path, "--name", name, ok=False)
    assert result.exit_code == 2
    assert f"Invalid value for --name: {message}" in " ".join(result.stderr.split())
    assert values("referrals") == {}  # not even loaded: nothing was done


def test_a_file_without_the_columns_needed_says_what_it_read(run, campaign_db):
    path = write("p.csv", "council,when,value\nBNS,2024/25,10\n")
    result = run("reference", "import", path, "--name", "p", ok=False)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: p.csv: the header must have a column naming the council (code, gss_code or name), a period column "
        "(period or year or financial_year, or name it with --period-column) and a value column\n"
        "  foi read the first line as 3 columns separated by commas: council, when, value. Save it from your "
        "spreadsheet as \"CSV UTF-8 (Comma delimited)\" or as an Excel Workbook (.xlsx), and import that file.\n")
    several = write("q.csv", "code,period,rate,count\nBNS,2024/25,1,2\n")
    result = run("reference", "import", several, "--name", "q", ok=False)
    assert result.exit_code == 1
    assert result.stderr == ("Error: q.csv has several columns that could hold the values (rate, count)\n"
                             "  Choose one with --value-column.\n")


def test_a_period_a_campaign_uses_is_taken_as_written(run, tmp_path):
    db = register_db("campaign.db")
    create_campaign(db, tmp_path, slug="calendar", prefix="CAL", recipients=["BNS"], periods=("2024", "2025"))
    db.close()
    path = write("p.csv", "code,period,value\nBNS,2024,10\nBNS,2026,11\n")
    result = run("reference", "import", path, "--name", "p", ok=False)
    assert result.stderr.splitlines()[1] == "p.csv:3: period '2026' is not a financial year like 2024/25"
    write("p.csv", "code,period,value\nBNS,2024,10\nBNS,2024/25,11\n")
    run("reference", "import", path, "--name", "p")
    assert values("p") == {("BNS", "2024"): 10, ("BNS", "2024/25"): 11}
