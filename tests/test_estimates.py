"""National estimates (issue 18, item 3): the observed floor, the ratio estimate grossed up
to all recipients by a reference figure, its bootstrap 95% interval, the coverage and the
refusals, computed by hand on a small campaign and compared exactly.

The campaign: five councils asked how many assessments they completed in 2023/24 and
2024/25; the reference table `caseload` has a 2024/25 figure for four of them (Kirklees has
none) and nothing for 2023/24.

    2024/25    answer    caseload
    BNS        30        100
    LDS        120       300
    SHF        50        200
    YOR        <5        150     a range 0..4: in the floor at 0, not in the ratio
    KIR        (none)    -
"""

import datetime as dt
import json
import random
from fractions import Fraction
from pathlib import Path

import pytest

from foi.campaign.spec import CampaignFileError, parse_campaign
from foi.db import connect
from foi.measures.cells import Cell
from foi.measures.estimates import RESAMPLES, SEED, ScaleBy, bootstrap_draws, estimate_total
from foi.reference.store import ReferenceTable, save_table
from tests.builders import campaign_file, create_campaign, register_db

SLUG = "assess"
NOW = "2026-03-01T09:00:00+00:00"
CASELOAD = {"BNS": 100, "LDS": 300, "SHF": 200, "YOR": 150}
ANSWERS = {"BNS": "30", "LDS": "120", "SHF": "50", "YOR": "<5"}
QUESTION = {"id": "assessments", "title": "Assessments completed",
            "text": "How many children's social care assessments did you complete?"}
ESTIMATE = """
[[estimates]]
of = "assessments"
scale_by = "ref.caseload"
"""


