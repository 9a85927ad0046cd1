"""`foi status` follows an internal review on its own clock (issue 17, item 5): after
`foi chase --stage review` the row shows the review and the review's due date, 20
working days after we asked, and `--overdue` includes a review that is late."""

import datetime as dt
import email.policy
import json
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from foi.db import connect
from tests.builders import make_campaign

REFUSAL = ("We are refusing your request. The information is exempt under section 40(2) of the Act "
           "(personal information), so it is withheld.")


def refusal_from(council: dict, reference: str, when: str) -> Path:
    """The council's refusal, in our request's thread, as an .eml file."""
    request_id = connect(Path("campaign.db")).execute(
        "SELECT o.message_id FROM outgoing o JOIN requests r ON r.id = o.request_id "
        "WHERE r.reference = ? AND o.kind = 'request'", [reference]).fetchone()[0]
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = council["foi_email"]
    message["To"] = f"foi+{reference.lower()}@charity.test"
    message["Subject"] = f"RE: Freedom of Information request [{reference}]"
    message["Date"] = format_datetime(dt.datetime.fromisoformat(when))
    message["Message-ID"] = f"<refusal.{reference.lower()}@councils.test>"
    message["In-Reply-To"] = request_id
    message.set_content(REFUSAL)
    path = Path(f"refusal-{reference}.eml")
    path.write_bytes(message.as_bytes())
    return path


def status(run, *args: str) -> dict:
    return {row["body_code"]: row for row in json.loads(run("status", "eh", "--json", *args).stdout)["requests"]}


def test_a_review_shows_its_own_due_date_and_is_overdue_when_late(mail, run, monkeypatch):
    councils = make_campaign(count=2)
    refused, silent = sorted(councils)
    refused_code, silent_code = councils[refused]["code"], councils[silent]["code"]
    run("send", "eh", "--yes")  # 4 March 2026: due 2 April (St Patrick's Day, 17 March, skipped)
    run("import", str(refusal_from(councils[refused], refused, "2026-03-30T10:00:00+01:00")))
    monkeypatch.setenv("FOI_NOW", "2026-04-08T11:00:00+01:00")
    run("chase", "eh", "--stage", "review", "--body", refused_code, "--yes")

    # 20 working days from 8 April (4 May a bank holiday): due 7 May, very late after 5 June.
    monkeypatch.setenv("FOI_NOW", "2026-04-20T09:00:00+01:00")
    row = status(run)[refused_code]
    assert (row["state"], row["due_date"], row["days_elapsed"], row["overdue"], row["days_overdue"]) == (
        "internal_review", "2026-05-07", 8, False, 0)
    assert (row["review_requested_on"], row["review_due"]) == ("2026-04-08", "2026-05-07")
    assert list(status(run, "--overdue")) == [silent_code]

    # 20 May: 9 working days after 7 May.
    monkeypatch.setenv("FOI_NOW", "2026-05-20T09:00:00+01:00")
    late = status(run, "--overdue")
    assert sorted(late) == sorted([refused_code, silent_code])
    assert (late[refused_code]["due_date"], late[refused_code]["days_overdue"],
            late[refused_code]["very_overdue"]) == ("2026-05-07", 9, False)
    assert late[silent_code]["due_date"] == "2026-04-02"
    table = run("status", "eh", "--overdue")
    [line] = [line for line in table.stdout.splitlines() if line.startswith(refused_code)]
    assert line.split()[-8:-2] == ["internal_review", "2026-03-04", "2026-05-07", "(review)", "29", "9"]
    assert "overdue 2, very overdue 1; 2 shown" in table.stdout
    assert "The internal review is overdue by 9 working days as of 2026-05-20." in run(
        "deadline", "eh", refused_code).stdout
    exported = {r["body_code"]: r for r in json.loads(
        run("export", "eh", "--what", "requests", "--format", "json").stdout)}
    assert (exported[refused_code]["due_date"], exported[silent_code]["due_date"]) == ("2026-05-07", "2026-04-02")


def test_status_does_not_import_what_only_campaign_files_and_reference_data_need():
    """Start-up: `foi status` reads the stored campaign's rows, so the campaign file's
    parser (tomllib), its formula checker (ast), difflib's suggestions and the reference
    tables (the shipped DfE figures) are imported only by the commands that use them."""
    import subprocess
    import sys

    make_campaign(count=2)
    code = ("import runpy, sys\nsys.argv = ['foi', 'status', 'eh']\n"
            "try:\n    runpy.run_module('foi', run_name='__main__')\nexcept SystemExit as done:\n"
            "    assert not done.code, done.code\n"
            "print(sorted(m for m in sys.modules if m in ('tomllib', 'difflib', 'foi.campaign.formula') "
            "or m.startswith('foi.reference')), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "2 requests (draft 2)" in result.stdout  # status ran and counted them
    assert result.stderr.splitlines()[-1] == "[]"
