"""`foi demo`: the whole campaign against simulated councils, checked against
what the simulator meant. The demo runs once for the module (the one slow test)."""

import datetime as dt
import json
import re
import sqlite3

import pytest

from tests.test_report import external_references


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from foi.demo import run_demo

    folder = tmp_path_factory.mktemp("demo") / "foi-demo"
    result = run_demo(folder)
    simulation = json.loads((folder / "simulation.json").read_text())
    db = sqlite3.connect(folder / "campaign.db")
    yield result, simulation, db
    db.close()


def councils(simulation) -> dict[str, dict]:
    return {c["code"]: c for c in simulation["councils"]}


def test_every_council_is_asked_except_the_two_without_an_address(demo):
    result, simulation, db = demo
    rows = db.execute("SELECT r.body_code, r.state, r.sent_on, o.to_addr FROM requests r "
                      "LEFT JOIN outgoing o ON o.request_id = r.id AND o.kind = 'request'").fetchall()
    assert len(rows) == 153
    sent = {code: to for code, state, sent_on, to in rows if sent_on == "2026-03-02"}
    unsent = {code for code, state, sent_on, to in rows if sent_on is None and state == "draft"}
    no_address = {c["code"] for c in simulation["councils"] if c["behaviour"] == "no_address"}
    assert len(sent) == 151 and unsent == no_address and len(no_address) == 2
    domains = dict(db.execute("SELECT code, domain FROM bodies"))
    assert all(to == f"foi@{domains[code]}" for code, to in sent.items())
    # 151 requests, a `foi reply` to each council that asked for clarification, then
    # 27 reminders on the last day
    asked = {c["code"] for c in simulation["councils"]
             if c["behaviour"] in ("clarified_then_answer", "clarification_pending")}
    replied = db.execute("SELECT r.body_code, o.state, o.in_reply_to IS NOT NULL FROM outgoing o "
                         "JOIN requests r ON r.id = o.request_id WHERE o.kind = 'clarification'").fetchall()
    assert sorted(replied) == sorted((code, "sent", 1) for code in asked) and len(asked) == 8
    given = db.execute("SELECT count(*) FROM events WHERE kind = 'clarification_given'").fetchone()[0]
    assert given == len(asked)
    assert len(list((result.folder / "outbox" / "new").iterdir())) == 151 + len(asked) + 27


def test_every_reply_is_stored_and_matched_to_its_council_by_the_intended_rule(demo):
    result, simulation, db = demo
    replies = simulation["replies"]
    assert len(replies) == result.replies == db.execute("SELECT count(*) FROM messages").fetchone()[0]
    for reply in replies:
        assert (result.folder / reply["file"]).read_bytes()
        row = db.execute("SELECT r.body_code, m.match_rule FROM messages m JOIN requests r "
                         "ON r.id = m.request_id WHERE m.sha256 = ?", [reply["sha256"]]).fetchone()
        assert row == (reply["code"], reply["rule"]), reply
    rules = {reply["rule"] for reply in replies}
    assert rules == {"address_reference", "thread", "text_reference", "their_reference", "sender_domain"}


def test_states_are_what_each_council_did(demo):
    result, simulation, db = demo
    states = dict(db.execute("SELECT body_code, state FROM requests"))
    assert {code: c["expected_state"] for code, c in councils(simulation).items()} == states
    behaviours = result.behaviours
    assert behaviours["bounce"] == 1 and behaviours["out_of_office"] == 2 and behaviours["silent"] == 14
    acknowledged = {code for code, in db.execute(
        "SELECT r.body_code FROM requests r WHERE r.their_reference LIKE 'FOI/2026/%'")}
    assert {code for code, c in councils(simulation).items()
            if c["behaviour"] in ("ack_only", "ack_then_answer")} <= acknowledged


def test_clarifications_restart_the_clock_and_extensions_move_it(demo):
    result, simulation, db = demo
    pending = [code for code, c in councils(simulation).items() if c["behaviour"] == "clarification_pending"]
    given = db.execute("SELECT count(*) FROM events e JOIN requests r ON r.id = e.request_id "
                       "WHERE e.kind = 'clarification_given' AND r.body_code IN (?, ?, ?)", pending).fetchone()
    assert given == (3,)
    # Our `foi reply` answered them: each awaits a response again, due 20 working days
    # after the reply was sent.
    states = dict(db.execute("SELECT r.body_code, r.state FROM requests r WHERE r.body_code IN (?, ?, ?)", pending))
    assert set(states.values()) == {"awaiting_response"}
    assert "awaiting_clarification" not in result.by_state
    from sqlite_utils import Database

    from foi.tracking.deadlines import request_deadlines

    extended = [dict(zip(("id", "sent_on"), row)) for row in db.execute(
        "SELECT id, sent_on FROM requests WHERE state = 'extended'")]
    due = {case.due for case in request_deadlines(Database(db), extended, dt.date(2026, 6, 1)).values()}
    assert due == {dt.date(2026, 6, 5)} and len(extended) == 4


