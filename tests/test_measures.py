"""Measures ([[measures]] in the campaign file): formulas checked with every other problem of
the file, computed for each council and period with a suppressed answer's bounds carried
into the result, no value (never zero) for a missing input or a division by zero; `foi
export --what measures` and the report's `measures` (issue 18, items 2 and 6).

Every expected figure below is worked out by hand from ANSWERS and CHILDREN_IN_NEED."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from foi.campaign.formula import FormulaError, parse_formula
from foi.db import connect
from foi.errors import FoiError
from foi.measures.cells import Cell
from foi.measures.compute import evaluate, measure_cells
from foi.report.export import MEASURE_COLUMNS
from tests.builders import campaign_file, create_campaign, register_db, save_reference

SLUG = "eh"
CODES = ["BNS", "LDS", "MAN", "KEN", "SHF"]
QUESTIONS = (
    {"id": "closed", "text": "How many assessments were closed with no further action?"},
    {"id": "rereferrals", "text": "Of those, how many children were referred again within 12 months?"},
)
RATE = {"id": "rereferral_rate", "title": "Re-referral rate", "formula": "rereferrals / closed",
        "format": "percent"}
NET = {"id": "net_per_cin", "formula": "(closed - rereferrals)  /  ref.children_in_need", "format": "ratio",
       "note": "Closed and not referred again, per child in need"}
# (code, period): (closed, rereferrals), as `foi answer` takes them; BNS 2024/25 has no re-referrals yet.
ANSWERS = {
    ("BNS", "2023/24"): ("200", "50"),
    ("LDS", "2023/24"): ("40", "<5"),
    ("MAN", "2023/24"): ("30", "refused:s12"),
    ("KEN", "2023/24"): ("0", "0"),
    ("SHF", "2023/24"): ("<5", "2"),
    ("BNS", "2024/25"): ("100", None),
}
CHILDREN_IN_NEED = {("BNS", "2023/24"): 1000, ("LDS", "2023/24"): 800, ("MAN", "2023/24"): 600,
                    ("SHF", "2023/24"): 0, ("BNS", "2024/25"): 1100}


@pytest.fixture
def measured(run):
    """Five councils, two periods, two measures; the answers recorded with `foi answer`."""
    db = register_db()
    save_reference(db, "children_in_need", CHILDREN_IN_NEED, title="Children in need at 31 March")
    create_campaign(db, Path("."), slug=SLUG, prefix="EH", recipients=CODES, questions=QUESTIONS,
                    measures=(RATE, NET))
    for (code, period), values in ANSWERS.items():
        for question, value in zip(("closed", "rereferrals"), values):
            if value is not None:
                run("answer", SLUG, code, question, period, value)
    return db


def by_council(cells: list[Cell]) -> dict[tuple[str, str], tuple]:
    return {(c.body_code, c.period): (c.value, c.low, c.high, c.note) for c in cells}


ALL_MISSING = "no value: rereferrals is missing and closed is missing"
EXPECTED_RATE = {
    ("BNS", "2023/24"): (0.25, 0.25, 0.25, ""),                # 50 / 200
    ("LDS", "2023/24"): (None, 0.0, 0.1, "a range, as rereferrals is suppressed (<5), counted as 0 to 4"),
    ("MAN", "2023/24"): (None, None, None, "no value: rereferrals is refused"),
    ("KEN", "2023/24"): (None, None, None, "no value: it divides by closed, which is 0"),
    ("SHF", "2023/24"): (None, None, None, "no value: it divides by closed, which may be 0 (it is 0 to 4)"),
    ("BNS", "2024/25"): (None, None, None, "no value: rereferrals is missing"),
    ("LDS", "2024/25"): (None, None, None, ALL_MISSING),
    ("MAN", "2024/25"): (None, None, None, ALL_MISSING),
    ("KEN", "2024/25"): (None, None, None, ALL_MISSING),
    ("SHF", "2024/25"): (None, None, None, ALL_MISSING),
}
NONE_2024 = ("no value: closed is missing, rereferrals is missing and ref.children_in_need has no figure for "
             "2024/25")
EXPECTED_NET = {
    ("BNS", "2023/24"): (0.15, 0.15, 0.15, ""),                # (200 - 50) / 1000
    ("LDS", "2023/24"): (None, 0.045, 0.05, "a range, as rereferrals is suppressed (<5), counted as 0 to 4"),
    ("MAN", "2023/24"): (None, None, None, "no value: rereferrals is refused"),
    ("KEN", "2023/24"): (None, None, None, "no value: ref.children_in_need has no figure for 2023/24"),
    ("SHF", "2023/24"): (None, None, None, "no value: it divides by ref.children_in_need, which is 0"),
    ("BNS", "2024/25"): (None, None, None, "no value: rereferrals is missing"),
    ("LDS", "2024/25"): (None, None, None, NONE_2024),
    ("MAN", "2024/25"): (None, None, None, NONE_2024),
    ("KEN", "2024/25"): (None, None, None, NONE_2024),
    ("SHF", "2024/25"): (None, None, None, NONE_2024),
}


def test_each_council_and_period_computed_by_hand(measured):
    """A '<5' numerator makes the rate a range (40 closed: 0/40 to 4/40); a refused or missing
    input, a zero divisor and a divisor that may be zero ('<5') give no value, never zero."""
    rate = measure_cells(measured, SLUG, "rereferral_rate")
    assert by_council(rate) == EXPECTED_RATE
    assert [(c.body_code, c.period) for c in rate][:4] == [("BNS", "2023/24"), ("BNS", "2024/25"),
                                                           ("KEN", "2023/24"), ("KEN", "2024/25")]
    # 40 - [0, 4] is 36 to 40 children, over 800 children in need.
    assert by_council(measure_cells(measured, SLUG, "net_per_cin")) == EXPECTED_NET


def test_an_unknown_measure_is_named_with_the_known_ones(measured):
    with pytest.raises(FoiError, match="Campaign 'eh' has no measure 'rate'") as caught:
        measure_cells(measured, SLUG, "rate")
    assert caught.value.hint == "Its measures: rereferral_rate, net_per_cin."


def test_export_measures_csv_one_row_per_council_period_and_measure(measured, run):
    result = run("export", SLUG, "--what", "measures")
    assert result.stdout.splitlines()[0] == ",".join(MEASURE_COLUMNS) == (
        "body_code,body_name,gss_code,region,measure,period,value,low,high,note,formula")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 5 * 2 * 2
    # By council name, then the measures and periods in the campaign file's order.
    assert [(r["body_code"], r["measure"], r["period"]) for r in rows[:4]] == [
        ("BNS", "rereferral_rate", "2023/24"), ("BNS", "rereferral_rate", "2024/25"),
        ("BNS", "net_per_cin", "2023/24"), ("BNS", "net_per_cin", "2024/25")]
    assert [r["body_code"] for r in rows[::4]] == ["BNS", "KEN", "LDS", "MAN", "SHF"]
    assert rows[0] == {"body_code": "BNS", "body_name": "Barnsley Metropolitan Borough Council",
                       "gss_code": "E08000016", "region": "Yorkshire and The Humber", "measure": "rereferral_rate",
                       "period": "2023/24", "value": "0.25", "low": "0.25", "high": "0.25", "note": "",
                       "formula": "rereferrals / closed"}
    leeds = {(r["measure"], r["period"]): r for r in rows if r["body_code"] == "LDS"}
    assert leeds[("net_per_cin", "2023/24")] == {
        "body_code": "LDS", "body_name": "Leeds City Council", "gss_code": "E08000035",
        "region": "Yorkshire and The Humber", "measure": "net_per_cin", "period": "2023/24", "value": "",
        "low": "0.045", "high": "0.05", "note": "a range, as rereferrals is suppressed (<5), counted as 0 to 4",
        "formula": "(closed - rereferrals) / ref.children_in_need"}
    kent = {(r["measure"], r["period"]): (r["value"], r["low"], r["high"], r["note"])
            for r in rows if r["body_code"] == "KEN"}
    assert kent[("rereferral_rate", "2023/24")] == ("", "", "", "no value: it divides by closed, which is 0")
    assert result.stderr == ""


def test_export_measures_json_and_xlsx(measured, run, isolated):
    rows = json.loads(run("export", SLUG, "--what", "measures", "--format", "json").stdout)
    assert [list(row) for row in rows[:1]] == [MEASURE_COLUMNS]
    for measure, expected in (("rereferral_rate", EXPECTED_RATE), ("net_per_cin", EXPECTED_NET)):
        assert {(r["body_code"], r["period"]): (r["value"], r["low"], r["high"], r["note"] or "")
                for r in rows if r["measure"] == measure} == expected
    result = run("export", SLUG, "--what", "measures", "--format", "xlsx", "-o", "measures.xlsx")
    assert result.stderr == "Wrote 20 rows to measures.xlsx\n"
    book = load_workbook(isolated / "measures.xlsx")
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == MEASURE_COLUMNS
    assert [c.value for c in sheet[2]][:9] == ["BNS", "Barnsley Metropolitan Borough Council", "E08000016",
                                               "Yorkshire and The Humber", "rereferral_rate", "2023/24",
                                               0.25, 0.25, 0.25]
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
    assert about["Measure rereferral_rate"] == "Re-referral rate = rereferrals / closed (percent)"
    assert about["Measure net_per_cin"] == ("net_per_cin = (closed - rereferrals) / ref.children_in_need (ratio). "
                                            "Closed and not referred again, per child in need")
    assert about["Measures"].startswith("Worked out for each council and period from its answers")


def test_export_of_a_campaign_without_measures_says_how_to_add_them(run):
    create_campaign(register_db(), Path("."), slug=SLUG, prefix="EH", recipients=["BNS"], questions=QUESTIONS)
    result = run("export", SLUG, "--what", "measures", ok=False)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == ("Error: Campaign 'eh' has no measures to export\n"
                             "  Add [[measures]] to its campaign file and run `foi campaign create --update FILE`.\n")


def test_create_counts_the_measures(run):
    register_db()
    Path("m.toml").write_text(campaign_file(slug=SLUG, prefix="EH", title="T", recipients=["BNS"],
                                            periods=["2023/24"], questions=QUESTIONS, measures=(RATE,)))
    result = run("campaign", "create", "m.toml")
    assert result.stderr.startswith("Campaign eh created (EH, 2 questions, 1 period, 1 measure).\n")
    shown = run("campaign", "show", SLUG).stdout
    assert "measure: [rereferral_rate, percent] rereferrals / closed  (Re-referral rate)\n" in shown


def test_report_counts_councils_with_a_value_a_range_or_none(measured, run, isolated):
    data = json.loads(run("report", SLUG, "--json").stdout)
    common = {"recipients": 5}
    assert data["measures"] == [
        {"id": "rereferral_rate", "title": "Re-referral rate", "formula": "rereferrals / closed",
         "format": "percent", "period": "2023/24", **common, "councils": 1, "ranged": 1, "missing": 3},
        {"id": "rereferral_rate", "title": "Re-referral rate", "formula": "rereferrals / closed",
         "format": "percent", "period": "2024/25", **common, "councils": 0, "ranged": 0, "missing": 5},
        {"id": "net_per_cin", "title": "net_per_cin", "formula": "(closed - rereferrals) / ref.children_in_need",
         "format": "ratio", "period": "2023/24", **common, "councils": 1, "ranged": 1, "missing": 3},
        {"id": "net_per_cin", "title": "net_per_cin", "formula": "(closed - rereferrals) / ref.children_in_need",
         "format": "ratio", "period": "2024/25", **common, "councils": 0, "ranged": 0, "missing": 5},
    ]
    text = run("report", SLUG).stdout
    section = text.split("Measures (councils of 5 recipients)\n", 1)[1].split("\n\n", 1)[0]
    assert [re.split(r"\s{2,}", line) for line in section.splitlines()[1:]] == [
        ["measure", "period", "formula", "with a value", "a range only", "no value"],
        ["-" * 16, "-" * 7, "-" * 53, "-" * 12, "-" * 12, "-" * 8],
        ["Re-referral rate", "2023/24", "rereferrals / closed (percent)", "1", "1", "3"],
        ["Re-referral rate", "2024/25", "rereferrals / closed (percent)", "0", "0", "5"],
        ["net_per_cin", "2023/24", "(closed - rereferrals) / ref.children_in_need (ratio)", "1", "1", "3"],
        ["net_per_cin", "2024/25", "(closed - rereferrals) / ref.children_in_need (ratio)", "0", "0", "5"],
    ]
    assert "Measures are worked out for each council and period from its own answers" in text
    run("report", SLUG, "--html", "report.html")
    html = (isolated / "report.html").read_text(encoding="utf-8")
    table = html.split('<table id="measures">', 1)[1].split("</table>", 1)[0]
    assert ("<tr><td>Re-referral rate</td><td>2023/24</td><td><code>rereferrals / closed</code> (percent)</td>\n"
            '    <td class="n">1</td><td class="n">1</td><td class="n">3</td></tr>') in table
    assert table.count("<tr>") == 5


def test_a_campaign_without_measures_has_no_measures_section(run):
    create_campaign(register_db(), Path("."), slug=SLUG, prefix="EH", recipients=["BNS"], questions=QUESTIONS)
    assert json.loads(run("report", SLUG, "--json").stdout)["measures"] == []
    assert "Measures" not in run("report", SLUG).stdout


BAD_MEASURES = """
[[measures]]
id = "rate"
formula = "rereferals / closed"
format = "percentage"

