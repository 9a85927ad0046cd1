"""Chasing: reminders to late councils, internal review requests for refusals and
gaps, and ICO complaint drafts when a review is late or upholds a refusal.

plan_chase() decides from the database alone, writing nothing (that is --dry-run);
apply_chase() sends the emailed stages through the exactly-once machinery of
foi.sending.send (each chaser an `outgoing` row, in the request's thread) and writes
ICO complaints to files: the ICO takes complaints on its web form, not by email.
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from foi.campaign.campaigns import get_periods, get_questions, sending_address
from foi.clock import iso, long_date
from foi.errors import FoiError
from foi.letters.drafts import GenerateResult, check_format, draft_problem, write_draft
from foi.letters.render import Rendered, Sender, prepare
from foi.letters.word import build_letter
from foi.mail.compose import make_message_id
from foi.output import plural
from foi.safetext import one_line, plain_text
from foi.sending import outgoing
from foi.sending.send import PlannedMessage, Sending, SendPlan, SendReport, SkipKind, Skipped, Uncertain, apply_send
from foi.sending.thread import cited_sections, has_values, questions_to_confirm, thread_parent, unanswered_questions
from foi.tracking.status import StatusRow, campaign_calendar, status_rows
from foi.tracking.workdays import Calendar
from foi.vocabulary import (
    CHASE_KINDS,
    COMPLAINABLE_STATES,
    EMAILED_CHASE_KINDS,
    NEVER_CHASED_STATES,
    REVIEWABLE_STATES,
    RequestState,
    names,
)

STAGES = tuple(names(CHASE_KINDS))
# What an internal review that left the request in this state upheld: one for each of
# COMPLAINABLE_STATES (tests/test_chase_choice.py holds them equal).
UPHELD: dict[str, str] = {RequestState.REFUSED: "the refusal", RequestState.ANSWERED_PARTIAL: "the partial answer",
                          RequestState.NOT_HELD: "the answer that the information is not held"}
REVIEW_WINDOW_DAYS = 40  # working days after the response in which a review may be asked for


@dataclass(frozen=True)
class IcoDraft:
    request_id: int
    reference: str
    body_code: str
    body_name: str
    rendered: Rendered
    context: dict
    stem: Path  # ico/<slug>/<reference>: .txt and .docx are written beside it


@dataclass
class ChasePlan:
    campaign: str
    stage: str
    send: SendPlan
    drafts: list[IcoDraft] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # reference -> why it is chased

    @property
    def skipped(self) -> list[Skipped]:
        return self.send.skipped


@dataclass
class ChaseReport:
    sent: SendReport | None = None
    written: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class _Setting:
    db: Database
    slug: str
    stage: str
    today: dt.date
    sender: Sender
    calendar: Calendar
    questions: list[dict]
    periods: list[str]
    min_gap: int


@dataclass(frozen=True)
class Chaser:
    """A request the stage calls for: why, and its words. `request["email"]` is where it
    would go (None: no address known)."""

    request_id: int
    reference: str
    body_code: str
    body_name: str
    why: str
    request: dict
    rendered: Rendered
    context: dict


@dataclass
class ChaseSelection:
    chosen: list[Chaser] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    uncertain: list[Uncertain] = field(default_factory=list)  # an earlier chaser's fate unknown


def select_chasers(db: Database, slug: str, stage: str, *, today: dt.date, sender: Sender,
                   min_gap: int = 10, bodies: Sequence[str] = ()) -> ChaseSelection:
    """The requests `stage` calls for, each with its words, and every other request with
    the reason it is left out: the one choice behind `foi chase` and `foi generate --kind`."""
    if stage not in STAGES:
        raise FoiError(f"Unknown stage {stage!r}; use one of {', '.join(STAGES)}")
    wanted = [b.upper() for b in bodies]
    rows = status_rows(db, slug, today, body_codes=wanted or None)
    if missing := sorted(set(wanted) - {row.body_code for row in rows}):
        raise FoiError(f"No request in campaign {slug} for: {', '.join(missing)}",
                       "Use the body codes shown by `foi status`.")
    setting = _Setting(db, slug, stage, today, sender, campaign_calendar(db), get_questions(db, slug),
                       get_periods(db, slug), min_gap)
    selection = ChaseSelection()
    for row in rows:
        _select_one(setting, selection, row)
    return selection


def plan_chase(db: Database, slug: str, stage: str, *, today: dt.date, sender: Sender,
               min_gap: int = 10, bodies: Sequence[str] = (), folder: Path = Path(".")) -> ChasePlan:
    """What `foi chase` would do, from the database alone. Writes nothing.
    `folder` is where the ICO drafts go (ico/<slug>/ under it)."""
    selection = select_chasers(db, slug, stage, today=today, sender=sender, min_gap=min_gap, bodies=bodies)
    plan = ChasePlan(slug, stage, SendPlan(campaign=slug, uncertain=selection.uncertain,
                                           skipped=selection.skipped))
    since = (today - dt.timedelta(days=min_gap - 1)).isoformat() if min_gap > 0 else None
    for chaser in selection.chosen:
        names = (chaser.reference, chaser.body_code, chaser.body_name)
        if stage == "ico":
            stem = Path(folder) / "ico" / slug / chaser.reference
            plan.drafts.append(IcoDraft(chaser.request_id, *names, rendered=chaser.rendered,
                                        context=chaser.context, stem=stem))
        elif not chaser.request["email"]:
            plan.send.skipped.append(Skipped(*names, _no_address(slug, stage, chaser.body_code),
                                             SkipKind.NO_ADDRESS))
            continue
        else:
            parent, _ = thread_parent(db, chaser.request_id)
            plan.send.messages.append(PlannedMessage(
                chaser.request_id, *names, to_addr=chaser.request["email"], rendered=chaser.rendered, kind=stage,
                in_reply_to=parent, blocked_since=since))
        plan.reasons[chaser.reference] = chaser.why
    return plan


def generate_chasers(db: Database, slug: str, out: Path, *, stage: str, fmt: str = "eml",
                     codes: Sequence[str] = (), sender: Sender, now: dt.datetime, min_gap: int = 10,
                     dry_run: bool = False) -> GenerateResult:
    """`foi generate --kind reminder|review|ico`: a file for each request `foi chase` would
    chase (select_chasers), in the words it would send; every other request is skipped
    with the reason chase gives."""
    check_format(fmt)
    selection = select_chasers(db, slug, stage, today=now.date(), sender=sender, min_gap=min_gap, bodies=codes)
    result = GenerateResult(skipped=[(item.body_code, item.reason) for item in selection.skipped])
    result.skipped += [(item.body_code, f"its last {stage} may have been sent already (the run sending it was "
                                        f"interrupted): `foi chase {slug} --stage {stage}` settles that first")
                       for item in selection.uncertain]
    for chaser in selection.chosen:
        if problem := draft_problem(chaser.request, fmt):
            result.skipped.append((chaser.body_code, f"{stage} due, but {problem}"))
            continue
        result.written.append(write_draft(out, chaser.request, chaser.rendered, chaser.context, fmt=fmt,
                                          kind=stage, sender=sender, now=now, dry_run=dry_run))
    return result


def _no_address(slug: str, stage: str, code: str) -> str:
    return (f"{stage} due, but no email address for this council: set one with "
            f"`foi councils set-email {code} ADDRESS` and chase again, or post a letter "
            f"(`foi generate {slug} --kind {stage} --format docx --body {code}`)")


def _select_one(s: _Setting, selection: ChaseSelection, row: StatusRow) -> None:
    names = (row.reference, row.body_code, row.body_name)
    latest = outgoing.latest_outgoing(s.db, row.request_id, EMAILED_CHASE_KINDS)
    if s.stage != "ico" and outgoing.in_flight(latest):
        selection.uncertain.append(Uncertain(row.request_id, *names, outgoing=latest))
        return
    why, extra = _eligible(s, row)
    if extra is None:
        selection.skipped.append(Skipped(*names, why, SkipKind.NOT_NEEDED))
        return
    if s.stage != "ico" and row.last_chase_on and \
            (s.today - dt.date.fromisoformat(row.last_chase_on)).days < s.min_gap:
        selection.skipped.append(Skipped(*names, f"chased on {row.last_chase_on}, within "
                                                 f"--min-gap {plural(s.min_gap, 'day')}", SkipKind.CHASED_RECENTLY))
        return
    request = s.db.table("requests").get(row.request_id)
    register_email = s.db.table("bodies").get(row.body_code)["foi_email"]
    request = {**request, "email": sending_address(request, register_email),
               "due_date": str(row.deadline.due) if row.deadline and row.deadline.due else None}
    rendered, context = prepare(s.db, request, s.stage, extra, sender=s.sender, today=s.today)
    selection.chosen.append(Chaser(row.request_id, *names, why=why, request=request, rendered=rendered,
                                   context=context))


def _eligible(s: _Setting, row: StatusRow) -> tuple[str, dict | None]:
    """(why chased, the template's extra values) or (why not, None)."""
    if row.deadline is None:
        return f"not sent yet (state {row.state})", None
    if row.state in NEVER_CHASED_STATES:
        return f"{row.state}: never chased", None
    return {"reminder": _reminder, "review": _review, "ico": _ico}[s.stage](s, row)


def _reminder(s: _Setting, row: StatusRow) -> tuple[str, dict | None]:
    assert row.deadline is not None  # _eligible answered for a request never sent
    if row.state == RequestState.BOUNCED:
        return ("bounced: the request never reached the council, so there is nothing to remind it of; "
                "send it again to a working address or by its web form, then record that with "
                f"`foi mark-sent {s.slug} {row.body_code} --via ... --on DATE --force`"), None
    if not row.waiting:
        return f"state {row.state}: a reply has come", None
    if not row.overdue:
        return f"not overdue (due {row.deadline.due or 'when the clock restarts'})", None
    unanswered = unanswered_questions(s.db, row.request_id, s.questions, s.periods)
    return (f"{plural(row.days_overdue, 'working day')} overdue",
            {"their_reference": row.their_reference, "days_overdue": row.days_overdue,
             "unanswered": unanswered, "open_periods": open_periods(unanswered, s.periods)})


def open_periods(unanswered: list[dict], periods: list[str]) -> list[str]:
    """The periods still awaited for some question, in the campaign's order: never a
    period added to the campaign after this request was sent."""
    waiting = {p for q in unanswered for p in q["periods"]}
    return [p for p in periods if p in waiting]


def _review(s: _Setting, row: StatusRow) -> tuple[str, dict | None]:
    d = row.deadline
    assert d is not None  # _eligible answered for a request never sent
    if row.state == RequestState.INTERNAL_REVIEW or d.review_requested_on:
        return f"internal review already requested ({d.review_requested_on or 'by hand'})", None
    if d.responded_on is None:
        return "no response yet: send a reminder instead", None
    since = s.calendar.working_days_between(d.responded_on, s.today)
    if since > REVIEW_WINDOW_DAYS:
        return (f"responded {d.responded_on}, {plural(since, 'working day')} ago: past the "
                f"{REVIEW_WINDOW_DAYS}-day window for a review"), None
    extracted = has_values(s.db, row.request_id)
    unanswered = unanswered_questions(s.db, row.request_id, s.questions, s.periods,
                                      missing_counts=extracted or row.state == "refused")
    to_confirm = questions_to_confirm(s.db, row.request_id, s.questions, s.periods)
    if row.state not in REVIEWABLE_STATES and not unanswered:
        if not extracted:
            return f"state {row.state}; no figures extracted yet (run `foi extract`)", None
        if to_confirm:
            return (f"state {row.state}: nothing unanswered; {plural(len(to_confirm), 'question')} to be confirmed "
                    "in `foi review`"), None
        return f"state {row.state}: every question answered", None
    why = f"{row.state.replace('_', ' ')} on {d.responded_on}"
    return why, {"their_reference": row.their_reference, **refusal_grounds(cited_sections(s.db, row.request_id)),
                 "unanswered": unanswered, "to_confirm": to_confirm, "response_on": long_date(d.responded_on),
                 "review_grounds": _gaps_by_period(unanswered, s.periods)}


COST_LIMIT = re.compile(r"section 12(?:\(\d\))?")
VEXATIOUS = re.compile(r"section 14(?:\(\d\))?")
PERSONAL_DATA = re.compile(r"(?:section 40|regulation 13)\b")


def refusal_grounds(sections: list[str]) -> dict:
    """The letters' view of the sections cited: `exemptions` (neither the cost limit, s.12,
    nor a vexatious or repeated request, s.14, is one), `cost_limit` (s.12 cited),
    `vexatious` (s.14 cited) and `small_numbers` (personal data cited, s.40 or EIR reg.13:
    figures withheld as small enough to identify someone, which "<5" answers)."""
    cost = [name for name in sections if COST_LIMIT.fullmatch(name)]
    vexatious = [name for name in sections if VEXATIOUS.fullmatch(name)]
    return {"exemptions": [name for name in sections if name not in cost + vexatious], "cost_limit": bool(cost),
            "vexatious": bool(vexatious), "small_numbers": any(PERSONAL_DATA.match(name) for name in sections)}


def _gaps_by_period(unanswered: list[dict], periods: list[str]) -> str:
    """Name the periods where only some were left out, so the review knows what is open."""
    lines = [f"For question {q['number']}, nothing was given for {_and(q['periods'])}."
             for q in unanswered if q["periods"] != periods]
    return "\n".join(lines)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _ico(s: _Setting, row: StatusRow) -> tuple[str, dict | None]:
    d = row.deadline
    assert d is not None  # _eligible answered for a request never sent
    if d.review_requested_on is None:
        return "no internal review requested yet (`foi chase --stage review`)", None
    if d.review_days_overdue > 0:
        why = f"the internal review is {plural(d.review_days_overdue, 'working day')} overdue (due {d.review_due})"
    elif d.review_responded_on and row.state in COMPLAINABLE_STATES:
        why = f"the internal review of {d.review_responded_on} upheld {UPHELD[row.state]}"
    elif d.review_responded_on:
        return f"internal review answered {d.review_responded_on} (state {row.state})", None
    else:
        return f"internal review due {d.review_due}: not late yet", None
    if s.db["outgoing"].count_where("request_id = ? AND kind = 'ico'", [row.request_id]):
        return "complaint draft already written", None
    late = s.calendar.working_days_between(d.due, d.responded_on) if d.due and d.responded_on else 0
    return why, {"their_reference": row.their_reference, **refusal_grounds(cited_sections(s.db, row.request_id)),
                 "unanswered": unanswered_questions(s.db, row.request_id, s.questions, s.periods,
                                                    missing_counts=has_values(s.db, row.request_id)),
                 "to_confirm": questions_to_confirm(s.db, row.request_id, s.questions, s.periods),
                 "response_on": long_date(d.responded_on), "days_overdue": max(late, 0),
                 "review_requested_on": long_date(d.review_requested_on),
                 "complaint_details": _complaint_details(s.db, row, why)}


def _complaint_details(db: Database, row: StatusRow, why: str) -> str:
    """The grounds, the whole timeline, and every message with its references."""
    lines = [f"Grounds: {why}.", "", "Timeline (day 0 is the day the request was received):"]
    lines += [f"  {line}" for line in (row.deadline.narrative if row.deadline else [])]
    lines += ["", "Correspondence (copies available):"]
    lines += [f"  {line}" for line in correspondence(db, row.request_id)]
    return "\n".join(lines)


def correspondence(db: Database, request_id: int) -> list[str]:
    """Each message of the thread, oldest first: date, direction, subject, Message-ID."""
    items = [(r["sent_at"], f"{r['sent_at'][:10]}  we sent ({r['kind']}): {r['subject']}  {r['message_id']}")
             for r in db.query("SELECT * FROM outgoing WHERE request_id = ? AND state = 'sent'", [request_id])]
    for r in db.query("SELECT * FROM messages WHERE request_id = ?", [request_id]):
        moment = r["date"] or r["received_at"] or r["stored_at"]
        ref = f" (their ref {one_line(r['their_reference'])})" if one_line(r["their_reference"]) else ""
        items.append((moment, f"{moment[:10]}  they sent ({r['classification'] or 'unclassified'}){ref}: "
                              f"{one_line(r['subject'])}  {one_line(r['message_id'])}".rstrip()))
    return [text for _, text in sorted(items, key=lambda item: _utc(item[0]))]


def _utc(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def apply_chase(db: Database, plan: ChasePlan, how: Sending | None, *, now: dt.datetime) -> ChaseReport:
    """Send the planned chasers (exactly once each) or write the ICO drafts."""
    report = ChaseReport()
    if plan.stage == "ico":
        for draft in plan.drafts:
            report.written += save_ico_draft(db, draft, now=now)
        return report
    if plan.send.messages or plan.send.uncertain:
        if how is None:
            raise FoiError("Nothing configured to send with")
        report.sent = apply_send(db, plan.send, how)
    return report


def save_ico_draft(db: Database, draft: IcoDraft, *, now: dt.datetime) -> list[Path]:
    """Write <reference>.txt and .docx, and record the draft as an `outgoing`
    row (state draft: it is submitted by hand on the ICO's web form)."""
    draft.stem.parent.mkdir(parents=True, exist_ok=True)
    text_path, docx_path = draft.stem.with_suffix(".txt"), draft.stem.with_suffix(".docx")
    text_path.write_text(f"Subject: {one_line(draft.rendered.subject)}\n\n{plain_text(draft.rendered.body)}",
                         encoding="utf-8")
    docx_path.write_bytes(build_letter(draft.rendered, draft.context, created=now))
    sender = draft.context["sender"]["email"] or "foi.invalid"
    with db.atomic():
        outgoing_id = db.table("outgoing").insert({
            "request_id": draft.request_id, "kind": "ico", "message_id": make_message_id(draft.reference, sender),
            "state": "draft", "transport": "file", "to_addr": None, "subject": draft.rendered.subject,
            "attempts": 0, "created_at": iso(now)}).last_pk
        assert outgoing_id is not None  # set by the insert
        outgoing.add_event(db, db.table("outgoing").get(outgoing_id), "ico_draft_written", now, now,
                        {"files": [str(text_path), str(docx_path)]})
    return [text_path, docx_path]


def describe(plan: ChasePlan) -> dict:
    """A JSON-friendly summary (for --json and tests)."""
    return {"stage": plan.stage,
            "messages": [{"reference": m.reference, "to": m.to_addr, "in_reply_to": m.in_reply_to,
                          "subject": m.rendered.subject} for m in plan.send.messages],
            "drafts": [str(d.stem) for d in plan.drafts],
            "skipped": [{"reference": k.reference, "reason": k.reason} for k in plan.skipped]}

