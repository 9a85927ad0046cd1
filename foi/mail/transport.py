"""Ways a message leaves the machine: SMTP, or a local outbox Maildir for trying
foi without a mail account; plus a copy in the IMAP Sent folder.

A transport's `send` either returns (the server took the message), raises
NotSent (it certainly did not: the server refused, with its code and words) or
MaybeSent (the connection broke while the message was in flight). Problems
the user must fix (wrong password, unreachable server) are FoiError.
"""

import base64
import datetime as dt
import imaplib
import mailbox
import smtplib
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from foi.config import ImapConfig, SmtpConfig
from foi.errors import FoiError
from foi.secrecy import redact, secret_of


class NotSent(Exception):
    """The server refused the message; it was certainly not delivered."""

    def __init__(self, code: int, text: str):
        super().__init__(f"{code} {text}")
        self.code, self.text = code, text

    @property
    def temporary(self) -> bool:
        return 400 <= self.code < 500


class SenderRefused(NotSent):
    """MAIL FROM refused for good: about our account, not this recipient, so
    every other message would be refused too."""


class MaybeSent(Exception):
    """The connection failed mid-transaction: the server may have the message."""


class Transport(Protocol):
    name: str

    def open(self) -> None: ...

    def send(self, sender: str, recipient: str, raw: bytes) -> None: ...

    def close(self) -> None: ...


class SentFolder(Protocol):
    def contains(self, message_id: str) -> bool: ...

    def append(self, raw: bytes, when: dt.datetime) -> None: ...

    def close(self) -> None: ...


class OutboxTransport:
    """Writes each message into a Maildir (outbox/ beside the database)."""

    name = "outbox"

    def __init__(self, path: Path):
        self.path = Path(path)

    def open(self) -> None:
        for sub in ("tmp", "new", "cur"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)

    def send(self, sender: str, recipient: str, raw: bytes) -> None:
        mailbox.Maildir(self.path, create=False).add(raw)

    def close(self) -> None:
        pass


def _text(reply: bytes | str) -> str:
    """A server's (or a library's) words, on one line and with our secrets masked:
    they go into error messages and the database."""
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return redact(" ".join(redact(reply).split()))  # before joining too: a password may hold spaces


def xoauth2_string(username: str, token: str) -> str:
    return f"user={username}\x01auth=Bearer {token}\x01\x01"


def _login_utf8(conn: smtplib.SMTP, username: str, secret: str) -> None:
    """AUTH PLAIN in UTF-8 (RFC 4616): smtplib encodes every login as ASCII, so a
    password with a letter such as '£' or 'ä' would otherwise crash."""
    conn.ehlo_or_helo_if_needed()
    if "PLAIN" not in conn.esmtp_features.get("auth", "").upper().split():
        raise FoiError("The SMTP server offers no login that carries a password beyond plain ASCII",
                       "Use an app password, or a password of ASCII letters, digits and signs.")
    response = base64.b64encode(f"\0{username}\0{secret}".encode()).decode("ascii")
    code, reply = conn.docmd("AUTH", f"PLAIN {response}")
    if code not in (235, 503):  # 503: already logged in
        raise smtplib.SMTPAuthenticationError(code, reply)


def _nothing() -> None:
    pass


