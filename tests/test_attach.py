"""`foi attach`: a reply that came by post or from a portal, added as files, is stored and
read like an emailed reply; a request answered only with a link shows the link
(issue 17, item 23)."""

import hashlib
import io
import json
import sqlite3
from pathlib import Path

from tests.builders import VISITS_CAMPAIGN, sent_to_barnsley
from tests.mailbuild import mail, zip_of


def figures_xlsx() -> bytes:
    """The spreadsheet a council's portal gives: a title, then the figure for the year."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Response"
    sheet["A1"] = "FOI response: home visits by the outreach team"
    sheet.append([])
    sheet.append(["Year", "Home visits"])
    sheet.append(["2024/25", 1187])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rows(sql: str, params=()) -> list[dict]:
    with sqlite3.connect("campaign.db") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(sql, params)]


def test_an_attached_spreadsheet_is_stored_read_by_extract_and_answers_the_request(run, monkeypatch, isolated):
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    Path("portal-download.xlsx").write_bytes(figures_xlsx())

    attached = run("attach", "visits", "bns", "portal-download.xlsx", "--on", "2026-03-16",
                   "--note", "downloaded from the council's portal", "--no-extract")

    assert attached.stdout.splitlines() == [
        f"Attached 1 file to {reference} (Barnsley Metropolitan Borough Council) as a reply received on "
        "2026-03-16 (message 1): portal-download.xlsx",
        "Read as answer; the request awaiting_response -> answered."]
    [message] = rows("SELECT * FROM messages")
    assert (message["source"], message["date"], message["received_at"], message["match_rule"],
            message["classification"], message["body_text"].strip()) == (
        "attach", "2026-03-16T00:00:00+00:00", "2026-03-16T00:00:00+00:00", "manual", "answer",
        "downloaded from the council's portal")
    [attachment] = rows("SELECT * FROM attachments")
    sent = Path("portal-download.xlsx").read_bytes()
    assert (attachment["filename"], attachment["size"], attachment["sha256"]) == (
        "portal-download.xlsx", len(sent), hashlib.sha256(sent).hexdigest())
    assert [p.read_bytes() for p in (isolated / "blobs").rglob(attachment["sha256"] + "*")] == [sent]
    [request] = rows("SELECT * FROM requests")
    assert (request["state"], request["first_response_at"], request["last_message_at"]) == (
        "answered", "2026-03-16T00:00:00+00:00", "2026-03-16T00:00:00+00:00")

    run("extract", "visits")

    [value] = json.loads(run("export", "visits", "--what", "dataset", "--format", "json").stdout)
    assert {k: value[k] for k in ("body_code", "question_id", "period", "value", "status", "source_file",
                                  "source_location", "method", "source_message_id")} == {
        "body_code": "BNS", "question_id": "visits", "period": "2024/25", "value": 1187, "status": "answered",
        "source_file": "portal-download.xlsx", "source_location": "Response!B4", "method": "auto",
        "source_message_id": message["message_id"]}


def test_attaching_the_same_files_again_changes_nothing(run, monkeypatch):
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    Path("scan.xlsx").write_bytes(figures_xlsx())
    run("attach", "visits", "BNS", "scan.xlsx", "--on", "2026-03-16")
    before = rows("SELECT * FROM events")

    again = run("attach", "visits", "BNS", "scan.xlsx", "--on", "2026-03-16")

    assert again.stdout == (f"Already attached to {reference} (Barnsley Metropolitan Borough Council) "
                            "(message 1): scan.xlsx; nothing changed.\n")
    assert len(rows("SELECT * FROM messages")) == 1 and rows("SELECT * FROM events") == before


def test_attach_dry_run_stores_nothing(run, monkeypatch):
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    Path("letter.pdf").write_bytes(b"%PDF-1.4 not much of a letter")
    result = run("attach", "visits", "BNS", "letter.pdf", "--dry-run")
    assert result.stdout == (f"Would attach 1 file to {reference} (Barnsley Metropolitan Borough Council) "
                             "as a reply received on 2026-03-17: letter.pdf\n")
    assert rows("SELECT * FROM messages") == []


def test_attach_mistakes_are_said_plainly(run, monkeypatch):
    two = VISITS_CAMPAIGN.replace('recipients = ["BNS"]', 'recipients = ["BNS", "LDS"]')
    reference = sent_to_barnsley(run, monkeypatch, "visits", two)
    Path("reply.pdf").write_bytes(b"%PDF-1.4")

    missing = run("attach", "visits", "BNS", "no-such-file.pdf", ok=False)
    assert missing.exit_code == 2 and "File 'no-such-file.pdf' does not exist" in missing.stderr
    day_first = run("attach", "visits", "BNS", "reply.pdf", "--on", "16/03/2026", ok=False)
    assert day_first.exit_code == 2 and "write it as YYYY-MM-DD" in day_first.stderr
    future = run("attach", "visits", "BNS", "reply.pdf", "--on", "2026-03-18", ok=False)
    assert (future.exit_code, future.stderr.splitlines()) == (1, [
        "Error: --on 2026-03-18 is in the future (today is 2026-03-17)", "  Give the day the reply was received."])
    early = run("attach", "visits", "BNS", "reply.pdf", "--on", "2026-03-01", ok=False)
    assert early.exit_code == 1 and f"--on 2026-03-01 is before {reference} was sent (2026-03-02)" in early.stderr
    draft = run("attach", "visits", "LDS", "reply.pdf", ok=False)
    assert draft.exit_code == 1 and draft.stderr.splitlines()[1:] == [
        "  Record how it was sent first: `foi mark-sent` (by post or a web form) or `foi send`."]
    assert "(Leeds City Council) has not been sent (state draft)" in draft.stderr
    other = run("attach", "visits", "MAN", "reply.pdf", ok=False)
    assert other.exit_code == 1 and "No request to MAN in campaign 'visits'" in other.stderr
    assert rows("SELECT * FROM messages") == []


LINK = "https://www.barnsley.gov.uk/foi/disclosure-log/4471"


def test_a_link_only_answer_shows_its_link_until_the_download_is_attached(run, monkeypatch, isolated):
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    Path("reply.eml").write_bytes(mail(
        subject=f"Re: Home visits [{reference}]", sender="foi@barnsley.gov.uk",
        body=f"The information you asked for is published on our disclosure log at {LINK} ."))
    run("import", "reply.eml")

    status = run("status", "visits").stdout
    assert "link_only" in status
    assert (f"Answered only with a link: download the files, then `foi attach visits BODY FILE...`:\n"
            f"  BNS\t{reference}\t{LINK}\n") in status
    assert f"  BNS\t{reference}\t{LINK}\n" in run("campaign", "show", "visits").stdout

    Path("disclosure-4471.xlsx").write_bytes(figures_xlsx())
    attached = run("attach", "visits", "BNS", "disclosure-4471.xlsx", "--on", "2026-03-17")

    assert "the request link_only -> answered." in attached.stdout
    assert "Answered only with a link" not in run("status", "visits").stdout
    [value] = json.loads(run("export", "visits", "--what", "dataset", "--format", "json").stdout)
    assert (value["value"], value["source_file"]) == (1187, "disclosure-4471.xlsx")


def test_a_photo_of_a_letter_is_stored_and_the_state_left_for_a_person(run, monkeypatch):
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    Path("letter.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64))

    result = run("attach", "visits", "BNS", "letter.jpg", "--on", "2026-03-16")

    assert result.stdout.splitlines()[1] == "Read as unclassified; the request stays awaiting_response."
    assert ("note: foi could not tell what the reply says: record it with `foi set-state visits BNS STATE` "
            "(and its figures with `foi answer`)") in result.stderr
    [attachment] = rows("SELECT filename, detected_type FROM attachments")
    assert attachment["filename"] == "letter.jpg"
    assert rows("SELECT r.reference FROM messages m JOIN requests r ON r.id = m.request_id") == [
        {"reference": reference}]


def test_an_attached_zip_bomb_is_refused_as_in_an_emailed_reply(run, monkeypatch):
    """The same storing code as imported mail: the same limits, the same note, `foi review` lists it."""
    sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    Path("portal-export.zip").write_bytes(zip_of({"zeros.csv": b"0" * (20 * 1024 * 1024)}))

    result = run("attach", "visits", "BNS", "portal-export.zip", "--no-extract")

    assert "note: 1 file could not be read: `foi review visits` lists them" in result.stderr
    [attachment] = rows("SELECT filename, note FROM attachments")
    assert attachment["filename"] == "portal-export.zip"
    assert attachment["note"].startswith("refused, possible zip bomb: compression ratio ")
    assert rows("SELECT count(*) AS n FROM attachments WHERE parent IS NOT NULL") == [{"n": 0}]
