import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from mailbuild import mail, mail_with_attachments, tnef, zip_of

from foi.blobs import BlobStore, blob_dir
from foi.db import connect
from foi.mail.importing import import_paths
from foi.mail.store import Location, Triage, save_message

TODAY = dt.date(2026, 3, 4)


@pytest.fixture
def db(isolated):
    return connect(Path("campaign.db"))


@pytest.fixture
def blobs():
    return BlobStore(blob_dir(Path("campaign.db")))


def dump(db) -> dict:
    tables = ("messages", "attachments", "message_locations")
    return {t: [tuple(r) for r in db.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3")] for t in tables}


def make_mail_folder(root: Path) -> None:
    (root / "saved").mkdir(parents=True)
    (root / "saved" / "reply.eml").write_bytes(mail_with_attachments([
        ("figures.zip", "application/zip", zip_of({"../evil/table.csv": b"a,b\n1,2\n"})),
        ("winmail.dat", "application/ms-tnef", tnef([("notes.txt", b"hello")])),
    ]))
    (root / "saved" / "no-extension").write_bytes(mail(message_id="<plain@x>", subject="Chaser reply"))
    (root / "saved" / "notes.pdf").write_bytes(b"%PDF-1.4 not mail")
    mbox = b"From foi@leeds.gov.uk Tue Mar  3 14:05:00 2026\n" + mail(message_id="<m1@x>").replace(b"\r\n", b"\n")
    mbox += b"\nFrom foi@york.gov.uk Tue Mar  3 15:00:00 2026\n" + mail(
        message_id="<m2@x>", body="From time to time we reply.").replace(b"\r\n", b"\n")
    (root / "archive.mbox").write_bytes(mbox)
    for sub in ("cur", "new", "tmp"):
        (root / "Maildir" / sub).mkdir(parents=True)
    (root / "Maildir" / "new" / "1.M1P1.host").write_bytes(mail(message_id="<md1@x>", subject="In new"))
    (root / "Maildir" / "cur" / "2.M2P2.host:2,S").write_bytes(mail(message_id="<md2@x>", subject="In cur"))
    (root / "Maildir" / "tmp" / "3.M3P3.host").write_bytes(mail(message_id="<md3@x>", subject="Half delivered"))


def test_import_folder_twice_changes_nothing(db, blobs, tmp_path):
    make_mail_folder(tmp_path / "in")
    first = import_paths(db, blobs, [tmp_path / "in"], today=TODAY, triage=None)
    assert (first.new, first.already, first.failures) == (6, 0, [])
    assert first.attachments == 4  # figures.zip and the csv in it, winmail.dat and the txt in it
    before = dump(db)
    subjects = sorted(r[0] for r in db.execute("SELECT subject FROM messages"))
    assert subjects == ["Chaser reply", "In cur", "In new", "Re: FOI request EH-BNS-592V",
                        "Re: FOI request EH-BNS-592V", "Your request"]
    body = db.execute("SELECT body_text FROM messages WHERE message_id = '<m2@x>'").fetchone()[0]
    assert body == "From time to time we reply."
    second = import_paths(db, blobs, [tmp_path / "in"], today=TODAY, triage=None)
    assert (second.new, second.already, second.attachments) == (0, 6, 0)
    assert dump(db) == before


def test_attachment_rows_link_parents_and_blobs_exist(db, blobs, tmp_path):
    raw = mail_with_attachments([("figures.zip", "application/zip", zip_of({"../evil/table.csv": b"a,b\n1,2\n"}))])
    result = save_message(db, blobs, raw, "import", today=TODAY, triage=None)
    rows = db.execute("SELECT id, parent, position, filename, original_filename, detected_type, sha256, size "
                      "FROM attachments WHERE message = ? ORDER BY id", [result.message]).fetchall()
    (zip_id, zip_parent, *_), (_, csv_parent, csv_pos, csv_name, csv_original, csv_type, csv_sha, csv_size) = rows
    assert zip_parent is None and csv_parent == zip_id
    assert (csv_pos, csv_name, csv_original, csv_type, csv_size) == (1, "table.csv", "../evil/table.csv", "text/csv", 8)
    assert csv_sha == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    assert (Path("blobs") / csv_sha[:2] / csv_sha).read_bytes() == b"a,b\n1,2\n"
    message_sha = hashlib.sha256(raw).hexdigest()
    assert (Path("blobs") / message_sha[:2] / message_sha).read_bytes() == raw
    assert not list(Path("blobs").rglob(".tmp-*"))


def test_same_message_in_two_folders_stored_once_with_both_locations(db, blobs):
    raw = mail()
    copy = b"Delivered-To: foi+eh-bns-592v@campaign.org\r\n" + raw  # same message, another route
    first = save_message(db, blobs, raw, "imap", Location("foi@imap", "INBOX", 7, 10), today=TODAY, triage=None)
    second = save_message(db, blobs, copy, "imap", Location("foi@imap", "Archive", 9, 3), today=TODAY, triage=None)
    assert (first.new, second.new, second.message) == (True, False, first.message)
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 1
    assert db.execute("SELECT folder, uidvalidity, uid FROM message_locations ORDER BY folder").fetchall() == [
        ("Archive", 9, 3), ("INBOX", 7, 10)]


def test_reused_message_id_on_a_different_message_is_kept(db, blobs):
    save_message(db, blobs, mail(subject="Acknowledgement"), "import", today=TODAY, triage=None)
    result = save_message(db, blobs, mail(subject="Response"), "import", today=TODAY, triage=None)
    assert result.new
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 2


def test_unparseable_message_stored_raw_with_parse_error(db, blobs):
    result = save_message(db, blobs, b"", "import", today=TODAY, triage=None)
    row = db.execute("SELECT sha256, size, parse_error FROM messages WHERE id = ?", [result.message]).fetchone()
    assert row == (hashlib.sha256(b"").hexdigest(), 0, "no headers or body could be read")


def test_triage_called_once_for_new_messages_only(db, blobs):
    calls = []
    for _ in range(2):
        save_message(db, blobs, mail(), "import", today=TODAY,
                     triage=Triage(lambda db, message, parsed, today, now:
                                   calls.append((message, parsed.subject, today))))
    assert calls == [(1, "Re: FOI request EH-BNS-592V", TODAY)]


def test_message_row_fields(db, blobs):
    raw = mail(extra="In-Reply-To: <req@campaign.org>\r\nReferences: <a@x> <req@campaign.org>\r\n"
                     "Auto-Submitted: auto-replied\r\n")
    result = save_message(db, blobs, raw, "import", today=TODAY, now=dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC),
                          triage=None)
    row = db.execute("SELECT message_id, source, from_addr, from_name, to_addrs, subject, date, in_reply_to, "
                     "references_, auto_submitted, body_text, received_at, stored_at FROM messages WHERE id = ?",
                     [result.message]).fetchone()
    assert row == ("<reply-1@council.gov.uk>", "import", "foi@leeds.gov.uk", "Leeds FOI Team",
                   json.dumps(["foi+eh-bns-592v@campaign.org"]), "Re: FOI request EH-BNS-592V",
                   "2026-03-03T14:05:00+00:00", "<req@campaign.org>", json.dumps(["<a@x>", "<req@campaign.org>"]),
                   "Auto-Submitted: auto-replied", "Please find attached.", "2026-03-03T14:05:00+00:00",
                   "2026-03-04T10:00:00+00:00")


def test_cli_import_dry_run_then_real(db, run, tmp_path):
    make_mail_folder(tmp_path / "in")
    dry = run("import", "--dry-run", str(tmp_path / "in"))
    assert sorted(line.split("\t")[0] for line in dry.stdout.splitlines()) == ["new"] * 6
    assert "Would store 6 new messages; 0 already stored." in dry.stderr
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    assert not Path("blobs").exists()
    real = run("import", str(tmp_path / "in"), str(tmp_path / "missing.eml"))
    assert real.stdout == ("Stored 6 new messages (0 already stored), 4 attachments, "
                           "0 parts could not be decoded.\n")
    assert f"failed: {tmp_path / 'missing.eml'}: no such file or folder" in real.stderr
    again = run("import", "--dry-run", str(tmp_path / "in" / "archive.mbox"))
    assert again.stdout.splitlines()[0].startswith(f"already stored\t{tmp_path / 'in' / 'archive.mbox'}\t")


def test_staged_blobs_get_their_name_only_once_durable(isolated, monkeypatch):
    import foi.blobs

    store = BlobStore(Path("blobs"))
    sha = store.stage(b"figures")
    assert not store.path_for(sha).exists() and sha not in store

    def disk_full(root, paths):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:  # not monkeypatch.undo(): that also undid the working dir
        patch.setattr(foi.blobs, "_make_durable", disk_full)
        with pytest.raises(OSError, match="No space left"):
            store.flush()
    assert list(Path("blobs").rglob("*.*")) == [] and not store.path_for(sha).exists()  # no temp left
    store.stage(b"figures")
    store.flush()
    assert store.get(sha) == b"figures"
    assert [p.name for p in Path("blobs").rglob("*") if p.is_file()] == [sha]


def test_interrupted_triage_stores_nothing_half_done(db, blobs, tmp_path):
    """A crash during triage rolls its batch back, so the next run stores and
    triages every message (a stored, untriaged one would be skipped for ever)."""
    from foi.triage.run import TRIAGE, triage_message

    replies = tmp_path / "replies"
    replies.mkdir()
    for n in range(3):
        (replies / f"{n}.eml").write_bytes(mail(message_id=f"<r{n}@x>", subject=f"Reply {n}"))
    calls = []

    def crash_on_second(db, message, parsed, today, now):
        calls.append(message)
        if len(calls) == 2:
            raise KeyboardInterrupt  # a SIGINT mid-triage
        return triage_message(db, message, parsed, today, now)

    with pytest.raises(KeyboardInterrupt):
        import_paths(db, blobs, [replies], today=TODAY, triage=Triage(crash_on_second))
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    report = import_paths(db, blobs, [replies], today=TODAY, triage=TRIAGE)
    assert (report.new, report.already) == (3, 0)
    rows = db.execute("SELECT subject, classification FROM messages ORDER BY subject").fetchall()
    assert [r[0] for r in rows] == ["Reply 0", "Reply 1", "Reply 2"]
    assert all(r[1] for r in rows)


def test_triage_fault_keeps_the_message_unmatched_and_says_so(run, monkeypatch, tmp_path):
    import foi.triage.run

    run("init")
    real = foi.triage.run.classify_message

    def faulty(message, references):
        if "Reply 1" in message.subject:
            raise ValueError("unexpected header shape")
        return real(message, references)

    monkeypatch.setattr(foi.triage.run, "classify_message", faulty)
    for n in range(3):
        (tmp_path / f"{n}.eml").write_bytes(mail(message_id=f"<r{n}@x>", subject=f"Reply {n}"))
    result = run("import", str(tmp_path), "--no-extract")
    assert "Stored 3 new messages" in result.stdout
    assert "stored unmatched (triage failed: ValueError: unexpected header shape)" in result.stderr
    assert "1.eml" in result.stderr and "foi inbox --unmatched" in result.stderr
    db = connect(Path("campaign.db"))
    rows = {r[0]: (r[1], r[2]) for r in db.execute(
        "SELECT subject, classification, classification_evidence FROM messages")}
    assert rows["Reply 1"] == ("unclassified", json.dumps(
        {"evidence": ["triage failed: ValueError: unexpected header shape"]}))
    assert rows["Reply 0"][0] == rows["Reply 2"][0] != None  # noqa: E711 - the others were triaged
    assert "triage failed" not in rows["Reply 0"][1]
