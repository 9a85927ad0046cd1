"""A reply triage could not read, whose figures extraction settles, is the answer:
the request's state, the message's classification and the clock follow the values
(the state and the dataset cannot disagree). Texts are invented."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

import pytest

from foi.db import connect
from foi.triage.classify import classify_text, count_figures

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


def reply(reference: str, body: str) -> Path:
    message = EmailMessage()
    message["From"], message["To"] = "foi@barnsley.gov.uk", "campaign@charity.test"
    message["Subject"], message["Message-ID"] = f"RE: {reference}", "<libs-1@barnsley.test>"
    message["Date"] = "13 Mar 2026 10:00:00 +0000"
    message.set_content(body)
    path = Path("reply.eml")
    path.write_bytes(message.as_bytes())
    return path


@pytest.fixture
def libs(run, monkeypatch):
    monkeypatch.setenv("FOI_NOW", "2026-03-02T09:00:00+00:00")
    monkeypatch.setenv("FOI_SENDER_NAME", "Data Project")
    monkeypatch.setenv("FOI_SENDER_EMAIL", "campaign@charity.test")
    run("init")
    run("councils", "set-email", "BNS", "foi@barnsley.gov.uk", "--source", "test")
    Path("libs.toml").write_text(CAMPAIGN, encoding="utf-8")
    run("campaign", "create", "libs.toml")
    run("mark-sent", "libs", "BNS", "--via", "email", "--on", "2026-03-02")
    monkeypatch.setenv("FOI_NOW", "2026-03-17T09:00:00+00:00")
    return connect(Path("campaign.db")).execute("SELECT reference FROM requests").fetchone()[0]


# Three figures and no phrase that says "answer": triage leaves it unclassified.
BARE = "Library visits\n\n2021/22 - 412\n2022/23 - 455\n2023/24 - 480\n"


def test_unread_reply_whose_figures_settle_is_the_answer(run, libs):
    assert classify_text(f"RE: {libs}", BARE, []).kind == "unclassified"

    run("import", str(reply(libs, BARE)))  # reads the figures too
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
    run("import", str(reply(libs, "Library visits\n\n2021/22 - 412\n2022/23 - 455 or 465\n")))
    run("extract", "libs")
    db = connect(Path("campaign.db"))
    assert db.execute("SELECT state FROM requests").fetchone()[0] == "awaiting_response"
    assert db.execute("SELECT classification FROM messages").fetchone()[0] == "unclassified"


def test_tab_separated_table_figures_are_not_taken_for_phone_numbers():
    table = "\ti\tii\n2021/22\t3592\t1186\n2022/23\t3795\t1249\n"
    assert count_figures(table) == 4
    assert count_figures("Call us on 01632 960 123 or 020 7946 0018.") == 0