[[measures]]
id = "closed"
formula = "len(closed)"

[[measures]]
id = "per_child"
formula = "closed / ref.children_in_nee + 1 / ref.population"
formul = "x"

[[measures]]
id = "said"
formula = "comment * 2"

[[measures]]
id = "constant"
formula = "100 / 3"
"""


def test_formula_problems_name_their_field_with_every_other_problem(run):
    db = register_db()
    save_reference(db, "children_in_need", CHILDREN_IN_NEED)
    text = campaign_file(slug=SLUG, prefix="EH", title="T", recipients=["BNS", "ZZZ"], periods=["2023/24"],
                         questions=QUESTIONS + ({"id": "comment", "text": "Any comment?", "kind": "text"},))
    Path("bad.toml").write_text(text + BAD_MEASURES, encoding="utf-8")
    result = run("campaign", "create", "bad.toml", ok=False)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: bad.toml: 10 problems in the campaign file:\n"
        "  - measures[0].formula: unknown question 'rereferals' (did you mean 'rereferrals'?)\n"
        "  - measures[0].format: 'percentage' is not one of number, percent, ratio\n"
        "  - measures[1].id: 'closed' is already a question's id; give the measure another\n"
        "  - measures[1].formula: 'len(closed)' is not allowed in a formula: use question ids, ref.NAME, numbers, "
        "+ - * / and brackets\n"
        "  - measures[2].formul: unknown key (allowed: format, formula, id, note, title)\n"
        "  - measures[2].formula: unknown reference table 'ref.children_in_nee' (did you mean "
        "'ref.children_in_need'?); `foi reference list` shows the tables\n"
        "  - measures[2].formula: unknown reference table 'ref.population'; `foi reference list` shows the tables\n"
        "  - measures[3].formula: question 'comment' is not answered with a number (its kind is text)\n"
        "  - measures[4].formula: '100 / 3' names no question or reference table, so it is the same for every "
        "council\n"
        "  - recipients: unknown body code 'ZZZ' (see `foi councils list`)\n")
    assert db["campaigns"].count == 0


@pytest.mark.parametrize("formula, problem", [
    ("a ** 2", "'a ** 2' is not allowed in a formula"),
    ("a.total / b", "'a.total' is not allowed in a formula"),
    ("ref / a", "'ref' must be followed by a reference table's name, e.g. ref.children_in_need"),
    ("ref.Population", "'ref.Population': a reference table's name is lower-case letters, digits and '_'"),
    ("ref.a.b", "'ref.a.b' is not allowed in a formula"),
    ("a < b", "'a < b' is not allowed in a formula"),
    ("a // b", "'a // b' is not allowed in a formula"),
    ("__import__('os').system('x')", "\"__import__('os').system('x')\" is not allowed in a formula"),
    ("(lambda: 1)()", "'(lambda: 1)()' is not allowed in a formula"),
    ("a if b else c", "'a if b else c' is not allowed in a formula"),
    ("True + a", "'True' is not allowed in a formula"),
    ("'5' + a", "\"'5'\" is not allowed in a formula"),
    ("1e999 * a", "'1e999' is too large a number"),
    ("a /", "'a /' is not a formula (use question ids, ref.NAME, numbers, + - * / and brackets, e.g. 'a / b')"),
    ("a; b", "'a; b' is not a formula"),
    ("a + " * 80 + "a", "the formula is longer than 300 characters; write a shorter one"),
])
def test_only_arithmetic_on_names_and_numbers_is_read(formula, problem):
    with pytest.raises(FormulaError) as caught:
        parse_formula(formula)
    assert str(caught.value).startswith(problem)


def test_what_a_formula_names_in_order_once_each():
    parsed = parse_formula("-(a + ref.x) * 2.5 / (a - ref.y) + b")
    assert (parsed.questions, parsed.references) == (("a", "b"), ("x", "y"))


def test_ranges_go_through_every_operation():
    """Interval arithmetic: -[1, 3] * [-2, 5] is [-15, 6]; [1, 3] - [-2, 5] is [-4, 5]; a range
    times zero is exactly zero."""
    a, b = Cell("BNS", "2024/25", None, 1.0, 3.0, "suppressed (1-3)"), Cell("BNS", "2024/25", None, -2.0, 5.0)
    inputs = {"a": a, "b": b}
    assert evaluate(parse_formula("-a * b"), inputs, "BNS", "2024/25") == Cell(
        "BNS", "2024/25", None, -15.0, 6.0,
        "a range, as a is suppressed (1-3), counted as 1 to 3; b is a range, counted as -2 to 5")
    assert (evaluate(parse_formula("a - b"), inputs, "BNS", "2024/25").low,
            evaluate(parse_formula("a - b"), inputs, "BNS", "2024/25").high) == (-4.0, 5.0)
    assert evaluate(parse_formula("a * 0 + 1"), inputs, "BNS", "2024/25") == Cell("BNS", "2024/25", 1.0, 1.0, 1.0)


def test_adding_a_measure_to_a_created_campaign_needs_update(run):
    db = register_db()
    create_campaign(db, Path("."), slug=SLUG, prefix="EH", recipients=["BNS"], questions=QUESTIONS)
    run("answer", SLUG, "BNS", "closed", "2023/24", "8")
    run("answer", SLUG, "BNS", "rereferrals", "2023/24", "2")
    text = Path(f"{SLUG}.toml").read_text(encoding="utf-8")
    Path(f"{SLUG}.toml").write_text(text + '\n[[measures]]\nid = "rate"\nformula = "rereferrals / closed"\n',
                                    encoding="utf-8")
    refused = run("campaign", "create", f"{SLUG}.toml", ok=False)
    assert refused.exit_code == 1 and "Run `foi campaign create --update FILE`" in refused.stderr
    run("campaign", "create", "--update", f"{SLUG}.toml")
    assert "measure: [rate, number] rereferrals / closed\n" in run("campaign", "show", SLUG).stdout
    rows = list(csv.DictReader(io.StringIO(run("export", SLUG, "--what", "measures").stdout)))
    assert [(r["measure"], r["period"], r["value"], r["low"], r["high"]) for r in rows] == [
        ("rate", "2023/24", "0.25", "0.25", "0.25"), ("rate", "2024/25", "", "", "")]
    assert connect(Path("campaign.db"))["requests"].count == 1
