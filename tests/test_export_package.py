"""foi export --what package: a Frictionless Data Package (datapackage.json, dataset.csv,
requests.csv) that the frictionless library and its command line find valid, with the
campaign's licence, the sources, the questions and the method (issue 18, item 6)."""

from pathlib import Path

from tests.builders import campaign_file, register_db


def test_an_unknown_licence_is_a_problem_in_the_campaign_file(run):
    register_db("campaign.db").close()
    text = campaign_file(slug="care", prefix="CA", title="Care leavers", recipients=["BNS"],
                         periods=["2024/25"], questions=[{"id": "leavers", "text": "How many care leavers?"}])
    Path("care.toml").write_text('licence = "CC-BY-40"\n' + text, encoding="utf-8")
    result = run("campaign", "create", "care.toml", ok=False)
    assert result.exit_code == 1
    assert ("care.toml: 1 problem in the campaign file:\n  - licence: 'CC-BY-40' is not one of CC-BY-4.0, "
            "CC-BY-SA-4.0, CC0-1.0, ODC-BY-1.0, ODbL-1.0, PDDL-1.0, OGL-UK-3.0") in result.stderr
