"""Finding the campaign's figures in tables and text.

A grid is read in either orientation: periods across a header row (questions
down the side) or periods down a column (questions across the top). Titles,
notes, the sheet name and captions are the table's context: a table with one
row or column of figures and no label of its own takes its question from there.
Totals rows are skipped, never taken for a period.
"""

from __future__ import annotations

import re

from foi.campaign.spec import Question
from foi.extract.found import Found
from foi.extract.numbering import read_numbered
from foi.extract.periods import match_period, parse_period
from foi.extract.prose import map_lines
from foi.extract.questions import WORD_MATCHES, Match, QuestionMatcher, tokens
from foi.extract.tables import Table, split_blocks
from foi.extract.values import Value, figure_kind, footnote_bounds, of_kind, parse_value, wrong_kind
from foi.language import confidence as sure
from foi.vocabulary import SETTLED_VALUE_STATUSES

FOOTNOTE_START = set("*†‡[cxCX")
TOTAL = re.compile(r"^\s*(grand\s+)?(sub\s*-?\s*)?totals?\b", re.IGNORECASE)
# a cell of more words than this is a note or a sentence, not a figure
NOTE_WORDS = 6
TOTAL_ASKED = re.compile(r"\btotal\b", re.IGNORECASE)


def extract_values(tables: list[Table], matcher: QuestionMatcher, periods: list[str]) -> list[Found]:
    found: list[Found] = []
    blocks = {id(table): split_blocks(table) for table in tables if table.kind != "lines"}
    # the titles of a file's tables together tell "1a, 1b, 1c" (three questions) from "1a" alone
    siblings = tuple(b.context[-1] for split in blocks.values() for b in split if b.context)
    for table in tables:
        if table.kind == "lines":
            listed, read = read_numbered(table, matcher, periods)
            rest = Table(table.kind, table.label, [["" if n in read else row[0]] for n, row in enumerate(table.rows)],
                         row_ids=table.row_ids, context=table.context)
            found += listed + map_lines(rest, matcher, periods)
            continue
        for block in blocks[id(table)]:
            found += map_grid(block, matcher, periods, siblings, len(blocks[id(table)]) > 1)
    return apply_footnotes(found, tables)


def apply_footnotes(found: list[Found], tables: list[Table]) -> list[Found]:
    """A symbol ('*') the same file defines ("* fewer than 5") hides a number in
    those bounds. Only the first definition of a symbol counts."""
    notes: dict[str, tuple[float, float | None, str]] = {}
    for table in tables:
        for row in table.rows:
            for cell in row:
                if cell.lstrip()[:1] in FOOTNOTE_START:
                    defined = footnote_bounds(cell)
                    if defined and defined[0] not in notes:
                        notes[defined[0]] = (defined[1], defined[2], " ".join(cell.split())[:80])
    if not notes:
        return found
    for item in found:
        value = item.value
        symbol = value.raw.strip().lower()
        if value.status == "suppressed" and value.upper is None and symbol in notes:
            value.lower, value.upper, said = notes[symbol]
            item.note = "; ".join(n for n in (item.note, f"'{value.raw.strip()}' defined by the note '{said}'") if n)
    return found


def _period_cells(cells: list[str], periods: list[str]) -> dict[int, tuple[str, float, str | None]]:
    hits = {}
    for index, cell in enumerate(cells):
        period = parse_period(cell) if cell else None
        if period:
            label, confidence, note = match_period(period, periods)
            if label:
                hits[index] = (label, confidence, note)
    return hits


def map_grid(block: Table, matcher: QuestionMatcher, periods: list[str],
             siblings: tuple[str, ...] = (), shared: bool = False) -> list[Found]:
    across = max(((r, _period_cells(block.rows[r], periods)) for r in range(min(6, len(block.rows)))),
                 key=lambda item: len(item[1]), default=(0, {}))
    columns = [[row[c] for row in block.rows] for c in range(min(4, block.width))]
    down = max(((c, _period_cells(col, periods)) for c, col in enumerate(columns)),
               key=lambda item: len(item[1]), default=(0, {}))
    if not across[1] and not down[1]:
        return []
    if len(across[1]) >= len(down[1]) and not _row_label(block, across, down):
        return _read(block, matcher, across[0], across[1], False, siblings, shared)
    return _read(block, matcher, down[0], down[1], True, siblings, shared)


