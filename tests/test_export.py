"""foi export: dataset, requests, messages and correspondence; the Datasette views."""

import csv
import hashlib
import io
import json
import os
import zipfile
import zlib

import pytest
from report_campaign import FORMULA_NAME, SLUG, campaign  # noqa: F401 (a fixture)

from foi.blobs import blob_path
from foi.errors import FoiError
from foi.report import export as exports
from foi.report.export import DATASET_COLUMNS, REQUEST_COLUMNS, CorrespondenceFile, safe_name
from foi.report.zipwrite import DEFLATED, Member, ZipWriter


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_dataset_csv_rows_columns_and_provenance(campaign, run):
    out = run("export", SLUG, "--what", "dataset").stdout
    assert out.splitlines()[0] == ",".join(DATASET_COLUMNS)
    rows = read_csv(out)
    assert len(rows) == 7 * 2 * 2
    man = {(r["question_id"], r["period"]): r for r in rows if r["body_code"] == "MAN"}
    assert man[("q2", "2024-25")] == {
        "campaign": SLUG, "body_code": "MAN", "gss_code": "E08000003", "body_name": "Manchester City Council",
        "region": "North West", "question_id": "q2", "period": "2024-25", "value": "", "value_raw": "<5",
        "status": "suppressed", "lower_bound": "0", "upper_bound": "4",
        "source_message_id": "<ans-man@manchester.gov.uk>", "source_file": "figures.xlsx",
        "source_location": "Sheet1!B2", "method": "auto"}
    assert man[("q1", "2023-24")]["value"] == "200" and man[("q1", "2023-24")]["status"] == "answered"
    bns = {(r["question_id"], r["period"]): r["value"] for r in rows if r["body_code"] == "BNS"}
    assert bns == {("q1", "2023-24"): "120", ("q1", "2024-25"): "130", ("q2", "2023-24"): "40",
                   ("q2", "2024-25"): "45"}  # the superseded 999 is not exported
    assert {r["status"] for r in rows if r["body_code"] in ("NEW", "LDS", "YOR")} == {"missing"}
    # A council name that is a formula is written as text: Excel shows it, never runs it.
    leeds = [r for r in rows if r["body_code"] == "LDS"]
    assert leeds[0]["body_name"] == "'" + FORMULA_NAME


def test_dataset_json_matches_the_view(campaign, run):
    rows = json.loads(run("export", SLUG, "--format", "json").stdout)
    assert list(rows[0]) == DATASET_COLUMNS and len(rows) == 28
    view = list(campaign.query("SELECT * FROM dataset WHERE campaign = ?", [SLUG]))
    assert list(view[0]) == DATASET_COLUMNS
    assert sorted(r["status"] for r in rows) == sorted(r["status"] for r in view)
    assert next(r for r in rows if r["body_code"] == "BNS" and r["question_id"] == "q1"
                and r["period"] == "2023-24")["value"] == 120


def test_requests_export(campaign, run, isolated):
    run("export", SLUG, "--what", "requests", "-o", "requests.csv")
    rows = read_csv((isolated / "requests.csv").read_text(encoding="utf-8"))
    assert list(rows[0]) == REQUEST_COLUMNS
    leeds = next(r for r in rows if r["body_code"] == "LDS")
    assert leeds == {"campaign": SLUG, "body_code": "LDS", "gss_code": "E08000035", "body_name": "'" + FORMULA_NAME,
                     "email": "foi@leeds.gov.uk", "state": "awaiting_response",
                     "sent_at": "2026-03-06T09:00:00+00:00", "due_date": "2026-04-08", "first_response_at": "",
                     "council_reference": "", "chases": "1", "last_message_at": ""}
    york = next(r for r in rows if r["body_code"] == "YOR")
    assert (york["state"], york["email"], york["due_date"]) == ("draft", "", "")


