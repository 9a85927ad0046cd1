"""How many of camelot's expected tables foi reproduces from the same PDFs.

Per expected CSV (read with the foi options that mean what its camelot
options meant: camelot_options in tests/test_extract_shared.py): exact (any grid table foi reads
equals it, after the same
normalisation as tests/test_extract_shared.py) and the share of its rows found
in the best table. Needs the shared corpus.

Run: python3 bench/camelot_tables.py [SHARED_DIR, default ../shared] [--pages 3] [--show NAME]
"""

import argparse
import csv
import sys
import time
from pathlib import Path

import common

import foi.extract.pdf
from foi.extract.read import read_source

sys.path.insert(0, str(common.ROOT / "tests"))
from test_extract_shared import _norm, best_table, camelot_options


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("shared", nargs="?", default=str(common.ROOT.parent / "shared"))
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--show", help="print foi's tables for this expected CSV")
    args = parser.parse_args()
    foi.extract.pdf.MAX_PAGES = args.pages
    base = Path(args.shared) / "corpus" / "tables" / "camelot"
    index = list(csv.reader((base / "expected" / "INDEX.tsv").open(), delimiter="\t"))[1:]
    readings: dict[tuple, list] = {}
    exact, shares = 0, []
    for name, source, *_ in index:
        pdf, options = source.split()[0], camelot_options(name)
        if (pdf, options) not in readings:
            started = time.perf_counter()
            tables = read_source((base / pdf).read_bytes(), options).tables
            readings[pdf, options] = [(t.label, _norm(t.rows)) for t in tables if t.kind != "lines"]
            print(f"  read {pdf} in {time.perf_counter() - started:.2f} s", file=sys.stderr)
        expected = _norm(list(csv.reader((base / "expected" / name).open(encoding="utf-8"))))
        at, share, same = best_table([rows for _, rows in readings[pdf, options]], expected)
        best = "-" if at is None else readings[pdf, options][at][0] + (" =" if same else "")
        exact += same
        shares.append(share)
        print(f"{'EXACT' if same else '     '} {share:5.0%}  {name:42} {best}")
        if args.show == name:
            for label, rows in readings[pdf, options]:
                print(f"--- {label}")
                for row in rows:
                    print("   ", row)
            print("--- expected")
            for row in expected:
                print("   ", row)
    print(f"{exact} of {len(index)} exact, mean row share {sum(shares) / len(shares):.0%}")


if __name__ == "__main__":
    main()
