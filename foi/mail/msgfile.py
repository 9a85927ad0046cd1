"""Outlook .msg files (OLE2 compound documents) turned into email messages.

Staff save replies from Outlook as .msg, and councils attach them. We read the
MAPI properties we need with olefile (BSD) rather than extract-msg (GPL, heavy):
the transport headers when Outlook kept them, else sender/recipients/subject
rebuilt from properties, the plain and HTML bodies, and the attachments
(embedded .msg attachments become attached messages, recursively).
"""

import codecs
import datetime as dt
import io
import re
import struct
from email.message import EmailMessage
from email.parser import HeaderParser
from email.policy import default as default_policy
from email.utils import format_datetime, formataddr

import olefile

from foi.mail.filenames import sanitise_filename

PT_UNICODE, PT_STRING8, PT_BINARY, PT_OBJECT = "001F", "001E", "0102", "000D"
MAX_DEPTH = 5
_DROP_HEADERS = {"content-type", "content-transfer-encoding", "mime-version", "content-disposition"}


class MsgError(ValueError):
    """The bytes are not an Outlook message we can read."""


def parse_msg_file(data: bytes) -> EmailMessage:
    """The Outlook message in `data` as an EmailMessage (raises MsgError)."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))  # bytes under 1536 long would be taken as a file name
    except (OSError, ValueError, IndexError, TypeError, RecursionError) as error:
        raise MsgError(f"not an OLE2 file: {error}") from None
    try:
        return _build(_Storage(ole, "", reads=_Reads(len(data))), depth=0)
    except (OSError, ValueError, IndexError, TypeError, KeyError, struct.error, RecursionError) as error:
        raise MsgError(f"unreadable Outlook message: {error}") from None
    finally:
        ole.close()


class _Reads:
    """What may still be read from one file. An OLE file stores each stream once,
    uncompressed, so its streams together hold no more than the file's own size:
    a stream declared bigger, or reads adding up to more (sector chains that
    loop back), are a damaged or hostile file, refused before olefile follows them."""

    def __init__(self, size: int) -> None:
        self.left = 2 * size + 65536  # slack: a stream read twice, sector padding
        self.entries: list[list[str]] | None = None  # the directory, listed once

    def take(self, ole: olefile.OleFileIO, path: str) -> bytes:
        size = ole.get_size(path)
        if size > self.left:
            raise MsgError(f"stream {path} declares {size:,} bytes, more than the file holds "
                           "(sectors that loop back?): not read")
        self.left -= size
        return ole.openstream(path).read(size)


class _Storage:
    """One storage (the message, an attachment, a recipient) inside the file."""

    def __init__(self, ole: olefile.OleFileIO, prefix: str, codepage: str = "cp1252",
                 reads: _Reads | None = None):
        self.ole, self.prefix, self.codepage = ole, prefix, codepage
        self.reads = reads or _Reads(0)

    def path(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def raw(self, prop: str, kind: str) -> bytes | None:
        path = self.path(f"__substg1.0_{prop}{kind}")
        return self.reads.take(self.ole, path) if self.ole.exists(path) else None

    def text(self, prop: str) -> str | None:
        value = self.raw(prop, PT_UNICODE)
        if value is not None:
            return value.decode("utf-16-le", "replace").rstrip("\x00")
        value = self.raw(prop, PT_STRING8)
        if value is None:
            return None
        for charset in ("utf-8", self.codepage):
            try:
                return value.decode(charset).rstrip("\x00")
            except (UnicodeDecodeError, LookupError):
                continue
        return value.decode("latin-1").rstrip("\x00")

    def children(self, kind: str) -> list["_Storage"]:
        names = set()
        depth = self.prefix.count("/")
        if self.reads.entries is None:  # listed once: a storage per attachment made this quadratic
            self.reads.entries = self.ole.listdir(streams=False, storages=True)
        for entry in self.reads.entries:
            at_this_level = (len(entry) == depth + 1 and "/".join(entry[:-1]) + "/" == self.prefix) or (
                not self.prefix and len(entry) == 1
            )
            if at_this_level and entry[-1].startswith(kind):
                names.add(entry[-1])
        return [_Storage(self.ole, f"{self.prefix}{name}/", self.codepage, self.reads) for name in sorted(names)]

    def fixed_properties(self, header_size: int) -> dict[int, tuple[int, bytes]]:
        """Fixed-size properties: id -> (type, 8 value bytes)."""
        path = self.path("__properties_version1.0")
        if not self.ole.exists(path):
            return {}
        data = self.reads.take(self.ole, path)[header_size:]
        found = {}
        for offset in range(0, len(data) - 15, 16):
            kind, prop = struct.unpack_from("<HH", data, offset)
            found[prop] = (kind, data[offset + 8: offset + 16])
        return found


def _build(storage: _Storage, depth: int) -> EmailMessage:
    message = EmailMessage()
    props = storage.fixed_properties(32 if depth == 0 else 24)
    for prop in (0x3FFD, 0x3FDE):  # PR_MESSAGE_CODEPAGE, PR_INTERNET_CPID: 8-bit strings
        kind, value = props.get(prop, (0, b""))
        if kind == 0x0003:
            codepage = struct.unpack_from("<I", value)[0]
            storage.codepage = _codec(codepage)
            break
    _copy_headers(storage, message, header_size=32 if depth == 0 else 24)
    body = storage.text("1000") or ""
    html = storage.raw("1013", PT_BINARY)
    html_text = html.decode("utf-8", "replace") if html else storage.text("1013")
    message.set_content(body.replace("\r\n", "\n"))
    if html_text:
        message.add_alternative(html_text, subtype="html")
    for position, attachment in enumerate(storage.children("__attach_version1.0_#")):
        _attach(message, attachment, position, depth)
    return message


def _codec(codepage: int) -> str:
    # 8-bit strings in a .msg are in the Windows code page; ISO-2022-JP mail is cp932 inside.
    name = {65001: "utf-8", 50220: "cp932", 50221: "cp932", 50222: "cp932"}.get(codepage, f"cp{codepage}")
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name


def _copy_headers(storage: _Storage, message: EmailMessage, header_size: int) -> None:
    transport = storage.text("007D")
    if transport:
        parsed = HeaderParser(policy=default_policy).parsestr(transport.replace("\r\n", "\n"))
        for name, value in parsed.raw_items():
            if name.lower() not in _DROP_HEADERS:
                message[name] = _unfold(value)
        if message["From"] is not None:
            return
    sender = next((a for a in (storage.text(p) for p in ("5D01", "0C1F", "0065")) if a and "@" in a), None)
    display_name = storage.text("0C1A") or storage.text("0042")
    _set(message, "From", formataddr((display_name or "", sender)) if sender else display_name)
    to, cc = _recipients(storage)
    _set(message, "To", ", ".join(to) or storage.text("0E04"))
    _set(message, "Cc", ", ".join(cc) or storage.text("0E03"))
    _set(message, "Subject", storage.text("0037"))
    _set(message, "Message-ID", storage.text("1035"))
    _set(message, "In-Reply-To", storage.text("1042"))
    _set(message, "References", storage.text("1039"))
    sent = _filetime(storage.fixed_properties(header_size), (0x0039, 0x0E06))
    _set(message, "Date", format_datetime(sent) if sent else None)


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", value).replace("\r", " ").replace("\n", " ")


def _set(message: EmailMessage, name: str, value: str | None) -> None:
    if value and message[name] is None:
        message[name] = value.replace("\r", " ").replace("\n", " ").strip()


def _recipients(storage: _Storage) -> tuple[list[str], list[str]]:
    to: list[str] = []
    cc: list[str] = []
    for recipient in storage.children("__recip_version1.0_#"):
        address = recipient.text("39FE") or recipient.text("3003") or ""
        if "@" not in address:
            address = ""
        entry = formataddr((recipient.text("3001") or "", address)) if address else recipient.text("3001")
        kind = recipient.fixed_properties(8).get(0x0C15, (0, b"\x01\x00\x00\x00"))[1]
        if entry:
            (cc if struct.unpack_from("<I", kind)[0] == 2 else to).append(entry)
    return to, cc


def _filetime(props: dict[int, tuple[int, bytes]], ids: tuple[int, ...]) -> dt.datetime | None:
    for prop in ids:
        kind, value = props.get(prop, (0, b""))
        if kind == 0x0040:
            ticks = struct.unpack("<Q", value)[0]
            if ticks:
                epoch = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)
                return epoch + dt.timedelta(microseconds=ticks // 10)
    return None


def _attach(message: EmailMessage, attachment: _Storage, position: int, depth: int) -> None:
    name = attachment.text("3707") or attachment.text("3704") or attachment.text("3001")
    mime = (attachment.text("370E") or "application/octet-stream").strip().lower()
    embedded = attachment.path("__substg1.0_3701000D")
    if attachment.ole.exists(embedded) and depth < MAX_DEPTH:
        inner = _build(_Storage(attachment.ole, embedded + "/", attachment.codepage, attachment.reads), depth + 1)
        message.add_attachment(inner, filename=sanitise_filename(name or inner["Subject"], "message") + ".eml")
        return
    data = attachment.raw("3701", PT_BINARY)
    if data is None:
        return
    maintype, _, subtype = mime.partition("/")
    if not subtype or maintype in ("multipart", "message", "text"):
        maintype, subtype = "application", "octet-stream"
    message.add_attachment(
        data, maintype=maintype, subtype=subtype,
        filename=name or f"attachment-{position + 1}",
    )
