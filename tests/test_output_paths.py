"""A file written into a folder that does not exist is a usage error naming the folder,
never a FileNotFoundError traceback, for every command that writes a file."""

from __future__ import annotations

import pytest

from tests.builders import make_campaign


@pytest.mark.parametrize("command", [
    ["export", "eh", "--what", "dataset", "--format", "csv", "-o", "no-such-folder/dataset.csv"],
    ["export", "eh", "--what", "messages", "--format", "xlsx", "-o", "no-such-folder/messages.xlsx"],
    ["export", "eh", "--what", "correspondence", "-o", "no-such-folder/letters.zip"],
    ["report", "eh", "--html", "no-such-folder/report.html"],
    ["calendar", "eh", "--ics", "no-such-folder/due.ics"],
    ["councils", "export", "-o", "no-such-folder/councils.csv"],
])
def test_a_missing_folder_is_said_not_a_traceback(run, command):
    make_campaign(count=2)
    result = run(*command, ok=False)
    assert result.exit_code == 2
    assert "the folder 'no-such-folder' does not exist: create it first, or write the file elsewhere" in result.stderr
    assert "Traceback" not in result.stderr
