"""PDF tables and text through pdfplumber; a PDF without a text layer (a scan)
is for a person to read."""

from __future__ import annotations

import io

from foi.extract.tables import Table, lines_table

MAX_PAGES = 200
TEXT_STRATEGY = {"vertical_strategy": "text", "horizontal_strategy": "text"}


class NeedsPerson(Exception):
    """Readable only by a person (a scanned page, an image)."""


def read_pdf(data: bytes) -> list[Table]:
    import pdfplumber

    tables: list[Table] = []
    chars = 0
    with pdfplumber.open(io.BytesIO(data)) as document:
        for number, page in enumerate(document.pages[:MAX_PAGES], start=1):
            chars += len(page.chars)
            # Ruled tables first; a table laid out with spaces only has no lines.
            grids = page.extract_tables() or page.extract_tables(TEXT_STRATEGY)
            for index, grid in enumerate(grids, start=1):
                rows = [[(cell or "").strip() for cell in row] for row in grid]
                tables.append(Table("grid", f"page {number} table {index}", rows))
            tables.append(lines_table(f"page {number}", page.extract_text() or ""))
    if chars == 0:
        raise NeedsPerson("no text layer (a scanned document?): needs a person")
    return tables
