"""The hex map of the councils in the HTML report (issue 18, item 5): the layout has each
of the 153 councils with children's services once, the report draws one hexagon per
council coloured by the state of its request, named on hover, with a legend; measures
can colour it too. The browser tests render it in headless Chromium."""

import json
import re
from collections import Counter
from importlib import resources

import pytest
from report_campaign import NOW, SLUG, build
from test_report_browser import BROWSER, open_page

from foi.register.councils import read_register
from foi.report import hexmap
from foi.vocabulary import RequestState
from tests.builders import create_campaign, make_campaign, register_db

HEX = re.compile(r'<polygon class="hex" data-code="([^"]+)" points="[^"]+" fill="([^"]+)"[^>]*>'
                 r"<title>([^<]*)</title></polygon>")
LEGEND = re.compile(r'<g class="legend">(.*?)</g>')


def hexes(html: str) -> dict[str, tuple[str, str]]:
    """body code -> (fill, hover title) for each hexagon drawn; a code drawn twice fails."""
    found = HEX.findall(html)
    assert len({code for code, _, _ in found}) == len(found), "a council drawn twice"
    return {code: (fill, title) for code, fill, title in found}


def legend(html: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", LEGEND.search(html).group(1))


def test_layout_has_each_council_with_childrens_services_once():
    text = resources.files("foi.data").joinpath("councils.hexjson").read_text(encoding="utf-8")
    pairs = json.loads(text, object_pairs_hook=lambda items: items)  # duplicate keys kept, not overwritten
    layout = dict(pairs)
    assert layout["layout"] == "odd-r"
    codes = [gss for gss, _ in layout["hexes"]]
    cells = Counter((dict(cell)["q"], dict(cell)["r"]) for _, cell in layout["hexes"])
    register = {row["gss_code"] for row in read_register() if row["childrens_services"]}
    assert len(register) == 153
    assert sorted(set(codes) - register) == [], "a hex for a council without children's services"
    assert sorted(register - set(codes)) == [], "a council with children's services has no hex"
    assert [c for c, n in Counter(codes).items() if n > 1] == []
    assert [cell for cell, n in cells.items() if n > 1] == [], "two hexes on one cell"
    assert len(hexmap.load_layout()) == 153


def neighbours(q: int, r: int) -> set[tuple[int, int]]:
    """The six cells around (q, r) in an odd-r layout."""
    shift = r % 2
    return {(q - 1, r), (q + 1, r), *((q - 1 + shift + d, r + dr) for dr in (-1, 1) for d in (0, 1))}


def test_councils_created_since_the_published_layout_sit_by_their_neighbours():
    at = {h.body_code: (h.q, h.r) for h in hexmap.load_layout()}
    pairs = [("CBD", "WAF"), ("NNT", "WNT"), ("WAF", "LAN"), ("WNT", "WAR"), ("NNT", "LEC"),
             ("NYE", "MDB"), ("SMT", "DEV"), ("BUC", "MIK"), ("WAR", "WOR")]
    assert [(a, b) for a, b in pairs if at[b] not in neighbours(*at[a])] == []


def test_every_request_state_has_a_colour_on_the_map():
    groups = {state: hexmap.state_group(state, overdue=False)[1] for state in RequestState}
    assert groups["answered"] == "answered in full" and groups["bounced"] == "not delivered (bounced or failed)"
    assert hexmap.state_group("acknowledged", overdue=True)[1] == "waiting, overdue"
    assert hexmap.state_group("refused", overdue=True)[1] == "refused"


@pytest.fixture
def report_campaign(isolated, monkeypatch):
    """tests/report_campaign.py's seven councils in every state (New Forest, a district)."""
    monkeypatch.setenv("FOI_NOW", NOW)
    return build(isolated / "campaign.db")[0]


def test_the_report_maps_the_councils_asked_by_the_state_of_their_request(report_campaign, run, isolated):
    run("report", SLUG, "--html", "report.html")
    html = (isolated / "report.html").read_text(encoding="utf-8")
    drawn = hexes(html)
    assert len(drawn) == 153
    asked = {code: drawn[code] for code in ("BNS", "MAN", "KEN", "CAM", "LDS", "YOR")}
    assert asked == {
        "BNS": ("#1a9850", "Barnsley Metropolitan Borough Council: answered in full"),
        "MAN": ("#91cf60", "Manchester City Council: answered in part"),
        "KEN": ("#d73027", "Kent County Council: refused"),
        "CAM": ("#fc8d59", "Cambridgeshire County Council: information not held"),
        "LDS": ("#2c5d8a", "=HYPERLINK(&#34;http://evil.example/x&#34;,&#34;Leeds&#34;): waiting, overdue"),
        "YOR": ("#bdbdbd", "City of York Council: not sent yet"),
    }
    assert drawn["CBD"] == ("#ffffff", "Cumberland: not asked")
    assert Counter(fill for fill, _ in drawn.values())["#ffffff"] == 153 - 6
    assert legend(html) == ["not asked", "answered in full", "answered in part", "refused",
                            "information not held", "waiting, overdue", "not sent yet"]
    # New Forest (a district: no children's services) is asked but has no hex; its name is text
    assert ('<p class="sub" id="map-elsewhere">Not on the map (it shows only councils with children\'s '
            "services): &lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;New Forest.</p>") in html
    assert ("Hex map layout: Open Innovations&#39; upper-tier local authorities (MIT licence), "
            "updated for the councils created since 2020.") in html


def test_no_map_when_no_council_asked_is_on_it(isolated, run):
    db = register_db()
    create_campaign(db, isolated, slug="districts", prefix="D", recipients=["ADU", "ARU"])
    db.close()
    run("report", "districts", "--html", "report.html")
    html = (isolated / "report.html").read_text(encoding="utf-8")
    assert 'id="map"' not in html and "Hex map layout" not in html and "<polygon" not in html


def test_a_measure_colours_the_map_on_a_scale():
    scale = hexmap.ColourScale(0.0, 0.5)
    svg = hexmap.measure_map({"BNS": 0.05, "KEN": 0.49, "LDS": None, "MAN": 0.25}, scale,
                             label="Re-referral rate 2024/25", formatter=lambda v: f"{v:.0%}",
                             shown={"MAN": "20% to 30%"}, names={"KEN": "Kent <b>&</b>"})
    drawn = hexes(svg)
    assert len(drawn) == 153
    assert drawn["BNS"] == ("#eff3ff", "Barnsley: 5%")
    assert drawn["KEN"] == ("#08519c", "Kent &lt;b&gt;&amp;&lt;/b&gt;: 49%")
    assert drawn["MAN"] == ("#6baed6", "Manchester: 20% to 30%")
    assert drawn["LDS"] == ("#f0f0f0", "Leeds: no figure")
    assert drawn["YOR"] == ("#ffffff", "York: not asked")
    assert legend(svg) == ["not asked", "0% to 10%", "10% to 20%", "20% to 30%", "30% to 40%", "40% to 50%",
                           "no figure"]
    assert hexmap.ColourScale.spanning([3, None, 7]) == hexmap.ColourScale(3, 7)


# ---- in a real browser

needs_browser = pytest.mark.skipif(BROWSER is None,
                                   reason="chromium is not installed (scripts/setup-env --test installs it)")
MARKUP_NAME = "<script>document.title='mapped'</script>Kent & <b>Medway</b>"


@needs_browser
def test_the_map_renders_one_hex_per_council_with_names_as_text(isolated, run, monkeypatch):
    """Every council with children's services asked: 153 hexagons, each with its name,
    a legend, and a council whose name is markup shown as text (no script runs)."""
    monkeypatch.setenv("FOI_NOW", "2026-05-20T12:00:00+01:00")
    make_campaign(isolated / "campaign.db", slug="all", prefix="ALL")
    db = register_db(isolated / "campaign.db")
    db["bodies"].update("KEN", {"name": MARKUP_NAME})
    for code, state in (("BNS", "answered"), ("LDS", "refused"), ("SHF", "not_held")):
        db.execute("UPDATE requests SET state = ? WHERE body_code = ?", [state, code])
    db.conn.commit()
    run("report", "all", "--html", "report.html")
    shot = isolated / "map.png"
    dom, requested = open_page(isolated / "report.html", isolated, f"--screenshot={shot}",
                               "--window-size=1200,2000")
    assert requested == []
    assert "<title>Children placed in care out of area, 2023-2025: FOI report" in dom  # no script ran
    drawn = hexes(dom)
    assert len(drawn) == 153 and all(title for _, title in drawn.values())
    assert drawn["KEN"][1] == ("&lt;script&gt;document.title='mapped'&lt;/script&gt;Kent &amp; "
                               "&lt;b&gt;Medway&lt;/b&gt;: not sent yet")
    assert drawn["BNS"] == ("#1a9850", "Barnsley Metropolitan Borough Council: answered in full")
    assert legend(dom) == ["answered in full", "refused", "information not held", "not sent yet"]
    image = pytest.importorskip("PIL.Image").open(shot).convert("RGB")
    painted = {rgb: n for n, rgb in image.getcolors(maxcolors=1_000_000)}
    assert painted.get((0xBD, 0xBD, 0xBD), 0) > 150 * 300  # the grey of 'not sent yet', hexes and key
    assert painted.get((0x1A, 0x98, 0x50), 0) > 300  # Barnsley's green
