"""`foi preview`: one message exactly as `foi send` or `foi chase` would send it now.

Nothing here builds a message of its own. The message is the one the real command
plans (plan_send, or plan_chase with its days overdue, unanswered questions and
thread) and its bytes are the ones it would send (compose_message: the same From,
To, Reply-To, Subject, Date and In-Reply-To), read back for a person: headers
decoded, the text as it will arrive. Only the Message-ID is left out: it is made
at the moment of sending. Writes nothing.
"""

import datetime as dt
import email
import email.policy
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from sqlite_utils import Database

from foi.clock import london_date
from foi.config import Config, SenderConfig
from foi.errors import FoiError
from foi.letters.render import renderer_for, sender_from_config
from foi.register.councils import find_body
from foi.safetext import one_line, plain_text
from foi.sending.chasing import plan_chase
from foi.sending.send import PlannedMessage, SendPlan, SkipKind, compose_message, plan_send, sender_for

# Headers that say how the text is encoded, not what the council sees, and the
# Message-ID, which is made when the message is sent.
NOT_SHOWN = ("content-type", "content-transfer-encoding", "mime-version", "message-id")
ICO_FORM = "https://ico.org.uk/make-a-complaint/"


@dataclass(frozen=True)
class Preview:
    headers: list[tuple[str, str]]
    body: str
    notes: list[str] = field(default_factory=list)  # for the person reading, not part of the message

    @property
    def text(self) -> str:
        return "".join(f"{name}: {value}\n" for name, value in self.headers) + "\n" + self.body


def preview_message(db: Database, slug: str, body: str, *, kind: str, config: Config, now: dt.datetime,
                    folder: Path) -> Preview:
    """The message of `kind` to `body` that the real command would send at `now`.
    A message it would not send is an error saying why (as its dry run does).
    `folder` is where `foi chase --stage ico` writes complaints."""
    code = find_body(db, body)["code"]
    sender = sender_from_config(config)
    if kind == "request":
        plan = plan_send(db, slug, renderer_for(db, slug, sender), bodies=[code])
        return _message(plan, "foi send", sender_for(config), now)
    chase = plan_chase(db, slug, kind, today=london_date(now), sender=sender, bodies=[code], folder=folder)
    if kind != "ico":
        return _message(chase.send, f"foi chase --stage {kind}", sender_for(config), now)
    if not chase.drafts:
        _refuse(chase.send, "foi chase --stage ico")
    [draft] = chase.drafts
    return Preview([("Subject", one_line(draft.rendered.subject))], plain_text(draft.rendered.body),
                   [f"A complaint goes on the ICO's web form ({ICO_FORM}), not by email: "
                    f"`foi chase {slug} --stage ico` writes this text to {draft.stem}.txt (and .docx)."])


def _message(plan: SendPlan, command: str, sender: SenderConfig, now: dt.datetime) -> Preview:
    if not plan.messages:
        _refuse(plan, command)
    [message] = plan.messages
    return read_back(message, sender, now)


def read_back(message: PlannedMessage, sender: SenderConfig, now: dt.datetime) -> Preview:
    """The bytes compose_message makes for `message`, as the council's mail program shows them."""
    _, raw = compose_message(message, sender, now)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    headers = [(name, str(value)) for name, value in parsed.items() if name.lower() not in NOT_SHOWN]
    text = parsed.get_body(preferencelist=("plain",))
    assert text is not None  # compose_message always writes a text part
    notes = [f"Attachment: {part.get_filename()}" for part in parsed.iter_attachments()]
    notes.append("Date is the moment of sending (shown here for now); the Message-ID is made then too.")
    return Preview(headers, text.get_content(), notes)


def _refuse(plan: SendPlan, command: str) -> NoReturn:
    """Why the real command would send nothing: the same words as its dry run."""
    if plan.uncertain:
        caught = plan.uncertain[0]
        raise FoiError(f"{caught.reference}: an earlier message may have been sent (its sending was interrupted), "
                       f"so `{command}` sends nothing new to {caught.body_name}",
                       f"`{command} --dry-run` says what it would do about it.")
    skipped = plan.skipped[0]
    verb = "write" if command.endswith("ico") else "send"
    hint = {SkipKind.NO_ADDRESS: "Set its address with `foi councils set-email`, or make a letter with "
                                 "`foi generate --format docx`.",
            SkipKind.BAD_ADDRESS: "Correct its address with `foi councils set-email`."}.get(
        skipped.kind, "So there is nothing to preview; `foi status` shows where the request stands.")
    raise FoiError(f"`{command}` would {verb} nothing to {skipped.body_name} ({skipped.reference}): "
                   f"{skipped.reason}", hint)
