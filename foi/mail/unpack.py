"""Attachments unpacked recursively into a tree of parts.

Councils send spreadsheets inside zips, inside winmail.dat, inside forwarded
messages. Each layer is opened here, within limits: an archive that would
expand beyond them (a zip bomb) is kept as it is, with a note, never followed.
Pure: bytes in, a tree out; storage is store.py's job.
"""

import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass, field

from foi.mail import sniff
from foi.mail.filenames import decode_filename, sanitise_filename
from foi.mail.parse import ParsedMessage, Part, parse_message
from foi.mail.tnefguard import TnefRefused, check_tnef

MB = 1024 * 1024


@dataclass
class Limits:
    """One budget for the whole tree of a message's attachments (zip in zip in
    TNEF in .msg), counted on the bytes really unpacked, not on declared sizes."""

    max_depth: int = 4  # containers inside containers
    max_entries: int = 2000  # members of one archive
    max_parts: int = 5000  # parts unpacked from one message, at every depth together
    max_total_bytes: int = 100 * MB  # everything unpacked from one message (as much as a message foi reads)
    max_ratio: int = 100  # uncompressed / compressed size of one archive, and of the whole tree
    ratio_floor_bytes: int = 5 * MB  # small archives may compress as well as they like


@dataclass
class Unpacked:
    filename: str  # safe to write anywhere
    original_filename: str | None
    declared_type: str | None
    detected_type: str
    data: bytes | None  # None only when nothing could be decoded
    note: str | None = None
    children: list["Unpacked"] = field(default_factory=list)

    def walk(self):
        """This part and every part inside it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


class _Budget:
    """What is left for the whole tree: bytes, parts, and the ratio of what has
    been unpacked to what arrived (`packed`: the message's own parts)."""

    def __init__(self, limits: Limits, packed: int = 0):
        self.limits, self.left = limits, limits.max_total_bytes
        self.packed, self.expanded, self.parts = packed, 0, 0
        self.open: set[str] = set()  # sha256 of the containers being opened, outermost first

    def take(self, size: int) -> str | None:
        """Count `size` unpacked bytes (one more part); why the tree is over budget, or None."""
        self.parts += 1
        self.left -= size
        self.expanded += size
        limits = self.limits
        if self.parts > limits.max_parts:
            return f"over {limits.max_parts:,} files inside this message's attachments"
        if self.left < 0:
            return f"over {limits.max_total_bytes:,} bytes unpacked from this message"
        if self.expanded > limits.ratio_floor_bytes and self.expanded > limits.max_ratio * max(self.packed, 1):
            return (f"attachments unpack to over {limits.max_ratio} times their size "
                    f"({self.expanded:,} bytes from {self.packed:,})")
        return None


def unpack_parts(parts: list[Part], limits: Limits | None = None) -> list[Unpacked]:
    """Every attachment of a message, with whatever is inside it."""
    limits = limits or Limits()
    budget = _Budget(limits, packed=sum(len(p.data) for p in parts))
    return [
        unpack(p.data, p.filename, p.declared_type, position, depth=0, budget=budget, note=p.note)
        for position, p in enumerate(parts, 1)
    ]


def unpack_part(part: Part, position: int, left_bytes: int, limits: Limits | None = None) -> tuple[Unpacked, int]:
    """One attachment and whatever is inside it, with `left_bytes` of the message's
    unpacking budget; returns the tree and the budget left after it."""
    budget = _Budget(limits or Limits(), packed=len(part.data))  # the ratio of the tree to this part
    budget.left = left_bytes
    tree = unpack(part.data, part.filename, part.declared_type, position, depth=0, budget=budget, note=part.note)
    return tree, budget.left


def unpack(
    data: bytes, filename: str | None, declared_type: str | None, position: int = 1,
    depth: int = 0, budget: _Budget | None = None, note: str | None = None,
) -> Unpacked:
    budget = budget or _Budget(Limits(), packed=len(data))
    detected = sniff.detect_type(data, declared_type, filename)
    if declared_type in ("message/rfc822", "message/global") and detected in (sniff.TEXT, sniff.BINARY):
        detected = sniff.EML
    if declared_type == "application/ms-tnef" and detected == sniff.BINARY:
        detected = sniff.TNEF
    part = Unpacked(
        filename=sanitise_filename(filename, _fallback_name(detected, position)),
        original_filename=filename, declared_type=declared_type,
        detected_type=detected, data=data, note=note,
    )
    opener = _OPENERS.get(detected)
    if opener is None:
        return part
    if depth >= budget.limits.max_depth:
        return _noted(part, f"not unpacked: nested more than {budget.limits.max_depth} deep")
    digest = hashlib.sha256(data).hexdigest()
    if digest in budget.open:
        return _noted(part, "not unpacked: it contains itself (the same file nested inside it)")
    budget.open.add(digest)
    try:
        opener(part, depth + 1, budget)
    finally:
        budget.open.discard(digest)
    return part


def _fallback_name(detected: str, position: int) -> str:
    return f"part-{position}{sniff.EXTENSIONS.get(detected, '.bin')}"


def _noted(part: Unpacked, note: str) -> Unpacked:
    part.note = f"{part.note}; {note}" if part.note else note
    return part


def _open_zip(part: Unpacked, depth: int, budget: _Budget) -> None:
    if part.data is None:
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(part.data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as error:
        _noted(part, f"undecodable zip: {error}")
        return
    refusal = _zip_refusal(members, budget)
    if refusal:
        _noted(part, f"refused, possible zip bomb: {refusal}")
        return
    for position, member in enumerate(members, 1):
        child = _zip_member(archive, member, position, depth, budget)
        part.children.append(child)
        refused = (child.note or "") if child.data is None else ""
        if refused.startswith("refused: "):
            _noted(part, f"unpacking stopped at {child.original_filename}: {refused.removeprefix('refused: ')}")
            return


def _zip_refusal(members: list[zipfile.ZipInfo], budget: _Budget) -> str | None:
    limits = budget.limits
    total = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if len(members) > limits.max_entries:
        return f"{len(members)} entries (limit {limits.max_entries})"
    if total > budget.left:
        return f"{total:,} bytes uncompressed (limit {budget.left:,} left)"
    if total > limits.ratio_floor_bytes and total / packed > limits.max_ratio:
        return f"compression ratio {total // packed}:1 (limit {limits.max_ratio}:1)"
    return None


def _zip_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, position: int, depth: int,
                budget: _Budget) -> Unpacked:
    name = member.filename
    if not member.flag_bits & 0x800:
        # Not flagged UTF-8: zipfile decoded cp437; Windows zips are usually cp1252 or utf-8.
        name = decode_filename(member.filename.encode("cp437", "replace"))
    basename = name.replace("\\", "/").rsplit("/", 1)[-1]
    if member.flag_bits & 0x1:
        return Unpacked(sanitise_filename(basename, f"part-{position}.bin"), name, None,
                        sniff.BINARY, None, "encrypted zip entry: not opened")
    safe = sanitise_filename(basename, f"part-{position}.bin")
    try:
        with archive.open(member) as stream:
            # never more than the budget has left, whatever the entry declares
            data = stream.read(min(member.file_size, max(budget.left, 0)) + 1)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, RuntimeError) as error:
        return Unpacked(safe, name, None, sniff.BINARY, None, f"undecodable zip entry: {error}")
    if len(data) > member.file_size:
        return Unpacked(safe, name, None, sniff.BINARY, None, "refused: entry larger than its declared size")
    over = budget.take(len(data))
    if over:
        return Unpacked(safe, name, None, sniff.BINARY, None, f"refused: {over}")
    child = unpack(data, basename, None, position, depth, budget)
    child.original_filename = name
    return child


