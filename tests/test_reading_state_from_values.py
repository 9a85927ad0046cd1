"""A reply triage could not read, whose figures extraction settles, is the answer:
the request's state, the message's classification and the clock follow the values
(the state and the dataset cannot disagree). Texts are invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foi.db import connect
from foi.triage.classify import classify_text, count_figures
from tests.builders import sent_to_barnsley
from tests.mailfixtures import reply_file

CAMPAIGN = """
slug = "libs"
title = "Library visits"
recipients = ["BNS"]
periods = ["2021/22", "2022/23", "2023/24"]

[[questions]]
id = "visits"
text = "How many visits did the council's libraries record?"
labels = ["library visits"]
"""


@pytest.fixture
def libs(run, monkeypatch):
    return sent_to_barnsley(run, monkeypatch, "libs", CAMPAIGN)


# Three figures and no phrase that says "answer": triage leaves it unclassified.
BARE = "Library visits\n\n2021/22 - 412\n2022/23 - 455\n2023/24 - 480\n"


def test_unread_reply_whose_figures_settle_is_the_answer(run, libs):
    assert classify_text(f"RE: {libs}", BARE, []).kind == "unclassified"

    run("import", str(reply_file(libs, BARE, day=13)))  # reads the figures too
    db = connect(Path("campaign.db"))
    request = db.execute("SELECT state, first_response_at FROM requests").fetchone()
    assert request[0] == "answered"
    assert request[1].startswith("2026-03-13")
    kind, evidence = db.execute("SELECT classification, classification_evidence FROM messages").fetchone()
    assert kind == "answer"
    assert json.loads(evidence)["evidence"] == "values read: 3 answered"
    # the clock stopped on the day the reply came, not the day it was read
    status = json.loads(run("status", "libs", "--json").stdout)["requests"][0]
    assert status["state"] == "answered"
    deadline = run("deadline", "libs", "BNS").stdout
    assert "2026-03-13  council responded" in deadline


def test_unread_reply_with_figures_to_confirm_leaves_the_state_alone(run, libs):
    """Figures foi is unsure of decide nothing: the request still waits for a person."""
    run("import", str(reply_file(libs, "Library visits\n\n2021/22 - 412\n2022/23 - 455 or 465\n", day=13)))
    run("extract", "libs")
    db = connect(Path("campaign.db"))
    assert db.execute("SELECT state FROM requests").fetchone()[0] == "awaiting_response"
    assert db.execute("SELECT classification FROM messages").fetchone()[0] == "unclassified"


def test_tab_separated_table_figures_are_not_taken_for_phone_numbers():
    table = "\ti\tii\n2021/22\t3592\t1186\n2022/23\t3795\t1249\n"
    assert count_figures(table) == 4
    assert count_figures("Call us on 01632 960 123 or 020 7946 0018.") == 0
