"""`foi init` writes a foi.toml to fill in and never overwrites one; `foi check` tests the
settings against real servers and says what is missing or wrong (issue 17, item 22)."""

import re
from importlib import resources
from pathlib import Path

from foi.config import load_config
from tests.mailservers import free_port

TEMPLATE = resources.files("foi").joinpath("data/foi.toml").read_text(encoding="utf-8")
SMTP_PASSWORD = "smtp-Secret-42"


def test_init_writes_a_commented_foi_toml_that_changes_nothing_until_filled_in(run, isolated):
    result = run("init")

    assert result.stdout.splitlines() == [
        "Created campaign.db with 317 public bodies.",
        "Wrote foi.toml: fill in your mail settings (each one is explained there), then run `foi check`."]
    assert (isolated / "foi.toml").read_text(encoding="utf-8") == TEMPLATE
    config = load_config(None, env={})
    assert config.source == Path("foi.toml")
    assert (config.smtp.host, config.imap.host, config.sender.name, config.sender.email) == (None, None, None, None)


def test_every_example_in_the_written_foi_toml_is_a_valid_setting_with_a_comment(run, isolated):
    run("init")
    lines = (isolated / "foi.toml").read_text(encoding="utf-8").splitlines()
    examples = [i for i, line in enumerate(lines) if re.match(r"# [a-z_]+ = ", line)]
    keys = {}
    section = ""
    for i, line in enumerate(lines):
        if line.startswith("["):
            section = line.strip("[]")
        if i in examples:
            keys.setdefault(section, []).append(line[2:].split(" =")[0])
            assert lines[i - 1].startswith("# ") and lines[i - 1] != lines[i], line  # a comment says what it is

    filled = "\n".join(line[2:] if i in examples else line for i, line in enumerate(lines))
    (isolated / "filled.toml").write_text(filled, encoding="utf-8")
    config = load_config(Path("filled.toml"), env={})

    assert keys == {
        "sender": ["name", "email", "reply_to"],
        "smtp": ["host", "security", "port", "username", "password", "password_command", "rate"],
        "imap": ["host", "security", "username", "password", "password_command", "folders", "sent_folder",
                 "append_sent"],
        "outbox": ["counts_as_sent"]}
    assert (config.smtp.host, config.smtp.effective_port, config.imap.host, config.imap.effective_port) == (
        "smtp.office365.com", 587, "outlook.office365.com", 993)
    assert config.sender.reply_to_for("EH-BNS-592V") == "foi+eh-bns-592v@charity.org.uk"
    assert config.imap.folders == ("INBOX",) and config.imap.sent_folder == "Sent Items"


