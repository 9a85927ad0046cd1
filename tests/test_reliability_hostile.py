"""Hostile input end to end (the readers' own defences against zip bombs, entity
expansion, traversal inside zips and formulas in exports are tested beside them):
a 200 MB attachment, traversal in MIME attachment names through to the
correspondence export, and CRLF in a council name through a real SMTP send."""

import base64
import datetime as dt
import hashlib
import os
import subprocess
import sys
import zipfile
from email.message import EmailMessage
from pathlib import Path

from foi.blobs import BlobStore, blob_dir
from foi.db import connect
from foi.mail.store import save_message
from foi.triage.run import TRIAGE
from tests.builders import make_campaign
from tests.peak import figures, launched

TODAY = dt.date(2026, 3, 4)
MB = 1024 * 1024


def write_huge_mail(path: Path, attachment_bytes: int) -> str:
    """A reply with one base64 attachment of the given size, written in chunks
    (never whole in memory); returns the file's sha256."""
    digest = hashlib.sha256()

    def out(data: bytes) -> None:
        digest.update(data)
        handle.write(data)

    with path.open("wb") as handle:
        out(b"From: foi@council.gov.uk\r\nTo: foi+eh@charity.test\r\nSubject: Re: your request, data attached\r\n"
            b"Message-ID: <huge@council.gov.uk>\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
            b'Please find attached.\r\n--b\r\nContent-Type: text/csv\r\n'
            b'Content-Disposition: attachment; filename="all-records.csv"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n")
        chunk = b"2024/25,Some Council,12345,67890\n" * 1724  # 57 KB: whole base64 lines
        for i in range(attachment_bytes // len(chunk)):
            encoded = base64.b64encode(chunk[:-8] + f"{i:07d}\n".encode())
            out(b"\r\n".join(encoded[j:j + 76] for j in range(0, len(encoded), 76)) + b"\r\n")
        out(b"--b--\r\n")
    return digest.hexdigest()


def test_200_mb_attachment_is_stored_whole_with_a_note_in_bounded_memory(isolated):
    connect(Path("campaign.db")).close()
    sha = write_huge_mail(Path("huge.eml"), 200 * MB)
    size = Path("huge.eml").stat().st_size
    # launched: a process started straight from pytest would count pytest's own peak as its own
    result = subprocess.run(launched([sys.executable, "-m", "foi", "import", "huge.eml"]), capture_output=True,
                            text=True, check=False,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert result.returncode == 0, result.stderr
    peak = figures(result.stderr)[0].peak_bytes
    assert peak < 2 * size, f"peak RSS {peak / MB:.0f} MB for a {size / MB:.0f} MB message"
    assert "only its headers were read" in result.stdout + result.stderr

    db = connect(Path("campaign.db"))
    [row] = db.execute("SELECT sha256, size, subject, message_id, parse_error FROM messages").fetchall()
    assert row[:4] == (sha, size, "Re: your request, data attached", "<huge@council.gov.uk>")
    assert row[4] == ("message is 274 MB, over the 100 MB foi reads: only its headers were read; "
                      "the whole message is kept, open it by hand")
    assert db.execute("SELECT count(*) FROM attachments").fetchone()[0] == 0
    stored = BlobStore(blob_dir(Path("campaign.db"))).path_for(sha)
    assert stored.stat().st_size == size


def test_traversal_in_attachment_names_never_escapes_the_export(isolated, run):
    councils = make_campaign(count=1)
    [(reference, council)] = councils.items()
    reply = EmailMessage()
    reply["From"] = council["foi_email"]
    reply["To"] = f"foi+{reference.lower()}@charity.test"
    reply["Subject"] = f"RE: Freedom of Information request [{reference}]"
    reply["Message-ID"] = "<reply@council.test>"
    reply.set_content("Our response is attached.")
    hostile = ["../../../../home/user/.bashrc", "/etc/cron.d/evil", "..\\..\\Windows\\evil.xlsx",
               "C:\\Users\\x\\evil.csv", "..", "CON"]
    for number, name in enumerate(hostile):
        reply.add_attachment(f"n,{number}\n".encode(), maintype="text", subtype="csv", filename=name)
    db = connect(Path("campaign.db"))
    result = save_message(db, BlobStore(blob_dir(Path("campaign.db"))), reply.as_bytes(), "import", today=TODAY,
                          triage=TRIAGE)
    assert db["messages"].get(result.message)["request_id"] is not None  # matched, so exported
    originals = [r[0] for r in db.execute("SELECT original_filename FROM attachments ORDER BY position")]
    assert originals == hostile  # what the council called them, kept for the record
    for (name,) in db.execute("SELECT filename FROM attachments"):
        assert "/" not in name and "\\" not in name and not name.startswith(".")

    run("export", "eh", "--what", "correspondence", "-o", "letters.zip")
    with zipfile.ZipFile("letters.zip") as archive:
        names = archive.namelist()
        contents = sorted(archive.read(n) for n in names if len(n.split("/")) == 3)
    folder = names[0].split("/")[0]
    assert all(n.startswith(folder + "/") and ".." not in n.split("/") and "\\" not in n for n in names)
    assert [n.split("/")[-1] for n in names if len(n.split("/")) == 3] == [
        "bashrc", "evil", "evil.xlsx", "evil.csv", "part-5.txt", "_CON"]
    assert sorted(f"n,{i}\n".encode() for i in range(len(hostile))) == contents


def test_crlf_in_a_council_name_cannot_add_a_recipient_when_sent(mail, smtp_server, run):
    councils = make_campaign(count=2)
    db = connect(Path("campaign.db"))
    code = sorted(councils.values(), key=lambda c: c["code"])[0]["code"]
    db["bodies"].update(code, {"name": "Evil Council\r\nBcc: spy@attacker.test\r\nX-Injected: yes"})
    db.close()

    run("send", "eh", "--yes")

    envelopes = smtp_server.handler.received
    assert sorted(r for e in envelopes for r in e.rcpt_tos) == sorted(c["foi_email"] for c in councils.values())
    assert not any(b"spy@attacker.test" in e.content.split(b"\r\n\r\n", 1)[0] for e in envelopes)
    assert not any(b"\nX-Injected" in e.content for e in envelopes)
    assert all(m["Bcc"] is None and m["X-Injected"] is None for m in mail.received())
