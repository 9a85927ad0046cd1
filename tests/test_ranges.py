"""Ranges and rankings (issue 18, item 4): median and quartiles, the highest and lowest
councils, the sentence with council names from the register, and the figures listed for
review, worked out by hand."""

import datetime as dt
import json
from pathlib import Path

from foi.measures.cells import Cell
from foi.measures.ranges import format_figure, rank_period
from foi.reference.store import ReferenceTable, save_table
from tests.builders import create_campaign, register_db

SLUG = "eh-share"
SHARE = {"id": "share_early_help", "title": "Children getting early help", "kind": "percent",
         "text": "What percentage of children in your area received early help?"}
SHARES = {"ROT": "15.7", "SGC": "0.6", "BNS": "2", "LDS": "4", "SHF": "6", "YOR": "<5"}


def test_range_sentence_quartiles_and_table_through_the_report(isolated, run):
    db = register_db(isolated / "campaign.db")
    create_campaign(db, isolated, slug=SLUG, prefix="ES", recipients=[*SHARES, "KIR"], periods=("2024/25",),
                    questions=(SHARE,))
    db.close()
    for code, value in SHARES.items():
        run("answer", SLUG, code, "share_early_help", "2024/25", value)
    [row] = json.loads(run("report", SLUG, "--json").stdout)["ranges"]
    # Five exact figures 0.6, 2, 4, 6, 15.7: the median is the 3rd, the quartiles (inclusive
    # method) the 2nd and the 4th; York's '<5' is a range, left out and counted; Kirklees gave none.
    assert {key: value for key, value in row.items() if key != "outlier_rule"} == {
        "id": "share_early_help", "title": "Children getting early help", "format": "percent",
        "period": "2024/25", "councils": 5, "ranged": 1, "absent": 1,
        "median": 4, "lower_quartile": 2, "upper_quartile": 6,
        "highest": [{"body_code": "ROT", "name": "Rotherham", "value": 15.7},
                    {"body_code": "SHF", "name": "Sheffield", "value": 6},
                    {"body_code": "LDS", "name": "Leeds", "value": 4},
                    {"body_code": "BNS", "name": "Barnsley", "value": 2},
                    {"body_code": "SGC", "name": "South Gloucestershire", "value": 0.6}],
        "lowest": [],
        "sentence": "from 15.7% in Rotherham to 0.6% in South Gloucestershire",
        "outliers": [],
    }
    text = run("report", SLUG).stdout
    assert ("Ranges across councils (exact figures only)\n"
            "===========================================\n"
            "Children getting early help, 2024/25: from 15.7% in Rotherham to 0.6% in South Gloucestershire "
            "(5 councils with an exact figure; 1 suppressed figure left out)\n"
            "  Median 4.0%; middle half 2.0% to 6.0%\n"
            "  Highest: Rotherham 15.7%; Sheffield 6.0%; Leeds 4.0%; Barnsley 2.0%; South Gloucestershire 0.6%\n"
            ) in text
    run("report", SLUG, "--html", "report.html")
    html = Path("report.html").read_text(encoding="utf-8")
    assert ("<p>From 15.7% in Rotherham to 0.6% in South Gloucestershire (5 councils with an exact figure; "
            "1 suppressed figure left out); median 4.0%, middle half 2.0% to 6.0%.</p>") in html
    assert "<tr><td>Highest</td><td>Rotherham</td><td class=\"n\">15.7%</td></tr>" in html


def cells(period: str, values: dict[str, float]) -> list[Cell]:
    return [Cell(code, period, value, value, value) for code, value in values.items()]


NAMES = {"A": "Avon", "B": "Bury", "C": "Cork", "D": "Dale", "E": "Eden", "F": "Fife", "G": "Gwent"}
BEFORE = {"A": 100, "B": 200, "C": 50, "D": 80, "E": 40, "F": 30}
NOW = {"A": 110, "B": 200, "C": 48, "D": 88, "E": 40, "F": 300}


