"""The names `foi` writes into its database, each defined once.

Request states, outgoing message states and kinds, the classification of a
received message, the kinds of event in a request's history and the status of
an extracted value. The database refuses any other name (migration
0004_vocabulary_checks); tests/test_vocabulary.py keeps the two in step.

Each subset below says why it differs from its neighbours: when a new state
or kind is added, decide here which subsets it belongs to.
"""

import enum
from collections.abc import Iterable


class RequestState(enum.StrEnum):
    """requests.state: where a request stands (README, "Request states")."""

    DRAFT = "draft"
    SENDING = "sending"
    AWAITING_RESPONSE = "awaiting_response"
    BOUNCED = "bounced"
    ACKNOWLEDGED = "acknowledged"
    AWAITING_CLARIFICATION = "awaiting_clarification"
    FEE_REQUESTED = "fee_requested"
    EXTENDED = "extended"
    INTERNAL_REVIEW = "internal_review"
    REFUSED = "refused"
    NOT_HELD = "not_held"
    LINK_ONLY = "link_only"
    ANSWERED_PARTIAL = "answered_partial"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"
    FAILED = "failed"


S = RequestState

# Never handed to a server, or refused by it for good: (re)sending cannot send twice.
SENDABLE_STATES = frozenset({S.DRAFT, S.FAILED})

# Sent and no substantive reply yet: the statutory clock runs, so these can be overdue
# and reminded. An acknowledgement is not a reply; a clarification or fees notice
# stops the clock, but the request is still waiting.
WAITING_STATES = frozenset({S.AWAITING_RESPONSE, S.ACKNOWLEDGED, S.EXTENDED,
                            S.AWAITING_CLARIFICATION, S.FEE_REQUESTED})

# Mail from the council is expected: WAITING_STATES plus a review in progress and a
# bounce (the council often answers from another address after one). Matching by
# sender or domain only considers these.
OPEN_STATES = WAITING_STATES | {S.INTERNAL_REVIEW, S.BOUNCED}

# A response that withheld something: an internal review may be asked for.
REVIEWABLE_STATES = frozenset({S.REFUSED, S.ANSWERED_PARTIAL})

# Still withholding something after an internal review: grounds for an ICO complaint.
# Unlike REVIEWABLE_STATES it includes not_held, which a review usually confirms.
COMPLAINABLE_STATES = REVIEWABLE_STATES | {S.NOT_HELD}

# Nothing left to ask for: never chased at any stage.
NEVER_CHASED_STATES = frozenset({S.ANSWERED, S.WITHDRAWN})

# Ended by a person or by a permanent failure: no automatic change leaves them.
TERMINAL_STATES = frozenset({S.WITHDRAWN, S.FAILED})
# What a person may set by hand (foi set-state): every state but 'sending', which only
# foi send sets while a message is in flight (set by hand, it would block resending).
SETTABLE_STATES = frozenset(set(S) - {S.SENDING})


class OutgoingState(enum.StrEnum):
    """outgoing.state: draft -> sending -> sent | failed | uncertain."""

    DRAFT = "draft"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"


# Handed over (or possibly handed over) to a server: another copy must not be sent.
IN_FLIGHT_OUTGOING = frozenset({OutgoingState.SENDING, OutgoingState.UNCERTAIN})


class OutgoingKind(enum.StrEnum):
    """outgoing.kind: what we send (or write, for an ICO complaint)."""

    REQUEST = "request"
    REMINDER = "reminder"
    REVIEW = "review"
    ICO = "ico"
    CLARIFICATION = "clarification"
    REPLY = "reply"


# The stages of `foi chase`, counted as chases in `foi status`.
CHASE_KINDS = (OutgoingKind.REMINDER, OutgoingKind.REVIEW, OutgoingKind.ICO)

# The chases that go by email (an ICO complaint is a file for the ICO's web form).
EMAILED_CHASE_KINDS = (OutgoingKind.REMINDER, OutgoingKind.REVIEW)


class MessageKind(enum.StrEnum):
    """messages.classification: what a received message says (foi.triage.classify)."""

    BOUNCE = "bounce"
    DELIVERY_DELAYED = "delivery_delayed"
    AUTO_REPLY = "auto_reply"
    ACKNOWLEDGEMENT = "acknowledgement"
    CLARIFICATION = "clarification"
    FEE = "fee"
    EXTENSION = "extension"
    REFUSAL = "refusal"
    NOT_HELD = "not_held"
    ANSWER_PARTIAL = "answer_partial"
    ANSWER = "answer"
    LINK_ONLY = "link_only"
    UNCLASSIFIED = "unclassified"


K = MessageKind

# Written by a machine, not by the council's staff: never replied to in a thread.
MACHINE_MADE = frozenset({K.BOUNCE, K.DELIVERY_DELAYED, K.AUTO_REPLY})

# Not the council responding (first_response_at stays empty): MACHINE_MADE, and what
# triage could not read, which a person has yet to look at.
NOT_A_RESPONSE = MACHINE_MADE | {K.UNCLASSIFIED}

