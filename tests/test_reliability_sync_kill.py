"""Reliability: `foi sync` itself killed with SIGKILL at random points, then run again.

Twenty seeded trials, each into a fresh campaign database, over one mailbox of replies
with attachments (so the reading worker is busy when the kill lands). In the end every
message is stored exactly once with each of its attachments, and no reading worker is
left running after the process that started it was killed."""

import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from tests.mailbuild import mail, mail_with_attachments

TRIALS = 20
MESSAGES = 90


def mailbox(account) -> None:
    client = account.client()
    for number in range(MESSAGES):
        if number % 3:
            raw = mail(subject=f"Re: request {number}", message_id=f"<k{number}@council.test>",
                       body=f"Reply {number}: 12 visits.")
        else:
            packed = io.BytesIO()
            with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("figures.csv", f"Question,2024/25,2025/26\nVisits,{number},{number + 1}\n")
            raw = mail_with_attachments([("figures.zip", "application/zip", packed.getvalue()),
                                         ("note.txt", "text/plain", b"Figures attached." * 50)],
                                        message_id=f"<k{number}@council.test>")
        client.append("INBOX", raw)
    client.logout()


def workers_of(pid: int) -> list[int]:
    """Reading workers (python -m foi.bounded) whose parent is `pid`, or orphans of it."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            status = (entry / "status").read_text()
        except OSError:
            continue
        parent = int(next(line for line in status.splitlines() if line.startswith("PPid:")).split()[1])
        if b"foi.bounded" in command and (parent == pid or (parent == 1 and _runs_in(entry, Path.cwd()))):
            found.append(int(entry.name))
    return found


def _runs_in(entry: Path, folder: Path) -> bool:
    """Whether the process of /proc `entry` works in `folder`; not if it has ended meanwhile
    (its /proc entry goes as it exits: an orphan ending is what the caller waits for)."""
    try:
        return os.readlink(entry / "cwd") == str(folder)
    except OSError:
        return False


def fresh(folder: Path, env: dict) -> Path:
    folder.mkdir()
    subprocess.run([sys.executable, "-m", "foi", "--db", str(folder / "campaign.db"), "init"], env=env,
                   capture_output=True, check=True, cwd=folder)
    return folder


def sync_command(folder: Path) -> list[str]:
    return [sys.executable, "-m", "foi", "--db", str(folder / "campaign.db"), "sync", "--batch-size", "7",
            "--no-extract"]


def counts(db_path: Path) -> tuple[int, int, int, int]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM messages), (SELECT count(DISTINCT message_id) FROM messages), "
            "(SELECT count(*) FROM message_locations), (SELECT count(*) FROM attachments)").fetchone()


def test_sync_killed_at_random_points_stores_every_message_once(dovecot, isolated):
    account = dovecot.add_user("killsync")
    mailbox(account)
    env = {**os.environ, "FOI_IMAP_HOST": "127.0.0.1", "FOI_IMAP_PORT": str(dovecot.port),
           "FOI_IMAP_SECURITY": "none", "FOI_IMAP_USERNAME": account.username,
           "FOI_IMAP_PASSWORD": account.password}
    # how long a whole sync takes here: the kills land within that time, however fast the machine.
    # Timed on a second run: the first also fills caches (Python's bytecode in a fresh clone,
    # the server's index), and was long enough for most kills to land after the end.
    assert subprocess.run(sync_command(fresh(isolated / "probe", env)), env=env, check=False).returncode == 0
    started = time.monotonic()
    assert subprocess.run(sync_command(fresh(isolated / "probe-warm", env)), env=env, check=False).returncode == 0
    whole = time.monotonic() - started
    chance = random.Random(16)
    killed_mid_run = 0
    for trial in range(TRIALS):
        folder = fresh(isolated / f"trial-{trial}", env)
        command = sync_command(folder)
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(chance.uniform(0.2, 0.9) * whole)
        process.send_signal(signal.SIGKILL)
        killed_mid_run += process.wait() == -signal.SIGKILL
        deadline = time.monotonic() + 10
        while workers_of(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)  # the worker sees its input close and ends
        assert workers_of(process.pid) == [], f"trial {trial}: a reading worker outlived foi"
        again = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        assert again.returncode == 0, again.stderr
        assert counts(folder / "campaign.db") == (MESSAGES, MESSAGES, MESSAGES, MESSAGES // 3 * 3), f"trial {trial}"
    assert killed_mid_run >= TRIALS // 2, "the kills mostly landed after the sync had finished"
