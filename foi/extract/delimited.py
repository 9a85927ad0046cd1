"""CSV and its cousins: any delimiter, any of the encodings councils' systems write."""

from __future__ import annotations

import csv

from foi.extract.detect import DELIMITERS, delimiter_of, text_or_fail
from foi.extract.tables import Table


def read_csv(data: bytes) -> list[Table]:
    text = text_or_fail(data)
    sample = "\n".join(text.splitlines()[:50])
    # the rows' own count of delimiters first: the sniffer is misled by notes under the table
    delimiter = delimiter_of(text)
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
        except csv.Error:
            delimiter = max(DELIMITERS, key=sample.count)
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter, quotechar='"'))
    return [Table("grid", "csv", [[cell.strip() for cell in row] for row in rows])]
