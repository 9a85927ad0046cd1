"""foi report: exact counts, shares of all recipients, totals, response times, and
agreement with foi status and the dataset export."""

import csv
import datetime as dt
import io
import json

from report_campaign import FORMULA_NAME, SCRIPT_NAME, SLUG, campaign  # noqa: F401 (a fixture)

from foi.report.summary import build_report, normalise_section

TODAY = dt.date(2026, 5, 20)


def test_request_counts_and_refusals_by_section(campaign):
    report = build_report(campaign, SLUG, TODAY)
    assert report["requests"] == {
        "recipients": 7, "with_address": 6, "no_address": 1, "sent": 6, "delivered": 5,
        "acknowledged": 3, "answered": 1, "answered_partial": 1, "refused": 1, "not_held": 1,
        "clarification_pending": 0, "overdue": 1, "very_overdue": 1, "bounced": 1,
        "first_sent_on": "2026-03-04", "last_sent_on": "2026-03-06"}
    # s.12 from MAN's refused answer ("section 12"), s.40(2) from KEN's event and values.
    assert report["refusals_by_section"] == {"s.12": 1, "s.40(2)": 1}
    assert [normalise_section(s) for s in ("Section 40(2)", "s 12", "S.43", "reg.12(4)(b)")] == [
        "s.40(2)", "s.12", "s.43", "reg.12(4)(b)"]


def test_coverage_is_shared_over_all_recipients(campaign):
    report = build_report(campaign, SLUG, TODAY)
    cells = {(c["question_id"], c["period"]): c for c in report["coverage"]}
    assert list(cells) == [("q1", "2023-24"), ("q1", "2024-25"), ("q2", "2023-24"), ("q2", "2024-25")]
    q2 = cells[("q2", "2024-25")]
    assert q2["recipients"] == 7
    assert q2["counts"] == {"answered": 1, "suppressed": 1, "not_held": 1, "refused": 1,
                            "needs_review": 0, "missing": 3, "not_asked": 0}
    assert q2["shares"] == {"answered": 0.1429, "suppressed": 0.1429, "not_held": 0.1429, "refused": 0.1429,
                            "needs_review": 0.0, "missing": 0.4286, "not_asked": 0.0}
    # The superseded 999 is not counted: BNS and MAN answered q1 2023-24.
    assert cells[("q1", "2023-24")]["counts"]["answered"] == 2
    assert cells[("q1", "2023-24")]["shares"]["answered"] == 0.2857
    assert cells[("q1", "2024-25")]["counts"]["needs_review"] == 1
    assert cells[("q2", "2023-24")]["counts"]["refused"] == 2
    for cell in report["coverage"]:
        assert sum(cell["counts"].values()) == 7


def test_coverage_by_region_and_type(campaign):
    report = build_report(campaign, SLUG, TODAY)
    regions = {g["group"]: g for g in report["coverage_by_region"]}
    assert {name: g["recipients"] for name, g in regions.items()} == {
        "East of England": 1, "North West": 1, "South East": 2, "Yorkshire and The Humber": 3}
    yorks = regions["Yorkshire and The Humber"]  # BNS 4 answered; LDS and YOR missing
    assert yorks["overall"]["counts"]["answered"] == 4 and yorks["overall"]["counts"]["missing"] == 8
    assert yorks["overall"]["shares"]["answered"] == 0.3333
    south_east = {(c["question_id"], c["period"]): c for c in regions["South East"]["cells"]}
    assert south_east[("q1", "2023-24")]["counts"]["refused"] == 1
    assert south_east[("q1", "2023-24")]["shares"]["missing"] == 0.5
    types = {g["group"]: g["recipients"] for g in report["coverage_by_type"]}
    assert types == {"CTY": 2, "MD": 3, "NMD": 1, "UA": 1}


def test_headline_totals_say_how_many_councils(campaign):
    report = build_report(campaign, SLUG, TODAY)
    heads = {(h["question_id"], h["period"]): h for h in report["headlines"]}
    assert heads[("q1", "2023-24")] == {"question_id": "q1", "period": "2023-24", "total": 320, "councils": 2,
                                        "suppressed": {"values": 0, "lower": 0, "upper": 0}}
    assert heads[("q1", "2024-25")]["total"] == 130 and heads[("q1", "2024-25")]["councils"] == 1
    assert heads[("q2", "2024-25")] == {"question_id": "q2", "period": "2024-25", "total": 45, "councils": 1,
                                        "suppressed": {"values": 1, "lower": 0, "upper": 4}}
    text = " ".join(report["methodology"])
    assert "q2 2024-25: total 45 from 1 council, plus 1 suppressed value worth 0-4." in text
    assert "6 of 7 requests were sent between 4 and 6 March 2026." in text
    assert "By 20 May 2026, 2 councils had answered in full or in part (1 in full, 1 in part)" in text
    assert "The figures cover 2 councils of the 7 asked (29%)" in text


