"""CSV and its cousins: any delimiter, any of the encodings councils' systems write."""

from __future__ import annotations

import csv

from foi.extract.detect import DELIMITERS, decode_text
from foi.extract.tables import Table


def read_csv(data: bytes) -> list[Table]:
    text = decode_text(data)
    if text is None:
        raise ValueError("not text in any known encoding")
    sample = "\n".join(text.splitlines()[:50])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = max(DELIMITERS, key=sample.count)
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter, quotechar='"'))
    return [Table("grid", "csv", [[cell.strip() for cell in row] for row in rows])]
