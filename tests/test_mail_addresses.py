"""Plain address headers read without the standard library's parser answer as it does."""

import itertools
from email.utils import getaddresses

from foi.mail.parse import _addresses, _plain_address

NAMES = ["", "FOI Team", "Information  Governance", "O'Neill", "Mary-Jane Smith", "A - B", "Team 2", " Lead",
         "J. Smith", '"Smith, J"', "Info (FOI)", "=?utf-8?q?Caf=C3=A9?=", "Ann\tLee"]
SPECS = ["foi@council.gov.uk", "First.Last@Example.ORG", "a+b_c%d-e@x-y.z", "x@y", "a..b@c.d", ".a@b.c",
         "a@b..c", "a@[10.0.0.1]", "@b.c", "a@", "a b@c.d"]


def _headers():
    for name, spec in itertools.product(NAMES, SPECS):
        yield f"{name} <{spec}>"
        yield f"{name}<{spec}>  "
        yield f"  {spec} "
        yield f"{spec}, other@b.c"
        yield f"{name} <{spec}> (a comment)"


def test_a_plain_address_reads_as_the_general_parser_reads_it():
    short = 0
    for header in sorted(set(_headers())):
        plain = _plain_address([header])
        if plain is not None:
            assert plain == getaddresses([header]), header
            short += 1
    assert short > 50


def test_the_common_shapes_take_the_short_way():
    assert _plain_address(["FOI Team <foi@council.gov.uk>"]) == [("FOI Team", "foi@council.gov.uk")]
    assert _plain_address(["foi@council.gov.uk"]) == [("", "foi@council.gov.uk")]
    assert _plain_address(['"Smith, J" <j@x.org>']) is None  # quoted: the general parser
    assert _plain_address(["a@x.org", "b@x.org"]) is None  # two headers


def test_addresses_come_out_the_same_either_way():
    assert _addresses(["Information  Governance <FOI@Council.GOV.uk>"]) == [("Information Governance",
                                                                             "foi@council.gov.uk")]
    assert _addresses(["=?utf-8?q?Caf=C3=A9?= <a@b.org>"]) == [("Café", "a@b.org")]
