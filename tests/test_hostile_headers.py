"""Headers from anyone: a Date far in the future or past, or none that can be read, must
not stop import, extract or the everyday commands; the message lands with the rest of it
read and the date is recorded as not understood."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.builders import VISITS_CAMPAIGN, sent_to_barnsley
from tests.mailfixtures import reply_file


@pytest.mark.parametrize("date", ["Fri, 31 Dec 9999 23:59:59 -1200", "Mon, 1 Jan 3026 10:00:00 +0000",
                                  "Sat, 1 Jan 0001 00:00:00 +1400", "yesterday at noon"])
def test_a_date_header_out_of_all_reason_leaves_the_campaign_working(run, monkeypatch, date):
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    path = reply_file(reference, "In 2024/25 the team made 1,204 home visits.")
    path.write_bytes(re.sub(rb"(?m)^Date: .*$", f"Date: {date}".encode(), path.read_bytes()))
    assert f"Date: {date}".encode() in path.read_bytes()
    run("import", str(path))
    for command in (["extract", "visits"], ["status", "visits"], ["inbox"], ["report", "visits"],
                    ["export", "visits", "--what", "requests", "--format", "csv", "-o", "requests.csv"]):
        run(*command)
    rows = json.loads(run("export", "visits", "--what", "dataset", "--format", "json").stdout)
    assert [(r["status"], r["value"]) for r in rows] == [("answered", 1204)]
    inbox = json.loads(run("inbox", "--json").stdout)
    assert [m["request_id"] is not None for m in inbox if m["message_id"] == "<reply-16@barnsley.test>"] == [True]
    assert Path("requests.csv").exists()


def test_control_characters_in_council_text_never_reach_the_terminal(run, monkeypatch):
    """A subject that would retitle the window (ESC ] 0; ... BEL), one that would clear the
    screen (ESC [ 2 J, and its one-character form U+009B) and a name turned round by a
    right-to-left override are shown with '?' where each control was, in every listing."""
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    path = reply_file(reference, "In 2024/25 the team made 1,204 home visits.")
    hostile = f"RE: {reference} \x1b]0;owned\x07 \x1b[2J \u009b2J answer\u202evsc.exe"
    path.write_bytes(re.sub(rb"(?m)^Subject: .*$", f"Subject: {hostile}".encode(), path.read_bytes()))
    run("import", str(path))
    shown = run("inbox").stdout + run("status", "visits").stdout + run("review", "visits").stdout
    assert "owned" in shown and "answer?vsc.exe" in shown
    assert not any(c in shown for c in "\x1b\x07\u009b\u202e")
    # what programs read stays exact: JSON escapes the characters, it does not lose them
    inbox = json.loads(run("inbox", "--json").stdout)
    assert any(m["subject"] and "\u202e" in m["subject"] for m in inbox)