def _open_tnef(part: Unpacked, depth: int, budget: _Budget) -> None:
    from tnefparse import TNEF  # lazy: start-up

    logging.getLogger("tnefparse").setLevel(logging.CRITICAL)
    try:
        check_tnef(part.data or b"")
    except TnefRefused as error:
        _noted(part, f"refused: {error}")
        return
    try:
        tnef = TNEF(part.data)
    except MemoryError:
        raise  # past the reading worker's limit (foi.bounded): the caller says why
    except Exception as error:  # noqa: BLE001 - tnefparse raises many types on damaged input
        _noted(part, f"undecodable TNEF: {type(error).__name__}: {error}")
        return
    for position, attachment in enumerate(tnef.attachments, 1):
        name, data = _tnef_attachment(attachment)
        if data is None:
            part.children.append(Unpacked(sanitise_filename(name, f"part-{position}.bin"), name, None,
                                          sniff.BINARY, None, "undecodable TNEF attachment"))
            continue
        over = budget.take(len(data))
        if over:
            _noted(part, f"unpacking stopped at {name}: {over}")
            return
        part.children.append(unpack(data, name, None, position, depth, budget))
    body = _tnef_body(tnef)
    if body:
        name, data = body
        child = unpack(data, name, None, len(part.children) + 1, depth, budget)
        part.children.append(_noted(child, "body of the winmail.dat message"))


