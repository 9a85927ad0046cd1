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

