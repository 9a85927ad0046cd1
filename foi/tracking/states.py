"""Request states, what each classification moves a request to, and the rules
that stop automatic mail triage from overriding people or going backwards."""

import json

from sqlite_utils import Database

from foi.db import get_row, insert_row, update_row
from foi.errors import FoiError

# state -> how conclusive it is; automatic changes never lower it.
STATE_RANK = {
    "draft": 0, "awaiting_response": 1, "bounced": 1, "acknowledged": 2,
    "awaiting_clarification": 3, "fee_requested": 3, "extended": 3, "internal_review": 4,
    "refused": 5, "not_held": 5, "link_only": 5, "answered_partial": 6, "answered": 7,
    "withdrawn": 9, "failed": 9,
}
STATES = tuple(STATE_RANK)

# classification -> the state it implies (others leave the state alone).
STATE_FOR_KIND = {
    "bounce": "bounced", "acknowledgement": "acknowledged",
    "clarification": "awaiting_clarification", "fee": "fee_requested", "extension": "extended",
    "refusal": "refused", "not_held": "not_held", "answer_partial": "answered_partial",
    "answer": "answered", "link_only": "link_only",
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