def test_figures_far_from_the_councils_own_other_years_are_listed():
    # Ratios to last year: 1.1, 1, 0.96, 1.1, 1, 10. Their median is (1 + 1.1) / 2 = 1.05; the
    # deviations 0.05, 0.05, 0.09, 0.05, 0.05, 8.95 have the median 0.05; only Fife's 8.95 is more
    # than 3 x 0.05 away.
    ranking = rank_period(cells("2023/24", BEFORE) + cells("2024/25", NOW), "2024/25", NAMES, "count")
    assert [(o.body_code, o.against, round(o.ratio, 4), round(o.typical, 4), o.reason) for o in ranking.outliers] == [
        ("F", "other periods", 10.0, 1.05,
         "300 is 10 times its median for other periods (30), where the median council's is 1.05 times")]
    assert ranking.sentence == "from 300 in Fife to 40 in Eden"
    assert [p.name for p in ranking.highest] == ["Fife", "Bury", "Avon", "Dale", "Cork"]
    assert [p.name for p in ranking.lowest] == ["Eden"]


def test_figures_far_from_the_reference_figure_are_listed():
    # Per reference figure: 0.11, 0.1, 0.096, 0.11, 1, 0.1 (median 0.105, deviations' median
    # 0.005): Eden's 1 is far out; Fife's 300 is in line with its reference figure.
    reference = {"A": 1000, "B": 2000, "C": 500, "D": 800, "E": 40, "F": 3000}
    ranking = rank_period(cells("2024/25", NOW), "2024/25", NAMES, "count", reference, "ref.caseload")
    assert [(o.body_code, o.against, o.reason) for o in ranking.outliers] == [
        ("E", "reference", "40 against a ref.caseload figure of 40: 1 to 1, where the median council's is "
                           "0.105 to 1")]


def test_no_outliers_from_too_few_councils_or_no_spread():
    few = {code: NOW[code] for code in "ABCF"}
    assert rank_period(cells("2023/24", BEFORE) + cells("2024/25", few), "2024/25", NAMES, "count").outliers == []
    same = rank_period(cells("2023/24", BEFORE) + cells("2024/25", {c: v * 2 for c, v in BEFORE.items()}),
                       "2024/25", NAMES, "count")
    assert same.outliers == []  # every council doubled: no deviation, nothing to judge by


def test_sentences_with_ties_one_council_and_none():
    tied = rank_period(cells("2024/25", {"A": 12, "B": 12, "C": 3, "D": 5}), "2024/25", NAMES, "count")
    assert tied.sentence == "from 12 in Avon and Bury to 3 in Cork"
    assert (tied.median, tied.lower_quartile, tied.upper_quartile) == (8.5, 4.5, 12)
    one = rank_period(cells("2024/25", {"G": 45}), "2024/25", NAMES, "money")
    assert (one.sentence, one.median, one.lower_quartile, one.upper_quartile) == ("£45 in Gwent", 45, 45, 45)
    none = rank_period([Cell("A", "2024/25", None, None, None, "missing")], "2024/25", NAMES, "count")
    assert (none.sentence, none.councils, none.absent, none.median) == ("no council gave an exact figure", 0, 1, None)


def test_figures_are_written_as_their_kind():
    assert [format_figure(0.157, "share"), format_figure(15.7, "percent"), format_figure(1200.5, "money"),
            format_figure(1200, "money"), format_figure(1, "days"), format_figure(34, "days"),
            format_figure(1234567, "count"), format_figure(2.345, "ratio")] == [
        "15.7%", "15.7%", "£1,200.50", "£1,200", "1 day", "34 days", "1,234,567", "2.35"]


