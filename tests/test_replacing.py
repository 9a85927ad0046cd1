"""An export writes its file beside the one it replaces and swaps it in only when whole."""

import pytest

from foi.replacing import open_replacing, replacing


def test_a_new_file_is_written(tmp_path):
    target = tmp_path / "letters.zip"
    with open_replacing(target) as out:
        out.write(b"new zip")
    assert target.read_bytes() == b"new zip"
    assert [p.name for p in tmp_path.iterdir()] == ["letters.zip"]


def test_the_old_file_is_replaced_and_nothing_else_is_left(tmp_path):
    target = tmp_path / "dataset.csv"
    target.write_text("old,rows\n")
    with open_replacing(target, "w", encoding="utf-8", newline="") as out:
        out.write("new,rows\n")
    assert target.read_text() == "new,rows\n"
    assert [p.name for p in tmp_path.iterdir()] == ["dataset.csv"]


def test_a_write_that_fails_leaves_the_old_file_as_it_was(tmp_path):
    target = tmp_path / "letters.zip"
    target.write_bytes(b"yesterday's whole zip")
    def interrupted() -> None:
        with open_replacing(target) as out:
            out.write(b"half of today's")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert target.read_bytes() == b"yesterday's whole zip"
    assert [p.name for p in tmp_path.iterdir()] == ["letters.zip"]


def test_a_writer_that_writes_to_the_path_it_is_given(tmp_path):
    target = tmp_path / "dataset.xlsx"
    target.write_bytes(b"old book")
    with replacing(target) as partial:
        assert partial.parent == tmp_path and partial != target
        partial.write_bytes(b"new book")
        assert target.read_bytes() == b"old book"  # not swapped in before the block ends
    assert target.read_bytes() == b"new book"


def test_a_writer_that_wrote_nothing_leaves_the_old_file(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old report")
    with pytest.raises(FileNotFoundError), replacing(target):
        pass
    assert target.read_text() == "old report"


def test_files_left_by_a_killed_export_are_cleared_by_the_next(tmp_path):
    """An export killed outright leaves its part-written file; the next export of the same
    file removes those of processes that are gone, and no other file."""
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    target = tmp_path / "letters.zip"
    left = [tmp_path / f".letters.zip.partial-{gone}", tmp_path / f".letters.zip.old-{gone}"]
    kept = [tmp_path / ".letters.zip.partial-1",  # process 1 is alive (init): not ours to remove
            tmp_path / ".other.zip.partial-999999999", tmp_path / "notes.txt"]
    for file in left + kept:
        file.write_bytes(b"x")
    with open_replacing(target) as out:
        out.write(b"new zip")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["letters.zip"] + [p.name for p in kept])


def test_a_link_is_written_through_and_a_pipe_or_device_in_place(tmp_path):
    """-o /dev/stdout, a named pipe or a link the user made: written as open() writes them,
    never moved aside or replaced by a file."""
    import os
    from pathlib import Path

    from foi.replacing import written_in_place

    real = tmp_path / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with open_replacing(link, "w") as out:
        out.write("new\n")
    assert link.is_symlink() and real.read_text() == "new\n"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert written_in_place(fifo)
    assert written_in_place(Path(os.devnull))
    assert not written_in_place(tmp_path / "new.csv")
    assert not written_in_place(real)
