"""CSV and its cousins: any delimiter, any of the encodings councils' systems write."""

from __future__ import annotations

import csv

from foi.extract.detect import DELIMITERS, text_or_fail
from foi.extract.tables import Table


def read_csv(data: bytes) -> list[Table]:
    text = text_or_fail(data)
    sample = "\n".join(text.splitlines()[:50])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = max(DELIMITERS, key=sample.count)
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter, quotechar='"'))
    return [Table("grid", "csv", [[cell.strip() for cell in row] for row in rows])]
