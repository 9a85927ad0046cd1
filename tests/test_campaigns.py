"""Campaign files: validation naming each field, creation, idempotence, --update."""

import json
from pathlib import Path

import pytest

from foi.campaign.campaigns import apply_create, describe_campaign, plan_create
from foi.campaign.spec import CampaignFileError, parse_campaign
from foi.errors import FoiError
from foi.register.councils import set_email
from tests.builders import EXAMPLE, NOW, example_db, example_text


def create(db, path=EXAMPLE, update=False):
    plan = plan_create(db, path, update=update)
    apply_create(db, plan, now=NOW)
    return plan


def write(text: str, name: str = "c.toml") -> Path:
    path = Path(name)
    path.write_text(text, encoding="utf-8")
    return path


def test_example_creates_153_draft_requests_and_reports_missing_addresses(run):
    example_db()
    result = run("campaign", "create", str(EXAMPLE))
    db = example_db()
    rows = {r["body_code"]: r for r in db.query("SELECT * FROM requests WHERE campaign = 'early-help'")}
    assert len(rows) == 153
    assert {r["state"] for r in rows.values()} == {"draft"}
    assert rows["BNS"]["reference"] == "EH-BNS-592V"
    assert rows["BNS"]["email"] == "foi@barnsley.gov.uk" and rows["LDS"]["email"] == "foi@leeds.gov.uk"
    assert sum(1 for r in rows.values() if r["email"] is None) == 151
    listed = [line.split("\t")[0].strip() for line in result.stdout.splitlines()]
    assert len(listed) == 151 and "BNS" not in listed and "MAN" in listed
    assert "151 recipients have no FOI address" in result.stderr
    assert [r["period"] for r in db.query("SELECT period FROM periods ORDER BY position")] == [
        "2015/16", "2016/17", "2017/18", "2018/19", "2019/20"]
    questions = list(db.query("SELECT id, kind, labels FROM questions ORDER BY position"))
    assert [q["id"] for q in questions] == ["closed_no_early_help", "step_down", "rereferrals"]
    assert "re-referrals within 12 months" in json.loads(questions[2]["labels"])
    rules = [r["rule"] for r in db.query("SELECT rule FROM checks ORDER BY position")]
    assert rules[0] == "rereferrals <= closed_no_early_help"


def test_create_twice_changes_nothing_but_copies_new_addresses():
    db = example_db()
    create(db)
    before = list(db.query("SELECT * FROM requests ORDER BY id"))
    set_email(db, "MAN", "foi@manchester.gov.uk")
    plan = create(db)
    assert plan.action == "unchanged" and plan.add == []
    assert plan.refresh == [("MAN", "foi@manchester.gov.uk")]
    after = list(db.query("SELECT * FROM requests ORDER BY id"))
    assert len(after) == 153 and db["events"].count == 153
    changed = [b["body_code"] for a, b in zip(before, after) if a != b]
    assert changed == ["MAN"]
    assert after[[r["body_code"] for r in after].index("MAN")]["email"] == "foi@manchester.gov.uk"
    assert create(db).refresh == []


def test_show_counts_recipients_without_address(run):
    db = example_db()
    create(db)
    info = describe_campaign(db, "early-help")
    assert info["recipients"] == 153 and len(info["no_address"]) == 151
    out = run("campaign", "show", "early-help").stdout
    assert "without an address: 151" in out and "periods: 2015/16, 2016/17, 2017/18, 2018/19, 2019/20" in out
    assert "3. [rereferrals, count]" in out
    assert run("campaign", "list").stdout.startswith("early-help\tEH\t153 requests\t153 drafts\t151 without address")


def test_changed_file_is_refused_unless_update():
    db = example_db()
    create(db, write(example_text(**{'recipients = "childrens-services"': 'recipients = ["BNS", "LDS"]'})))
    changed = write(example_text(**{
        'recipients = "childrens-services"': 'recipients = ["BNS", "LDS", "MAN"]',
        "# Consistency checks":
            '[[questions]]\nid = "open_cases"\ntext = "How many cases were open?"\n\n# Consistency checks',
    }))
    with pytest.raises(FoiError, match=r"already exists and c\.toml differs"):
        plan_create(db, changed)
    plan = create(db, changed, update=True)
    assert [b["code"] for b in plan.add] == ["MAN"]
    assert [r["body_code"] for r in db.query("SELECT body_code FROM requests ORDER BY id")] == ["BNS", "LDS", "MAN"]
    assert [q["id"] for q in db.query("SELECT id FROM questions ORDER BY position")][-1] == "open_cases"


