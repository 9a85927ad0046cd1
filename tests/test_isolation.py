"""The suite's own guard rails: every test runs in its temporary folder, and
nothing a test does lands in the checkout."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.checkout import changes, listing
from tests.conftest import REPO


def test_a_test_works_with_home_and_temp_outside_the_checkout_and_its_folder(tmp_path, tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    assert Path.cwd() == tmp_path
    for place in (os.environ["HOME"], os.environ["TMPDIR"], tempfile.gettempdir(), tempfile.mkdtemp()):
        assert Path(place).is_relative_to(base) and not Path(place).is_relative_to(tmp_path), place
    assert not base.is_relative_to(REPO)


def test_undoing_monkeypatch_keeps_the_test_in_its_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("FOI_NOW", "2026-01-01")
    monkeypatch.undo()
    assert Path.cwd() == tmp_path and os.environ["FOI_NOW"] == "2026-03-04T10:00:00+00:00"


def test_the_checkout_guard_sees_files_created_changed_and_removed_but_not_tool_caches(tmp_path):
    tree = tmp_path / "checkout"
    (tree / "blobs").mkdir(parents=True)
    (tree / "kept.txt").write_text("kept")
    (tree / "edited.txt").write_text("one")
    (tree / "gone.txt").write_text("gone")
    before = listing(tree)
    (tree / "blobs" / "dc").mkdir()
    (tree / "blobs" / "dc" / "dc2e").write_bytes(b"figures")
    (tree / "edited.txt").write_text("three")
    (tree / "gone.txt").unlink()
    for cache in (".venv", ".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"):
        (tree / cache).mkdir()
        (tree / cache / "x").write_text("x")
    assert changes(before, listing(tree)) == [
        "created blobs/dc", "created blobs/dc/dc2e", "removed gone.txt", "changed edited.txt"]


def test_plain_pytest_runs_from_the_repository_root():
    """`pytest` as typed, not `python -m pytest`: -P keeps the working directory
    off sys.path, as the pytest command does, and no PYTHONPATH helps it."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-P", "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "tests/test_database.py"], cwd=REPO, env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "tests/test_database.py::" in done.stdout
