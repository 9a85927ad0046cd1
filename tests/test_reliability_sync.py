"""Reliability: the IMAP server dies in the middle of `foi sync`.

A private Dovecot (its own process group, so the kill takes its imap children
too) is SIGKILLed while a FETCH is in flight; sync stops with a clear error;
a new Dovecot on the same mail directory (fresh base_dir: MAILSERVERS.md) takes
over, and the next sync stores everything exactly once.
"""

import datetime as dt
import os
import signal
import subprocess
from pathlib import Path

import pytest

from foi.blobs import BlobStore, blob_dir
from foi.db import connect
from foi.errors import FoiError
from foi.mail.fetch import ImapSettings, connect_imap, fetch_new_mail
from tests.mailbuild import mail
from tests.mailservers import DOVECOT, Dovecot, _wait_for_port

TODAY = dt.date(2026, 3, 4)
MESSAGES = 300


class KillableDovecot(Dovecot):
    """Dovecot in its own session, restartable on the same mail with a new base_dir."""

    generation = 0

    def start(self) -> "KillableDovecot":
        config = self._config()
        if self.generation:
            for name in ("run", "state"):
                config = config.replace(f"{self.dir}/{name}", f"{self.dir}/{name}{self.generation}")
        conf = self.dir / f"dovecot{self.generation}.conf"
        conf.write_text(config)
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _wait_for_port(self.port, self.process, self.dir / "dovecot.log")
        return self

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.generation += 1


class KillOnFetch:
    """A real IMAPClient; the server is killed just as the Nth FETCH of message bodies is
    sent (the FETCH of their sizes that plans the batches is not counted)."""

    def __init__(self, client, server, kill_on):
        self.client, self.server, self.kill_on, self.fetches = client, server, kill_on, 0

    def fetch(self, *args, **kwargs):
        if "BODY.PEEK[]" in args[1]:
            self.fetches += 1
            if self.fetches == self.kill_on:
                self.server.kill()
        return self.client.fetch(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.client, name)


@pytest.fixture
def server():
    instance = KillableDovecot().start()
    yield instance
    instance.stop()


def test_server_killed_mid_sync_then_restarted_everything_stored_once(server):
    account = server.add_user("sync", password="sync-pw")
    with account.client() as client:
        for i in range(MESSAGES):
            client.append("INBOX", mail(message_id=f"<m{i}@council.gov.uk>", subject=f"Reply {i}"))
    settings = ImapSettings("127.0.0.1", server.port, "none", account.username, "sync-pw", ["INBOX"])
    db = connect(Path("campaign.db"))
    blobs = BlobStore(blob_dir(Path("campaign.db")))

    with pytest.raises(FoiError) as stopped:
        fetch_new_mail(db, blobs, settings, today=TODAY, triage=None, batch_size=100,
                       connect=lambda s: KillOnFetch(connect_imap(s), server, kill_on=2))
    assert "Could not connect to IMAP server 127.0.0.1" in str(stopped.value)
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 100  # the first batch, committed
    assert db.execute("SELECT last_uid FROM imap_folders").fetchone()[0] == 100

    server.start()
    report = fetch_new_mail(db, blobs, settings, today=TODAY, triage=None, batch_size=100)
    assert report.new == MESSAGES - 100
    subjects = [r[0] for r in db.execute("SELECT subject FROM messages ORDER BY id")]
    assert subjects == [f"Reply {i}" for i in range(MESSAGES)]
    assert db.execute("SELECT count(DISTINCT uid), count(*) FROM message_locations").fetchone() == (MESSAGES, MESSAGES)
    assert fetch_new_mail(db, blobs, settings, today=TODAY, triage=None).new == 0
