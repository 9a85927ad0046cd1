"""Benchmark: `foi sync` (foi.mail.fetch.fetch_new_mail) against a raw imapclient loop.

Setup (timed separately): a campaign database with 153 requests sent to
councils; a private Dovecot, one user, 10,000 replies from those councils (each
quoting its request's reference, with a small CSV attachment) delivered
straight into the user's Maildir/new (as a local delivery agent would), then
one warm-up read so Dovecot's index exists. foi therefore matches, classifies
and moves a request for every message, as in a real sync.

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
from mailservers import Dovecot

from foi.blobs import BlobStore
from foi.db import connect
from foi.mail.fetch import ImapSettings, fetch_new_mail
from foi.register.councils import load_register
from foi.triage.run import TRIAGE
from tests.builders import create_campaign

TODAY = dt.date(2026, 3, 4)


def build_campaign(db_path: Path, councils: int = 153) -> list[tuple[str, str]]:
    """A campaign whose requests were all sent; (reference, council domain) each."""
    db = connect(db_path)
    load_register(db)
    rows = list(db.query("SELECT code, domain FROM bodies WHERE domain IS NOT NULL ORDER BY code"))[:councils]
    for row in rows:
        db["bodies"].update(row["code"], {"foi_email": f"foi@{row['domain']}"})
    create_campaign(db, db_path.parent, slug="eh", recipients=[r["code"] for r in rows],
                    now="2026-02-01T09:00:00+00:00")
    db.execute("UPDATE requests SET state = 'awaiting_response', sent_at = '2026-02-02T09:00:00+00:00', "
               "sent_on = '2026-02-02', email = 'foi@' || "
               "(SELECT domain FROM bodies WHERE code = body_code)")
    found = [(r["reference"], r["domain"]) for r in db.query(
        "SELECT r.reference, b.domain FROM requests r JOIN bodies b ON b.code = r.body_code ORDER BY r.id")]
    db.close()
    return found


def build_message(i: int, requests: list[tuple[str, str]]) -> bytes:
    reference, domain = requests[i % len(requests)]
    message = EmailMessage()
    message["From"] = f"FOI Team <foi@{domain}>"
    message["To"] = "FOI Campaigns <foi@campaign.org>"
    message["Subject"] = f"Re: Freedom of Information request {reference}"
    message["Date"] = "Tue, 03 Mar 2026 10:00:00 +0000"
    message["Message-ID"] = f"<reply-{i}@{domain}>"
    message.set_content(f"Dear requester,\n\nPlease find our response to {reference} attached ({i}).\n\n"
                        "FOI Team\n")
    csv = f"Year,Children placed\n2023/24,{i % 97}\n2024/25,{i % 89}\n".encode()
    message.add_attachment(csv, maintype="text", subtype="csv", filename=f"response-{i}.csv")
    return message.as_bytes()


def deliver(server: Dovecot, username: str, count: int, requests: list[tuple[str, str]]) -> None:
    """Write the messages into Maildir/new, the way a delivery agent hands mail to Dovecot."""
    maildir = server.dir / "mail" / username / "Maildir"
    owner = pwd.getpwnam("dovecot") if os.getuid() == 0 else None
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    for i in range(count):
        path = maildir / "new" / f"{1_700_000_000 + i}.M{i}P1.bench"
        path.write_bytes(build_message(i, requests))
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
        template = work / "template.db"
        requests = build_campaign(template)
        account = server.add_user("bench", password="bench-pw")
        deliver(server, account.username, args.messages, requests)
        settings = ImapSettings("127.0.0.1", server.port, "none", account.username, "bench-pw", ["INBOX"])
        assert raw_fetch(settings) == args.messages  # warm-up: Dovecot indexes the new mail
        print(f"setup: {args.messages} messages delivered and indexed in {time.perf_counter() - started:.1f} s")

        trial = iter(range(1_000_000))
        last: dict[str, Path] = {}

        def foi_sync() -> None:
            folder = work / f"trial{next(trial)}"
            folder.mkdir()
            shutil.copy(template, folder / "campaign.db")
            db = connect(folder / "campaign.db")
            result = fetch_new_mail(db, BlobStore(folder / "blobs"), settings, today=TODAY, triage=TRIAGE)
            assert result.new == args.messages, result
            matched = db.execute("SELECT count(*) FROM messages WHERE request_id IS NOT NULL").fetchone()[0]
            assert matched == args.messages, matched  # every reply filed under its request
            db.close()
            last["folder"] = folder

        times = interleaved({"foi sync": foi_sync, "imapclient": lambda: raw_fetch(settings)}, args.trials)
        report(f"sync of {args.messages} new messages", times, "foi sync", "imapclient", 1.5)

        db = connect(last["folder"] / "campaign.db")
        blobs = BlobStore(last["folder"] / "blobs")
        idle = [timed(lambda: fetch_new_mail(db, blobs, settings, today=TODAY, triage=TRIAGE)) for _ in range(5)]
        verdict = "met" if statistics.median(idle) < 0.5 else "NOT met"
        print(f"## sync with nothing new at {args.messages} messages")
        print(f"  median {statistics.median(idle):.3f} s  runs: {', '.join(f'{t:.3f}' for t in idle)}"
              f"  (target < 0.5 s: {verdict})")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
