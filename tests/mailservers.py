"""Real mail servers on loopback for tests: a private Dovecot IMAP instance and an
aiosmtpd SMTP server that records every envelope and delivers it into a
Dovecot mailbox by IMAP APPEND, so tests read what was "received" with imapclient.

The SMTP server's behaviour is set per test: answer 451 N times then accept,
answer 550 for given addresses, require AUTH with a given password (535 otherwise).
"""

import asyncio
import email
import email.policy
import grp
import imaplib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
_names = itertools.count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"dovecot did not listen on {port}")


# The system's temporary folder, read before the tests point tempfile into pytest's
# (0700) folders: Dovecot's own user must be able to enter the server's folder,
# which stop() removes.
SYSTEM_TEMP = tempfile.gettempdir()


class Dovecot:
    """A private Dovecot on 127.0.0.1 with passwd-file users; one Maildir each."""

    def __init__(self):
        if not Path(DOVECOT).exists():
            raise RuntimeError(
                f"Dovecot is not installed ({DOVECOT} missing): run scripts/test, which installs "
                "it, or `apt-get install dovecot-imapd`.")
        # pytest's tmp_path is 0700: the dovecot user could not enter it.
        self.dir = Path(tempfile.mkdtemp(prefix="foi-dovecot-", dir=SYSTEM_TEMP))
        self.dir.chmod(0o755)
        self.port = free_port()
        # One passwd-file per user: Dovecot notices a changed file by its mtime in
        # whole seconds, so users appended within a second would be missed.
        self.users = self.dir / "users"
        self.users.mkdir()
        self.process: subprocess.Popen | None = None

    def _config(self) -> str:
        d = self.dir
        if os.getuid() == 0:
            # Mail processes may not run as root: use the dovecot system user.
            user = pwd.getpwnam("dovecot")
            for path in (d / "mail",):
                path.mkdir(exist_ok=True)
                os.chown(path, user.pw_uid, user.pw_gid)
            identity = (f"first_valid_uid = {user.pw_uid}\n"
                        f"userdb {{\n  driver = static\n  args = uid={user.pw_uid} gid={user.pw_gid} "
                        f"home={d}/mail/%n\n}}\n")
        else:
            (d / "mail").mkdir(exist_ok=True)
            me = pwd.getpwuid(os.getuid()).pw_name
            group = grp.getgrgid(os.getgid()).gr_name
            identity = (f"default_login_user = {me}\ndefault_internal_user = {me}\n"
                        f"default_internal_group = {group}\n"
                        f"service imap-login {{\n  chroot =\n}}\nservice anvil {{\n  chroot =\n}}\n"
                        f"userdb {{\n  driver = static\n  args = home={d}/mail/%n\n}}\n")
        return f"""
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = {self.users}/%u
}}
{identity}
service imap-login {{
  inet_listener imap {{
    port = {self.port}
  }}
}}
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""

    def start(self) -> "Dovecot":
        conf = self.dir / "dovecot.conf"
        conf.write_text(self._config())
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _wait_for_port(self.port, self.process, self.dir / "dovecot.log")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def add_user(self, prefix: str = "user", password: str = "secret") -> "Account":
        """A fresh user (a fresh, empty mailbox) for one test."""
        name = f"{prefix}{next(_names)}"
        (self.users / name).write_text(f"{name}:{{PLAIN}}{password}\n")
        account = Account(self, name, password)
        with account.client() as client:  # check it works: a bad config still answers LOGIN
            client.list_folders()
        return account


@dataclass
class Account:
    server: Dovecot
    username: str
    password: str

    def client(self):
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.server.port, ssl=False, timeout=10)
        client.login(self.username, self.password)
        return client

    def messages(self, folder: str = "INBOX") -> list[email.message.EmailMessage]:
        """Every message in `folder`, parsed, in arrival order (without marking them seen)."""
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            if not uids:
                return []
            fetched = client.fetch(uids, ["BODY.PEEK[]"])
            return [email.message_from_bytes(fetched[uid][b"BODY[]"], policy=email.policy.default)
                    for uid in sorted(fetched)]

    def create_folder(self, folder: str) -> None:
        with self.client() as client:
            client.create_folder(folder)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class Behaviour:
    """What the SMTP server does, reset for each test."""

    deliver_to: Account | None = None
    tempfail: int = 0  # answer 451 to this many DATA commands, then accept
    reject: set[str] = field(default_factory=set)  # 550 for these recipients
    password: str | None = None  # require AUTH with this password
    # Refuse logins with this reply, {login} and {password} replaced by what the client
    # sent (a server that quotes the credentials back in its error), once `good_logins`
    # logins have been taken as usual.
    auth_reply: str | None = None
    good_logins: int = 0
    drop_at_auth: bool = False  # close the connection when the client sends AUTH
    drop_after: int | None = None  # close the connection after accepting this many messages
    # Hold the Nth message's DATA (before accepting it) until `release` is set,
    # then refuse it: lets a test kill the client while a message is in flight.
    hold_at: int | None = None
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


class RecordingHandler:
    """aiosmtpd handler: records each accepted envelope, then APPENDs it to
    the behaviour's delivery account."""

    def __init__(self):
        self.behaviour = Behaviour()
        self.received: list[Received] = []
        self.logins = 0
        self.lock = threading.Lock()
        self._imap = None
        self._imap_account = None

    def reset(self, behaviour: Behaviour) -> None:
        with self.lock:
            self.behaviour = behaviour
            self.received = []
            self.logins = 0
            self._close_imap()

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        if self.behaviour.drop_at_auth:
            server.transport.close()
            return AuthResult(success=False, handled=True)  # nothing more is said: the line is gone
        self.logins += 1
        if self.behaviour.auth_reply is not None and self.logins > self.behaviour.good_logins:
            sent = {key: getattr(auth_data, key, b"").decode("utf-8", "replace") for key in ("login", "password")}
            return AuthResult(success=False, handled=False, message=self.behaviour.auth_reply.format(**sent))
        expected = self.behaviour.password
        ok = expected is None or getattr(auth_data, "password", b"") == expected.encode()
        # handled=False lets aiosmtpd answer 535 itself (True would leave the client hanging)
        return AuthResult(success=ok, handled=False)

    async def auth_XOAUTH2(self, server, args):
        """OAuth2 as Microsoft 365 and Gmail take it; the token stands in for the password."""
        import base64

        from aiosmtpd.smtp import AuthResult

        decoded = base64.b64decode(args[1]).decode() if len(args) > 1 else ""
        fields = dict(part.split("=", 1) for part in decoded.split("\x01") if "=" in part)
        expected = self.behaviour.password
        ok = expected is None or fields.get("auth") == f"Bearer {expected}"
        return AuthResult(success=ok, handled=False)

    async def handle_MAIL(self, server, session, envelope, address, options):
        if self.behaviour.password is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.lower() in {a.lower() for a in self.behaviour.reject}:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in virtual mailbox table"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        behaviour = self.behaviour
        if behaviour.hold_at is not None and len(self.received) + 1 == behaviour.hold_at:
            behaviour.hold_at = None
            behaviour.held.set()
            behaviour.release.wait(timeout=30)
            return "451 4.3.0 Held by the test, not accepted"
        with self.lock:
            if self.behaviour.tempfail > 0:
                self.behaviour.tempfail -= 1
                return "451 4.7.1 Greylisted, please try again later"
            self._deliver(envelope.content)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          envelope.content))
            if behaviour.drop_after == len(self.received):
                asyncio.get_running_loop().call_soon(server.transport.close)  # after the 250 below
        return "250 2.0.0 Ok: queued"

    def _deliver(self, content: bytes) -> None:
        account = self.behaviour.deliver_to
        if account is None:
            return
        if self._imap_account is not account:
            self._close_imap()
            self._imap, self._imap_account = account.client(), account
        self._imap.append("INBOX", content)

    def _close_imap(self) -> None:
        if self._imap is not None:
            try:
                self._imap.logout()
            except (OSError, imaplib.IMAP4.error):  # a test server connection we are discarding anyway
                pass
        self._imap, self._imap_account = None, None


class SmtpServer:
    def __init__(self):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = None

    def start(self) -> "SmtpServer":
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     authenticator=self.handler.authenticate,
                                     auth_require_tls=False)
        self.controller.start()
        return self

    def stop(self) -> None:
        self.handler.reset(Behaviour())
        if self.controller is not None:
            self.controller.stop()
