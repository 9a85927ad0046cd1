"""Passwords never leave the process in words.

Every secret foi holds (a password from foi.toml or FOI_*_PASSWORD, what a
password_command or oauth2_token_command printed) is remembered here, with
the forms a login carries it in (base64 alone for AUTH LOGIN, with the user
name for AUTH PLAIN and XOAUTH2). Text on its way out of the process (an
error message, a failure stored in the database, a bug's traceback) passes
through redact(), so a server that quotes our credentials back, or a library
whose exception holds them, cannot carry them to the terminal or the disk.
"""

import base64
import os
import tomllib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # foi.config runs subprocess and tomllib imports; the CLI's error path need not
    from foi.config import Config, ServerConfig

MASK = "********"
# Shorter "secrets" would mask ordinary words in every message (and are no protection anyway).
MIN_LENGTH = 4
# Read from the environment at each redact(): set before foi ran, they need no remembering.
SECRET_VARIABLES = ("FOI_SMTP_PASSWORD", "FOI_IMAP_PASSWORD")

_known: set[str] = set()


def remember(secret: str | None, username: str | None = None) -> str | None:
    """Note `secret` as never to be shown, and return it unchanged."""
    if secret:
        _known.update(_forms(secret, username))
    return secret


def remember_config(config: "Config") -> None:
    """Note the passwords written in a loaded Config (foi.toml or the environment)."""
    for server in (config.smtp, config.imap):
        remember(server.password, server.username)


def secret_of(server: "ServerConfig") -> str:
    """The password (or OAuth2 token) of a ServerConfig, remembered before use."""
    return remember(server.secret(), server.username) or ""


def redact(text: str, environ: Mapping[str, str] | None = None) -> str:
    """`text` with every known secret, in any of its remembered forms, masked."""
    environ = os.environ if environ is None else environ
    found = set(_known)
    for name in SECRET_VARIABLES:
        found.update(_forms(environ.get(name, ""), None))
    for secret in sorted(found, key=len, reverse=True):  # the longest first: a form may hold another
        text = text.replace(secret, MASK)
    return text


def _forms(secret: str, username: str | None) -> Iterable[str]:
    if len(secret) < MIN_LENGTH:
        return []
    forms = [secret, _b64(secret)]
    if username:
        forms += [_b64(f"\0{username}\0{secret}"), _b64(f"user={username}\x01auth=Bearer {secret}\x01\x01")]
    return forms


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def plain_text_passwords(config: "Config") -> list[str]:
    """The password keys written in the settings file itself, used or overridden by
    the environment: accepted, but anyone who can read the file has them."""
    if config.source is None:
        return []
    raw = tomllib.loads(config.source.read_text(encoding="utf-8"))  # load_config read it a moment ago
    return [f"{kind}.password" for kind in ("smtp", "imap")
            if isinstance(raw.get(kind), dict) and raw[kind].get("password")]
