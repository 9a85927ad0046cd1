"""Request states, what each classification moves a request to, and the rules
that stop automatic mail triage from overriding people or going backwards."""

import json

from sqlite_utils import Database

from foi.db import get_row, insert_row, update_row
from foi.errors import FoiError
from foi.vocabulary import TERMINAL_STATES, MessageKind as K, RequestState as S, names

# state -> how conclusive it is; automatic changes never lower it. A request being
# sent ranks with a draft: nothing is known to have reached the council yet.
STATE_RANK: dict[str, int] = {
    S.DRAFT: 0, S.SENDING: 0, S.AWAITING_RESPONSE: 1, S.BOUNCED: 1, S.ACKNOWLEDGED: 2,
    S.AWAITING_CLARIFICATION: 3, S.FEE_REQUESTED: 3, S.EXTENDED: 3, S.INTERNAL_REVIEW: 4,
    S.REFUSED: 5, S.NOT_HELD: 5, S.LINK_ONLY: 5, S.ANSWERED_PARTIAL: 6, S.ANSWERED: 7,
    **{state: 9 for state in TERMINAL_STATES},
}
STATES = tuple(names(S))

# classification -> the state it implies (others leave the state alone).
STATE_FOR_KIND: dict[str, S] = {
    K.BOUNCE: S.BOUNCED, K.ACKNOWLEDGEMENT: S.ACKNOWLEDGED,
    K.CLARIFICATION: S.AWAITING_CLARIFICATION, K.FEE: S.FEE_REQUESTED, K.EXTENSION: S.EXTENDED,
    K.REFUSAL: S.REFUSED, K.NOT_HELD: S.NOT_HELD, K.ANSWER_PARTIAL: S.ANSWERED_PARTIAL,
    K.ANSWER: S.ANSWERED, K.LINK_ONLY: S.LINK_ONLY,
}


def validate_state(state: str) -> str:
    state = state.strip().lower().replace("-", "_")
    if state not in STATE_RANK:
        raise FoiError(f"Unknown state {state!r}", "Use one of: " + ", ".join(STATES) + ".")
    return state


def plan_transition(request: dict, kind: str) -> tuple[str | None, str]:
    """(new state or None, why) for an automatic classification of a reply."""
    target = STATE_FOR_KIND.get(kind)
    current = request["state"]
    if target is None:
        return None, f"{kind} does not change the state"
    if request["state_source"] == "manual":
        return None, f"state {current} was set by hand"
    if target == current:
        return None, f"already {current}"
    if STATE_RANK[target] < STATE_RANK.get(current, 0):
        return None, f"{target} would downgrade {current}"
    return target, f"{current} -> {target}"


def record_event(db: Database, request_id: int | None, kind: str, occurred_on: str,
                 recorded_at: str, details: dict, *, actor: str = "auto",
                 message: int | None = None, outgoing: int | None = None) -> None:
    """Append to the request's history (no commit: the caller owns the transaction)."""
    insert_row(db, "events", {
        "request_id": request_id, "kind": kind, "occurred_on": occurred_on,
        "recorded_at": recorded_at, "actor": actor, "message": message, "outgoing": outgoing,
        "details": json.dumps(details, sort_keys=True),
    })


def save_manual_state(db: Database, request: dict, state: str, note: str | None,
                      today: str, now: str) -> dict:
    """Set a request's state by hand: it then stays until a person changes it again."""
    state = validate_state(state)
    with db.atomic():
        update_row(db, "requests", request["id"], {"state": state, "state_source": "manual",
                                                   "updated_at": now})
        record_event(db, request["id"], "state_set", today, now,
                     {"from": request["state"], "to": state, "note": note}, actor="user")
    return get_row(db, "requests", request["id"])
