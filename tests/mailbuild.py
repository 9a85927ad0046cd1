"""Small messages and containers built by the tests (no corpus files in the repo)."""

import io
import struct
import zipfile


def tnef(files: list[tuple[str, bytes]]) -> bytes:
    """A minimal winmail.dat: version attribute, then per file a render, title and data attribute."""

    def attribute(level: int, attribute_id: int, data: bytes) -> bytes:
        checksum = struct.pack("<H", sum(data) & 0xFFFF)
        return struct.pack("<BII", level, attribute_id, len(data)) + data + checksum

    out = struct.pack("<IH", 0x223E9F78, 0x0101) + attribute(1, 0x00089006, struct.pack("<I", 0x00010000))
    for name, data in files:
        out += attribute(2, 0x00069002, b"\x01\x00\x00\x00" + b"\x00" * 10)
        out += attribute(2, 0x00018010, name.encode("cp1252") + b"\x00")
        out += attribute(2, 0x0006800F, data)
    return out


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx_like() -> bytes:
    return zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def mail(subject: str = "Re: FOI request EH-BNS-592V", body: str = "Please find attached.",
         message_id: str = "<reply-1@council.gov.uk>", extra: str = "", sender: str = "foi@leeds.gov.uk") -> bytes:
    return (
        f"From: Leeds FOI Team <{sender}>\r\n"
        "To: foi+eh-bns-592v@campaign.org\r\n"
        f"Subject: {subject}\r\n"
        "Date: Tue, 03 Mar 2026 14:05:00 +0000\r\n"
        f"Message-ID: {message_id}\r\n{extra}"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def mail_with_attachments(parts: list[tuple[str, str, bytes]], message_id: str = "<att-1@council.gov.uk>") -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "foi@york.gov.uk"
    message["To"] = "foi@campaign.org"
    message["Subject"] = "Your request"
    message["Message-ID"] = message_id
    message["Date"] = "Wed, 04 Mar 2026 09:00:00 +0000"
    message.set_content("Response attached.")
    for filename, ctype, data in parts:
        maintype, subtype = ctype.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    message.set_boundary("==fixed-boundary==")
    return message.as_bytes()
