"""What the reading worker of a sync works out for triage beside parsing a message: its
triage view and its classification (foi.triage.run.read_ahead hands it over). Kept apart
from foi.triage.run so that the worker loads only what this needs, not the database's
modules: it starts while a sync waits for its first batch.
"""

from dataclasses import dataclass

from foi.mail.parse import ParsedMessage
from foi.triage.classify import Classification, classify_message
from foi.triage.inputs import MESSAGE_ID, TriageInput, attachment_list, header_view


def triage_input_from_parsed(parsed: ParsedMessage) -> TriageInput:
    """The triage view of a message foi.mail.parse has read: its addresses, ids,
    subject and body as parsed there (not read a second time); the headers and
    attachment list still come from the MIME tree."""
    msg = parsed.email
    assert msg is not None  # as_triage_input sends only a ParsedMessage that has one
    return TriageInput(
        message_id=parsed.message_id, from_addr=parsed.from_addr or "", from_name=parsed.from_name or "",
        recipients=list(dict.fromkeys(parsed.to_addrs + parsed.cc_addrs + parsed.bcc_addrs
                                      + parsed.delivered_to)),
        subject=parsed.subject or "", body_text=parsed.body_text,
        in_reply_to=MESSAGE_ID.findall(str(msg.get("In-Reply-To") or "")),
        references=parsed.references, headers=header_view(msg),
        attachments=attachment_list(msg), email=msg,
    )


@dataclass(frozen=True)
class ReadAhead:
    """A message's triage view and classification, worked out by the reading worker against
    the references whose digest is `ours` (see foi.triage.run.read_ahead)."""

    ours: str
    view: TriageInput
    classification: Classification


def classify_ahead(parsed: ParsedMessage, ours: tuple[frozenset[str], str]) -> None:
    """In the worker: ParsedMessage.read_ahead of one message just parsed."""
    if parsed.email is not None:
        view = triage_input_from_parsed(parsed)
        parsed.read_ahead = ReadAhead(ours[1], view, classify_message(view, ours[0]))
