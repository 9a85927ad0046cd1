"""Campaigns in the database: create (idempotently), update, list, describe.

A campaign is one FOI request sent to a chosen set of bodies; creating it writes
one `requests` row per recipient (state draft), with its reference and the
address the register holds at that moment.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from foi.campaign.references import make_reference
from foi.campaign.spec import CampaignFileError, CampaignSpec, parse_campaign, read_campaign_file
from foi.dbread import Queries
from foi.errors import FoiError
from foi.register.councils import COUNCIL_TYPES, list_bodies
from foi.vocabulary import SENDABLE_STATES

if TYPE_CHECKING:  # `foi status` reads without importing sqlite-utils (foi.dbread)
    from sqlite_utils import Database


@dataclass
class CreatePlan:
    spec: CampaignSpec
    source_path: str
    source_text: str
    action: str                      # "create", "unchanged" or "update"
    bodies: list[dict]               # every recipient the file selects
    add: list[dict] = field(default_factory=list)        # bodies getting a new request
    drop: list[str] = field(default_factory=list)        # draft requests to delete (update)
    keep: list[str] = field(default_factory=list)        # no longer selected but already sent
    refresh: list[tuple[str, str]] = field(default_factory=list)  # (code, address) for drafts
    new_questions: list[str] = field(default_factory=list)  # ids added by this update
    new_periods: list[str] = field(default_factory=list)    # periods added by this update
    not_asked: list[str] = field(default_factory=list)      # codes of requests sent before them

    @property
    def no_address(self) -> list[dict]:
        return [b for b in self.bodies if not b.get("foi_email")]


def resolve_recipients(db: Database, recipients) -> tuple[list[dict], list[str]]:
    """The bodies a `recipients` value selects, and the problems with it."""
    if recipients == "childrens-services":
        return list_bodies(db, childrens_services=True), []
    if recipients == "all":
        return list_bodies(db), []
    if isinstance(recipients, list):
        return _by_codes(db, recipients, "recipients")
    return _by_filters(db, recipients)


def _by_codes(db: Database, codes: list[str], where: str) -> tuple[list[dict], list[str]]:
    bodies = list_bodies(db, codes=codes) if codes else []
    known = {b["code"] for b in bodies}
    problems = [f"{where}: unknown body code {code!r} (see `foi councils list`)"
                for code in codes if code.upper() not in known]
    return bodies, problems


def _by_filters(db: Database, filters: dict) -> tuple[list[dict], list[str]]:
    problems: list[str] = []
    types = [t.upper() for t in filters.get("types", [])]
    known_types = set(COUNCIL_TYPES) | {r["type"] for r in db.query("SELECT DISTINCT type FROM bodies")}
    for kind in types:
        if kind not in known_types:
            problems.append(f"recipients.types: unknown type {kind!r} (known: {', '.join(sorted(known_types))})")
    regions = filters.get("regions", [])
    known_regions = {r["region"].lower(): r["region"]
                     for r in db.query("SELECT DISTINCT region FROM bodies WHERE region IS NOT NULL")}
    for region in regions:
        if region.lower() not in known_regions:
            known = ", ".join(sorted(known_regions.values()))
            problems.append(f"recipients.regions: unknown region {region!r} (known: {known})")
    extra, extra_problems = _by_codes(db, [c.upper() for c in filters.get("codes", [])], "recipients.codes")
    _, exclude_problems = _by_codes(db, [c.upper() for c in filters.get("exclude", [])], "recipients.exclude")
    problems += extra_problems + exclude_problems
    selected = []
    if types or regions or "childrens_services" in filters:
        selected = list_bodies(db, types=types, regions=regions, childrens_services=filters.get("childrens_services"))
    exclude = {c.upper() for c in filters.get("exclude", [])}
    chosen = {b["code"]: b for b in selected + extra if b["code"] not in exclude}
    return sorted(chosen.values(), key=lambda b: b["name"]), problems


def plan_create(db: Database, path: Path, *, update: bool = False) -> CreatePlan:
    """Check the file against the database and work out what `create` would do."""
    from foi.reference.store import table_names  # lazy: start-up (`foi status` needs no reference data)

    # A measure's ref.NAME, and an estimate's scale_by, must be a table this database holds.
    known_tables = table_names(db)
    spec, text, problems = read_campaign_file(path, references=known_tables)
    bodies: list[dict] = []
    # The file's problems and the database's are reported together: a bad kind must not
    # hide an unknown body code (a recipients value already found wrong is not looked up).
    if not any(problem.startswith("recipients") for problem in problems):
        bodies, unknown = resolve_recipients(db, spec.recipients)
        problems += unknown or ([] if bodies else ["recipients: no bodies match"])
    if not any(problem.startswith("estimates") for problem in problems):
        problems += _estimate_reference_problems(spec, known_tables)
    clash = db.execute("SELECT slug FROM campaigns WHERE prefix = ? AND slug != ?", [spec.prefix, spec.slug]).fetchone()
    if clash:
        problems.append(f"prefix: {spec.prefix!r} is already used by campaign {clash[0]!r}; set another prefix")
    if problems:
        raise CampaignFileError(str(path), problems)
    campaigns = db.table("campaigns")
    existing = campaigns.get(spec.slug) if campaigns.count_where("slug = ?", [spec.slug]) else None
    plan = CreatePlan(spec, str(path), text, "create", bodies)
    if existing is None:
        plan.add = bodies
        return plan
    old = parse_campaign(existing["source_text"], source=f"stored campaign {spec.slug}")
    plan.action = "unchanged" if old.content() == spec.content() else "update"
    if plan.action == "update" and not update:
        raise FoiError(
            f"Campaign {spec.slug!r} already exists and {path} differs from the file it was created from",
            "Run `foi campaign create --update FILE` to add the new recipients and questions "
            "(sent requests are never removed), or give the new campaign another slug.",
        )
    if plan.action == "update":
        _plan_update(db, plan, old)
    plan.refresh = _stale_draft_addresses(db, spec.slug)
    return plan


def _estimate_reference_problems(spec: CampaignSpec, known: list[str]) -> list[str]:
    """Each estimate's scale_by must be one of `known`, the reference tables in this database."""
    listed = f"known: {', '.join(known)}" if known else "there are none yet"
    return [f"estimates[{index}].scale_by: no reference table named {estimate.scale_by!r} ({listed}); "
            f"import one with `foi reference import FILE --name {estimate.scale_by}`"
            for index, estimate in enumerate(spec.estimates) if estimate.scale_by not in known]


