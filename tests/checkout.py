"""What a test may not touch: the checkout, compared as a listing before and after."""

import os
from pathlib import Path

# Made by tools, not by tests: not looked inside.
NOT_CHECKED = {".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def listing(root: Path) -> dict[str, tuple[int, int] | None]:
    """Every folder (None) and file ((size, mtime)) under `root`, by relative path."""
    found: dict[str, tuple[int, int] | None] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in NOT_CHECKED)
        for name in dirs:
            found[os.path.relpath(os.path.join(folder, name), root)] = None
        for name in files:
            stat = os.lstat(os.path.join(folder, name))
            found[os.path.relpath(os.path.join(folder, name), root)] = (stat.st_size, stat.st_mtime_ns)
    return found


def changes(before: dict, after: dict) -> list[str]:
    """What differs between two listings, one line per path."""
    return ([f"created {path}" for path in sorted(after.keys() - before.keys())]
            + [f"removed {path}" for path in sorted(before.keys() - after.keys())]
            + [f"changed {path}" for path in sorted(before.keys() & after.keys()) if before[path] != after[path]])
