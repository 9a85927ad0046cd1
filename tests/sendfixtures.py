"""What the send tests share: a campaign folder's send run with a given transport, a
transport that records what it takes, and the rows as they are afterwards."""

import datetime as dt
import sqlite3
from pathlib import Path

from foi.blobs import blob_dir
from foi.config import load_config
from foi.db import connect
from foi.letters.render import renderer_for, sender_from_config
from foi.sending.send import Sending, apply_send, plan_send

NOW = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)
SENDER = {"FOI_SENDER_NAME": "Children's Rights Campaign", "FOI_SENDER_EMAIL": "campaigns@charity.test"}


def rows(sql, params=()):
    with sqlite3.connect("campaign.db") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]


def send_with(transport, **how) -> list:
    """`foi send` of campaign eh in the current folder through `transport`; its outcomes."""
    db = connect(Path("campaign.db"))
    config = load_config(env=SENDER)
    plan = plan_send(db, "eh", renderer_for(db, "eh", sender_from_config(config)))
    try:
        return apply_send(db, plan, Sending(transport=transport, sender=config.sender, now=lambda: NOW,
                                            blob_dir=blob_dir(Path("campaign.db")), **how)).outcomes
    finally:
        db.close()


class FakeTransport:
    """A transport that records what it takes, (recipient, raw bytes) in order; `on_send(n)`
    may act, or raise, at the nth hand-over (from 1)."""

    name = "smtp"

    def __init__(self, on_send=lambda n: None):
        self.on_send, self.sent, self.attempts = on_send, [], 0

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def send(self, sender: str, recipient: str, raw: bytes) -> None:
        self.attempts += 1
        self.on_send(self.attempts)
        self.sent.append((recipient, raw))

    @property
    def recipients(self) -> list[str]:
        return [recipient for recipient, _ in self.sent]
