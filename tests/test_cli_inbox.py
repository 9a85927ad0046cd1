"""`foi inbox`, `foi assign`, `foi set-state` through the real CLI."""

import json

from tests.builders import sent_campaign
from tests.mailfixtures import deliver, reply


def setup(tmp_path):
    db = sent_campaign(tmp_path / "campaign.db", bodies=("BNS", "LDS"))
    deliver(db, reply("Please find attached.", sender="foi@barnsley.gov.uk",
                      in_reply_to="<req-bns-1@charity.org.uk>",
                      attachments=[("a.pdf", b"%PDF", "application", "pdf")]))
    deliver(db, reply("We do not hold this information.", sender="clerk@leeds-trust.example",
                      subject="Your FOI about Leeds City Council"))
    return db


def test_inbox_lists_unmatched_with_guesses(tmp_path, run):
    setup(tmp_path)
    rows = json.loads(run("inbox", "--unmatched", "--json").stdout)
    assert [(r["id"], r["classification"]) for r in rows] == [(2, "not_held")]
    assert [(g["reference"], g["body_name"], g["score"], g["reason"]) for g in rows[0]["guesses"]] == \
        [("EH-LDS-8Q4J", "Leeds City Council", 0.4, "mentions Leeds City Council")]
    text = run("inbox").stdout
    assert "EH-BNS-Z6VS (Barnsley Metropolitan Borough Council, thread)" in text
    assert "? EH-LDS-8Q4J  Leeds City Council  0.4  mentions Leeds City Council" in text


def test_assign_files_reclassifies_and_learns(tmp_path, run):
    db = setup(tmp_path)
    assert run("assign", "2", "EH-LDS-8Q4J", "--dry-run").stdout.startswith("would file message 2")
    assert db["requests"].get(2)["state"] == "awaiting_response"
    result = run("assign", "2", "eh-2026/LDS")
    assert result.stdout.strip() == "message 2 -> EH-LDS-8Q4J: not_held"
    assert db["requests"].get(2)["state"] == "not_held"
    assert db["known_senders"].get("clerk@leeds-trust.example")["body_code"] == "LDS"
    rows = json.loads(run("inbox", "--campaign", "eh-2026", "--json").stdout)
    assert sorted(r["reference"] for r in rows) == ["EH-BNS-Z6VS", "EH-LDS-8Q4J"]


def test_set_state_validates_and_is_manual(tmp_path, run, foi_subprocess):
    db = setup(tmp_path)
    bad = foi_subprocess("set-state", "eh-2026", "BNS", "sucessful")
    assert bad.returncode == 1 and bad.stderr.startswith("Error: Unknown state 'sucessful'")
    result = run("set-state", "eh-2026", "BNS", "internal-review", "--note", "asked for review")
    assert result.stdout.strip() == "EH-BNS-Z6VS: answered -> internal_review (manual)"
    request = db["requests"].get(1)
    assert (request["state"], request["state_source"]) == ("internal_review", "manual")
    event = next(iter(db["events"].rows_where("kind = 'state_set'")))
    assert (event["actor"], json.loads(event["details"])) == \
        ("user", {"from": "answered", "to": "internal_review", "note": "asked for review"})


def test_assign_unknown_message_is_a_user_error(tmp_path, foi_subprocess):
    setup(tmp_path)
    result = foi_subprocess("assign", "<nope@x>", "EH-LDS-8Q4J")
    assert result.returncode == 1 and result.stderr.startswith("Error: No message '<nope@x>'")
