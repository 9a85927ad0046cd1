"""`foi import`: messages from files a person saved (.eml, .msg, mbox, Maildir, folders).

Staff forward replies from personal mailboxes, export them from Outlook, or
hand over a Maildir. Every file that looks like mail is found (by content, not
only by extension) and stored through the same path as IMAP sync.
"""

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from foi.blobs import BlobStore
from foi.mail import sniff
from foi.mail.store import Incoming, Location, Triage, find_existing, save_messages
from foi.mail.within_limits import parse_within_limits

IMPORT_ACCOUNT = "import"
MAIL_EXTENSIONS = (".eml", ".msg", ".mbox", ".mbx")


@dataclass
class ImportItem:
    """One message found in a file (an mbox gives several), or why none could be read."""

    path: Path
    position: int = 0  # index inside an mbox or Maildir file list; 0 for single files
    raw: bytes | None = None
    error: str | None = None


@dataclass
class ImportReport:
    new: int = 0
    already: int = 0
    attachments: int = 0
    undecodable: int = 0
    parse_errors: list[tuple[str, str]] = field(default_factory=list)
    triage_errors: list[tuple[str, str]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    planned: list[tuple[str, str, str]] = field(default_factory=list)  # (where, subject, "new"/"already stored")


def find_mail_files(paths: list[Path]) -> Iterator[tuple[Path, str | None]]:
    """(file, problem) for every mail file under `paths`; problem is None when it
    can be read. Named files are taken as mail; folders are searched by content."""
    for path in paths:
        path = Path(path)
        if not path.exists():
            yield path, "no such file or folder"
        elif path.is_dir():
            yield from _search_folder(path)
        elif _looks_like_mail(path) or path.suffix.lower() in MAIL_EXTENSIONS:
            yield path, None
        else:
            yield path, "does not look like an email message, mbox or .msg file"


def _search_folder(folder: Path) -> Iterator[tuple[Path, None]]:
    for path in sorted(folder.rglob("*")):
        if _in_maildir_tmp(path):
            continue  # a Maildir's tmp/ holds deliveries still being written
        if path.is_file() and not path.name.startswith(".") and (
            path.suffix.lower() in (".eml", ".msg") or _looks_like_mail(path)
        ):
            yield path, None


def _in_maildir_tmp(path: Path) -> bool:
    maildir = path.parent.parent
    return path.parent.name == "tmp" and (maildir / "cur").is_dir() and (maildir / "new").is_dir()


def _looks_like_mail(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError:
        return False
    if head[:8] == sniff.OLE2_MAGIC:
        return path.suffix.lower() == ".msg" or sniff.is_outlook_msg(path.read_bytes())
    return sniff.looks_like_email(head)


def read_mail_file(path: Path) -> Iterator[ImportItem]:
    """The messages in one file: an mbox gives each message, anything else one."""
    try:
        with path.open("rb") as handle:
            head = handle.read(5)
        if head == b"From ":
            yield from _read_mbox(path)
        else:
            yield ImportItem(path, 0, path.read_bytes())
    except OSError as error:
        yield ImportItem(path, 0, error=f"could not read: {error.strerror or error}")


_FROM_LINE = re.compile(rb"^From \S+ .*\d\d:\d\d")


def _read_mbox(path: Path) -> Iterator[ImportItem]:
    """Split an mbox on real separator lines only: a "From " line after a blank
    line that carries a time, so an unquoted "From time to time" in a body stays
    in its message (the stdlib splits on any "From ")."""
    position, previous_blank = 0, True
    lines: list[bytes] = []
    with path.open("rb") as handle:
        for line in handle:
            if previous_blank and _FROM_LINE.match(line) and lines:
                yield ImportItem(path, position, _unescape(lines))
                position, lines = position + 1, []
            elif not (previous_blank and _FROM_LINE.match(line)):
                lines.append(line)
            previous_blank = line.strip() == b""
    if lines:
        yield ImportItem(path, position, _unescape(lines))


def _unescape(lines: list[bytes]) -> bytes:
    # mboxrd quoting: ">From " at the start of a body line was "From ".
    body = [line[1:] if re.match(rb"^>+From ", line) else line for line in lines]
    if body and body[-1].strip() == b"":
        body = body[:-1]  # the blank line before the next separator belongs to the mbox
    return b"".join(body)


def iter_import_items(paths: list[Path]) -> Iterator[ImportItem]:
    for path, problem in find_mail_files(paths):
        if problem:
            yield ImportItem(path, error=problem)
        else:
            yield from read_mail_file(path)


def _where(item: ImportItem) -> str:
    return f"{item.path}#{item.position}" if item.position else str(item.path)


def import_paths(
    db: Database, blobs: BlobStore, paths: list[Path], *, today: dt.date, triage: Triage | None,
    now: dt.datetime | None = None, dry_run: bool = False,
    progress: Callable[[ImportItem], None] | None = None,
) -> ImportReport:
    """Store every message found under `paths`, handing each new one to `triage` (see
    foi.mail.store.Triage); with dry_run, say what would be stored."""
    report = ImportReport()
    batch: list[tuple[ImportItem, Incoming]] = []
    for item in iter_import_items(paths):
        if progress:
            progress(item)
        if item.error or item.raw is None:
            report.failures.append((_where(item), item.error or "empty"))
        elif dry_run:
            _plan_one(db, blobs, item, item.raw, report)
        else:
            location = Location(IMPORT_ACCOUNT, str(item.path.resolve()), 0, item.position)
            batch.append((item, Incoming(item.raw, location)))
            if len(batch) >= BATCH_MESSAGES or sum(len(i.raw) for _, i in batch) >= BATCH_BYTES:
                _save_batch(db, blobs, batch, report, today, now, triage)
    _save_batch(db, blobs, batch, report, today, now, triage)
    return report


# Messages are stored in batches so that their files reach the disk in one sync;
# the byte limit keeps a folder of large messages from filling memory.
BATCH_MESSAGES = 100
BATCH_BYTES = 64 * 1024 * 1024


def _save_batch(db, blobs, batch: list, report: ImportReport, today, now, triage) -> None:
    results = save_messages(db, blobs, [incoming for _, incoming in batch], "import",
                            today=today, now=now, triage=triage)
    for (item, _), result in zip(batch, results):
        _count(report, item, result)
    batch.clear()


def _count(report: ImportReport, item: ImportItem, result) -> None:
    if result.new:
        report.new += 1
        report.attachments += result.attachments
        report.undecodable += result.undecodable
        if result.parse_error:
            report.parse_errors.append((_where(item), result.parse_error))
        if result.triage_error:
            report.triage_errors.append((_where(item), result.triage_error))
    else:
        report.already += 1


def _plan_one(db: Database, blobs: BlobStore, item: ImportItem, raw: bytes, report: ImportReport) -> None:
    parsed = parse_within_limits(raw)
    existing = find_existing(db, hashlib.sha256(raw).hexdigest(), parsed)
    state = "already stored" if existing is not None else "new"
    if existing is None:
        report.new += 1
    else:
        report.already += 1
    report.planned.append((_where(item), parsed.subject or "(no subject)", state))