class SmtpTransport:
    """One SMTP connection reused across the batch, reopened when it drops."""

    name = "smtp"

    def __init__(self, config: SmtpConfig):
        self.config = config
        self._conn: smtplib.SMTP | None = None
        self._secret: str | None = None

    def open(self) -> None:
        if self._conn is None:
            self._conn = self._connect()

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except (smtplib.SMTPException, OSError):
                pass  # the server went first; nothing is in flight
            self._conn = None

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except OSError:
                pass  # already broken: that is why we drop it
        self._conn = None

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        if not cfg.host:
            raise FoiError("smtp.host is not set", "Set [smtp] host in foi.toml (or FOI_SMTP_HOST).")
        where = f"{cfg.host}:{cfg.effective_port}"
        conn: smtplib.SMTP
        try:
            if cfg.security == "ssl":
                conn = smtplib.SMTP_SSL(cfg.host, cfg.effective_port, timeout=cfg.timeout,
                                        context=ssl.create_default_context())
            else:
                conn = smtplib.SMTP(cfg.host, cfg.effective_port, timeout=cfg.timeout)
                if cfg.security == "starttls":
                    conn.starttls(context=ssl.create_default_context())
            conn.ehlo_or_helo_if_needed()
        except smtplib.SMTPNotSupportedError as error:
            raise FoiError(f"The SMTP server {where} does not support this: {_text(str(error))}",
                           "Check smtp.security (starttls, ssl or none).") from None
        except (OSError, smtplib.SMTPException) as error:
            raise FoiError(f"Cannot connect to the SMTP server {where}: {_text(str(error))}",
                           "Check smtp.host, smtp.port and smtp.security.") from None
        if cfg.username:
            self._authenticate(conn, cfg.username, where)
        return conn

    def _authenticate(self, conn: smtplib.SMTP, username: str, where: str) -> None:
        """Log in; every word of the server's answer passes through _text, which
        masks our credentials should the server quote them back."""
        try:
            self._login(conn, username)
        except smtplib.SMTPAuthenticationError as error:
            raise FoiError(f"The SMTP server {where} refused the login for {username}: "
                           f"{error.smtp_code} {_text(error.smtp_error)}",
                           "Check smtp.username and the password (or app password).") from None
        except (smtplib.SMTPServerDisconnected, OSError):
            raise FoiError(f"The SMTP server {where} closed the connection while we logged in as {username}",
                           "Try again later; if it goes on, check smtp.security and that the account "
                           "may use SMTP.") from None
        except smtplib.SMTPException as error:
            raise FoiError(f"Cannot log in to the SMTP server {where} as {username}: {_text(str(error))}",
                           "Check smtp.security and that the account may use SMTP.") from None

    def _login(self, conn: smtplib.SMTP, username: str) -> None:
        if self._secret is None:
            self._secret = secret_of(self.config)
        if self.config.uses_oauth2:
            auth_string = xoauth2_string(username, self._secret)
            conn.ehlo_or_helo_if_needed()
            # On failure the server sends a 334 JSON challenge: answer empty to get the 535.
            conn.auth("XOAUTH2", lambda challenge=None: auth_string if challenge is None else "")
        elif self._secret.isascii() and username.isascii():
            conn.login(username, self._secret)
        else:
            _login_utf8(conn, username, self._secret)

    def send(self, sender: str, recipient: str, raw: bytes, meanwhile: Callable[[], None] = _nothing) -> None:
        """`meanwhile` runs once, after MAIL FROM has gone and before its answer is
        read: before any of the message has left, and while the server answers."""
        conn = self._envelope(sender, recipient, meanwhile)
        try:
            code, reply = conn.data(raw)
        except smtplib.SMTPDataError as error:  # DATA itself refused (no 354)
            self._reset()
            raise NotSent(error.smtp_code, _text(error.smtp_error)) from None
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self._drop()
            raise MaybeSent(f"connection lost while the message was being sent: {_text(str(error))}") from None
        if code != 250:
            self._reset()
            raise NotSent(code, _text(reply))

    def _envelope(self, sender: str, recipient: str, meanwhile: Callable[[], None]) -> smtplib.SMTP:
        """MAIL FROM and RCPT TO; a connection found dead here is reopened once,
        which is safe because no message data has been sent yet."""
        for attempt in (1, 2):
            self.open()
            conn = self._conn
            assert conn is not None  # open() connected or raised
            try:
                conn.putcmd("mail", f"FROM:{smtplib.quoteaddr(sender)}")  # as conn.mail(sender) does
            except (smtplib.SMTPServerDisconnected, OSError) as error:
                self._lost(attempt, error)
                continue
            try:
                meanwhile()  # its errors are its own, never a dropped line
            except BaseException:
                self._drop()  # the answer to MAIL FROM is still to be read
                raise
            meanwhile = _nothing
            try:
                code, reply = conn.getreply()
                if code >= 500:
                    self._reset()
                    raise SenderRefused(code, _text(reply))
                if code == 250:
                    code, reply = conn.rcpt(recipient)
                    if code in (250, 251):
                        return conn
            except (smtplib.SMTPServerDisconnected, OSError) as error:
                self._lost(attempt, error)
                continue
            self._reset()
            raise NotSent(code, _text(reply))
        raise AssertionError("unreachable")

    def _lost(self, attempt: int, error: Exception) -> None:
        self._drop()
        if attempt == 2:
            raise NotSent(421, f"connection lost before sending: {_text(str(error))}") from None

    def _reset(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()


def _server_words(error: Exception) -> bytes | str:
    """What the IMAP server said: imapclient's LoginError holds it as the text "b'...'"."""
    cause = error.__context__
    if isinstance(cause, imaplib.IMAP4.error) and cause.args:
        return cause.args[0]
    return str(error)


class ImapSentFolder:
    """The account's Sent folder: look for a Message-ID, or append a copy."""

    def __init__(self, config: ImapConfig):
        self.config = config
        self._client = None

    def _connect(self):
        from imapclient import IMAPClient  # lazy: start-up
        from imapclient.exceptions import LoginError  # lazy: start-up

        cfg = self.config
        where = f"{cfg.host}:{cfg.effective_port}"
        try:
            context = ssl.create_default_context()
            client = IMAPClient(cfg.host, port=cfg.effective_port, ssl=cfg.security == "ssl",
                                ssl_context=context, timeout=cfg.timeout)
            if cfg.security == "starttls":
                client.starttls(context)
            secret = secret_of(cfg)
            if cfg.uses_oauth2:
                client.oauth2_login(cfg.username, secret)
            elif secret.isascii() and (cfg.username or "").isascii():
                client.login(cfg.username, secret)
            else:  # LOGIN is ASCII only; AUTHENTICATE PLAIN carries UTF-8
                client.plain_login(cfg.username, secret)
        except LoginError as error:
            if isinstance(error.__context__, imaplib.IMAP4.abort):  # imapclient calls a dropped line a LoginError
                raise FoiError(f"The IMAP server {where} closed the connection while we logged in as "
                               f"{cfg.username}", "Try again later; if it goes on, check imap.security.") from None
            raise FoiError(f"The IMAP server {where} refused the login for {cfg.username}: "
                           f"{_text(_server_words(error))}", "Check imap.username and the password.") from None
        except (OSError, ssl.SSLError, imaplib.IMAP4.error) as error:
            raise FoiError(f"Cannot connect to the IMAP server {where}: {_text(str(error))}",
                           "Check imap.host, imap.port and imap.security.") from None
        return client

    @property
    def client(self):
        if self._client is None:
            self._client = self._connect()
        return self._client

    def contains(self, message_id: str) -> bool:
        folder = self.config.sent_folder
        try:
            self.client.select_folder(folder, readonly=True)
            return bool(self.client.search(["HEADER", "Message-ID", message_id]))
        except imaplib.IMAP4.error as error:
            raise FoiError(f"Cannot search the IMAP folder {folder!r}: {_text(str(error))}",
                           "Check imap.sent_folder (the exact folder name, e.g. 'Sent Items').") from None

    def folders(self) -> list[str]:
        """The names of the mailbox's folders, sorted (`foi check` lists them)."""
        try:
            return sorted(str(name) for _flags, _delimiter, name in self.client.list_folders())
        except (OSError, imaplib.IMAP4.error) as error:
            raise FoiError(f"Cannot list the folders of the IMAP mailbox: {_text(str(error))}",
                           "Try again later; if it goes on, check imap.security.") from None

    def append(self, raw: bytes, when: dt.datetime) -> None:
        if not self.config.append_sent:
            return
        try:
            self.client.append(self.config.sent_folder, raw, flags=[b"\\Seen"], msg_time=when)
        except imaplib.IMAP4.error as error:
            raise FoiError(f"Cannot append to the IMAP folder {self.config.sent_folder!r}: "
                           f"{_text(str(error))}") from None

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.logout()
            except (OSError, imaplib.IMAP4.error):
                pass  # closing anyway; the copy and the search are already done
            self._client = None
