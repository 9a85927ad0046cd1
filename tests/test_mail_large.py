"""Messages with large attachments are read with their bodies cut out of what the
stdlib parser sees (foi.mail.skeleton): the same fields come out as from the ordinary
parse, in a fraction of the memory."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

from foi.mail import parse, skeleton


def reply_with(files: dict[str, tuple[bytes, str, str | None]]) -> bytes:
    """A reply with a plain and an HTML body and the given files: name -> (data, MIME type, cte)."""
    message = EmailMessage()
    message["From"], message["To"] = "Records Team <records@westshire.test>", "campaign@charity.test"
    message["Subject"], message["Message-ID"] = "RE: request 88 - your data", "<data-88@westshire.test>"
    message.set_content("Dear requester,\n\nThe figures are in the files attached.\n")
    message.add_alternative("<p>Dear requester,</p><p>The figures are in the files attached.</p>", subtype="html")
    for name, (data, kind, cte) in files.items():
        maintype, subtype = kind.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name, cte=cte)
    return message.as_bytes()


def fields(parsed: parse.ParsedMessage) -> tuple:
    return (parsed.body_text, parsed.body_html, parsed.subject, parsed.from_addr, parsed.message_id,
            parsed.parse_error, [(p.data, p.filename, p.declared_type, p.disposition) for p in parsed.attachments])


@pytest.mark.parametrize("cut_from", [64, 4096, skeleton.CUT_FROM])
def test_a_message_read_from_its_skeleton_reads_as_the_ordinary_parse(monkeypatch, cut_from):
    noise = random.Random(3).randbytes(300_000)
    table = b"".join(b"%d,Ward %d,%d\r\n" % (i, i % 40, i * 13 % 997) for i in range(20_000))
    raw = reply_with({"scan.pdf": (b"%PDF-1.4\n" + noise, "application/pdf", "base64"),
                      "wards.csv": (table, "text/csv", "quoted-printable"),
                      "notes.txt": (b"Figures below 5 are shown as *.\n" * 9000, "text/plain", "7bit"),
                      "blob.bin": (noise[:2000], "application/octet-stream", "base64")})
    monkeypatch.setattr(skeleton, "CUT_FROM", cut_from)
    ordinary, cut = parse._parse(raw), parse._parse_large(raw)
    assert fields(cut) == fields(ordinary)
    assert [p.filename for p in cut.attachments] == ["scan.pdf", "wards.csv", "notes.txt", "blob.bin"]
    assert cut.attachments[1].data == table
    skeleton_bytes, cuts = skeleton.cut_large_bodies(raw)
    assert len(cuts) == {64: 4, 4096: 3}.get(cut_from, 3)  # a file over the size; never the body text
    assert len(skeleton_bytes) < 20_000 if cut_from == 64 else len(skeleton_bytes) < len(raw)


PEAK = """
import resource, sys
from foi.mail.parse import parse_message
parsed = parse_message(open(sys.argv[1], "rb").read())
assert len(parsed.attachments[0].data) == int(sys.argv[2])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


CHILD = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def test_a_60_mb_attachment_is_read_in_about_three_times_its_size(tmp_path):
    table = b"".join(b"%d,Ward %d,%d,%d\n" % (i, i % 40, i * 13 % 997, i % 7) for i in range(2_700_000))
    path = tmp_path / "big.eml"
    path.write_bytes(reply_with({"all-records.csv": (table, "text/csv", "base64")}))
    # through a small parent: a process forked from this one (holding the table) starts
    # with this one's peak as its own
    done = subprocess.run([sys.executable, "-c", CHILD, sys.executable, "-c", PEAK, str(path), str(len(table))],
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    peak = int(done.stdout.split()[-1]) * 1024
    message = path.stat().st_size
    assert peak < message + 2 * len(table) + 80 * 1024 * 1024, f"{peak >> 20} MB for a {message >> 20} MB message"