def test_update_after_sending_keeps_sent_requests_and_questions():
    db = example_db()
    create(db, write(example_text(**{'recipients = "childrens-services"': 'recipients = ["BNS", "LDS"]'})))
    db.execute("UPDATE requests SET state = 'awaiting_response', sent_on = '2026-03-02' WHERE body_code = 'BNS'")
    fewer = write(example_text(**{'recipients = "childrens-services"': 'recipients = ["MAN"]'}))
    plan = create(db, fewer, update=True)
    assert plan.keep == ["BNS"] and plan.drop == ["LDS"]
    assert sorted(r["body_code"] for r in db.query("SELECT body_code FROM requests")) == ["BNS", "MAN"]
    reworded = write(example_text(**{"How many children's social care assessments were closed with a step-down":
                                     "How many assessments were closed with a step-down"}))
    with pytest.raises(CampaignFileError, match="'step_down' changed, but requests asking it have been sent"):
        plan_create(db, reworded, update=True)


@pytest.mark.parametrize("replace, expected", [
    ({'title = "': 'titel = "'}, "titel: unknown key"),
    ({'id = "step_down"': 'id = "closed_no_early_help"'}, "questions[1].id: duplicate id 'closed_no_early_help'"),
    ({'periods = ["2015/16", "2016/17", "2017/18", "2018/19", "2019/20"]': "periods = []"},
     "periods: must be a non-empty list"),
    ({'rule = "rereferrals <= closed_no_early_help"': 'rule = "rereferals <= closed_no_early_help"'},
     "checks[0].rule: 'rereferals <= closed_no_early_help' names unknown question 'rereferals'"),
    ({'kind = "count"\ntext = """How many children\'s social care assessments were closed':
      'kind = "number"\ntext = """How many children\'s social care assessments were closed'},
     "questions[1].kind: 'number' is not one of count, money, percent, days, text, yes_no"),
    ({'[[questions]]\nid = "step_down"': '[[questions]]\nlables = []\nid = "step_down"'},
     "questions[1].lables: unknown key"),
    ({'recipients = "childrens-services"': 'recipients = "everyone"'}, "recipients: 'everyone' is not one of"),
    ({'subject = "Early': 'subjekt = "Early'}, "request.subjekt: unknown key"),
    ({'rule = "rereferrals <= closed_no_early_help"': 'rul = "rereferrals <= closed_no_early_help"'},
     "checks[0].rul: unknown key"),
])
def test_each_problem_names_its_field(replace, expected):
    with pytest.raises(CampaignFileError) as caught:
        parse_campaign(example_text(**replace), source="c.toml")
    assert expected in caught.value.problems[0]
    assert str(caught.value).startswith("c.toml: ") and expected in str(caught.value)


def test_several_problems_are_reported_together():
    text = example_text(**{'title = "Early help': 'titel = "Early help',
                           'Stepped down to early help"\nkind = "count"': 'Stepped down to early help"\nkind = "sum"',
                           'periods = ["2015/16", "2016/17", "2017/18", "2018/19", "2019/20"]': "periods = []"})
    with pytest.raises(CampaignFileError) as caught:
        parse_campaign(text, source="c.toml")
    fields = [p.split(":")[0] for p in caught.value.problems]
    assert fields == ["titel", "title", "periods", "questions[1].kind"]
    assert "4 problems" in str(caught.value)


def test_items_that_are_not_tables_are_named_and_the_rest_still_checked():
    text = ('slug = "t"\ntitle = "T"\nrecipients = "all"\nperiods = ["2019/20"]\n'
            'questions = ["How many?"]\nchecks = [{rule = "a <= 1"}, 1]\n')
    with pytest.raises(CampaignFileError) as caught:
        parse_campaign(text, source="c.toml")
    assert caught.value.problems == [
        "questions[0]: must be a [[questions]] table",
        "checks[0].rule: 'a <= 1' names unknown question 'a'",
        "checks[1]: must be a [[checks]] table",
    ]


