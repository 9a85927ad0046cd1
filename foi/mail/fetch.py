"""`foi sync`: new mail from IMAP folders into the campaign database.

Incremental by UID: for each folder we remember UIDVALIDITY and the last UID
stored. Messages are fetched with BODY.PEEK[] on a read-only SELECT, so nothing
is ever marked read, and progress is committed after every batch, so a dropped
connection loses nothing: the next sync carries on where this one stopped.
"""

import datetime as dt
import imaplib
import socket
import ssl
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlite_utils import Database

from foi.blobs import BlobStore
from foi.bounded import close_own_worker
from foi.config import load_config
from foi.db import commits_not_waiting_for_disk
from foi.errors import FoiError
from foi.mail.store import Incoming, Location, ReadBatch, Triage, read_batch, save_read
from foi.mail.within_limits import Then, warm_up

BATCH_SIZE = 200
FETCH_BYTES = 64 * 1024 * 1024  # messages fetched together at most (one larger message alone)
SECURITY = ("none", "ssl", "starttls")


@dataclass
class ImapSettings:
    host: str
    port: int
    security: str  # none | ssl | starttls
    username: str
    password: str = field(repr=False)
    folders: list[str] = field(default_factory=lambda: ["INBOX"])
    timeout: float = 60.0

    @property
    def account(self) -> str:
        return f"{self.username}@{self.host}"


@dataclass
class FolderReport:
    folder: str
    new: int = 0
    already: int = 0
    attachments: int = 0
    undecodable: int = 0
    triage_failed: int = 0
    partly_read: int = 0  # stored whole, but only partly read (see messages.parse_error)
    uidvalidity_changed: bool = False
    last_uid: int = 0


@dataclass
class SyncReport:
    folders: list[FolderReport] = field(default_factory=list)
    reconnects: int = 0

    @property
    def new(self) -> int:
        return sum(f.new for f in self.folders)


# A dropped or reset connection, as imaplib and the socket layer report it.
CONNECTION_ERRORS = (imaplib.IMAP4.abort, OSError, EOFError)


class ImapClient(Protocol):
    """What a sync asks of an IMAPClient (the tests wrap one to drop the connection)."""

    def select_folder(self, folder: str, readonly: bool = False) -> dict[bytes, Any]: ...
    def search(self, criteria: list[str]) -> list[int]: ...
    def fetch(self, messages: list[int], data: list[str]) -> dict[int, dict[bytes, Any]]: ...
    def logout(self) -> object: ...


def connect_imap(settings: ImapSettings) -> ImapClient:
    """A logged-in IMAPClient (raises FoiError for what the user must fix)."""
    from imapclient import IMAPClient  # lazy: start-up
    from imapclient.exceptions import LoginError  # lazy: start-up

    if settings.security not in SECURITY:
        raise FoiError(f"IMAP security {settings.security!r} is not one of {', '.join(SECURITY)}")
    try:
        client = IMAPClient(settings.host, port=settings.port, ssl=settings.security == "ssl",
                            timeout=settings.timeout)
        if settings.security == "starttls":
            client.starttls(ssl.create_default_context())
        if settings.password.isascii() and settings.username.isascii():
            client.login(settings.username, settings.password)
        else:  # LOGIN is ASCII only; AUTHENTICATE PLAIN carries UTF-8
            client.plain_login(settings.username, settings.password)
    except LoginError as error:
        raise FoiError(f"IMAP login as {settings.username} on {settings.host} failed: {error}",
                       "Check the IMAP username and password.") from None
    except (socket.gaierror, ConnectionRefusedError, TimeoutError, ssl.SSLError) as error:
        raise FoiError(f"Could not connect to IMAP server {settings.host}:{settings.port}: {error}",
                       "Check the IMAP host, port and security settings.") from None
    return client


def fetch_new_mail(
    db: Database, blobs: BlobStore, settings: ImapSettings, *, today: dt.date, triage: Triage | None,
    now: dt.datetime | None = None, batch_size: int = BATCH_SIZE,
    connect: Callable[[ImapSettings], ImapClient] = connect_imap,
    progress: Callable[[str, int, int], None] | None = None,
) -> SyncReport:
    """Store every message new since the last sync in each configured folder, handing
    each new one to `triage` (see foi.mail.store.Triage).

    A dropped connection is retried once (resuming from what was committed);
    a second drop raises FoiError saying what was stored."""
    report = SyncReport()
    run = _Run(db, blobs, settings, connect, connect(settings), batch_size, today, now, progress, triage)
    # The server keeps every message until we have it, so a commit need not wait
    # for the disk: a power cut can only undo the last few commits, last_uid with
    # them, and the next sync fetches those messages again (blobs are synced
    # before any row names them). WAL keeps the database intact either way.
    try:
        with commits_not_waiting_for_disk(db):
            for folder in settings.folders:
                report.folders.append(FolderReport(folder))
                run.folder_with_one_retry(report.folders[-1], report)
    finally:
        _logout_quietly(run.client)
    return report


