"""A received message read within limits (foi.bounded): parsed, and each attachment
unpacked, in the worker process, so a crafted message or attachment costs at most
the limits and the rest of the message, and every other message, is still read.

What cannot be read within the limits is kept whole (the raw message is stored by
store.py before anything here runs) and said in words: the message's parse_error,
or the note of the attachment that was not opened.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from foi import bounded
from foi.mail import sniff
from foi.mail.filenames import sanitise_filename
from foi.mail.parse import MAX_PARSE_BYTES, ParsedMessage, Part, parse_headers, parse_message
from foi.mail.unpack import Limits, Unpacked, unpack_part


def parse_within_limits(raw: bytes) -> ParsedMessage:
    """parse_message run in the worker; past a limit, the headers alone (read the same
    way), with parse_error saying what happened."""
    if len(raw) > MAX_PARSE_BYTES:
        return parse_message(raw)
    try:
        return bounded.call(parse_message, raw)
    except bounded.ReadFailure as failure:
        try:
            parsed = bounded.call(parse_headers, raw) or ParsedMessage()
        except bounded.ReadFailure:
            parsed = ParsedMessage()
        parsed.parse_error = (f"the message could not be read within foi's limits ({failure}): "
                              "only its headers were read; the whole message is kept, open it by hand")
        return parsed


def unpack_within_limits(parts: list[Part], limits: Limits | None = None) -> list[Unpacked]:
    """Each attachment unpacked in the worker, sharing one budget; one that goes past a
    limit is kept as it arrived, not opened, with a note saying why."""
    limits = limits or Limits()
    left, tree = limits.max_total_bytes, []
    seconds = bounded.current_limits().message_seconds
    deadline = time.monotonic() + seconds  # each part is bounded; so are thousands of parts together
    for position, part in enumerate(parts, 1):
        if time.monotonic() > deadline:
            tree.append(_unopened(part, position, f"the message's files took over {seconds:g} s in all"))
            continue
        try:
            unpacked, left = bounded.call(unpack_part, part, position, left, limits)
        except bounded.ReadFailure as failure:
            unpacked = _unopened(part, position, str(failure))
        tree.append(unpacked)
    return tree


# One worker job a message cost two hand-overs between processes a message, more than
# parsing a small message on a busy machine. A sync reads its messages many to a job,
# up to JOB_BYTES together; a job that goes past a limit is read again one message at a
# time as above, so each message still has the limits to itself and comes out the same.
JOB_BYTES = 8 * 1024 * 1024

Item = TypeVar("Item")
Result = TypeVar("Result")


# A function the worker calls on each message it has just parsed, with an argument of the
# caller's: (function, argument). Both are pickled (the function by its name).
Then = tuple[Callable[[ParsedMessage, Any], None], Any]


def parse_all_within_limits(raws: list[bytes], then: Then | None = None) -> list[ParsedMessage]:
    """parse_within_limits of each message, many to a worker job. `then`, if given, is
    applied to each message in the same job (see parse_each); a message read again alone,
    after its job went past a limit, is only parsed."""
    return _in_jobs(raws, len, lambda group: bounded.call(parse_each, group, then), parse_within_limits,
                    then is not None)


def unpack_all_within_limits(messages: list[list[Part]], limits: Limits | None = None) -> list[list[Unpacked]]:
    """unpack_within_limits of each message's attachments, many messages to a worker job."""
    limits = limits or Limits()
    seconds = bounded.current_limits().message_seconds

    def together(group: list[list[Part]]) -> list[list[Unpacked]]:
        return bounded.call(unpack_each, group, limits, seconds)

    return _in_jobs(messages, lambda parts: sum(len(p.data) for p in parts), together,
                    lambda parts: unpack_within_limits(parts, limits))


def warm_up(then: Then | None = None) -> None:
    """Start the calling thread's worker and load in it what parse_all_within_limits (with
    `then`) uses, while the caller waits on something else (a sync, on its first batch)."""
    try:
        bounded.call(parse_each, [], then)
    except bounded.ReadFailure:
        pass  # the first real read meets the same trouble, and says what it is


def parse_each(raws: list[bytes], then: Then | None = None) -> list[ParsedMessage]:
    """In the worker: parse_message of each (raises where one does), each then handed to
    `then` (whose failure on one message leaves that message as parsed)."""
    parsed = [parse_message(raw) for raw in raws]
    if then is not None:
        function, argument = then
        for message in parsed:
            try:
                function(message, argument)
            except Exception:  # noqa: BLE001 - whoever stores the message does the work again, and says why
                message.read_ahead = None
    return parsed


def unpack_each(messages: list[list[Part]], limits: Limits, seconds: float) -> list[list[Unpacked]]:
    """In the worker: every attachment of each message unpacked with the message's own
    budget; raises where a part does or a message's files take over `seconds`, which
    unpack_within_limits would have stopped at."""
    trees = []
    for parts in messages:
        started, left, tree = time.monotonic(), limits.max_total_bytes, []
        for position, part in enumerate(parts, 1):
            unpacked, left = unpack_part(part, position, left, limits)
            tree.append(unpacked)
            if time.monotonic() - started > seconds:
                raise TimeoutError(f"the message's files took over {seconds:g} s in all")
        trees.append(tree)
    return trees


def _in_jobs(items: Sequence[Item], size: Callable[[Item], int],
             together: Callable[[list[Item]], list[Result]], alone: Callable[[Item], Result],
             one_too: bool = False) -> list[Result]:
    """`together` of groups of items up to JOB_BYTES (a job in the worker); `alone` of each
    item of a group that went past a limit, and of an item too large to share a job (unless
    `one_too`: `together` does more than `alone`, so a group of one tries it first too)."""
    results: list[Result] = []
    for group in _groups(items, size):
        if len(group) > 1 or (one_too and size(group[0]) <= JOB_BYTES):
            try:
                results += together(group)
                continue
            except bounded.ReadFailure:
                pass  # one of them, or all together, went past a limit: each is read alone
        results += [alone(item) for item in group]
    return results


def _groups(items: Sequence[Item], size: Callable[[Item], int]) -> list[list[Item]]:
    groups: list[list[Item]] = []
    total = 0
    for item in items:
        weight = size(item)
        if not groups or total + weight > JOB_BYTES:  # a message as large alone is read alone
            groups.append([])
            total = 0
        groups[-1].append(item)
        total += weight
    return groups


def _unopened(part: Part, position: int, reason: str) -> Unpacked:
    try:
        detected = bounded.call(sniff.detect_type, part.data, part.declared_type, part.filename)
    except bounded.ReadFailure:
        detected = sniff.BINARY
    note = f"unreadable within foi's limits ({reason}): not opened, kept as it arrived"
    return Unpacked(sanitise_filename(part.filename, f"part-{position}{sniff.EXTENSIONS.get(detected, '.bin')}"),
                    part.filename, part.declared_type, detected, part.data,
                    f"{part.note}; {note}" if part.note else note)
