"""A Word letter for bodies that must be written to by post or through a web form.

The letter is built by code from the same rendered text as the email, so the
two never say different things; only the letterhead blocks are added. Every
string goes in as the text of a run, never as a field or a hyperlink, and without
the control characters XML cannot hold (foi.safetext): council text such as
'{ HYPERLINK "http://x" }' or 'DDEAUTO' stays literal.
"""

import io
from collections.abc import Sequence

from foi.letters.render import Rendered
from foi.safetext import one_line, plain_text


def build_letter(rendered: Rendered, context: dict) -> bytes:
    """A .docx: sender block, date, recipient, references, subject, then the text."""
    from docx import Document  # lazy: start-up
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # lazy: start-up
    from docx.shared import Pt  # lazy: start-up

    document = Document()
    sender = context["sender"]
    _lines(document, [sender["name"], *sender["address"], sender["email"]], align=WD_ALIGN_PARAGRAPH.RIGHT)
    _lines(document, [context["dates"]["today"]], align=WD_ALIGN_PARAGRAPH.RIGHT)
    _lines(document, ["Freedom of Information team", context["body"]["name"]])
    references = [f"Our reference: {context['request']['reference']}"]
    if context.get("their_reference"):
        references.append(f"Your reference: {context['their_reference']}")
    _lines(document, references)
    heading = document.add_paragraph()
    run = heading.add_run(one_line(rendered.subject))
    run.bold = True
    run.font.size = Pt(12)
    for paragraph in plain_text(rendered.body).strip().split("\n\n"):
        _lines(document, paragraph.split("\n"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _lines(document, lines: Sequence[str | None], align=None) -> None:
    """One paragraph, its lines kept apart by line breaks (not new paragraphs)."""
    lines = [part for line in lines if line for part in plain_text(line).split("\n") if part]
    if not lines:
        return
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        if index < len(lines) - 1:
            run.add_break()


def letter_text(docx_bytes: bytes) -> str:
    """The text of a letter, paragraph per line (for checks and previews)."""
    from docx import Document  # lazy: start-up

    document = Document(io.BytesIO(docx_bytes))
    return "\n".join(p.text for p in document.paragraphs)