@dataclass
class _Run:
    """One `foi sync`: where to store, how to connect, and the connection in use."""

    db: Database
    blobs: BlobStore
    settings: ImapSettings
    connect: Callable[[ImapSettings], ImapClient]
    client: ImapClient
    batch_size: int
    today: dt.date
    now: dt.datetime | None
    progress: Callable[[str, int, int], None] | None
    triage: Triage | None

    def folder_with_one_retry(self, folder: FolderReport, report: SyncReport) -> None:
        """Sync one folder; a dropped connection is reconnected once."""
        for attempt in (1, 2):
            try:
                return self.folder(folder)
            except CONNECTION_ERRORS as error:
                _logout_quietly(self.client)
                if attempt == 2:
                    raise _dropped(self.settings, report, folder.folder, error) from None
                report.reconnects += 1
                self.client = self.connect(self.settings)

    def folder(self, report: FolderReport) -> None:
        """Store the folder's new messages batch by batch, in four stages side by side: one
        thread fetches the batch after next; another reads the next batch (parses, unpacks:
        in its own worker); a third writes the unpacked files of the batch read before it
        and makes all its files durable (waits on the disk that would otherwise hold up the
        reading of the next one); and this one stores and triages each batch once its files
        are durable. None of them touches the database (only the fetching one uses the
        connection), and each batch still commits whole, in order, with its last UID.
        Fetching ahead holds one more batch's raw bytes, at most FETCH_BYTES."""
        uidvalidity, uids = self._new_uids(report)
        done = 0
        then = self.triage.ahead(self.db) if self.triage and self.triage.ahead and uids else None
        with ThreadPoolExecutor(1) as fetcher, ThreadPoolExecutor(1) as reader, ThreadPoolExecutor(1) as keeper:
            ahead: tuple[list[int], Future[ReadBatch]] | None = None
            fetched: list[Future[list[Incoming]]] = []
            try:
                if uids:  # the reader's worker starts while the first batch is fetched
                    reader.submit(warm_up, then)
                batches = self._batches(uids)
                if batches:
                    fetched.append(fetcher.submit(self._fetch, report.folder, uidvalidity, batches[0]))
                for number, batch in enumerate(batches):
                    if number + 1 < len(batches):  # the next batch is fetched while this one is read
                        fetched.append(fetcher.submit(self._fetch, report.folder, uidvalidity, batches[number + 1]))
                    following = (batch, keeper.submit(_kept, reader.submit(self._read, fetched.pop(0), then)))
                    if ahead is not None:
                        done += self._store(report, uidvalidity, *ahead)
                        self._progress(report, done, len(uids))
                    ahead = following
                if ahead is not None:
                    done += self._store(report, uidvalidity, *ahead)
                    self._progress(report, done, len(uids))
            finally:
                for waiting in fetched:  # a failed batch stops the sync: fetch nothing more
                    waiting.cancel()
                reader.submit(close_own_worker)

    def _progress(self, report: FolderReport, done: int, total: int) -> None:
        if self.progress:
            self.progress(report.folder, done, total)

    def _batches(self, uids: list[int]) -> list[list[int]]:
        """At most batch_size messages and FETCH_BYTES together (a larger message alone):
        a batch is held in memory whole, and anyone can send the campaign large messages.
        Their sizes are asked here, before the reading thread uses the connection."""
        sizes: dict[int, int] = {}
        for start in range(0, len(uids), 5000):
            fetched = self.client.fetch(uids[start:start + 5000], ["RFC822.SIZE"])
            sizes.update({uid: int(data.get(b"RFC822.SIZE") or 0) for uid, data in fetched.items()})
        batches: list[list[int]] = []
        total = 0
        for uid in uids:
            size = sizes.get(uid, 0)
            if not batches or len(batches[-1]) >= self.batch_size or total + size > FETCH_BYTES:
                batches.append([])
                total = 0
            batches[-1].append(uid)
            total += size
        return batches

    def _new_uids(self, report: FolderReport) -> tuple[int, list[int]]:
        """The folder's UIDVALIDITY and the UIDs above the last one stored."""
        from imapclient.exceptions import IMAPClientError  # lazy: start-up

        try:
            selected = self.client.select_folder(report.folder, readonly=True)
        except IMAPClientError as error:
            if isinstance(error, imaplib.IMAP4.abort):
                raise
            raise FoiError(f"IMAP folder {report.folder!r} could not be opened on {self.settings.host}: "
                           f"{error}", "Check the folder names in the IMAP settings.") from None
        uidvalidity = int(selected[b"UIDVALIDITY"])
        last_uid = _folder_state(self.db, self.settings.account, report.folder, uidvalidity, report)
        report.last_uid = last_uid
        uidnext = selected.get(b"UIDNEXT")
        if uidnext is not None and int(uidnext) <= last_uid + 1:
            return uidvalidity, []  # nothing new: no search needed
        # `UID n:*` always matches the highest message, even when it is older than n.
        return uidvalidity, sorted(u for u in self.client.search(["UID", f"{last_uid + 1}:*"]) if u > last_uid)

    def _fetch(self, folder: str, uidvalidity: int, batch: list[int]) -> list[Incoming]:
        """In the fetching thread: the batch's messages as they arrived (see folder)."""
        fetched = self.client.fetch(batch, ["BODY.PEEK[]", "INTERNALDATE"])
        # expunged between SEARCH and FETCH: nothing to store
        return [_incoming(self.settings, folder, uidvalidity, uid, fetched[uid]) for uid in batch
                if uid in fetched and b"BODY[]" in fetched[uid]]

    def _read(self, fetching: Future[list[Incoming]], then: Then | None) -> ReadBatch:
        """In the reading thread: read the batch once it is fetched (see folder)."""
        return read_batch(self.blobs, fetching.result(), then=then)

    def _store(self, report: FolderReport, uidvalidity: int, batch: list[int], read: Future[ReadBatch]) -> int:
        with self.db.atomic():  # the batch's messages and the folder's last UID commit together
            results = save_read(self.db, self.blobs, read.result(), "imap", today=self.today, now=self.now,
                                triage=self.triage)
            _remember(self.db, self.settings.account, report.folder, uidvalidity, batch[-1],
                      self.now or self.today)
        _count(report, results)
        report.last_uid = batch[-1]
        return len(batch)