def test_median_response_time_in_working_days(campaign):
    # Sent 4 March; first replies 20 Mar (11 working days: 17 Mar is a UK bank holiday
    # in Northern Ireland), 25 Mar (14), 1 Apr (19), 10 Apr (24: Good Friday, Easter Monday).
    report = build_report(campaign, SLUG, TODAY)
    assert report["response_times"] == {"responded": 4, "median_working_days": 16.5, "fastest": 11, "slowest": 24}
    assert report["responses_over_time"] == [
        {"date": "2026-03-20", "responses": 1, "cumulative": 1},
        {"date": "2026-03-25", "responses": 1, "cumulative": 2},
        {"date": "2026-04-01", "responses": 1, "cumulative": 3},
        {"date": "2026-04-10", "responses": 1, "cumulative": 4}]


def test_report_json_text_status_and_dataset_agree(campaign, run):
    data = json.loads(run("report", SLUG, "--json").stdout)
    assert data == json.loads(json.dumps(build_report(campaign, SLUG, TODAY)))
    status = json.loads(run("status", SLUG, "--json").stdout)
    assert status["summary"]["overdue"] == data["requests"]["overdue"] == 1
    assert status["summary"]["very_overdue"] == data["requests"]["very_overdue"] == 1
    assert status["summary"]["by_state"] == data["by_state"]
    due = {r["body_code"]: r["due_date"] for r in status["requests"]}
    assert {c["body_code"]: c["due_date"] for c in data["councils"]} == due
    exported = list(csv.DictReader(io.StringIO(run("export", SLUG, "--what", "requests").stdout)))
    assert {r["body_code"]: r["due_date"] or None for r in exported} == due
    assert {r["body_code"]: int(r["chases"]) for r in exported} == {r["body_code"]: r["chases"]
                                                                   for r in status["requests"]}
    rows = list(csv.DictReader(io.StringIO(run("export", SLUG).stdout)))
    for cell in data["coverage"]:
        mine = [r["status"] for r in rows if (r["question_id"], r["period"]) == (cell["question_id"], cell["period"])]
        assert {s: mine.count(s) for s in cell["counts"]} == cell["counts"]
    text = run("report", SLUG).stdout
    assert "Delivered (sent, not bounced)        5" in text
    assert "refused  to be confirmed  missing" in text  # needs_review counted apart, never as answered
    assert "q1        2024-25  1 (14%)   0 (0%)      1 (14%)   1 (14%)  1 (14%)          3 (43%)" in text
    assert "q2        2024-25  1 (14%)   1 (14%)     1 (14%)   1 (14%)  0 (0%)           3 (43%)" in text
    assert "q2 2024-25: 45 from 1 council; 1 suppressed value worth 0-4 (not included)" in text
    assert "Median 16.5 working days from sending to the first reply (4 councils; fastest 11, slowest 24)" in text


def test_html_escapes_everything_and_names_nothing_external(campaign, run, isolated):
    run("report", SLUG, "--html", "report.html")
    html = (isolated / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;New Forest" in html
    assert "=HYPERLINK(&#34;http://evil.example/x&#34;,&#34;Leeds&#34;)" in html
    assert not external_references(html)
    assert html.count("<svg") == 3 and 'id="coverage-grid"' in html
    assert "<th>q2<br>2024-25</th>" in html and "&lt;5 (0-4)" in html


def external_references(html: str) -> list[str]:
    """src=, href=, url(...) and @import pointing anywhere but this page."""
    import re

    found = re.findall(r"""(?:src|href|action|xlink:href)\s*=\s*["']?\s*([^"'\s>]+)""", html, re.I)
    found += re.findall(r"""url\(\s*["']?([^"')]+)""", html, re.I)
    found += re.findall(r"""@import\s+["']?([^"';]+)""", html, re.I)
    return [ref for ref in found if not ref.startswith("#")]


def test_external_reference_check_catches_links():
    assert external_references('<img src="http://x/y.png"><a href=//cdn/x>x</a>'
                               '<div style="background:url(\'https://x/b.png\')">') == [
        "http://x/y.png", "//cdn/x", "https://x/b.png"]
