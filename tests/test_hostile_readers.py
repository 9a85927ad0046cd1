"""Hostile files (tests/hostile_files.py) read within bounds: each is read in a
child process, capped (address space, processor time, wall time) so that a
regression fails instead of taking the machine down, and its outcome, time and
peak memory asserted. Before the readers were bounded each of these ran past
120 s, past 1 GB, or crashed; a few are guards that a bounded reader still
reads an ordinary file as before (said beside them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
MB = 1024 * 1024
MEMORY_BOUND = 400 * MB  # peak RSS of the whole child: Python, foi, the file and its reading
TIME_BOUND = 20.0  # seconds of the read itself

# The child's peak is its VmHWM, not ru_maxrss: Linux carries the parent's
# high-water mark into a child across fork and exec, so under a pytest run that
# has grown to 1 GB every child's ru_maxrss says 1 GB.
CHILD = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (1500 << 20, 1500 << 20))
resource.setrlimit(resource.RLIMIT_CPU, (90, 90))
sys.path.insert(1, sys.argv[1])
import hostile_files
from readings import READ
name, data = getattr(hostile_files, sys.argv[2])(*json.loads(sys.argv[3]))
start = time.monotonic()
outcome = READ[sys.argv[4]](name, data)
seconds = time.monotonic() - start
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))
print(json.dumps({"outcome": outcome, "seconds": seconds, "peak": peak}))
"""


def read_hostile(maker: str, how: str, *args) -> dict:
    """Build hostile_files.<maker>(*args) and read it `how` (see readings.READ) in a
    capped child (the old code asks for gigabytes or hours: the child fails, not
    the machine): its outcome, seconds and peak memory in bytes."""
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", str(TESTS.parent))}
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, str(TESTS), maker, json.dumps(args), how],
                              capture_output=True, text=True, env=env, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{maker} read {how}: still running after 120 s")
    assert done.returncode == 0, f"{maker} read {how}: exit {done.returncode}\n{done.stderr[-2000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def bounded(result: dict, seconds: float = TIME_BOUND) -> dict:
    assert result["seconds"] < seconds, f"took {result['seconds']:.1f} s"
    assert result["peak"] < MEMORY_BOUND, f"peak {result['peak'] / MB:.0f} MB"
    return result["outcome"]


# ---- HTML and text ------------------------------------------------------------------------

def test_html_nested_thousands_deep_reads_in_linear_time():
    outcome = bounded(read_hostile("deep_html", "extract", 3000))
    assert outcome["status"] == "ok"
    assert outcome["tables"] == [["lines", 0]]  # tables never closed are read as text
    body = bounded(read_hostile("deep_html", "body_text", 3000))
    assert body["status"] == "ok"
    assert body["lines"] == 3000
    assert body["first"] == ["2019/20"]


def test_html_cell_of_many_pieces_reads_in_linear_time():
    # 6 s now (the stdlib parser's own pace), 64 s before: a loaded machine gets room
    outcome = bounded(read_hostile("wide_html_cell", "extract", 1_000_000), seconds=30)
    assert outcome["status"] == "ok"
    assert outcome["first"] == ["7 " * 20]  # its first 40 characters


# ---- PDF ----------------------------------------------------------------------------------

def test_plain_pdf_is_still_read():
    # a guard: the PDF checks leave an ordinary PDF to be read
    outcome = bounded(read_hostile("plain_pdf", "extract"))
    assert outcome["status"] == "ok"
    assert outcome["first"] == ["Referrals 2019/20: 42"]


@pytest.mark.parametrize(("maker", "args", "note"), [
    ("pdf_length_loop", [], "refused before parsing: PDF object 6 refers to itself through a loop of "
                            "references: not read (reading it never ends)"),
    ("pdf_flate_bomb", [300], "refused before parsing: PDF stream expands past 100 MB: not read "
                              "(a compression bomb?)"),
    ("pdf_operator_flood", [400_000], "refused before parsing: PDF pages draw over 200,000 lines and words: "
                                      "not read (built to exhaust memory?)"),
    ("pdf_damaged_stream", [2048], "refused before parsing: PDF stream is damaged and expands past 256 KB: "
                                   "not read (reading it would take hours)"),
])
def test_hostile_pdf_is_refused_with_a_reason(maker, args, note):
    outcome = bounded(read_hostile(maker, "extract", *args))
    assert (outcome["status"], outcome["note"]) == ("refused_unsafe", note)


# ---- spreadsheets -------------------------------------------------------------------------

SHEET = [["Year", "Referrals"], ["2019/20", "42"]]


def test_xlsx_merged_range_over_the_whole_sheet_adds_no_cells():
    outcome = bounded(read_hostile("xlsx_huge_merge", "extract"))
    assert outcome["status"] == "ok"
    # as Excel shows it: the range's top-left value over every cell it covers that the sheet holds
    assert outcome["sheets"] == [[["Year", "Year"], ["Year", "Year"]]]


def test_xlsx_declared_dimension_of_the_whole_sheet_is_not_believed():
    # a guard: read-only mode would believe the dimension unless told not to
    outcome = bounded(read_hostile("xlsx_lying_dimension", "extract"))
    assert outcome["status"] == "ok"
    assert outcome["sheets"] == [SHEET]


def test_xlsx_small_merged_range_still_fills_its_cells():
    # a guard (read as before): a merged range's top-left value in each of its cells
    outcome = bounded(read_hostile("xlsx_huge_merge", "extract", "A1:C1"))
    assert outcome["sheets"] == [[["Year", "Year", "Year"], ["2019/20", "42", ""]]]


