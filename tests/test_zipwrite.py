"""foi.report.zipwrite: a zip written front to back reads back, in Python's zipfile and in
Info-ZIP's unzip, with each member's name, bytes, date and mode, zip64 fields included."""

import io
import os
import shutil
import subprocess
import time
import zipfile
import zlib

import pytest

from foi.errors import FoiError
from foi.report import zipwrite
from foi.report.zipwrite import ZipWriter, make_member

# 2024-03-05 14:07:36 local time: an even second, as a zip records time in two-second steps.
WHEN = time.mktime((2024, 3, 5, 14, 7, 36, 0, 0, -1))
FILES = {
    "LDS Leeds/2024-03-05 01 in answer.eml": b"Subject: figures\r\n\r\n" + b"The figures are attached.\r\n" * 40,
    "LDS Leeds/2024-03-05 01 in answer attachments/figures.xlsx": b"PK\x03\x04" + bytes(range(256)) * 8,
    "YOR York/Café réponse.txt": "Réponse: 12 enfants\n".encode(),
    "empty.txt": b"",
}


def written(files: dict[str, bytes], deflate: bool = True) -> bytes:
    out = io.BytesIO()
    archive = ZipWriter(out)
    for number, (name, data) in enumerate(files.items()):
        archive.add(make_member(name, data, deflate=deflate and number % 2 == 0, mtime=WHEN,
                                mode=0o100444 if number == 1 else 0o100644))
    archive.close()
    return out.getvalue()


def test_members_read_back_with_their_names_bytes_dates_and_modes():
    with zipfile.ZipFile(io.BytesIO(written(FILES))) as archive:
        assert archive.testzip() is None  # every member's checksum matches its bytes
        assert archive.namelist() == list(FILES)
        assert {name: archive.read(name) for name in FILES} == FILES
        infos = archive.infolist()
        assert [info.compress_type for info in infos] == [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED,
                                                          zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]
        assert {info.date_time for info in infos} == {(2024, 3, 5, 14, 7, 36)}
        assert [info.external_attr >> 16 for info in infos] == [0o100644, 0o100444, 0o100644, 0o100644]
        assert infos[0].compress_size < infos[0].file_size  # the letter was deflated, not just marked so
        assert infos[2].flag_bits & 0x800 and not infos[0].flag_bits & 0x800  # the UTF-8 name says it is one


def test_a_time_zip_cannot_hold_is_shown_as_the_nearest_it_can():
    before_1980 = time.mktime((1975, 6, 1, 12, 0, 0, 0, 0, -1))
    out = io.BytesIO()
    archive = ZipWriter(out)
    archive.add(make_member("old.txt", b"old", deflate=False, mtime=before_1980))
    archive.close()
    assert zipfile.ZipFile(out).infolist()[0].date_time == (1980, 1, 1, 0, 0, 0)


def test_zip64_fields_when_offsets_and_the_number_of_members_do_not_fit(monkeypatch, tmp_path):
    """The limits lowered, so a small zip needs what a campaign of many gigabytes would:
    sizes and offsets in zip64 fields, and the zip64 end record for the number of members."""
    monkeypatch.setattr(zipwrite, "LIMIT_32", 300)
    monkeypatch.setattr(zipwrite, "LIMIT_16", 3)
    data = written(FILES)
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data  # the zip64 end record and its locator
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert {name: archive.read(name) for name in archive.namelist()} == FILES
        assert archive.infolist()[0].header_offset == 0
        assert archive.infolist()[-1].header_offset > 300  # read from its zip64 field
    if shutil.which("unzip"):  # another reader: Info-ZIP checks every member
        (tmp_path / "big.zip").write_bytes(data)
        tested = subprocess.run(["unzip", "-t", str(tmp_path / "big.zip")], capture_output=True, text=True, check=False)
        assert tested.returncode == 0, tested.stdout + tested.stderr
        assert "No errors detected" in tested.stdout


@pytest.mark.skipif(not shutil.which("unzip"), reason="Info-ZIP's unzip is not installed")
def test_unzip_finds_no_error(tmp_path):
    (tmp_path / "plain.zip").write_bytes(written(FILES))
    tested = subprocess.run(["unzip", "-t", str(tmp_path / "plain.zip")], capture_output=True, text=True, check=False)
    assert tested.returncode == 0 and "No errors detected in compressed data" in tested.stdout


def test_a_member_copied_from_an_open_file_makes_the_same_zip_as_one_given_its_bytes(tmp_path):
    """Copied by the kernel into a zip file, and by Python into a buffer: the same bytes
    as the member given as bytes, and a later member written after it in its place."""
    stored = {name: data for number, (name, data) in enumerate(FILES.items()) if number % 2 == 1}
    given = written(stored, deflate=False)
    sources = {}
    for name, data in stored.items():
        (tmp_path / str(len(sources))).write_bytes(data + b"not part of the member")
        sources[name] = os.open(tmp_path / str(len(sources)), os.O_RDONLY)
    try:
        for out in (open(tmp_path / "copied.zip", "wb"), io.BytesIO()):  # noqa: SIM115 - closed by the with below
            with out:
                archive = ZipWriter(out)
                for number, (name, data) in enumerate(stored.items()):
                    archive.add(zipwrite.copied_member(name, sources[name], size=len(data), crc=zlib.crc32(data),
                                                       mtime=WHEN, mode=0o100444 if number == 1 else 0o100644))
                archive.close()
                if isinstance(out, io.BytesIO):
                    assert out.getvalue() == given
        assert (tmp_path / "copied.zip").read_bytes() == given
    finally:
        for source in sources.values():
            os.close(source)


def test_a_file_shorter_than_its_member_says_is_an_error_not_a_broken_zip(tmp_path):
    (tmp_path / "short").write_bytes(b"12345")
    source = os.open(tmp_path / "short", os.O_RDONLY)
    try:
        for out in (open(tmp_path / "out.zip", "wb"), io.BytesIO()):  # noqa: SIM115 - closed by the with below
            with out, pytest.raises(FoiError, match=r"short\.txt was 10 bytes and is now 5"):
                ZipWriter(out).add(zipwrite.copied_member("short.txt", source, size=10, crc=0, mtime=WHEN))
    finally:
        os.close(source)
