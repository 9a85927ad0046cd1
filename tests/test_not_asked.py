"""A question or period added by `foi campaign create --update` after requests went out
was never asked of those councils: their cells are 'not_asked', apart from 'missing', in
the dataset export and the report's coverage, and the update says so and how to ask them
(issue 17, item 4)."""

import csv
import io
import json
import re
from pathlib import Path

from tests.builders import campaign_file

FIRST = {"id": "placed_far", "text": "How many children in your care were placed more than 20 miles from home?"}
LATER = {"id": "placed_abroad", "text": "How many children in your care were placed outside England?"}


def write_campaign(questions, periods) -> None:
    Path("placements.toml").write_text(campaign_file(
        slug="placements", prefix="PL", title="Placements", recipients=["BNS", "LDS", "SHF"],
        periods=periods, questions=questions), encoding="utf-8")


def statuses(run) -> dict[tuple[str, str, str], str]:
    rows = csv.DictReader(io.StringIO(run("export", "placements", "--what", "dataset").stdout))
    return {(r["body_code"], r["question_id"], r["period"]): r["status"] for r in rows}


def test_cells_added_after_sending_are_not_asked_and_the_update_says_how_to_ask(run, monkeypatch):
    run("init")
    write_campaign([FIRST], ["2023/24"])
    run("campaign", "create", "placements.toml")
    for code in ("BNS", "LDS"):
        run("mark-sent", "placements", code, "--via", "portal", "--on", "2026-03-02")
    run("answer", "placements", "BNS", "placed_far", "2023/24", "12")

    monkeypatch.setenv("FOI_NOW", "2026-03-05T10:00:00+00:00")
    write_campaign([FIRST, LATER], ["2023/24", "2024/25"])
    dry = run("campaign", "create", "--update", "--dry-run", "placements.toml")
    assert dry.stderr == (
        "Campaign placements would be updated.\n"
        "0 requests would be added; 3 recipients in all.\n"
        "New question placed_abroad: the 2 requests already sent (BNS, LDS) did not ask it.\n"
        "New period 2024/25: the 2 requests already sent (BNS, LDS) did not ask for it.\n"
        "For them these are counted as \"not asked\", apart from missing, in the report and the dataset "
        "export. To ask them, write to each in its request's email thread, keeping our reference in the "
        "subject (`foi reply` only answers a request for clarification): the reply is read into this "
        "campaign by `foi extract`, or enter the figures with `foi answer`. Requests not sent yet will "
        "ask everything.\n"
        "3 recipients have no FOI address in the register (the requests exist; set addresses with "
        "`foi councils set-email` or `councils import`, and `foi send` uses them, or send by post/web form):\n")
    assert statuses(run)[("BNS", "placed_far", "2023/24")] == "answered"
    assert ("BNS", "placed_abroad", "2023/24") not in statuses(run)  # the dry run changed nothing

    run("campaign", "create", "--update", "placements.toml")
    monkeypatch.setenv("FOI_NOW", "2026-03-06T10:00:00+00:00")
    run("mark-sent", "placements", "SHF", "--via", "post", "--on", "2026-03-06")  # sent with both
    # Barnsley was asked the new question later (in its thread) and answered it.
    run("answer", "placements", "BNS", "placed_abroad", "2023/24", "3")
    assert statuses(run) == {
        ("BNS", "placed_far", "2023/24"): "answered", ("BNS", "placed_far", "2024/25"): "not_asked",
        ("BNS", "placed_abroad", "2023/24"): "answered", ("BNS", "placed_abroad", "2024/25"): "not_asked",
        ("LDS", "placed_far", "2023/24"): "missing", ("LDS", "placed_far", "2024/25"): "not_asked",
        ("LDS", "placed_abroad", "2023/24"): "not_asked", ("LDS", "placed_abroad", "2024/25"): "not_asked",
        ("SHF", "placed_far", "2023/24"): "missing", ("SHF", "placed_far", "2024/25"): "missing",
        ("SHF", "placed_abroad", "2023/24"): "missing", ("SHF", "placed_abroad", "2024/25"): "missing",
    }

    report = json.loads(run("report", "placements", "--json").stdout)
    cells = {(c["question_id"], c["period"]): c for c in report["coverage"]}
    abroad = cells[("placed_abroad", "2023/24")]
    assert (abroad["recipients"], abroad["asked"]) == (3, 2)
    assert (abroad["counts"]["answered"], abroad["counts"]["missing"], abroad["counts"]["not_asked"]) == (1, 1, 1)
    assert (abroad["shares"]["answered"], abroad["shares"]["missing"]) == (0.5, 0.5)
    assert cells[("placed_far", "2023/24")]["counts"]["not_asked"] == 0
    assert ("5 cells (council, question and period) were not asked: the question or period was added to the "
            "campaign after that council's request was sent.") in " ".join(report["methodology"])
    text = run("report", "placements").stdout
    assert "Coverage (shares of all 3 recipients asked; cells not asked apart)" in text
    [row] = [line for line in text.splitlines() if line.startswith("placed_abroad  2023/24")]
    assert row.split() == ["placed_abroad", "2023/24", "1", "(50%)", "0", "(0%)", "0", "(0%)", "0", "(0%)",
                           "0", "(0%)", "1", "(50%)", "1"]
    run("report", "placements", "--html", "report.html")
    html = Path("report.html").read_text(encoding="utf-8")
    assert "<th>not asked</th>" in html and "50%<small>1 of 2</small>" in html
    # the coverage table: shares of those asked, and the cell not asked a count alone, as in the terminal
    [cells] = re.findall(r"<tr><td>placed_abroad</td><td>2023/24</td>\s*(.*?)</tr>", html)
    assert re.findall(r'<td class="n">(.*?)</td>', cells) == [
        "1 (50%)", "0 (0%)", "0 (0%)", "0 (0%)", "0 (0%)", "1 (50%)", "1"]
    assert "(of those asked: a question or period added after a council's request was sent" in html


def test_a_reminder_asks_only_for_what_the_request_asked(run, monkeypatch):
    """The chaser to a council sent the request before a question was added does not
    say it is still waiting for an answer to that question."""
    monkeypatch.setenv("FOI_SENDER_NAME", "Data Project")
    monkeypatch.setenv("FOI_SENDER_EMAIL", "campaign@charity.test")
    run("init")
    run("councils", "set-email", "LDS", "foi@leeds.gov.uk", "--source", "test")
    write_campaign([FIRST], ["2023/24"])
    run("campaign", "create", "placements.toml")
    run("mark-sent", "placements", "LDS", "--via", "email", "--on", "2026-03-02")
    monkeypatch.setenv("FOI_NOW", "2026-03-05T10:00:00+00:00")
    write_campaign([FIRST, LATER], ["2023/24", "2024/25"])
    run("campaign", "create", "--update", "placements.toml")
    monkeypatch.setenv("FOI_NOW", "2026-04-15T10:00:00+01:00")  # due 31 March: overdue
    text = " ".join(run("chase", "placements", "--stage", "reminder", "--body", "LDS", "--dry-run").stdout.split())
    assert f"I am still waiting for an answer to: 1. {FIRST['text']} for each of 2023/24. Please send" in text
    assert LATER["text"] not in text and "2024/25" not in text
