"""Due dates as an iCalendar file (RFC 5545) that Outlook and Google Calendar import.

A council's name is in each event: no text reaches a line without passing through
foi.safetext, so a line break or control character in it cannot start a property
of its own ("...\r\nATTENDEE:..."), and long lines are folded as the RFC asks.
"""

import datetime as dt
from dataclasses import dataclass

from foi.safetext import one_line, plain_text


@dataclass(frozen=True)
class DueEvent:
    uid: str
    date: dt.date
    summary: str
    description: str


def escape_text(value: str) -> str:
    """TEXT escaping of RFC 5545 3.3.11; a TEXT value holds no control character but
    the escaped line break, so every other one is dropped first."""
    return (plain_text(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n").replace("\t", " "))


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    out: list[str] = []
    current = b""
    for ch in line:
        encoded = ch.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def render_ics(events: list[DueEvent], stamp: dt.datetime, name: str) -> str:
    stamp_text = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//foi//FOI campaign deadlines//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_text(name)}"]
    for event in events:
        lines += [
            "BEGIN:VEVENT", f"UID:{escape_text(one_line(event.uid))}", f"DTSTAMP:{stamp_text}",
            f"DTSTART;VALUE=DATE:{event.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.date + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(one_line(event.summary))}",
            f"DESCRIPTION:{escape_text(event.description)}",
            "TRANSP:TRANSPARENT", "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
