"""Generated drafts: every request of a campaign as .eml, .txt or .docx files
(`foi preview`, one message exactly as it will be sent, is foi.sending.preview).

Nothing from the register reaches a mail header raw: names are made single-line
and addresses are checked, so a council name carrying "\\r\\nBcc: ..." cannot
add a header.
"""

import datetime as dt
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from sqlite_utils import Database

from foi.campaign.campaigns import get_campaign, sending_address
from foi.errors import FoiError
from foi.letters.render import Rendered, Sender, prepare
from foi.letters.word import build_letter
from foi.register.councils import validate_email
from foi.safetext import one_line, plain_text

FORMATS = ("eml", "txt", "docx")


@dataclass
class GenerateResult:
    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (body code, why)


def _address(name: str | None, addr: str, what: str) -> Address:
    problem = validate_email(addr)
    if problem:
        raise FoiError(f"{what}: {problem}")
    username, domain = addr.rsplit("@", 1)
    return Address(display_name=one_line(name), username=username, domain=domain)


def build_draft(rendered: Rendered, context: dict, *, sender: Sender, when: dt.datetime) -> EmailMessage:
    """An RFC 5322 draft (no Message-ID: that is fixed when it is sent)."""
    if not sender.email:
        raise FoiError("No sender address for the From header", "Set FOI_SENDER_EMAIL in the environment.")
    body, request = context["body"], context["request"]
    message = EmailMessage()
    message["From"] = _address(sender.name, sender.email, "FOI_SENDER_EMAIL")
    message["To"] = _address(body["name"], request["email"], f"The address of {body['code']}")
    if request["reply_address"]:
        message["Reply-To"] = _address(sender.name, request["reply_address"], "FOI_REPLY_TO")
    message["Subject"] = one_line(rendered.subject)
    message["Date"] = format_datetime(when)
    message.set_content(plain_text(rendered.body))
    for filename, content, mimetype in rendered.attachments:
        maintype, subtype = mimetype.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=one_line(filename))
    return message


def select_requests(db: Database, slug: str, codes: tuple[str, ...] = ()) -> list[dict]:
    """The campaign's requests (to `codes` only, if given), each with `email` the address
    a message would go to now (foi.campaign.campaigns.sending_address)."""
    get_campaign(db, slug)
    rows = list(db.query(
        "SELECT r.*, b.foi_email AS register_email FROM requests r JOIN bodies b ON b.code = r.body_code "
        "WHERE r.campaign = ? ORDER BY b.name", [slug]))
    if codes:
        wanted = {c.strip().upper() for c in codes}
        unknown = wanted - {r["body_code"] for r in rows}
        if unknown:
            raise FoiError(f"Campaign {slug!r} has no request to {', '.join(sorted(unknown))}",
                           f"`foi campaign show {slug}` lists its recipients.")
        rows = [r for r in rows if r["body_code"] in wanted]
    return [{**{k: v for k, v in r.items() if k != "register_email"},
             "email": sending_address(r, r["register_email"])} for r in rows]


def draft_filename(request_row: dict, kind: str, fmt: str) -> str:
    suffix = "" if kind == "request" else f"-{kind}"
    return f"{request_row['reference']}{suffix}.{fmt}"


NO_EMAIL = ("no email address: set one with `foi councils set-email CODE ADDRESS`, "
            "or use --format docx for a letter or web form")


def draft_problem(request_row: dict, fmt: str) -> str | None:
    """Why no draft in `fmt` can be made for the request (an eml needs an address), or None."""
    if fmt != "eml":
        return None
    if not request_row["email"]:
        return NO_EMAIL
    if problem := validate_email(request_row["email"]):
        return f"unusable address: {problem}"
    return None


def write_draft(out: Path, request_row: dict, rendered: Rendered, context: dict, *, fmt: str, kind: str,
                sender: Sender, now: dt.datetime, dry_run: bool = False) -> Path:
    """Write one rendered message into `out` as `fmt`; returns the file (not written with dry_run)."""
    if fmt == "eml":
        content = build_draft(rendered, context, sender=sender, when=now).as_bytes()
    elif fmt == "docx":
        content = build_letter(rendered, context, created=now)
    else:
        content = f"Subject: {rendered.subject}\n\n{rendered.body}".encode()
    path = Path(out) / draft_filename(request_row, kind, fmt)
    if not dry_run:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return path


def generate_drafts(db: Database, slug: str, out: Path, *, fmt: str = "eml", codes: tuple[str, ...] = (),
                    sender: Sender, now: dt.datetime, dry_run: bool = False) -> GenerateResult:
    """Write one file per request into `out`; requests with no address are skipped
    for eml (they need a letter or a web form) and reported. Requests only: reminders,
    reviews and complaints are chosen as `foi chase` chooses them
    (foi.sending.chasing.generate_chasers)."""
    check_format(fmt)
    result = GenerateResult()
    for row in select_requests(db, slug, codes):
        if problem := draft_problem(row, fmt):
            result.skipped.append((row["body_code"], problem))
            continue
        rendered, context = prepare(db, row, "request", sender=sender, today=now.date())
        result.written.append(write_draft(out, row, rendered, context, fmt=fmt, kind="request", sender=sender,
                                          now=now, dry_run=dry_run))
    return result


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise FoiError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
