"""Hostile replies through the commands a campaign worker runs, each as a real process
whose peak memory (its own and its reading worker's) and time are measured: every raw
message is kept, no command fails or runs past the limits, and the campaign still
reads, reports and exports an ordinary reply afterwards.

The crafted files come from tests/hostile_files.py (written here); each is sent as the
attachment (or the body) of a reply matched to the campaign's request, so that
`foi import` and `foi extract` really read it."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from foi.blobs import blob_dir
from foi.db import connect
from tests import hostile_files
from tests.builders import VISITS_CAMPAIGN, sent_to_barnsley
from tests.mailfixtures import reply_file
from tests.peak import figures, launched

GB = 1024 ** 3
# The default limits (foi.bounded.Limits): a command may run a little past the wall limit
# of one read (it reads several files), never without end.
MOST_SECONDS = 150

def measured(*args: str) -> tuple[subprocess.CompletedProcess, int]:
    """`foi ARGS` as a process of its own; returns it and the largest resident memory
    (bytes) of it or its reading worker, whichever was larger."""
    process = subprocess.Popen(launched([sys.executable, "-m", "foi", *args]),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=MOST_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # foi and its worker with it: nothing left running
        process.communicate()
        raise AssertionError(f"foi {args[0]} ran past {MOST_SECONDS} s") from None
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return result, figures(result.stderr)[0].peak_bytes


def hostile_reply(reference: str, name: str, data: bytes, mimetype: str) -> Path:
    """A reply to `reference` that carries `data` as an attachment called `name`."""
    return reply_file(reference, "Please find our answer attached.", {name: (data, mimetype)}, day=16)


def csv_rows(megabytes: int) -> bytes:
    """A plain, legitimate-looking CSV of records, about `megabytes` MB."""
    row_count = megabytes * 1024 * 1024 // 32
    return b"id,council,visits,team\n" + b"".join(
        b"%d,Council %d,%d,%d\n" % (i, i % 300, i * 7919 % 100003, i % 97) for i in range(row_count))


def survives(run, path: Path) -> None:
    """`path` imported and the campaign extracted as real processes within the bounds; the
    raw message kept byte for byte; then an ordinary reply is still read and reported."""
    raw = path.read_bytes()
    for command in (("import", str(path), "--no-extract"), ("extract", "visits")):
        result, peak = measured(*command)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "Traceback" not in result.stderr
        assert peak < GB, f"foi {command[0]} peaked at {peak / 1024 ** 2:.0f} MB"
    db = connect(Path("campaign.db"))
    sha = hashlib.sha256(raw).hexdigest()
    assert db.execute("SELECT count(*) FROM messages WHERE sha256 = ?", [sha]).fetchone()[0] == 1
    assert (blob_dir(Path("campaign.db")) / sha[:2] / sha).read_bytes() == raw

    good = reply_file(db.execute("SELECT reference FROM requests").fetchone()[0],
                      "Correction: in 2024/25 the team made 1,204 home visits.", day=20)
    run("import", str(good))
    rows = json.loads(run("export", "visits", "--what", "dataset", "--format", "json").stdout)
    assert [(r["status"], r["value"]) for r in rows] == [("answered", 1204)]
    for command in (["status", "visits"], ["review", "visits"], ["inbox"], ["report", "visits"],
                    ["export", "visits", "--what", "messages", "--format", "xlsx", "-o", "messages.xlsx"],
                    ["export", "visits", "--what", "correspondence", "-o", "correspondence.zip"]):
        run(*command)


def test_a_legitimate_70_mb_csv_is_stored_and_the_campaign_goes_on(run, monkeypatch):
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    survives(run, hostile_reply(reference, "all-visits.csv", csv_rows(70), "text/csv"))


@pytest.mark.parametrize("members", [1, 40])
def test_a_zip_of_large_csv_files_is_bounded(run, monkeypatch, members):
    import io
    import zipfile

    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    packed = io.BytesIO()
    table = csv_rows(200 // members)
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for number in range(members):
            archive.writestr(f"records-{number}.csv", table)
    survives(run, hostile_reply(reference, "records.zip", packed.getvalue(), "application/zip"))


def every_hostile_file() -> list[tuple[str, bytes]]:
    """Each file tests/hostile_files.py builds, at the size that showed the fault."""
    return [
        hostile_files.deep_html(3000), hostile_files.wide_html_cell(), hostile_files.pdf_length_loop(),
        hostile_files.pdf_flate_bomb(), hostile_files.pdf_operator_flood(), hostile_files.pdf_damaged_stream(),
        hostile_files.xlsx_huge_merge(), hostile_files.xlsx_lying_dimension(), hostile_files.ods_repeat_bomb(),
        hostile_files.ods_trailing_repeats(), hostile_files.docx_huge_table(), hostile_files.big_csv(70),
        hostile_files.one_line_csv(50), hostile_files.zip_under_the_ratio(), hostile_files.zip_with_big_csv(200),
        hostile_files.zip_lying_sizes(), hostile_files.zip_many_parts(), hostile_files.tnef_bogus_count(),
        hostile_files.tnef_bogus_values(), hostile_files.nested_containers(), hostile_files.msg_sector_loop(),
        hostile_files.xls_huge_merge(),
    ]


MIME = {".eml": "message/rfc822", ".dat": "application/ms-tnef", ".msg": "application/vnd.ms-outlook"}


def test_every_hostile_file_at_once_leaves_the_campaign_working(run, monkeypatch):
    """All of them, one reply each, imported together and extracted together: each command
    within the bounds, every raw message kept, and every file either read or said not read
    with its reason; then an ordinary reply is read and reported as usual."""
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    folder = Path("replies")
    folder.mkdir()
    names = []
    for day, (name, data) in enumerate(every_hostile_file(), start=1):
        path = reply_file(reference, "Please find our answer attached.",
                          {name: (data, MIME.get(Path(name).suffix, "application/octet-stream"))}, day=day)
        path.rename(folder / f"reply-{day:02d}.eml")
        names.append(name)
    outcomes = []
    for command in (("import", str(folder), "--no-extract"), ("extract", "visits")):
        result, peak = measured(*command)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "Traceback" not in result.stderr
        assert peak < GB, f"foi {command[0]} peaked at {peak / 1024 ** 2:.0f} MB"
        outcomes.append(result)
    db = connect(Path("campaign.db"))
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == len(names)
    for path in sorted(folder.iterdir()):
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        assert (blob_dir(Path("campaign.db")) / sha[:2] / sha).read_bytes() == path.read_bytes()
    # every file foi did not read whole is named with its reason: by review, or by extract
    said = run("review", "visits").stdout + outcomes[1].stderr
    read_whole = {row[0] for row in db.execute(
        "SELECT COALESCE(a.filename, a.original_filename) FROM attachments a JOIN extractions e "
        "ON e.source_sha256 = a.sha256 WHERE a.parent IS NULL AND e.status IN ('ok', 'empty') AND e.note IS NULL")}
    inside: dict[str, set[str]] = {}  # a top-level file's name -> its own and every part's inside it
    for top, part in db.execute(
            "WITH RECURSIVE tree(top, id, name) AS (SELECT a.id, a.id, COALESCE(a.filename, a.original_filename) "
            "FROM attachments a WHERE a.parent IS NULL UNION ALL SELECT t.top, a.id, "
            "COALESCE(a.filename, a.original_filename) FROM attachments a JOIN tree t ON a.parent = t.id) "
            "SELECT (SELECT COALESCE(filename, original_filename) FROM attachments WHERE id = top), name FROM tree"):
        inside.setdefault(top, set()).add(part)
    for name in names:
        assert name in read_whole or any(part in said for part in inside[name]), \
            f"{name}: neither read whole nor said why"
    assert "read in part" in said  # the 70 MB CSV: its first cells, and the note saying so

    good = reply_file(reference, "Correction: in 2024/25 the team made 1,204 home visits.", day=28)
    run("import", str(good))
    rows = json.loads(run("export", "visits", "--what", "dataset", "--format", "json").stdout)
    assert [(r["status"], r["value"]) for r in rows] == [("answered", 1204)]
    for command in (["status", "visits"], ["inbox"], ["report", "visits", "--html", "report.html"],
                    ["export", "visits", "--what", "correspondence", "-o", "correspondence.zip"]):
        run(*command)
