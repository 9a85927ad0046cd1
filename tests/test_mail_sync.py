"""`foi sync` against a real Dovecot on loopback."""

import datetime as dt
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from mailbuild import mail, mail_with_attachments

from foi.blobs import BlobStore, blob_dir
from foi.db import connect
from foi.errors import FoiError
from foi.mail.fetch import ImapSettings, connect_imap, fetch_new_mail

TODAY = dt.date(2026, 3, 4)


@dataclass
class ImapServer:
    """The campaign mailbox as the sync code sees it: one fresh Dovecot user."""

    host: str
    port: int
    username: str
    password: str
    account: object

    def client(self):
        return self.account.client()


@pytest.fixture
def imap_server(dovecot):
    account = dovecot.add_user("sync")
    return ImapServer("127.0.0.1", dovecot.port, account.username, account.password, account)


@pytest.fixture
def folder(imap_server):
    """A fresh folder per test, so tests sharing the server stay apart."""
    name = f"t{uuid.uuid4().hex[:10]}"
    client = imap_server.client()
    client.create_folder(name)
    client.logout()
    return name


@pytest.fixture
def settings(imap_server, folder):
    return ImapSettings(imap_server.host, imap_server.port, "none", imap_server.username,
                        imap_server.password, [folder])


@pytest.fixture
def db(isolated):
    return connect(Path("campaign.db"))


def append(server, folder, count, start=0):
    client = server.client()
    for i in range(start, start + count):
        client.append(folder, mail(message_id=f"<m{i}-{folder}@council.gov.uk>", subject=f"Reply {i}"))
    client.logout()


def sync(db, settings, **kwargs):
    return fetch_new_mail(db, BlobStore(blob_dir(Path("campaign.db"))), settings, today=TODAY,
                          triage=None, **kwargs)


def stored_subjects(db):
    return sorted(r[0] for r in db.execute("SELECT subject FROM messages"))


def test_sync_stores_new_mail_once_and_never_marks_it_read(db, settings, imap_server, folder):
    append(imap_server, folder, 3)
    report = sync(db, settings)
    assert [(f.folder, f.new, f.last_uid) for f in report.folders] == [(folder, 3, 3)]
    assert stored_subjects(db) == ["Reply 0", "Reply 1", "Reply 2"]
    account = f"{imap_server.username}@{imap_server.host}"
    assert db.execute("SELECT account, folder, uid FROM message_locations ORDER BY uid").fetchall() == [
        (account, folder, 1), (account, folder, 2), (account, folder, 3)]
    assert db.execute("SELECT folder, last_uid FROM imap_folders").fetchall() == [(folder, 3)]
    client = imap_server.client()
    client.select_folder(folder, readonly=True)
    assert all(b"\\Seen" not in flags for flags in client.get_flags(client.search("ALL")).values())
    client.logout()

    again = sync(db, settings)
    assert (again.new, again.folders[0].already) == (0, 0)
    append(imap_server, folder, 1, start=3)
    third = sync(db, settings)
    assert third.new == 1
    assert stored_subjects(db) == ["Reply 0", "Reply 1", "Reply 2", "Reply 3"]


def test_changed_uidvalidity_rescans_without_duplicates(db, settings, imap_server, folder):
    append(imap_server, folder, 2)
    sync(db, settings)
    old_validity = db.execute("SELECT uidvalidity FROM imap_folders").fetchone()[0]
    client = imap_server.client()
    client.delete_folder(folder)
    client.create_folder(folder)
    client.logout()
    append(imap_server, folder, 3)  # the same two messages again, plus one new
    report = sync(db, settings)
    assert report.folders[0].uidvalidity_changed
    assert (report.new, report.folders[0].already) == (1, 2)
    assert stored_subjects(db) == ["Reply 0", "Reply 1", "Reply 2"]
    new_validity = db.execute("SELECT uidvalidity FROM imap_folders").fetchone()[0]
    assert new_validity != old_validity
    assert db.execute("SELECT count(*) FROM message_locations WHERE uidvalidity = ?", [new_validity]).fetchone()[0] == 3


class DroppingClient:
    """A real IMAPClient whose socket is cut when the Nth FETCH of message bodies is sent
    (the FETCH of their sizes that plans the batches is not counted)."""

    def __init__(self, client, drop_on_fetch):
        self.client, self.drop_on_fetch, self.fetches = client, drop_on_fetch, 0

    def fetch(self, *args, **kwargs):
        if "BODY.PEEK[]" in args[1]:
            self.fetches += 1
            if self.fetches == self.drop_on_fetch:
                self.client._imap.sock.shutdown(socket.SHUT_RDWR)
        return self.client.fetch(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.client, name)