def _row_label(block: Table, across: tuple[int, dict], down: tuple[int, dict]) -> bool:
    """The one period both ways is one cell, with figures to its right and none
    below it: the label of a row (one period asked), not a header."""
    if len(across[1]) != 1 or len(down[1]) != 1:
        return False
    row, col = across[0], next(iter(across[1]))
    if (col, row) != (down[0], next(iter(down[1]))):
        return False
    right = [c for c in block.rows[row][col + 1:] if c.strip()]
    below = [r[col] for r in block.rows[row + 1:] if r[col].strip()]
    return bool(right) and all(_figure(c) for c in right) and not any(_figure(c) for c in below)


def _figure(text: str) -> bool:
    """A cell holding a figure; a note in a sentence ("Numbers below 5 are shown as
    <5 ...") under a table holds none, whatever figures it quotes."""
    if len(text.split()) > NOTE_WORDS:
        return False
    return parse_value(text, "count").status != "needs_review" or parse_value(text, "money").status != "needs_review"


def _read(block: Table, matcher: QuestionMatcher, header: int,
          period_at: dict[int, tuple[str, float, str | None]], transpose: bool,
          siblings: tuple[str, ...] = (), shared: bool = False) -> list[Found]:
    """Read one orientation; with transpose the roles of rows and columns swap
    ("lines" are then columns). `header` is the row (or column) holding periods."""
    def cell(line: int, position: int) -> str:
        return block.rows[position][line] if transpose else block.rows[line][position]

    def locate(line: int, position: int) -> str:
        return block.locate(position, line) if transpose else block.locate(line, position)

    count, positions = (block.width, len(block.rows)) if transpose else (len(block.rows), block.width)
    first = min(period_at)
    # transposed, a column's label is the header text above the first period
    # row; otherwise a row's label is the stub left of the first period column
    stub = list(range(first)) if first > 0 else [p for p in range(positions) if p not in period_at]
    candidates: list[int] = []
    labels: dict[int, tuple[str, ...]] = {}
    for line in range(count):
        if line == header or (line < header and not transpose):
            continue
        label = " ".join(cell(line, p) for p in stub if cell(line, p))
        if parse_period(label) or not any(cell(line, p).strip() for p in period_at):
            continue
        candidates.append(line)
        # the nearest header cell first: a merged title above it names every column
        nearest = cell(line, stub[-1]) if stub and transpose else ""
        labels[line] = tuple(t for t in (nearest, label) if t)
    values = [[cell(x, p) for p in sorted(period_at)] for x in candidates]
    lines = [line for line in candidates if not _is_total(labels[line], line, candidates, values)]
    assigned = matcher.assign([labels[line] for line in lines], siblings) if lines else []
    matches = [(line, match) for line, match in zip(lines, assigned) if match]
    totals = [line for line in candidates if line not in lines and _bare_total(labels[line][-1:])]
    numbers = {line: [_number(v) for v in row] for line, row in zip(candidates, values)}
    titled = _sure_title(block, matcher, siblings) if len(totals) == 1 else None
    matches = _broken_down(matches, lines, totals, matcher, numbers, titled)
    if len(lines) == 1 and (not matches or matches[0][1].confidence < sure.REVIEW_BELOW):
        context = _context_match(block, matcher, siblings, shared)
        if context and (not matches or context.confidence >= sure.REVIEW_BELOW):
            confidence = round(context.confidence * sure.FROM_CONTEXT, 2)
            matches = [(lines[0], Match(context.question, confidence, f"context ({context.how})"))]
    elif len(lines) == 1:
        raws = [cell(lines[0], p) for p in sorted(period_at) if cell(lines[0], p).strip()]
        matches = [(lines[0], _against_title(block, matcher, siblings, matches[0][1], raws))]

    def label_of(line: int) -> str:
        return " ".join(cell(line, p) for p in range(min(first, 3)) if cell(line, p)) or block.label

    found = []
    for line, match in matches:
        cells = [_found(match, cell(line, position), locate(line, position), period_at[position],
                        f"{label_of(line)} / {cell(header, position)} = {cell(line, position) or '(blank)'}")
                 for position in sorted(period_at)]
        found += _of_one_kind(cells, match)
    return found


def _of_one_kind(cells: list[Found], match: Match) -> list[Found]:
    """A line holding money (a pound sign, or pence) where a count is asked may
    be another question's line: all its figures go to a person, not only the
    odd one. (A percentage among counts goes to a person on its own.)"""
    if figure_kind(match.question) != "count":
        return cells
    money = (wrong_kind(f.value.raw, "count") for f in cells if not wrong_kind(f.value.raw, "money"))
    odd = next((why for why in money if why), None)
    if odd:
        for f in cells:
            f.confidence = min(f.confidence, sure.WEAK)
            f.note = "; ".join(n for n in (f.note, f"the line holds {odd}: the question's line? check") if n)
    return cells


