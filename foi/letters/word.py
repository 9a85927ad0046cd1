"""A Word letter for bodies that must be written to by post or through a web form.

The letter is built by code from the same rendered text as the email, so the
two never say different things; only the letterhead blocks are added. Every
string goes in as the text of a run, never as a field or a hyperlink, and without
the control characters XML cannot hold (foi.safetext): council text such as
'{ HYPERLINK "http://x" }' or 'DDEAUTO' stays literal.

The page is A4 with 25 mm margins, as letters are printed in the UK. The text's
own layout is read back: a short line on its own that leads into more text is a
heading (kept on the page of what follows it), and lines of cells separated by
'|' (the example table of a request) become a real Word table.
"""

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from foi.letters.render import Rendered
from foi.register.councils import address_lines
from foi.safetext import one_line, plain_text

PAGE_MM = (210, 297)  # A4
MARGIN_MM = 25
# An ICO complaint is written to the Information Commissioner, not to the council.
ICO_ADDRESS = ("Information Commissioner's Office", "Wycliffe House", "Water Lane", "Wilmslow",
               "Cheshire", "SK9 5AF")
HEADING_MAX = 80  # characters: a longer line on its own is a sentence, not a heading


@dataclass
class Block:
    """A piece of the letter's text: 'text' (lines of a paragraph), 'heading' or 'table'."""

    kind: str
    lines: list[str] = field(default_factory=list)
    cells: list[list[str]] = field(default_factory=list)


def build_letter(rendered: Rendered, context: dict, *, created: dt.datetime) -> bytes:
    """A .docx: sender block, date, recipient, references, subject, then the text."""
    from docx import Document  # lazy: start-up
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # lazy: start-up

    document = Document()
    _set_page(document)
    _set_styles(document)
    _set_properties(document, rendered, context, created)
    sender = context["sender"]
    _lines(document, [sender["name"], *sender["address"], sender["email"]], align=WD_ALIGN_PARAGRAPH.RIGHT)
    _lines(document, [context["dates"]["today"]], align=WD_ALIGN_PARAGRAPH.RIGHT)
    _lines(document, recipient_lines(context))
    references = [f"Our reference: {context['request']['reference']}"]
    if context.get("their_reference"):
        references.append(f"Your reference: {context['their_reference']}")
    _lines(document, references)
    _heading(document, one_line(rendered.subject), level=1)
    blocks = parse_blocks(plain_text(rendered.body))
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            _heading(document, block.lines[0], level=2)
        elif block.kind == "table":
            _table(document, block.cells)
        else:
            paragraph = _lines(document, block.lines)
            # the sentence that introduces a table stays on the table's page
            if paragraph is not None and index + 1 < len(blocks) and blocks[index + 1].kind == "table":
                paragraph.paragraph_format.keep_with_next = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def recipient_lines(context: dict) -> list[str]:
    """Who the letter is addressed to: the body's FOI team at its postal address
    (when the register has one), or the ICO for a complaint."""
    if context.get("kind") == "ico":
        return list(ICO_ADDRESS)
    body = context["body"]
    return ["Freedom of Information team", body["name"], *address_lines(body.get("postal_address"))]


def parse_blocks(text: str) -> list[Block]:
    """The paragraphs of a letter's text (separated by blank lines), each a heading,
    a table or plain lines."""
    paragraphs = [part.split("\n") for part in text.strip("\n").split("\n\n") if part.strip()]
    blocks = []
    for index, lines in enumerate(paragraphs):
        rows = table_cells(lines)
        if rows:
            blocks.append(Block("table", cells=rows))
        elif _is_heading(lines) and index + 1 < len(paragraphs):
            blocks.append(Block("heading", lines=[lines[0].strip()]))
        else:
            blocks.append(Block("text", lines=lines))
    return blocks


