"""Credentials never leave the process: after send, sync and export with
distinctive SMTP and IMAP passwords (from the environment, then from
password_command in foi.toml), and a failed login with a wrong password, no
password appears in the database, the blobs, any file in the campaign folder
(inside zips and xlsx too) or on stdout/stderr."""

import io
import tempfile
import zipfile
from pathlib import Path

from tests.builders import make_campaign

ENV_SMTP, ENV_IMAP = "SmtpEnv-9Qx7-Secret", "ImapEnv-4Kd2-Secret"
CMD_SMTP, CMD_IMAP = "SmtpCmd-7Wp3-Secret", "ImapCmd-2Rt8-Secret"
WRONG = "WrongPw-Zz81-Secret"
SECRETS = (ENV_SMTP, ENV_IMAP, CMD_SMTP, CMD_IMAP, WRONG)


def readable_bytes(path: Path) -> list[bytes]:
    """The file, and each member if it is a zip (xlsx, the correspondence export)."""
    data = path.read_bytes()
    found = [data]
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            found += [archive.read(name) for name in archive.namelist()]
    return found


def leaks(folder: Path, outputs: list[str]) -> list[str]:
    hits = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        for data in readable_bytes(path):
            hits += [f"{secret} in {path}" for secret in SECRETS if secret.encode() in data]
    for number, text in enumerate(outputs):
        hits += [f"{secret} in output {number}" for secret in SECRETS if secret in text]
    return hits


def test_passwords_never_stored_logged_or_exported(mail, dovecot, smtp_server, foi_subprocess, monkeypatch):
    make_campaign(count=4)
    outputs = []

    def foi(*args, ok=True):
        result = foi_subprocess(*args)
        outputs.extend([result.stdout, result.stderr])
        assert (result.returncode == 0) == ok, result.stderr
        return result

    # From the environment; one failed SMTP login first.
    account = dovecot.add_user("secretenv", password=ENV_IMAP)
    account.create_folder("Sent")
    mail.behaviour.deliver_to = account  # what the councils "receive" lands in this INBOX to sync
    mail.behaviour.password = ENV_SMTP
    for key, value in {"FOI_SMTP_USERNAME": "campaigns", "FOI_SMTP_PASSWORD": WRONG,
                       "FOI_IMAP_USERNAME": account.username, "FOI_IMAP_PASSWORD": ENV_IMAP}.items():
        monkeypatch.setenv(key, value)
    assert "SMTP" in foi("send", "eh", "--yes", ok=False).stderr
    monkeypatch.setenv("FOI_SMTP_PASSWORD", ENV_SMTP)
    foi("send", "eh", "--yes", "--limit", "2")
    assert "2 new messages" in foi("sync").stdout

    # From password_command in foi.toml, reading files outside the campaign folder.
    secrets = Path(tempfile.mkdtemp(prefix="foi-secrets-"))
    (secrets / "smtp").write_text(CMD_SMTP)
    (secrets / "imap").write_text(CMD_IMAP)
    account = dovecot.add_user("secretcmd", password=CMD_IMAP)
    account.create_folder("Sent")
    mail.behaviour.deliver_to = account
    mail.behaviour.password = CMD_SMTP
    for key in ("FOI_SMTP_PASSWORD", "FOI_IMAP_PASSWORD", "FOI_IMAP_USERNAME"):
        monkeypatch.delenv(key)
    Path("foi.toml").write_text(f"""
[smtp]
password_command = "cat {secrets / 'smtp'}"

[imap]
username = "{account.username}"
password_command = "cat {secrets / 'imap'}"
""")
    foi("send", "eh", "--yes")
    assert "2 new messages" in foi("sync").stdout
    assert len(smtp_server.handler.received) == 4

    foi("export", "eh", "--what", "dataset", "-o", "dataset.csv")
    foi("export", "eh", "--what", "requests", "--format", "json")
    foi("export", "eh", "--what", "messages", "--format", "xlsx", "-o", "messages.xlsx")
    foi("export", "eh", "--what", "correspondence", "-o", "correspondence.zip")
    names = sorted(zipfile.ZipFile("correspondence.zip").namelist())
    # each council's request and reply, in a folder per council
    assert [name.split(" ", 1)[0] for name in names] == ["BAS", "BAS", "BBD", "BBD", "BDF", "BDF", "BDG", "BDG"]
    assert sum(" out request.eml" in name for name in names) == 4
    assert leaks(Path.cwd(), outputs) == []

    # The search itself finds a password hidden in a compressed member.
    with zipfile.ZipFile("planted.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inside.txt", f"password={CMD_IMAP}")
    assert leaks(Path.cwd(), []) == [f"{CMD_IMAP} in {Path.cwd() / 'planted.zip'}"]
