"""Rendering requests, chasers, reviews and complaints from Jinja2 templates.

Templates are looked for in `<campaign folder>/templates/<set>/` first (the copies
users edit), then in the defaults shipped in `foi/templates/<set>/`. A template
set missing a file falls back to the built-in "request" set. Values that come
from the register are made single-line before they reach a template; every value
a template prints loses its control and bidi characters (foi.safetext), so a
council's reference or subject cannot carry them into a letter; and a template
mistake is reported as the file, the line and what was wrong.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import shutil
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from foi.campaign.campaigns import get_campaign, get_periods, get_questions, load_spec
from foi.campaign.spec import CampaignSpec
from foi.clock import long_date, today as clock_today
from foi.errors import FoiError
from foi.safetext import one_line, plain_text
from foi.tracking.deadlines import due_date

if TYPE_CHECKING:  # the report reads campaigns without sqlite-utils (foi.dbread)
    from sqlite_utils import Database

KINDS = ("request", "reminder", "review", "ico")
DEFAULT_SET = "request"


@dataclass
class Rendered:
    """One message's words, ready to send (foi.mail.compose.build_message adds the headers)."""

    subject: str
    body: str
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)  # (filename, content, mimetype)


@dataclass
class Sender:
    name: str | None
    email: str | None
    reply_to: str | None = None          # pattern; "{reference}" is replaced
    address: tuple[str, ...] = ()         # postal address lines, for letters


def sender_settings(environ: Mapping[str, str] | None = None) -> Sender:
    """Who the requests are from: [sender] in foi.toml (or FOI_CONFIG), overridden by
    FOI_SENDER_NAME, FOI_SENDER_EMAIL, FOI_REPLY_TO; FOI_SENDER_ADDRESS for letters."""
    from foi.config import load_config  # lazy: start-up (the report, which only needs and_list, never calls this)

    env = os.environ if environ is None else environ
    path = env.get("FOI_CONFIG")
    return sender_from_config(load_config(Path(path) if path else None, env=env), env)


def sender_from_config(config, environ: Mapping[str, str] | None = None) -> Sender:
    env = os.environ if environ is None else environ
    address = env.get("FOI_SENDER_ADDRESS") or ""
    return Sender(
        name=one_line(config.sender.name or "") or None,
        email=one_line(config.sender.email or "") or None,
        reply_to=one_line(config.sender.reply_to or "") or None,
        address=tuple(part.strip() for part in re.split(r"[;\n]", address) if part.strip()),
    )


def reply_address(sender: Sender, reference: str) -> str | None:
    if not sender.reply_to:
        return None
    return sender.reply_to.replace("{reference}", reference.lower())


def and_list(items) -> str:
    """['a', 'b', 'c'] -> 'a, b and c'."""
    items = [str(i) for i in items]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# ---- template files -----------------------------------------------------------------------

def default_templates_dir() -> Path:
    return Path(str(resources.files("foi").joinpath("templates")))


def copy_default_templates(folder: Path) -> list[Path]:
    """Copy the built-in template sets into `folder/templates/`, never overwriting
    a file the user has (maybe) edited. Returns the files written."""
    written = []
    source = default_templates_dir()
    for path in sorted(source.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            target = Path(folder) / "templates" / path.relative_to(source)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                written.append(target)
    return written


def user_templates_dir(db: Database) -> Path | None:
    """`templates/` beside the database file (None for an in-memory database)."""
    rows = db.execute("PRAGMA database_list").fetchall()
    main = next((row[2] for row in rows if row[1] == "main"), "")
    return Path(main).parent / "templates" if main else None


@functools.lru_cache(maxsize=8)
def make_environment(template_root: Path | None):
    """One environment per template folder: Jinja caches compiled templates and
    reloads a file whose modification time changed."""
    import jinja2  # lazy: start-up

    loaders = [jinja2.FileSystemLoader(str(template_root))] if template_root else []
    loaders.append(jinja2.FileSystemLoader(str(default_templates_dir())))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined, autoescape=False,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=_printed,
    )
    env.filters["and_list"] = and_list
    env.filters["long_date"] = long_date
    return env