def _plan_update(db: Database, plan: CreatePlan, old: CampaignSpec) -> None:
    spec = plan.spec
    problems = []
    if old.prefix != spec.prefix:
        problems.append(f"prefix: campaign {spec.slug!r} has prefix {old.prefix}; it cannot change "
                        "because its references are already made")
    current = {r["body_code"]: r for r in db.query(
        "SELECT body_code, state, coalesce(sent_at, sent_on) IS NOT NULL AS sent FROM requests "
        "WHERE campaign = ?", [spec.slug])}
    wanted = {b["code"] for b in plan.bodies}
    plan.add = [b for b in plan.bodies if b["code"] not in current]
    for code, row in sorted(current.items()):
        if code not in wanted:
            (plan.drop if row["state"] == "draft" else plan.keep).append(code)
    if any(r["state"] != "draft" for r in current.values()):
        problems += _changed_wording(old, spec)
    if problems:
        raise CampaignFileError(plan.source_path, problems)
    old_ids = {q.id for q in old.questions}
    plan.new_questions = [q.id for q in spec.questions if q.id not in old_ids]
    plan.new_periods = [p for p in spec.periods if p not in old.periods]
    if plan.new_questions or plan.new_periods:
        plan.not_asked = [code for code, row in sorted(current.items())
                          if row["sent"] and code not in plan.drop]


