"""A hex map of the councils with children's services, drawn as inline SVG: one hexagon
per council, coloured by the state of its request or by a measure, each named on hover
(its <title>), with a legend. No scripts and nothing from elsewhere, like the charts.

The layout (foi/data/councils.hexjson, HexJSON "odd-r", keyed by GSS code) is Open
Innovations' upper-tier local authorities hex map, updated for the councils created
since; foi/data/SOURCES.md says what was changed. Rows count upwards: r = 0 is the south.
"""

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from markupsafe import Markup, escape

from foi.register.councils import read_register
from foi.report.charts import FONT, INK, MUTED
from foi.vocabulary import WAITING_STATES, RequestState as S

LAYOUT_FILE = "councils.hexjson"
LAYOUT_CREDIT = ("Hex map layout: Open Innovations' upper-tier local authorities (MIT licence), "
                 "updated for the councils created since 2020.")
SIZE = 14.0                     # centre to corner of a hexagon, in SVG units
HEX_WIDTH = math.sqrt(3) * SIZE
ROW_HEIGHT = 1.5 * SIZE
LEGEND_WIDTH = 250


@dataclass(frozen=True)
class Hex:
    gss_code: str
    body_code: str              # the register's code (bodies.code)
    name: str                   # the register's short name
    q: int
    r: int


@dataclass(frozen=True)
class Fill:
    """How one council is drawn: its colour and the words after its name on hover."""
    colour: str
    label: str


@cache
def load_layout() -> tuple[Hex, ...]:
    """The 153 hexes, each joined to its council in the bundled register by GSS code."""
    text = resources.files("foi.data").joinpath(LAYOUT_FILE).read_text(encoding="utf-8")
    hexes = json.loads(text)["hexes"]
    by_gss = {row["gss_code"]: row for row in read_register() if row.get("gss_code")}
    return tuple(Hex(gss, by_gss[gss]["code"], by_gss[gss]["short_name"], cell["q"], cell["r"])
                 for gss, cell in sorted(hexes.items()))


def on_map(body_codes: Iterable[str]) -> tuple[list[str], list[str]]:
    """(codes that have a hex, codes that do not: districts and bodies users added)."""
    placed = {h.body_code for h in load_layout()}
    codes = list(body_codes)
    return [c for c in codes if c in placed], [c for c in codes if c not in placed]


# ---- Colour by request state -------------------------------------------------------------

# (key, words in the legend and on hover, colour, the states in it); 'overdue' is a
# waiting state past its due date. Greens answered, reds and oranges did not, blues wait.
STATE_GROUPS: list[tuple[str, str, str, frozenset[str]]] = [
    ("answered", "answered in full", "#1a9850", frozenset({S.ANSWERED})),
    ("answered_partial", "answered in part", "#91cf60", frozenset({S.ANSWERED_PARTIAL})),
    ("link_only", "answered with a link only", "#d9ef8b", frozenset({S.LINK_ONLY})),
    ("refused", "refused", "#d73027", frozenset({S.REFUSED})),
    ("not_held", "information not held", "#fc8d59", frozenset({S.NOT_HELD})),
    ("internal_review", "internal review asked for", "#9970ab", frozenset({S.INTERNAL_REVIEW})),
    ("overdue", "waiting, overdue", "#2c5d8a", frozenset()),
    ("waiting", "waiting for a reply", "#9ecae1", frozenset(WAITING_STATES)),
    ("not_delivered", "not delivered (bounced or failed)", "#40004b", frozenset({S.BOUNCED, S.FAILED})),
    ("not_sent", "not sent yet", "#bdbdbd", frozenset({S.DRAFT, S.SENDING})),
    ("withdrawn", "withdrawn", "#737373", frozenset({S.WITHDRAWN})),
]
NOT_ASKED = Fill("#ffffff", "not asked")


def state_group(state: str, overdue: bool) -> tuple[str, str, str]:
    """(key, label, colour) of the legend group a request in `state` is shown in."""
    for key, label, colour, states in STATE_GROUPS:
        if (key == "overdue" and overdue and state in WAITING_STATES) or state in states:
            return key, label, colour
    raise ValueError(f"no map colour for the request state {state!r}")


def state_map(councils: list[dict]) -> Markup:
    """The councils asked (the report's council rows: body_code, body_name, state,
    overdue) coloured by the state of their request; the others blank, 'not asked'.
    Councils asked that have no hex are left out (on_map says which)."""
    fills, names, drawn = {}, {}, set()
    placed = {h.body_code for h in load_layout()}
    for row in (row for row in councils if row["body_code"] in placed):
        key, label, colour = state_group(row["state"], bool(row["overdue"]))
        late = " (overdue)" if row["overdue"] and key != "overdue" else ""
        fills[row["body_code"]], names[row["body_code"]] = Fill(colour, label + late), row["body_name"]
        drawn.add(key)
    # the groups drawn, without counts: the chart of requests by state gives those
    legend = [(colour, label) for key, label, colour, _ in STATE_GROUPS if key in drawn]
    return draw_hexmap(fills, legend, label="Councils by the state of their request", names=names)


