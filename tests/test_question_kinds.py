"""Question kinds real requests need beside counts: money, percent and days. A value of
the wrong kind for its question goes to a person, never into the dataset as an answer.
Texts and figures are invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foi.campaign.spec import KINDS
from foi.db import connect
from foi.extract.values import of_kind, parse_value
from tests.builders import sent_to_barnsley
from tests.mailfixtures import reply_file

CAMPAIGN = """
slug = "plans"
title = "Care plans"
recipients = ["BNS"]
periods = ["2022/23", "2023/24"]

[[questions]]
id = "plans"
text = "How many care plans were agreed?"
labels = ["plans agreed"]

[[questions]]
id = "on_time"
kind = "percent"
text = "What share of those plans was agreed within the statutory time limit?"
labels = ["agreed on time"]

[[questions]]
id = "wait"
kind = "days"
text = "What was the average wait from request to agreed plan?"
labels = ["average wait"]

[[questions]]
id = "cost"
kind = "money"
text = "What did the council spend on independent assessors?"
labels = ["assessor spend"]
"""

TABLE = (b"Measure,2022/23,2023/24\n"
         b"Plans agreed,1204,12%\n"
         b"Agreed on time,61.5%,58 per cent\n"
         b"Average wait,34 days,6 weeks\n"
         b"Assessor spend,\"\xc2\xa312,400.50\",\xc2\xa39800\n")


@pytest.fixture
def plans(run, monkeypatch):
    return sent_to_barnsley(run, monkeypatch, "plans", CAMPAIGN)


def test_each_kind_reads_its_own_figures_and_sends_the_wrong_kind_to_review(run, plans):
    run("import", str(reply_file(plans, "Please find attached our response to your request.",
                                 {"plans.csv": (TABLE, "text/csv")}, day=13)))

    rows = json.loads(run("export", "plans", "--what", "dataset", "--format", "json").stdout)
    got = {(r["question_id"], r["period"]): (r["status"], r["value"]) for r in rows}
    assert got == {
        ("plans", "2022/23"): ("answered", 1204), ("plans", "2023/24"): ("needs_review", None),  # 12% for a count
        ("on_time", "2022/23"): ("answered", 61.5), ("on_time", "2023/24"): ("answered", 58),
        ("wait", "2022/23"): ("answered", 34), ("wait", "2023/24"): ("needs_review", None),  # weeks, not days
        ("cost", "2022/23"): ("answered", 12400.5), ("cost", "2023/24"): ("answered", 9800),
    }
    review = json.loads(run("review", "plans", "--json").stdout)
    notes = {(v["question"], v["period"]): v["note"] for v in review["values"]}
    assert "'12%' is a percentage; the question asks for a count" in notes[("plans", "2023/24")]
    assert "'6 weeks' is not a number of days" in notes[("wait", "2023/24")]


@pytest.mark.parametrize(("raw", "kind", "expected"), [
    ("12.5%", "percent", ("answered", 12.5)),
    ("12.5 per cent", "percent", ("answered", 12.5)),
    ("40", "percent", ("answered", 40.0)),
    ("140", "percent", ("needs_review", None)),      # a share above the whole
    ("£40", "percent", ("needs_review", None)),
    ("1,204", "percent", ("needs_review", None)),
    ("14 working days", "days", ("answered", 14.0)),
    ("3 weeks", "days", ("needs_review", None)),
    ("12%", "days", ("needs_review", None)),
    ("not held", "days", ("not_held", None)),
    ("14 days", "count", ("needs_review", None)),
    ("46206571.06", "count", ("needs_review", None)),  # pounds and pence, not a count
    ("12.5", "count", ("needs_review", None)),          # an average or a rate
    ("12.0", "count", ("answered", 12.0)),
    ("3.220", "count", ("answered", 3220.0)),           # '.' grouping thousands (unsure, but whole)
    ("46206571.06", "money", ("answered", 46206571.06)),
])
def test_values_of_each_kind(raw, kind, expected):
    value = of_kind(parse_value(raw, kind), kind)
    assert (value.status, value.value) == expected


def test_a_campaign_file_may_name_every_kind(run):
    run("init")
    Path("plans.toml").write_text(CAMPAIGN, encoding="utf-8")
    run("campaign", "create", "plans.toml")
    kinds = [row[0] for row in connect(Path("campaign.db")).execute(
        "SELECT kind FROM questions WHERE campaign = 'plans' ORDER BY position")]
    assert kinds == ["count", "percent", "days", "money"]
    assert set(KINDS) == {"count", "money", "percent", "days", "text", "yes_no"}
