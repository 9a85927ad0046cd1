"""Bounded reading (foi.bounded): every read of a received file runs in a worker
process; past a memory, processor-time, wall-time or output limit the job is stopped,
the caller is told why in words, and the next job is read by a fresh worker."""

from __future__ import annotations

import io
import json
import os
import threading
import time
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest

from foi import bounded
from foi.blobs import blob_dir
from foi.db import connect
from tests import hostile_work
from tests.builders import VISITS_CAMPAIGN, sent_to_barnsley
from tests.mailfixtures import reply_file

SMALL = bounded.ReadLimits(memory_mb=100, cpu_seconds=1, wall_seconds=3, output_mb=1)


SLOW_MACHINE = bounded.ReadLimits(memory_mb=100, cpu_seconds=1, wall_seconds=30, output_mb=1)


@pytest.mark.parametrize(("job", "args", "limits", "reason"), [
    (hostile_work.hold, (400,), SMALL, "needed over 100 MB of memory"),
    # processor time is what stops it, even on a machine so busy the wall clock runs slow
    (hostile_work.spin, (), SLOW_MACHINE, "took over 1 s of processor time"),
    (hostile_work.wait, (60,), SMALL, "took over 3 s"),
    (hostile_work.give_back, (5,), SMALL, "gave back over 1 MB (5 MB)"),
    (hostile_work.fail, ("a broken table",), SMALL, "ValueError: a broken table"),
])
def test_a_job_past_a_limit_is_stopped_with_the_reason_and_the_next_job_is_read(job, args, limits, reason):
    bounded.configure(limits)
    started = time.monotonic()
    with pytest.raises(bounded.ReadFailure) as failure:
        bounded.call(job, *args)
    assert str(failure.value) == reason
    assert time.monotonic() - started < 25  # stopped near its limit, not left to run
    assert bounded.call(hostile_work.double, 21) == 42


def test_within_the_limits_a_job_is_read_and_its_answer_returned_whole():
    bounded.configure(SMALL)
    assert bounded.call(hostile_work.hold, 60) == 60 * 1024 * 1024
    assert bounded.call(hostile_work.give_back, 0) == b""
    assert bounded.call(hostile_work.wait, 0.2) == 0.2


def test_one_worker_reads_every_job_until_one_goes_past_a_limit():
    bounded.configure(SMALL)
    first = {bounded.call(hostile_work.process_id) for _ in range(20)}
    assert len(first) == 1  # started once: a sync of many messages pays for one start
    with pytest.raises(bounded.ReadFailure):
        bounded.call(hostile_work.hold, 400)
    after = bounded.call(hostile_work.process_id)
    assert after not in first  # its memory may be in any state: a new worker reads on


def test_memory_a_job_frees_is_not_counted_against_the_next():
    bounded.configure(SMALL)
    for _ in range(5):
        assert bounded.call(hostile_work.hold, 80) == 80 * 1024 * 1024


def test_with_isolation_off_the_job_runs_here_unbounded():
    bounded.configure(bounded.ReadLimits(isolate=False))
    assert bounded.call(hostile_work.process_id) == __import__("os").getpid()


# ---- through the commands a campaign worker runs -----------------------------------------

SMALL_LIMITS = "[limits]\nmemory_mb = 64\ncpu_seconds = 20\nwall_seconds = 30\n"


def big_csv_zip(rows: int) -> bytes:
    """A zip holding a plain CSV of `rows` rows: small to receive, large to read."""
    table = b"".join(b"%d,%d,%d\n" % (i, i * 7919 % 100003, i % 97) for i in range(rows))
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("all-visits.csv", b"id,visits,team\n" + table)
    return packed.getvalue()


