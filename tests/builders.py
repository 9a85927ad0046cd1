"""The one place the tests (and bench/) build a campaign.

Two ways in, as foi itself has them:
- `create_campaign`: from a campaign file through plan_create/apply_create, as
  `foi campaign create` does: one draft request per recipient.
- `insert_campaign` and `insert_request`: rows written directly, for a campaign
  part-way through its life (sent, answered, refused) that no file describes.

Both start from `register_db`: a campaign database with the council register
loaded. The presets below are the campaigns several test modules share.
"""

import datetime as dt
from pathlib import Path

from foi.campaign.campaigns import apply_create, plan_create
from foi.campaign.references import make_reference
from foi.db import connect
from foi.reference.store import ReferenceTable, save_table
from foi.register.councils import load_register, set_email
from foi.tracking.states import Source, apply_transition
from foi.vocabulary import EventKind

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "early-help.toml"
NOW = "2026-03-04T10:00:00+00:00"
ADDRESSES = {"BNS": "foi@barnsley.gov.uk", "LDS": "foi@leeds.gov.uk"}
TITLE = "Children placed in care out of area, 2023-2025"
PLACED_OUT_OF_AREA = {"id": "placed_out_of_area",
                      "text": "How many children in your care were placed more than 20 miles from home?"}


def register_db(path: Path | str = "campaign.db", *, addresses: dict[str, str] | None = None,
                now: str | None = None):
    """A database at `path` with the register loaded and `addresses` ({code: FOI address}) set."""
    db = connect(Path(path))
    load_register(db, now=now)
    for code, address in (addresses or {}).items():
        set_email(db, code, address)
    return db


# ---- from a campaign file, as a user would

def campaign_file(*, slug: str, prefix: str, title: str, recipients: str | list[str],
                  periods: tuple[str, ...] | list[str], questions: tuple[dict, ...] | list[dict],
                  measures: tuple[dict, ...] | list[dict] = ()) -> str:
    """The text of a campaign file; `recipients` is a group name or a list of codes."""
    listed = f'"{recipients}"' if isinstance(recipients, str) else "[" + ", ".join(f'"{c}"' for c in recipients) + "]"
    text = f"""
slug = "{slug}"
prefix = "{prefix}"
title = "{title}"
recipients = {listed}
periods = [{", ".join(f'"{p}"' for p in periods)}]
"""
    for question in questions:
        text += "\n[[questions]]\n" + "".join(f'{key} = "{value}"\n' for key, value in question.items())
    for measure in measures:
        text += "\n[[measures]]\n" + "".join(f'{key} = "{value}"\n' for key, value in measure.items())
    return text


def create_campaign(db, folder: Path, *, slug: str, prefix: str | None = None,
                    title: str = TITLE,
                    recipients: str | list[str] = "childrens-services",
                    periods: tuple[str, ...] = ("2023/24", "2024/25"),
                    questions: tuple[dict, ...] = (PLACED_OUT_OF_AREA,),
                    measures: tuple[dict, ...] = (),
                    now: str = "2026-03-01T09:00:00+00:00", extra: str = "") -> Path:
    """Write `folder/<slug>.toml` and create the campaign from it; returns the file.
    `extra` is TOML added at the end of the file (e.g. [[estimates]] tables)."""
    source = Path(folder) / f"{slug}.toml"
    source.write_text(campaign_file(slug=slug, prefix=prefix or slug.upper(), title=title, recipients=recipients,
                                    periods=periods, questions=questions, measures=measures) + extra,
                      encoding="utf-8")
    apply_create(db, plan_create(db, source), now=now)
    return source


# ---- rows written directly

def insert_campaign(db, slug: str, *, prefix: str, title: str, template: str = "t", recipients: str = "[]",
                    created_at: str = NOW, questions: tuple[dict, ...] | list[dict] = (),
                    periods: tuple[str, ...] | list[str] = (), checks: tuple[str, ...] | list[str] = ()) -> None:
    """A campaigns row with its questions ({id, text, kind, labels...}), periods and checks, in order."""
    db["campaigns"].insert({"slug": slug, "title": title, "prefix": prefix, "template": template,
                            "recipients": recipients, "source_text": "", "created_at": created_at})
    for position, question in enumerate(questions, start=1):
        db["questions"].insert({"campaign": slug, "id": question["id"], "position": position, **question})
    for position, period in enumerate(periods, start=1):
        db["periods"].insert({"campaign": slug, "period": period, "position": position})
    for position, rule in enumerate(checks, start=1):
        db["checks"].insert({"campaign": slug, "position": position, "rule": rule})


def insert_request(db, campaign: str, code: str, *, prefix: str | None = None, reference: str | None = None,
                   created_at: str = NOW, updated_at: str | None = None, **columns) -> int:
    """A requests row; the reference is made from `prefix` unless given. Columns not
    given keep the schema's defaults. Returns its id."""
    return db["requests"].insert({
        "campaign": campaign, "body_code": code, "reference": reference or make_reference(prefix, code, campaign),
        **columns, "created_at": created_at, "updated_at": updated_at or created_at}).last_pk


