"""Reliability: `foi send` killed with SIGKILL at random points, then resumed.

Twenty seeded trials, each a fresh 10-council campaign and a fresh Sent folder.
The SMTP server keeps a copy of what it accepts in the sender's Sent folder (as
Gmail and Microsoft 365 do), so a message that arrived before the kill is found
there, and --resend-uncertain is used only when the Sent folder cannot decide.
In the end every council has received its request exactly once.
"""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from tests.builders import make_campaign

TRIALS = 20
COUNCILS = 10


def states(db_path: Path) -> Counter:
    with sqlite3.connect(db_path) as conn:
        return Counter(r[0] for r in conn.execute("SELECT state FROM outgoing"))


def kill_at_random(rng: random.Random, db_path: Path, handler) -> str:
    """Start `foi send` and SIGKILL it after a random number of accepted messages
    or after a random delay; returns how it was stopped, for the failure message."""
    process = subprocess.Popen([sys.executable, "-m", "foi", "--db", str(db_path), "send", "eh", "--yes"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if rng.random() < 0.5:
        target = rng.randrange(0, COUNCILS)
        how = f"after {target} accepted"
        deadline = time.monotonic() + 30
        while handler.count() < target and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
    else:
        delay = rng.uniform(0.0, 1.5)
        how = f"after {delay:.2f} s"
        time.sleep(delay)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return how


def test_sigkill_at_random_points_then_resume_sends_each_request_exactly_once(mail, smtp_server, dovecot,
                                                                              monkeypatch, run):
    rng = random.Random(20260304)
    handler = smtp_server.handler
    for trial in range(TRIALS):
        sender = dovecot.add_user("kill", password="campaign-imap-pw")
        sender.create_folder("Sent")
        monkeypatch.setenv("FOI_IMAP_USERNAME", sender.username)
        sent_copies = sender.client()

        def deliver(content: bytes, sent_copies=sent_copies) -> None:
            sent_copies.append("Sent", content)  # the server's own copy, before it answers 250

        mail.behaviour.deliver_to = None
        handler.reset(mail.behaviour)
        monkeypatch.setattr(handler, "_deliver", deliver)
        folder = Path(f"trial{trial}")
        folder.mkdir()
        councils = make_campaign(str(folder / "campaign.db"), count=COUNCILS)
        db_path = folder / "campaign.db"

        how = kill_at_random(rng, db_path, handler)
        resumed = run("--db", str(db_path), "send", "eh", "--yes")
        if states(db_path)["uncertain"]:  # the Sent folder could not decide: it never arrived
            run("--db", str(db_path), "send", "eh", "--yes", "--resend-uncertain")
        sent_copies.logout()

        received = Counter(rcpt for envelope in handler.received for rcpt in envelope.rcpt_tos)
        expected = Counter(c["foi_email"] for c in councils.values())
        assert received == expected, f"trial {trial}, killed {how}:\n{resumed.stdout}{resumed.stderr}"
        assert states(db_path) == {"sent": COUNCILS}, f"trial {trial}, killed {how}"