def test_dropped_connection_is_retried_once(db, settings, imap_server, folder):
    append(imap_server, folder, 5)
    connections = []

    def flaky_connect(settings):
        connections.append(1)
        return DroppingClient(connect_imap(settings), drop_on_fetch=2 if len(connections) == 1 else 0)

    report = sync(db, settings, batch_size=2, connect=flaky_connect)
    assert (report.reconnects, report.new, len(connections)) == (1, 5, 2)
    assert stored_subjects(db) == [f"Reply {i}" for i in range(5)]


def test_connection_dropping_twice_stops_with_a_clear_error_and_resumes(db, settings, imap_server, folder):
    append(imap_server, folder, 5)

    def always_drops(settings):
        return DroppingClient(connect_imap(settings), drop_on_fetch=2)

    with pytest.raises(FoiError) as raised:
        sync(db, settings, batch_size=2, connect=always_drops)
    message = str(raised.value)
    assert f"dropped twice while syncing {folder}" in message
    assert f"{folder}: 4 new (up to UID 4)" in message  # batch 1, then batch 2 after reconnecting
    assert "Run `foi sync` again" in message
    assert stored_subjects(db) == ["Reply 0", "Reply 1", "Reply 2", "Reply 3"]

    report = sync(db, settings, batch_size=2)
    assert report.new == 1
    assert stored_subjects(db) == [f"Reply {i}" for i in range(5)]
    assert db.execute("SELECT count(*) FROM message_locations").fetchone()[0] == 5


def test_cli_sync_reads_settings_from_environment(db, run, monkeypatch, imap_server, folder):
    append(imap_server, folder, 2)
    for key, value in {"FOI_IMAP_HOST": imap_server.host, "FOI_IMAP_PORT": str(imap_server.port),
                       "FOI_IMAP_SECURITY": "none", "FOI_IMAP_USERNAME": imap_server.username,
                       "FOI_IMAP_PASSWORD": imap_server.password, "FOI_IMAP_FOLDERS": folder}.items():
        monkeypatch.setenv(key, value)
    result = run("sync")
    assert result.stdout == f"{folder}: 2 new messages, 0 attachments\n"
    assert run("sync").stdout == f"{folder}: 0 new messages, 0 attachments\n"
    monkeypatch.setenv("FOI_IMAP_PASSWORD", "wrong")
    failed = run("sync", ok=False)
    assert failed.exit_code == 1
    assert f"IMAP login as {imap_server.username} on 127.0.0.1 failed" in failed.stderr
    assert "wrong" not in failed.stderr


def test_missing_settings_are_a_clear_error(db):
    from foi.config import load_config
    from foi.mail.fetch import load_imap_settings

    with pytest.raises(FoiError, match="FOI_IMAP_HOST, FOI_IMAP_USERNAME, FOI_IMAP_PASSWORD not set"):
        load_imap_settings(load_config(env={}))
    settings = load_imap_settings(load_config(env={
        "FOI_IMAP_HOST": "h", "FOI_IMAP_USERNAME": "u", "FOI_IMAP_PASSWORD": "p",
        "FOI_IMAP_FOLDERS": "INBOX, FOI replies"}))
    assert (settings.port, settings.security, settings.folders) == (993, "ssl", ["INBOX", "FOI replies"])


def test_large_messages_are_fetched_a_few_at_a_time(db, settings, imap_server, folder, monkeypatch):
    """A batch is held in memory whole: past FETCH_BYTES together, messages are fetched in
    smaller batches (one larger message alone), and every one is stored once."""
    import foi.mail.fetch as fetch

    monkeypatch.setattr(fetch, "FETCH_BYTES", 250_000)
    client = imap_server.client()
    for i in range(5):
        body = "x" * (100_000 if i != 2 else 400_000)
        client.append(folder, mail(message_id=f"<big{i}-{folder}@council.gov.uk>", subject=f"Reply {i}", body=body))
    client.logout()
    fetched: list[list[int]] = []

    def recording(settings):
        connected = connect_imap(settings)
        plain = connected.fetch

        def fetch_bodies(uids, items):
            if "BODY.PEEK[]" in items:
                fetched.append(list(uids))
            return plain(uids, items)

        connected.fetch = fetch_bodies
        return connected

    report = sync(db, settings, connect=recording)
    assert report.new == 5
    assert fetched == [[1, 2], [3], [4, 5]]
    assert stored_subjects(db) == [f"Reply {i}" for i in range(5)]


