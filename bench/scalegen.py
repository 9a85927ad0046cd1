"""Builds a campaign folder at k times the model campaign, the way a user gets there.

The model campaign (1x) is 153 requests, ~2,000 messages and ~500 attachments. At k,
one campaign goes to round(153 k) bodies: the register's councils first, then
synthetic bodies added with `foi councils add` (a campaign to every council and
several hundred NHS trusts, police forces and academy trusts is how one campaign
passes the 317 councils). Setup runs the real commands in-process (`foi init`,
`councils import`, `councils add`, `campaign create`, `send --yes` into outbox/);
then each body's mail is written into a Maildir, as a delivery agent hands it to
Dovecot, and `foi sync` (with its extraction) stores it from a private Dovecot.

Mail per request (seeded; measured 12.8 messages and 2.8 attachments on average):
an acknowledgement, 0-4 holding letters, the answer from bench/replygen (a reply
with its ground truth, in every layout) with a covering letter (.docx), often a
second message with guidance documents (.docx), and about 8 messages of the
mailbox's other traffic (newsletters, meeting notes, suppliers) matched to nothing.

Folders are cached: CACHE/k<k>/template (sent, nothing received), CACHE/k<k>/Maildir
(the mail to deliver), CACHE/k<k>/synced (after `foi sync`).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import html
import io
import json
import os
import pwd
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import format_datetime
from pathlib import Path

from bench.replygen.campaigns import EARLY_HELP
from bench.replygen.generate import generate_reply
from bench.replygen.layouts import DOCX, write_docx
from bench.replygen.mail import reply_eml
from bench.replygen.play import SENDER_EMAIL, SENDER_NAME, SENT, Foi, campaign_toml
from tests.peak import figures, launched

ROOT = Path(__file__).resolve().parent.parent
MODEL_REQUESTS = 153
SLUG = "early-help"
PREFIX = "EH"
NOW = "2024-06-03T12:00:00+00:00"   # "today" for every measured command: all mail has arrived
USER, PASSWORD = "scale", "scale-pw"
SEED = 1
BODY_KINDS = (("NHS", "NHS Trust", "nhs.uk"), ("POLICE", "Police", "police.uk"),
              ("ACADEMY", "Academy Trust", "academy.org.uk"), ("FIRE", "Fire and Rescue Service", "fire.gov.uk"))
NOISE = (("news@localgov-digest.example", "This week in local government", "A digest of the week's news."),
         ("events@data-forum.example", "Invitation: open data meetup", "Join us for the next meetup."),
         ("colleague@campaign.example.org", "Notes from Tuesday's meeting", "Here are the notes we agreed."),
         ("billing@hosting.example", "Your invoice is ready", "Your monthly invoice is attached online."),
         ("alerts@press-cuttings.example", "Press mentions this week", "Three articles mention the project."))
# the model campaign's measures, on the generated campaign's questions
MEASURES = """
[[measures]]
id = "rereferral_rate"
title = "Re-referred, of those closed with no further action"
formula = "rereferrals / closed_nfa"
format = "percent"

[[measures]]
id = "step_down_share"
title = "Stepped down to early help, per assessment closed"
formula = "step_down / (closed_nfa + step_down)"
format = "percent"
"""


@dataclass
class Paths:
    root: Path

    @property
    def template(self) -> Path:
        return self.root / "template"

    @property
    def maildir(self) -> Path:
        return self.root / "Maildir"

    @property
    def synced(self) -> Path:
        return self.root / "synced"

    @property
    def built(self) -> Path:
        return self.root / "built.json"


def request_count(k: float) -> int:
    return round(MODEL_REQUESTS * k)


def foi_env(folder: Path, checkout: Path = ROOT) -> dict[str, str]:
    """The environment a user's shell gives `foi` in this folder (mail settings aside)."""
    # bytecode cached as on a user's machine: without it each run compiles foi's sources again
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("FOI_") and key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(checkout)  # this checkout's foi, not whichever the virtualenv installed
    env.update({"FOI_DB": str(folder / "campaign.db"), "HOME": str(folder / "home"), "NO_COLOR": "1",
                "FOI_SENDER_NAME": SENDER_NAME, "FOI_SENDER_EMAIL": SENDER_EMAIL, "FOI_NOW": NOW,
                "FOI_OUTBOX_COUNTS_AS_SENT": "true"})
    return env


# ---- the campaign, sent -------------------------------------------------------------------

