"""A private Dovecot IMAP server on loopback for the sync tests.

Self-contained (the richer tests/mailservers.py may replace it). Follows the
facts in ../shared/MAILSERVERS.md: a fresh world-readable directory per
instance, mail processes as the `dovecot` user when we are root, ssl = no.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "foi", "secret"


@dataclass
class ImapServer:
    host: str
    port: int
    username: str
    password: str
    directory: Path
    process: subprocess.Popen

    def client(self):
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.username, self.password)
        return client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _config(directory: Path, port: int) -> str:
    if os.geteuid() == 0:
        account = pwd.getpwnam("dovecot")
        uid, gid = account.pw_uid, account.pw_gid
        users = f"first_valid_uid = {uid}\nuserdb {{\n  driver = static\n  args = uid={uid} gid={gid} home={directory}/home/%n\n}}\n"
    else:
        me = pwd.getpwuid(os.geteuid()).pw_name
        users = (
            f"default_login_user = {me}\ndefault_internal_user = {me}\ndefault_internal_group = {me}\n"
            "service imap-login {\n  chroot =\n}\nservice anvil {\n  chroot =\n}\n"
            f"userdb {{\n  driver = static\n  args = home={directory}/home/%n\n}}\n"
        )
    return f"""
base_dir = {directory}/run
state_dir = {directory}/state
log_path = {directory}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = {directory}/passwd
}}
{users}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
}}
"""


def start_dovecot() -> ImapServer:
    if not Path(DOVECOT).exists():
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd)")
    directory = Path(tempfile.mkdtemp(prefix="foi-imap-"))
    directory.chmod(0o755)
    (directory / "home").mkdir()
    (directory / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    if os.geteuid() == 0:
        account = pwd.getpwnam("dovecot")
        os.chown(directory / "home", account.pw_uid, account.pw_gid)
    port = _free_port()
    (directory / "dovecot.conf").write_text(_config(directory, port))
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(directory / "dovecot.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = ImapServer("127.0.0.1", port, USER, PASSWORD, directory, process)
    _wait_until_ready(server)
    return server


def _wait_until_ready(server: ImapServer) -> None:
    for _ in range(100):
        if server.process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {server.process.stderr.read().decode()}")
        try:
            client = server.client()
            client.list_folders()  # a half-broken config still answers LOGIN
            client.logout()
            return
        except (OSError, Exception):  # noqa: BLE001 - not listening yet
            time.sleep(0.05)
    raise RuntimeError(f"dovecot did not answer on port {server.port}")


def stop_dovecot(server: ImapServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    shutil.rmtree(server.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def imap_server():
    """One Dovecot for the session; tests use their own folders to stay apart."""
    server = start_dovecot()
    yield server
    stop_dovecot(server)
