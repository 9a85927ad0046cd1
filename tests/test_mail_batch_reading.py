"""A batch of received mail is read many messages to a worker job; what is stored is the
same as when each message is stored on its own, and a message past a limit is read
alone, so it alone is cut short and the others are read whole."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from mailbuild import mail, mail_with_attachments, zip_of

from foi import bounded
from foi.blobs import BlobStore
from foi.db import connect
from foi.mail import within_limits
from foi.mail.store import Incoming, Location, save_message, save_messages

TODAY = dt.date(2026, 3, 4)


def dump(db) -> dict:
    tables = {"messages": "sha256", "attachments": "message, position, parent", "message_locations": "uid"}
    return {table: [tuple(row) for row in db.execute(f"SELECT * FROM {table} ORDER BY {order}")]
            for table, order in tables.items()}


def arrivals() -> list[Incoming]:
    """Thirty replies, some with attachments (a zip among them), then a copy of the first."""
    raws = []
    for i in range(30):
        if i % 3:
            raws.append(mail(subject=f"Re: FOI request {i}", body=f"Reply {i}.", message_id=f"<r{i}@leeds.gov.uk>"))
        else:
            raws.append(mail_with_attachments([(f"t{i}.csv", "text/csv", b"Year,Visits\n2024/25,%d\n" % i),
                                               (f"z{i}.zip", "application/zip", zip_of({"in.csv": b"a,%d\n" % i}))],
                                              message_id=f"<a{i}@york.gov.uk>"))
    raws.append(raws[0])
    return [Incoming(raw, Location("foi@imap", "INBOX", 1, uid), None) for uid, raw in enumerate(raws, 1)]


def stored(folder: Path, save) -> dict:
    folder.mkdir()
    db = connect(folder / "campaign.db")
    save(db, BlobStore(folder / "blobs"))
    return dump(db)


def test_a_batch_stores_each_message_once_as_one_at_a_time_would(isolated, monkeypatch):
    batch = arrivals()
    alone = stored(isolated / "alone", lambda db, blobs: [
        save_message(db, blobs, item.raw, "imap", item.location, today=TODAY, triage=None) for item in batch])
    jobs, call = [], bounded.call
    monkeypatch.setattr(bounded, "call", lambda job, *args: jobs.append(job.__name__) or call(job, *args))
    together = stored(isolated / "together", lambda db, blobs: save_messages(
        db, blobs, batch, "imap", today=TODAY, triage=None))
    assert jobs == ["parse_each", "unpack_each"]  # one job for the parsing, one for the unpacking
    assert [len(rows) for rows in together.values()] == [30, 30, 31]  # 10 x (csv, zip, csv in the zip)
    ids = {table: [row[1:] for row in rows] for table, rows in together.items()}  # row ids aside
    assert ids == {table: [row[1:] for row in rows] for table, rows in alone.items()}


def test_a_message_past_a_limit_is_read_alone_and_the_rest_of_its_job_whole(isolated, monkeypatch):
    """1 MB of answer at most: the three ordinary replies pass alone but not together,
    the large one passes neither way and is kept with only its headers read."""
    monkeypatch.setattr(within_limits, "JOB_BYTES", 64 * 1024 * 1024)
    bounded.configure(bounded.ReadLimits(memory_mb=200, cpu_seconds=20, wall_seconds=30, output_mb=1))
    table = b"Year,Visits\n" + b"2024/25,1204\n" * 20_000  # 260 kB
    raws = [mail_with_attachments([("visits.csv", "text/csv", table)], message_id=f"<ok{i}@york.gov.uk>")
            for i in range(3)]
    raws.insert(1, mail_with_attachments([("all.csv", "text/csv", table * 6)], message_id="<big@york.gov.uk>"))
    db = connect(Path("campaign.db"))
    results = save_messages(db, BlobStore(Path("blobs")), [Incoming(raw) for raw in raws], "import",
                            today=TODAY, triage=None)
    assert [r.parse_error is None for r in results] == [True, False, True, True]
    assert "could not be read within foi's limits (gave back over 1 MB" in results[1].parse_error
    assert [r.attachments for r in results] == [1, 0, 1, 1]
    rows = db.execute("SELECT m.message_id, a.size FROM attachments a JOIN messages m ON m.id = a.message"
                      " ORDER BY a.id").fetchall()
    assert rows == [("<ok0@york.gov.uk>", len(table)), ("<ok1@york.gov.uk>", len(table)),
                    ("<ok2@york.gov.uk>", len(table))]
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 4  # the large one kept whole too


@pytest.mark.parametrize("sizes", [[10, 20, 30], [5, 100, 5, 5], [100], []])
def test_jobs_hold_at_most_job_bytes_and_a_larger_message_alone(sizes, monkeypatch):
    monkeypatch.setattr(within_limits, "JOB_BYTES", 40)
    groups = within_limits._groups(sizes, lambda size: size)
    assert [item for group in groups for item in group] == sizes  # every item once, in order
    assert all(sum(group) <= 40 or len(group) == 1 for group in groups)
    assert {tuple(group) for group in groups if sum(group) > 40} == {(size,) for size in sizes if size > 40}


def test_a_blob_folder_removed_during_a_sync_is_made_again(isolated):
    blobs = BlobStore(Path("blobs"))
    first = blobs.put(b"first reply")
    shutil.rmtree(blobs.path_for(first).parent)  # a person tidying up, or a disk restored
    assert blobs.put(b"first reply") == first
    assert blobs.get(first) == b"first reply"
