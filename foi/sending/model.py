"""What `foi send` works with: the plan (made by plan_send, written nothing), the
report of a run, and the edges a run is given (Sending); and the one way a planned
message becomes bytes (compose_message), shared by sending and `foi preview`."""

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from foi.config import SenderConfig
from foi.errors import FoiError
from foi.letters.render import Rendered
from foi.mail.compose import Envelope, build_message, make_message_id
from foi.mail.transport import SentFolder, Transport


@dataclass(frozen=True)
class PlannedMessage:
    request_id: int
    reference: str
    body_code: str
    body_name: str
    to_addr: str
    rendered: Rendered
    retry: bool = False  # the last attempt was refused; this is a fresh try
    kind: str = "request"  # or a message in the request's thread: reminder, review, clarification
    in_reply_to: str | None = None
    blocked_since: str | None = None  # a thread message is not sent if one went on/after this date


@dataclass(frozen=True)
class Uncertain:
    """A message whose fate is unknown: the run that sent it was interrupted."""

    request_id: int
    reference: str
    body_code: str
    body_name: str
    outgoing: dict


class SkipKind(StrEnum):
    """Why a message is not sent, as a value to act on; Skipped.reason says it in words."""

    ALREADY_SENT = "already sent"
    BEYOND_LIMIT = "beyond --limit"
    NO_ADDRESS = "no FOI address"
    BAD_ADDRESS = "unusable address"
    NOT_NEEDED = "not needed"  # a chaser the request does not call for (answered, not overdue...)
    CHASED_RECENTLY = "chased recently"
    ALREADY_REPLIED = "already replied"
    IN_OUTBOX = "in outbox/, never sent"


@dataclass(frozen=True)
class Skipped:
    reference: str
    body_code: str
    body_name: str
    reason: str
    kind: SkipKind


@dataclass
class SendPlan:
    campaign: str
    messages: list[PlannedMessage] = field(default_factory=list)
    uncertain: list[Uncertain] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    resend_uncertain: bool = False


@dataclass(frozen=True)
class Outcome:
    reference: str
    body_code: str
    body_name: str
    to_addr: str
    status: str  # sent | failed | uncertain | found_in_sent | outbox (written there, not sent)
    detail: str = ""


@dataclass
class SendReport:
    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def having(self, *statuses: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in statuses]


class Pacer:
    """At most `rate` messages a minute (0 = as fast as the server takes them)."""

    def __init__(self, rate: float, *, sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic):
        self.interval = 60.0 / rate if rate > 0 else 0.0
        self.sleep, self.monotonic = sleep, monotonic
        self._next: float | None = None

    def wait(self) -> None:
        if self.interval <= 0:
            return
        current = self.monotonic()
        if self._next is not None and current < self._next:
            self.sleep(self._next - current)
            current = self._next
        self._next = current + self.interval

    def without_pause(self, most: int) -> int:
        """How many messages may go one after another before the next pause."""
        return most if self.interval <= 0 else 1


# Messages queued in one durable commit. After a restart of the machine (not of foi) a
# batch whose turn had not come is uncertain: this bounds how many are looked for in the
# Sent folder, while 500 messages cost about 10 disk flushes rather than 500 (the first
# batches of a run are smaller: foi.sending.handover).
BATCH = 100


@dataclass
class Sending:
    """Everything apply_send needs besides the plan: the edges, injected."""

    transport: Transport
    sender: SenderConfig
    now: Callable[[], dt.datetime]
    sent_folder: SentFolder | None = None
    pacer: Pacer = field(default_factory=lambda: Pacer(0))
    retry_delays: Sequence[float] = (30.0, 120.0, 300.0)
    sleep: Callable[[float], None] = time.sleep
    blob_dir: Path | None = None
    progress: Callable[[Outcome], None] = lambda outcome: None
    delivers: bool = True  # False: the transport is the outbox/ nobody reads; nothing counts as sent
    batch: int = BATCH

    @property
    def from_addr(self) -> str:
        """The sender's address; apply_send refuses to start without one."""
        return sender_address(self.sender)


def sender_address(sender: SenderConfig) -> str:
    if not sender.email:
        raise FoiError("No sender address configured",
                       "Set [sender] email in foi.toml (or FOI_SENDER_EMAIL).")
    return sender.email


def compose_message(message: PlannedMessage, sender: SenderConfig, now: dt.datetime) -> tuple[str, bytes]:
    """The Message-ID and the exact bytes of a planned message, dated `now`: what is
    sent, and what `foi preview` shows (foi.sending.preview)."""
    message_id = make_message_id(message.reference, sender_address(sender))
    envelope = Envelope(from_addr=sender_address(sender), from_name=sender.name, to_addr=message.to_addr,
                        message_id=message_id, date=now, reply_to=sender.reply_to_for(message.reference),
                        in_reply_to=message.in_reply_to)
    return message_id, build_message(message.rendered, envelope)
