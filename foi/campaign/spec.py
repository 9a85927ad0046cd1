"""Reading and checking a campaign file (TOML). Pure: no database, no printing.

Every problem found is collected, each naming the field it is about, so a user
fixes the whole file in one pass instead of one error per run.
"""

import re
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from foi.campaign.licences import DEFAULT_LICENCE, LICENCES, find_licence
from foi.errors import FoiError

TOP_KEYS = {"slug", "title", "prefix", "template", "recipients", "periods", "questions", "checks", "request",
            "licence", "measures", "estimates"}
REQUEST_KEYS = {"subject", "intro", "background", "definitions"}
QUESTION_KEYS = {"id", "title", "text", "kind", "labels"}
CHECK_KEYS = {"rule"}
MEASURE_KEYS = {"id", "title", "formula", "format", "note"}
ESTIMATE_KEYS = {"id", "title", "of", "period", "scale_by", "min_coverage"}
FILTER_KEYS = {"types", "regions", "childrens_services", "codes", "exclude"}
# money: pounds and pence; percent: a share in per cent (12.5 for 12.5%); days: a number of days
KINDS = ("count", "money", "percent", "days", "text", "yes_no")
# number: as it comes; percent: a share (0.25 is shown as 25%); ratio: one figure to another (0.5 is 1:2)
MEASURE_FORMATS = ("number", "percent", "ratio")
# A question of these kinds has no number to compute with.
NOT_NUMBERS = ("text", "yes_no")
# Questions answered with a figure: the ones ranked and estimated in reports, and the ones a
# data package's value column holds as numbers.
NUMERIC_KINDS = tuple(kind for kind in KINDS if kind not in NOT_NUMBERS)
NAMED_RECIPIENTS = ("childrens-services", "all")

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
PREFIX_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{0,5}$")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TEMPLATE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
# A check compares two sums of question ids or whole numbers: "a + b <= c".
RULE_PATTERN = re.compile(r"^\s*(?P<left>[^<>=!]+?)\s*(?P<op><=|>=|==|!=|<|>)\s*(?P<right>[^<>=!]+?)\s*$")
TERM_PATTERN = re.compile(r"^(?:[a-z][a-z0-9_]*|\d+)$")
REFERENCE_PATTERN = re.compile(r"^ref\.(?P<name>[a-z][a-z0-9_]*)$")
# The kinds whose figures add up: a check's sums and an estimate (or its measure) use only these.
SUMMABLE_KINDS = ("count", "money")
ALL_PERIODS = "all"
DEFAULT_MIN_COVERAGE = 0.3