def test_a_file_past_the_limits_is_recorded_unreadable_once_and_the_rest_of_the_reply_is_read(run, monkeypatch):
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    path = reply_file(reference, "In 2024/25 the team made 1,204 home visits. Every visit is listed in the zip.",
                      # 3 million rows (60 MB): the CSV reader keeps at most 250,000 cells, but the
                      # file and its text alone pass 64 MB
                      {"visits.zip": (big_csv_zip(3_000_000), "application/zip")})
    run("import", str(path), "--no-extract")
    Path("foi.toml").write_text(SMALL_LIMITS)
    run("extract", "visits")

    rows = json.loads(run("export", "visits", "--what", "dataset", "--format", "json").stdout)
    assert [(r["status"], r["value"]) for r in rows] == [("answered", 1204)]
    reason = "not read: it could not be read within foi's limits (needed over 64 MB of memory)"
    review = run("review", "visits").stdout
    assert f"\n    all-visits.csv: unreadable: {reason}" in review
    db = connect(Path("campaign.db"))
    read_at = ("SELECT e.extracted_at FROM extractions e JOIN attachments a ON a.sha256 = e.source_sha256 "
               "WHERE a.filename = 'all-visits.csv'")
    first = db.execute(read_at).fetchone()[0]

    monkeypatch.setenv("FOI_NOW", "2026-03-18T09:00:00+00:00")
    run("extract", "visits")  # a file known not to fit is not tried again on every extract
    assert db.execute(read_at).fetchone()[0] == first
    run("extract", "visits", "--force")
    assert db.execute(read_at).fetchone()[0] != first


def test_limits_too_small_to_read_a_reply_are_refused_with_the_reason(run, monkeypatch):
    sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    Path("foi.toml").write_text("[limits]\nmemory_mb = 8\n")
    failed = run("extract", "visits", ok=False)
    assert failed.exit_code == 1
    assert "limits.memory_mb is 8; it must be at least 64" in failed.stderr
    Path("foi.toml").write_text("[limits]\nmemory = 600\n")
    assert "Unknown key limits.memory" in run("extract", "visits", ok=False).stderr


