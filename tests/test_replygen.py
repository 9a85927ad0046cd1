"""The reply generator behind bench/reading.py keeps its own promises: the same seed
gives the same replies, and the truth it records is what it wrote (read back with
the file libraries directly, not with foi). foi's accuracy is bench/reading.py's job."""

import csv
import email
import io
import json
import re
import tomllib
from email.policy import default as default_policy

import pytest

from bench.replygen import CAMPAIGNS, LAYOUTS, generate_reply, reply_eml
from bench.replygen.campaigns import EARLY_HELP, LOOKED_AFTER, TRANSPORT, period_text
from bench.replygen.play import campaign_toml, plan_batch
from bench.replygen.scoring import cell_outcome

SEED = 7


def first_replies(predicate, limit=4000):
    """(campaign, index, reply) for the first index of each campaign in turn that `predicate` accepts."""
    for index in range(limit):
        campaign = CAMPAIGNS[index % len(CAMPAIGNS)]
        reply = generate_reply(campaign, SEED, index)
        if predicate(reply):
            yield campaign, index, reply


def one_of_each_layout():
    found = {}
    for campaign, index, reply in first_replies(lambda r: r.klass in ("answered", "partial")):
        found.setdefault(reply.features["layout"], (campaign, index, reply))
        if len(found) == len(LAYOUTS):
            return found
    raise AssertionError(f"layouts never drawn: {set(LAYOUTS) - set(found)}")


LAYOUT_SAMPLES = one_of_each_layout()


def written_text(reply) -> str:
    """Everything the reply shows, read with the file libraries: body, HTML, attachment cells and text."""
    parts = [reply.body_text, re.sub(r"<[^>]+>", " ", reply.body_html or "")]
    for attachment in reply.attachments:
        data = attachment.data
        if attachment.filename.endswith(".xlsx"):
            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(data))
            parts += [" | ".join("" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v)) for v in row)
                      for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
            parts += [sheet.title for sheet in book.worksheets]
        elif attachment.filename.endswith(".csv"):
            parts.append(data.decode("utf-8-sig"))
        elif attachment.filename.endswith(".docx"):
            import docx

            document = docx.Document(io.BytesIO(data))
            parts += [p.text for p in document.paragraphs]
            parts += [" | ".join(c.text for c in row.cells) for t in document.tables for row in t.rows]
        elif attachment.filename.endswith(".pdf"):
            import pdfplumber

            with pdfplumber.open(io.BytesIO(data)) as pdf:
                parts += [page.extract_text() or "" for page in pdf.pages]
    return "\n".join(parts)


def test_the_same_seed_gives_the_same_replies_byte_for_byte():
    for campaign, index, reply in LAYOUT_SAMPLES.values():
        again = generate_reply(campaign, SEED, index)
        assert (again.klass, again.cells, again.features, again.body_text, again.body_html) == \
               (reply.klass, reply.cells, reply.features, reply.body_text, reply.body_html)
        assert [(a.filename, a.data) for a in again.attachments] == [(a.filename, a.data) for a in reply.attachments]


def test_another_seed_gives_other_replies():
    ours = [generate_reply(EARLY_HELP, SEED, i).body_text for i in range(20)]
    theirs = [generate_reply(EARLY_HELP, SEED + 1, i).body_text for i in range(20)]
    assert sum(a != b for a, b in zip(ours, theirs)) >= 18


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_figure_in_the_truth_is_written_in_the_reply(layout):
    campaign, _, reply = LAYOUT_SAMPLES[layout]
    text = written_text(reply)
    for (qid, period), shown in reply.shown.items():
        cell = reply.truth_by_cell()[(qid, period)]
        number = cell.get("value", 0)
        written = {shown, f"{number:.2f}", f"{number:.0f}" if number == int(number) else shown}
        assert any(w in text for w in written), (layout, qid, period, shown)
        if "status" in cell:
            assert cell["status"] == "suppressed" and shown in ("<5", "*", "x", "fewer than 5")
    # every period is written in the reply's own style
    for period in campaign.periods:
        if any(key[1] == period for key in reply.shown):
            assert period_text(period, reply.features["period_style"]) in text


def test_the_truth_covers_every_cell_and_fits_the_class():
    counted = set()
    for campaign, _, reply in first_replies(lambda r: True, limit=350):
        counted.add(reply.klass)
        statuses = {c.get("status", "value") for c in reply.cells}
        every = {(q.id, p) for q in campaign.questions for p in campaign.periods}
        if reply.klass in ("acknowledgement", "clarification", "extended"):
            assert reply.cells == [] and reply.attachments == []
            continue
        assert set(reply.truth_by_cell()) == every
        if reply.klass == "answered":
            assert statuses <= {"value", "suppressed"}
            assert reply.also_acceptable == (("partial",) if "suppressed" in statuses else ())
        elif reply.klass == "partial":
            assert statuses & {"value", "suppressed"} and statuses & {"refused", "not_held"}
        else:
            assert statuses == {reply.klass if reply.klass == "not_held" else "refused"}
    assert counted == {"answered", "partial", "refused", "not_held", "acknowledgement", "clarification", "extended"}