def test_xlsx_numbers_text_and_about_sheet(campaign, run, isolated):
    from openpyxl import load_workbook

    run("export", SLUG, "--what", "dataset", "--format", "xlsx", "-o", "data.xlsx")
    book = load_workbook(isolated / "data.xlsx")
    assert book.sheetnames == ["dataset", "About"]
    sheet = book["dataset"]
    header = [c.value for c in sheet[1]]
    assert header == DATASET_COLUMNS
    rows = [dict(zip(header, (c for c in row))) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 28
    leeds = next(r for r in rows if r["body_code"].value == "LDS")["body_name"]
    assert leeds.value == FORMULA_NAME and leeds.data_type == "s" and leeds.quotePrefix
    bns = next(r for r in rows if r["body_code"].value == "BNS" and r["question_id"].value == "q1")["value"]
    assert bns.value == 120 and bns.data_type == "n"
    about = {row[0].value: row[1].value for row in book["About"].iter_rows() if row[0].value}
    assert about["Question q1"] == "How many children received early help? (count)"
    assert about["Periods"] == "2023-24, 2024-25"
    assert "CC BY 4.0" in about["Register of councils"]
    assert "Open Government Licence v3.0" in about["Register of councils"]
    assert "all recipients" in about["Shares"] and "'<5' is 0 to 4" in about["Suppressed bounds"]
    assert {k for k in about if k.startswith("Status: ")} == {
        "Status: answered", "Status: suppressed", "Status: not_held", "Status: refused",
        "Status: needs_review", "Status: missing", "Status: not_asked"}


def test_xlsx_needs_an_output_file(campaign, run):
    result = run("export", SLUG, "--format", "xlsx", ok=False)
    assert result.exit_code == 2 and "--format xlsx needs -o FILE.xlsx" in result.stderr


def test_messages_export(campaign, run):
    rows = json.loads(run("export", SLUG, "--what", "messages", "--format", "json").stdout)
    assert [(r["body_code"], r["direction"], r["classification"], r["attachments"]) for r in rows] == [
        ("LDS", "out", "request", 0), ("LDS", "out", "reminder", 0),
        ("MAN", "in", "acknowledgement", 0), ("MAN", "in", "answer_partial", 2)]
    assert rows[0]["from"] == "Campaign <campaign@example.org>" and rows[0]["body"].strip() == "Dear Leeds"
    assert rows[3]["message_id"] == "<ans-man@manchester.gov.uk>" and rows[3]["body"] == "Please find attached."
    text = run("export", SLUG, "--what", "messages").stdout
    assert ",'=SUM(A1) Your FOI," in text


def test_correspondence_zip(campaign, run, isolated):
    result = run("export", SLUG, "--what", "correspondence", "-o", "letters.zip")
    assert "3 messages and 2 attachments for 2 councils; 1 raw files missing" in result.stderr
    with zipfile.ZipFile(isolated / "letters.zip") as archive:
        names = archive.namelist()
        assert names == [
            'LDS =HYPERLINK(_http_evil.example_x_,_Leeds_)/2026-03-06 01 out request.eml',
            "MAN Manchester City Council/2026-03-05 01 in acknowledgement.eml",
            "MAN Manchester City Council/2026-04-01 02 in answer_partial.eml",
            "MAN Manchester City Council/2026-04-01 02 in answer_partial attachments/_.._etc_Early help_ figures_.xlsx",
            "MAN Manchester City Council/2026-04-01 02 in answer_partial attachments/notes.txt",
            "MISSING.txt"]
        assert archive.read(names[2]).startswith(b"Message-ID: <ans-man@manchester.gov.uk>")
        assert archive.read(names[4]) == b"notes"
        # packed or not is read from the bytes: this ".xlsx" is text, deflated like the rest
        assert {archive.getinfo(n).compress_type for n in names} == {zipfile.ZIP_DEFLATED}
        assert "2026-04-10 02 out reminder.eml (sha256 not recorded)" in archive.read("MISSING.txt").decode()


def test_an_export_that_fails_leaves_the_last_zip_and_dataset_whole(campaign, run, isolated, monkeypatch):
    """A zip or table written again is swapped in only once whole: one that stops part
    way leaves the one before as it was, and no part-written file beside it."""
    run("export", SLUG, "--what", "correspondence", "-o", "letters.zip")
    run("export", SLUG, "--what", "requests", "-o", "requests.csv")
    before = {name: (isolated / name).read_bytes() for name in ("letters.zip", "requests.csv")}

    def stops_part_way(out, *args):
        out.write(b"PK half a zip" if "b" in getattr(out, "mode", "") else "half,a,table\n")
        raise FoiError("The disk is full")

    monkeypatch.setattr(exports, "write_correspondence", lambda db, slug, blobs, out: stops_part_way(out))
    monkeypatch.setattr(exports, "write_table", lambda rows, what, fmt, out: stops_part_way(out))
    assert run("export", SLUG, "--what", "correspondence", "-o", "letters.zip", ok=False).exit_code == 1
    assert run("export", SLUG, "--what", "requests", "-o", "requests.csv", ok=False).exit_code == 1
    assert {name: (isolated / name).read_bytes() for name in before} == before
    assert not [p.name for p in isolated.iterdir() if p.name.startswith((".letters", ".requests"))]


def test_a_zip_records_each_blob_s_checksum_and_the_next_zip_is_the_same(campaign, run, isolated):
    """The CRC-32 of each blob zipped is recorded (blob_checksums) for the next export to
    copy the blob without reading it; the next zip is byte for byte the first."""
    assert campaign.execute("SELECT count(*) FROM blob_checksums").fetchone() == (0,)
    run("export", SLUG, "--what", "correspondence", "-o", "first.zip")
    with zipfile.ZipFile(isolated / "first.zip") as archive:
        zipped = {archive.getinfo(name).CRC: archive.read(name) for name in archive.namelist() if name != "MISSING.txt"}
    recorded = dict(campaign.execute("SELECT sha256, crc32 FROM blob_checksums").fetchall())
    assert len(recorded) == len(zipped) == 5
    assert {crc: blob_path(isolated / "blobs", sha).read_bytes() for sha, crc in recorded.items()} == zipped
    assert all(crc == zlib.crc32(data) for crc, data in zipped.items())
    run("export", SLUG, "--what", "correspondence", "-o", "second.zip")
    first, second = (isolated / "first.zip").read_bytes(), (isolated / "second.zip").read_bytes()
    # every member before MISSING.txt (its local header is 30 bytes before its name) byte for byte,
    # and the directory the same but for MISSING.txt's date (the time of the export)
    assert first[:first.index(b"MISSING.txt") - 30] == second[:second.index(b"MISSING.txt") - 30]
    assert [described(info) for info in zipfile.ZipFile(isolated / "first.zip").infolist()] == \
        [described(info) for info in zipfile.ZipFile(isolated / "second.zip").infolist()]


def described(info: zipfile.ZipInfo) -> tuple:
    return (info.filename, info.CRC, info.file_size, info.compress_size, info.compress_type, info.external_attr,
            info.header_offset, info.filename == "MISSING.txt" or info.date_time)


def test_a_stored_blob_whose_checksum_is_known_is_left_open_to_copy_unread(tmp_path):
    pdf, letter = b"%PDF-1.7\n" + b"x" * 500, b"Subject: hi\r\n\r\n" + b"text " * 200
    shas = [hashlib.sha256(data).hexdigest() for data in (pdf, letter)]
    for sha, data in zip(shas, (pdf, letter), strict=True):
        blob_path(tmp_path, sha).parent.mkdir(parents=True, exist_ok=True)
        blob_path(tmp_path, sha).write_bytes(data)
    known = dict.fromkeys(shas, 1234)  # not their checksums: shows where they are taken as recorded
    copied = exports._read_blob(tmp_path, CorrespondenceFile("a.pdf", shas[0], False), known)
    assert copied is not None and copied.source is not None
    try:
        assert (copied.crc, copied.size, copied.data, copied.method) == (1234, len(pdf), b"", zipfile.ZIP_STORED)
        assert os.pread(copied.source, 10, 0) == pdf[:10]
    finally:
        os.close(copied.source)
    deflated = exports._read_blob(tmp_path, CorrespondenceFile("a.eml", shas[1], True), known)
    assert deflated is not None and deflated.source is None  # read and deflated: its checksum made as it is read
    assert (deflated.crc, zlib.decompress(deflated.data, -15)) == (zlib.crc32(letter), letter)


def test_correspondence_stores_packed_files_as_they_are(tmp_path):
    """A zip (xlsx, docx) or a PDF is stored, not deflated again; a message is deflated,
    unless it is mostly the attachments it carries (their base64 deflates little, slowly)."""
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as inner:
        inner.writestr("xl/workbook.xml", "<workbook/>" * 100)
    letter = b"Subject: hi\r\n\r\n" + b"text " * 200
    blobs = {"xlsx": packed.getvalue(), "pdf": b"%PDF-1.7\n" + b"x" * 500, "eml": letter}
    shas = {}
    for kind, data in blobs.items():
        shas[kind] = hashlib.sha256(data).hexdigest()
        path = blob_path(tmp_path, shas[kind])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    # The same message as one carrying attachments of 400 bytes (base64: 533 of its 1,015) and of 300 (400).
    files = [CorrespondenceFile(f"file.{kind}", sha, kind == "eml") for kind, sha in shas.items()]
    files += [CorrespondenceFile("mostly-attached.eml", shas["eml"], True, 400),
              CorrespondenceFile("partly-attached.eml", shas["eml"], True, 300)]
    out = io.BytesIO()
    archive = ZipWriter(out)
    for file in files:
        archive.add(exports._read_blob(tmp_path, file))
    archive.close()
    assert exports._read_blob(tmp_path, CorrespondenceFile("gone.eml", "0" * 64, True)) is None
    with zipfile.ZipFile(out) as archive:
        kinds = {name: archive.getinfo(name).compress_type for name in archive.namelist()}
        assert kinds == {"file.xlsx": zipfile.ZIP_STORED, "file.pdf": zipfile.ZIP_STORED,
                         "file.eml": zipfile.ZIP_DEFLATED, "mostly-attached.eml": zipfile.ZIP_STORED,
                         "partly-attached.eml": zipfile.ZIP_DEFLATED}
        assert all(archive.read(f"file.{kind}") == data for kind, data in blobs.items())
        assert archive.read("mostly-attached.eml") == archive.read("partly-attached.eml") == letter
        assert archive.testzip() is None


def blob_files(blobs, count: int) -> tuple[list, dict]:
    """`count` blobs kept under `blobs`, listed as correspondence files, and their bytes by name."""
    files, kept = [], {}
    for n in range(count):
        data = f"message {n}\n".encode() * (n + 1)
        sha = hashlib.sha256(data).hexdigest()
        blob_path(blobs, sha).parent.mkdir(parents=True, exist_ok=True)
        blob_path(blobs, sha).write_bytes(data)
        files.append(CorrespondenceFile(f"council/{n:03d}.eml", sha, True))
        kept[f"council/{n:03d}.eml"] = data
    return files, kept


def test_files_read_ahead_come_in_order_with_the_missing_ones_as_none(tmp_path):
    files, kept = blob_files(tmp_path, exports.READ_AHEAD * 3)
    files.insert(5, CorrespondenceFile("council/gone.eml", "0" * 64, True))
    got = list(exports._read_ahead(tmp_path, files))
    assert [file for file, _ in got] == files
    assert got[5][1] is None
    assert {file.name: unpacked(member) for file, member in got if member} == kept
    assert {file.name: member.name for file, member in got if member} == {name: name for name in kept}
    assert all(member.crc == zlib.crc32(kept[member.name]) for _, member in got if member)


def unpacked(member: Member) -> bytes:
    return zlib.decompress(member.data, -15) if member.method == DEFLATED else member.data


def test_reading_ahead_ends_with_its_reader_when_the_zip_is_given_up_or_a_blob_cannot_be_read(tmp_path):
    import threading

    files, _ = blob_files(tmp_path, exports.READ_AHEAD * 3)
    reading = exports._read_ahead(tmp_path, files)
    next(reading)
    reading.close()  # the writer failed (a full disk, say) after one file: the reader is waiting for room
    assert not [t for t in threading.enumerate() if t.name == "foi-read-ahead"]
    blob_path(tmp_path, "f" * 64).mkdir(parents=True)  # a folder where a blob should be: not a missing file
    odd = CorrespondenceFile("council/odd.eml", "f" * 64, True)
    with pytest.raises(IsADirectoryError):
        list(exports._read_ahead(tmp_path, [*files[:3], odd, *files[3:]]))
    assert not [t for t in threading.enumerate() if t.name == "foi-read-ahead"]


def test_safe_names():
    assert safe_name("../../etc/passwd") == "_.._etc_passwd"  # no leading dot, no separators
    assert safe_name("CON.txt") == "file" and safe_name("  . ") == "file"
    assert safe_name("a" * 200 + ".xlsx") == "a" * 75 + ".xlsx"
    assert safe_name("com1") == "file" and safe_name("figures .") == "figures"
    assert safe_name("2024-03-05 01 in answer") == "2024-03-05 01 in answer"


def test_a_name_taken_as_plain_at_once_is_what_every_step_would_have_made_it():
    import random

    draw = random.Random(20)
    plain = "aZ09 ._-()&',+"
    mixed = plain + "  ..\t/:*?\"<>|\u202e\u00e9\x00"
    names = ["".join(draw.choice(letters) for _ in range(draw.randint(0, 12)))
             for letters in (plain, mixed) for _ in range(10_000)]
    names += ["nul", "NUL.txt", "lpt1.doc", "-x", "x" * 80, "x" * 81, "(2) figures.xlsx", "a  b"]
    taken_at_once = [name for name in names if exports.PLAIN_NAME.fullmatch(name)]
    assert len(taken_at_once) > 5_000
    assert [safe_name(name, "f", 80) for name in names] == [exports._made_safe(name, "f", 80) for name in names]


def test_datasette_views(campaign):
    log = {r["body_code"]: r for r in campaign.query("SELECT * FROM request_log WHERE campaign = ?", [SLUG])}
    assert log["KEN"]["last_event"] == "response" and log["KEN"]["last_event_on"] == "2026-03-25"
    assert log["MAN"]["body_name"] == "Manchester City Council" and log["YOR"]["last_event"] is None
    counts = dict(campaign.execute("SELECT status, count(*) FROM dataset GROUP BY status").fetchall())
    assert counts == {"answered": 5, "missing": 12, "needs_review": 1, "not_held": 4, "refused": 5, "suppressed": 1}


def test_the_cycle_collector_is_back_on_after_a_report_or_an_export_even_a_refused_one(campaign, run, monkeypatch):
    import gc

    from foi.report import summary

    seen = []
    build_report = summary.build_report
    monkeypatch.setattr(summary, "build_report", lambda *args: seen.append(gc.isenabled()) or build_report(*args))
    run("report", SLUG, "--json")
    assert seen == [False] and gc.isenabled()
    run("export", SLUG, "--what", "dataset")
    assert gc.isenabled()
    assert run("export", SLUG, "--what", "measures", ok=False).exit_code == 1  # the campaign has none
    assert gc.isenabled()
    assert run("export", SLUG, "--what", "correspondence", ok=False).exit_code == 2  # needs -o: a usage error
    assert gc.isenabled()


def test_files_left_open_to_copy_are_closed_when_the_zip_is_given_up(tmp_path):
    files, _ = blob_files(tmp_path, exports.READ_AHEAD * 3)
    known = {file.sha256: 1 for file in files}
    stored = [file._replace(attached=10_000) for file in files]  # mostly attachments: stored, so copied
    opened = set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    reading = exports._read_ahead(tmp_path, stored, known)
    _, first = next(reading)
    assert first is not None and first.source is not None
    os.close(first.source)  # the writer's to close, as write_correspondence does
    reading.close()
    if opened is not None:
        assert set(os.listdir("/proc/self/fd")) == opened
