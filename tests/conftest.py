"""Shared fixtures: every test runs in its own folder with a fixed clock and no
real credentials, and can run the CLI in-process or as a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

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
def isolated(tmp_path, monkeypatch):
    """Temp working dir, fixed clock, no FOI_* settings leaking in from the shell."""
    for key in list(os.environ):
        if key.startswith("FOI_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("FOI_NOW", "2026-03-04T10:00:00+00:00")
    monkeypatch.chdir(tmp_path)
    return tmp_path


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
