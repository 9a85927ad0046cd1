"""`foi import` that finds nothing to import says so and exits 1 (a missing path, a PNG,
a PDF, a folder with no email in it); one that finds something exits 0, even beside a
file it could not read."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mailbuild import mail


@pytest.mark.parametrize("make", ["missing", "png", "pdf", "empty-folder"])
def test_nothing_found_to_import_is_an_error(run, make):
    run("init")
    target = {"missing": Path("no-such-reply.eml"), "png": Path("scan.png"), "pdf": Path("letter.pdf"),
              "empty-folder": Path("saved")}[make]
    if make == "png":
        target.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    elif make == "pdf":
        target.write_bytes(b"%PDF-1.4\n%%EOF\n")
    elif make == "empty-folder":
        target.mkdir()
        (target / "notes.txt").write_text("nothing here is an email")
    result = run("import", str(target), ok=False)
    assert result.exit_code == 1
    assert f"Nothing could be imported from {target}: no email message, mbox, Maildir or Outlook .msg file" \
           in result.stderr


def test_one_message_beside_an_unreadable_file_is_imported_with_exit_0(run):
    run("init")
    Path("reply.eml").write_bytes(mail())
    Path("scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    result = run("import", "reply.eml", "scan.png", "--no-extract")
    assert result.exit_code == 0
    assert "failed: scan.png: does not look like an email message" in result.stderr
    assert run("import", "reply.eml", "--no-extract").exit_code == 0  # already stored is not nothing
