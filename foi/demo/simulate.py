"""The simulated weeks: who writes what when, and what we do in return.

`plan_replies` is pure: from the councils and the requests they received it
returns every reply (with its date and the rule it is addressed to match) and
every action of ours (clarifications given), in the order they happen.
"""

import datetime as dt
from dataclasses import dataclass

from foi.clock import LONDON
from foi.demo import replies as r
from foi.demo.councils import PERIODS, Council

ANSWER_FORMATS = {"answer_xlsx": "xlsx", "answer_docx": "docx", "answer_pdf": "pdf",
                  "answer_csv": "csv", "answer_body": "body"}
ROUTES = ("thread", "address_reference", "text_reference", "sender_domain")


@dataclass(frozen=True)
class Action:
    """Something we do during the simulation (a clarification sent to the council)."""
    code: str
    kind: str
    on: dt.date
    note: str


def at(day: dt.date, council: Council, purpose: str) -> dt.datetime:
    """A working-hours moment on `day`, seeded per council."""
    rng = council.rng(f"time:{purpose}")
    return dt.datetime(day.year, day.month, day.day, rng.randint(8, 16), rng.randint(0, 59),
                       rng.randint(0, 59), tzinfo=LONDON)


def working_day(start: dt.date, council: Council, purpose: str, low: int, high: int) -> dt.date:
    """A weekday `low`..`high` calendar days after `start` (seeded)."""
    day = start + dt.timedelta(days=council.rng(f"day:{purpose}").randint(low, high))
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def plan_replies(councils: list[Council], received: dict[str, r.Received], sent_on: dt.date,
                 originals: dict[str, bytes]) -> tuple[list[r.Reply], list[Action]]:
    replies: list[r.Reply] = []
    actions: list[Action] = []
    for council in councils:
        if council.code not in received:
            continue
        got = received[council.code]
        more, ours = _council_replies(council, got, sent_on, originals[council.code])
        replies += more
        actions += ours
    replies.sort(key=lambda reply: (reply.date, reply.code))
    return replies, actions


def _route(council: Council, purpose: str) -> str:
    return council.rng(f"route:{purpose}").choice(ROUTES)


def _council_replies(council: Council, got: r.Received, sent_on: dt.date,
                     original: bytes) -> tuple[list[r.Reply], list[Action]]:
    behaviour = council.behaviour
    out: list[r.Reply] = []
    actions: list[Action] = []

    def send(kind: str, letter: r.Letter, day: dt.date, rule: str, from_addr: str | None = None):
        when = at(day, council, kind)
        raw = r.compose(council, got, letter, when, rule, from_addr)
        attachment = letter.attachments[0][0] if letter.attachments else None
        out.append(r.Reply(council.code, kind, rule, when, raw, attachment=attachment))

    def day(purpose: str, low: int, high: int, start: dt.date = sent_on) -> dt.date:
        return working_day(start, council, purpose, low, high)

    if behaviour == "bounce":
        when = at(sent_on, council, "bounce")
        out.append(r.Reply(council.code, "bounce", "thread", when, r.bounce(got, when, original)))
    elif behaviour == "out_of_office":
        send("auto_reply", r.out_of_office(council, got), sent_on, "thread",
             r.address(council, "j.harris"))
    elif behaviour in ANSWER_FORMATS:
        send("answer", r.answer(council, got, ANSWER_FORMATS[behaviour]), day("answer", 8, 45),
             _route(council, "answer"))
    elif behaviour == "answer_disagrees":
        said = council.figures["closed_no_early_help"][PERIODS[-1]] + council.rng("disagree").randint(3, 12)
        intro = (f"Please find attached our response. In {PERIODS[-1]}, {said:,} assessments were closed with "
                 "no further action and no referral to early help.")
        send("answer", r.answer(council, got, "csv", intro=intro), day("answer", 10, 40),
             _route(council, "answer"))
    elif behaviour == "answer_small_numbers":
        intro = ("Please find attached the information you requested. Figures fewer than 5 are "
                 "shown as <5 and withheld under section 40(2), as they could identify children.")
        send("answer", r.answer(council, got, "xlsx", intro=intro, small=True), day("answer", 10, 40),
             _route(council, "answer"))
    elif behaviour == "partial_s12":
        intro = ("Please find attached our response to questions 1 and 2.\n\nQuestion 3: we estimate "
                 "that answering this part would exceed the appropriate limit of £450, so it is "
                 "refused under section 12 of the Act.")
        send("answer_partial", r.answer(council, got, "xlsx", intro=intro,
                                        questions=("closed_no_early_help", "step_down")),
             day("answer", 14, 40), _route(council, "answer"))
    elif behaviour in ("ack_then_answer", "ack_only"):
        send("acknowledgement", r.acknowledgement(council), day("ack", 1, 3), "address_reference",
             f"noreply-{council.code.lower()}@{r.CASEWORK_DOMAIN}")
        if behaviour == "ack_then_answer":
            ref = r.their_reference(council)
            fmt = council.rng("format").choice(["xlsx", "docx", "csv"])
            send("answer", r.answer(council, got, fmt, subject=f"{ref} - Response to your request",
                                    intro=f"Your request, our reference {ref}: please find attached "
                                          "our response."),
                 day("answer", 15, 40), "their_reference")
    elif behaviour in ("refused_s12", "refused_s40", "not_held"):
        writer = {"refused_s12": r.refusal_s12, "refused_s40": r.refusal_s40,
                  "not_held": r.not_held}[behaviour]
        send(behaviour.split("_")[0], writer(council, got), day("refusal", 10, 30),
             _route(council, "refusal"))
    elif behaviour in ("clarified_then_answer", "clarification_pending"):
        late = behaviour == "clarification_pending"
        asked = day("clarification", 35, 40) if late else day("clarification", 3, 8)
        send("clarification", r.clarification(council, got), asked, "thread")
        given = working_day(asked, council, "given", 1, 3)
        actions.append(Action(council.code, "clarification_given", given,
                              "Only step-down referrals made when the assessment closed."))
        if not late:
            send("answer", r.answer(council, got, "xlsx"), working_day(given, council, "after", 14, 25),
                 "thread")
    elif behaviour in ("extended_then_answer", "extended_pending"):
        pending = behaviour == "extended_pending"
        until = dt.date(2026, 6, 5) if pending else dt.date(2026, 4, 24)
        send("extension", r.extension(council, got, until), day("extension", 22, 26), "thread")
        if not pending:
            send("answer", r.answer(council, got, "pdf"), until - dt.timedelta(days=1), "thread")
    return out, actions
