"""foi.mail.boundaries: the mail parser's boundary lines found without compiling a regex
for each multipart must be found exactly as the compiled pattern finds them."""

import email
import email.feedparser
import random
import re
from email.policy import compat32

import pytest

from foi.mail import boundaries
from foi.mail.boundaries import BoundaryLine, boundary_line

GROUPS = (0, "sep", "end", "ws", "linesep")


def the_parsers_pattern(separator: str) -> str:
    """The pattern email.feedparser compiles for a multipart's separator."""
    return "(?P<sep>" + re.escape(separator) + r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"


def read(match) -> tuple | None:
    return None if match is None else tuple(match.group(name) for name in GROUPS)


PIECES = ["", "-", "--", "---", " ", "\t", "  \t", "\r", "\n", "\r\n", "\n\n", "\r\r", "\r\n\n", "x", "==", " x",
          "--\r\n", "-- \n", "--x", "\x0b", "\u2028", ".", "(", "\\"]
BOUNDARIES = ["simple", "===============1234567890==", "a.b(c)+d?", "with space", "_Part_1_2.3",
              "--already-dashed", "back\\slash", "tab\there", "ünïcode", "[set]{1,2}^$|*"]


def test_each_generated_line_is_matched_as_the_compiled_pattern_matches_it():
    rng = random.Random(11)
    for boundary in BOUNDARIES:
        separator = "--" + boundary
        compiled = re.compile(the_parsers_pattern(separator))
        shortcut = boundary_line(the_parsers_pattern(separator))
        assert isinstance(shortcut, BoundaryLine) and shortcut.separator == separator
        lines = {separator + "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 4))) for _ in range(3000)}
        lines |= {separator[:-1], "x" + separator, separator.upper(), ""}
        for line in lines:
            assert read(shortcut.match(line)) == read(compiled.match(line)), (boundary, line)


@pytest.mark.parametrize("pattern", [
    r"(\r\n|\r|\n)\Z",
    the_parsers_pattern("--b").replace("[ \\t]*", "[ ]*"),  # another shape: compiled as it is
    "(?P<sep>--b)(?P<end>--)?",
])
def test_other_patterns_are_left_to_the_re_module(pattern):
    assert boundary_line(pattern) is None


def test_a_pattern_of_the_shape_with_flags_is_left_to_the_re_module():
    assert boundary_line(the_parsers_pattern("--b"), re.IGNORECASE) is None


def multipart(boundary: str, tail: str, nested: bool) -> bytes:
    inner = ("--inner\r\nContent-Type: text/plain\r\n\r\ndeep\r\n--inner--\r\n" if nested else "")
    parts = [
        "From: a@council.gov.uk\r\nSubject: figures\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\npreamble\r\n',
        f"--{boundary}\r\nContent-Type: text/plain\r\n\r\nPlease find attached.\r\n",
        f"--{boundary}   \r\n--{boundary}\r\nContent-Type: text/csv\r\n\r\na,b\r\n1,2\r\n",
        (f'--{boundary}\r\nContent-Type: multipart/alternative; boundary="inner"\r\n\r\n{inner}' if nested else ""),
        f"--{boundary}--{tail}epilogue\r\n",
    ]
    return "".join(parts).encode("utf-8")


def structure(message) -> list:
    return [(part.get_content_type(), part.preamble, part.epilogue,
             None if part.is_multipart() else part.get_payload(), [type(d).__name__ for d in part.defects])
            for part in message.walk()]


@pytest.mark.parametrize("boundary", ["b1", "=_x.y(z)", "with space"])
@pytest.mark.parametrize("tail", ["\r\n", "", "  \t\r\n", "x\r\n"])
@pytest.mark.parametrize("nested", [False, True])
def test_whole_messages_are_parsed_alike_with_and_without_it(monkeypatch, boundary, tail, nested):
    raw = multipart(boundary, tail, nested)
    boundaries.install()
    used = []  # the lines the parser asked the matcher about: none if it compiled its own pattern
    match = BoundaryLine.match
    monkeypatch.setattr(BoundaryLine, "match", lambda self, line: used.append(line) or match(self, line))
    with_it = structure(email.message_from_bytes(raw, policy=compat32))
    assert f"--{boundary}\r\n" in used  # the standard parser's own pattern is what it answers
    monkeypatch.setattr(email.feedparser, "re", re)
    without = structure(email.message_from_bytes(raw, policy=compat32))
    assert with_it == without
    assert len(with_it) >= 3


def test_installed_by_reading_mail_and_only_once():
    import foi.mail.parse  # noqa: F401 - installs it

    installed = email.feedparser.re
    assert isinstance(installed, boundaries._ReForFeedparser)
    boundaries.install()
    assert email.feedparser.re is installed
    assert installed.escape("a.b") == re.escape("a.b")  # the rest of re is the re module's
