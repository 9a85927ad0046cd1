"""One generated council reply with its ground truth.

`generate_reply(campaign, seed, index)` draws every feature of the reply (class,
layout, label style, period style, totals, notes, suppression, words, partial
refusals, acknowledgement wording...) from a random.Random seeded with
(seed, campaign, index), writes the reply (body text, optional HTML, optional
attachment), and records the truth: the request class an FOI officer would
record and every question x period cell (a value, or a status: suppressed,
not_held, refused).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from . import wording as W
from .campaigns import (
    LABEL_STYLES,
    ROMAN,
    CampaignDef,
    mentions_other_question,
    period_styles,
    period_text,
    question_label,
)
from .layouts import (
    CSV_DIALECTS,
    DOCX,
    TEXT_TABLES,
    XLSX,
    Table,
    write_csv,
    write_docx,
    write_html,
    write_pdf,
    write_xlsx,
)

CLASSES = ("answered", "partial", "refused", "not_held", "acknowledgement", "clarification", "extended")
CLASS_WEIGHTS = (44, 22, 8, 6, 12, 4, 4)

LAYOUTS = ("xlsx_across", "xlsx_down", "xlsx_sheets", "xlsx_multi", "csv_across", "csv_down",
           "docx_across", "docx_tables", "pdf_across", "pdf_down", "html_across", "html_down",
           "text_spaced", "text_cells", "text_pipe", "text_label_value", "text_sentences")
LAYOUT_WEIGHTS = (8, 5, 5, 5, 4, 3, 5, 4, 5, 3, 5, 3, 8, 7, 7, 7, 8)

# layouts that name each question in a title or heading rather than a short row label
TITLED = {"xlsx_sheets", "xlsx_multi", "docx_tables", "text_label_value", "text_sentences"}
TITLE_STYLES = ("qnum", "question", "fulltext", "numtext", "paraphrase", "label")

PARTIAL_KINDS = ("q_s12", "q_not_held", "q_s40", "q_s21", "q_not_held_in_table", "periods_not_held")
REFUSAL_KINDS = tuple(W.REFUSALS)
SUPPRESSIONS = ("none", "lt5", "star", "x", "fewer")


@dataclass
class Attachment:
    filename: str
    mime: str
    data: bytes


@dataclass
class Reply:
    index: int
    campaign: str
    klass: str
    also_acceptable: tuple[str, ...]
    features: dict[str, str]
    cells: list[dict]                          # [{question_id, period, value | status}]
    shown: dict[tuple[str, str], str]           # what was written for each value/suppressed cell
    body_text: str
    body_html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    subject: str | None = None                  # None: "RE: " + our subject
    their_reference: str | None = None

    def truth_by_cell(self) -> dict[tuple[str, str], dict]:
        return {(c["question_id"], c["period"]): c for c in self.cells}


# ---- values ---------------------------------------------------------------------------

def _draw_values(rng: random.Random, campaign: CampaignDef) -> dict[tuple[str, str], float]:
    size = rng.uniform(0.3, 1.0)
    values = {}
    for q in campaign.questions:
        base = q.low + (q.high - q.low) * size * rng.uniform(0.6, 1.0)
        # a question whose figures are all small (suppression and numbers in words), where that is plausible
        small = q.kind == "count" and q.low <= 40 and rng.random() < 0.3
        for period in campaign.periods:
            value = rng.randint(0, 9) if small else max(q.low, int(base * rng.uniform(0.85, 1.15)))
            if q.kind == "money":
                value = float(value) + (rng.randint(1, 99) / 100 if rng.random() < 0.5 else 0.0)
            values[(q.id, period)] = value
    return values


def _number(value: float, kind: str, style: dict) -> str:
    if kind == "money":
        whole = value == int(value)
        body = f"{value:,.2f}" if not whole or style["pence"] else f"{int(value):,}"
        if not style["commas"]:
            body = body.replace(",", "")
        return ("£" if style["pound"] else "") + body
    return f"{int(value):,}" if style["commas"] else str(int(value))


def _shown(value: float, kind: str, style: dict, suppression: str, words: str, in_prose: bool) -> tuple[str, bool]:
    """(text written for the value, suppressed?)"""
    if kind == "count" and suppression != "none" and 1 <= value <= 4:
        return W.SUPPRESSED_CELL[suppression], True
    if kind == "count" and value == 0 and words != "none":
        return W.ZERO_WORDS[style["pick"] % len(W.ZERO_WORDS)], False
    if kind == "count" and in_prose and words == "all" and value <= 10:
        return W.NUMBER_WORDS[int(value)], False
    return _number(value, kind, style), False


# ---- the reply ---------------------------------------------------------------------------

def generate_reply(campaign: CampaignDef, seed: int, index: int, *, council: str = "Example Borough Council",
                   received: dt.date = dt.date(2024, 3, 4), request_text: str | None = None) -> Reply:
    rng = random.Random(f"replygen:{seed}:{campaign.key}:{index}")
    klass = rng.choices(CLASSES, CLASS_WEIGHTS)[0]
    ctx = _Context(rng, campaign, council, received, request_text)
    if klass in ("answered", "partial"):
        return ctx.answer(index, klass)
    return ctx.letter(index, klass)


class _Context:
    def __init__(self, rng, campaign, council, received, request_text):
        self.rng, self.campaign, self.council = rng, campaign, council
        self.received = received
        self.request_text = request_text
        self.features: dict[str, str] = {"campaign": campaign.key}

    def pick(self, name: str, options, weights=None) -> str:
        value = self.rng.choices(options, weights)[0] if weights else self.rng.choice(options)
        self.features[name] = value
        return value

    def date(self, days: int) -> str:
        day = self.received + dt.timedelta(days=days)
        return f"{day.day} {day:%B %Y}"

    # -- wrapping text
    def opening(self) -> list[str]:
        text = self.rng.choice(W.OPENINGS).format(received=self.date(0), topic=self.campaign.topic)
        parts = [f"Dear {self.rng.choice(('Sir or Madam', 'Requester', 'Data Project'))},", text]
        if self.pick("boilerplate", ("none", "act", "exemptions"), (5, 3, 2)) != "none":
            parts.append(W.STANDARD_PARAGRAPHS[0 if self.features["boilerplate"] == "act" else 1])
        return parts

    def closing(self) -> list[str]:
        parts = []
        if self.rng.random() < 0.3:
            parts.append(W.REUSE[0])
        if self.rng.random() < 0.7:
            parts.append(self.rng.choice(W.APPEAL))
        parts.append(self.rng.choice(W.SIGNATURES).format(council=self.council, tel1=self.rng.randint(100, 999),
                                                          tel2=self.rng.randint(100000, 999999)))
        if self.pick("quote_original", ("none", "below"), (6, 4)) == "below":
            parts.append(self.quoted())
        return parts

    def quoted(self) -> str:
        request = self.request_text or "\n\n".join(
            f"{n}. {q.text}" for n, q in enumerate(self.campaign.questions, start=1))
        return ("-----Original Message-----\nFrom: Data Project <foi-campaign@example.org>\n"
                f"Sent: {self.date(0)}\nSubject: Freedom of Information request\n\n" + request)

    # -- acknowledgements, refusals and other whole-reply letters
    def letter(self, index: int, klass: str) -> Reply:
        rng = self.rng
        parts = [f"Dear {rng.choice(('Sir or Madam', 'Requester'))},"]
        subject = None
        ref = None
        cells: list[dict] = []
        if klass == "acknowledgement":
            ref = W.their_reference(rng, self.pick("ref_shape", W.REF_SHAPES))
            place = self.pick("ref_place", W.REF_PLACES)
            wording = self.pick("ack_wording", W.ACK_NAMES)
            parts.append(W.ACKNOWLEDGEMENTS[W.ACK_NAMES.index(wording)].format(
                received=self.date(0), due=self.date(30)))
            if place == "subject":
                subject = f"Freedom of Information request - {ref}"
            else:
                parts.append(W.reference_line(place, ref))
            conditional = self.pick("ack_conditional", ("none", "cost", "fee", "exemption", "public_interest",
                                                        "clarify"), (3, 2, 2, 2, 1, 1))
            if conditional != "none":
                parts.append(W.ACK_CONDITIONALS[("cost", "fee", "exemption", "public_interest",
                                                 "clarify").index(conditional)])
            parts.append(rng.choice(W.SIGNATURES).format(council=self.council, tel1=rng.randint(100, 999),
                                                         tel2=rng.randint(100000, 999999)))
        else:
            parts = self.opening()
            if klass == "refused":
                kind = self.pick("refusal_kind", REFUSAL_KINDS, (4, 2, 2, 3, 1))
                parts.append(rng.choice(W.REFUSALS[kind]).format(records=f"{rng.randint(1200, 9000):,}"))
                cells = self.all_cells("refused")
            elif klass == "not_held":
                wording = self.pick("not_held_wording", W.NOT_HELD_NAMES)
                parts.append(W.NOT_HELD[W.NOT_HELD_NAMES.index(wording)])
                cells = self.all_cells("not_held")
            elif klass == "clarification":
                term = rng.choice(("early help", "placed", "transport", "assessment"))
                parts.append(rng.choice(W.CLARIFICATIONS).format(term=term))
            else:
                parts.append(rng.choice(W.EXTENSIONS).format(extended=self.date(48)))
            parts += self.closing()
        self.features["class"] = klass
        return Reply(index, self.campaign.key, klass, (), self.features, cells, {},
                     "\n\n".join(parts) + "\n", subject=subject, their_reference=ref)

    def all_cells(self, status: str) -> list[dict]:
        return [{"question_id": q.id, "period": p, "status": status}
                for q in self.campaign.questions for p in self.campaign.periods]

    # -- answers
    def answer(self, index: int, klass: str) -> Reply:
        rng, campaign = self.rng, self.campaign
        self.features["class"] = klass
        layout = self.pick("layout", LAYOUTS, LAYOUT_WEIGHTS)
        styles = TITLE_STYLES if layout in TITLED else LABEL_STYLES
        label_style = self.pick("label_style", styles)
        if label_style in ("fulltext", "numtext") and mentions_other_question(campaign):
            self.features["label_style"] = label_style + "+mentions_other"
        self.label_style = label_style
        self.label_pick = rng.randint(0, 5)
        period_style = self.pick("period_style", period_styles(campaign))
        suppression = self.pick("suppression", SUPPRESSIONS, (5, 2, 1, 1, 1))
        words = self.pick("words", ("none", "zero", "all"), (6, 2, 2))
        totals = self.pick("totals", ("no", "yes"), (6, 4))
        notes = self.pick("notes", ("no", "yes"), (6, 4))
        echo = self.pick("echo", ("none", "questions"), (6, 4))
        style = {"commas": rng.random() < 0.7, "pound": rng.random() < 0.7, "pence": rng.random() < 0.5,
                 "pick": rng.randint(0, 9), "numeric_xlsx": rng.random() < 0.7}

        values = _draw_values(rng, campaign)
        # what is not answered: one question refused / not held, or the early periods not held
        withheld: dict[tuple[str, str], str] = {}
        body_notices: list[str] = []
        in_table_text: dict[tuple[str, str], str] = {}
        partial = self.pick("partial_kind", PARTIAL_KINDS) if klass == "partial" else "-"
        self.features["partial_kind"] = partial
        if partial == "periods_not_held":
            first = rng.randint(1, len(campaign.periods) - 1)
            for q in campaign.questions:
                for p in campaign.periods[:first]:
                    withheld[(q.id, p)] = "not_held"
            body_notices.append(rng.choice(W.PERIODS_NOT_HELD).format(
                first=period_text(campaign.periods[first], period_style)))
        elif partial != "-":
            position = rng.randint(1, len(campaign.questions))
            q = campaign.questions[position - 1]
            status = "not_held" if "not_held" in partial else "refused"
            for p in campaign.periods:
                withheld[(q.id, p)] = status
            if partial == "q_not_held_in_table" and layout not in ("text_label_value", "text_sentences"):
                for p in campaign.periods:
                    in_table_text[(q.id, p)] = rng.choice(("Not held", "Not recorded", "Information not held"))
            else:
                label = self.prose_label(position)
                if partial == "q_not_held_in_table" or status == "not_held":
                    text = rng.choice(W.PART_NOT_HELD)
                else:
                    text = rng.choice(W.PART_REFUSED[partial[2:]])
                body_notices.append(text.format(label=label, records=f"{rng.randint(900, 7000):,}"))

        cells, shown = [], {}
        display: dict[tuple[str, str], object] = {}
        prose = layout in ("text_label_value", "text_sentences")
        for q in campaign.questions:
            for p in campaign.periods:
                key = (q.id, p)
                if key in withheld:
                    cells.append({"question_id": q.id, "period": p, "status": withheld[key]})
                    continue
                text, suppressed = _shown(values[key], q.kind, style, suppression, words, prose)
                shown[key] = text
                if suppressed:
                    cells.append({"question_id": q.id, "period": p, "status": "suppressed"})
                else:
                    cells.append({"question_id": q.id, "period": p, "value": values[key]})
                plain = text == _number(values[key], q.kind, style) and not suppressed
                display[key] = (values[key] if q.kind == "money" else int(values[key])) \
                    if plain and style["numeric_xlsx"] else text
        display.update(in_table_text)
        shown_any_suppressed = any(c.get("status") == "suppressed" for c in cells)
        note_lines = list(rng.sample(W.NOTES, 2)) if notes == "yes" else []
        if suppression == "x" or (suppression != "none" and rng.random() < 0.5):
            note_lines.append(W.SUPPRESSION_NOTES[suppression])

        self.values, self.display, self.shown = values, display, shown
        self.totals, self.note_lines, self.style = totals == "yes", note_lines, style
        self.withheld, self.in_table_text = withheld, in_table_text
        self.period_style = period_style

        lead_kind = "body" if layout.startswith(("text", "html")) else "attachment"
        parts = self.opening()
        if echo == "questions" and lead_kind == "attachment":
            parts.append("You asked:\n" + "\n".join(f"{n}. {q.text}" for n, q in enumerate(campaign.questions, 1)))
        parts.append(rng.choice(W.ANSWER_LEADS[lead_kind]))
        reply = Reply(index, campaign.key, klass, ("partial",) if klass == "answered" and shown_any_suppressed else (),
                      self.features, cells, shown, "")
        after = body_notices + self.closing()
        self.write(reply, layout, parts, after, echo)
        return reply

    def prose_label(self, position: int) -> str:
        style = self.label_style
        if style in ("number", "roman", "letter", "numletter", "fulltext", "numtext", "paraphrase", "label"):
            return f"Question {position}" if style != "roman" else f"Part ({ROMAN[position - 1]})"
        return question_label(self.campaign, position, style, self.label_pick)

    def label(self, position: int) -> str:
        return question_label(self.campaign, position, self.label_style, self.label_pick)

    def given(self) -> list[tuple[int, object]]:
        """(position, question) of the questions that appear in tables."""
        return [(n, q) for n, q in enumerate(self.campaign.questions, 1)
                if not all(self.withheld.get((q.id, p)) and (q.id, p) not in self.in_table_text
                           for p in self.campaign.periods)]

    def given_periods(self) -> list[str]:
        return [p for p in self.campaign.periods
                if not all(self.withheld.get((q.id, p)) and (q.id, p) not in self.in_table_text
                           for q in self.campaign.questions)]

    def ptext(self, period: str) -> str:
        return period_text(period, self.period_style)

    def total(self, q, periods) -> object:
        if q.kind == "money":
            total = sum(self.values[(q.id, p)] for p in periods)
            return f"£{total:,.2f}"
        return f"{int(sum(self.values[(q.id, p)] for p in periods)):,}"

    # -- tables
    def across(self) -> Table:
        periods = self.given_periods()
        rows, labels = [], []
        for n, q in self.given():
            labels.append(self.label(n))
            row = [self.display.get((q.id, p), "") for p in periods]
            if self.totals:
                row.append(self.total(q, periods))
            rows.append(row)
        corner = self.rng.choice(("Question", "", "Description", "Measure"))
        heads = [self.ptext(p) for p in periods] + (["Total"] if self.totals else [])
        return Table(None, corner, labels, heads, rows, self.note_lines)

    def down(self) -> Table:
        periods = self.given_periods()
        given = self.given()
        rows = [[self.display.get((q.id, p), "") for _, q in given] for p in periods]
        labels = [self.ptext(p) for p in periods]
        if self.totals:
            labels.append("Total")
            rows.append([self.total(q, periods) for _, q in given])
        corner = self.rng.choice(("Year", "Period", "", "Financial year" if not self.campaign.snapshot else "As at"))
        return Table(None, corner, labels, [self.label(n) for n, _ in given], rows, self.note_lines)

    def per_question(self) -> list[Table]:
        periods = self.given_periods()
        tables = []
        for n, q in self.given():
            rows = [[self.display.get((q.id, p), "")] for p in periods]
            labels = [self.ptext(p) for p in periods]
            if self.totals:
                labels.append("Total")
                rows.append([self.total(q, periods)])
            head = "Spend (£)" if q.kind == "money" else self.rng.choice(("Number", "Count", "Total"))
            tables.append(Table(self.label(n), "Year", labels, [head], rows, []))
        if tables:
            tables[-1].notes = self.note_lines
        return tables

    # -- writing the reply in its layout
    def write(self, reply: Reply, layout: str, before: list[str], after: list[str], echo: str) -> None:
        rng = self.rng
        fmt, _, shape = layout.partition("_")
        stem = rng.choice(("FOI response", "Response", f"FOI-{rng.randint(1000, 9999)}", "Data"))
        if fmt == "xlsx":
            if shape in ("across", "down"):
                table = self.across() if shape == "across" else self.down()
                table.sheet = rng.choice(("FOI response", "Sheet1", "Data"))
                heading = rng.choice((None, f"{self.council} - response to request for information"))
                data = write_xlsx([table], one_sheet=True, heading=heading)
            else:
                tables = self.per_question()
                names = self.pick("sheet_names", ("match", "generic", "disagree"))
                count = len(tables)
                for i, table in enumerate(tables):
                    given_pos = self.given()[i][0]
                    table.sheet = {"match": f"Q{given_pos}", "generic": f"Sheet{i + 1}",
                                   "disagree": f"Q{self.given()[(i + 1) % count][0]}" if count > 1 else "Q9"}[names]
                data = write_xlsx(tables, one_sheet=shape == "multi")
            reply.attachments.append(_attachment(stem, "xlsx", XLSX, data))
        elif fmt == "csv":
            dialect = self.pick("csv_dialect", CSV_DIALECTS)
            data = write_csv([self.across() if shape == "across" else self.down()], dialect)
            reply.attachments.append(_attachment(stem, "csv", "text/csv", data))
        elif fmt == "docx":
            tables = [self.across()] if shape == "across" else self.per_question()
            data = write_docx([f"{self.council}", "Response to your request for information"], tables)
            reply.attachments.append(_attachment(stem, "docx", DOCX, data))
        elif fmt == "pdf":
            table = self.across() if shape == "across" else self.down()
            data = write_pdf([f"{self.council}", "Freedom of Information Act 2000 - response"], [table])
            reply.attachments.append(_attachment(stem, "pdf", "application/pdf", data))
        elif fmt == "html":
            table = self.across() if shape == "across" else self.down()
            alt = self.pick("html_alt", ("html_only", "with_text"))
            reply.body_html = write_html(before, [table], after)
            if alt == "with_text":
                from .layouts import text_table
                before = before + [text_table(table, "pipe")]
        elif layout in ("text_spaced", "text_cells", "text_pipe"):
            variant = self.pick("text_table", [s for s in TEXT_TABLES if s.startswith(shape)])
            orient = self.pick("orientation", ("across", "down"))
            from .layouts import text_table
            if echo == "questions":
                before = before + ["\n".join(f"{n}. {q.text}" for n, q in enumerate(self.campaign.questions, 1))]
            before = before + [text_table(self.across() if orient == "across" else self.down(), variant)]
        elif layout == "text_label_value":
            before = before + self.label_values(echo)
        else:
            before = before + self.sentences(echo)
        reply.body_text = "\n\n".join(before + after) + "\n"

    def question_heading(self, n: int, q, echo: str) -> str:
        label = self.label(n)
        if echo == "questions" and self.label_style not in ("fulltext", "numtext"):
            return f"{label}\n{q.text}"
        return label

    def label_values(self, echo: str) -> list[str]:
        sep = self.pick("separator", (" - ", ": ", " = ", " \u2013 "))
        blocks = []
        for n, q in enumerate(self.campaign.questions, 1):
            lines = [self.question_heading(n, q, echo)]
            given = [p for p in self.campaign.periods if (q.id, p) in self.shown]
            if not given:
                continue  # refused or not held: said in the notices
            lines += [f"{self.ptext(p)}{sep}{self.shown[(q.id, p)]}" for p in given]
            if self.totals:
                lines.append(f"Total{sep}{self.total(q, given)}")
            blocks.append("\n".join(lines))
        if self.note_lines:
            blocks.append("\n".join(self.note_lines))
        return blocks

    def sentences(self, echo: str) -> list[str]:
        template = self.pick("sentence_order", ("in_p_there_were", "there_were_in_p", "one_per_period",
                                                "respectively"))
        blocks = []
        for n, q in enumerate(self.campaign.questions, 1):
            given = [p for p in self.campaign.periods if (q.id, p) in self.shown]
            if not given:
                continue
            pairs = [(self.ptext(p), self.shown[(q.id, p)]) for p in given]
            text = _sentence(template, pairs, q, self.campaign.snapshot)
            if self.totals and len(given) > 1:
                text += f" That is a total of {self.total(q, given)} over the {len(given)} years."
            blocks.append(f"{self.question_heading(n, q, echo)}\n{text}")
        if self.note_lines:
            blocks.append("\n".join(self.note_lines))
        return blocks


def _at(period: str, snapshot: bool) -> str:
    if period.startswith("As at"):
        return period
    if snapshot:
        return f"at {period}" if (period[0].isdigit() and "/" in period) or period.startswith("31") else f"in {period}"
    return f"in the {period[0].lower() + period[1:]}" if period.startswith("Year") else f"in {period}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _sentence(template: str, pairs: list[tuple[str, str]], q, snapshot: bool) -> str:
    money = q.kind == "money"

    def clause(period: str, value: str) -> str:
        return (f"the council spent {value}" if money else f"there were {value} {q.unit}")

    if template == "in_p_there_were" and len(pairs) > 1:
        (p0, v0), rest = pairs[0], pairs[1:]
        head = _at(p0, snapshot)
        others = _join([f"{v} {_at(p, snapshot)}" for p, v in rest])
        return f"{head[0].upper()}{head[1:]} {clause(p0, v0)}, {others}."
    if template == "there_were_in_p" or len(pairs) == 1:
        (p0, v0), rest = pairs[0], pairs[1:]
        opening = "The council spent" if money else "There were"
        first = f"{opening} {v0}{'' if money else ' ' + q.unit} {_at(p0, snapshot)}"
        return first + ("" if not rest else ", " + _join([f"{v} {_at(p, snapshot)}" for p, v in rest])) + "."
    if template == "one_per_period":
        out = []
        for p, v in pairs:
            at = _at(p, snapshot)
            out.append(f"{at[0].upper()}{at[1:]} the figure was {v}.")
        return " ".join(out)
    what = "amounts spent" if money else f"numbers of {q.unit}"
    return (f"The {what} were {_join([v for _, v in pairs])} for {_join([p for p, _ in pairs])} respectively.")


def _attachment(stem: str, ext: str, mime: str, data: bytes) -> Attachment:
    return Attachment(f"{stem}.{ext}", mime, data)