def test_the_report_compares_a_question_with_its_estimates_reference(isolated, run):
    db = register_db(isolated / "campaign.db")
    codes = ["BNS", "LDS", "SHF", "YOR", "KIR", "WKF"]
    save_table(db, ReferenceTable("caseload", "Open cases", "test figures"),
               [(code, "2024/25", value, None) for code, value in zip(codes, [1000, 2000, 500, 800, 40, 3000])],
               now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    question = {"id": "visits", "text": "How many home visits?"}
    create_campaign(db, isolated, slug="visits", prefix="VI", recipients=codes, periods=("2023/24", "2024/25"),
                    questions=(question,), extra='\n[[estimates]]\nof = "visits"\nscale_by = "ref.caseload"\n')
    db.close()
    for code, value in zip(codes, [110, 200, 48, 88, 40, 300]):
        run("answer", "visits", code, "visits", "2024/25", str(value))
    report = json.loads(run("report", "visits", "--json").stdout)
    [outlier] = next(r for r in report["ranges"] if r["period"] == "2024/25")["outliers"]
    assert outlier == {"body_code": "KIR", "name": "Kirklees", "value": 40, "against": "reference", "ratio": 1.0,
                       "typical": 0.105, "reason": "40 against a ref.caseload figure of 40: 1 to 1, where the "
                                                   "median council's is 0.105 to 1"}
    assert ("  For review: Kirklees: 40 against a ref.caseload figure of 40: 1 to 1, where the median council's "
            "is 0.105 to 1\n") in run("report", "visits").stdout


HELPED = {"id": "helped", "kind": "count", "text": "How many children received early help?"}
CHILDREN = {"ROT": 1000, "SGC": 1000, "BNS": 400, "LDS": 800, "KIR": 500}


def test_a_measure_is_ranked_and_estimated_like_a_question(isolated, run):
    """A percent measure is ranked as a share ("from 15.7% in Rotherham ..."); a number
    measure can be grossed up; a percent measure cannot (rates do not add up)."""
    db = register_db(isolated / "campaign.db")
    save_table(db, ReferenceTable("children", "Children", "tests"),
               [(code, "2024/25", float(n), None) for code, n in CHILDREN.items()],
               now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    measures = ({"id": "provision", "title": "Early help provision", "formula": "helped / ref.children",
                 "format": "percent"},
                {"id": "helped_twice", "formula": "helped * 2"})
    estimates = '\n[[estimates]]\nof = "helped_twice"\nscale_by = "ref.children"\nmin_coverage = 0.1\n'
    create_campaign(db, isolated, slug=SLUG, prefix="ES", recipients=list(CHILDREN), periods=("2024/25",),
                    questions=(HELPED,), measures=measures, extra=estimates)
    db.close()
    for code, helped in {"ROT": "157", "SGC": "6", "BNS": "8", "LDS": "<5"}.items():
        run("answer", SLUG, code, "helped", "2024/25", helped)
    report = json.loads(run("report", SLUG, "--json").stdout)
    [provision] = [r for r in report["ranges"] if r["id"] == "provision"]
    # 157/1000, 6/1000, 8/400: LDS's "<5" is a range (0 to 0.005), KIR gave nothing.
    assert (provision["councils"], provision["ranged"], provision["absent"]) == (3, 1, 1)
    assert provision["sentence"] == "from 15.7% in Rotherham to 0.6% in South Gloucestershire"
    assert provision["median"] == 0.02
    [estimate] = report["estimates"]
    # Exact: ROT 314, SGC 12, BNS 16 = 342 over 2,400 children; all recipients hold 3,700.
    assert (estimate["of"], estimate["observed"], estimate["councils"]) == ("helped_twice", 342, 3)
    assert abs(estimate["estimate"] - 342 / 2400 * 3700) < 1e-6  # 527.25

    run("report", SLUG, "--html", "report.html")
    html = Path("report.html").read_text(encoding="utf-8")
    figure = html[html.index('<figure class="map-measure" id="map-measure-provision">'):]
    figure = figure[:figure.index("</figure>")]
    assert "<h3>Early help provision, 2024/25</h3>" in html
    assert figure.count('<polygon class="hex"') == 153
    assert "<title>Rotherham Metropolitan Borough Council: 15.7%</title>" in figure
    assert "<title>Leeds City Council: 0.0% to 0.5% (a suppressed answer)</title>" in figure
    assert "<title>Kirklees Council: no figure</title>" in figure

    Path(f"{SLUG}.toml").write_text(Path(f"{SLUG}.toml").read_text(encoding="utf-8").replace(
        'of = "helped_twice"', 'of = "provision"'), encoding="utf-8")
    refused = run("campaign", "create", "--update", f"{SLUG}.toml", ok=False)
    assert refused.exit_code == 1
    assert ("estimates[0].of: measure 'provision' is a percent; an estimate adds figures up, so it needs a "
            "count or money question or a measure of format number") in refused.stderr
