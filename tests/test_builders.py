"""tests/builders.py is the one place the tests and benchmarks build a campaign."""

import re

from tests.builders import REPO, campaign_file, insert_campaign, insert_request, make_campaign, register_db

# Writing a campaign, its questions, periods, checks or requests, or creating one from a
# file, is for builders.py; test_campaigns.py tests creating campaigns from files itself.
BUILDING = re.compile(r'\["(campaigns|questions|periods|checks|requests)"\]\.insert|apply_create\(|plan_create\(')
TESTED_HERE = {"test_campaigns.py"}


def test_campaigns_are_built_only_in_builders():
    found = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
             for path in sorted([*(REPO / "tests").glob("*.py"), *(REPO / "bench").glob("*.py")])
             if path.name not in {"builders.py", *TESTED_HERE}
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if BUILDING.search(line)]
    assert found == []


def test_make_campaign_returns_the_requests_it_made(isolated):
    councils = make_campaign(count=2, slug="ab", prefix="AB")
    db = register_db()
    rows = db.execute("SELECT reference, body_code, email, state FROM requests ORDER BY reference").fetchall()
    assert [(ref, body["code"], body["foi_email"], "draft") for ref, body in sorted(councils.items())] == rows
    assert (isolated / "ab.toml").read_text() == campaign_file(
        slug="ab", prefix="AB", title="Children placed in care out of area, 2023-2025",
        recipients=[row[1] for row in sorted(rows, key=lambda r: r[1])], periods=["2023/24", "2024/25"],
        questions=[{"id": "placed_out_of_area",
                    "text": "How many children in your care were placed more than 20 miles from home?"}])


def test_rows_keep_the_schema_defaults_for_what_is_not_given(tmp_path):
    db = register_db(tmp_path / "campaign.db")
    insert_campaign(db, "cin", prefix="CIN", title="Referrals", periods=["2015/16", "2016/17"],
                    questions=[{"id": "referrals", "text": "How many referrals?", "kind": "count"}])
    request = insert_request(db, "cin", "BNS", prefix="CIN", created_at="2026-01-01T00:00:00+00:00")
    assert db.execute("SELECT state, state_source, email, updated_at FROM requests WHERE id = ?",
                      [request]).fetchone() == ("draft", "auto", None, "2026-01-01T00:00:00+00:00")
    assert db.execute("SELECT period, position FROM periods").fetchall() == [("2015/16", 1), ("2016/17", 2)]