def review_requested(db, campaign: str, code: str, on: str) -> None:
    """What `foi chase --stage review` records once its email is sent: the request in
    internal review from `on`, the review's 20 working days counting."""
    request = next(db.query("SELECT * FROM requests WHERE campaign = ? AND body_code = ?", [campaign, code]))
    apply_transition(db, request, "internal_review", source=Source.REVIEW, when=f"{on}T09:00:00+01:00", on=on,
                     event=EventKind.REVIEW_REQUESTED, details={"note": "internal review requested by email"})


# ---- presets

def example_db(path: Path | str = "campaign.db"):
    """The register with addresses for Barnsley and Leeds only, for examples/early-help.toml."""
    return register_db(path, addresses=ADDRESSES)


def example_campaign(path: Path | str = "campaign.db"):
    """examples/early-help.toml created in `example_db`: 153 draft requests."""
    db = example_db(path)
    apply_create(db, plan_create(db, EXAMPLE), now=NOW)
    return db


def example_text(**replace: str) -> str:
    """examples/early-help.toml with some exact substrings replaced."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def make_campaign(db_path="campaign.db", *, slug="eh", prefix="EH", count=None, title=None):
    """The mail tests' campaign: one draft request to each children's services
    council (or the first `count` by code), each with a fake address
    foi-<code>@councils.test. Returns {reference: body row}."""
    db = register_db(db_path)
    bodies = list(db.query("SELECT * FROM bodies WHERE childrens_services = 1 ORDER BY code"))
    bodies = bodies[:count] if count else bodies
    addresses = {body["code"]: f"foi-{body['code'].lower()}@councils.test" for body in bodies}
    for code, address in addresses.items():
        set_email(db, code, address)
    create_campaign(db, Path(db_path).parent, slug=slug, prefix=prefix,
                    title=title or TITLE,
                    recipients=[b["code"] for b in bodies] if count else "childrens-services")
    db.close()
    return {make_reference(prefix, body["code"], slug): {**body, "foi_email": addresses[body["code"]]}
            for body in bodies}


SENT_SLUG = "eh-2026"


def sent_campaign(path, bodies=("BNS", "LDS", "SHF"), state="awaiting_response"):
    """Campaign eh-2026: a request to each of `bodies` at its real domain, emailed
    on 2 February 2026 (due 2 March), in `state`, with its outgoing row."""
    db = register_db(path)
    insert_campaign(db, SENT_SLUG, prefix="EH", title="Early help")
    for code in bodies:
        domain = db["bodies"].get(code)["domain"]
        request_id = insert_request(db, SENT_SLUG, code, prefix="EH", state=state, email=f"foi@{domain}",
                                    sent_via="email", sent_at="2026-02-02T09:00:00+00:00", sent_on="2026-02-02")
        db["outgoing"].insert({"request_id": request_id, "kind": "request", "state": "sent",
                               "message_id": f"<req-{code.lower()}-1@charity.org.uk>",
                               "to_addr": f"foi@{domain}", "subject": "FOI request",
                               "created_at": NOW, "sent_at": "2026-02-02T09:00:00+00:00"})
    return db


# One question, one period, one council: what the hostile-input tests send replies to.
VISITS_CAMPAIGN = """
slug = "visits"
title = "Home visits"
recipients = ["BNS"]
periods = ["2024/25"]

[[questions]]
id = "visits"
text = "How many home visits did the outreach team make?"
"""


def sent_to_barnsley(run, monkeypatch, slug: str, campaign_toml: str) -> str:
    """The campaign `campaign_toml` created through the CLI as a user does, its request to
    BNS (foi@barnsley.gov.uk) marked as sent by email on 2 March 2026, the clock then at
    17 March; returns BNS's reference."""
    monkeypatch.setenv("FOI_NOW", "2026-03-02T09:00:00+00:00")
    monkeypatch.setenv("FOI_SENDER_NAME", "Data Project")
    monkeypatch.setenv("FOI_SENDER_EMAIL", "campaign@charity.test")
    run("init")
    run("councils", "set-email", "BNS", "foi@barnsley.gov.uk", "--source", "test")
    Path(f"{slug}.toml").write_text(campaign_toml, encoding="utf-8")
    run("campaign", "create", f"{slug}.toml")
    run("mark-sent", slug, "BNS", "--via", "email", "--on", "2026-03-02")
    monkeypatch.setenv("FOI_NOW", "2026-03-17T09:00:00+00:00")
    return connect(Path("campaign.db")).execute(
        "SELECT reference FROM requests WHERE campaign = ? AND body_code = 'BNS'", [slug]).fetchone()[0]


def save_reference(db, name: str, values: dict[tuple[str, str], float], *, title: str = "A reference table",
                   source: str = "tests") -> None:
    """Reference table `name` (what a measure's formula calls ref.NAME) with {(body code, period): value}."""
    save_table(db, ReferenceTable(name, title, source), [(code, period, value, None)
                                                          for (code, period), value in values.items()],
               now=dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC))
