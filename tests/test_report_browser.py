"""The HTML report in a real browser (Debian's headless Chromium): the charts are in
the rendered page and visible, no script from the data runs, and the page asks the
network for nothing. scripts/setup-env --test installs chromium."""

import json
import shutil
import subprocess

import pytest
from report_campaign import SLUG, campaign  # noqa: F401 (a fixture)

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
    assert dom.count("<svg") == 3
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
