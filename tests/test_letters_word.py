"""The Word letters foi writes (`foi generate --format docx`, the ICO complaint of `foi chase`):
A4 pages, the body's postal address, Word headings kept with their text, the document's
own properties, and the example table as a real table; and the postal address in the
register (a migration, `councils set-address/show/export/add`, kept by `foi init`)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import docx
from sqlite_utils import Database, Migrations

from foi.db import connect
from foi.migrations import migrations
from tests.builders import VISITS_CAMPAIGN, create_campaign, register_db, sent_to_barnsley
from tests.mailfixtures import reply_file

ADDRESS = "Civic Offices; 4 Quarry Lane;  Barnsley\nS71 9ZZ"
ADDRESS_STORED = "Civic Offices; 4 Quarry Lane; Barnsley; S71 9ZZ"
QUESTIONS = (
    {"id": "visits", "text": "How many home visits did the outreach team make?"},
    {"id": "refusals", "text": "How many offers of a visit were declined?"},
)


def letter_campaign(run, monkeypatch) -> None:
    """Campaign 'outreach' (2 questions, 2 periods) with a draft request to BNS; the sender,
    Jo Bloggs, set in foi.toml with a postal address in the environment."""
    Path("foi.toml").write_text('[sender]\nname = "Jo Bloggs"\nemail = "jo@charity.test"\n', encoding="utf-8")
    monkeypatch.setenv("FOI_SENDER_ADDRESS", "2 Mill Yard; Leeds LS2 7AA")
    db = register_db("campaign.db")
    create_campaign(db, Path.cwd(), slug="outreach", prefix="OUT", recipients=["BNS"],
                    periods=("2023/24", "2024/25"), questions=QUESTIONS)
    db.close()


def generated_letter(run) -> docx.document.Document:
    written = run("generate", "outreach", "--format", "docx", "--out", "letters").stdout.split()
    assert len(written) == 1 and written[0].endswith(".docx")
    return docx.Document(written[0])


def test_a_letter_is_a4_addressed_by_post_with_headings_a_table_and_its_properties(run, monkeypatch):
    letter_campaign(run, monkeypatch)
    assert run("councils", "set-address", "BNS", ADDRESS).stdout == (
        f"BNS Barnsley Metropolitan Borough Council: {ADDRESS_STORED}\n")

    letter = generated_letter(run)

    section = letter.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4, not 216 x 279
    assert [round(m.mm) for m in (section.top_margin, section.right_margin, section.bottom_margin,
                                  section.left_margin)] == [25, 25, 25, 25]
    texts = [p.text for p in letter.paragraphs]
    assert texts[:4] == ["Jo Bloggs\n2 Mill Yard\nLeeds LS2 7AA\njo@charity.test", "4 March 2026",
                         "Freedom of Information team\nBarnsley Metropolitan Borough Council\n"
                         "Civic Offices\n4 Quarry Lane\nBarnsley\nS71 9ZZ",
                         "Our reference: OUT-BNS-" + texts[3].rsplit("-", 1)[1]]
    subject = texts[4]
    assert subject.startswith("Freedom of Information request: Children placed in care out of area")

    headings = [(p.style.name, p.text, p.paragraph_format.keep_with_next)
                for p in letter.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", subject, True), ("Heading 2", "How I would like the answer", True)]
    assert letter.styles["Heading 2"].font.color.rgb == docx.shared.RGBColor(0, 0, 0)
    introduces_table = next(p for p in letter.paragraphs if p.text.endswith("for example:"))
    assert introduces_table.paragraph_format.keep_with_next is True

    [table] = letter.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Question", "2023/24", "2024/25"], ["1", "...", "..."], ["2", "...", "..."]]
    assert table.style.name == "Table Grid"
    # the header row alone is bold, and is repeated at the top of each page
    assert [[bool(cell.paragraphs[0].runs) and all(run_.bold for run_ in cell.paragraphs[0].runs)
             for cell in row.cells] for row in table.rows] == [[True] * 3, [False] * 3, [False] * 3]
    assert [row._tr.xpath("./w:trPr/w:tblHeader/@w:val") for row in table.rows] == [["true"], [], []]
    assert not any("|" in text for text in texts)

    properties = letter.core_properties
    assert properties.author == properties.last_modified_by == "Jo Bloggs"
    assert properties.created == dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)  # FOI_NOW: today
    assert properties.title == subject
    assert properties.comments == "" and properties.language == "en-GB"


def test_a_body_without_a_postal_address_is_addressed_by_name(run, monkeypatch):
    letter_campaign(run, monkeypatch)
    texts = [p.text for p in generated_letter(run).paragraphs]
    assert texts[2] == "Freedom of Information team\nBarnsley Metropolitan Borough Council"


def test_an_ico_complaint_letter_is_addressed_to_the_commissioner(run, monkeypatch):
    """Not to the council whose postal address the register has."""
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    run("councils", "set-address", "BNS", ADDRESS)
    run("import", str(reply_file(reference, "We are refusing your request under section 40(2) of the Act.")))
    monkeypatch.setenv("FOI_NOW", "2026-03-20T09:00:00+00:00")
    monkeypatch.setenv("FOI_OUTBOX_COUNTS_AS_SENT", "true")  # the review request counts as sent from outbox/
    run("chase", "visits", "--stage", "review", "--yes")
    monkeypatch.setenv("FOI_NOW", "2026-05-20T09:00:00+01:00")  # the review is 20 working days late
    run("chase", "visits", "--stage", "ico")

    letter = docx.Document(Path("ico") / "visits" / f"{reference}.docx")
    assert letter.paragraphs[2].text == ("Information Commissioner's Office\nWycliffe House\nWater Lane\n"
                                         "Wilmslow\nCheshire\nSK9 5AF")
    assert [p.text for p in letter.paragraphs if p.style.name == "Heading 2"] == ["The request", "My complaint"]
    assert letter.core_properties.created == dt.datetime(2026, 5, 20, 8, 0, tzinfo=dt.UTC)


def test_the_postal_address_is_shown_exported_kept_and_checked(run):
    run("init")
    run("councils", "set-address", "bns", ADDRESS)
    shown = run("councils", "show", "BNS").stdout.splitlines()
    assert f"{'postal_address:':<20} {ADDRESS_STORED}" in shown
    assert json.loads(run("councils", "show", "BNS", "--json").stdout)["postal_address"] == ADDRESS_STORED
    exported = run("councils", "export").stdout.splitlines()
    assert "postal_address" in exported[0].split(",")
    assert any(line.startswith("BNS,") and ADDRESS_STORED in line for line in exported)

    run("init")  # refreshing the register (which ships no postal addresses) keeps it
    assert connect(Path("campaign.db"))["bodies"].get("BNS")["postal_address"] == ADDRESS_STORED

    bad = run("councils", "set-address", "BNS", "Town Hall\x1b[2J; Barnsley", ok=False)
    assert bad.exit_code == 1
    assert bad.stderr == ("Error: Cannot set the postal address of Barnsley Metropolitan Borough Council: "
                          "the postal address contains control characters\n")
    long = run("councils", "set-address", "BNS", ";".join(f"line {n}" for n in range(9)), ok=False)
    assert long.exit_code == 1 and "has 9 lines; at most 8" in long.stderr

    assert run("councils", "set-address", "BNS", "").stdout == (
        "BNS Barnsley Metropolitan Borough Council: no postal address\n")
    assert connect(Path("campaign.db"))["bodies"].get("BNS")["postal_address"] is None

    run("councils", "add", "GMP", "Greater Manchester Police", "--type", "POLICE",
        "--postal-address", "Openshaw Complex; Lawton Street; Manchester; M11 2NS")
    assert json.loads(run("councils", "show", "GMP", "--json").stdout)["postal_address"] == (
        "Openshaw Complex; Lawton Street; Manchester; M11 2NS")


def test_a_campaign_database_made_before_postal_addresses_gains_the_column(run):
    """A database from before migration 0009 (addresses set, a campaign made) is upgraded on
    open, its data kept, and takes postal addresses."""
    old = Migrations("foi")
    for migration in migrations.pending(Database(memory=True)):
        if migration.name < "0009":
            old(name=migration.name)(migration.fn)
    made = Database("campaign.db")
    old.apply(made)
    made.close()
    with sqlite3.connect("campaign.db") as conn:
        conn.execute("INSERT INTO bodies (code, name, type, foi_email) "
                     "VALUES ('BNS', 'Barnsley Metropolitan Borough Council', 'MD', 'foi@barnsley.gov.uk')")
        assert "postal_address" not in {row[1] for row in conn.execute("PRAGMA table_info(bodies)")}

    run("councils", "set-address", "BNS", ADDRESS)

    body = connect(Path("campaign.db"))["bodies"].get("BNS")
    assert (body["foi_email"], body["postal_address"]) == ("foi@barnsley.gov.uk", ADDRESS_STORED)
