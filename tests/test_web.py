"""foi serve: the review desk driven in a real headless browser (Debian's chromium through
Playwright; nothing is downloaded), over the report campaign (tests/report_campaign.py)
with a second unsure value, an unmatched reply and a hostile one added."""

import http.client
import json
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
from report_campaign import SLUG, campaign, message  # noqa: F401 (a fixture)

from tests.builders import register_db

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[test])")
browser_needed = pytest.mark.skipif(BROWSER is None,
                                    reason="chromium is not installed (scripts/setup-env --test installs it)")

HOSTILE = "<script>document.title='pwned'</script>"
CONFLICT = ("conflict: two replies disagree; readings: «<5» suppressed 0-4 at figures.xlsx Sheet1!C3 / "
            "«3» answered 3 at notes.txt line 2; seen: Fewer than five were referred again.")


def reference(db, code: str) -> str:
    return db.execute("SELECT reference FROM requests WHERE campaign = ? AND body_code = ?", [SLUG, code]).fetchone()[0]


@pytest.fixture
def desk(campaign, isolated):  # noqa: F811 (the fixture imported above)
    """The campaign with MAN's q2 2024-25 in conflict (two readings), an unmatched reply
    guessed to be Kent's, and a hostile reply filed under New Forest with a hostile cell;
    then `foi serve --port 0` started on it. Yields (base URL, token, db)."""
    db = campaign
    db.execute("UPDATE answer_values SET note = ? WHERE question_id = 'q2' AND period = '2024-25' AND request_id = "
               "(SELECT id FROM requests WHERE body_code = 'MAN')", [CONFLICT])
    guess = [{"reference": reference(db, "KEN"), "body_name": "Kent County Council", "score": 0.8,
              "reason": "subject names the request's title"}]
    unmatched = message(db, isolated / "campaign.db", None, message_id="<lost@kent.gov.uk>",
                        subject="Your request about early help", date="2026-05-19T09:00:00+01:00",
                        classification="answer", body="Our reply is attached.")
    db.execute("UPDATE messages SET match_evidence = ? WHERE id = ?", [json.dumps(guess), unmatched])
    new = db.execute("SELECT id FROM requests WHERE body_code = 'NEW'").fetchone()[0]
    hostile = message(db, isolated / "campaign.db", new, message_id="<x@newforest.gov.uk>",
                      subject=HOSTILE + "Re: FOI", date="2026-05-18T09:00:00+01:00", classification="answer",
                      body="<img src=x onerror=\"document.title='pwned'\">" + HOSTILE,
                      attachments=[(HOSTILE + ".xlsx", b"cells")])
    db.execute("UPDATE messages SET parse_error = ? WHERE id = ?", ["cut short " + HOSTILE, hostile])
    db["answer_values"].insert({"request_id": new, "question_id": "q1", "period": "2023-24",
                                "status": "needs_review", "value_raw": HOSTILE, "source_message": hostile,
                                "source_file": HOSTILE + ".xlsx", "source_location": "Sheet1!B2",
                                "method": "auto", "current": 1, "created_at": "2026-05-18T09:00:00+01:00",
                                "note": "seen: " + HOSTILE})
    db.conn.commit()
    process = subprocess.Popen([sys.executable, "-m", "foi", "serve", "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        url = started(process)
        yield url.split("?")[0], url.split("token=")[1], db
    finally:
        process.terminate()
        process.wait(timeout=10)


def started(process) -> str:
    """The address `foi serve` prints, once it listens."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if "token=" in line:
            return line.strip()
        if not line and process.poll() is not None:
            break
    raise AssertionError(f"foi serve did not start: {process.stderr.read()}")


def get(base: str, path: str, *, host: str | None = None, cookie: str | None = None, method: str = "GET",
        body: str | None = None):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"Host": host or parts.netloc}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def cookie_for(base: str, token: str) -> str:
    status, headers, _ = get(base, f"/?token={token}")
    assert status == 303 and headers["location"] == "/"
    return headers["set-cookie"].split(";")[0]


def test_the_token_and_the_host_are_required(desk):
    base, token, _db = desk
    port = urlsplit(base).port
    status, _, body = get(base, "/")
    assert (status, body.decode()) == (403, "This page opens only from the address `foi serve` printed when it "
                                            "started (with its token). Copy that address into the browser again.")
    assert get(base, "/?token=wrong")[0] == 403
    assert get(base, "/inbox", cookie=f"foi_token_{port}=wrong")[0] == 403
    cookie = cookie_for(base, token)
    assert cookie == f"foi_token_{port}={token}"
    assert get(base, "/", cookie=cookie)[0] == 200
    assert get(base, "/", cookie=cookie, host=f"localhost:{port}")[0] == 200
    # A name that resolves to 127.0.0.1 (DNS rebinding) is not this server's.
    status, _, body = get(base, "/", cookie=cookie, host=f"evil.example:{port}")
    assert (status, body.decode()) == (403, f"This server answers only at http://127.0.0.1:{port}/ "
                                            f"or http://localhost:{port}/.")
    # A form without its CSRF token stores nothing.
    status, _, body = get(base, f"/review/{SLUG}/answer", cookie=cookie, method="POST",
                          body="body=MAN&question=q1&period=2024-25&value=7")
    assert status == 403 and body.decode().startswith("The form was refused")
    status, _, body = get(base, f"/review/{SLUG}/answer", cookie=cookie, method="POST", body="x" * 70_000)
    assert (status, body.decode()) == (413, "The form is too large.")


def test_today_says_what_arrived_since_the_last_visit(desk):
    base, token, db = desk
    cookie = cookie_for(base, token)
    status, headers, body = get(base, "/", cookie=cookie)
    assert status == 200 and "Since your last visit" not in body.decode()
    port = urlsplit(base).port
    assert headers["set-cookie"].startswith(f"foi_visit_{port}=2026-05-20T12:00:00+01:00;")
    visit = f"foi_visit_{port}=2026-05-18T12:00:00+01:00"
    page = get(base, "/", cookie=f"{cookie}; {visit}")[2].decode()
    arrived = page.split('<ul id="arrived">')[1].split("</ul>")[0].strip()
    lost = db.execute("SELECT id FROM messages WHERE message_id = '<lost@kent.gov.uk>'").fetchone()[0]
    assert arrived == (f'<li><a href="/inbox#message-{lost}">Your request about early help</a> (not matched), '
                       "from foi@council.gov.uk</li>")
    assert "Since your last visit" not in get(base, "/", cookie=f"{cookie}; foi_visit_{port}=junk")[2].decode()


def test_an_attachment_is_a_download_with_a_safe_name(desk):
    base, token, db = desk
    cookie = cookie_for(base, token)
    row = db.execute("SELECT id FROM attachments WHERE filename LIKE '../%'").fetchone()
    status, headers, body = get(base, f"/attachment/{row[0]}", cookie=cookie)
    assert (status, body) == (200, b"PK fake xlsx")
    assert headers["content-disposition"] == "attachment; filename*=utf-8''Early%20help%3A%20figures%3F.xlsx"
    assert headers["content-type"] == "application/octet-stream"
    assert get(base, "/attachment/999", cookie=cookie)[0] == 404


def test_an_unknown_campaign_is_said_on_a_404_page(desk):
    base, token, _db = desk
    status, _, body = get(base, "/review/nope", cookie=cookie_for(base, token))
    page = body.decode()
    assert status == 404
    assert '<p id="problem">No campaign &#39;nope&#39;</p>' in page
    assert "<p>See the campaigns in this database with `foi campaign list`.</p>" in page


@pytest.fixture
def page(desk):
    if BROWSER is None:
        pytest.skip("chromium is not installed (scripts/setup-env --test installs it)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page()
        dialogs: list[str] = []
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        base = desk[0]
        # Nothing but this server is asked for anything.
        tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                  else route.abort())
        tab.goto(f"{base}?token={desk[1]}")
        yield tab, dialogs
        browser.close()


def entered_by_hand(db) -> list[tuple]:
    """The values in force entered by hand for Manchester and New Forest, oldest first."""
    return db.execute(
        "SELECT r.body_code, v.question_id, v.period, v.status, v.value, v.value_raw, v.lower_bound, v.upper_bound, "
        "v.method, v.source_location, v.note, v.created_at FROM answer_values v JOIN requests r ON r.id = v.request_id "
        "WHERE v.current = 1 AND v.method = 'manual' AND r.body_code IN ('MAN', 'NEW') ORDER BY v.id").fetchall()


@browser_needed
def test_a_review_queue_worked_to_empty_agrees_with_foi_review(desk, page, run):
    _base, _token, db = desk
    tab, _dialogs = page
    tab.click("a.to-review")
    assert tab.inner_text("#council") == "Manchester City Council (MAN)"
    items = tab.locator("article.item")
    assert items.count() == 2
    assert items.nth(1).locator("h3").inner_text() == "q2, 2024-25: conflict"
    assert items.nth(1).locator(".sentence").inner_text() == "Fewer than five were referred again."
    tab.keyboard.press("j")
    with tab.expect_navigation():
        tab.keyboard.press("a")  # accept the first reading of the second value: «<5»
    assert tab.locator("article.item").count() == 1
    tab.fill("article.item form.typed input[name=value]", "215")
    with tab.expect_navigation():
        tab.press("article.item form.typed input[name=value]", "Enter")
    # On to the next council: New Forest's hostile cell, marked not held.
    assert tab.inner_text("#council") == f"{HOSTILE}New Forest (NEW)"
    with tab.expect_navigation():
        tab.click("article.item form.not-held button")
    assert tab.inner_text("#done").startswith("Nothing left to review in this campaign")
    review = json.loads(run("review", SLUG, "--json").stdout)
    assert (review["values"], review["counts"]["to_be_confirmed"]) == ([], 0)
    rows = entered_by_hand(db)
    assert rows == [
        ("MAN", "q2", "2024-25", "suppressed", None, "<5", 0.0, 4.0, "manual", "entered by hand",
         "accepted the reading «<5» at figures.xlsx Sheet1!C3 on the review page", "2026-05-20T12:00:00+01:00"),
        ("MAN", "q1", "2024-25", "answered", 215.0, "215", None, None, "manual", "entered by hand",
         "entered on the review page", "2026-05-20T12:00:00+01:00"),
        ("NEW", "q1", "2023-24", "not_held", None, "not held", None, None, "manual", "entered by hand",
         "marked not held on the review page", "2026-05-20T12:00:00+01:00"),
    ]
    run("extract", SLUG, "--force")  # read again: what was decided on the page stays
    assert entered_by_hand(db) == rows
    dataset = run("export", SLUG, "--what", "dataset", "--format", "json").stdout
    shown = {(row["body_code"], row["question_id"], row["period"]): (row["status"], row["value"], row["method"])
             for row in json.loads(dataset)}
    assert [shown[key] for key in (("MAN", "q2", "2024-25"), ("MAN", "q1", "2024-25"), ("NEW", "q1", "2023-24"))] \
        == [("suppressed", None, "manual"), ("answered", 215, "manual"), ("not_held", None, "manual")]


@browser_needed
def test_a_value_the_page_cannot_read_is_said_and_nothing_stored(desk, page):
    _base, _token, db = desk
    tab, _dialogs = page
    tab.click("a.to-review")
    tab.fill("article.item form.typed input[name=value]", "about two hundred")
    with tab.expect_navigation():
        tab.press("article.item form.typed input[name=value]", "Enter")
    assert tab.inner_text("#problem") == "Cannot read the value 'about two hundred'"
    assert db.execute("SELECT count(*) FROM answer_values WHERE method = 'manual' AND request_id = "
                      "(SELECT id FROM requests WHERE body_code = 'MAN')").fetchone()[0] == 0


@browser_needed
def test_an_unmatched_message_is_assigned_as_foi_assign_does(desk, page, run):
    _base, _token, db = desk
    tab, _dialogs = page
    assert tab.inner_text("#unmatched") == "1 unmatched message"
    tab.click("#unmatched")
    kent = reference(db, "KEN")
    row = tab.locator("article.item table tr").nth(1)
    assert row.inner_text().split("\t")[:4] == [kent, "Kent County Council", "0.8", "subject names the request's title"]
    with tab.expect_navigation():
        tab.click(f"text=File under {kent}")
    assert tab.inner_text("#empty") == "No unmatched message."
    assert json.loads(run("inbox", "--unmatched", "--json").stdout) == []
    filed = db.execute("SELECT r.body_code, m.match_rule FROM messages m JOIN requests r ON r.id = m.request_id "
                       "WHERE m.message_id = '<lost@kent.gov.uk>'").fetchone()
    assert filed == ("KEN", "manual")
    assert db.execute("SELECT body_code FROM known_senders WHERE address = 'foi@council.gov.uk'").fetchone() == ("KEN",)


@browser_needed
def test_a_hostile_reply_shows_as_text_and_runs_nothing(desk, page):
    base, _token, db = desk
    tab, dialogs = page
    new = reference(db, "NEW")
    for path in ("/", f"/request/{new}", f"/review/{SLUG}?body=NEW", "/inbox"):
        tab.goto(base.rstrip("/") + path)
        assert tab.title() in ("Today · foi", f"{new} · foi", f"Review {SLUG} · foi", "Holding pen · foi"), path
        assert tab.evaluate("document.querySelectorAll('main script, main img').length") == 0, path
    tab.goto(base.rstrip("/") + f"/request/{new}")
    text = tab.inner_text("main")
    assert f"{HOSTILE}Re: FOI" in text                                   # the subject
    assert "<img src=x onerror=\"document.title='pwned'\">" in text      # the body
    assert tab.inner_text("ul.attachments") == f"{HOSTILE}.xlsx (5 bytes)"  # the file name
    tab.goto(base.rstrip("/") + f"/review/{SLUG}?body=NEW")
    assert tab.inner_text("article.item q.raw") == HOSTILE              # the cell
    assert tab.inner_text("#also") == f"(the message): partly read: cut short {HOSTILE}"
    assert tab.title() == f"Review {SLUG} · foi" and dialogs == []


def test_serve_says_what_to_do_without_a_database_or_a_free_port(run):
    result = run("serve", ok=False)
    assert (result.exit_code, result.stderr) == (
        1, "Error: No campaign database at campaign.db\n  Run `foi init` in your campaign folder first, "
           "or pass --db PATH.\n")
    register_db("campaign.db").close()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        result = run("serve", "--port", str(port), ok=False)
    assert (result.exit_code, result.stderr) == (
        1, f"Error: Port {port} on 127.0.0.1 cannot be used (Address already in use)\n"
           "  Give another with --port, e.g. `foi serve --port 8800`.\n")
    assert run("serve", "--port", "70000", ok=False).exit_code == 2


@browser_needed
def test_a_requests_page_has_its_timeline_deadline_values_and_files(desk, page, run):
    base, _token, db = desk
    tab, _dialogs = page
    manchester = reference(db, "MAN")
    tab.goto(f"{base}request/{manchester}")
    assert tab.inner_text("h1") == f"{manchester}: Manchester City Council"
    assert tab.inner_text("#state") == "answered partial"
    # The deadline as `foi deadline SLUG BODY` explains it (after its heading line).
    assert tab.inner_text("#deadline").splitlines() == run("deadline", SLUG, "MAN").stdout.splitlines()[1:]
    rows = [row.split("\t") for row in tab.inner_text("#timeline").splitlines()[1:]]
    assert rows == [["2026-03-05 10:00", "received", "Acknowledgement", "acknowledgement"],
                    ["2026-04-01", "event", "response", ""],
                    ["2026-04-01 15:00", "received", "=SUM(A1) Your FOI", "answer partial"]]
    values = [row.split("\t")[:4] for row in tab.inner_text("#values").splitlines()[1:]]
    assert values == [["q1", "2023-24", "answered", "200"], ["q1", "2024-25", "needs review", "about 210"],
                      ["q2", "2023-24", "refused", "section 12"], ["q2", "2024-25", "suppressed", "<5"]]
    with tab.expect_download() as download:
        tab.click("text=../../etc/Early help: figures?.xlsx")
    assert download.value.suggested_filename == "Early help_ figures_.xlsx"  # the browser replaces : and ?
    assert download.value.path().read_bytes() == b"PK fake xlsx"
    tab.goto(f"{base}request/EH-NOPE-0000")
    assert tab.inner_text("#problem") == "No request 'EH-NOPE-0000'"


def test_ctrl_c_stops_the_server_without_a_traceback():
    register_db("campaign.db").close()
    process = subprocess.Popen([sys.executable, "-m", "foi", "serve", "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        started(process)
        process.send_signal(signal.SIGINT)
        assert (process.wait(timeout=10), process.stderr.read()) == (0, "Stopped.\n")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_page_and_the_commands_work_on_the_database_at_once(desk, run):
    """A value answered with `foi answer` while the server runs leaves the page's queue at once."""
    base, token, _db = desk
    cookie = cookie_for(base, token)
    page = get(base, f"/review/{SLUG}?body=MAN", cookie=cookie)[2].decode()
    assert page.count('<article class="item"') == 2
    assert page.count('class="source-fragment"') == 2  # each value's source, once
    assert "\n2 values to look at here;\n2 councils with values to review." in page
    run("answer", SLUG, "MAN", "q1", "2024-25", "210", "--note", "phoned the council")
    page = get(base, f"/review/{SLUG}?body=MAN", cookie=cookie)[2].decode()
    assert page.count('<article class="item"') == 1 and 'data-question="q2"' in page
    assert "\n1 value to look at here;\n2 councils with values to review." in page


@browser_needed
def test_today_counts_states_and_links_each_overdue_council_to_its_request(desk, page):
    _base, _token, db = desk
    tab, _dialogs = page
    states = [row.split("\t") for row in tab.inner_text("table.states").splitlines()[1:]]
    assert states == [["answered", "1"], ["answered partial", "1"], ["awaiting response", "1"], ["bounced", "1"],
                      ["draft", "1"], ["not held", "1"], ["refused", "1"], ["All", "7"]]
    assert tab.inner_text("a.to-review") == "3 values to review"
    late = [row.split("\t") for row in tab.inner_text("table.overdue").splitlines()[1:]]
    assert late == [['=HYPERLINK("http://evil.example/x","Leeds")', "awaiting response", "2026-04-08",
                     "29 (very overdue)"]]
    with tab.expect_navigation():
        tab.click("table.overdue a")
    assert tab.inner_text("h1") == f'{reference(db, "LDS")}: =HYPERLINK("http://evil.example/x","Leeds")'


@browser_needed
def test_the_demos_review_queue_is_worked_to_empty_beside_its_sources(tmp_path, monkeypatch, run):
    """The demo leaves three figures a council gave twice, differently (its CSV and its
    email): each is shown beside both sources, the cell and the sentence marked, and
    accepting the CSV's reading on the page leaves `foi review` and the report with none."""
    from foi.demo import run_demo

    folder = tmp_path / "demo"
    run_demo(folder)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("FOI_NOW", "2026-05-20T12:00:00+01:00")
    assert json.loads(run("review", "early-help", "--json").stdout)["counts"]["to_be_confirmed"] == 3
    monkeypatch.setenv("FOI_USER", "Sam Okafor")
    process = subprocess.Popen([sys.executable, "-m", "foi", "serve", "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        url = started(process)
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=BROWSER, args=["--no-sandbox", "--disable-gpu"])
            tab = browser.new_page()
            tab.goto(url)
            tab.click("a.to-review")
            assert tab.inner_text("#decider").startswith("Each decision is recorded as made by Sam Okafor")
            chosen = {}
            for _ in range(3):
                council = tab.inner_text("#council")
                item = tab.locator("article.item").first
                source = item.locator(".source-fragment")
                assert source.locator(".candidate-cell").count() == 1  # the CSV's cell ...
                assert source.locator(".candidate-sentence").count() == 1  # ... and the email's sentence
                assert source.locator(".column-header").first.inner_text() == "2019/20"
                chosen[council] = source.locator(".candidate-cell").inner_text().replace(",", "")
                with tab.expect_navigation():
                    item.locator("form.accept button", has_text="csv row").click()
            assert tab.inner_text("#done").startswith("Nothing left to review in this campaign")
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert json.loads(run("review", "early-help", "--json").stdout)["counts"]["to_be_confirmed"] == 0
    assert json.loads(run("report", "early-help", "--json").stdout)["needs_review"] == 0
    rows = json.loads(run("export", "early-help", "--what", "dataset", "--format", "json").stdout)
    decided = {f"{r['body_name']} ({r['body_code']})": str(round(r["value"])) for r in rows
               if r["method"] == "manual"}
    assert decided == chosen and len(decided) == 3
    with sqlite3.connect(folder / "campaign.db") as db:
        assert db.execute("SELECT DISTINCT decided_by FROM answer_values WHERE method = 'manual'").fetchall() == [
            ("Sam Okafor",)]
