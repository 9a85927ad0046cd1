"""The HTML report in a real browser (Debian's headless Chromium): the charts are in
the rendered page and visible, no script from the data runs, and the page asks the
network for nothing. scripts/setup-env --test installs chromium."""

import json
import shutil
import subprocess

import pytest
from report_campaign import SLUG, campaign, value  # noqa: F401 (a fixture)

from tests.builders import create_campaign, register_db

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(BROWSER is None,
                                reason="chromium is not installed (scripts/setup-env --test installs it)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--no-pings",
         # Nothing may leave the machine, whatever the browser itself tries.
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def open_page(page, workdir, *extra):
    """Load `page` headless; returns (dom, urls the page itself requested)."""
    net_log = workdir / "net.json"
    done = subprocess.run(
        [BROWSER, *FLAGS, f"--user-data-dir={workdir / 'profile'}", f"--log-net-log={net_log}",
         "--net-log-capture-mode=Everything", *extra, "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, page_requests(net_log)


def print_to_pdf(page, workdir):
    """`page` printed headless, as a person printing it would get it (no header or footer)."""
    pdf = workdir / "printed.pdf"
    done = subprocess.run(
        [BROWSER, *FLAGS, f"--user-data-dir={workdir / 'profile'}", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and pdf.exists(), done.stderr[-2000:]
    return pdf


def page_requests(net_log) -> list[str]:
    """URLs requested on behalf of a file:// page. The browser's own background calls
    (update checks and the like) carry no file:// isolation key and are not the page's."""
    text = net_log.read_text(encoding="utf-8")
    try:
        log = json.loads(text)
    except ValueError:  # the log's closing brackets are missing when the browser is cut short
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] == start and "file://" in str(params.get("network_isolation_key", "")):
            urls.append(params["url"])
    return urls


@pytest.fixture
def report_html(campaign, isolated, run):
    run("report", SLUG, "--html", "report.html")
    return isolated / "report.html"


def test_report_renders_with_charts_and_requests_nothing(report_html, isolated):
    shot = isolated / "report.png"
    dom, requested = open_page(report_html, isolated, f"--screenshot={shot}", "--window-size=1200,2000")
    assert requested == []
    assert dom.count("<svg") == 4  # the states, the map, replies over time, regions
    assert 'id="chart-states"' in dom and dom.count('class="bar"') == 7 + 4  # 7 states, 4 regions
    assert '<path class="line"' in dom and 'id="coverage-grid"' in dom
    # The council called "<script>..." is text on the page; its script never ran.
    assert "<title>Early help: FOI report as of 2026-05-20</title>" in dom
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;New Forest" in dom
    assert_charts_are_painted(shot)


def assert_charts_are_painted(shot):
    image = pytest.importorskip("PIL.Image").open(shot).convert("RGB")
    assert image.size == (1200, 2000)
    colours = image.getcolors(maxcolors=1_000_000)
    bar_blue = sum(n for n, rgb in colours if rgb == (0x2F, 0x6F, 0x9F))
    assert bar_blue > 5000  # the bars and the line are drawn in this blue


def test_the_network_check_sees_an_external_request(isolated):
    control = isolated / "control.html"
    control.write_text('<img src="http://127.0.0.1:9/pixel.png"><p>control</p>', encoding="utf-8")
    _, requested = open_page(control, isolated)
    assert requested == ["http://127.0.0.1:9/pixel.png"]


# A4 in points, and the page margin of the report's @page rule (12 mm at the sides).
A4 = (595.28, 841.89)
SIDE_MARGIN = 12 / 25.4 * 72
PERIODS = ("2020/21", "2021/22", "2022/23", "2023/24", "2024/25")
WIDE_QUESTIONS = (
    {"id": "referrals", "title": "Referrals received", "text": "How many referrals did the service receive?"},
    {"id": "rereferrals", "title": "Re-referrals within a year",
     "text": "How many of the referrals came back within twelve months?"},
    {"id": "assessments", "text": "How many assessments were completed?"},  # no title: its id is shown
)


@pytest.fixture
def wide_report(isolated, run):
    """Three questions by five periods (the councils table had 6 + 15 columns) for eight
    councils, with long values: a number in thousands, '<5', refused, not held, unsure."""
    db = register_db()
    codes = ["BNS", "LDS", "MAN", "KEN", "CAM", "YOR", "SHF", "BIR"]
    create_campaign(db, isolated, slug="wide", prefix="W", recipients=codes, periods=PERIODS,
                    questions=WIDE_QUESTIONS)
    ids = [row[0] for row in db.execute("SELECT id FROM requests WHERE campaign = 'wide' ORDER BY id")]
    kinds = [{"status": "answered", "value": 12345, "raw": "12,345"},
             {"status": "suppressed", "raw": "<5", "lower": 0, "upper": 4},
             {"status": "refused", "raw": "Refused under section 40(2)", "section": "s.40(2)"},
             {"status": "not_held"}, {"status": "needs_review", "raw": "about 1,200 (estimate)"}]
    for n, request_id in enumerate(ids):
        for q, question in enumerate(WIDE_QUESTIONS):
            for p, period in enumerate(PERIODS):
                value(db, request_id, question["id"], period, **kinds[(n + q + p) % len(kinds)])
    db.conn.commit()
    run("report", "wide", "--html", "report.html")
    return isolated / "report.html"


def test_report_prints_on_a4_with_every_table_inside_the_page(wide_report, isolated):
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(print_to_pdf(wide_report, isolated)) as pdf:
        pages = list(pdf.pages)
        text = "\n".join(page.extract_text() for page in pages)
        for page in pages:
            assert (round(float(page.width), 0), round(float(page.height), 0)) == (595, 842)  # A4, not Letter
            left, right = SIDE_MARGIN - 1, float(page.width) - SIDE_MARGIN + 1
            outside = [c["text"] for c in page.chars if c["x0"] < left or c["x1"] > right]
            assert outside == [], f"page {page.page_number}: text beyond the margins"
            borders = [e for e in page.edges if e["x0"] < left or e["x1"] > right]
            assert borders == [], f"page {page.page_number}: a table wider than the page's content box"
            assert min(c["size"] for c in page.chars) > 7  # fitted by wrapping, not by shrinking the page
    # every column of the councils' values is printed: each question's table has all five periods
    assert "Values: Referrals received" in text and "Values: Re-referrals within a year" in text
    assert "Values: assessments" in text
    assert all(text.count(period) >= 3 * 2 for period in PERIODS)  # the grid, coverage and the values
    # 8 councils x 15 cells, a fifth of each kind, all printed (a cell's words may wrap)
    assert text.count("12345") == text.count("(0-4)") == text.count("(estimate)") == 24
