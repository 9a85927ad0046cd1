"""Shared set-up for the campaign tests: a register, a few addresses, the example file."""

from pathlib import Path

from foi.db import connect
from foi.register.councils import load_register, set_email

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "early-help.toml"
NOW = "2026-03-04T10:00:00+00:00"
ADDRESSES = {"BNS": "foi@barnsley.gov.uk", "LDS": "foi@leeds.gov.uk"}


def make_db(path: Path = Path("campaign.db")):
    db = connect(path)
    load_register(db)
    for code, address in ADDRESSES.items():
        set_email(db, code, address)
    return db


def example_text(**replace: str) -> str:
    """The example file with some exact substrings replaced."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text
