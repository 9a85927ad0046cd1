"""`foi demo`: a whole early-help campaign to the 153 councils with children's
services, run in a fresh folder against simulated councils, without any mail server.

Everything goes through the real code: the campaign file, sending into the
outbox, replies written as .eml files into inbox/ and stored by the same import
as `foi import` (so the real rules match and classify them), extraction and the
report. The clock is fixed: requests go out on 2 March 2026, the demo ends on
20 May 2026.
"""

import datetime as dt
import hashlib
import json
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from importlib import resources
from pathlib import Path

from foi.blobs import BlobStore, blob_dir
from foi.campaign.campaigns import apply_create, plan_create
from foi.campaign.references import find_references
from foi.clock import LONDON
from foi.config import load_config
from foi.db import connect
from foi.demo.councils import DESCRIPTIONS, plan_councils
from foi.demo.replies import Received
from foi.demo.simulate import plan_replies
from foi.errors import FoiError
from foi.extract.run import extract_campaign
from foi.letters.render import renderer_for, sender_from_config
from foi.mail.importing import import_paths
from foi.register.councils import set_email
from foi.report.render import render_html, render_text
from foi.report.summary import build_report
from foi.sending.chasing import apply_chase, plan_chase
from foi.sending.replying import plan_reply
from foi.sending.send import apply_send, plan_send, send_lock, sending_from_config
from foi.triage.run import TRIAGE
from foi.workspace import init_workspace

SLUG = "early-help"
SENT_AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)
END = dt.date(2026, 5, 20)
MARKER = "simulation.json"
OUTPUTS = ("campaign.db", "campaign.db-wal", "campaign.db-shm", "campaign.db.send-lock", "blobs",
           "inbox", "outbox", "templates", "foi.toml", "early-help.toml", "report.html", MARKER)
FOI_TOML = """# Mail settings for the demo: no [smtp] server, so `foi send` writes into outbox/.
[sender]
name = "Early Help Research Project"
email = "foi@campaign.example.org"
reply_to = "foi+{reference}@campaign.example.org"

# The simulated councils read outbox/, so what is written there counts as sent.
[outbox]
counts_as_sent = true
"""


@dataclass
class DemoResult:
    folder: Path
    report_text: str
    html_path: Path
    behaviours: dict[str, int]
    by_state: dict[str, int]
    replies: int
    notes: list[str] = field(default_factory=list)


