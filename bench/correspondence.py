"""Benchmark: `foi export --what correspondence` against the floor of writing the same zip.

The zip holds every raw message and attachment of a campaign (about 350 MB at ten times the
model campaign), so it cannot take much less than reading and writing those bytes. In one
interleaved run, each a process of its own writing to the same disk:

  foi              `foi export CAMPAIGN --what correspondence -o FILE` as a user runs it
  zipfile, foi's   Python's zipfile writing the same files under the same names, compressed
                   as foi compresses them (stored when already packed, or a message mostly the
                   base64 of its attachments; the rest deflated at level 1): the same work
                   without foi's reading of the database
  zipfile, stored  the same with every file stored: what a zip of these bytes costs at least
  zip -0           Info-ZIP storing the same blob files (each once, under its blob name)
  cat              the bytes read and written into one file, no zip at all

The files and names come from foi's own listing (foi.report.export.correspondence_files).

Run: python3 bench/correspondence.py [--folder /tmp/foi-scale/k10/synced] [--slug early-help]
     [--trials 5] [--against CHECKOUT]
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import common  # noqa: F401 - sets sys.path
from common import interleaved

from bench.scalegen import foi_env
from foi.blobs import blob_dir, blob_path
from foi.db import open_db
from foi.report.export import correspondence_files

# The yardsticks, run as `python -c SCRIPT LISTING OUT`: LISTING is a JSON list of [name, path,
# attached] (the bytes of the attachments a message carries, as foi.report.export.is_mostly_attachments weighs).
ZIPFILE = """
import json, sys, zipfile
PACKED = (b"PK\\x03\\x04", b"%PDF", b"\\x89PNG", b"\\xff\\xd8\\xff", b"GIF8", b"\\x1f\\x8b")
stored_only = sys.argv[3] == "stored"
with open(sys.argv[1]) as listing, zipfile.ZipFile(sys.argv[2], "w") as archive:
    for name, path, attached in json.load(listing):
        with open(path, "rb") as file:
            data = file.read()
        entry = zipfile.ZipInfo.from_file(path, name)
        if stored_only or data.startswith(PACKED) or attached * 8 > len(data) * 3:
            archive.writestr(entry, data, compress_type=zipfile.ZIP_STORED)
        else:
            archive.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
"""
CAT = """
import json, shutil, sys
with open(sys.argv[1]) as listing, open(sys.argv[2], "wb") as out:
    for name, path, _ in json.load(listing):
        with open(path, "rb") as file:
            shutil.copyfileobj(file, out, 1 << 20)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "foi-scale" / "k10" / "synced")
    parser.add_argument("--slug", default="early-help")
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--against", type=Path, help="another checkout of foi to time in the same runs")
    args = parser.parse_args()
    folder = args.folder.resolve()
    db = open_db(folder / "campaign.db")
    blobs = blob_dir(folder / "campaign.db")
    _, files = correspondence_files(db, args.slug)
    listed = [(file.name, str(blob_path(blobs, file.sha256)), file.attached) for file in files
              if file.sha256 and blob_path(blobs, file.sha256).exists()]
    size = sum(Path(path).stat().st_size for _, path, _ in listed)
    out = Path(tempfile.mkdtemp(prefix="foi-bench-correspondence-"))
    try:
        listing = out / "listing.json"
        listing.write_text(json.dumps(listed), encoding="utf-8")
        (out / "blobs.txt").write_text("".join(f"{path}\n" for path in sorted({p for _, p, _ in listed})),
                                       encoding="utf-8")
        sides = sides_to_time(folder, args.slug, out, listing, args.against)
        for work in sides.values():  # warm the page cache and the .pyc files
            work()
        times = interleaved(sides, args.trials, before=lambda: remove_outputs(out))
        print(f"## foi export --what correspondence, {folder} ({len(listed):,} files, {size / 1e6:,.0f} MB), "
              f"{args.trials} interleaved runs")
        floor = statistics.median(times["zipfile, stored"])
        for name, runs in times.items():
            median = statistics.median(runs)
            shown = ", ".join(f"{t:.2f}" for t in runs)
            print(f"  {name:<22} median {median:6.2f} s  {median / floor:5.2f}x zipfile stored   runs: {shown}")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def sides_to_time(folder: Path, slug: str, out: Path, listing: Path, against: Path | None) -> dict:
    def foi(checkout: Path | None = None):
        env = foi_env(folder, checkout) if checkout else foi_env(folder)
        command = [sys.executable, "-m", "foi", "export", slug, "--what", "correspondence", "-o", str(out / "foi.zip")]
        return lambda: subprocess.run(command, cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)

    def python(script: str, *extra: str):
        command = [sys.executable, "-c", script, str(listing), str(out / "yardstick"), *extra]
        return lambda: subprocess.run(command, check=True)

    sides = {"foi": foi()}
    if against:
        sides[f"foi ({against.name})"] = foi(against.resolve())
    sides |= {"zipfile, foi's": python(ZIPFILE, "foi"), "zipfile, stored": python(ZIPFILE, "stored")}
    if shutil.which("zip"):
        sides["zip -0"] = lambda: subprocess.run(
            f"zip -0 -q -D {out / 'zip.zip'} -@ < {out / 'blobs.txt'}", shell=True, check=True)
    sides["cat"] = python(CAT)
    return sides


def remove_outputs(out: Path) -> None:
    for name in ("foi.zip", "yardstick", "zip.zip"):
        (out / name).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