def test_a_copy_in_the_next_batch_is_stored_once_though_read_before_the_first_is_stored(
        db, settings, imap_server, folder):
    """A thread reads batch N+1 while batch N is stored: a copy of a message of batch N met in
    batch N+1 must still become a second location, not a second message."""
    copy = mail_with_attachments([("figures.csv", "text/csv", b"year,count\n2024,12\n")],
                                 message_id=f"<copy-{folder}@council.gov.uk>")
    client = imap_server.client()
    for raw in (mail(message_id=f"<a-{folder}@x.gov.uk>", subject="First"), copy, copy,
                mail(message_id=f"<b-{folder}@x.gov.uk>", subject="Last"), copy):
        client.append(folder, raw)
    client.logout()
    report = sync(db, settings, batch_size=1)
    assert (report.new, report.folders[0].already) == (3, 2)
    assert stored_subjects(db) == ["First", "Last", "Your request"]
    assert db.execute("SELECT count(*) FROM attachments").fetchone()[0] == 1
    # the unpacked file is written (by the thread that makes a batch durable) under its name
    kept = BlobStore(blob_dir(Path("campaign.db")))
    assert kept.get(db.execute("SELECT sha256 FROM attachments").fetchone()[0]) == b"year,count\n2024,12\n"
    assert not list(kept.root.rglob(".tmp-*"))
    copied = db.execute("SELECT id FROM messages WHERE subject = 'Your request'").fetchone()[0]
    assert db.execute("SELECT uid FROM message_locations WHERE message = ? ORDER BY uid",
                      [copied]).fetchall() == [(2,), (3,), (5,)]
    assert db.execute("SELECT last_uid FROM imap_folders").fetchall() == [(5,)]


def test_a_sync_takes_each_classification_from_the_worker_that_parsed_the_message(
        db, settings, imap_server, folder, monkeypatch):
    """Classifying in the main process as well would undo the overlap: with it made to fail
    there, a sync still classifies every message (the worker did it, as Triage.ahead asks)."""
    import foi.triage.run as triage_run

    def not_here(*args):
        raise AssertionError("classified in the main process")

    monkeypatch.setattr(triage_run, "classify_message", not_here)
    client = imap_server.client()
    for i in range(3):
        client.append(folder, mail(message_id=f"<nh{i}-{folder}@x.gov.uk>", subject=f"Your request {i}",
                                   body="We can confirm that we do not hold this information."))
    client.logout()
    report = fetch_new_mail(db, BlobStore(blob_dir(Path("campaign.db"))), settings, today=TODAY,
                            triage=triage_run.TRIAGE)
    assert (report.new, report.folders[0].triage_failed) == (3, 0)
    assert [r[0] for r in db.execute("SELECT classification FROM messages")] == ["not_held"] * 3


def test_the_reading_worker_is_started_in_the_reading_thread_before_the_first_batch_is_read(
        db, settings, imap_server, folder, monkeypatch):
    import threading

    import foi.mail.fetch as fetch
    import foi.triage.run as triage_run

    calls = []
    real_warm_up, real_read_batch = fetch.warm_up, fetch.read_batch

    def warm_up(then):
        calls.append(("warm_up", threading.get_ident(), then))
        return real_warm_up(then)

    def read_batch(*args, **kwargs):
        calls.append(("read", threading.get_ident(), kwargs.get("then")))
        return real_read_batch(*args, **kwargs)

    monkeypatch.setattr(fetch, "warm_up", warm_up)
    monkeypatch.setattr(fetch, "read_batch", read_batch)
    append(imap_server, folder, 3)
    fetch_new_mail(db, BlobStore(blob_dir(Path("campaign.db"))), settings, today=TODAY, triage=triage_run.TRIAGE)
    assert [call[0] for call in calls] == ["warm_up", "read"]
    (_, warmed_in, warmed_for), (_, read_in, read_with) = calls
    assert warmed_in == read_in != threading.get_ident()  # the reading thread's own worker
    assert warmed_for == read_with is not None  # loaded with what it then applies
