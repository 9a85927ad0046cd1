"""The region of every council in the shipped register: a county is in its districts'
region, and each council with children's services is in the region the DfE statistics
give it (Inner and Outer London are London). Every regional coverage figure rests on it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

REGISTER = Path(__file__).resolve().parent.parent / "foi" / "data" / "english_councils.csv"
DFE_REFERRALS = "dfe/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"


def councils() -> list[dict]:
    with REGISTER.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_each_county_is_in_the_region_of_its_districts():
    by_code = {row["code"]: row for row in councils()}
    apart = sorted({(by_code[row["county_code"]]["name"], by_code[row["county_code"]]["region"], row["region"])
                    for row in councils() if row["county_code"] in by_code
                    and by_code[row["county_code"]]["region"] != row["region"]})
    assert apart == []
    assert by_code["DBY"]["region"] == by_code["LIN"]["region"] == "East Midlands"


def test_each_childrens_services_council_is_in_the_region_the_dfe_gives_it(shared):
    dfe: dict[str, str] = {}
    with (shared / "data" / DFE_REFERRALS).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["geographic_level"] == "Local authority" and row["time_period"] == "2025":
                dfe[row["new_la_code"]] = row["region_name"].replace("Inner London", "London").replace(
                    "Outer London", "London")
    ours = {row["gss_code"]: (row["name"], row["region"]) for row in councils() if row["childrens_services"] == "True"}
    assert len(ours) == 153 and set(ours) == set(dfe)
    assert [(name, region, dfe[gss]) for gss, (name, region) in ours.items() if dfe[gss] != region] == []


@pytest.mark.parametrize("code", ["DBY", "LIN"])
def test_a_new_register_puts_the_county_in_the_east_midlands(run, code):
    import json

    run("init")
    listed = json.loads(run("councils", "list", "--region", "East Midlands", "--json").stdout)
    assert code in {row["code"] for row in listed}
