"""Robustness: every email in ../shared/corpus imports without a crash, every
message is stored, and winmail.dat attachments come out under their names."""

import csv
import datetime as dt
import hashlib
from email.message import EmailMessage
from pathlib import Path

from foi.blobs import BlobStore, blob_dir
from foi.db import connect
from foi.mail.importing import find_mail_files, import_paths, read_mail_file
from foi.mail.parse import parse_message

TODAY = dt.date(2026, 3, 4)


def test_import_whole_corpus(shared, isolated):
    corpus = shared / "corpus"
    db = connect(Path("campaign.db"))
    blobs = BlobStore(blob_dir(Path("campaign.db")))
    report = import_paths(db, blobs, [corpus], today=TODAY, triage=None)
    assert report.failures == []

    found = [path for path, problem in find_mail_files([corpus])]
    for expected in [*corpus.rglob("*.eml"), *corpus.rglob("*.msg"), *(corpus / "flufl-bounce").glob("*_*.txt")]:
        assert expected in found, f"{expected} was not recognised as mail"
    assert not any(p.suffix in (".pdf", ".xlsx", ".tnef", ".csv", ".expected") for p in found)

    # Expected rows, worked out independently of the store: one per distinct
    # content, merging copies that share Message-ID, sender, subject and date.
    keys = {}
    raw_shas = set()
    for path in found:
        for item in read_mail_file(path):
            parsed = parse_message(item.raw)
            sha = hashlib.sha256(item.raw).hexdigest()
            raw_shas.add(sha)
            same = (parsed.message_id, parsed.from_addr, parsed.subject, parsed.date) if parsed.message_id else sha
            keys.setdefault(same, set()).add(sha)
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == len(keys) == report.new
    stored = {row[0] for row in db.execute("SELECT sha256 FROM messages")}
    assert all(shas & stored for shas in keys.values())
    _assert_nothing_lost(db, blobs, raw_shas, stored)

    again = import_paths(db, blobs, [corpus], today=TODAY, triage=None)
    assert (again.new, again.already) == (0, report.new + report.already)


def _assert_nothing_lost(db, blobs: BlobStore, raw_shas: set[str], stored: set[str]) -> None:
    """Every message as read (merged copies too) and every attachment is kept
    byte for byte in the blob store, and the store holds nothing else."""
    attachments = {row[0] for row in db.execute("SELECT sha256 FROM attachments WHERE sha256 IS NOT NULL")}
    on_disk = {path.name: path for path in blobs.root.glob("??/*") if not path.name.startswith(".tmp")}
    assert stored <= raw_shas
    assert set(on_disk) == raw_shas | attachments
    for sha, path in on_disk.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha


def test_tnef_attachment_names_recovered(shared, isolated):
    folder = shared / "corpus" / "tnefparse"
    rows = list(csv.DictReader((folder / "EXPECTED.tsv").open(encoding="utf-8"), delimiter="\t"))
    Path("in").mkdir()
    for row in rows:
        message = EmailMessage()
        message["From"] = "foi@council.gov.uk"
        message["Subject"] = row["file"]
        message["Message-ID"] = f"<{row['file']}@test>"
        message.set_content("See winmail.dat")
        message.add_attachment((folder / row["file"]).read_bytes(), maintype="application",
                               subtype="ms-tnef", filename="winmail.dat")
        (Path("in") / f"{row['file']}.eml").write_bytes(message.as_bytes())
    db = connect(Path("campaign.db"))
    report = import_paths(db, BlobStore(blob_dir(Path("campaign.db"))), [Path("in")], today=TODAY, triage=None)
    assert report.new == len(rows)
    for row in rows:
        expected = [] if row["attachment_long_filenames (in order)"] == "-" else \
            row["attachment_long_filenames (in order)"].split("|")
        names = [r[0] for r in db.execute(
            """SELECT child.original_filename FROM attachments child
               JOIN attachments dat ON child.parent = dat.id JOIN messages m ON dat.message = m.id
               WHERE m.subject = ? AND dat.filename = 'winmail.dat'
                 AND (child.note IS NULL OR child.note NOT LIKE 'body of%') ORDER BY child.position""",
            [row["file"]])]
        assert names == expected, row["file"]
