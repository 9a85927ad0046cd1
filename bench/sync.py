"""Benchmark: `foi sync` (foi.mail.fetch.fetch_new_mail) against a raw imapclient loop.

Setup (timed separately): a private Dovecot, one user, 10,000 messages with a
small CSV attachment delivered straight into the user's Maildir/new (as a
local delivery agent would), then one warm-up read so Dovecot's index exists.

Run: python3 bench/sync.py [--messages 10000] [--trials 3]
"""

import argparse
import datetime as dt
import os
import pwd
import shutil
import statistics
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

import common  # noqa: F401 - sets sys.path
from common import interleaved, report, timed

from foi.db import connect
from foi.mail.fetch import ImapSettings, fetch_new_mail
from foi.mail.store import BlobStore
from mailservers import Dovecot

TODAY = dt.date(2026, 3, 4)


def build_message(i: int) -> bytes:
    message = EmailMessage()
    message["From"] = f"FOI Team <foi@council{i % 150}.gov.uk>"
    message["To"] = "foi+eh-bns-592v@campaign.org"
    message["Subject"] = f"Re: Freedom of Information request {i}"
    message["Date"] = "Tue, 03 Mar 2026 10:00:00 +0000"
    message["Message-ID"] = f"<reply-{i}@council{i % 150}.gov.uk>"
    message.set_content(f"Dear requester,\n\nPlease find our response attached ({i}).\n\nFOI Team\n")
    csv = f"Year,Children placed\n2023/24,{i % 97}\n2024/25,{i % 89}\n".encode()
    message.add_attachment(csv, maintype="text", subtype="csv", filename=f"response-{i}.csv")
    return message.as_bytes()


def deliver(server: Dovecot, username: str, count: int) -> None:
    """Write the messages into Maildir/new, the way a delivery agent hands mail to Dovecot."""
    maildir = server.dir / "mail" / username / "Maildir"
    owner = pwd.getpwnam("dovecot") if os.getuid() == 0 else None
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    for i in range(count):
        path = maildir / "new" / f"{1_700_000_000 + i}.M{i}P1.bench"
        path.write_bytes(build_message(i))
        if owner:
            os.chown(path, owner.pw_uid, owner.pw_gid)
    if owner:
        for path in [maildir, *maildir.iterdir(), maildir.parent]:
            os.chown(path, owner.pw_uid, owner.pw_gid)


def raw_fetch(settings: ImapSettings, batch_size: int = 200) -> int:
    """The same I/O without foi: login, select, UID SEARCH, batched BODY.PEEK[] into memory."""
    from imapclient import IMAPClient

    client = IMAPClient(settings.host, port=settings.port, ssl=False, timeout=60)
    client.login(settings.username, settings.password)
    client.select_folder("INBOX", readonly=True)
    uids = sorted(client.search(["UID", "1:*"]))
    kept = []
    for start in range(0, len(uids), batch_size):
        fetched = client.fetch(uids[start:start + batch_size], ["BODY.PEEK[]", "INTERNALDATE"])
        kept.extend(data[b"BODY[]"] for data in fetched.values())
    client.logout()
    return len(kept)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    server = Dovecot().start()
    work = Path(tempfile.mkdtemp(prefix="foi-bench-sync-"))
    try:
        account = server.add_user("bench", password="bench-pw")
        deliver(server, account.username, args.messages)
        settings = ImapSettings("127.0.0.1", server.port, "none", account.username, "bench-pw", ["INBOX"])
        assert raw_fetch(settings) == args.messages  # warm-up: Dovecot indexes the new mail
        print(f"setup: {args.messages} messages delivered and indexed in {time.perf_counter() - started:.1f} s")

        trial = iter(range(1_000_000))
        last: dict[str, Path] = {}

        def foi_sync() -> None:
            folder = work / f"trial{next(trial)}"
            folder.mkdir()
            db = connect(folder / "campaign.db")
            result = fetch_new_mail(db, BlobStore(folder / "blobs"), settings, today=TODAY)
            assert result.new == args.messages, result
            db.close()
            last["folder"] = folder

        times = interleaved({"foi sync": foi_sync, "imapclient": lambda: raw_fetch(settings)}, args.trials)
        report(f"sync of {args.messages} new messages", times, "foi sync", "imapclient", 1.5)

        db = connect(last["folder"] / "campaign.db")
        blobs = BlobStore(last["folder"] / "blobs")
        idle = [timed(lambda: fetch_new_mail(db, blobs, settings, today=TODAY)) for _ in range(5)]
        verdict = "met" if statistics.median(idle) < 0.5 else "NOT met"
        print(f"## sync with nothing new at {args.messages} messages")
        print(f"  median {statistics.median(idle):.3f} s  runs: {', '.join(f'{t:.3f}' for t in idle)}"
              f"  (target < 0.5 s: {verdict})")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