def _changed_wording(old: CampaignSpec, new: CampaignSpec) -> list[str]:
    """Once a request has gone out, what it asked is fixed: only additions are allowed."""
    problems = []
    new_questions = {q.id: q for q in new.questions}
    for question in old.questions:
        now = new_questions.get(question.id)
        if now is None:
            problems.append(f"questions: {question.id!r} was removed, but requests asking it have been sent")
        elif (now.text, now.kind) != (question.text, question.kind):
            problems.append(f"questions: {question.id!r} changed, but requests asking it have been sent; "
                            "add a new question instead")
    for period in old.periods:
        if period not in new.periods:
            problems.append(f"periods: {period!r} was removed, but requests asking for it have been sent")
    return problems


def _stale_draft_addresses(db: Database, slug: str) -> list[tuple[str, str]]:
    """Drafts whose register address was set or changed since the request was made."""
    rows = db.query(
        "SELECT r.body_code, b.foi_email FROM requests r JOIN bodies b ON b.code = r.body_code "
        "WHERE r.campaign = ? AND r.state = 'draft' AND b.foi_email IS NOT NULL AND b.foi_email != '' "
        "AND (r.email IS NULL OR r.email != b.foi_email)", [slug])
    return [(r["body_code"], r["foi_email"]) for r in rows]


def sending_address(request: dict, register_email: str | None) -> str | None:
    """Where a message about `request` goes. Until it is sent, the register's address now,
    as `foi send` takes it (a draft keeps the one copied when it was made, which
    `councils set-email` and `councils import` do not change); once sent, the address it
    went to, else the register's."""
    if request["state"] in SENDABLE_STATES:
        return register_email or None
    return request.get("email") or register_email or None


def apply_create(db: Database, plan: CreatePlan, *, now: str) -> None:
    """Write the plan in one transaction."""
    spec = plan.spec
    with db.atomic():
        if plan.action != "unchanged":
            _save_campaign(db, plan, now)
        for code in plan.drop:
            db.execute("DELETE FROM requests WHERE campaign = ? AND body_code = ? AND state = 'draft'",
                       [spec.slug, code])
        _add_requests(db, spec, plan.add, now)
        for code, address in plan.refresh:
            db.execute("UPDATE requests SET email = ?, updated_at = ? "
                       "WHERE campaign = ? AND body_code = ? AND state = 'draft'",
                       [address, now, spec.slug, code])


def _add_requests(db: Database, spec: CampaignSpec, bodies: list[dict], now: str) -> None:
    db.table("requests").insert_all(
        {"campaign": spec.slug, "body_code": body["code"],
         "reference": make_reference(spec.prefix, body["code"], spec.slug),
         "state": "draft", "email": body.get("foi_email") or None, "created_at": now, "updated_at": now}
        for body in bodies)
    codes = {body["code"] for body in bodies}
    ids = [r["id"] for r in db.query("SELECT id, body_code FROM requests WHERE campaign = ? ORDER BY id", [spec.slug])
           if r["body_code"] in codes]
    db.table("events").insert_all(
        {"request_id": request_id, "kind": "created", "occurred_on": now[:10], "recorded_at": now,
         "actor": "user", "details": json.dumps({"campaign": spec.slug})} for request_id in ids)


def _save_campaign(db: Database, plan: CreatePlan, now: str) -> None:
    spec = plan.spec
    # When each question and period was added by an update (None: from the start): a
    # request sent before then did not ask it (the dataset's 'not_asked').
    added = {("q", r["id"]): r["added_at"] for r in db.query(
        "SELECT id, added_at FROM questions WHERE campaign = ?", [spec.slug])}
    added |= {("p", r["period"]): r["added_at"] for r in db.query(
        "SELECT period, added_at FROM periods WHERE campaign = ?", [spec.slug])}
    updating = plan.action == "update"
    row = {"slug": spec.slug, "title": spec.title, "prefix": spec.prefix, "template": spec.template,
           "recipients": json.dumps(spec.recipients), "source_path": plan.source_path,
           "source_text": plan.source_text, "created_at": now}
    if updating:
        row.pop("created_at")
        db.table("campaigns").update(spec.slug, row)
    else:
        db.table("campaigns").insert(row)
    for table in ("periods", "questions", "checks"):
        db.execute(f"DELETE FROM {table} WHERE campaign = ?", [spec.slug])
    db.table("periods").insert_all(
        {"campaign": spec.slug, "period": p, "position": i,
         "added_at": added.get(("p", p), now if updating else None)}
        for i, p in enumerate(spec.periods, 1))
    db.table("questions").insert_all(
        {"campaign": spec.slug, "id": q.id, "position": i, "text": q.text, "kind": q.kind,
         "labels": json.dumps(q.labels), "title": q.title,
         "added_at": added.get(("q", q.id), now if updating else None)}
        for i, q in enumerate(spec.questions, 1))
    db.table("checks").insert_all({"campaign": spec.slug, "position": i, "rule": r}
                                  for i, r in enumerate(spec.checks, 1))