class CampaignFileError(FoiError):
    """A campaign file with one or more problems, each naming its field."""

    def __init__(self, source: str, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{source}: {len(problems)} {noun} in the campaign file:\n{lines}")


@dataclass
class Question:
    """One question of a campaign; `number` is how replies refer to it (see number_for)."""

    id: str
    text: str
    kind: str = "count"
    labels: list[str] = field(default_factory=list)
    number: str = ""
    title: str | None = None  # a short name for reports; the id stands in for it when absent


@dataclass
class Measure:
    """A figure derived for each council and period from its answers and reference
    tables, e.g. formula "rereferrals / closed_no_early_help" (see foi.campaign.formula)."""

    id: str
    formula: str
    format: str = "number"
    title: str | None = None  # a short name for reports; the id stands in for it when absent
    note: str | None = None   # what the measure means, for readers of the report and export


@dataclass
class EstimateSpec:
    """One [[estimates]] table: a national figure for `of` (a question id, or a measure id),
    grossed up from the councils that answered by their share of reference table
    `scale_by` (the NAME of ref.NAME); `period` is one period or "all"."""

    id: str
    of: str
    scale_by: str
    period: str = ALL_PERIODS
    min_coverage: float = DEFAULT_MIN_COVERAGE
    title: str | None = None


def number_for(question_id: str, position: int) -> str:
    """'q2a' or 'question_2a' is question 2a; any other id is numbered by its position."""
    stripped = question_id.lower().removeprefix("q").removeprefix("uestion").strip("_-. ")
    return stripped if stripped[:1].isdigit() and len(stripped) <= 3 else str(position)


@dataclass
class CampaignSpec:
    slug: str
    title: str
    prefix: str
    template: str
    recipients: str | list | dict
    periods: list[str]
    questions: list[Question]
    checks: list[str]
    request: dict[str, str]
    licence: str = DEFAULT_LICENCE  # what the published dataset may be reused under (foi.campaign.licences)
    measures: list[Measure] = field(default_factory=list)
    estimates: list[EstimateSpec] = field(default_factory=list)

    def content(self) -> dict:
        """What the file means, for telling a real change from a reformatted file."""
        return {
            "slug": self.slug, "title": self.title, "prefix": self.prefix, "template": self.template,
            "recipients": self.recipients, "periods": self.periods, "checks": self.checks,
            "questions": [q.__dict__ for q in self.questions], "request": self.request,
            "licence": self.licence,
            "measures": [m.__dict__ for m in self.measures],
            "estimates": [e.__dict__ for e in self.estimates],
        }


def default_prefix(slug: str) -> str:
    """Initials of the slug's words: early-help -> EH."""
    return "".join(word[0] for word in slug.split("-") if word).upper()[:6]


def read_campaign_file(path: Path, references: Collection[str] | None = None) -> tuple[CampaignSpec, str, list[str]]:
    """Read and check the file at `path`: the spec as far as it could be read, the
    file's text and every problem found (the caller adds those only the database
    can see, then reports them all at once). `references`: the reference tables a
    measure may name (None: not checked)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FoiError(f"Cannot read campaign file {path}: {error}") from None
    spec, problems = check_campaign(text, source=str(path), references=references)
    return spec, text, problems


def parse_campaign(text: str, source: str = "campaign file") -> CampaignSpec:
    """The checked CampaignSpec, or CampaignFileError listing every problem."""
    spec, problems = check_campaign(text, source)
    if problems:
        raise CampaignFileError(source, problems)
    return spec


def check_campaign(text: str, source: str = "campaign file",
                   references: Collection[str] | None = None) -> tuple[CampaignSpec, list[str]]:
    """The spec as far as it could be read (a missing slug or title is "") and every
    problem in it, each naming its field; only text that is not TOML at all raises.
    A measure's ref.NAME is checked against `references` when given (the database's tables)."""
    import tomllib  # lazy: start-up (`foi status` reads stored campaigns' rows, never a campaign file)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FoiError(f"{source} is not valid TOML: {error}",
                       "Check quotes and brackets on that line; see examples/early-help.toml.") from None
    problems: list[str] = []
    _unknown_keys(data, TOP_KEYS, "", problems)
    slug = _string(data, "slug", problems, required=True)
    if slug and not SLUG_PATTERN.match(slug):
        problems.append(f"slug: {slug!r} must be lower-case letters, digits and '-' (e.g. early-help)")
    title = _string(data, "title", problems, required=True)
    prefix = _prefix(data, slug, problems)
    template = _string(data, "template", problems) or "request"
    if not TEMPLATE_PATTERN.match(template):
        problems.append(f"template: {template!r} must be the name of a folder in templates/ (e.g. request)")
    recipients = _recipients(data.get("recipients"), problems)
    periods = _periods(data.get("periods"), problems)
    questions = _questions(data.get("questions"), problems)
    checks = _checks(data.get("checks"), {q.id: q for q in questions}, problems)
    request = _request_section(data.get("request", {}), problems)
    licence = _licence(data, problems)
    measures = _measures(data.get("measures"), questions, references, problems)
    subjects = {q.id: q.kind for q in questions} | {m.id: f"measure:{m.format}" for m in measures}
    estimates = _estimates(data.get("estimates"), subjects, periods, problems)
    spec = CampaignSpec(slug or "", title or "", prefix, template, recipients, periods, questions, checks, request,
                        licence, measures, estimates)
    return spec, problems


def _unknown_keys(table: dict, allowed: set[str], where: str, problems: list[str]) -> None:
    for key in table:
        if key not in allowed:
            problems.append(f"{where}{key}: unknown key (allowed: {', '.join(sorted(allowed))})")


def _tables(value: list, name: str, allowed: set[str], problems: list[str]) -> Iterator[tuple[str, dict]]:
    """Each table of a [[name]] array with where it is ("name[i]."), its unknown keys
    already reported; an item that is not a table is reported and left out."""
    for index, table in enumerate(value):
        if not isinstance(table, dict):
            problems.append(f"{name}[{index}]: must be a [[{name}]] table")
            continue
        where = f"{name}[{index}]."
        _unknown_keys(table, allowed, where, problems)
        yield where, table


def _string(table: dict, key: str, problems: list[str], *, where: str = "", required: bool = False) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            problems.append(f"{where}{key}: missing")
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}{key}: must be a non-empty string")
        return None
    return value.strip()


def _prefix(data: dict, slug: str | None, problems: list[str]) -> str:
    given = _string(data, "prefix", problems)
    prefix = (given or default_prefix(slug or "")).upper()
    if slug and not PREFIX_PATTERN.match(prefix):
        problems.append(f"prefix: {prefix!r} must be 1-6 letters or digits, starting with a letter")
    return prefix


def _licence(data: dict, problems: list[str]) -> str:
    given = _string(data, "licence", problems)
    if given is None:
        return DEFAULT_LICENCE
    licence = find_licence(given)
    if licence is None:
        problems.append(f"licence: {given!r} is not one of {', '.join(LICENCES)}")
        return DEFAULT_LICENCE
    return licence.name


def _recipients(value, problems: list[str]) -> str | list | dict:
    if value is None:
        problems.append('recipients: missing (use "childrens-services", "all", a list of codes or a table of filters)')
        return []
    if isinstance(value, str):
        if value not in NAMED_RECIPIENTS:
            problems.append(f"recipients: {value!r} is not one of {', '.join(NAMED_RECIPIENTS)} "
                            "(or give a list of codes)")
        return value
    if isinstance(value, list):
        if not value or not all(isinstance(code, str) and code.strip() for code in value):
            problems.append("recipients: a list must hold body codes as strings, e.g. [\"BNS\", \"LDS\"]")
            return []
        codes = [code.strip().upper() for code in value]
        for code in sorted(code for code, times in Counter(codes).items() if times > 1):
            problems.append(f"recipients: {code} is listed twice")
        return codes
    if isinstance(value, dict):
        _unknown_keys(value, FILTER_KEYS, "recipients.", problems)
        for key in ("types", "regions", "codes", "exclude"):
            items = value.get(key, [])
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                problems.append(f"recipients.{key}: must be a list of strings")
        if "childrens_services" in value and not isinstance(value["childrens_services"], bool):
            problems.append("recipients.childrens_services: must be true or false")
        return value
    problems.append("recipients: must be a string, a list of codes or a table of filters")
    return []


def _periods(value, problems: list[str]) -> list[str]:
    if not isinstance(value, list) or not value:
        problems.append('periods: must be a non-empty list, e.g. ["2018/19", "2019/20"]')
        return []
    periods = []
    for index, period in enumerate(value):
        if not isinstance(period, str) or not period.strip():
            problems.append(f"periods[{index}]: must be a non-empty string")
        elif period.strip() in periods:
            problems.append(f"periods[{index}]: {period!r} is listed twice")
        else:
            periods.append(period.strip())
    return periods


def _questions(value, problems: list[str]) -> list[Question]:
    if not isinstance(value, list) or not value:
        problems.append("questions: at least one [[questions]] table is needed")
        return []
    questions: list[Question] = []
    for where, table in _tables(value, "questions", QUESTION_KEYS, problems):
        qid = _string(table, "id", problems, where=where, required=True)
        text = _string(table, "text", problems, where=where, required=True)
        title = _string(table, "title", problems, where=where)
        kind = table.get("kind", "count")
        if kind not in KINDS:
            problems.append(f"{where}kind: {kind!r} is not one of {', '.join(KINDS)}")
        labels = table.get("labels", [])
        if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
            problems.append(f"{where}labels: must be a list of strings")
            labels = []
        if qid and not ID_PATTERN.match(qid):
            problems.append(f"{where}id: {qid!r} must be lower-case letters, digits and '_' (e.g. step_down)")
        elif qid and any(q.id == qid for q in questions):
            problems.append(f"{where}id: duplicate id {qid!r}")
        elif qid and text:
            questions.append(Question(qid, text, kind, [label.strip() for label in labels],
                                      number_for(qid, len(questions) + 1), title))
    return questions


def _checks(value, questions: dict[str, Question], problems: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append("checks: must be [[checks]] tables, each with a rule")
        return []
    rules = []
    for where, table in _tables(value, "checks", CHECK_KEYS, problems):
        rule = _string(table, "rule", problems, where=where, required=True)
        if rule:
            problem = check_rule_problem(rule, questions)
            if problem:
                problems.append(f"{where}rule: {problem}")
            else:
                rules.append(rule)
    return rules


def check_rule_problem(rule: str, questions: dict[str, Question]) -> str | None:
    """Why `rule` is not a usable check, or None."""
    match = RULE_PATTERN.match(rule)
    if not match:
        return f"{rule!r} must compare two sides with <=, <, >=, >, == or !=, e.g. 'a <= b'"
    for side in (match["left"], match["right"]):
        for term in re.split(r"\s*[+-]\s*", side.strip()):
            if not TERM_PATTERN.match(term):
                return f"{rule!r}: {term!r} is neither a question id nor a whole number"
            if not term.isdigit():
                if term not in questions:
                    return f"{rule!r} names unknown question {term!r}"
                if questions[term].kind in KINDS and questions[term].kind not in SUMMABLE_KINDS:
                    return f"{rule!r}: question {term!r} is not a count"
    return None


def _request_section(value, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.append("request: must be a [request] table")
        return {}
    _unknown_keys(value, REQUEST_KEYS, "request.", problems)
    section = {}
    for key in sorted(REQUEST_KEYS & set(value)):
        text = _string(value, key, problems, where="request.")
        if text:
            section[key] = text
    return section


def _measures(value, questions: list[Question], references: Collection[str] | None,
              problems: list[str]) -> list[Measure]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append("measures: must be [[measures]] tables, each with an id and a formula")
        return []
    kinds = {q.id: q.kind for q in questions}
    measures: list[Measure] = []
    for where, table in _tables(value, "measures", MEASURE_KEYS, problems):
        before = len(problems)
        mid = _string(table, "id", problems, where=where, required=True)
        if mid and not ID_PATTERN.match(mid):
            problems.append(f"{where}id: {mid!r} must be lower-case letters, digits and '_' (e.g. rereferral_rate)")
        elif mid and any(m.id == mid for m in measures):
            problems.append(f"{where}id: duplicate id {mid!r}")
        elif mid in kinds:
            problems.append(f"{where}id: {mid!r} is already a question's id; give the measure another")
        formula = _string(table, "formula", problems, where=where, required=True)
        if formula:
            problems += [f"{where}formula: {p}" for p in formula_problems(formula, kinds, references)]
        fmt = table.get("format", "number")
        if fmt not in MEASURE_FORMATS:
            problems.append(f"{where}format: {fmt!r} is not one of {', '.join(MEASURE_FORMATS)}")
        title = _string(table, "title", problems, where=where)
        note = _string(table, "note", problems, where=where)
        if len(problems) == before and mid and formula:
            measures.append(Measure(mid, " ".join(formula.split()), fmt, title, note))
    return measures


def formula_problems(formula: str, kinds: dict[str, str], references: Collection[str] | None) -> list[str]:
    """Why `formula` cannot be computed: not a formula, or each name it uses that is not a
    question (of a numeric kind; `kinds` maps question id to kind) or a known reference table."""
    from foi.campaign.formula import FormulaError, parse_formula  # lazy: start-up (ast, for measures only)

    try:
        parsed = parse_formula(formula)
    except FormulaError as error:
        return [str(error)]
    if not parsed.questions and not parsed.references:
        return [f"{parsed.text!r} names no question or reference table, so it is the same for every council"]
    problems = []
    for name in parsed.questions:
        if name not in kinds:
            problems.append(f"unknown question {name!r}{_did_you_mean(name, kinds)}")
        elif kinds[name] in NOT_NUMBERS:
            problems.append(f"question {name!r} is not answered with a number (its kind is {kinds[name]})")
    for name in parsed.references:
        if references is not None and name not in references:
            problems.append(f"unknown reference table 'ref.{name}'{_did_you_mean(name, references, 'ref.')}; "
                            "`foi reference list` shows the tables")
    return problems


def _did_you_mean(name: str, known: Collection[str], prefix: str = "") -> str:
    import difflib  # lazy: start-up (only a misspelt name in a formula needs it)

    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{prefix}{close[0]}'?)" if close else ""


def _estimates(value, subjects: dict[str, str], periods: list[str], problems: list[str]) -> list[EstimateSpec]:
    """The [[estimates]] tables; `subjects` maps what an estimate may be `of` (question
    ids) to its kind."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append("estimates: must be [[estimates]] tables, each with of and scale_by")
        return []
    estimates: list[EstimateSpec] = []
    for where, table in _tables(value, "estimates", ESTIMATE_KEYS, problems):
        of = _estimate_of(table, subjects, where, problems)
        scale_by = _string(table, "scale_by", problems, where=where, required=True)
        reference = REFERENCE_PATTERN.match(scale_by or "")
        if scale_by and not reference:
            problems.append(f"{where}scale_by: {scale_by!r} must name a reference table as ref.NAME, "
                            "e.g. ref.referrals")
        period = _string(table, "period", problems, where=where) or ALL_PERIODS
        if period != ALL_PERIODS and periods and period not in periods:
            problems.append(f"{where}period: {period!r} is not a period of this campaign "
                            f"({', '.join(periods)}) nor \"{ALL_PERIODS}\"")
        min_coverage = _min_coverage(table, where, problems)
        title = _string(table, "title", problems, where=where)
        estimate_id = _string(table, "id", problems, where=where) or of
        if estimate_id and not ID_PATTERN.match(estimate_id):
            problems.append(f"{where}id: {estimate_id!r} must be lower-case letters, digits and '_'")
        elif estimate_id and any(e.id == estimate_id for e in estimates):
            problems.append(f"{where}id: {estimate_id!r} is used by another estimate; give each estimate its own id")
        elif estimate_id and of and reference:
            estimates.append(EstimateSpec(estimate_id, of, reference["name"], period, min_coverage, title))
    return estimates


def _estimate_of(table: dict, subjects: dict[str, str], where: str, problems: list[str]) -> str | None:
    of = _string(table, "of", problems, where=where, required=True)
    if of is None:
        return None
    if of not in subjects:
        problems.append(f"{where}of: unknown question or measure {of!r} (an estimate is of one of the questions "
                        "or measures above)")
        return None
    if subjects[of].startswith("measure:") and subjects[of] != "measure:number":
        problems.append(f"{where}of: measure {of!r} is a {subjects[of].split(':')[1]}; an estimate adds figures "
                        "up, so it needs a count or money question or a measure of format number")
        return None
    if subjects[of] in KINDS and subjects[of] not in SUMMABLE_KINDS:
        problems.append(f"{where}of: question {of!r} is a {subjects[of]}; an estimate adds figures up, "
                        "so it needs a count or money question")
        return None
    return of


def _min_coverage(table: dict, where: str, problems: list[str]) -> float:
    value = table.get("min_coverage", DEFAULT_MIN_COVERAGE)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        problems.append(f"{where}min_coverage: {value!r} must be a share between 0 and 1 (0.3 means 30% "
                        "of the reference total)")
        return DEFAULT_MIN_COVERAGE
    return float(value)