def _bare_total(texts: tuple[str, ...]) -> bool:
    """"Total", "Grand total": a total of the lines beside it, naming nothing itself."""
    return bool(texts) and bool(TOTAL.match(texts[0])) and not tokens(TOTAL.sub("", texts[0], count=1))


def _broken_down(matches: list[tuple[int, Match]], lines: list[int], totals: list[int],
                 matcher: QuestionMatcher, numbers: dict[int, list[float | None]],
                 titled: Question | None = None) -> list[tuple[int, Match]]:
    """A table that breaks a figure down into kinds, with a Total line: a question
    matched to one kind may be asking for the total. The campaign's one question
    labelled "Total" takes the Total line (its kinds are not its answer, and
    kinds that add up to it answer another question only if a person says so);
    a question asking for "the total ..." matched to one kind among kinds no
    question claims goes to a person. `titled` is the question the table's
    title names surely, if any: a table titled for another question is not
    the "Total" question's."""
    if len(totals) != 1 or len(lines) < 2:
        return matches
    claimants = [q for q in matcher.questions if any(_bare_total((label,)) for label in q.labels)]
    kind = next((m for _, m in matches if len(claimants) == 1 and m.question is claimants[0]), None)
    if kind is None and len(claimants) == 1 and titled in (None, claimants[0]):
        return _claimed_total(matches, lines, totals[0], claimants[0], numbers)
    if kind:  # as sure as the question's match to its kind
        parts = _parts(totals[0], lines, numbers)
        others = [(line, m if line not in parts else Match(
            m.question, min(m.confidence, sure.WEAK),
            f"{m.how}; this line is a part of the Total line, which answers question {kind.question.number}: check"))
            for line, m in matches if m.question is not kind.question]
        claimed = Match(kind.question, kind.confidence,
                        f"label 'Total': the table's Total line, not the kind matched by {kind.how}")
        return [*others, (totals[0], claimed)]
    if len(matches) == 1 and TOTAL_ASKED.search(matches[0][1].question.text):
        line, match = matches[0]
        return [(line, Match(match.question, min(match.confidence, sure.WEAK),
                             f"{match.how}; the table breaks a total down and the question asks for a total: "
                             "this line or the Total line? check"))]
    return matches


def _claimed_total(matches: list[tuple[int, Match]], lines: list[int], total: int, claimant: Question,
                   numbers: dict[int, list[float | None]]) -> list[tuple[int, Match]]:
    """The campaign's one question labelled "Total" takes a Total line that the
    lines above add up to, though no line matched it; those lines are the
    total's parts: one matched to another question by its words alone (not
    by number or label) answers it only if a person says so. A part named by a
    question's number or label makes the table that question's breakdown: no claim."""
    parts = _parts(total, lines, numbers)
    if not parts or any(line in parts and not m.how.startswith(WORD_MATCHES) for line, m in matches):
        return matches
    others = [(line, m if line not in parts or not m.how.startswith(WORD_MATCHES) else Match(
        m.question, min(m.confidence, sure.WEAK),
        f"{m.how}; this line is a part of the Total line, which answers question {claimant.number}: check"))
        for line, m in matches if m.question is not claimant]
    return [*others, (total, Match(claimant, sure.LABELLED_TOTAL, "label 'Total': the table's Total line, "
                                                                  "which the lines above add up to"))]


def _parts(total: int, lines: list[int], numbers: dict[int, list[float | None]]) -> set[int]:
    """The lines of figures that add up to the Total line (lines without figures aside)."""
    parts = [line for line in lines if all(n is not None for n in numbers[line])]
    sums = [sum(numbers[line][p] or 0 for line in parts) for p in range(len(numbers[total]))]
    adds_up = len(parts) >= 2 and all(n is None or round(100 * n) == round(100 * s)
                                      for n, s in zip(numbers[total], sums))
    return set(parts) if adds_up else set()


def _is_total(texts: tuple[str, ...], line: int, candidates: list[int], values: list[list[str]]) -> bool:
    """A "Total" line beside other lines, or a line that sums the lines above it.
    "Total number of X" names X: it is a label, not a total."""
    label = texts[-1] if texts else ""
    bare = TOTAL.match(label) and not tokens(TOTAL.sub("", label, count=1))
    if bare and len(candidates) > 1:
        return True
    index = candidates.index(line)
    if index < 2:
        return False
    numbers = [[_number(v) for v in row] for row in values[:index + 1]]
    sums = []
    for position in range(len(numbers[0])):
        column = [row[position] for row in numbers]
        if any(n is None for n in column):
            return False
        sums.append(round(100 * sum(n for n in column[:-1] if n is not None)) == round(100 * (column[-1] or 0)))
    return bool(sums) and all(sums) and any(numbers[-1])