def _recipients(foi: Foi, folder: Path, count: int, setup: str) -> dict[str, str]:
    """{code: domain} of `count` bodies with an FOI address: councils, then bodies added."""
    foi("councils", "export", "-o", str(folder / "register.csv"), now=setup)
    with (folder / "register.csv").open(encoding="utf-8") as file:
        register = {r["code"]: r.get("domain") or f"{r['code'].lower()}.gov.uk" for r in csv.DictReader(file)}
    codes = sorted(register)[:count]
    with (folder / "addresses.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "foi_email"])
        writer.writerows([code, f"foi@{register[code]}"] for code in codes)
    foi("councils", "import", str(folder / "addresses.csv"), now=setup)
    domains = {code: register[code] for code in codes}
    for n in range(count - len(codes)):
        kind, noun, tld = BODY_KINDS[n % len(BODY_KINDS)]
        code = f"X{kind[:2]}{n:04d}"
        domain = f"body{n:04d}.{tld}"
        foi("councils", "add", code, f"Synthetic {noun} {n:04d}", "--type", kind, "--region", "London",
            "--email", f"foi@{domain}", now=setup)
        domains[code] = domain
    return domains


def build_template(folder: Path, count: int) -> tuple[dict[str, str], dict[str, EmailMessage]]:
    """`foi init` .. `foi send`; returns {code: domain} and {code: the request as sent}."""
    folder.mkdir(parents=True)
    foi = Foi(folder)
    setup = SENT.replace(hour=9).isoformat()
    foi("init", now=setup)
    domains = _recipients(foi, folder, count, setup)
    from foi.campaign.spec import KINDS
    source = folder / f"{SLUG}.toml"
    source.write_text(campaign_toml(EARLY_HELP, SLUG, PREFIX, sorted(domains), set(KINDS)) + MEASURES,
                      encoding="utf-8")
    foi("campaign", "create", str(source), now=setup)
    foi("send", SLUG, "--yes", now=SENT.isoformat())
    sent = {}
    for path in (folder / "outbox").rglob("*"):
        if path.is_file():
            message = BytesParser(policy=default_policy).parsebytes(path.read_bytes())
            match = re.search(rf"\[{PREFIX}-([A-Z0-9]+)-", str(message["Subject"]))
            if match:
                sent[match.group(1)] = message
    assert len(sent) == count, (len(sent), count)
    return domains, sent


# ---- the mail each body sends ---------------------------------------------------------------

def _letter(sent: EmailMessage, council_address: str, when: dt.datetime, subject: str, text: str,
            ident: str, attachments: list[tuple[str, bytes]] = ()) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Information Requests <{council_address}>"
    msg["To"] = f"{SENDER_NAME} <{SENDER_EMAIL}>"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<{ident}@{council_address.rpartition('@')[2]}>"
    msg["In-Reply-To"] = msg["References"] = str(sent["Message-ID"])
    msg.set_content(text, charset="utf-8")
    for filename, data in attachments:
        msg.add_attachment(data, maintype="application", subtype=DOCX.split("/")[1], filename=filename)
    return msg.as_bytes()


_SLOTS = [f"SLOT{i}SLOT" for i in range(5)]
_DOCUMENT = "word/document.xml"


@functools.cache
def _docx_template() -> tuple[bytes, str]:
    """A .docx written once with python-docx, without its document part (zipped), and that
    part with five placeholder paragraphs. Writing each letter with python-docx takes
    ~45 ms; appending its document part to a copy of the zip, under 1 ms."""
    data = write_docx(_SLOTS, [])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rest:
        for name in source.namelist():
            if name != _DOCUMENT:
                rest.writestr(name, source.read(name))
        document = source.read(_DOCUMENT).decode()
    return out.getvalue(), document


def _docx(title: str, council: str, reference: str, lines: list[str]) -> bytes:
    rest, xml = _docx_template()
    for slot, text in zip(_SLOTS, [title, council, f"Your request {reference}", *lines], strict=True):
        xml = xml.replace(slot, html.escape(text, quote=False))
    out = io.BytesIO(rest)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr(_DOCUMENT, xml)
    return out.getvalue()


def body_mail(index: int, code: str, name: str, domain: str, sent: EmailMessage) -> list[tuple[dt.datetime, bytes]]:
    """Every message `code` sends about its request, with its date."""
    rng = random.Random(f"scale:{SEED}:{index}")
    address = f"foi@{domain}"
    subject = f"RE: {sent['Subject']}"
    reference = re.search(r"\[([^\]]+)\]", str(sent["Subject"])).group(1)
    day = SENT + dt.timedelta(days=1, hours=rng.randint(0, 6))
    out = [(day, _letter(sent, address, day, subject, f"Dear requester,\n\nWe acknowledge your request {reference}, "
                         "received on 4 March 2024. We will respond within 20 working days.\n\nInformation Governance",
                         f"ack-{code}"))]
    for n in range(rng.randint(0, 4)):
        when = SENT + dt.timedelta(days=5 + 3 * n, hours=rng.randint(0, 7))
        out.append((when, _letter(sent, address, when, subject,
                                  f"Dear requester,\n\nThank you for your patience with {reference}. Our officers are "
                                  f"still gathering the information (update {n + 1}).\n\nInformation Governance",
                                  f"hold-{code}-{n}")))
    reply = generate_reply(EARLY_HELP, SEED, index, council=name, received=SENT.date(),
                           request_text=_text_of(sent))
    when = SENT + dt.timedelta(days=20, minutes=index % 600)
    eml = reply_eml(reply, our_subject=str(sent["Subject"]), our_message_id=str(sent["Message-ID"]),
                    our_address=f"{SENDER_NAME} <{SENDER_EMAIL}>", council_address=address, when=when)
    out.append((when, _with_attachment(eml, f"response-letter-{code}.docx", _docx(
        "Response to your request", name, reference,
        ["Please find our response in the email we sent today.", f"Case officer: {rng.randint(100, 999)}"]))))
    if rng.random() < 0.75:
        when += dt.timedelta(days=1)
        docs = [(f"{title.lower().replace(' ', '-')}-{code}.docx",
                 _docx(title, name, reference, ["You may ask for an internal review within 40 working days.",
                                                f"Leaflet {index}-{i}"]))
                for i, title in enumerate(rng.sample(["Your rights", "Complaints procedure",
                                                      "Publication scheme"], rng.randint(1, 3)))]
        out.append((when, _letter(sent, address, when, subject, "Dear requester,\n\nPlease find attached the "
                                  "guidance documents mentioned in our response.\n\nInformation Governance",
                                  f"docs-{code}", docs)))
    for n in range(rng.randint(6, 10)):
        sender, title, text = NOISE[rng.randrange(len(NOISE))]
        when = SENT + dt.timedelta(days=rng.randint(0, 80), minutes=rng.randint(0, 600))
        out.append((when, _plain(sender, f"{title} ({index}.{n})", when, f"noise-{index}-{n}",
                                 f"{text}\n\nItem {index}.{n}.\n")))
    return out


def _plain(sender: str, subject: str, when: dt.datetime, ident: str, text: str) -> bytes:
    """A plain-text message, written out directly (the email package takes ~5 ms a message)."""
    return (f"From: {sender}\r\nTo: {SENDER_EMAIL}\r\nSubject: {subject}\r\nDate: {format_datetime(when)}\r\n"
            f"Message-ID: <{ident}@{sender.split('@')[1]}>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{text}".replace("\n", "\r\n").replace("\r\r", "\r")
            ).encode()


def _with_attachment(eml: bytes, filename: str, data: bytes) -> bytes:
    message = BytesParser(policy=default_policy).parsebytes(eml)
    if not message.is_multipart() or message.get_content_type() != "multipart/mixed":
        message.make_mixed()
    message.add_attachment(data, maintype="application", subtype=DOCX.split("/")[1], filename=filename)
    return message.as_bytes()


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def write_maildir(maildir: Path, domains: dict[str, str], sent: dict[str, EmailMessage], names: dict[str, str]) -> int:
    """Every message into Maildir/new, in the order they arrived; returns how many."""
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    mail = []
    for index, code in enumerate(sorted(domains)):
        mail += body_mail(index, code, names[code], domains[code], sent[code])
    mail.sort(key=lambda item: item[0])
    for i, (when, raw) in enumerate(mail):
        (maildir / "new" / f"{int(when.timestamp())}.M{i}P1.scale").write_bytes(raw)
    return len(mail)


# ---- Dovecot and `foi sync` ---------------------------------------------------------------------

def start_dovecot(maildir: Path):
    """A private Dovecot whose one user holds a copy of `maildir`; (server, imap env)."""
    from mailservers import Dovecot

    server = Dovecot().start()
    account = server.add_user(USER, password=PASSWORD)
    target = server.dir / "mail" / account.username / "Maildir"
    shutil.copytree(maildir, target, dirs_exist_ok=True)
    if os.getuid() == 0:
        owner = pwd.getpwnam("dovecot")
        for path in [target.parent, *target.parent.rglob("*")]:
            os.chown(path, owner.pw_uid, owner.pw_gid)
    env = {"FOI_IMAP_HOST": "127.0.0.1", "FOI_IMAP_PORT": str(server.port), "FOI_IMAP_SECURITY": "none",
           "FOI_IMAP_USERNAME": account.username, "FOI_IMAP_PASSWORD": PASSWORD, "FOI_IMAP_FOLDERS": "INBOX"}
    _warm(env)
    return server, env


def _warm(env: dict[str, str]) -> None:
    """One read of the whole folder, so Dovecot's index exists before anything is timed."""
    from imapclient import IMAPClient

    client = IMAPClient(env["FOI_IMAP_HOST"], port=int(env["FOI_IMAP_PORT"]), ssl=False, timeout=120)
    client.login(env["FOI_IMAP_USERNAME"], env["FOI_IMAP_PASSWORD"])
    client.select_folder("INBOX", readonly=True)
    uids = client.search(["ALL"])
    for start in range(0, len(uids), 500):
        client.fetch(uids[start:start + 500], ["RFC822.SIZE"])
    client.logout()


def foi_command() -> list[str]:
    return [sys.executable, "-m", "foi"]


def run(args: list[str], folder: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MB, CPU seconds) of `foi ARGS` run in `folder` as its own
    process. CPU time (user + system) says the same on a busy machine; wall time does not.
    The peak is of foi and the processes it starts together (its reading workers, a forked
    helper), sampled every 0.1 s, or of its largest process (os.wait4, through the launcher
    of tests/peak.py: from here, foi would report this benchmark's peak) where that is more."""
    launcher = subprocess.Popen(launched([*foi_command(), *args]), cwd=folder, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    together = _TreeMemory(launcher.pid)
    _, error = launcher.communicate()
    together_mb = together.stop()
    measured, said = figures(error)
    if measured.exit_code != 0:
        raise SystemExit(f"foi {' '.join(args)} exited {measured.exit_code} in {folder}:\n{said[-2000:]}")
    return measured.seconds, max(measured.peak_bytes / 1024 ** 2, together_mb), measured.cpu_seconds


class _TreeMemory:
    """The largest sum of the resident memory of a process's descendants (not its own: it
    is the launcher), sampled by a thread (Linux /proc) until stop() returns it, in MB."""

    def __init__(self, pid: int):
        self.pid, self.peak_kib = pid, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.wait(0.1):
            self.peak_kib = max(self.peak_kib, sum(_rss_kib(pid) for pid in _tree(self.pid)[1:]))

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak_kib / 1024


def _tree(pid: int) -> list[int]:
    found = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
            found += [below for child in children for below in _tree(int(child))]
    except OSError:  # gone meanwhile, or no /proc
        pass
    return found


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def build(root: Path, k: float, log=print) -> Paths:
    """Build (or reuse) the folder for scale k under `root`."""
    paths = Paths(root / f"k{k:g}")
    if paths.built.exists():
        return paths
    shutil.rmtree(paths.root, ignore_errors=True)
    started = time.perf_counter()
    count = request_count(k)
    domains, sent = build_template(paths.template, count)
    names = {r["code"]: r["name"] for r in _bodies(paths.template)}
    log(f"  k={k:g}: {count} requests sent in {time.perf_counter() - started:.0f} s")
    messages = write_maildir(paths.maildir, domains, sent, names)
    log(f"  k={k:g}: {messages} messages written in {time.perf_counter() - started:.0f} s")
    server, imap = start_dovecot(paths.maildir)
    try:
        shutil.copytree(paths.template, paths.synced)
        seconds, peak, cpu = run(["sync"], paths.synced, {**foi_env(paths.synced), **imap})
    finally:
        server.stop()
    counts = _counts(paths.synced)
    paths.built.write_text(json.dumps({"k": k, "requests": count, **counts,
                                       "sync": {"seconds": seconds, "peak_mb": peak, "cpu": cpu}}))
    log(f"  k={k:g}: synced {counts} in {time.perf_counter() - started:.0f} s")
    return paths


def _bodies(folder: Path) -> list[dict]:
    import sqlite3

    with sqlite3.connect(folder / "campaign.db") as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT code, name FROM bodies")]


def _counts(folder: Path) -> dict[str, int]:
    import sqlite3

    db = sqlite3.connect(folder / "campaign.db")
    try:
        return {"messages": db.execute("SELECT count(*) FROM messages").fetchone()[0],
                "attachments": db.execute("SELECT count(*) FROM attachments").fetchone()[0],
                "values": db.execute("SELECT count(*) FROM answer_values").fetchone()[0]}
    finally:
        db.close()