def _kept(reading: Future[ReadBatch]) -> ReadBatch:
    """In the keeping thread: the batch once read, its files made durable (see _Run.folder)."""
    read = reading.result()
    read.keep_files()
    return read


def _dropped(settings: ImapSettings, report: SyncReport, folder: str, error: Exception) -> FoiError:
    stored = ", ".join(f"{f.folder}: {f.new} new (up to UID {f.last_uid})" for f in report.folders)
    return FoiError(
        f"The connection to {settings.host} dropped twice while syncing {folder} ({error}). "
        f"Everything fetched so far is stored ({stored}).",
        "Run `foi sync` again to carry on from there.",
    )


def _logout_quietly(client: ImapClient) -> None:
    try:
        client.logout()
    except (*CONNECTION_ERRORS, imaplib.IMAP4.error):
        pass  # the connection is already gone; nothing to tidy


def _incoming(settings: ImapSettings, folder: str, uidvalidity: int, uid: int, data: dict) -> Incoming:
    internal = data.get(b"INTERNALDATE")
    received_at = None
    if isinstance(internal, dt.datetime):
        moment = internal if internal.tzinfo else internal.astimezone()
        received_at = moment.isoformat(timespec="seconds")
    return Incoming(bytes(data[b"BODY[]"]), Location(settings.account, folder, uidvalidity, uid), received_at)


def _count(report: FolderReport, results: list) -> None:
    for result in results:
        if result.new:
            report.new += 1
            report.attachments += result.attachments
            report.undecodable += result.undecodable
            report.triage_failed += result.triage_error is not None
            report.partly_read += result.parse_error is not None
        else:
            report.already += 1


def _folder_state(db: Database, account: str, folder: str, uidvalidity: int, report: FolderReport) -> int:
    """The last UID stored for this folder; 0 when the server renumbered it
    (a new UIDVALIDITY): the rescan is deduplicated by sha256 and Message-ID."""
    row = db.execute("SELECT uidvalidity, last_uid FROM imap_folders WHERE account = ? AND folder = ?",
                     [account, folder]).fetchone()
    if row is None:
        return 0
    if row[0] != uidvalidity:
        report.uidvalidity_changed = True
        with db.atomic():
            db.execute("UPDATE imap_folders SET uidvalidity = ?, last_uid = 0 WHERE account = ? AND folder = ?",
                       [uidvalidity, account, folder])
        return 0
    return row[1]


def _remember(db: Database, account: str, folder: str, uidvalidity: int, last_uid: int, when) -> None:
    with db.atomic():
        db.execute(
            """INSERT INTO imap_folders (account, folder, uidvalidity, last_uid, synced_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (account, folder) DO UPDATE SET uidvalidity = excluded.uidvalidity,
                   last_uid = excluded.last_uid, synced_at = excluded.synced_at""",
            [account, folder, uidvalidity, last_uid, when.isoformat()],
        )


def load_imap_settings(config=None) -> ImapSettings:
    """Where `foi sync` reads mail: [imap] in foi.toml, overridden by FOI_IMAP_* variables."""
    if config is None:
        config = load_config()
    imap = config.imap
    missing = [name for name, value in (("FOI_IMAP_HOST", imap.host), ("FOI_IMAP_USERNAME", imap.username))
               if not value]
    if not (imap.password or imap.password_command or imap.oauth2_token_command):
        missing.append("FOI_IMAP_PASSWORD")
    if missing:
        raise FoiError(f"IMAP is not configured: {', '.join(missing)} not set",
                       "Set [imap] host, username and password (or password_command) in foi.toml, "
                       "or the FOI_IMAP_* environment variables.")
    return ImapSettings(imap.host, imap.effective_port, imap.security, imap.username,
                        imap.secret(), list(imap.folders) or ["INBOX"])