# Never carry figures: extraction skips them. Unlike NOT_A_RESPONSE this includes the
# council's procedural replies, which keep the request open: a "section 1(3)" or
# "s.10(3)" in them is not a refusal, and their figures are our own question's periods.
NOT_ANSWERS = frozenset({K.ACKNOWLEDGEMENT, K.AUTO_REPLY, K.BOUNCE, K.DELIVERY_DELAYED,
                         K.CLARIFICATION, K.EXTENSION, K.FEE})

# The council's substantive response: the request's clock stops for good.
RESPONSE_KINDS = frozenset({K.REFUSAL, K.NOT_HELD, K.ANSWER_PARTIAL, K.ANSWER, K.LINK_ONLY})

# Refusing something, in whole or in part: the sections cited are worth keeping.
REFUSING_KINDS = frozenset({K.REFUSAL, K.ANSWER_PARTIAL, K.NOT_HELD})


class ClockEvent(enum.StrEnum):
    """What moves a request's statutory clock (foi.tracking.deadlines)."""

    CLARIFICATION_REQUESTED = "clarification_requested"
    CLARIFICATION_GIVEN = "clarification_given"
    FEE_NOTICE = "fee_notice"
    FEE_PAID = "fee_paid"
    EXTENSION = "extension"
    RESPONSE = "response"
    REVIEW_REQUESTED = "review_requested"
    REVIEW_ANSWERED = "review_answered"


class EventKind(enum.StrEnum):
    """events.kind: one line of a request's history."""

    CREATED = "created"
    # the request and what follows it in the thread, as sent or tried
    SENT = "sent"
    REMINDER_SENT = "reminder_sent"
    REVIEW_SENT = "review_sent"
    CLARIFICATION_SENT = "clarification_sent"
    REPLY_SENT = "reply_sent"
    SEND_FAILED = "send_failed"
    SEND_UNCERTAIN = "send_uncertain"
    ICO_DRAFT_WRITTEN = "ico_draft_written"
    # received mail (details.classification) and what people decide
    STATE_CHANGED = "state_changed"
    MESSAGE_CLASSIFIED = "message_classified"
    MESSAGE_ASSIGNED = "message_assigned"
    STATE_SET = "state_set"
    # the clock events, when recorded as such (see RECORDED_CLOCK_EVENTS)
    CLARIFICATION_REQUESTED = "clarification_requested"
    CLARIFICATION_GIVEN = "clarification_given"
    FEE_NOTICE = "fee_notice"
    FEE_PAID = "fee_paid"
    EXTENSION = "extension"
    RESPONSE = "response"
    REVIEW_REQUESTED = "review_requested"
    REVIEW_ANSWERED = "review_answered"


# Events that record a received message's classification in details.classification;
# the clock reads them through the classification, the latest per message.
TRIAGE_EVENTS = (EventKind.STATE_CHANGED, EventKind.MESSAGE_CLASSIFIED)

# Clock events read from the history as such. Ours (clarification given, fee paid,
# review requested or answered) are only ever recorded this way; the council's
# (clarification requested, fees notice, extension, response) arrive as classified
# mail (TRIAGE_EVENTS); the history accepts them as such too, for a case whose
# letters did not come through triage.
RECORDED_CLOCK_EVENTS = tuple(EventKind(kind.value) for kind in ClockEvent)


class ValueStatus(enum.StrEnum):
    """answer_values.status, and the dataset's status column."""

    ANSWERED = "answered"
    SUPPRESSED = "suppressed"
    NOT_HELD = "not_held"
    REFUSED = "refused"
    NEEDS_REVIEW = "needs_review"
    MISSING = "missing"
    NOT_ASKED = "not_asked"


# The council answered without a figure: the question stays open for a review.
WITHHELD_VALUE_STATUSES = frozenset({ValueStatus.REFUSED, ValueStatus.NOT_HELD})
# The council gave the figure (or its bounds, for a small number withheld).
GIVEN_VALUE_STATUSES = frozenset({ValueStatus.ANSWERED, ValueStatus.SUPPRESSED})
# Sure enough to feed the report, the checks and the letters (needs_review never is).
SETTLED_VALUE_STATUSES = GIVEN_VALUE_STATUSES | WITHHELD_VALUE_STATUSES

# Written to answer_values. MISSING and NOT_ASKED never are: the dataset view shows them
# where no value is in force (NOT_ASKED where the request went out before the question or
# period was added to the campaign, so the council was never asked it).
UNSTORED_VALUE_STATUSES = frozenset({ValueStatus.MISSING, ValueStatus.NOT_ASKED})
STORED_VALUE_STATUSES = frozenset(set(ValueStatus) - UNSTORED_VALUE_STATUSES)


def names(members: "Iterable[enum.StrEnum]") -> list[str]:
    """The plain strings in the order their enum defines them (sets have no order of
    their own): for SQL parameters and for messages listing the choices."""
    chosen = list(members)
    if not chosen:
        return []
    return [member.value for member in type(chosen[0]) if member in chosen]