def prepare_folder(folder: Path, force: bool) -> list[str]:
    """Refuse a folder with other things in it unless forced; clear a previous demo. In a
    folder that held no demo, whatever the demo would overwrite (the user's foi.toml, a
    campaign file, their mail) is moved aside first; returns the names it was moved to."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise FoiError(f"{folder} is a file, not a folder")
    entries = list(folder.iterdir()) if folder.exists() else []
    previous = (folder / MARKER).exists()
    if entries and not previous and not force:
        raise FoiError(f"{folder} is not empty and holds no previous demo",
                       "Give a new folder name, or --force to run the demo there anyway "
                       "(an existing campaign.db is kept as a backup).")
    folder.mkdir(parents=True, exist_ok=True)
    if previous:
        for name in OUTPUTS:
            path = folder / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        return []
    stamp = dt.datetime.now(LONDON).strftime("%Y%m%d-%H%M%S")
    kept = []
    # never mix another campaign's mail in, never write over the user's settings or files
    for name in ("inbox", "outbox", "blobs", "templates", "foi.toml", "early-help.toml", "report.html"):
        if (folder / name).exists():
            (folder / name).rename(folder / f"{name}.before-demo-{stamp}")
            kept.append(f"{name}.before-demo-{stamp}")
    return kept


def run_demo(folder: Path, *, force: bool = False,
             progress: Callable[[str], None] = lambda note: None) -> DemoResult:
    folder = Path(folder)
    for name in prepare_folder(folder, force):
        progress(f"Kept what was there: {name}")
    db_path = folder / "campaign.db"
    start = SENT_AT.isoformat()
    init_workspace(db_path, force=force, now=start)
    db = connect(db_path)
    councils = plan_councils(list(db.query(
        "SELECT code, name, domain FROM bodies WHERE childrens_services = 1")))
    progress(f"Folder {folder}: register loaded, {len(councils)} councils with children's services")
    set_addresses(db, councils, start)
    (folder / "foi.toml").write_text(FOI_TOML, encoding="utf-8")
    campaign_file = folder / "early-help.toml"
    campaign_file.write_text(resources.files("foi.demo").joinpath("early-help.toml")
                             .read_text(encoding="utf-8"), encoding="utf-8")
    create_campaign(db, campaign_file, start)
    sent = send_requests(db, db_path, folder / "foi.toml")
    progress(f"Sent {sent} requests on {SENT_AT:%-d %B %Y} into outbox/ (no mail server)")
    received, originals = read_outbox(folder / "outbox", {c.domain: c.code for c in councils})
    replies, actions = plan_replies(councils, received, SENT_AT.date(), originals)
    write_inbox(folder / "inbox", replies)
    progress(f"Simulated councils wrote {len(replies)} replies into inbox/ "
             f"({SENT_AT:%-d %B} to {END:%-d %B %Y})")
    import_by_day(db, db_path, folder / "foi.toml", replies, actions)
    progress("Imported inbox/ day by day, as `foi import` does; clarifications answered "
             "with `foi reply`")
    notes = extract(db, blob_dir(db_path), progress)
    chased = send_reminders(db, db_path, folder / "foi.toml")
    progress(f"Sent {chased} in-thread reminders on {END:%-d %B %Y} to overdue councils "
             "(`foi chase --stage reminder`)")
    report, text, html_path = write_report(db, folder)
    save_simulation(folder / MARKER, councils, replies, DESCRIPTIONS)
    db.close()
    return DemoResult(folder, text, html_path, dict(Counter(c.behaviour for c in councils)),
                      report["by_state"], len(replies), notes)


def set_addresses(db, councils, now: str) -> None:
    """Made-up FOI addresses at each council's real domain; none for two councils."""
    for council in councils:
        if council.behaviour != "no_address":
            set_email(db, council.code, f"foi@{council.domain}", source="foi demo (made up)",
                      checked_on=now[:10], now=now)


def create_campaign(db, path: Path, now: str) -> None:
    apply_create(db, plan_create(db, path), now=now)


def send_requests(db, db_path: Path, config_path: Path) -> int:
    """`foi send --yes` with the outbox transport; each message a second after the last."""
    config = load_config(config_path, env={})
    plan = plan_send(db, SLUG, renderer_for(db, SLUG, sender_from_config(config, environ={})))
    ticks = iter(range(10**6))

    def clock() -> dt.datetime:
        return SENT_AT + dt.timedelta(seconds=next(ticks))

    with send_lock(db_path):
        report = apply_send(db, plan, sending_from_config(config, db_path, now=clock))
    return len(report.having("sent"))


def send_reminders(db, db_path: Path, config_path: Path) -> int:
    """`foi chase --stage reminder --yes` on the demo's last day, into the outbox."""
    config = load_config(config_path, env={})
    chase_at = dt.datetime.combine(END, dt.time(9, 0), tzinfo=LONDON)
    plan = plan_chase(db, SLUG, "reminder", today=END, sender=sender_from_config(config, environ={}),
                      folder=Path(db_path).parent)
    ticks = iter(range(10**6))

    def clock() -> dt.datetime:
        return chase_at + dt.timedelta(seconds=next(ticks))

    with send_lock(db_path):
        report = apply_chase(db, plan, sending_from_config(config, db_path, now=clock), now=chase_at)
    return len(report.sent.having("sent")) if report.sent else 0


def read_outbox(outbox: Path, codes_by_domain: dict[str, str]):
    """What each council received: our message as it left, keyed by council code."""
    received, originals = {}, {}
    for path in sorted((outbox / "new").iterdir()) + sorted((outbox / "cur").iterdir()):
        raw = path.read_bytes()
        message = message_from_bytes(raw, policy=policy.default)
        to_addr = str(message["To"]).split("<")[-1].strip(">").strip()
        code = codes_by_domain[to_addr.rpartition("@")[2]]
        plain = message.get_body(("plain",))
        assert plain is not None  # every request foi sends has a text/plain body
        body = plain.get_content()
        reference = find_references(str(message["Message-ID"]))[0]
        received[code] = Received(to_addr, str(message["Message-ID"]), str(message["Subject"]),
                                  str(message["Reply-To"] or message["From"]), reference, body)
        originals[code] = raw
    return received, originals