def _printed(value: object) -> object:
    """What `{{ value }}` prints: text without control or bidi characters (a council's
    reference holding ESC or CR reaches the letter as plain characters); other values as they are."""
    return plain_text(value) if isinstance(value, str) else value


def _display(filename: str | None, template_root: Path | None) -> str:
    if not filename:
        return "template"
    path = Path(filename)
    if template_root and path.is_relative_to(template_root):
        return str(Path("templates") / path.relative_to(template_root))
    if path.is_relative_to(default_templates_dir()):
        return f"built-in foi/templates/{path.relative_to(default_templates_dir())}"
    return filename


def render_template(env, names: list[str], context: dict, template_root: Path | None) -> str:
    """Render the first of `names` that exists; template mistakes become FoiError."""
    import jinja2  # lazy: start-up

    try:
        template = env.select_template(names)
    except jinja2.TemplateSyntaxError as error:
        raise FoiError(f"{_display(error.filename, template_root)}, line {error.lineno}: {error.message}") from None
    except jinja2.TemplatesNotFound:
        raise FoiError(f"No template {names[0]}",
                       f"Looked in {template_root or '(no campaign folder)'} and the built-in templates.") from None
    try:
        return tidy(template.render(context))
    except jinja2.TemplateError as error:
        line = _template_line(error, template.filename)
        where = _display(template.filename, template_root)
        raise FoiError(f"{where}, line {line}: {error.message}" if line else f"{where}: {error.message}") from None


def _template_line(error: Exception, filename: str | None) -> int | None:
    """Jinja rewrites tracebacks so template frames carry template line numbers."""
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == filename]
    return lines[-1] if lines else None


def tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line in a row, one final newline:
    so template authors need not fight Jinja's whitespace."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


# ---- the context -----------------------------------------------------------------------------

BODY_FIELDS = ("code", "name", "short_name", "type", "type_name", "region", "website", "domain", "postal_address")


@dataclass(frozen=True)
class CampaignParts:
    """What every letter of a campaign shares: read once for a run of letters, not
    once a letter. Read it, do not change it."""

    campaign: dict
    spec: CampaignSpec
    questions: list[dict]
    periods: list[str]


def campaign_parts(db: Database, slug: str) -> CampaignParts:
    campaign = get_campaign(db, slug)
    return CampaignParts(campaign, load_spec(campaign), get_questions(db, slug), get_periods(db, slug))


def build_context(db: Database, request_row: dict, *, kind: str, sender: Sender, today: dt.date,
                  extra: dict | None = None, parts: CampaignParts | None = None) -> dict:
    """Everything a template may use (documented in foi/templates/README.md). `parts`:
    the request's campaign's, if already read."""
    if parts is None or parts.campaign["slug"] != request_row["campaign"]:
        parts = campaign_parts(db, request_row["campaign"])
    campaign, spec = parts.campaign, parts.spec
    body = _body(db, request_row["body_code"])
    questions = [{**q, "number": i} for i, q in enumerate(parts.questions, 1)]
    context = {
        "kind": kind,
        "body": {key: one_line(body.get(key)) or None for key in BODY_FIELDS} | {"email": request_row.get("email")},
        "campaign": {"slug": campaign["slug"], "title": campaign["title"], "prefix": campaign["prefix"],
                     "template": campaign["template"], "subject": spec.request.get("subject", campaign["title"]),
                     "intro": spec.request.get("intro", ""), "background": spec.request.get("background", ""),
                     "definitions": spec.request.get("definitions", "")},
        "questions": questions,
        "periods": list(parts.periods),
        "request": {"reference": request_row["reference"],
                    "reply_address": reply_address(sender, request_row["reference"]),
                    "email": request_row.get("email"), "state": request_row.get("state"),
                    "sent_via": request_row.get("sent_via"),
                    "their_reference": one_line(request_row.get("their_reference")) or None},
        "sender": {"name": one_line(sender.name), "email": one_line(sender.email),
                   "address": [one_line(line) for line in sender.address]},
        "dates": {"today": long_date(today), "sent_on": long_date(request_row.get("sent_on")),
                  "due_date": long_date(_due_date(db, request_row, today))},
        # For chasers, reviews and complaints; the caller may pass better values in `extra`.
        "their_reference": request_row.get("their_reference"),
        "days_overdue": 0,
        "unanswered": [{**q, "periods": spec.periods} for q in questions],  # each with the periods still open
        "open_periods": spec.periods,  # the periods some question is still open for
        "to_confirm": [],  # questions whose answer we have yet to confirm (foi review): never called unanswered
        "exemptions": [],      # sections cited that exempt information (never s.12: see cost_limit)
        "cost_limit": False,   # the cost limit (s.12) was cited
        "vexatious": False,    # the request was called vexatious or repeated (s.14)
        "small_numbers": False,  # figures were withheld as personal data (s.40): "<5" would answer
        "response_on": None,
        "review_requested_on": None,
        "review_grounds": "",
        "complaint_details": "",
    }
    context.update(extra or {})
    # the council's own reference, read from its reply: one line wherever a template puts it
    context["their_reference"] = one_line(context["their_reference"]) or None
    return context


