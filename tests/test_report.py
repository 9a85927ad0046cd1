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


def test_headline_totals_say_how_many_councils(campaign, run):
    report = build_report(campaign, SLUG, TODAY)
    heads = {(h["question_id"], h["period"]): h for h in report["headlines"]}
    assert heads[("q1", "2023-24")] == {"question_id": "q1", "period": "2023-24", "total": 320, "councils": 2,
                                        "suppressed": {"values": 0, "lower": 0, "upper": 0}}
    assert heads[("q1", "2024-25")]["total"] == 130 and heads[("q1", "2024-25")]["councils"] == 1
    assert heads[("q2", "2024-25")] == {"question_id": "q2", "period": "2024-25", "total": 45, "councils": 1,
                                        "suppressed": {"values": 1, "lower": 0, "upper": 4}}
    text = run("report", SLUG).stdout
    assert "q2 2024-25: 45 from 1 council; 1 suppressed value worth 0-4 (not included)" in text
    assert "Sent                                    6       sent between 4 and 6 March 2026" in text
    assert "Councils that gave at least one figure  2 of 7  29% of the councils asked" in text


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
    assert "Delivered (sent, not bounced)           5" in text
    assert "refused  to be confirmed  missing" in text  # needs_review counted apart, never as answered
    assert "q1        2024-25  1 (14%)   0 (0%)      1 (14%)   1 (14%)  1 (14%)          3 (43%)" in text
    assert "q2        2024-25  1 (14%)   1 (14%)     1 (14%)   1 (14%)  0 (0%)           3 (43%)" in text
    assert "q2 2024-25: 45 from 1 council; 1 suppressed value worth 0-4 (not included)" in text
    assert "Median working days to a first reply    16.5    4 councils; fastest 11, slowest 24" in text


def test_html_escapes_everything_and_names_nothing_external(campaign, run, isolated):
    run("report", SLUG, "--html", "report.html")
    html = (isolated / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;New Forest" in html
    assert "=HYPERLINK(&#34;http://evil.example/x&#34;,&#34;Leeds&#34;)" in html
    assert not external_references(html)
    assert html.count("<svg") == 4 and 'id="coverage-grid"' in html
    assert '<h3 id="values-q2">Values: q2</h3>' in html and "&lt;5 (0-4)" in html


def test_html_report_is_compiled_once_and_the_same_from_the_compiled_templates(campaign, run, isolated,
                                                                               monkeypatch):
    import jinja2

    monkeypatch.setenv("XDG_CACHE_HOME", str(isolated / "cache"))
    run("report", SLUG, "--html", "first.html")
    kept = sorted(p.name for p in (isolated / "cache" / "foi").glob("templates-*/__jinja2_*.cache"))
    assert len(kept) == 2  # report.html.j2 and the national figures it includes

    def compile_again(*args, **kwargs):
        raise AssertionError("a kept template was compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", compile_again)
    run("report", SLUG, "--html", "second.html")
    first = (isolated / "first.html").read_text(encoding="utf-8")
    assert (isolated / "second.html").read_text(encoding="utf-8") == first and "<svg" in first


def test_html_report_is_written_where_no_cache_can_be_kept(campaign, run, isolated, monkeypatch):
    (isolated / "not-a-folder").write_text("a file where the cache folder would go", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(isolated / "not-a-folder"))
    run("report", SLUG, "--html", "uncached.html")
    monkeypatch.setenv("XDG_CACHE_HOME", str(isolated / "cache"))
    run("report", SLUG, "--html", "cached.html")
    assert (isolated / "uncached.html").read_bytes() == (isolated / "cached.html").read_bytes()


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


def summary_table(html: str) -> list[tuple[str, str, str]]:
    """The rows of the HTML summary table: (label, figure, note)."""
    import re

    table = html[html.index('<table id="summary">'):]
    table = table[:table.index("</table>")]
    return re.findall(r'<tr id="count-\w+"><th scope="row">(.*?)</th><td class="n">(.*?)</td><td>(.*?)</td></tr>',
                      table)


def test_html_summary_gives_each_total_once_in_a_table_and_the_method_a_heading(campaign, run, isolated):
    run("report", SLUG, "--html", "report.html")
    html = (isolated / "report.html").read_text(encoding="utf-8")
    assert summary_table(html) == [
        ("Recipients", "7", ""), ("With an address", "6", ""), ("No address", "1", ""),
        ("Sent", "6", "sent between 4 and 6 March 2026"), ("Delivered (sent, not bounced)", "5", ""),
        ("Acknowledged", "3", ""), ("Answered in full", "1", ""), ("Answered in part", "1", ""),
        ("Refused", "1", ""), ("Information not held", "1", ""), ("Clarification pending", "0", ""),
        ("Overdue", "1", ""), ("Very overdue (over 40 working days)", "1", ""), ("Bounced", "1", ""),
        ("Councils that gave at least one figure", "2 of 7", "29% of the councils asked"),
        ("Values to be confirmed", "1", "in no total yet; foi review early-help lists them"),
        ("Median working days to a first reply", "16.5", "4 councils; fastest 11, slowest 24")]
    # said once: no sentence repeats the totals (the old paragraph said each of them again)
    for said_again in ("requests were sent", "had answered in full", "The figures cover", "total 45 from"):
        assert said_again not in html
    assert html.count("Answered in full") == 1 and html.count("16.5") == 1
    method = html[html.index('<section id="methodology"'):html.index("</section>")]
    assert '<h2 id="methodology-heading">Methodology: how to read these figures</h2>' in method
    assert "<li>Shares are of all recipients of the request, not only of those that answered.</li>" in method


def test_question_titles_in_the_terminal_html_and_json(isolated, run):
    from tests.builders import create_campaign, register_db

    questions = ({"id": "referrals", "title": "Referrals received", "text": "How many referrals were received?"},
                 {"id": "rereferrals", "text": "How many referrals came back within a year?"})
    create_campaign(register_db(), isolated, slug="titled", recipients=["BNS", "LDS"], periods=("2024/25",),
                    questions=questions)
    data = json.loads(run("report", "titled", "--json").stdout)
    assert [(q["id"], q["title"]) for q in data["questions"]] == [
        ("referrals", "Referrals received"), ("rereferrals", "rereferrals")]  # no title: the id
    text = run("report", "titled").stdout
    assert "Referrals received  2024/25  0 (0%)    0 (0%)      0 (0%)    0 (0%)   0 (0%)           2 (100%)" in text
    assert "rereferrals         2024/25  0 (0%)" in text
    assert "Referrals received 2024/25: 0 from 0 councils" in text
    run("report", "titled", "--html", "report.html")
    html = (isolated / "report.html").read_text(encoding="utf-8")
    assert '<th title="How many referrals were received?">Referrals received</th>' in html
    assert '<h3 id="values-referrals">Values: Referrals received</h3>' in html
    assert "<dt><b>Referrals received</b> (referrals)</dt><dd>How many referrals were received?</dd>" in html
    assert "<dt><b>rereferrals</b></dt>" in html


def test_a_question_title_must_be_text(isolated, run):
    from tests.builders import campaign_file, register_db

    register_db().close()
    (isolated / "bad.toml").write_text(campaign_file(
        slug="bad", prefix="B", title="Bad", recipients=["BNS"], periods=["2024/25"],
        questions=[{"id": "referrals", "text": "How many referrals?"}]).replace(
        'id = "referrals"', 'id = "referrals"\ntitle = ""'), encoding="utf-8")
    result = run("campaign", "create", "bad.toml", ok=False)
    assert result.exit_code == 1
    assert "questions[0].title: must be a non-empty string" in result.stderr