def test_xls_merged_range_over_the_whole_sheet_adds_no_cells():
    outcome = bounded(read_hostile("xls_huge_merge", "extract", 65536, 256))
    assert outcome["status"] == "ok"
    assert outcome["shape"] == [[65536, 2]]  # the rows xlrd makes for the range, no columns
    assert outcome["first"] == ["Year", "Referrals"]


def test_ods_repeat_bomb_stops_at_the_cell_limit_with_a_note():
    outcome = bounded(read_hostile("ods_repeat_bomb", "extract", 40, 1_000_000))
    assert outcome["status"] == "ok"
    assert outcome["notes"] == ["sheet Referrals holds over 500,000 cells: only the first 500 rows read"]
    assert outcome["shape"] == [[500, 1000]]


def test_ods_trailing_empty_repeats_are_never_expanded():
    # a guard: streaming the XML keeps the old rule that trailing repeats are dropped
    outcome = bounded(read_hostile("ods_trailing_repeats", "extract", 1_000_000))
    assert outcome["sheets"] == [SHEET]
    assert outcome["notes"] == []


def test_docx_table_of_wide_spans_is_capped_with_a_note():
    outcome = bounded(read_hostile("docx_huge_table", "extract", 200, 100, 64))
    assert outcome["status"] == "ok"
    assert outcome["shape"] == [[41, 6400]]
    assert outcome["notes"] == ["tables over 250,000 cells: only the first 41 rows read"]


# ---- CSV ----------------------------------------------------------------------------------

def test_70_mb_csv_is_read_capped_in_bounded_memory_and_time():
    outcome = bounded(read_hostile("big_csv", "csv", 70))
    assert outcome["first"] == ["Year", "Council"]
    assert outcome["shape"] == [[62_500, 4]]
    assert outcome["notes"] == ["over 250,000 cells: only the first 62,500 rows read"]


def test_csv_with_one_50_mb_line_is_cut_with_a_note():
    outcome = bounded(read_hostile("one_line_csv", "csv", 50))
    assert outcome["first"] == ["Year", "Referrals"]
    assert outcome["shape"] == [[3, 32_769]]  # 32,768 ones and the empty cell after the last comma
    assert outcome["notes"] == ["1 line over 65,536 characters cut short"]


# ---- containers ---------------------------------------------------------------------------

def test_zip_of_zips_each_under_the_limits_is_stopped_by_the_tree_budget():
    outcome = bounded(read_hostile("zip_under_the_ratio", "unpack", 60, 4))
    assert outcome["unpacked_bytes"] < 20 * MB
    assert outcome["notes"][0] == [
        "parts.zip", "unpacking stopped at part-002.zip: attachments unpack to over 100 times their size "
                     "(8,401,277 bytes from 14,182)"]


def test_zip_member_lying_about_its_size_is_read_only_as_far_as_it_declares():
    # a guard: reading no more than the budget left still stops where the entry says it ends
    outcome = bounded(read_hostile("zip_lying_sizes", "unpack", 64))
    assert outcome["notes"] == [["small.csv", "undecodable zip entry: Bad CRC-32 for file 'small.csv'"]]
    assert outcome["unpacked_bytes"] == 0


def test_200_mb_csv_in_a_zip_is_refused_by_the_tree_budget():
    outcome = bounded(read_hostile("zip_with_big_csv", "unpack", 200))
    assert outcome["notes"] == [["records.zip", "refused, possible zip bomb: 210,379,564 bytes uncompressed "
                                                "(limit 104,857,600 left)"]]
    assert outcome["parts"] == 1


@pytest.mark.parametrize(("maker", "note"), [
    ("tnef_bogus_count", "refused: winmail.dat declares 4,294,967,295 properties in 0 bytes: not read "
                         "(a damaged or hostile file)"),
    ("tnef_bogus_values", "refused: winmail.dat declares 2,000,000,000 values of a property in 8 bytes: not read "
                          "(a damaged or hostile file)"),
])
def test_tnef_with_a_bogus_count_is_refused_never_allocated(maker, note):
    outcome = bounded(read_hostile(maker, "unpack"))
    assert outcome["notes"] == [["winmail.dat", note]]
    assert outcome["parts"] == 1


def test_parts_are_counted_across_nested_archives():
    outcome = bounded(read_hostile("zip_many_parts", "unpack", 60, 100))
    over = "over 5,000 files inside this message's attachments"
    assert outcome["parts"] == 5003  # the zip, 5,000 parts, and the two refused (kept as notes)
    assert outcome["notes"] == [["parts.zip", f"unpacking stopped at box-050.zip: {over}"],
                                ["box-049.zip", f"unpacking stopped at 50.txt: {over}"],
                                ["50.txt", f"refused: {over}"], ["box-050.zip", f"refused: {over}"]]


def test_tree_budget_spans_message_tnef_and_zips():
    outcome = bounded(read_hostile("nested_containers", "message", 2, 4, 30))
    assert (outcome["parts"], outcome["unpacked_bytes"]) == (7, 4_209_527)
    over = "attachments unpack to over 100 times their size"
    assert outcome["notes"] == [
        ["parts.zip", f"unpacking stopped at p2.zip: {over} (8,408,059 bytes from 6,860)"],
        ["p1.zip", f"unpacking stopped at part.csv: {over} (8,403,846 bytes from 6,860)"],
        ["part.csv", f"refused: {over} (8,403,846 bytes from 6,860)"],
        ["p2.zip", f"refused: {over} (8,408,059 bytes from 6,860)"],
    ]


def test_msg_with_looping_sectors_is_refused_with_a_reason():
    outcome = bounded(read_hostile("msg_sector_loop", "message"))
    assert outcome["parse_error"] == (
        "could not parse message: MsgError: unreadable Outlook message: stream __substg1.0_1000001F declares "
        "2,147,483,632 bytes, more than the file holds (sectors that loop back?): not read")