def _body(db: Database, code: str) -> dict:
    """The body's row in plain SQL: sqlite_utils' table.get reads the table's schema
    first, a fifth of the time of rendering a request."""
    cursor = db.execute("SELECT * FROM bodies WHERE code = ?", [code])
    names = [column[0] for column in cursor.description]
    row = cursor.fetchone()
    if row is None:
        raise LookupError(f"no body {code}")
    return dict(zip(names, row))


def _due_date(db: Database, request_row: dict, today: dt.date) -> dt.date | None:
    """As `foi status` shows it: foi.tracking.deadlines works it out, nothing stores it."""
    if not request_row.get("sent_on") or "id" not in request_row:
        return None
    return due_date(db, request_row, today)


def prepare(db: Database, request_row: dict, kind: str = "request", extra: dict | None = None,
            template_root: Path | None = None, sender: Sender | None = None,
            today: dt.date | None = None, parts: CampaignParts | None = None) -> tuple[Rendered, dict]:
    """The rendered message and the context it was rendered from."""
    if kind not in KINDS:
        raise FoiError(f"Unknown kind of message {kind!r}; use one of {', '.join(KINDS)}")
    sender = sender or sender_settings()
    if not sender.name:
        raise FoiError("No sender name: requests must be signed",
                       "Set name (and email, reply_to) under [sender] in foi.toml, or FOI_SENDER_NAME "
                       "(FOI_SENDER_EMAIL, FOI_REPLY_TO) in the environment.")
    if template_root is None:
        template_root = user_templates_dir(db)
    if today is None:
        today = clock_today()
    context = build_context(db, request_row, kind=kind, sender=sender, today=today, extra=extra, parts=parts)
    env = make_environment(template_root)
    chosen = context["campaign"]["template"]
    sets = [chosen] if chosen == DEFAULT_SET else [chosen, DEFAULT_SET]
    subject = render_template(env, [f"{s}/{kind}.subject.j2" for s in sets], context, template_root)
    body = render_template(env, [f"{s}/{kind}.txt.j2" for s in sets], context, template_root)
    return Rendered(one_line(subject), plain_text(body), []), context


def render_request(db: Database, request_row: dict, kind: str = "request", extra: dict | None = None,
                   template_root: Path | None = None, sender: Sender | None = None,
                   today: dt.date | None = None, parts: CampaignParts | None = None) -> Rendered:
    """Render one request (or its reminder, review request or ICO complaint)."""
    return prepare(db, request_row, kind, extra, template_root, sender, today, parts)[0]


Renderer = Callable[[dict], Rendered]


def renderer_for(db: Database, slug: str, sender: Sender | None = None) -> Renderer:
    """The render function for a campaign: its templates, for each request row."""
    if not db["campaigns"].count_where("slug = ?", [slug]):
        raise FoiError(f"No campaign called {slug!r}", "`foi campaign list` shows them.")

    template_root = user_templates_dir(db)  # once: these are the same for every request
    parts = campaign_parts(db, slug)

    def render(request: dict) -> Rendered:
        return render_request(db, request, sender=sender, template_root=template_root, parts=parts)

    return render
