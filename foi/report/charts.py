"""Charts as inline SVG, drawn in Python: no scripts, fonts or files from elsewhere,
so the report opens offline and prints as it looks. Every label is escaped."""

import datetime as dt

from markupsafe import Markup, escape

INK = "#1f2933"
MUTED = "#6b7785"
BAR = "#2f6f9f"
GRID = "#d9dee3"
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\""


def _text(x: float, y: float, content: object, *, size: int = 12, anchor: str = "start",
          colour: str = INK, weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{colour}" '
            f'font-weight="{weight}">{escape(content)}</text>')


def bar_chart(items: list[tuple[str, float]], *, label: str, as_percent: bool = False,
              width: int = 640, value_labels: list[str] | None = None) -> Markup:
    """Horizontal bars, one per (name, value); `as_percent` takes values in 0..1."""
    row, left, right = 24, 200, 70
    height = row * max(len(items), 1) + 16
    top = max((v for _, v in items), default=0)
    scale_max = 1.0 if as_percent else (top or 1)
    span = width - left - right
    parts = [f'<svg class="chart" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" {FONT}>',
             f"<title>{escape(label)}</title>"]
    for i, (name, value) in enumerate(items):
        y = 8 + i * row
        length = span * (value / scale_max) if scale_max else 0
        shown = value_labels[i] if value_labels else (f"{value:.0%}" if as_percent else f"{value:g}")
        parts.append(_text(left - 8, y + 15, _clip(name, 28), anchor="end"))
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{span}" height="{row - 8}" fill="{GRID}" opacity="0.35"/>')
        parts.append(f'<rect class="bar" x="{left}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" fill="{BAR}"/>')
        parts.append(_text(left + length + 6, y + 15, shown, colour=MUTED))
    parts.append("</svg>")
    return Markup("".join(parts))


def cumulative_line(points: list[tuple[str, int]], *, label: str, start: str | None = None,
                    end: str | None = None, total: int | None = None, width: int = 640,
                    height: int = 240) -> Markup:
    """A step line of a running count over dates (ISO strings), from `start` to `end`."""
    left, right, top_pad, bottom = 44, 20, 16, 36
    days = [dt.date.fromisoformat(d) for d, _ in points]
    anchors = [dt.date.fromisoformat(d) for d in (start, end) if d] + days
    if not anchors:
        raise ValueError("a line chart needs a start, an end or a point")
    first = dt.date.fromisoformat(start) if start else min(anchors)
    last = dt.date.fromisoformat(end) if end else max(anchors)
    first, last = min([first, *days]), max([last, *days])
    span_days = max((last - first).days, 1)
    ceiling = max(total or 0, max((n for _, n in points), default=0), 1)
    plot_w, plot_h = width - left - right, height - top_pad - bottom

    def x(day: dt.date) -> float:
        return left + plot_w * (day - first).days / span_days

    def y(n: float) -> float:
        return top_pad + plot_h * (1 - n / ceiling)

    parts = [f'<svg class="chart" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" {FONT}>', f"<title>{escape(label)}</title>"]
    for n in sorted({0, ceiling // 2, ceiling}):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(n):.1f}" y2="{y(n):.1f}" stroke="{GRID}"/>')
        parts.append(_text(left - 6, y(n) + 4, n, anchor="end", colour=MUTED, size=11))
    if total:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(total):.1f}" y2="{y(total):.1f}" '
                     f'stroke="{MUTED}" stroke-dasharray="4 3"/>')
    path, running = [f"M{x(first):.1f},{y(0):.1f}"], 0
    for day, n in zip(days, (n for _, n in points)):
        path.append(f"H{x(day):.1f}V{y(n):.1f}")
        running = n
    path.append(f"H{x(last):.1f}")
    parts.append(f'<path class="line" d="{"".join(path)}" fill="none" stroke="{BAR}" stroke-width="2.5"/>')
    # one date label when the chart spans one day (nothing sent yet): the end label, anchored
    # at its end, would stand left of the chart, outside the printed page
    for day, anchor in ((first, "start"), (last, "end"))[:1 if first == last else 2]:
        parts.append(_text(x(day), height - 12, f"{day.day} {day:%b %Y}", anchor=anchor, colour=MUTED, size=11))
    parts.append(_text(x(last), y(running) - 6, running, anchor="end", weight="bold"))
    parts.append("</svg>")
    return Markup("".join(parts))


def heat_colour(share: float) -> str:
    """White (0) to the bar blue (1), with text staying readable."""
    r0, g0, b0 = 0xF4, 0xF6, 0xF8
    r1, g1, b1 = 0x2F, 0x6F, 0x9F
    mix = max(0.0, min(1.0, share))
    r, g, b = (round(a + (b_ - a) * mix) for a, b_ in ((r0, r1), (g0, g1), (b0, b1)))
    ink = "#ffffff" if mix > 0.55 else INK
    return f"background:#{r:02x}{g:02x}{b:02x};color:{ink}"


def _clip(text: str, width: int) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"