def big_message(reference: str) -> bytes:
    """A reply whose 24 MB plain-text body makes reading the message take far more than
    64 MB (a body is text to read, never cut out like a large attachment); its headers
    alone are small."""
    message = EmailMessage()
    message["From"], message["To"] = "foi@barnsley.gov.uk", "campaign@charity.test"
    message["Subject"], message["Message-ID"] = f"RE: {reference} all records", "<big@barnsley.test>"
    message["Date"] = "16 Mar 2026 09:00:00 +0000"
    line = "Record {:>8}: a home visit by the outreach team, noted in the case file.\n"
    message.set_content("".join(line.format(i) for i in range(24 * 1024 * 1024 // 80)), cte="7bit")
    return message.as_bytes()


def test_one_message_past_the_limits_never_stops_sync_storing_the_rest(run, monkeypatch, dovecot):
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    account = dovecot.add_user("poisoned")
    client = account.client()
    client.append("INBOX", big_message(reference))
    for day in range(17, 22):
        client.append("INBOX", reply_file(reference, f"Our reply number {day}: 1,204 visits in 2024/25.",
                                          day=day).read_bytes())
    client.logout()
    for key, value in {"FOI_IMAP_HOST": "127.0.0.1", "FOI_IMAP_PORT": str(dovecot.port),
                       "FOI_IMAP_SECURITY": "none", "FOI_IMAP_USERNAME": account.username,
                       "FOI_IMAP_PASSWORD": account.password}.items():
        monkeypatch.setenv(key, value)
    Path("foi.toml").write_text(SMALL_LIMITS)

    result = run("sync", "--no-extract")
    assert result.stdout.startswith("INBOX: 6 new messages")
    assert "1 message in INBOX could only be partly read" in result.stderr
    db = connect(Path("campaign.db"))
    stored = db.execute("SELECT message_id, request_id IS NOT NULL, parse_error FROM messages ORDER BY id").fetchall()
    assert [row[:2] for row in stored] == [("<big@barnsley.test>", 1)] + [
        (f"<reply-{day}@barnsley.test>", 1) for day in range(17, 22)]
    assert stored[0][2] == ("the message could not be read within foi's limits (needed over 64 MB of memory): "
                            "only its headers were read; the whole message is kept, open it by hand")
    assert [row[2] for row in stored[1:]] == [None] * 5
    assert "! partly read: the message could not be read within foi's limits" in run("inbox").stdout
    assert "\n    (the message): partly read: the message could not be read" in run("review", "visits").stdout
    assert run("sync").stdout.startswith("INBOX: 0 new messages")


def test_a_fault_reading_one_message_is_recorded_and_the_others_are_read(run, monkeypatch):
    """A bug met on one reply nobody foresaw (here made to happen) costs that reply only:
    its reason is said, the other replies' values are stored, the command succeeds."""
    from foi.extract import run as extract_run

    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    run("import", str(reply_file(reference, "In 2024/25 the team made 1,204 home visits.", day=16)),
        str(reply_file(reference, "Correction: in 2024/25 the team made 1,310 home visits.", day=17)), "--no-extract")
    resolve = extract_run.resolve

    def faulty(found, campaign, outcome):
        if any("1,310" in (f.snippet or "") for f, _, _ in found):
            raise IndexError("list index out of range")
        return resolve(found, campaign, outcome)

    monkeypatch.setattr(extract_run, "resolve", faulty)
    result = run("extract", "visits")
    assert "  messages not read 1\n" in result.stdout
    assert ("Not read: BNS message 2: foi failed reading it (IndexError: list index out of range); "
            "its earlier values are kept") in result.stderr
    rows = json.loads(run("export", "visits", "--what", "dataset", "--format", "json").stdout)
    assert [(r["status"], r["value"]) for r in rows] == [("answered", 1204)]


def test_one_messages_files_together_are_bounded_and_the_next_extract_goes_on(run, monkeypatch):
    """Each file is bounded, and so are one message's files together: past
    [limits] message_seconds the files not yet read are left, said, and read by the next
    extract (the ones read are kept), so thousands of slow files cannot stop a campaign."""
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    slow = b"id,visits,team\n" + b"".join(b"%d,%d,%d\n" % (i, i * 7919 % 100003, i % 97) for i in range(1_500_000))
    path = reply_file(reference, "Please find our answer attached.",
                      {"a-all-records.csv": (slow, "text/csv"),
                       "b-answer.csv": (b"Question,2024/25,2025/26\nHome visits,1204,1310\n", "text/csv")})
    run("import", str(path), "--no-extract")
    Path("foi.toml").write_text("[limits]\nmessage_seconds = 1\n")
    first = run("extract", "visits")
    assert ("Not read: BNS b-answer.csv: not read this time: the message's files took over 1 s in all; "
            "the next `foi extract` goes on with it") in first.stderr
    rows = json.loads(run("export", "visits", "--what", "dataset", "--format", "json").stdout)
    assert [(r["status"], r["value"]) for r in rows] == [("missing", None)]
    # limits far above the defaults: the next extract reads the big file again too, and a
    # machine loaded by other work must not make this a test of its speed
    Path("foi.toml").write_text("[limits]\ncpu_seconds = 600\nwall_seconds = 1200\nmessage_seconds = 3600\n")
    run("extract", "visits")
    rows = json.loads(run("export", "visits", "--what", "dataset", "--format", "json").stdout)
    assert [(r["status"], r["value"], r["source_file"]) for r in rows] == [("answered", 1204, "b-answer.csv")]


def test_triage_reads_the_start_and_end_of_a_very_long_body():
    """Records pasted into a reply's body (megabytes of them) are not read by triage: what
    the message is comes from its start, and the request it answers also from the quoted
    request at its end."""
    from foi.triage.inputs import TRIAGE_HEAD_CHARS, TRIAGE_TAIL_CHARS, TriageInput

    start = "Dear requester, we do not hold this information.\n"
    end = "\n> Original request: V-BNS-686C, home visits\n"
    records = "".join(f"Record {i:>8}: a home visit, noted in the case file.\n" for i in range(150_000))
    seen = TriageInput(None, "foi@barnsley.gov.uk", "", [], "RE: your request", start + records + end)
    assert seen.body_text.startswith(start) and seen.body_text.endswith(end)
    assert len(seen.body_text) == TRIAGE_HEAD_CHARS + len("\n\n[...]\n\n") + TRIAGE_TAIL_CHARS
    short = TriageInput(None, "foi@barnsley.gov.uk", "", [], "RE: your request", start + end)
    assert short.body_text == start + end


def test_the_reading_worker_is_handed_no_credentials(monkeypatch):
    """A reader of hostile files needs no password: the worker's environment holds none."""
    monkeypatch.setenv("FOI_IMAP_PASSWORD", "Imap-Worker-8Kq2")
    monkeypatch.setenv("FOI_SMTP_OAUTH2_TOKEN_COMMAND", "print-token")
    monkeypatch.setenv("FOI_SENDER_NAME", "Data Project")
    seen = bounded.call(hostile_work.environment)
    assert "FOI_IMAP_PASSWORD" not in seen and "FOI_SMTP_OAUTH2_TOKEN_COMMAND" not in seen
    assert seen["FOI_SENDER_NAME"] == "Data Project"
    assert "Imap-Worker-8Kq2" not in repr(seen)


def test_mime_nested_thousands_deep_lands_with_its_headers_and_is_matched(run, monkeypatch):
    """The stdlib parser recurses once per level: a reply nested 5,000 multiparts deep breaks
    it. The message still lands, its headers read, filed under its request, saying why."""
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    depth = 5000
    levels = b"".join(b'--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n' % (i, i + 1)
                      for i in range(depth))
    raw = (b"From: foi@barnsley.gov.uk\r\nTo: campaign@charity.test\r\nMessage-ID: <deep@barnsley.test>\r\n"
           + f"Subject: RE: {reference}\r\n".encode() + b"Date: 16 Mar 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
           b'Content-Type: multipart/mixed; boundary="b0"\r\n\r\n' + levels
           + b"--b%d\r\nContent-Type: text/plain\r\n\r\nIn 2024/25 the team made 1,204 home visits.\r\n" % depth)
    Path("deep.eml").write_bytes(raw)
    result = run("import", "deep.eml")
    assert "RecursionError" in result.stderr
    db = connect(Path("campaign.db"))
    [(subject, matched, problem)] = db.execute("SELECT subject, request_id IS NOT NULL, parse_error FROM messages")
    assert (subject, matched) == (f"RE: {reference}", 1)
    assert problem == ("could not parse message: RecursionError: maximum recursion depth exceeded; "
                       "only its headers were read, the whole message is kept")


def test_a_pdf_past_the_pages_read_is_said_to_be_read_in_part():
    """Pages past the ones foi reads are never dropped in silence: the reading says so."""
    from foi.extract import pdf
    from foi.extract.read import read_source

    pages = [b"BT /F1 12 Tf 72 700 Td (Page %d: 12 home visits) Tj ET" % n for n in range(pdf.MAX_PAGES + 3)]
    reading = read_source(tiny_pdf(pages))
    assert reading.status == "ok"
    assert reading.note == f"read in part: a PDF of {pdf.MAX_PAGES + 3:,} pages: only the first {pdf.MAX_PAGES} read"
    assert read_source(tiny_pdf(pages[:2])).note is None


def tiny_pdf(contents: list[bytes]) -> bytes:
    """A PDF with one page per content stream, in Helvetica."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (4 + 2 * n) for n in range(len(contents)))
               + b"] /Count %d >>" % len(contents),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for number, content in enumerate(contents):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
                       b" /Contents %d 0 R >>" % (5 + 2 * number))
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_poisoned_mailbox_is_synced_whole_and_read_on(run, monkeypatch, dovecot):
    """A crafted winmail.dat (a bogus property count) and an HTML body nested thousands
    deep arrive first; the ordinary replies after them are all stored, matched and read,
    with the default limits, and the next sync finds nothing new."""
    from tests import hostile_files

    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    account = dovecot.add_user("poisonedtnef")
    client = account.client()
    name, winmail = hostile_files.tnef_bogus_count()
    client.append("INBOX", reply_file(reference, "Our answer is attached.",
                                      {name: (winmail, "application/ms-tnef")}, day=10).read_bytes())
    deep = EmailMessage()
    deep["From"], deep["To"] = "foi@barnsley.gov.uk", "campaign@charity.test"
    deep["Subject"], deep["Message-ID"] = f"RE: {reference}", "<deep-html@barnsley.test>"
    deep.set_content(hostile_files.deep_html(3000)[1].decode(), subtype="html")
    client.append("INBOX", deep.as_bytes())
    for day in range(17, 22):
        client.append("INBOX", reply_file(reference, f"Our reply number {day}: in 2024/25 the team made "
                                                     f"{1200 + day:,} home visits.", day=day).read_bytes())
    client.logout()
    for key, value in {"FOI_IMAP_HOST": "127.0.0.1", "FOI_IMAP_PORT": str(dovecot.port),
                       "FOI_IMAP_SECURITY": "none", "FOI_IMAP_USERNAME": account.username,
                       "FOI_IMAP_PASSWORD": account.password}.items():
        monkeypatch.setenv(key, value)

    assert run("sync").stdout.startswith("INBOX: 7 new messages")
    db = connect(Path("campaign.db"))
    assert db.execute("SELECT count(*), sum(request_id IS NOT NULL) FROM messages").fetchone() == (7, 7)
    [note] = db.execute("SELECT note FROM attachments WHERE filename = 'winmail.dat'").fetchone()
    assert note.startswith("refused: winmail.dat declares 4,294,967,295 properties")
    rows = json.loads(run("export", "visits", "--what", "dataset", "--format", "json").stdout)
    assert [(r["status"], r["value"]) for r in rows] == [("answered", 1221)]  # the latest reply's figure
    assert run("sync").stdout.startswith("INBOX: 0 new messages")


def test_a_subject_of_megabytes_is_kept_whole_in_the_raw_and_cut_where_it_is_shown(run, monkeypatch):
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    raw = (b"From: foi@barnsley.gov.uk\r\nTo: campaign@charity.test\r\nMessage-ID: <long@barnsley.test>\r\n"
           + f"Subject: RE: {reference} ".encode() + b"A" * 5_000_000 + b"\r\n\r\nThe answer is below.\r\n")
    Path("long.eml").write_bytes(raw)
    run("import", "long.eml")
    db = connect(Path("campaign.db"))
    [(subject, matched, sha)] = db.execute("SELECT subject, request_id IS NOT NULL, sha256 FROM messages")
    start = f"RE: {reference} "
    assert subject == start + "A" * (2000 - len(start)) + f" [... {len(start) + 5_000_000 - 2000:,} more characters]"
    assert matched == 1
    assert (blob_dir(Path("campaign.db")) / sha[:2] / sha).read_bytes() == raw


def test_each_thread_reads_in_its_own_worker_and_stops_only_its_own():
    """A sync reads its next batch in a thread while the main thread reads attachments:
    the two must not share one worker's pipe."""
    def pid_in_thread(results: list, close: bool) -> None:
        results.append(bounded.call(os.getpid))
        if close:
            bounded.close_own_worker()

    main_pid = bounded.call(os.getpid)
    seen: list[int] = []
    thread = threading.Thread(target=pid_in_thread, args=(seen, True))
    thread.start()
    thread.join()
    assert seen and seen[0] not in (main_pid, os.getpid())
    assert bounded.call(os.getpid) == main_pid  # the main thread's worker was left running
    with pytest.raises(ProcessLookupError):
        os.kill(seen[0], 0)  # the thread's worker was stopped
