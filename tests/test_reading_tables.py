"""Tables written in plain text or HTML mail bodies: `|`-separated with and
without edge bars, space-aligned columns whose header labels hold single spaces
(with blank lines between rows), tab-separated rows from an HTML body, one cell
per line, cells one space apart; and blocks that only look like tables stay
prose. Every figure is located by its line (and column)."""

from __future__ import annotations

from test_extract_replytext import PERIODS, QUESTIONS

from foi.extract.mapper import extract_values
from foi.extract.questions import QuestionMatcher
from foi.extract.run import Campaign, resolve
from foi.extract.text import read_text
from foi.extract.texttables import loose_grids, stacked_grids, text_grids
from foi.mail.htmltext import html_to_text

FIGURES = {"referrals": [2210, 2305, 2417], "rereferrals": [512, 498, 530], "nfa": [77, 81, 69]}


def reply(text: str) -> dict:
    """(question, period) -> (status, value, location) as stored."""
    found = extract_values(read_text(text.encode(), "body"), QuestionMatcher(QUESTIONS), PERIODS)
    chosen = resolve([(f, None, "message body") for f in found], Campaign("cin", QUESTIONS, PERIODS, []))
    return {(f.question_id, f.period): (f.value.status, f.value.value, f.location) for f, _, _ in chosen}


def across(lines: dict[str, int], col: int = 2) -> dict:
    """Every figure answered, questions down the side: question -> its line."""
    return {(q, p): ("answered", float(FIGURES[q][n]), f"body line {line} col {col + n}")
            for q, line in lines.items() for n, p in enumerate(PERIODS)}


def test_pipe_table_with_edge_bars_and_a_rule_line():
    text = ("Dear Ms Jones,\n\nOur answer is below.\n\n"
            "| Question | 2015/16 | 2016/17 | 2017/18 |\n"
            "|---|---|---|---|\n"
            "| Q1 | 2,210 | 2,305 | 2,417 |\n"
            "| Q2 | 512 | 498 | 530 |\n"
            "| Q3 | 77 | 81 | 69 |\n\nRegards\n")
    assert reply(text) == across({"referrals": 7, "rereferrals": 8, "nfa": 9})


def test_pipe_table_without_edges_keeps_its_blank_corner():
    text = (" | 2015/16 | 2016/17 | 2017/18\n"
            "Referrals | 2210 | 2305 | 2417\n"
            "Re-referrals | 512 | 498 | 530\n")
    assert reply(text) == across({"referrals": 2, "rereferrals": 3})


def test_space_aligned_columns_with_spaced_header_labels_and_blank_lines_between_rows():
    text = ("Please find the figures below.\n\n"
            "Financial year    Number of referrals    Re-referrals    No further action\n\n"
            "2015/16                  2,210                 512                    77\n\n"
            "2016/17                  2,305                 498                    81\n\n"
            "2017/18                  2,417                 530                    69\n\n"
            "Kind regards\n")
    assert reply(text) == {(q, p): ("answered", float(FIGURES[q][n]), f"body line {5 + 2 * n} col {col}")
                           for col, q in enumerate(FIGURES, start=2) for n, p in enumerate(PERIODS)}


def test_space_aligned_grid_cuts_only_where_every_line_has_a_gap():
    lines = ["Year      Looked after children   Placed far away",
             "2015/16                    1,200               34",
             "2016/17                      980               41"]
    [grid] = text_grids(lines, "body")
    assert grid.rows == [["Year", "Looked after children", "Placed far away"],
                         ["2015/16", "1,200", "34"], ["2016/17", "980", "41"]]
    assert grid.locate(2, 1) == "body line 3 col 2"


def test_prose_with_two_spaces_after_full_stops_is_not_a_table():
    lines = ["We have searched our records.  The figures are given in the table attached to this letter.",
             "In 2015/16 there were 2,210 referrals.  In 2016/17 there were 2,305 referrals in all."]
    assert text_grids(lines, "body") == []
    assert loose_grids(lines, "body") == []


