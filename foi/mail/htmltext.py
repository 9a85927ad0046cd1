"""Readable text from the HTML bodies councils send, with the stdlib parser.

Tables matter most: a reply's figures often sit in an HTML table, so each row
becomes a line and each cell is separated by a tab, which the extractor can
split again. Scripts, styles and comments are dropped.
"""

import re
from html.parser import HTMLParser

_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "hr", "table", "thead", "tbody", "tfoot", "section",
    "article", "header", "footer", "address", "dd", "dt", "dl", "title",
}
_SKIP = {"script", "style", "head", "noscript", "template"}


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0
        self.cell_open = False
        self.span = 1

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "tr":
            self._newline()
            self.cell_open = False
        elif tag in ("td", "th"):
            if self.cell_open:
                self.chunks.append("\t")
            self.cell_open = True
            self.span = _colspan(attrs)
        elif tag in _BLOCKS:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("td", "th") and self.span > 1:
            # a merged cell keeps the columns after it in their places
            self.chunks.append("\t" * (self.span - 1))
            self.span = 1
        elif tag == "tr":
            self._newline()
            self.cell_open = False
        elif tag in ("p", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"):
            self._newline()
            self.chunks.append("\n")
        elif tag in _BLOCKS and tag != "br":
            self._newline()

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in ("br", "hr"):
            self._newline()

    def handle_data(self, data: str) -> None:
        at_line_start = not self.chunks or self.chunks[-1].endswith("\n")
        if self.skipping or (at_line_start and not data.strip()):
            return  # the layout whitespace between tags makes no line of its own
        self.chunks.append(re.sub(r"\s+", " ", data))

    def _newline(self) -> None:
        # Consecutive block boundaries make one line break, not a ladder of them.
        if self.chunks and not self.chunks[-1].endswith("\n"):
            self.chunks.append("\n")


def html_to_text(html: str) -> str:
    """Plain text of `html`: one line per block or table row, tabs between cells."""
    builder = _TextBuilder()
    try:
        builder.feed(html)
        builder.close()
    except (AssertionError, ValueError):
        # The stdlib parser can choke on badly broken markup; keep what it read.
        pass
    text = "".join(builder.chunks).replace("\xa0", " ")
    lines = [_tidy(line) for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _colspan(attrs: list[tuple[str, str | None]]) -> int:
    span = dict(attrs).get("colspan") or "1"
    return min(int(span), 50) if span.isdigit() else 1


def _tidy(line: str) -> str:
    cells = [cell.strip(" ") for cell in line.split("\t")]
    return "\t".join(cells).rstrip() if len(cells) > 1 else cells[0].strip()