def build(folder: Path, run, *, estimates: str = ESTIMATE, answers: dict[str, str] = ANSWERS) -> None:
    """The campaign above, its answers recorded with `foi answer` as staff would."""
    db = register_db(folder / "campaign.db")
    save_table(db, ReferenceTable("caseload", "Open social care cases at 31 March", "test figures"),
               [(code, "2024/25", value, None) for code, value in CASELOAD.items()],
               now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    create_campaign(db, folder, slug=SLUG, prefix="AS", recipients=["BNS", "LDS", "SHF", "YOR", "KIR"],
                    periods=("2023/24", "2024/25"), questions=(QUESTION,), extra=estimates)
    db.close()
    for code, value in answers.items():
        run("answer", SLUG, code, "assessments", "2024/25", value)


def report_json(run) -> dict:
    return json.loads(run("report", SLUG, "--json").stdout)


def test_estimate_observed_coverage_and_interval_by_hand(isolated, run):
    build(isolated, run)
    rows = {row["period"]: row for row in report_json(run)["estimates"]}
    row = rows["2024/25"]
    # The ratio: (30 + 120 + 50) / (100 + 300 + 200) = 1/3 over the three exact figures with a
    # caseload; the caseload of every recipient that has one is 100 + 300 + 200 + 150 = 750.
    ys, xs, total = [30, 120, 50], [100, 300, 200], 750
    # The interval as documented: the councils in code order (BNS, LDS, SHF) re-drawn with
    # random.Random(SEED).randrange, 2,000 times; the 50th lowest and 50th highest estimates,
    # their distances from the estimate 250 narrowed by sqrt(1 - 3/4) = 1/2 (3 of the 4
    # recipients with a caseload answered).
    rng = random.Random(SEED)
    spread = sorted(Fraction(sum(ys[i] for i in draw), sum(xs[i] for i in draw)) * total
                    for draw in ([rng.randrange(3) for _ in range(3)] for _ in range(RESAMPLES)))
    low, high = 250 - (250 - spread[49]) / 2, 250 + (spread[1950] - 250) / 2
    assert (SEED, RESAMPLES) == (18, 2000)
    assert row == {
        "id": "assessments", "title": "Assessments completed", "of": "assessments", "period": "2024/25",
        "scale_by": "ref.caseload", "min_coverage": 0.3, "format": "count",
        "observed": 200,  # 30 + 120 + 50, plus York's <5 at the bottom of its range, 0
        "observed_note": "exact figures from 3 councils, plus 1 suppressed figure (such as '<5') at the bottom "
                         "of its range, adding 0",
        "exact_councils": 3, "ranged_councils": 1,
        "estimate": 250,  # 200 / 600 * 750
        "low": round(float(low), 2), "high": round(float(high), 2),
        "method": "The total of the 3 councils that gave an exact figure was scaled up to the 4 recipients with "
                  "a ref.caseload figure (Open social care cases at 31 March, 2024/25) in proportion to that "
                  "figure; the 95% interval is the middle 95% of the same estimate made again from 2,000 random "
                  "re-draws of those councils (fixed seed 18), narrowed for the share of the recipients they "
                  "are (the finite population correction).",
        "councils": 3, "coverage": 0.8,  # 600 of 750
        "reference_total": 750, "recipients": 5, "without_reference": 1, "refused": None,
    }
    # The same, written down: with three councils a re-draw is one of ten mixes; the 50th lowest of
    # 2,000 is Sheffield three times (150 / 600 * 750 = 187.5), the 50th highest Leeds three times
    # (360 / 900 * 750 = 300): 250 - 62.5 / 2 and 250 + 50 / 2.
    assert (row["low"], row["high"]) == (218.75, 275)
    # 2023/24: no caseload figures at all.
    assert rows["2023/24"]["refused"] == ("no recipient has a ref.caseload figure for 2023/24, "
                                          "so there is nothing to scale by")
    assert rows["2023/24"]["estimate"] is None and rows["2023/24"]["low"] is None


@pytest.mark.parametrize(("n", "resamples"), [(1, RESAMPLES), (2, RESAMPLES), (3, RESAMPLES), (7, RESAMPLES),
                                              (8, RESAMPLES), (9, RESAMPLES), (64, RESAMPLES), (100, RESAMPLES),
                                              (153, RESAMPLES), (1024, 40), (1530, 40)])
def test_the_draws_are_randrange_s_numbers_in_order(n, resamples):
    """The documented resamples, whatever n (a power of two and either side of one, where
    randrange's draw-again loop differs; ten times the model campaign's councils): draw i
    is the i-th n of random.Random(SEED).randrange(n), one after another."""
    rng = random.Random(SEED)
    expected = [[rng.randrange(n) for _ in range(n)] for _ in range(resamples)]
    assert bootstrap_draws(n, resamples).tolist() == expected
    assert len(expected) == resamples and all(len(draw) == n for draw in expected)


def test_interval_from_given_draws_by_hand():
    # The same figures; four re-draws given by hand (k = round(4 x 2.5%) = 0, so at least 1:
    # the interval runs from the lowest to the highest of the four, its distances from the
    # estimate halved: 3 of the 4 recipients with a caseload answered, sqrt(1 - 3/4) = 1/2).
    cells = [Cell("BNS", "2024/25", 30, 30, 30), Cell("LDS", "2024/25", 120, 120, 120),
             Cell("SHF", "2024/25", 50, 50, 50), Cell("YOR", "2024/25", None, 0, 4, "suppressed (<5)"),
             Cell("KIR", "2024/25", None, None, None, "missing")]
    scale = ScaleBy("caseload", "Open cases", CASELOAD)
    found = estimate_total(cells, scale, min_coverage=0.3, draws=[(0, 0, 0), (1, 1, 2), (0, 1, 2), (2, 2, 1)])
    # (0,0,0): 90/300*750 = 225; (1,1,2): 290/800*750 = 271.875; (0,1,2): 250; (2,2,1): 220/700*750 = 235.71
    assert (found.estimate, found.low, found.high) == (250, 250 - 25 / 2, 250 + 21.875 / 2)
    assert (found.observed, found.councils, found.covered, found.reference_total) == (200, 3, 600, 750)
    assert "from 4 random re-draws of those councils (fixed seed 18)" in found.method
    # Every recipient with a caseload answering exactly: the total is known, the interval is the estimate.
    known = [Cell("YOR", "2024/25", 10, 10, 10) if c.body_code == "YOR" else c for c in cells]
    found = estimate_total(known, scale, min_coverage=0.3)
    assert (found.estimate, found.low, found.high, found.observed) == (210, 210, 210, 210)


def test_too_thin_coverage_is_refused_with_the_reason(isolated, run):
    build(isolated, run, estimates=ESTIMATE + 'min_coverage = 0.85\nperiod = "2024/25"\n')
    report = report_json(run)
    assert [(row["period"], row["estimate"], row["refused"]) for row in report["estimates"]] == [
        ("2024/25", None, "the 3 councils that gave an exact figure for 2024/25 hold 80.0% of the ref.caseload "
                          "total; at least 85% is needed (min_coverage in the campaign file)")]
    assert report["estimates"][0]["observed"] == 200 and report["estimates"][0]["coverage"] == 0.8
    text = run("report", SLUG).stdout
    assert ("Assessments completed, 2024/25: no estimate: the 3 councils that gave an exact figure for 2024/25 "
            "hold 80.0% of the ref.caseload total; at least 85% is needed (min_coverage in the campaign file)\n"
            "  Observed: at least 200 (exact figures from 3 councils, plus 1 suppressed figure (such as '<5') at "
            "the bottom of its range, adding 0)\n"
            "  Rests on: 3 councils holding 80.0% of the ref.caseload total; 1 recipient with no ref.caseload "
            "figure is left out\n") in text


def test_one_council_is_too_few_for_an_interval(isolated, run):
    build(isolated, run, answers={"LDS": "120"}, estimates=ESTIMATE + "min_coverage = 0\n")
    row = next(r for r in report_json(run)["estimates"] if r["period"] == "2024/25")
    assert row["refused"] == ("only 1 council gave an exact figure for 2024/25: at least 2 are needed to say how "
                              "far the others may differ")


def test_terminal_and_html_show_the_estimate_and_what_it_rests_on(isolated, run):
    build(isolated, run)
    text = run("report", SLUG).stdout
    section = text[text.index("National estimates\n"):text.index("Ranges across councils")]
    assert section.splitlines()[:5] == [
        "National estimates",
        "==================",
        "Assessments completed, 2023/24: no estimate: no recipient has a ref.caseload figure for 2023/24, so "
        "there is nothing to scale by",
        "  Observed: no council has given a figure",
        "  Rests on: 0 councils; 5 recipients with no ref.caseload figure are left out",
    ]
    assert ("Assessments completed, 2024/25: an estimated 250 (95% interval 219 to 275)\n"
            "  Observed: at least 200 (exact figures from 3 councils, plus 1 suppressed figure (such as '<5') "
            "at the bottom of its range, adding 0)\n"
            "  Rests on: 3 councils holding 80.0% of the ref.caseload total; 1 recipient with no ref.caseload "
            "figure is left out\n"
            "  Method: The total of the 3 councils") in section
    run("report", SLUG, "--html", "report.html")
    html = Path("report.html").read_text(encoding="utf-8")
    row = html[html.index('<tr id="estimate-assessments-2">'):]
    row = row[:row.index("</tr>")]
    assert "<b>250</b> (219 to 275)" in row
    assert "3 councils holding 80.0% of the ref.caseload total" in row


@pytest.mark.parametrize(("table", "problem"), [
    ('of = "assessment"\nscale_by = "ref.caseload"',
     "estimates[0].of: unknown question or measure 'assessment' (an estimate is of one of the questions or "
     "measures above)"),
    ('of = "share_seen"\nscale_by = "ref.caseload"',
     "estimates[0].of: question 'share_seen' is a percent; an estimate adds figures up, so it needs a count "
     "or money question"),
    ('of = "assessments"\nscale_by = "caseload"',
     "estimates[0].scale_by: 'caseload' must name a reference table as ref.NAME, e.g. ref.referrals"),
    ('of = "assessments"\nscale_by = "ref.caseload"\nperiod = "2022/23"',
     "estimates[0].period: '2022/23' is not a period of this campaign (2023/24, 2024/25) nor \"all\""),
    ('of = "assessments"\nscale_by = "ref.caseload"\nmin_coverage = 30',
     "estimates[0].min_coverage: 30 must be a share between 0 and 1 (0.3 means 30% of the reference total)"),
    ('of = "assessments"\nscale_by = "ref.caseload"\nmargin = 2',
     "estimates[0].margin: unknown key (allowed: id, min_coverage, of, period, scale_by, title)"),
])
def test_campaign_file_problems_name_the_field(isolated, run, table, problem):
    register_db(isolated / "campaign.db").close()
    text = campaign_file(slug=SLUG, prefix="AS", title="T", recipients=["BNS"], periods=["2023/24", "2024/25"],
                         questions=[QUESTION, {"id": "share_seen", "kind": "percent", "text": "What share?"}])
    Path("c.toml").write_text(text + "\n[[estimates]]\n" + table + "\n", encoding="utf-8")
    result = run("campaign", "create", "c.toml", ok=False)
    assert (result.exit_code, result.stderr) == (1, f"Error: c.toml: 1 problem in the campaign file:\n  - {problem}\n")


def test_two_estimates_of_one_question_need_their_own_ids():
    text = campaign_file(slug=SLUG, prefix="AS", title="T", recipients=["BNS"], periods=["2024/25"],
                         questions=[QUESTION])
    with pytest.raises(CampaignFileError) as error:
        parse_campaign(text + ESTIMATE + ESTIMATE)
    assert error.value.problems == [
        "estimates[1].id: 'assessments' is used by another estimate; give each estimate its own id"]
    spec = parse_campaign(text + ESTIMATE + ESTIMATE + 'id = "by_caseload"\ntitle = "Scaled by caseload"\n')
    assert [(e.id, e.of, e.scale_by, e.period, e.min_coverage, e.title) for e in spec.estimates] == [
        ("assessments", "assessments", "caseload", "all", 0.3, None),
        ("by_caseload", "assessments", "caseload", "all", 0.3, "Scaled by caseload")]


def test_an_unknown_reference_table_stops_campaign_create(isolated, run):
    register_db(isolated / "campaign.db").close()
    text = campaign_file(slug=SLUG, prefix="AS", title="T", recipients=["BNS"], periods=["2024/25"],
                         questions=[QUESTION])
    Path("c.toml").write_text(text + ESTIMATE.replace("caseload", "caseloads"), encoding="utf-8")
    result = run("campaign", "create", "c.toml", ok=False)
    assert result.exit_code == 1
    problem = next(line for line in result.stderr.splitlines() if "estimates" in line)
    assert problem.startswith("  - estimates[0].scale_by: no reference table named 'caseloads' (")
    assert problem.endswith("); import one with `foi reference import FILE --name caseloads`")


def test_the_readme_example_is_a_valid_estimate():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("**National estimates.**", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    question = {"id": "closed_no_early_help", "text": "How many were closed with no early help?"}
    text = campaign_file(slug=SLUG, prefix="AS", title="T", recipients=["BNS"], periods=["2024/25"],
                         questions=[question])
    [estimate] = parse_campaign(text + example).estimates
    assert (estimate.id, estimate.of, estimate.scale_by, estimate.period, estimate.min_coverage) == (
        "closed_by_referrals", "closed_no_early_help", "referrals", "all", 0.3)


def test_a_reference_table_gone_since_the_campaign_was_made_is_the_reason(isolated, run):
    build(isolated, run, estimates=ESTIMATE + 'period = "2024/25"\n')
    db = connect(isolated / "campaign.db")
    db.execute("DELETE FROM reference_tables WHERE name = 'caseload'")
    db.conn.commit()
    db.close()
    [row] = report_json(run)["estimates"]
    assert (row["observed"], row["estimate"], row["councils"], row["refused"]) == (
        200, None, 0, "there is no reference table ref.caseload in this campaign's database (import it with "
                      "`foi reference import FILE --name caseload`)")


@pytest.mark.parametrize(("set_by_user", "seen"), [(None, "1"), ("4", "4")])
def test_numpy_is_loaded_with_openblas_on_one_thread_unless_the_user_says(set_by_user, seen):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if set_by_user:
        env["OPENBLAS_NUM_THREADS"] = set_by_user
    script = ("import os, sys; from foi.cli import _import_sqlite_utils_without_numpy as load; load(); "
              "from foi.measures.estimates import bootstrap_draws; "
              "assert 'numpy' not in sys.modules; draws = bootstrap_draws(7); "
              "print(os.environ['OPENBLAS_NUM_THREADS'], draws.shape, 'numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.stdout.split() == [seen, f"({RESAMPLES},", "7)", "True"]