def test_init_never_writes_over_an_existing_foi_toml_and_force_keeps_a_backup(run, isolated):
    (isolated / "foi.toml").write_text('[sender]\nname = "Our own"\n', encoding="utf-8")

    again = run("init")
    assert again.stdout.splitlines()[-1] == "foi.toml already exists: left as it is (`foi check` tests it)."
    assert (isolated / "foi.toml").read_text(encoding="utf-8") == '[sender]\nname = "Our own"\n'

    forced = run("init", "--force")
    backups = list(isolated.glob("foi.toml.*.bak"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == '[sender]\nname = "Our own"\n'
    assert f"Moved the old foi.toml aside to {backups[0].name}" in forced.stderr
    assert (isolated / "foi.toml").read_text(encoding="utf-8") == TEMPLATE


def test_init_writes_the_settings_file_given_with_config(run, isolated):
    result = run("--config", "settings/mail.toml", "init")
    assert "Wrote settings/mail.toml" in result.stdout
    assert (isolated / "settings" / "mail.toml").read_text(encoding="utf-8") == TEMPLATE
    assert not (isolated / "foi.toml").exists()


def _with_smtp_login(mail, monkeypatch):
    mail.behaviour.password = SMTP_PASSWORD
    monkeypatch.setenv("FOI_SMTP_USERNAME", "campaigns")
    monkeypatch.setenv("FOI_SMTP_PASSWORD", SMTP_PASSWORD)


def test_check_logs_in_to_both_servers_lists_the_folders_and_sends_nothing(mail, run, monkeypatch):
    _with_smtp_login(mail, monkeypatch)

    result = run("check")

    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Settings: no settings file (foi.toml); the FOI_* variables only",
        "Sender: ok: Children's Rights Campaign <campaigns@charity.test>",
        f"SMTP: ok: 127.0.0.1:{mail.smtp.port} (none): logged in as campaigns; no mail sent",
        f"IMAP: ok: 127.0.0.1:{mail.imap.port} (none): logged in as {mail.sender.username}; "
        "replies read from INBOX; sent copies go to Sent",
        "  folders on the server: INBOX, Sent",
        "All is well: foi can send requests and fetch the replies."]
    assert mail.smtp.handler.logins == 1 and mail.smtp.handler.count() == 0
    assert mail.received() == [] and mail.sent_copies() == []


def test_check_says_which_password_is_wrong_and_never_shows_one(mail, foi_subprocess, monkeypatch, isolated):
    """Passwords written in foi.toml; the SMTP server quotes the one it was given back."""
    mail.behaviour.password = "the-right-one"
    mail.behaviour.auth_reply = "535 5.7.8 bad credentials for {login} with {password}"
    for key in ("FOI_IMAP_PASSWORD",):
        monkeypatch.delenv(key)
    (isolated / "foi.toml").write_text(
        f'[smtp]\nusername = "campaigns"\npassword = "{SMTP_PASSWORD}"\n\n'
        '[imap]\npassword = "imap-Wrong-77"\n', encoding="utf-8")

    result = foi_subprocess("check")

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[2] == (f"SMTP: PROBLEM: The SMTP server 127.0.0.1:{mail.smtp.port} refused the login for "
                        "campaigns: 535 5.7.8 bad credentials for campaigns with ********")
    assert lines[3] == "  Check smtp.username and the password (or app password)."
    assert lines[4] == (f"IMAP: PROBLEM: The IMAP server 127.0.0.1:{mail.imap.port} refused the login "
                        f"for {mail.sender.username}: [AUTHENTICATIONFAILED] Authentication failed.")
    assert lines[5] == "  Check imap.username and the password."
    assert result.stderr.splitlines()[-2:] == ["Error: 2 of the 3 checks found a problem (SMTP, IMAP)",
                                               "  Fix the settings named above and run `foi check` again."]
    for secret in (SMTP_PASSWORD, "imap-Wrong-77", "the-right-one"):
        assert secret not in result.stdout + result.stderr
    assert mail.smtp.handler.count() == 0


def test_check_says_when_a_server_cannot_be_reached(mail, run, monkeypatch):
    nobody = free_port()
    monkeypatch.setenv("FOI_SMTP_PORT", str(nobody))
    monkeypatch.setenv("FOI_IMAP_PORT", str(nobody))

    result = run("check", ok=False)

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[2].startswith(f"SMTP: PROBLEM: Cannot connect to the SMTP server 127.0.0.1:{nobody}: ")
    assert lines[3] == "  Check smtp.host, smtp.port and smtp.security."
    assert lines[4].startswith(f"IMAP: PROBLEM: Cannot connect to the IMAP server 127.0.0.1:{nobody}: ")
    assert lines[5] == "  Check imap.host, imap.port and imap.security."


def test_check_names_a_folder_the_mailbox_does_not_have(mail, run, monkeypatch):
    monkeypatch.setenv("FOI_IMAP_FOLDERS", "INBOX,Replies")
    monkeypatch.setenv("FOI_IMAP_SENT_FOLDER", "Sent Items")

    result = run("check", ok=False)

    assert result.exit_code == 1
    assert result.stdout.splitlines()[3:6] == [
        f"IMAP: PROBLEM: 127.0.0.1:{mail.imap.port} (none): logged in as {mail.sender.username}, but the mailbox "
        "has no folder 'Replies' (imap.folders), 'Sent Items' (imap.sent_folder)",
        "  Use a folder name exactly as listed (the folders on the server are listed below).",
        "  folders on the server: INBOX, Sent"]


def test_check_with_nothing_set_says_what_is_missing(run, isolated):
    result = run("check", ok=False)

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "Settings: no settings file (foi.toml); the FOI_* variables only",
        "Sender: PROBLEM: no name to sign the requests with; no address to send them from",
        "  Set [sender] name and email in foi.toml (or FOI_SENDER_NAME, FOI_SENDER_EMAIL).",
        "SMTP: PROBLEM: not set up: `foi send` writes the messages into outbox/ and nobody receives them",
        "  Set [smtp] host, username and password_command in foi.toml (or FOI_SMTP_HOST...).",
        "IMAP: PROBLEM: not set up: `foi sync` cannot fetch the replies (`foi import` reads saved ones)",
        "  Set [imap] host, username and password_command in foi.toml (or FOI_IMAP_HOST...)."]
    assert result.stderr.splitlines() == [
        "Error: 3 of the 3 checks found a problem (Sender, SMTP, IMAP)",
        "  Fix the settings named above and run `foi check` again; `foi init` writes a foi.toml to fill in."]
    assert not (isolated / "campaign.db").exists()  # a check needs no campaign


def test_check_of_a_half_filled_foi_toml(run, isolated, monkeypatch):
    run("init")
    text = (isolated / "foi.toml").read_text(encoding="utf-8")
    text = text.replace('# name = "Children', 'name = "Children').replace(
        '# host = "smtp.office365.com"', 'host = "smtp.office365.com"').replace(
        '# username = "campaigns@charity.org.uk"\n\n# A command that prints the password (here',
        'username = "campaigns@charity.org.uk"\n\n# A command that prints the password (here')
    (isolated / "foi.toml").write_text(text, encoding="utf-8")

    result = run("check", ok=False)

    assert result.stdout.splitlines()[:5] == [
        f"Settings: {(isolated / 'foi.toml').resolve()}",
        "Sender: PROBLEM: no address to send them from",
        "  Set [sender] email in foi.toml (or FOI_SENDER_EMAIL).",
        "SMTP: PROBLEM: no password for campaigns@charity.org.uk",
        "  Set [smtp] password_command in foi.toml, or FOI_SMTP_PASSWORD."]


def test_check_says_when_the_mailbox_lets_us_in_but_will_not_list_its_folders(monkeypatch):
    """A failed LIST (or a line dropped after the login) is a problem said in words, not a traceback."""
    import imaplib

    from foi.mail import check

    class Refusing:
        def list_folders(self):
            raise imaplib.IMAP4.error("LIST failed: server busy")

    monkeypatch.setattr(check.ImapSentFolder, "client", property(lambda self: Refusing()))
    config = load_config(None, env={"FOI_IMAP_HOST": "imap.test", "FOI_IMAP_USERNAME": "jo",
                                    "FOI_IMAP_PASSWORD": "imap-Secret"})

    finding = check.check_imap(config.imap)

    assert (finding.part, finding.ok, finding.said, finding.hint, finding.folders) == (
        "IMAP", False, "Cannot list the folders of the IMAP mailbox: LIST failed: server busy",
        "Try again later; if it goes on, check imap.security.", [])
