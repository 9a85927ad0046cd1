"""Fixtures for tests that talk to real mail servers (loaded as a pytest plugin
from tests/conftest.py). Servers live for the session; every test gets fresh
Dovecot users, so it sees only its own mail."""

from dataclasses import dataclass

import pytest

from tests.mailservers import Account, Behaviour, Dovecot, SmtpServer

SENDER_EMAIL = "campaigns@charity.test"


@pytest.fixture(scope="session")
def dovecot():
    try:
        server = Dovecot().start()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@dataclass
class MailWorld:
    """One test's view: the SMTP server, the councils' shared inbox
    (`receiver`) and the campaign's own mailbox with its Sent folder (`sender`)."""

    smtp: SmtpServer
    imap: Dovecot
    receiver: Account
    sender: Account
    behaviour: Behaviour

    def env(self, **overrides: str) -> dict[str, str]:
        """FOI_* settings pointing foi at these servers, unthrottled, no retry delays."""
        values = {
            "FOI_SMTP_HOST": "127.0.0.1", "FOI_SMTP_PORT": str(self.smtp.port),
            "FOI_SMTP_SECURITY": "none",
            "FOI_IMAP_HOST": "127.0.0.1", "FOI_IMAP_PORT": str(self.imap.port),
            "FOI_IMAP_SECURITY": "none", "FOI_IMAP_USERNAME": self.sender.username,
            "FOI_IMAP_PASSWORD": self.sender.password, "FOI_IMAP_SENT_FOLDER": "Sent",
            "FOI_SENDER_NAME": "Children's Rights Campaign", "FOI_SENDER_EMAIL": SENDER_EMAIL,
            "FOI_REPLY_TO": "foi+{reference}@charity.test",
            "FOI_SEND_RATE": "0", "FOI_SMTP_RETRY_DELAYS": "0,0,0",
        }
        values.update(overrides)
        return values

    def received(self):
        return self.receiver.messages("INBOX")

    def sent_copies(self):
        return self.sender.messages("Sent")


@pytest.fixture
def mail(dovecot, smtp_server, monkeypatch):
    """Fresh mailboxes, a well-behaved SMTP server, and FOI_* pointing at them."""
    receiver = dovecot.add_user("councils")
    sender = dovecot.add_user("campaign", password="campaign-imap-pw")
    sender.create_folder("Sent")
    behaviour = Behaviour(deliver_to=receiver)
    smtp_server.handler.reset(behaviour)
    world = MailWorld(smtp_server, dovecot, receiver, sender, behaviour)
    for key, value in world.env().items():
        monkeypatch.setenv(key, value)
    yield world
    smtp_server.handler.reset(Behaviour())


def make_campaign(db_path="campaign.db", *, slug="eh", prefix="EH", count=None, title=None):
    """A campaign created from a real campaign file, with one draft request to each
    children's services council (or the first `count` by code), each with a fake
    address foi-<code>@councils.test. Returns {reference: body row}."""
    from pathlib import Path

    from foi.campaign.campaigns import apply_create, plan_create
    from foi.campaign.references import make_reference
    from foi.db import connect
    from foi.register.councils import load_register

    db = connect(Path(db_path))
    load_register(db)
    bodies = list(db.query("SELECT * FROM bodies WHERE childrens_services = 1 ORDER BY code"))
    bodies = bodies[:count] if count else bodies
    for body in bodies:
        db["bodies"].update(body["code"], {"foi_email": f"foi-{body['code'].lower()}@councils.test"})
    recipients = ("[" + ", ".join(f'"{b["code"]}"' for b in bodies) + "]") if count else '"childrens-services"'
    source = Path(db_path).with_name(f"{slug}.toml")
    source.write_text(f"""
slug = "{slug}"
prefix = "{prefix}"
title = "{title or 'Children placed in care out of area, 2023-2025'}"
recipients = {recipients}
periods = ["2023/24", "2024/25"]

[[questions]]
id = "placed_out_of_area"
text = "How many children in your care were placed more than 20 miles from home?"
""", encoding="utf-8")
    apply_create(db, plan_create(db, source), now="2026-03-01T09:00:00+00:00")
    by_reference = {}
    for body in bodies:
        address = f"foi-{body['code'].lower()}@councils.test"
        by_reference[make_reference(prefix, body["code"], slug)] = {**body, "foi_email": address}
    db.close()
    return by_reference