def _is_heading(lines: list[str]) -> bool:
    """One short line, no sentence punctuation at its end: 'How I would like the answer'.
    (A heading must lead into more text, so the signature below 'Yours faithfully,' is none.)"""
    if len(lines) != 1:
        return False
    line = lines[0].strip()
    return 0 < len(line) <= HEADING_MAX and line[0].isupper() and line[-1] not in ".,:;!?'\")"


def table_cells(lines: list[str]) -> list[list[str]]:
    """The cells of lines like 'Question | 2015/16 | 2016/17' (two rows or more, each
    with as many cells), or [] when the lines are not such a table."""
    rows = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if set(text) <= set("|-:+ "):  # a rule under the header row
            continue
        if "|" not in text:
            return []
        if text.startswith("|") and text.endswith("|") and len(text) > 1:
            text = text[1:-1]
        rows.append([cell.strip() for cell in text.split("|")])
    if len(rows) < 2 or len({len(row) for row in rows}) != 1:
        return []
    return rows


def _set_page(document) -> None:
    from docx.shared import Mm  # lazy: start-up

    for section in document.sections:
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin = section.bottom_margin = Mm(MARGIN_MM)
        section.left_margin = section.right_margin = Mm(MARGIN_MM)


def _set_styles(document) -> None:
    """Headings in the letter's own black, bold, and never left alone at a page's foot."""
    from docx.shared import Pt, RGBColor  # lazy: start-up

    for name, size in (("Heading 1", 12), ("Heading 2", 11)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = Pt(12)
        style.paragraph_format.space_after = Pt(6)


def _set_properties(document, rendered: Rendered, context: dict, created: dt.datetime) -> None:
    """What Word shows under File > Info: the sender wrote it today, titled by its subject
    (not python-docx's placeholders from 2013)."""
    properties = document.core_properties
    properties.author = properties.last_modified_by = one_line(context["sender"]["name"])
    # python-docx writes the clock time as if it were UTC: 09:00 in a London summer must go as 08:00Z
    properties.created = properties.modified = created.astimezone(dt.UTC)
    properties.title = one_line(rendered.subject)
    properties.subject = one_line(context["campaign"]["title"])
    properties.keywords = one_line(context["request"]["reference"])
    properties.comments = ""
    properties.language = "en-GB"
    properties.revision = 1


def _heading(document, text: str, *, level: int) -> None:
    paragraph = document.add_paragraph(style=f"Heading {level}")
    paragraph.add_run(text)
    paragraph.paragraph_format.keep_with_next = True


def _table(document, cells: list[list[str]]) -> None:
    """A bordered table, its first row bold and repeated at the top of each page."""
    from docx.oxml import OxmlElement  # lazy: start-up
    from docx.oxml.ns import qn  # lazy: start-up

    table = document.add_table(rows=len(cells), cols=len(cells[0]))
    table.style = document.styles["Table Grid"]
    for number, (row, values) in enumerate(zip(table.rows, cells, strict=True)):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, value in zip(row.cells, values, strict=True):
            cell.paragraphs[0].add_run(value).bold = number == 0 or None
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    document.add_paragraph()  # the text after the table starts clear of it


def _lines(document, lines: Sequence[str | None], align=None):
    """One paragraph, its lines kept apart by line breaks (not new paragraphs);
    None when there is nothing to write."""
    lines = [part for line in lines if line for part in plain_text(line).split("\n") if part]
    if not lines:
        return None
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        if index < len(lines) - 1:
            run.add_break()
    return paragraph


def letter_text(docx_bytes: bytes) -> str:
    """The text of a letter, paragraph per line and a table's row per line, its cells
    separated by ' | ' (for checks and previews)."""
    from docx import Document  # lazy: start-up
    from docx.table import Table  # lazy: start-up

    document = Document(io.BytesIO(docx_bytes))
    lines = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            lines += [" | ".join(cell.text for cell in row.cells) for row in item.rows]
        else:
            lines.append(item.text)
    return "\n".join(lines)