# ---- Colour by a measure -----------------------------------------------------------------

@dataclass(frozen=True)
class ColourScale:
    """Values from `low` to `high` in `len(colours)` equal steps, lightest first."""
    low: float
    high: float
    colours: tuple[str, ...] = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")

    @classmethod
    def spanning(cls, values: Iterable[float | None], **kwargs) -> "ColourScale":
        """A scale from the least to the greatest of `values` (None left out)."""
        given = [v for v in values if v is not None]
        return cls(min(given, default=0.0), max(given, default=0.0), **kwargs)

    def step(self, value: float) -> int:
        if self.high <= self.low:
            return len(self.colours) - 1
        share = (value - self.low) / (self.high - self.low)
        return min(len(self.colours) - 1, max(0, int(share * len(self.colours))))

    def colour(self, value: float) -> str:
        return self.colours[self.step(value)]

    def legend(self, formatter: Callable[[float], str]) -> list[tuple[str, str]]:
        if self.high <= self.low:
            return [(self.colours[-1], formatter(self.high))]
        width = (self.high - self.low) / len(self.colours)
        return [(colour, f"{formatter(self.low + i * width)} to {formatter(self.low + (i + 1) * width)}")
                for i, colour in enumerate(self.colours)]


NO_FIGURE = Fill("#f0f0f0", "no figure")


def measure_map(values: Mapping[str, float | None], scale: ColourScale, *, label: str,
                formatter: Callable[[float], str] = lambda v: f"{v:g}",
                names: Mapping[str, str] | None = None, shown: Mapping[str, str] | None = None) -> Markup:
    """{body code: value} coloured on `scale`; a council given None has 'no figure', one
    left out was not asked. `shown` ({body code: words}) replaces the formatted value on
    hover, e.g. a range '1.2% to 3.4%' where an input was suppressed."""
    shown = shown or {}
    fills = {code: Fill(NO_FIGURE.colour, shown.get(code, NO_FIGURE.label)) if value is None
             else Fill(scale.colour(value), shown.get(code, formatter(value))) for code, value in values.items()}
    legend = scale.legend(formatter)
    if any(v is None for v in values.values()):
        legend.append((NO_FIGURE.colour, NO_FIGURE.label))
    return draw_hexmap(fills, legend, label=label, names=names)


# ---- Drawing -----------------------------------------------------------------------------

def hex_centre(q: int, r: int, top_row: int) -> tuple[float, float]:
    """Pointy-topped hexagons, odd rows pushed half a hexagon east ("odd-r"); north up."""
    x = HEX_WIDTH * (q + 0.5 * (r % 2)) + HEX_WIDTH / 2 + 4
    y = ROW_HEIGHT * (top_row - r) + SIZE + 4
    return x, y


def hex_points(x: float, y: float) -> str:
    corners = [(x + SIZE * math.cos(math.radians(a)), y + SIZE * math.sin(math.radians(a)))
               for a in range(30, 360, 60)]
    return " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in corners)


def draw_hexmap(fills: Mapping[str, Fill], legend: list[tuple[str, str]], *, label: str,
                names: Mapping[str, str] | None = None) -> Markup:
    """Every hex of the layout: the councils in `fills` ({body code: Fill}) in their colour,
    the others blank and 'not asked'; each with a <title> 'Name: label'. `names` overrides
    the register's short names (the report shows the names the database holds)."""
    layout, names = load_layout(), names or {}
    top = max(h.r for h in layout)
    map_width = HEX_WIDTH * (max(h.q for h in layout) + 1.5) + 8
    height = ROW_HEIGHT * top + 2 * SIZE + 8
    legend_rows = [(NOT_ASKED.colour, NOT_ASKED.label), *legend] if len(fills) < len(layout) else legend
    height = max(height, 20 * len(legend_rows) + 30)
    width = map_width + LEGEND_WIDTH
    parts = [f'<svg class="chart hexmap" role="img" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" {FONT}>', f"<title>{escape(label)}</title>"]
    for h in layout:
        fill = fills.get(h.body_code, NOT_ASKED)
        x, y = hex_centre(h.q, h.r, top)
        parts.append(f'<polygon class="hex" data-code="{escape(h.body_code)}" points="{hex_points(x, y)}" '
                     f'fill="{fill.colour}" stroke="{MUTED}" stroke-width="0.6">'
                     f"<title>{escape(names.get(h.body_code, h.name))}: {escape(fill.label)}</title></polygon>")
    parts.append(_legend(legend_rows, left=map_width + 8))
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend(rows: list[tuple[str, str]], *, left: float) -> str:
    out = ['<g class="legend">']
    for i, (colour, words) in enumerate(rows):
        y = 12 + 20 * i
        out.append(f'<rect x="{left:.1f}" y="{y}" width="14" height="14" fill="{colour}" stroke="{MUTED}" '
                   f'stroke-width="0.6"/><text x="{left + 20:.1f}" y="{y + 11}" font-size="12" fill="{INK}">'
                   f"{escape(words)}</text>")
    out.append("</g>")
    return "".join(out)