def test_html_body_table_becomes_one_tab_separated_line_per_row():
    html = ("<html><body>\n<p>Dear Ms Jones,</p>\n<table border='1'>\n"
            "  <tr>\n    <th></th>\n    <th>2015/16</th>\n    <th>2016/17</th>\n    <th>2017/18</th>\n  </tr>\n"
            "  <tr>\n    <td>Referrals</td>\n    <td>2,210</td>\n    <td>2,305</td>\n    <td>2,417</td>\n  </tr>\n"
            "  <tr>\n    <td>No further action</td>\n    <td colspan='2'>77</td>\n    <td>69</td>\n  </tr>\n"
            "</table>\n<p>Regards</p>\n</body></html>")
    body = html_to_text(html)
    assert body.splitlines() == ["Dear Ms Jones,", "", "\t2015/16\t2016/17\t2017/18",
                                 "Referrals\t2,210\t2,305\t2,417", "No further action\t77\t\t69", "", "Regards"]
    found = reply(body)
    assert found[("nfa", "2015/16")] == ("answered", 77.0, "body line 5 col 2")
    assert found[("nfa", "2017/18")] == ("answered", 69.0, "body line 5 col 4")
    assert found[("nfa", "2016/17")][0] != "answered"  # the merged cell's second column is blank
    assert found[("referrals", "2016/17")] == ("answered", 2305.0, "body line 4 col 3")


def test_one_cell_per_line_with_blank_lines_a_header_without_its_corner_and_numbered_rows():
    cells = ["2015/16", "2016/17", "2017/18"]
    for number, question in enumerate(FIGURES, start=1):
        cells += [str(number), *(f"{v:,}" for v in FIGURES[question])]
    text = "Our response:\n\n" + "\n\n".join(cells) + "\n\nRegards\n"
    found = reply(text)
    # line of a cell: the header's three cells on lines 3, 5, 7; then four lines (x2) a row
    assert found == {(q, p): ("answered", float(FIGURES[q][n]), f"body line {9 + 8 * r + 2 * (n + 1)}")
                     for r, q in enumerate(FIGURES) for n, p in enumerate(PERIODS)}


def test_one_cell_per_line_out_of_step_rows_are_no_table():
    # a blank cell lost between the lines shifts every later cell: no grid is read
    lines = ["Question", "2015/16", "2016/17", "1", "2210", "2305", "2", "512", "3", "77", "81"]
    assert [g.rows for g in stacked_grids(lines, "body")] == []


def test_cells_one_space_apart_under_a_header_of_periods():
    text = ("The spend in each year:\n\n"
            "2015/16 2016/17 2017/18\n"
            "Referrals 2,210 2,305 2,417\n"
            "Closed with no further action 77 81 69\n")
    assert reply(text) == across({"referrals": 4, "nfa": 5})


def test_rows_by_period_one_space_apart_take_capitalised_header_labels():
    lines = ["  Referrals received Re-referrals Closed no further action",
             "2015/16 2210 512 77", "2016/17 2305 498 81"]
    [grid] = loose_grids(lines, "body")
    assert grid.rows[0] == ["", "Referrals received", "Re-referrals", "Closed no further action"]
    assert grid.rows[2] == ["2016/17", "2305", "498", "81"]


def test_rows_by_period_under_a_header_that_does_not_split_store_nothing():
    """Seven figures a row under a header with more capitalised words than
    columns: which figure answers which question is a guess, so none is stored
    (and the rows are not read as sentences either)."""
    text = ("Households in accommodation\n\n"
            "Singles in TA Families in TA Re-referrals Referrals TA shared TA own Stay\n"
            "2015/16 681 1059 304 91 1953 1563 1\n"
            "2016/17 761 1060 309 171 1959 1521 4\n")
    assert reply(text) == {}


def test_a_header_that_lost_its_corner_is_moved_back_over_its_columns():
    text = ("| 2015/16 | 2016/17 | 2017/18 | |\n"
            "| Referrals | 2210 | 2305 | 2417 |\n"
            "| Re-referrals | 512 | 498 | 530 |\n")
    assert reply(text) == across({"referrals": 2, "rereferrals": 3})


def test_questions_each_followed_by_a_sentence_are_prose_not_one_cell_per_line():
    lines = ["1. How many referrals did you receive?", "No referrals were recorded before 2016, 40 since.",
             "2. How many were re-referrals?", "We do not hold this information.",
             "3. How many were closed with no further action?", "This is not recorded by the service."]
    assert stacked_grids(lines, "body") == []