def test_a_csv_across_reply_lists_each_questions_figures_in_period_order():
    campaign, _, reply = next(first_replies(lambda r: r.features.get("layout") == "csv_across"
                                                      and r.klass == "answered" and r.features["totals"] == "no"))
    data = reply.attachments[0].data.decode("utf-8-sig")
    delimiter = {"semicolon": ";", "tab": "\t"}.get(reply.features["csv_dialect"], ",")
    rows = [row for row in csv.reader(io.StringIO(data), delimiter=delimiter) if row]
    assert rows[0][1:] == [period_text(p, reply.features["period_style"]) for p in campaign.periods]
    for q, row in zip(campaign.questions, rows[1:]):
        assert row[1:] == [reply.shown[(q.id, p)] for p in campaign.periods]


def test_a_partial_reply_says_in_its_body_what_it_withholds():
    for kind in ("q_s12", "q_not_held", "q_s40", "q_s21", "periods_not_held"):
        _, _, reply = next(first_replies(lambda r, kind=kind: r.features.get("partial_kind") == kind))
        withheld = {c["question_id"] for c in reply.cells if c.get("status") in ("refused", "not_held")}
        assert withheld and not any(key[0] in withheld and key in reply.shown
                                    for key in {(c["question_id"], c["period"]) for c in reply.cells
                                                if "status" in c and c["status"] != "suppressed"})
        words = {"q_s12": ["section 12"], "q_not_held": ["not hold", "not held", "hold no"],
                 "q_s40": ["section 40(2)"], "q_s21": ["section 21"],
                 "periods_not_held": ["not held", "do not hold"]}[kind]
        assert any(w in reply.body_text + (reply.body_html or "") for w in words), kind


def test_an_acknowledgement_carries_the_councils_reference_where_it_says():
    for place in ("subject", "logged_under", "our_ref", "case_number"):
        _, _, reply = next(first_replies(lambda r, place=place: r.features.get("ref_place") == place))
        assert reply.their_reference
        if place == "subject":
            assert reply.their_reference in reply.subject and reply.their_reference not in reply.body_text
        else:
            assert reply.subject is None and reply.their_reference in reply.body_text


def test_the_eml_answers_our_message_and_carries_the_attachment():
    _, _, reply = LAYOUT_SAMPLES["xlsx_across"]
    raw = reply_eml(reply, our_subject="Freedom of Information request: X [G0-BNS-AB12]",
                    our_message_id="<foi.G0-BNS-AB12.1@example.org>", our_address="Data <d@example.org>",
                    council_address="foi@barnsley.gov.uk", when=__import__("datetime").datetime(2024, 3, 20, 9, 0))
    message = email.message_from_bytes(raw, policy=default_policy)
    assert message["In-Reply-To"] == "<foi.G0-BNS-AB12.1@example.org>"
    assert message["Subject"] == "RE: Freedom of Information request: X [G0-BNS-AB12]"
    files = [(p.get_filename(), p.get_content()) for p in message.iter_attachments()]
    assert files == [(reply.attachments[0].filename, reply.attachments[0].data)]
    _, _, html_reply = LAYOUT_SAMPLES["html_across"]
    message = email.message_from_bytes(reply_eml(html_reply, our_subject="S", our_message_id="<m@x>",
                                                 our_address="d@example.org", council_address="foi@a.gov.uk",
                                                 when=__import__("datetime").datetime(2024, 3, 20)),
                                       policy=default_policy)
    assert message.get_body(preferencelist=("html",)).get_content().strip() == html_reply.body_html.strip()


def test_campaign_files_and_the_batch_plan():
    text = campaign_toml(TRANSPORT, "transport-1", "G1", ["BNS", "LDS"], kinds={"count", "text", "yes_no"})
    parsed = tomllib.loads(text)
    assert [q["id"] for q in parsed["questions"]] == [q.id for q in TRANSPORT.questions]
    assert [q["kind"] for q in parsed["questions"]] == ["count", "count", "count"]  # money asked as a count
    assert tomllib.loads(campaign_toml(TRANSPORT, "t", "T", ["BNS"], kinds={"count", "money"})
                         )["questions"][0]["kind"] == "money"
    plan = plan_batch(700, [f"C{i:03d}" for i in range(317)])
    assert [(c.key, slug, len(codes)) for c, slug, _, codes in plan] == [
        ("early-help", "early-help-0", 234), ("transport", "transport-1", 233), ("looked-after", "looked-after-2", 233)]
    assert LOOKED_AFTER.snapshot and period_text("2023", "as_at_short") == "As at 31.03.23"


def test_scoring_counts_review_and_silent_wrong_apart():
    value, status = {"value": 12}, {"status": "not_held"}
    assert cell_outcome(value, {"status": "answered", "value": 12.0}) == "right"
    assert cell_outcome(value, {"status": "answered", "value": 13}) == "silent_wrong"
    assert cell_outcome(value, {"status": "refused"}) == "silent_wrong"
    assert cell_outcome(value, {"status": "needs_review", "value": 12}) == "review"
    assert cell_outcome(value, {"status": "missing"}) == cell_outcome(value, None) == "missing"
    assert cell_outcome(status, {"status": "not_held"}) == "right"
    assert cell_outcome(status, {"status": "refused"}) == "silent_wrong"
    assert json.dumps(value)  # truths are plain JSON