# ---- reading campaigns back ---------------------------------------------------------------

def get_campaign(db: Queries, slug: str) -> dict:
    rows = list(db.query("SELECT * FROM campaigns WHERE slug = ?", [slug]))
    if not rows:
        known = [r["slug"] for r in db.query("SELECT slug FROM campaigns ORDER BY slug")]
        raise FoiError(f"No campaign {slug!r}",
                       f"Known campaigns: {', '.join(known)}" if known
                       else "Create one with `foi campaign create FILE`.")
    return rows[0]


def load_spec(campaign: dict) -> CampaignSpec:
    """The campaign file as stored at creation (for [request] texts and the like).
    Read once per text (rendering 500 requests re-parsed it 500 times), so the
    spec is shared: read it, do not change it."""
    return _parse_stored(campaign["source_text"], campaign["slug"])


@functools.lru_cache(maxsize=16)
def _parse_stored(source_text: str, slug: str) -> CampaignSpec:
    return parse_campaign(source_text, source=f"stored campaign {slug}")


def get_questions(db: Queries, slug: str) -> list[dict]:
    rows = list(db.query("SELECT id, position, title, text, kind, labels FROM questions "
                         "WHERE campaign = ? ORDER BY position", [slug]))
    for row in rows:
        row["labels"] = json.loads(row["labels"])
    return rows


def get_periods(db: Queries, slug: str) -> list[str]:
    return [r["period"] for r in db.query("SELECT period FROM periods WHERE campaign = ? ORDER BY position", [slug])]


def list_campaigns(db: Database) -> list[dict]:
    """Every campaign with its request counts."""
    return list(db.query(
        "SELECT c.slug, c.title, c.prefix, c.created_at, count(r.id) AS requests, "
        "sum(r.state = 'draft') AS drafts, sum(r.email IS NULL OR r.email = '') AS no_address "
        "FROM campaigns c LEFT JOIN requests r ON r.campaign = c.slug GROUP BY c.slug ORDER BY c.created_at, c.slug"))


def campaign_slugs(db: Database) -> list[str]:
    """Every campaign's slug, for checking a --campaign filter."""
    return [row["slug"] for row in db.query("SELECT slug FROM campaigns ORDER BY slug")]


def describe_campaign(db: Database, slug: str) -> dict:
    """All `foi campaign show` needs: the campaign, its questions, periods, checks, measures and recipients."""
    campaign = get_campaign(db, slug)
    no_address = list(db.query(
        "SELECT r.body_code AS code, b.name, r.reference, b.foi_email AS register_email FROM requests r "
        "JOIN bodies b ON b.code = r.body_code WHERE r.campaign = ? AND (r.email IS NULL OR r.email = '') "
        "ORDER BY b.name", [slug]))
    states = {r["state"]: r["n"] for r in db.query(
        "SELECT state, count(*) AS n FROM requests WHERE campaign = ? GROUP BY state ORDER BY state", [slug])}
    return {
        "campaign": campaign,
        "questions": get_questions(db, slug),
        "periods": get_periods(db, slug),
        "checks": [r["rule"] for r in db.query("SELECT rule FROM checks WHERE campaign = ? ORDER BY position", [slug])],
        "measures": load_spec(campaign).measures if campaign["source_text"] else [],
        "recipients": sum(states.values()),
        "states": states,
        "no_address": no_address,
    }
