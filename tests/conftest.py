"""Shared fixtures: every test runs in its own folder with a fixed clock and no
real credentials, and can run the CLI in-process or as a subprocess. No test may
write into the checkout: each one fails if it did."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from foi import bounded
from tests.checkout import changes, listing

# Real Dovecot/SMTP servers for the mail tests (started only when a test asks).
pytest_plugins = ["tests.conftest_mail"]

REPO = Path(__file__).resolve().parent.parent
# A git worktree sits one level deeper than the main checkout: FOI_SHARED_DIR points at ../shared then.
SHARED = Path(os.environ.get("FOI_SHARED_DIR") or REPO.parent / "shared")

# Subprocesses must import this checkout of foi, whatever else is installed.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in [str(REPO), os.environ.get("PYTHONPATH", "")] if p
)


@pytest.fixture(autouse=True)
def checkout_untouched():
    """Fails the test (at teardown) if it created, changed or removed anything in
    the checkout, e.g. by writing relative to a working directory it had undone."""
    before = listing(REPO)
    yield
    found = changes(before, listing(REPO))
    if found:
        pytest.fail(f"this test wrote into the checkout {REPO} (tests write only under tmp_path):\n  "
                    + "\n  ".join(found), pytrace=False)


@pytest.fixture(autouse=True)
def isolated(checkout_untouched, tmp_path, tmp_path_factory):
    """Temp working dir, fixed clock, no FOI_* settings leaking in from the shell;
    HOME and the temporary folder are fresh folders outside the working dir.

    Its own MonkeyPatch, so that a test's `monkeypatch.undo()` cannot undo it."""
    patch = pytest.MonkeyPatch()
    for key in list(os.environ):
        if key.startswith(("FOI_", "XDG_")):
            patch.delenv(key)
    patch.setenv("FOI_NOW", "2026-03-04T10:00:00+00:00")
    outside = tmp_path_factory.mktemp("outside")
    for name in ("home", "tmp"):
        (outside / name).mkdir()
    patch.setenv("HOME", str(outside / "home"))
    for key in ("TMPDIR", "TEMP", "TMP"):
        patch.setenv(key, str(outside / "tmp"))
    patch.setattr(tempfile, "tempdir", str(outside / "tmp"))
    patch.chdir(tmp_path)
    yield tmp_path
    patch.undo()
    bounded.reset()  # a reading worker started by this test lives in its folder and environment


@pytest.fixture
def run():
    """Run `foi ARGS...` in-process through the real entry point; returns the result."""
    from foi.cli import cli

    def invoke(*args: str, input: str | None = None, ok: bool = True):
        result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
        if ok and result.exit_code != 0:
            raise AssertionError(
                f"foi {' '.join(args)} exited {result.exit_code}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    return invoke


@pytest.fixture
def foi_subprocess():
    """Run `python -m foi ARGS...` as a real process (exit codes, signals)."""

    def invoke(*args: str, check: bool = False, **kwargs):
        return subprocess.run(
            [sys.executable, "-m", "foi", *args],
            capture_output=True, text=True, check=check, **kwargs,
        )

    return invoke


@pytest.fixture
def shared() -> Path:
    """../shared, for robustness runs over real material; skipped where absent."""
    if not SHARED.exists():
        pytest.skip("../shared is not beside the checkout")
    return SHARED
