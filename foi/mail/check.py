"""`foi check`: do the mail settings work? Logs in to the SMTP and IMAP servers
(no mail is sent, nothing is changed), lists the IMAP folders, and says in words what
is missing or wrong. Passwords are never part of what it says."""

from dataclasses import dataclass, field

from foi.config import Config, ImapConfig, SenderConfig, ServerConfig, SmtpConfig
from foi.errors import FoiError
from foi.mail.transport import ImapSentFolder, SmtpTransport


@dataclass
class Finding:
    """What was found about one part of the settings (sender, SMTP, IMAP)."""

    part: str
    ok: bool
    said: str
    hint: str | None = None
    folders: list[str] = field(default_factory=list)  # IMAP: the folders on the server


def check_settings(config: Config) -> list[Finding]:
    """The sender, then SMTP, then IMAP, each checked whatever the others gave."""
    return [check_sender(config.sender), check_smtp(config.smtp), check_imap(config.imap)]


def check_sender(sender: SenderConfig) -> Finding:
    missing = [key for key in ("name", "email") if not getattr(sender, key)]
    if missing:
        words = {"name": "no name to sign the requests with", "email": "no address to send them from"}
        return Finding("Sender", False, "; ".join(words[key] for key in missing),
                       f"Set [sender] {' and '.join(missing)} in foi.toml "
                       f"(or {', '.join('FOI_SENDER_' + key.upper() for key in missing)}).")
    return Finding("Sender", True, f"{sender.name} <{sender.email}>")


def _missing_login(server: ServerConfig, what: str) -> Finding | None:
    """A Finding when a server is not set up far enough to try it."""
    section = server.kind
    if not server.host:
        return Finding(section.upper(), False, f"not set up: {what}",
                       f"Set [{section}] host, username and password_command in foi.toml "
                       f"(or FOI_{section.upper()}_HOST...).")
    if server.username and not (server.password or server.password_command or server.oauth2_token_command):
        return Finding(section.upper(), False, f"no password for {server.username}",
                       f"Set [{section}] password_command in foi.toml, or FOI_{section.upper()}_PASSWORD.")
    if section == "imap" and not server.username:
        return Finding("IMAP", False, "no username to log in to the mailbox with",
                       "Set [imap] username in foi.toml (or FOI_IMAP_USERNAME).")
    return None


def _refused(part: str, error: FoiError) -> Finding:
    """A server that would not let us in: its error's words, and apart the hint."""
    return Finding(part, False, error.args[0], error.hint)


def check_smtp(smtp: SmtpConfig) -> Finding:
    """Connect and log in as `foi send` does, then leave without sending anything."""
    missing = _missing_login(smtp, "`foi send` writes the messages into outbox/ and nobody receives them")
    if missing:
        return missing
    where = f"{smtp.host}:{smtp.effective_port}"
    transport = SmtpTransport(smtp)
    try:
        transport.open()
    except FoiError as error:
        return _refused("SMTP", error)
    finally:
        transport.close()
    login = f"logged in as {smtp.username}" if smtp.username else "connected (no login: smtp.username is not set)"
    return Finding("SMTP", True, f"{where} ({smtp.security}): {login}; no mail sent")


def check_imap(imap: ImapConfig) -> Finding:
    """Log in as `foi sync` does, list the folders, and check the ones the settings name."""
    missing = _missing_login(imap, "`foi sync` cannot fetch the replies (`foi import` reads saved ones)")
    if missing:
        return missing
    where = f"{imap.host}:{imap.effective_port}"
    mailbox = ImapSentFolder(imap)
    try:
        folders = mailbox.folders()
    except FoiError as error:
        return _refused("IMAP", error)
    finally:
        mailbox.close()
    named = list(imap.folders) + ([imap.sent_folder] if imap.sent_folder else [])
    absent = [name for name in named if name not in folders]
    said = f"{where} ({imap.security}): logged in as {imap.username}"
    if absent:
        keys = ["imap.sent_folder" if name == imap.sent_folder else "imap.folders" for name in absent]
        return Finding("IMAP", False, f"{said}, but the mailbox has no folder "
                       + ", ".join(f"{name!r} ({key})" for name, key in zip(absent, keys)),
                       "Use a folder name exactly as listed (the folders on the server are listed below).",
                       folders)
    return Finding("IMAP", True, f"{said}; replies read from {', '.join(imap.folders)}"
                   + (f"; sent copies go to {imap.sent_folder}" if imap.sent_folder else ""), folders=folders)
