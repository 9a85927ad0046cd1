"""Request references such as EH-BNS-7K3Q: campaign prefix, body code, check code.

The check code is four Crockford base-32 characters derived from the campaign and
body, so a reference can be regenerated and a typo'd one recognised. Comparison
is tolerant of case and of the l/1, i/1 and o/0 confusions people make when they
retype a reference.
"""

import hashlib
import re

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# prefix (1-6 letters/digits), body code (2-12), check (4): separated by - or _
REFERENCE_PATTERN = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]{0,5})[-_ ]([A-Za-z0-9]{2,12})[-_ ]([A-Za-z0-9]{4})(?![A-Za-z0-9])"
)

_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def check_code(campaign_slug: str, body_code: str) -> str:
    digest = hashlib.sha256(f"{campaign_slug}\x00{body_code}".encode()).digest()
    number = int.from_bytes(digest[:4], "big")
    return "".join(CROCKFORD[(number >> (5 * i)) & 31] for i in range(4))


def make_reference(prefix: str, body_code: str, campaign_slug: str) -> str:
    return f"{prefix.upper()}-{body_code.upper()}-{check_code(campaign_slug, body_code)}"


def normalise_reference(text: str) -> str:
    """Canonical form for comparison: upper case, '-' separators, confusables folded."""
    return re.sub(r"[-_ ]", "-", text.strip().upper()).translate(_CONFUSABLE)


def find_references(text: str) -> list[str]:
    """Every reference-shaped token in `text`, normalised, in order of appearance."""
    found: list[str] = []
    for match in REFERENCE_PATTERN.finditer(text or ""):
        candidate = normalise_reference("-".join(match.groups()))
        if candidate not in found:
            found.append(candidate)
    return found
