"""The register of public bodies: the bundled English councils plus bodies users add.

Everything here takes an open Database; nothing prints.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from foi.dbread import Queries
from foi.errors import FoiError

if TYPE_CHECKING:  # `foi status` reads without importing sqlite-utils (foi.dbread)
    from sqlite_utils import Database

REGISTER_FILE = "english_councils.csv"

COUNCIL_TYPES = {
    "CTY": "County council",
    "NMD": "Non-metropolitan district",
    "UA": "Unitary authority",
    "MD": "Metropolitan district",
    "LBO": "London borough",
    "CC": "City of London",
}

LISTING_COLUMNS = ["code", "gss_code", "name", "type", "region", "childrens_services", "foi_email"]

# A pragmatic address check: one @, a dotted domain, no spaces or control characters.
EMAIL_PATTERN = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
                           r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,15}$")

# What users set (import, set-email, set-address): the bundled register never blanks them.
USER_COLUMNS = ("foi_email", "email_source", "email_checked_on", "notes", "postal_address")
# A postal address is stored as its lines joined by "; " (as FOI_SENDER_ADDRESS is given).
ADDRESS_SEPARATOR = "; "
MAX_ADDRESS_LINES = 8


def read_register() -> list[dict]:
    """The bundled register rows, typed for the bodies table."""
    from importlib import resources  # lazy: start-up

    text = resources.files("foi.data").joinpath(REGISTER_FILE).read_text(encoding="utf-8")
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        record = {key: (value or None) for key, value in row.items() if value or key not in USER_COLUMNS}
        record["childrens_services"] = 1 if row["childrens_services"] == "True" else 0
        record["origin"] = "register"
        rows.append(record)
    return rows


def load_register(db: Database, now: str | None = None) -> int:
    """Upsert the bundled councils; addresses and notes users set are left alone
    (the register ships none of them)."""
    rows = read_register()
    for row in rows:
        row["updated_at"] = now
    db.table("bodies").upsert_all(rows, pk="code")
    return len(rows)


def list_bodies(
    db: Database,
    *,
    types: Iterable[str] = (),
    regions: Iterable[str] = (),
    childrens_services: bool | None = None,
    missing_email: bool = False,
    codes: Iterable[str] = (),
) -> list[dict]:
    """Bodies matching every filter given, ordered by name."""
    where: list[str] = []
    params: list[str | int] = []
    for column, values in (("type", types), ("region", regions), ("code", codes)):
        values = [v.upper() if column != "region" else v for v in values]
        if values:
            if column == "region":
                where.append(f"lower(region) IN ({', '.join('?' * len(values))})")
                values = [v.lower() for v in values]
            else:
                where.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    if childrens_services is not None:
        where.append("childrens_services = ?")
        params.append(1 if childrens_services else 0)
    if missing_email:
        where.append("(foi_email IS NULL OR foi_email = '')")
    sql = "SELECT * FROM bodies"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return list(db.query(sql + " ORDER BY name", params))


def unknown_types(db: Database, types: Iterable[str]) -> tuple[list[str], list[str]]:
    """(the types given that no body has, every known type code) for a --type filter:
    the council types plus any a user gave to a body they added."""
    known = set(COUNCIL_TYPES) | {row["type"] for row in db.query("SELECT DISTINCT type FROM bodies")}
    return [t for t in types if t.upper() not in known], sorted(known)


def regions(db: Queries) -> list[str]:
    """Every region a body in the register is in, for checking a --region filter."""
    return [row["region"] for row in db.query(
        "SELECT DISTINCT region FROM bodies WHERE region IS NOT NULL AND region != '' ORDER BY region")]


BODY_HINT = ("Give a code (BNS, any case), a GSS code (E08000016) or the exact name; "
             "`foi councils list` shows them.")


def find_body(db: Database, identifier: str) -> dict:
    """One body by code, GSS code, exact name or short name, in any case.

    The one way a body the user names is found: every command that takes a body
    comes here (through the CLI's shared --body option and BODY argument)."""
    ident = identifier.strip()
    for column in ("code", "gss_code", "name", "short_name"):
        rows = list(db.query(f"SELECT * FROM bodies WHERE {column} = ? COLLATE NOCASE", [ident]))
        if len(rows) == 1:
            return rows[0]
        if len(rows) > 1:
            codes = ", ".join(sorted(row["code"] for row in rows))
            raise FoiError(f"{identifier!r} is the {column.replace('_', ' ')} of {len(rows)} bodies ({codes})",
                           "Give the code instead.")
    raise FoiError(f"No public body matches {identifier!r}", BODY_HINT)


def validate_email(address: str) -> str | None:
    """The reason `address` is not usable, or None if it is."""
    if not address:
        return "no address given"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in address):
        return "address contains control characters"
    if not EMAIL_PATTERN.match(address):
        return f"{address!r} is not a valid email address"
    return None


