"""Headers from anyone: a Date far in the future or past, or none that can be read, must
not stop import, extract or the everyday commands; the message lands with the rest of it
read and the date is recorded as not understood."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.builders import sent_to_barnsley
from tests.mailfixtures import reply_file

CAMPAIGN = """
slug = "visits"
title = "Home visits"
recipients = ["BNS"]
periods = ["2024/25"]

[[questions]]
id = "visits"
text = "How many home visits did the outreach team make?"
"""


@pytest.mark.parametrize("date", ["Fri, 31 Dec 9999 23:59:59 -1200", "Mon, 1 Jan 3026 10:00:00 +0000",
                                  "Sat, 1 Jan 0001 00:00:00 +1400", "yesterday at noon"])
def test_a_date_header_out_of_all_reason_leaves_the_campaign_working(run, monkeypatch, date):
    reference = sent_to_barnsley(run, monkeypatch, "visits", CAMPAIGN)
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