def _tnef_attachment(attachment) -> tuple[str, bytes | None]:
    try:
        name = attachment.long_filename()
    except UnicodeDecodeError:
        # tnefparse assumes UTF-8; Outlook writes 8.3 titles in the Windows code page.
        name = decode_filename(getattr(attachment, "_name", b"") or b"")
    try:
        data = attachment.data
    except MemoryError:
        raise  # past the reading worker's limit (foi.bounded): the caller says why
    except Exception:  # noqa: BLE001 - damaged attribute data
        data = None
    return (name or "").strip("\x00") or "unknown.dat", data


def _tnef_body(tnef) -> tuple[str, bytes] | None:
    html = getattr(tnef, "htmlbody", None)
    if html:
        return "winmail-body.html", html.encode("utf-8") if isinstance(html, str) else html
    text = getattr(tnef, "body", None)
    if text:
        return "winmail-body.txt", text.encode("utf-8") if isinstance(text, str) else text
    return None


def _open_message(part: Unpacked, depth: int, budget: _Budget) -> None:
    """An attached message (.eml, message/rfc822, Outlook .msg): its text and its attachments."""
    if part.data is None:
        return
    parsed = parse_message(part.data)
    if parsed.parse_error:
        _noted(part, f"attached message unreadable: {parsed.parse_error}")
    if part.original_filename is None and parsed.subject:
        extension = ".msg" if parsed.is_outlook_msg else ".eml"
        part.filename = sanitise_filename(parsed.subject + extension, part.filename)
    text = message_summary(parsed)
    if text.strip():
        body = Unpacked("message-body.txt", None, None, sniff.TEXT, text.encode("utf-8"),
                        "text of the attached message")
        part.children.append(body)
    for position, inner in enumerate(parsed.attachments, len(part.children) + 1):
        over = budget.take(len(inner.data))
        if over:
            _noted(part, f"unpacking stopped at {inner.filename or f'attachment {position}'}: {over}")
            return
        part.children.append(unpack(inner.data, inner.filename, inner.declared_type, position,
                                    depth, budget, inner.note))


def message_summary(parsed: ParsedMessage) -> str:
    """The headers a reader needs, then the body: a forwarded reply stays legible."""
    lines = [
        f"{label}: {value}"
        for label, value in (("From", parsed.from_addr), ("Date", parsed.date), ("Subject", parsed.subject))
        if value
    ]
    return "\n".join(lines) + "\n\n" + parsed.body_text


_OPENERS = {
    sniff.ZIP: _open_zip,
    sniff.TNEF: _open_tnef,
    sniff.MSG: _open_message,
    sniff.EML: _open_message,
}