def expected_cells(council: dict) -> dict:
    """(question, period) -> (status, value) a person reading the reply would record."""
    behaviour, cells = council["behaviour"], {}
    for question, periods in council["figures"].items():
        for period, value in periods.items():
            if behaviour == "answer_small_numbers" and value < 5:
                cells[question, period] = ("suppressed", None)
            elif behaviour == "answer_disagrees" and (question, period) == ("closed_no_early_help", "2019/20"):
                cells[question, period] = ("needs_review", None)  # the email says another figure
            elif behaviour == "partial_s12" and question == "rereferrals":
                cells[question, period] = ("refused", None)
            elif behaviour.startswith("answer") or behaviour.endswith("then_answer") or behaviour == "partial_s12":
                cells[question, period] = ("answered", float(value))
            elif behaviour in ("refused_s12", "refused_s40"):
                cells[question, period] = ("refused", None)
            elif behaviour == "not_held":
                cells[question, period] = ("not_held", None)
    return cells


def test_extracted_values_are_the_simulated_figures(demo):
    _result, simulation, db = demo
    got: dict = {}
    for code, question, period, status, value in db.execute(
            "SELECT r.body_code, v.question_id, v.period, v.status, v.value FROM answer_values v "
            "JOIN requests r ON r.id = v.request_id WHERE v.current = 1"):
        got.setdefault(code, {})[question, period] = (status, value if status == "answered" else None)
    expected = {code: cells for code, c in councils(simulation).items() if (cells := expected_cells(c))}
    assert got == expected
    assert sum(len(cells) for cells in expected.values()) == 15 * (102 + 11 + 6)
    sections = dict(db.execute("SELECT r.body_code, max(v.refusal_section) FROM answer_values v JOIN requests r "
                               "ON r.id = v.request_id WHERE v.status = 'refused' GROUP BY r.body_code"))
    for code, c in councils(simulation).items():
        if c["behaviour"] in ("refused_s12", "partial_s12"):
            assert sections[code] == "s.12"
        elif c["behaviour"] == "refused_s40":
            assert sections[code] == "s.40(2)"


def test_the_report_accounts_for_every_council(demo):
    result, _simulation, _db = demo
    assert sum(result.by_state.values()) == 153
    assert result.by_state == {"acknowledged": 8, "answered": 94, "answered_partial": 8,
                               "awaiting_response": 19, "bounced": 1,
                               "draft": 2, "extended": 4, "not_held": 6, "refused": 11}
    assert "report as of 2026-05-20" in result.report_text
    assert re.search(r"^Sent +151 +sent on 2 March 2026$", result.report_text, re.MULTILINE)
    html = result.html_path.read_text()
    assert result.html_path == result.folder / "report.html" and "<svg" in html
    assert external_references(html) == []


def test_normal_commands_work_in_the_demo_folder(demo, run, monkeypatch):
    result, _simulation, _db = demo
    monkeypatch.chdir(result.folder)
    monkeypatch.setenv("FOI_NOW", "2026-05-20")
    status = json.loads(run("status", "early-help", "--json").stdout)
    assert status["summary"]["requests"] == 153
    assert status["summary"]["overdue"] == 27 and status["summary"]["very_overdue"] == 24
    report = json.loads(run("report", "early-help", "--json").stdout)
    assert report["requests"]["no_address"] == 2 and report["requests"]["bounced"] == 1


def test_a_folder_with_other_things_is_refused_and_a_demo_folder_is_redone(tmp_path):
    from foi.demo import MARKER, prepare_folder
    from foi.errors import FoiError

    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FoiError, match="not empty"):
        prepare_folder(tmp_path, force=False)
    demo_folder = tmp_path / "old-demo"
    (demo_folder / "inbox" / "new").mkdir(parents=True)
    (demo_folder / MARKER).write_text("{}")
    (demo_folder / "campaign.db").write_text("")
    prepare_folder(demo_folder, force=False)
    assert list(demo_folder.iterdir()) == []