def write_inbox(inbox: Path, replies) -> None:
    """A Maildir: file names start with the arrival time, so sorting them is reading in order."""
    for sub in ("tmp", "new", "cur"):
        (inbox / sub).mkdir(parents=True, exist_ok=True)
    for number, reply in enumerate(replies, start=1):
        reply.filename = f"new/{int(reply.date.timestamp())}.M{number:04d}.{reply.code.lower()}.foi-demo"
        (inbox / reply.filename).write_bytes(reply.raw)
    for reply in replies:
        reply.filename = f"inbox/{reply.filename}"


def import_by_day(db, db_path: Path, config_path: Path, replies, actions) -> None:
    """Each simulated day: `foi import` of that day's mail, then what we did that
    day (a clarification sent with `foi reply`)."""
    blob_store = BlobStore(blob_dir(db_path))
    folder = Path(db_path).parent
    days = sorted({reply.date.date() for reply in replies} | {action.on for action in actions})
    for day in days:
        evening = dt.datetime(day.year, day.month, day.day, 18, 0, tzinfo=LONDON)
        files = [folder / reply.filename for reply in replies if reply.date.date() == day]
        if files:
            report = import_paths(db, blob_store, files, today=day, triage=TRIAGE, now=evening)
            if report.failures or report.parse_errors:
                raise FoiError(f"demo: import failed: {report.failures or report.parse_errors}")
        for action in (a for a in actions if a.on == day):
            send_clarification(db, db_path, config_path, action.code, action.note, evening)


def send_clarification(db, db_path: Path, config_path: Path, code: str, text: str,
                       at: dt.datetime) -> None:
    """`foi reply SLUG CODE TEXT --yes`: our answer to a council's request for
    clarification, in its thread, into the outbox; the 20 days restart."""
    config = load_config(config_path, env={})
    plan = plan_reply(db, SLUG, code, text, sender=sender_from_config(config, environ={}))
    with send_lock(db_path):
        report = apply_send(db, plan, sending_from_config(config, db_path, now=lambda: at))
    if len(report.having("sent")) != 1:
        raise FoiError(f"demo: the clarification to {code} was not sent: {report.outcomes}")


def extract(db, blobs: Path, progress) -> list[str]:
    summary = extract_campaign(db, blobs, SLUG, now=dt.datetime.combine(
        END, dt.time(9), tzinfo=LONDON).isoformat())
    progress(f"Extracted figures from {summary.messages} replies")
    return []


def write_report(db, folder: Path):
    report = build_report(db, SLUG, END)
    recipients = report["requests"]["recipients"]
    if sum(report["by_state"].values()) != recipients:
        raise FoiError(f"demo: the report's states add up to {sum(report['by_state'].values())}, "
                       f"not {recipients}")
    html_path = folder / "report.html"
    html_path.write_text(render_html(report), encoding="utf-8")
    return report, render_text(report), html_path


def save_simulation(path: Path, councils, replies, descriptions: dict[str, str]) -> None:
    """What the simulator meant, so anyone (and the tests) can check the real code read it right."""
    data = {
        "about": "Written by `foi demo`: what each simulated council did. The councils, addresses "
                 "and replies are made up; the figures are scaled from DfE Children in need "
                 "statistics (Open Government Licence v3.0).",
        "sent_at": SENT_AT.isoformat(), "today": END.isoformat(),
        "behaviours": descriptions,
        "councils": [{"code": c.code, "name": c.name, "behaviour": c.behaviour,
                      "expected_state": c.expected_state, "figures": c.figures} for c in councils],
        "replies": [{"file": reply.filename, "code": reply.code, "kind": reply.kind, "rule": reply.rule,
                     "date": reply.date.isoformat(), "attachment": reply.attachment,
                     "sha256": hashlib.sha256(reply.raw).hexdigest()} for reply in replies],
    }
    path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
