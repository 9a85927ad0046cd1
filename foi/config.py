"""Settings for talking to mail servers: `foi.toml` in the campaign folder
(or `--config FILE`), every key overridable by an environment variable.

Layout (all keys optional):

    [smtp]   host port security username password password_command
             oauth2_token_command rate retry_delays timeout
    [imap]   host port security username password password_command
             oauth2_token_command folders sent_folder append_sent timeout
    [sender] name email reply_to
    [outbox] counts_as_sent (without [smtp], mail goes to outbox/ and nobody receives it;
             true if you send those files yourself and the clock should start when written)
    [limits] memory_mb cpu_seconds wall_seconds output_mb message_seconds (what reading one received
             file may take; see foi.bounded)

Environment variables are FOI_<SECTION>_<KEY> (FOI_SMTP_HOST, FOI_IMAP_FOLDERS...)
plus FOI_SEND_RATE (smtp.rate) and FOI_REPLY_TO (sender.reply_to).

Secrets are never stored on the Config object's repr, never written anywhere:
`secret()` reads them (running password_command if given) only when needed.
"""

import os
import subprocess
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from foi.bounded import ReadLimits
from foi.errors import FoiError

DEFAULT_FILE = "foi.toml"
SECURITY_VALUES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {
    "smtp": {"starttls": 587, "ssl": 465, "none": 25},
    "imap": {"starttls": 143, "ssl": 993, "none": 143},
}
# Microsoft 365 allows 30 messages a minute per mailbox; Gmail is more generous.
DEFAULT_SEND_RATE = 30.0
DEFAULT_RETRY_DELAYS = (30.0, 120.0, 300.0)

_COMMON_KEYS = {"host", "port", "security", "username", "password", "password_command",
                "oauth2_token_command", "timeout"}
KEYS: dict[str, set[str]] = {
    "smtp": _COMMON_KEYS | {"rate", "retry_delays"},
    "imap": _COMMON_KEYS | {"folders", "sent_folder", "append_sent"},
    "sender": {"name", "email", "reply_to"},
    "outbox": {"counts_as_sent"},
    "limits": {"memory_mb", "cpu_seconds", "wall_seconds", "output_mb", "message_seconds"},
}
ENV_ALIASES = {"FOI_SEND_RATE": ("smtp", "rate"), "FOI_REPLY_TO": ("sender", "reply_to")}


@dataclass(frozen=True)
class ServerConfig:
    """One mail server account. `password` is kept out of repr."""

    kind: str  # "smtp" or "imap"
    host: str | None = None
    port: int | None = None
    security: str = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    password_command: str | None = field(default=None, repr=False)
    oauth2_token_command: str | None = field(default=None, repr=False)
    timeout: float = 60.0

    @property
    def configured(self) -> bool:
        return bool(self.host)

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.kind][self.security]

    @property
    def uses_oauth2(self) -> bool:
        return bool(self.oauth2_token_command)

    def secret(self) -> str | None:
        """The password (or OAuth2 access token when oauth2_token_command is set)."""
        if self.oauth2_token_command:
            return run_secret_command(self.oauth2_token_command, f"{self.kind}.oauth2_token_command")
        if self.password_command:
            return run_secret_command(self.password_command, f"{self.kind}.password_command")
        return self.password


@dataclass(frozen=True)
class SmtpConfig(ServerConfig):
    rate: float = DEFAULT_SEND_RATE
    retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS


@dataclass(frozen=True)
class ImapConfig(ServerConfig):
    security: str = "ssl"
    folders: tuple[str, ...] = ("INBOX",)
    sent_folder: str | None = None
    append_sent: bool = True


@dataclass(frozen=True)
class SenderConfig:
    name: str | None = None
    email: str | None = None
    reply_to: str | None = None

    def reply_to_for(self, reference: str) -> str | None:
        if not self.reply_to:
            return None
        # Lower case: the same address the request's text gives (foi.letters.render.reply_address).
        return self.reply_to.replace("{reference}", reference.lower())


@dataclass(frozen=True)
class OutboxConfig:
    """Without [smtp], messages are written into outbox/, which nobody reads: they stay
    unsent unless the user says they send those files on themselves."""

    counts_as_sent: bool = False