def test_unknown_recipient_codes_and_filters_name_the_field():
    db = example_db()
    path = write(example_text(**{'recipients = "childrens-services"': 'recipients = ["BNS", "ZZZ"]'}))
    with pytest.raises(CampaignFileError, match=r"recipients: unknown body code 'ZZZ'"):
        plan_create(db, path)
    path = write(example_text(**{'recipients = "childrens-services"':
                                 'recipients = { types = ["LBO", "XX"], regions = ["Londn"] }'}))
    with pytest.raises(CampaignFileError) as caught:
        plan_create(db, path)
    assert [p.split(":")[0] for p in caught.value.problems] == ["recipients.types", "recipients.regions"]


def test_filters_and_default_prefix():
    db = example_db()
    text = example_text(**{'prefix = "EH"\n': "",
                           'recipients = "childrens-services"':
                           'recipients = { types = ["LBO"], regions = ["London"], '
                           'exclude = ["CMD"], codes = ["BNS"] }'})
    plan = create(db, write(text))
    assert plan.spec.prefix == "EH"
    codes = {b["code"] for b in plan.bodies}
    assert len(codes) == 32 and "BNS" in codes and "CMD" not in codes


def test_prefix_already_used_by_another_campaign():
    db = example_db()
    create(db)
    other = write(example_text(**{'slug = "early-help"': 'slug = "exclusions"'}))
    with pytest.raises(CampaignFileError, match="prefix: 'EH' is already used by campaign 'early-help'"):
        plan_create(db, other)


def test_dry_run_writes_nothing(run):
    example_db()
    result = run("campaign", "create", "--dry-run", str(EXAMPLE))
    assert "153 requests would be added" in result.stderr
    assert example_db()["requests"].count == 0


def test_cli_reports_file_problems_on_stderr_with_exit_1(foi_subprocess):
    example_db()
    write(example_text(**{'kind = "count"': 'kind = "number"'}), "bad.toml")
    result = foi_subprocess("campaign", "create", "bad.toml")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: bad.toml: 3 problems in the campaign file:\n"
                                    "  - questions[0].kind: 'number' is not one of "
                                    "count, money, percent, days, text, yes_no\n")


def test_every_problem_is_reported_at_once_file_and_database_alike(run):
    """A bad kind no longer hides an unknown body code and a prefix already taken (issue 17, item 11)."""
    db = example_db()
    create(db)
    write(example_text(**{'slug = "early-help"': 'slug = "exclusions"',
                          'recipients = "childrens-services"': 'recipients = ["BNS", "ZZZ"]',
                          'down to early help"\nkind = "count"': 'down to early help"\nkind = "number"'}),
          "bad.toml")
    result = run("campaign", "create", "bad.toml", ok=False)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "Error: bad.toml: 3 problems in the campaign file:\n"
        "  - questions[1].kind: 'number' is not one of count, money, percent, days, text, yes_no\n"
        "  - recipients: unknown body code 'ZZZ' (see `foi councils list`)\n"
        "  - prefix: 'EH' is already used by campaign 'early-help'; set another prefix\n")
    assert db["campaigns"].count == 1


def test_an_update_reports_a_new_prefix_and_a_reworded_sent_question_together(run):
    db = example_db()
    create(db, write(example_text(**{'recipients = "childrens-services"': 'recipients = ["BNS", "LDS"]'})))
    db.execute("UPDATE requests SET state = 'awaiting_response', sent_on = '2026-03-02' WHERE body_code = 'BNS'")
    write(example_text(**{'recipients = "childrens-services"': 'recipients = ["BNS", "LDS"]',
                          'prefix = "EH"': 'prefix = "EHC"',
                          "with a step-down": "with a step down"}))
    result = run("campaign", "create", "--update", "c.toml", ok=False)
    assert result.exit_code == 1 and result.stderr == (
        "Error: c.toml: 2 problems in the campaign file:\n"
        "  - prefix: campaign 'early-help' has prefix EH; it cannot change because its references are already made\n"
        "  - questions: 'step_down' changed, but requests asking it have been sent; add a new question instead\n")