def address_lines(text: str | None) -> list[str]:
    """The lines of a postal address, given with ';' or line breaks between them."""
    return [" ".join(part.split()) for part in re.split(r"[;\r\n]+", text or "") if part.strip()]


def postal_address_problem(text: str) -> str | None:
    """The reason `text` is not usable as a postal address, or None if it is."""
    lines = address_lines(text)
    if any(ord(ch) < 32 or ord(ch) == 127 for line in lines for ch in line):
        return "the postal address contains control characters"
    if len(lines) > MAX_ADDRESS_LINES:
        return (f"the postal address has {len(lines)} lines; at most {MAX_ADDRESS_LINES} fit above a letter "
                "(lines are separated by ';')")
    return None


def normal_postal_address(text: str | None) -> str | None:
    """A postal address as stored: its lines joined by '; ', or None when empty."""
    return ADDRESS_SEPARATOR.join(address_lines(text)) or None


def set_postal_address(db: Database, identifier: str, text: str, *, now: str | None = None) -> dict:
    """Set (or, with an empty text, clear) the postal address letters to a body carry."""
    body = find_body(db, identifier)
    problem = postal_address_problem(text)
    if problem:
        raise FoiError(f"Cannot set the postal address of {body['name']}: {problem}")
    db.table("bodies").update(body["code"], {"postal_address": normal_postal_address(text), "updated_at": now})
    return db.table("bodies").get(body["code"])


def set_email(db: Database, identifier: str, address: str, *, source: str | None = None,
              checked_on: str | None = None, now: str | None = None) -> dict:
    body = find_body(db, identifier)
    address = address.strip()
    problem = validate_email(address)
    if problem:
        raise FoiError(f"Cannot set the address of {body['name']}: {problem}")
    changes = {"foi_email": address, "updated_at": now}
    if source is not None:
        changes["email_source"] = source
    if checked_on is not None:
        changes["email_checked_on"] = checked_on
    db.table("bodies").update(body["code"], changes)
    return db.table("bodies").get(body["code"])


def add_body(db: Database, *, code: str, name: str, type: str, region: str | None = None,
             foi_email: str | None = None, website: str | None = None,
             domain: str | None = None, postal_address: str | None = None, now: str | None = None) -> dict:
    """Add a body that is not in the register (a police force, an NHS trust...)."""
    code = code.strip().upper()
    if not CODE_PATTERN.match(code):
        raise FoiError(f"Code {code!r} must be 2-16 letters, digits, '-' or '_'")
    if db["bodies"].count_where("code = ?", [code]):
        raise FoiError(f"A body with code {code} already exists")
    if any(ord(ch) < 32 for ch in name):
        raise FoiError("A body's name may not contain line breaks or control characters")
    if foi_email:
        problem = validate_email(foi_email)
        if problem:
            raise FoiError(f"Cannot add {name}: {problem}")
    if postal_address and (problem := postal_address_problem(postal_address)):
        raise FoiError(f"Cannot add {name}: {problem}")
    if foi_email and not domain:
        domain = foi_email.rsplit("@", 1)[1].lower()
    db.table("bodies").insert({
        "code": code, "name": name.strip(), "type": type.strip().upper(), "region": region,
        "foi_email": foi_email, "website": website, "domain": domain,
        "childrens_services": 0, "origin": "user", "postal_address": normal_postal_address(postal_address),
        "updated_at": now,
    })
    return db.table("bodies").get(code)
