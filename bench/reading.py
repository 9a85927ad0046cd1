"""Benchmark: how well foi reads council replies, on generated replies with ground truth.

Generates N replies (bench/replygen, deterministic for a seed) to a few campaigns
(counts by financial year, money, a snapshot "as at 31 March"), writes each as an
.eml answering its request's Message-ID, plays them through the real commands
into one campaign folder (foi init, councils import, campaign create, send,
import, extract, export --what dataset --format json, status --json; run
in-process through click's CliRunner), and prints:

- share of request states right (and lenient: an also-acceptable class),
- share of figure cells right,
- silent wrong values (a wrong figure or status stored as settled, or a settled
  row in a reply that gives no figures): count and per 1,000 cells,
- cells sent to review (share),
- the class confusion, and a breakdown by generator feature (layout, label
  style, period style, ...) so a developer can see which mechanism fails.

Run: python3 bench/reading.py [--replies 2000] [--seed 1] [--keep DIR] [--json OUT]
     (add --show-failures N to print N failing replies with their truth and foi's rows)
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.replygen.play import STATE_CLASS, play_batch  # noqa: E402
from bench.replygen.scoring import cell_outcome, tally  # noqa: E402

# features worth a line each in the breakdown, in this order; others follow
FEATURE_ORDER = ("class", "campaign", "layout", "label_style", "period_style", "suppression", "words",
                 "totals", "notes", "echo", "partial_kind", "refusal_kind", "not_held_wording", "ack_wording",
                 "ack_conditional", "ref_shape", "ref_place", "sheet_names", "csv_dialect", "html_alt",
                 "text_table", "orientation", "separator", "sentence_order", "boilerplate", "quote_original")


def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   n/a"


def print_summary(total, confusion, seconds: float, count: int, seed: int) -> None:
    s = total.summary()
    print(f"## foi reading benchmark: {count} generated replies, seed {seed}, {seconds:.0f} s")
    print(f"states right          {s['states_right']}/{s['replies']} ({pct(s['states_right'], s['replies']).strip()}); "
          f"lenient {s['states_lenient']}/{s['replies']} ({pct(s['states_lenient'], s['replies']).strip()})")
    print(f"cells right           {s['cells_right']}/{s['cells']} ({pct(s['cells_right'], s['cells']).strip()})")
    print(f"silent wrong values   {s['silent_wrong']} ({s['silent_wrong_per_1000_cells']} per 1,000 cells): "
          f"{s['silent_wrong_in_cells']} in truth cells, "
          f"{s['settled_rows_in_replies_without_figures']} settled rows in replies giving no figures")
    print(f"cells sent to review  {s['review']} ({pct(s['review'], s['cells']).strip()}); "
          f"cells missing {s['missing']} ({pct(s['missing'], s['cells']).strip()})")
    print("\n## class confusion (truth -> foi)")
    for truth in sorted({t for t, _ in confusion}):
        row = {got: n for (t, got), n in confusion.items() if t == truth}
        print(f"  {truth:<16} " + ", ".join(f"{got} {n}" for got, n in sorted(row.items(), key=lambda x: -x[1])))


def print_breakdown(by_feature) -> None:
    print("\n## by feature: replies, states right, cells, cells right, silent wrong, review")
    names = [n for n in FEATURE_ORDER if n in by_feature] + sorted(set(by_feature) - set(FEATURE_ORDER))
    for name in names:
        print(f"{name}")
        values = by_feature[name]
        for value, t in sorted(values.items(), key=lambda kv: (kv[1].outcomes["right"] / max(1, kv[1].cells)
                                                               if kv[1].cells else 2, kv[0])):
            s = t.summary()
            cells = (f"cells {s['cells']:>5} right {pct(s['cells_right'], s['cells'])}  silent {s['silent_wrong']:>4}  "
                     f"review {pct(s['review'], s['cells'])}") if s["cells"] else \
                f"cells     0                 silent {s['silent_wrong']:>4}"
            print(f"  {value:<28} n {s['replies']:>4}  states {pct(s['states_right'], s['replies'])}  {cells}")


def print_top_failures(by_feature, limit: int = 12) -> None:
    """Feature values with the most cells not right (and most silent wrong), for a quick read."""
    rows = []
    for name, values in by_feature.items():
        if name in ("class", "campaign"):
            continue
        for value, t in values.items():
            wrong = t.cells - t.outcomes["right"]
            rows.append((wrong / max(1, t.cells), wrong, t.silent_wrong, name, value, t))
    print("\n## worst feature values by share of cells not right (at least 100 cells)")
    for _share, wrong, silent, name, value, t in sorted((r for r in rows if r[5].cells >= 100), reverse=True)[:limit]:
        print(f"  {name + '=' + value:<42} {pct(t.cells - wrong, t.cells)} right of {t.cells:>5} cells; "
              f"silent wrong {silent}")
    print("\n## worst feature values by silent wrong values per 1,000 cells (at least 100 cells)")
    for _, _, silent, name, value, t in sorted(((r[2] / max(1, r[5].cells), *r[1:]) for r in rows if r[5].cells >= 100),
                                               reverse=True)[:limit]:
        print(f"  {name + '=' + value:<42} {1000 * silent / t.cells:6.1f} per 1,000 ({silent} of {t.cells} cells)")


def show_failures(played, limit: int, only: list[str], silent: bool) -> None:
    shown = 0
    for p in played:
        features = {f"{name}={value}" for name, value in p.reply.features.items()}
        if not all(o in features for o in only):
            continue
        truth = p.reply.truth_by_cell()
        wanted = {"silent_wrong"} if silent else {"silent_wrong", "review", "missing"}
        bad = [(k, c, p.rows.get(k)) for k, c in truth.items() if cell_outcome(c, p.rows.get(k)) in wanted]
        state_bad = not silent and STATE_CLASS.get(p.state or "", "awaiting") != p.reply.klass
        if not bad and not state_bad:
            continue
        print(f"\n=== {p.slug} {p.body_code} #{p.reply.index}: truth {p.reply.klass}, foi {p.state}; "
              f"{p.reply.features}")
        for key, cell, row in bad[:6]:
            row = row or {}
            print(f"  {key}: truth {cell.get('value', cell.get('status'))!r}; foi {row.get('status')} "
                  f"{row.get('value')!r} raw={row.get('value_raw')!r} at {row.get('source_location')!r}")
        shown += 1
        if shown >= limit:
            return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="play into this folder and keep it (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="also write totals and the breakdown here as JSON")
    parser.add_argument("--show-failures", type=int, default=0, metavar="N")
    parser.add_argument("--only", action="append", default=[], metavar="FEATURE=VALUE",
                        help="show only failures of replies with this feature (repeatable)")
    parser.add_argument("--silent", action="store_true", help="show only silent wrong values")
    args = parser.parse_args()

    started = time.perf_counter()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="foi-reading-"))
    if args.keep and folder.exists():
        shutil.rmtree(folder)
    try:
        played = play_batch(args.replies, args.seed, folder,
                            progress=lambda line: print(f"  {line}", file=sys.stderr, flush=True))
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    total, by_feature, confusion = tally(played)
    seconds = time.perf_counter() - started
    print_summary(total, confusion, seconds, args.replies, args.seed)
    print_top_failures(by_feature)
    print_breakdown(by_feature)
    if args.show_failures:
        show_failures(played, args.show_failures, args.only, args.silent)
    if args.json:
        args.json.write_text(json.dumps({
            "replies": args.replies, "seed": args.seed, "totals": total.summary(),
            "confusion": [{"truth": t, "foi": g, "n": n} for (t, g), n in sorted(confusion.items())],
            "by_feature": {name: {value: t.summary() for value, t in sorted(values.items())}
                           for name, values in sorted(by_feature.items())}}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
