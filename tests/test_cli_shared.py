"""What the command modules share: asking before sending, the progress display,
and reasons the library gives as values rather than words to match."""

import io
import json
import mailbox
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from foi.cli.progress import Progress
from tests.builders import make_campaign

CLI = Path(__file__).resolve().parent.parent / "foi" / "cli"
REFUSAL = ("Error: Not sending {what}: standard input is not a terminal, so nobody can confirm. "
           "Add --yes to send, or --dry-run to see what would go.")


@pytest.fixture(autouse=True)
def signed(monkeypatch):
    monkeypatch.setenv("FOI_SENDER_NAME", "Children's Rights Campaign")
    monkeypatch.setenv("FOI_SENDER_EMAIL", "campaigns@charity.test")
    monkeypatch.setenv("FOI_OUTBOX_COUNTS_AS_SENT", "true")  # what goes into outbox/ counts as sent here


SENT = "Written to outbox/, counted as sent: {}"


def _sent() -> int:
    return len(list(mailbox.Maildir("outbox", create=False))) if Path("outbox").exists() else 0


def _states() -> set[str]:
    with sqlite3.connect("campaign.db") as conn:
        return {state for (state,) in conn.execute("SELECT state FROM requests")}


def test_send_without_a_terminal_needs_yes(run):
    make_campaign(count=2)
    refused = run("send", "eh", ok=False)
    assert refused.exit_code == 2
    assert refused.stderr.splitlines() == [REFUSAL.format(what="requests")]
    assert _sent() == 0 and _states() == {"draft"}
    assert "Would send 2 requests" in run("send", "eh", "--dry-run").stderr  # --dry-run never needs --yes
    assert SENT.format(2) in run("send", "eh", "--yes").stdout
    assert _sent() == 2


def test_chase_and_reply_without_a_terminal_need_yes(run, monkeypatch):
    make_campaign(count=2)
    run("send", "eh", "--yes")
    monkeypatch.setenv("FOI_NOW", "2026-05-20T10:00:00+00:00")
    refused = run("chase", "eh", "--stage", "reminder", ok=False)
    assert refused.exit_code == 2 and refused.stderr.splitlines() == [REFUSAL.format(what="reminders")]
    assert _sent() == 2
    code = json.loads(run("status", "eh", "--json").stdout)["requests"][0]["body_code"]
    run("set-state", "eh", code, "awaiting_clarification")
    Path("answer.txt").write_text("We mean referrals to early help.\n", encoding="utf-8")
    refused = run("reply", "eh", code, "--file", "answer.txt", ok=False)
    assert refused.exit_code == 2 and refused.stderr.splitlines() == [REFUSAL.format(what="the reply")]
    assert _sent() == 2
    assert SENT.format(2) in run("chase", "eh", "--stage", "reminder", "--yes").stdout
    assert SENT.format(1) in run("reply", "eh", code, "--file", "answer.txt", "--yes").stdout
    assert _sent() == 5


def test_ico_drafts_are_written_without_yes(run):
    """--stage ico writes complaint drafts and sends nothing, so it asks nobody."""
    make_campaign(count=1)
    assert "Wrote 0 complaint drafts" in run("chase", "eh", "--stage", "ico").stderr


def test_on_a_terminal_send_asks_first(run, monkeypatch):
    monkeypatch.setattr("foi.cli.delivery.stdin_is_terminal", lambda: True)
    make_campaign(count=2)
    declined = run("send", "eh", input="n\n", ok=False)
    assert declined.exit_code == 1 and "Send 2 requests into" in declined.stderr and "Aborted!" in declined.stderr
    assert _sent() == 0
    assert SENT.format(2) in run("send", "eh", input="y\n").stdout


def test_a_scripted_send_stops_with_one_line_and_exit_code_2(foi_subprocess):
    make_campaign(count=1)
    result = foi_subprocess("send", "eh", stdin=subprocess.DEVNULL,
                            env={**os.environ, "FOI_SENDER_NAME": "Campaign",
                                 "FOI_SENDER_EMAIL": "campaign@charity.test"})
    assert result.returncode == 2 and result.stderr.splitlines() == [REFUSAL.format(what="requests")]
    assert _sent() == 0


def test_skip_reasons_are_kinds_not_words(run):
    from foi.db import open_db
    from foi.letters.render import Sender, renderer_for
    from foi.sending.send import SkipKind, plan_send

    make_campaign(count=3)
    run("send", "eh", "--limit", "1", "--yes")
    db = open_db(Path("campaign.db"))
    plan = plan_send(db, "eh", renderer_for(db, "eh", Sender("Campaign", "campaign@charity.test")), limit=1)
    assert sorted(item.kind for item in plan.skipped) == [SkipKind.ALREADY_SENT, SkipKind.BEYOND_LIMIT]
    shown = run("send", "eh", "--limit", "1", "--dry-run").stderr
    assert "1 skipped: already sent" in shown and "1 skipped: beyond --limit" in shown


def test_a_conflict_is_a_review_reason_not_a_note_prefix(tmp_path):
    from test_extract_campaign import add_message, add_request, make_db, make_ods

    from foi.extract.review import ReviewReason, review_campaign
    from foi.extract.run import extract_campaign

    db = make_db(tmp_path)
    ods = make_ods("Data", [["", "2015/16"], ["Referrals", "1,234"]])
    add_message(db, tmp_path / "blobs", add_request(db, "BNS"), "Q1 referrals\n2015/16: 1,243\n", {"answer.ods": ods})
    extract_campaign(db, tmp_path / "blobs", "cin", now="2026-03-01T09:00:00+00:00")
    reasons = [value["reason"] for value in review_campaign(db, "cin")["values"]]
    assert reasons == [ReviewReason.CONFLICT] and isinstance(reasons[0], ReviewReason)


def test_no_command_module_matches_reasons_by_their_words():
    for path in CLI.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"reason\S*\.startswith\(|reason\S*\.split\(", text), path.name


def test_no_command_module_imports_another_ones_private_helper():
    for path in CLI.glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"\s*from foi\.cli\.\w+ import", line):
                names = re.sub(r".* import ", "", line).replace("(", "").split(",")
                assert not [n for n in names if n.strip().startswith("_")], (path.name, line)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_silent_in_a_pipe():
    pipe = io.StringIO()
    with Progress("Sending", 3, file=pipe) as progress:
        for _ in range(3):
            progress.advance()
    assert pipe.getvalue() == "" and progress.done == 3


def test_progress_on_a_terminal_a_bar_per_label_or_a_count():
    terminal = _Terminal()
    with Progress("Fetching", file=terminal) as progress:
        progress.update(1, 2, "INBOX")
        progress.update(2, 2, "INBOX")
        progress.update(1, 1, "Archive")
    shown = terminal.getvalue()
    assert "INBOX" in shown and "Archive" in shown and "100%" in shown
    counter = _Terminal()
    with Progress("Messages read", file=counter) as progress:
        progress.advance()
        progress.advance()
    assert counter.getvalue() == "\rMessages read: 1\rMessages read: 2\n"