@dataclass(frozen=True)
class Config:
    smtp: SmtpConfig = field(default_factory=lambda: SmtpConfig("smtp"))
    imap: ImapConfig = field(default_factory=lambda: ImapConfig("imap"))
    sender: SenderConfig = field(default_factory=SenderConfig)
    outbox: OutboxConfig = field(default_factory=OutboxConfig)
    limits: ReadLimits = field(default_factory=ReadLimits)
    source: Path | None = None


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read `path` (default ./foi.toml if present), then apply FOI_* overrides."""
    env = os.environ if env is None else env
    explicit = path is not None
    path = Path(path) if path is not None else Path(DEFAULT_FILE)
    raw: dict = {}
    if path.exists():
        raw = read_toml(path)
    elif explicit:
        raise FoiError(f"No configuration file at {path}")
    check_keys(raw, path)
    apply_env(raw, env)
    return parse_config(raw, path if path.exists() else None)


def read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise FoiError(f"{path} is not valid TOML: {error}") from None


def check_keys(raw: dict, path: Path) -> None:
    for section, values in raw.items():
        if section not in KEYS:
            raise FoiError(f"Unknown section [{section}] in {path}",
                           f"Known sections: {', '.join('[' + s + ']' for s in KEYS)}.")
        if not isinstance(values, dict):
            raise FoiError(f"{section} in {path} must be a [{section}] table")
        for key in values:
            if key not in KEYS[section]:
                raise FoiError(f"Unknown key {section}.{key} in {path}",
                               f"Known keys in [{section}]: {', '.join(sorted(KEYS[section]))}.")


def apply_env(raw: dict, env: Mapping[str, str]) -> None:
    """FOI_SMTP_HOST=... beats [smtp] host = ...; empty variables are ignored."""
    targets = dict(ENV_ALIASES)
    for section, keys in KEYS.items():
        for key in keys:
            targets[f"FOI_{section.upper()}_{key.upper()}"] = (section, key)
    for name, (section, key) in targets.items():
        value = env.get(name)
        if value:
            raw.setdefault(section, {})[key] = _from_env(key, value)


def _from_env(key: str, value: str):
    if key in ("folders", "retry_delays"):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def parse_config(raw: dict, source: Path | None) -> Config:
    smtp_raw, imap_raw = dict(raw.get("smtp", {})), dict(raw.get("imap", {}))
    smtp = SmtpConfig(
        **_server_fields("smtp", smtp_raw, "starttls"),
        rate=_number(smtp_raw.pop("rate", DEFAULT_SEND_RATE), "smtp.rate"),
        retry_delays=tuple(_number(v, "smtp.retry_delays")
                           for v in _list(smtp_raw.pop("retry_delays", DEFAULT_RETRY_DELAYS), "smtp.retry_delays")),
    )
    imap = ImapConfig(
        **_server_fields("imap", imap_raw, "ssl"),
        folders=tuple(str(f) for f in _list(imap_raw.pop("folders", ["INBOX"]), "imap.folders")),
        sent_folder=_text(imap_raw.pop("sent_folder", None), "imap.sent_folder"),
        append_sent=_bool(imap_raw.pop("append_sent", True), "imap.append_sent"),
    )
    if imap.sent_folder and not imap.configured:
        raise FoiError("imap.sent_folder is set but imap.host is not",
                       "Set [imap] host (or FOI_IMAP_HOST), or remove sent_folder.")
    sender_raw = raw.get("sender", {})
    sender = SenderConfig(**{k: _text(sender_raw.get(k), f"sender.{k}") for k in KEYS["sender"]})
    if sender.email and "@" not in sender.email:
        raise FoiError(f"sender.email {sender.email!r} is not an email address")
    outbox = OutboxConfig(_bool(raw.get("outbox", {}).get("counts_as_sent", False), "outbox.counts_as_sent"))
    return Config(smtp=smtp, imap=imap, sender=sender, outbox=outbox, limits=_limits(raw.get("limits", {})),
                  source=source)


def _limits(raw: dict) -> ReadLimits:
    """[limits]: each a positive number; a limit too small to read an ordinary reply is refused."""
    defaults = ReadLimits()
    least = {"memory_mb": 64, "cpu_seconds": 1, "wall_seconds": 1, "output_mb": 1, "message_seconds": 1}
    values: dict[str, Any] = {}
    for key, floor in least.items():
        value = _number(raw.get(key, getattr(defaults, key)), f"limits.{key}")
        if value < floor:
            raise FoiError(f"limits.{key} is {value:g}; it must be at least {floor}",
                           "The limits bound what reading one received file may take; "
                           "too small and ordinary replies go unread.")
        values[key] = int(value) if key.endswith("_mb") else value
    return ReadLimits(**values)


def _server_fields(kind: str, raw: dict, default_security: str) -> dict:
    security = str(raw.get("security", default_security)).lower()
    if security not in SECURITY_VALUES:
        raise FoiError(f"{kind}.security is {raw.get('security')!r}",
                       f"Use one of: {', '.join(SECURITY_VALUES)}.")
    port = raw.get("port")
    if port is not None:
        try:
            port = int(port)
        except (TypeError, ValueError):
            raise FoiError(f"{kind}.port is {port!r}, not a number") from None
        if not 1 <= port <= 65535:
            raise FoiError(f"{kind}.port is {port}, outside 1-65535")
    fields = {"kind": kind, "security": security, "port": port,
              "timeout": _number(raw.get("timeout", 60), f"{kind}.timeout")}
    for key in ("host", "username", "password", "password_command", "oauth2_token_command"):
        fields[key] = _text(raw.get(key), f"{kind}.{key}")
    return fields


def _text(value, key: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        if key.endswith(("password", "_command")):  # never repeated, even when it is not text
            raise FoiError(f"{key} must be text (in quotes)")
        raise FoiError(f"{key} must be text, not {value!r}")
    return value


def _number(value, key: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FoiError(f"{key} is {value!r}, not a number") from None
    if number < 0:
        raise FoiError(f"{key} is {value!r}; it cannot be negative")
    return number


def _list(value, key: str) -> list:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, (list, tuple)):
        raise FoiError(f"{key} must be a list, not {value!r}")
    return list(value)


def _bool(value, key: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise FoiError(f"{key} is {value!r}; use true or false")


def run_secret_command(command: str, key: str) -> str:
    """Run the user's command (e.g. a keyring lookup); its stdout is the secret.
    Neither stdout nor the secret ever appears in an error message."""
    try:
        done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        raise FoiError(f"{key} did not finish within 60 seconds") from None
    if done.returncode != 0:
        raise FoiError(f"{key} failed with exit code {done.returncode}",
                       "Run the command yourself to see what is wrong.")
    secret = done.stdout.strip()
    if not secret:
        raise FoiError(f"{key} printed nothing")
    return secret


def person_deciding(given: str | None = None) -> str:
    """Who is recording a value by hand, for the record: the name given (`foi answer --by`),
    else FOI_USER, else the login name. A name is kept to one line of at most 100 characters."""
    for name in (given, os.environ.get("FOI_USER")):
        if named := " ".join((name or "").split()):
            return named[:100]
    import getpass  # lazy: start-up

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "unknown"