def _number(text: str) -> float | None:
    value = parse_value(text, "count")
    return value.value if value.status == "answered" else None


def _context_match(block: Table, matcher: QuestionMatcher, siblings: tuple[str, ...] = (),
                   shared: bool = False) -> Match | None:
    """The question a table's titles name. A title or heading inside the sheet
    outranks the sheet's name (often left as it was when the file was copied
    from another answer); the name of a sheet `shared` by several tables names
    none of them. A name and a title that disagree go to a person."""
    titles = [_title_match(matcher, text, siblings) for text in reversed(block.context) if text]
    sure_title = next((m for m in titles if m and m.confidence >= sure.REVIEW_BELOW), None)
    if sure_title:
        return sure_title
    title = next((m for m in titles if m), None)
    name = None if shared or not block.label else matcher.assign([(block.label,)], siblings)[0]
    if name and name.confidence >= sure.REVIEW_BELOW:
        leaning = next((q for q in map(matcher.leaning, reversed(block.context)) if q), None)
        if leaning and leaning is not name.question:
            return Match(name.question, min(name.confidence, sure.WEAK),
                         f"sheet name {block.label!r} ({name.how}); the title inside leans to question "
                         f"{leaning.number} ({leaning.id}): check")
        return name
    if title:
        return title
    joined = matcher.sole() or matcher.match(" ".join(block.context + [block.label]))
    if joined and joined.how != "the campaign's only question":
        # words pooled from every title and the sheet's name: a guess for a person
        return Match(joined.question, min(joined.confidence, sure.WEAK), f"{joined.how} in the titles: check")
    return joined


def _against_title(block: Table, matcher: QuestionMatcher, siblings: tuple[str, ...], match: Match,
                   raws: list[str]) -> Match:
    """A table of one line whose label names one question surely, under a title
    that surely names another (a header copied from the table above it: "Number
    issued" over sums of money): the reading whose kind of figure the line holds
    wins; when both kinds fit, or neither, a person decides between them."""
    titles = (_title_match(matcher, text, siblings) for text in reversed(block.context) if text)
    title = next((m for m in titles if m and m.confidence >= sure.REVIEW_BELOW), None)
    if title is None or title.question is match.question:
        return match
    label_fits, title_fits = (not any(wrong_kind(raw, figure_kind(q)) for raw in raws)
                              for q in (match.question, title.question))
    if title_fits and not label_fits:
        return Match(title.question, round(title.confidence * sure.FROM_CONTEXT, 2),
                     f"the table's title ({title.how}); its line's label names question "
                     f"{match.question.number} by {match.how}, which asks for another kind of figure")
    if label_fits and not title_fits:
        return match
    return Match(match.question, min(match.confidence, sure.WEAK),
                 f"{match.how}; or question {title.question.number} ({title.question.id}) "
                 f"by the table's title ({title.how}): check")


def _sure_title(block: Table, matcher: QuestionMatcher, siblings: tuple[str, ...]) -> Question | None:
    """The question a title of the table names surely, if any."""
    titles = (_title_match(matcher, text, siblings) for text in reversed(block.context) if text)
    title = next((m for m in titles if m and m.confidence >= sure.REVIEW_BELOW), None)
    return title.question if title else None


def _title_match(matcher: QuestionMatcher, title: str, siblings: tuple[str, ...]) -> Match | None:
    """The question a table's title names, read together with the titles of the
    file's other tables: a title torn between two questions goes to the one no
    other table's title holds ("Closures with a referral" beside a table titled
    "Closed with no further action")."""
    others = [(text,) for text in dict.fromkeys(siblings) if text != title]
    return matcher.assign([(title,), *others], siblings)[0]


def _found(match: Match, raw: str, location: str, period: tuple[str, float, str | None],
           snippet: str) -> Found:
    label, period_confidence, note = period
    kind = figure_kind(match.question)
    value = of_kind(parse_value(raw, kind), kind)
    if value.status in SETTLED_VALUE_STATUSES and footnote_bounds(raw):
        # "x = fewer than 5; withheld under section 40(2)" in a value's place: the file's
        # note on a symbol (a row out of line), not what the cell answers
        value = Value("needs_review", raw, note="a note defining a symbol, in a value's place")
    notes = "; ".join(n for n in (note, value.note, f"matched by {match.how}") if n)
    confidence = min(match.confidence, period_confidence, sure.CERTAIN if value.sure else sure.UNSURE)
    return Found(match.question.id, label, value, location, confidence, snippet[:160], notes)
