"""Benchmark: `foi sync` (foi.mail.fetch.fetch_new_mail) against mbsync (isync), the
mail synchroniser a user would run instead, with a raw imapclient fetch for reference.

Setup (timed separately): a campaign database with 153 requests sent to
councils; a private Dovecot, one user, 10,000 replies from those councils (each
quoting its request's reference, with a small CSV attachment) delivered
straight into the user's Maildir/new (as a local delivery agent would), then
one warm-up read so Dovecot's index exists. foi therefore matches, classifies
and moves a request for every message, as in a real sync.

Each trial, interleaved: foi syncs into a fresh copy of the campaign database;
mbsync pulls the same INBOX into a fresh Maildir (its default `FSync yes`:
every message file and its sync state reach the disk); imapclient fetches the
same bytes into memory and keeps nothing.

Run: python3 bench/sync.py [--messages 10000] [--trials 3]
     python3 bench/sync.py --profile   # one foi sync under cProfile
     python3 bench/sync.py --memory    # peak RSS of one foi sync in a child process
     python3 bench/sync.py --against ../other-checkout   # before/after, each foi in its own process
"""

import argparse
import datetime as dt
import os
import pwd
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

import common  # noqa: F401 - sets sys.path
from common import interleaved, report, timed
from mailservers import Dovecot

from foi import bounded
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


MBSYNC_FSYNC = "yes"  # mbsync's default: each message file and the sync state are fsynced


def mbsyncrc(settings: ImapSettings, maildir: Path) -> str:
    """A channel pulling the server's INBOX into `maildir`, nothing pushed back."""
    return f"""FSync {MBSYNC_FSYNC}

IMAPAccount bench
Host {settings.host}
Port {settings.port}
User {settings.username}
Pass {settings.password}
SSLType None
AuthMechs LOGIN

IMAPStore bench-far
Account bench

MaildirStore bench-near
Path {maildir}/
Inbox {maildir}/INBOX

Channel bench
Far :bench-far:
Near :bench-near:
Patterns INBOX
Create Near
Sync Pull
SyncState *
"""


def mbsync(settings: ImapSettings, folder: Path, expected: int) -> None:
    """`mbsync` pulls the INBOX into a fresh Maildir under `folder`."""
    (folder / "Maildir").mkdir(parents=True)  # mbsync creates the mailbox, not the store's folder
    config = folder / "mbsyncrc"
    config.write_text(mbsyncrc(settings, folder / "Maildir"))
    done = subprocess.run(["mbsync", "-c", str(config), "-q", "bench"], check=False, capture_output=True,
                          text=True)
    if done.returncode != 0:
        sys.exit(f"mbsync failed ({done.returncode}): {done.stderr.strip()}")
    stored = sum(1 for sub in ("new", "cur") for _ in (folder / "Maildir" / "INBOX" / sub).iterdir())
    assert stored == expected, stored


class Bench:
    """The server, the campaign template and a fresh folder for each trial."""

    def __init__(self, messages: int):
        started = time.perf_counter()
        self.messages = messages
        self.server = Dovecot().start()
        self.work = Path(tempfile.mkdtemp(prefix="foi-bench-sync-"))
        self.template = self.work / "template.db"
        requests = build_campaign(self.template)
        account = self.server.add_user("bench", password="bench-pw")
        deliver(self.server, account.username, messages, requests)
        self.settings = ImapSettings("127.0.0.1", self.server.port, "none", account.username, "bench-pw",
                                     ["INBOX"])
        assert raw_fetch(self.settings) == messages  # warm-up: Dovecot indexes the new mail
        self._trials = iter(range(1_000_000))
        print(f"setup: {messages} messages delivered and indexed in {time.perf_counter() - started:.1f} s",
              flush=True)

    def fresh(self) -> Path:
        folder = self.work / f"trial{next(self._trials)}"
        folder.mkdir()
        return folder

    def foi_sync(self) -> Path:
        """One `foi sync` into a fresh copy of the campaign; the folder it used."""
        folder = self.fresh()
        shutil.copy(self.template, folder / "campaign.db")
        db = connect(folder / "campaign.db")
        result = fetch_new_mail(db, BlobStore(folder / "blobs"), self.settings, today=TODAY, triage=TRIAGE)
        assert result.new == self.messages, result
        matched = db.execute("SELECT count(*) FROM messages WHERE request_id IS NOT NULL").fetchone()[0]
        assert matched == self.messages, matched  # every reply filed under its request
        db.close()
        bounded.reset()  # every reading worker ends and is waited for: its processor time is counted
        return folder

    def foi_sync_of(self, checkout: Path) -> None:
        """One `foi sync` as foi_sync does, by the foi of another checkout, in a process of
        its own (its start-up, ~0.3 s, is in its time)."""
        folder = self.fresh()
        shutil.copy(self.template, folder / "campaign.db")
        settings = self.settings
        code = (
            "import datetime as dt, sys\n"
            "from foi.blobs import BlobStore\nfrom foi.db import connect\n"
            "from foi.mail.fetch import ImapSettings, fetch_new_mail\nfrom foi.triage.run import TRIAGE\n"
            f"db = connect({str(folder / 'campaign.db')!r})\n"
            f"settings = ImapSettings({settings.host!r}, {settings.port!r}, {settings.security!r}, "
            f"{settings.username!r}, {settings.password!r}, {settings.folders!r})\n"
            f"result = fetch_new_mail(db, BlobStore({str(folder / 'blobs')!r}), settings, "
            f"today=dt.date.fromisoformat({TODAY.isoformat()!r}), triage=TRIAGE)\n"
            f"sys.exit(0 if result.new == {self.messages} else 1)\n")
        env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
               "PYTHONPATH": str(checkout)}  # bytecode cached, as on a user's machine
        subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=folder)

    def mbsync(self) -> None:
        mbsync(self.settings, self.fresh() / "mbsync", self.messages)

    def stop(self) -> None:
        self.server.stop()
        shutil.rmtree(self.work, ignore_errors=True)


