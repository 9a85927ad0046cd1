"""Measures ([[measures]] in the campaign file): formulas read safely (arithmetic only) and
checked with every other problem of the file, each naming its field (issue 18, item 2)."""

from pathlib import Path

import pytest

from foi.campaign.formula import FormulaError, parse_formula
from tests.builders import campaign_file, register_db, save_reference

SLUG = "eh"
QUESTIONS = (
    {"id": "closed", "text": "How many assessments were closed with no further action?"},
    {"id": "rereferrals", "text": "Of those, how many children were referred again within 12 months?"},
)
RATE = {"id": "rereferral_rate", "title": "Re-referral rate", "formula": "rereferrals / closed",
        "format": "percent"}
CHILDREN_IN_NEED = {("BNS", "2023/24"): 1000, ("LDS", "2023/24"): 800, ("MAN", "2023/24"): 600,
                    ("SHF", "2023/24"): 0, ("BNS", "2024/25"): 1100}


def test_create_counts_the_measures(run):
    register_db()
    Path("m.toml").write_text(campaign_file(slug=SLUG, prefix="EH", title="T", recipients=["BNS"],
                                            periods=["2023/24"], questions=QUESTIONS, measures=(RATE,)))
    result = run("campaign", "create", "m.toml")
    assert result.stderr.startswith("Campaign eh created (EH, 2 questions, 1 period, 1 measure).\n")
    shown = run("campaign", "show", SLUG).stdout
    assert "measure: [rereferral_rate, percent] rereferrals / closed  (Re-referral rate)\n" in shown


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