def test_overdue_councils_get_one_reminder_in_thread(demo):
    from foi.db import connect
    from foi.tracking.status import status_rows

    result, _simulation, db = demo
    rows = status_rows(connect(result.folder / "campaign.db"), "early-help", dt.date(2026, 5, 20))
    overdue = {row.body_code for row in rows if row.overdue}
    reminders = db.execute("SELECT r.body_code, o.state, o.in_reply_to FROM outgoing o "
                           "JOIN requests r ON r.id = o.request_id WHERE o.kind = 'reminder'").fetchall()
    assert len(overdue) == 27
    assert sorted(code for code, _, _ in reminders) == sorted(overdue)
    assert all(state == "sent" and in_reply_to for _, state, in_reply_to in reminders)


def test_demo_forced_into_a_users_folder_keeps_their_settings_and_files(tmp_path, run):
    """`foi demo FOLDER --force` in a folder that held no demo writes its own foi.toml and
    campaign file, and keeps the user's (and their database) beside them, saying so."""
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "foi.toml").write_text('[sender]\nname = "My Charity"\n')
    (folder / "early-help.toml").write_text("# my own campaign file\n")
    (folder / "notes.txt").write_text("mine")
    result = run("demo", str(folder), "--force")
    kept = sorted(p.name for p in folder.iterdir() if ".before-demo-" in p.name)
    assert [name.split(".before-demo-")[0] for name in kept] == ["early-help.toml", "foi.toml"]
    assert (folder / kept[1]).read_text() == '[sender]\nname = "My Charity"\n'
    assert (folder / kept[0]).read_text() == "# my own campaign file\n"
    assert (folder / "notes.txt").read_text() == "mine"
    assert f"Kept what was there: {kept[1]}" in result.stderr
    assert result.stderr.endswith(f"Then confirm what foi was unsure of in your browser: cd {folder} && "
                                  "FOI_NOW=2026-05-20 foi serve\n")
    assert "My Charity" not in (folder / "foi.toml").read_text()


def test_the_report_estimates_ranks_and_maps_as_the_model_campaign_did(demo, tmp_path):
    """Issue 18, item 7: the demo's report grosses closed assessments up to England with an
    interval and its coverage, ranks a measure in a sentence, and maps the councils; the
    estimate is the ratio the method sentence describes, recomputed here from the database."""
    from tests.test_report_browser import BROWSER, open_page

    result, _, db = demo
    text = result.report_text
    estimate = re.search(r"Closed with no early help, 2019/20: an estimated ([\d,]+) \(95% interval ([\d,]+) "
                         r"to ([\d,]+)\)\n  Observed: at least ([\d,]+) .*\n  Rests on: (\d+) councils holding "
                         r"([\d.]+)% of the ref.referrals total", text)
    assert estimate, text
    figure, low, high, observed = (int(estimate[i].replace(",", "")) for i in range(1, 5))
    assert observed < low <= figure <= high
    exact = dict(db.execute("SELECT body_code, value FROM dataset WHERE campaign = 'early-help' AND "
                            "question_id = 'closed_no_early_help' AND period = '2019/20' AND status = 'answered'"))
    referrals = dict(db.execute("SELECT v.body_code, v.value FROM reference_values v JOIN requests r ON "
                                "r.body_code = v.body_code AND r.campaign = 'early-help' WHERE v.name = 'referrals' "
                                "AND v.period = '2019/20'"))
    used = [code for code in exact if code in referrals]
    ratio = sum(exact[c] for c in used) / sum(referrals[c] for c in used)
    by_hand = ratio * sum(referrals.values())
    assert int(estimate[5]) == len(used)
    assert float(estimate[6]) == round(100 * sum(referrals[c] for c in used) / sum(referrals.values()), 1)
    assert abs(figure - by_hand) <= 0.005 * by_hand  # the terminal rounds to 3 significant figures
    assert re.search(r"Re-referred, of those closed without early help, 2019/20: from [\d.]+% in [^\n]+ to "
                     r"[\d.]+% in [^\n]+ \(\d+ councils with an exact figure", text), text

    html = result.html_path
    dom, requested = open_page(html, tmp_path) if BROWSER else (html.read_text(encoding="utf-8"), [])
    assert requested == []
    states = dom[dom.index('<figure id="map-states">'):]
    assert states[:states.index("</figure>")].count('<polygon class="hex"') == 153
    rate = dom[dom.index('id="map-measure-rereferral_rate"'):]
    assert rate[:rate.index("</figure>")].count('<polygon class="hex"') == 153
