"""A date given on the command line that is not a YYYY-MM-DD day is a usage error (exit 2)
saying why: an impossible day, or a day written the British (or American) way."""

from __future__ import annotations

import pytest

from tests.builders import example_campaign


def test_an_impossible_day_for_a_deadline_is_said(run):
    result = run("deadline", "2026-02-30", ok=False)
    assert result.exit_code == 2
    assert "'2026-02-30' is not a date: day is out of range for month" in result.stderr


@pytest.mark.parametrize("command", [
    ["mark-sent", "early-help", "BNS", "--via", "portal", "--on", "02/03/2026"],
    ["deadline", "02/03/2026"],
])
def test_a_day_written_day_first_is_a_usage_error_that_shows_the_form(run, command):
    example_campaign()
    result = run(*command, ok=False)
    assert result.exit_code == 2
    assert ("'02/03/2026' is not a date foi can read: write it as YYYY-MM-DD, e.g. 2026-03-02 "
            "(02/03/2026 is 2 March in the UK and 3 February in the US)") in result.stderr


def test_a_campaign_and_body_still_reach_the_request_timeline(run):
    example_campaign()
    run("mark-sent", "early-help", "BNS", "--via", "portal", "--on", "2026-03-02")
    assert "2026-03-02" in run("deadline", "early-help", "BNS").stdout


@pytest.mark.parametrize("value", ["refused:s99", "refused:s5", "refused:section 13"])
def test_a_refusal_under_a_section_that_refuses_nothing_is_not_recorded(run, value):
    example_campaign()
    failed = run("answer", "early-help", "BNS", "rereferrals", "2016/17", value, ok=False)
    assert failed.exit_code == 1
    assert "is not a section under which information is refused" in failed.stderr


@pytest.mark.parametrize(("value", "section"), [("refused:s12", "s.12"), ("refused:s40(2)", "s.40(2)"),
                                                ("refused:reg.12(4)(b)", "reg.12(4)(b)")])
def test_a_refusal_under_a_real_section_is_recorded(run, value, section):
    example_campaign()
    said = run("answer", "early-help", "BNS", "rereferrals", "2016/17", value, "--by", "Sam").stdout.strip()
    assert said.endswith(f": refused {section} (by Sam)")
