"""A filter value foi does not know is a usage error (exit 2) that lists the values it
knows: a typo must not quietly show nothing with exit 0."""

from __future__ import annotations

import pytest

from tests.builders import make_campaign


@pytest.mark.parametrize(("command", "said"), [
    (["status", "eh", "--state", "refsued"], "Invalid value for --state: 'refsued' is not one of: "),
    (["status", "eh", "--region", "Nort West"], "Invalid value for --region: 'Nort West' is not one of: "),
    (["councils", "list", "--region", "Nort West"], "Invalid value for --region: 'Nort West' is not one of: "),
    (["inbox", "--campaign", "e-h"], "Invalid value for --campaign: 'e-h' is not one of: eh"),
])
def test_an_unknown_filter_value_is_a_usage_error_listing_the_known_ones(run, command, said):
    make_campaign(count=2)
    result = run(*command, ok=False)
    assert result.exit_code == 2
    assert said in result.stderr
    if "--region" in command:
        assert "North West" in result.stderr and "Yorkshire and The Humber" in result.stderr
    if "--state" in command:
        assert "refused" in result.stderr and "awaiting_response" in result.stderr


def test_known_values_still_filter_in_any_case_for_regions(run):
    make_campaign(count=2)
    assert run("status", "eh", "--region", "yorkshire and the humber").exit_code == 0
    assert run("councils", "list", "--region", "north west").exit_code == 0
    assert run("status", "eh", "--state", "awaiting_response").exit_code == 0
    assert run("inbox", "--campaign", "eh").exit_code == 0