def compare(bench: Bench, trials: int, against: list[Path]) -> Path:
    """Interleaved trials of the three sides (and of foi from other checkouts); the folder of
    the last foi sync."""
    last: dict[str, Path] = {}

    def foi_sync() -> None:
        last["folder"] = bench.foi_sync()

    sides = {"foi sync": foi_sync, "mbsync": bench.mbsync, "imapclient": lambda: raw_fetch(bench.settings)}
    here = Path(__file__).resolve().parent.parent
    for checkout in [here, *against] if against else []:  # each in a process of its own, alike
        sides[f"foi sync ({checkout})"] = lambda checkout=checkout: bench.foi_sync_of(checkout)
    cpu: dict[str, list[float]] = {name: [] for name in sides}
    times = interleaved({name: lambda name=name, work=work: _with_cpu(work, cpu[name])
                         for name, work in sides.items()}, trials)
    for checkout in against:
        ratio = statistics.median(times[f"foi sync ({here})"]) / statistics.median(times[f"foi sync ({checkout})"])
        print(f"  foi sync ({here}) / foi sync ({checkout}) = {ratio:.2f}x")
    report(f"sync of {bench.messages} new messages", times, "foi sync", "mbsync", 2.0)
    raw = statistics.median(times["foi sync"]) / statistics.median(times["imapclient"])
    print(f"  for reference: foi sync/imapclient = {raw:.2f}x; mbsync FSync {MBSYNC_FSYNC} (its default)")
    print("  processor time, user + system, with the processes each starts (medians): "
          + ", ".join(f"{name} {statistics.median(spent):.2f} s" for name, spent in cpu.items()))
    print("  (the wall-time ratio holds where foi has both cores: on a machine busy with other work, foi's"
          " wall time grows towards its processor time, mbsync's, which is mostly waiting on the disk, much less)")
    return last["folder"]


def _cpu_seconds() -> float:
    """Processor time of this process and of every child process it has waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _with_cpu(work, spent: list[float]) -> None:
    """Run `work`, adding the processor time it took to `spent` (a child's only once it has
    ended: Bench.foi_sync ends foi's reading workers)."""
    before = _cpu_seconds()
    work()
    spent.append(_cpu_seconds() - before)


def nothing_new(bench: Bench, folder: Path) -> None:
    db = connect(folder / "campaign.db")
    blobs = BlobStore(folder / "blobs")
    idle = [timed(lambda: fetch_new_mail(db, blobs, bench.settings, today=TODAY, triage=TRIAGE))
            for _ in range(5)]
    db.close()
    verdict = "met" if statistics.median(idle) < 0.5 else "NOT met"
    print(f"## sync with nothing new at {bench.messages} messages")
    print(f"  median {statistics.median(idle):.3f} s  runs: {', '.join(f'{t:.3f}' for t in idle)}"
          f"  (target < 0.5 s: {verdict})")


def profile(bench: Bench, top: int = 30) -> None:
    """One foi sync under cProfile: the top functions by cumulative and by own time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(bench.foi_sync)
    for order in ("cumulative", "tottime"):
        print(f"## one foi sync of {bench.messages} messages under cProfile, by {order} time")
        pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(order).print_stats(top)


def _sync_in_child(bench: Bench, pipe) -> None:
    bench.foi_sync()  # its reading workers end with it: their peak is counted with the children's
    pipe.send((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))


def memory(bench: Bench) -> None:
    """Peak RSS of one foi sync, in a child process forked before it starts."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = context.Process(target=_sync_in_child, args=(bench, send))
    started = time.perf_counter()
    child.start()
    peak_kib, worker_kib = receive.recv()
    child.join()
    print(f"## peak memory of one foi sync of {bench.messages} messages (child process, ru_maxrss)")
    print(f"  foi {peak_kib / 1024:.0f} MB, its reading worker {worker_kib / 1024:.0f} MB, "
          f"in {time.perf_counter() - started:.1f} s (the parent, which forked it: {baseline / 1024:.0f} MB; "
          "target well under 400 MB)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="run one foi sync under cProfile")
    parser.add_argument("--memory", action="store_true", help="peak RSS of one foi sync, in a child process")
    parser.add_argument("--against", type=Path, action="append", default=[], metavar="CHECKOUT",
                        help="also time the foi of CHECKOUT (and this one), each in its own process")
    args = parser.parse_args()
    if shutil.which("mbsync") is None and not (args.profile or args.memory):
        print("mbsync (isync) is not installed: `apt-get install isync` (Debian/Ubuntu), then run this again.")
        return

    bench = Bench(args.messages)
    try:
        if args.profile:
            profile(bench)
        elif args.memory:
            memory(bench)
        else:
            nothing_new(bench, compare(bench, args.trials, args.against))
    finally:
        bench.stop()


if __name__ == "__main__":
    main()
