"""How each simulated council behaves, and the figures it would give.

Every choice is seeded by the council's code, so the demo is the same on every
run and machine: the codes are put in a seeded order and each behaviour takes
its quota from the front, which fixes exactly how many councils get each one.
The figures are scaled from real DfE numbers (assessments ending with the child
not in need, and the re-referral rate) so that they look like what councils send.
"""

import csv
import io
import random
from dataclasses import dataclass
from importlib import resources

PERIODS = ["2015/16", "2016/17", "2017/18", "2018/19", "2019/20"]
QUESTIONS = ["closed_no_early_help", "step_down", "rereferrals"]

# behaviour -> (how many councils, the state their request should end in).
# A council never listed here stays silent; "no_address" ones are never sent.
BEHAVIOURS: dict[str, tuple[int, str]] = {
    "no_address": (2, "draft"),
    "bounce": (1, "bounced"),
    "answer_xlsx": (22, "answered"),
    "answer_docx": (14, "answered"),
    "answer_pdf": (10, "answered"),
    "answer_csv": (7, "answered"),
    "answer_disagrees": (3, "answered"),
    "answer_body": (12, "answered"),
    "answer_small_numbers": (6, "answered"),
    "ack_then_answer": (10, "answered"),
    "clarified_then_answer": (5, "answered"),
    "extended_then_answer": (5, "answered"),
    "partial_s12": (8, "answered_partial"),
    "refused_s12": (7, "refused"),
    "refused_s40": (4, "refused"),
    "not_held": (6, "not_held"),
    "ack_only": (8, "acknowledged"),
    "clarification_pending": (3, "awaiting_response"),  # our `foi reply` restarted the clock
    "extended_pending": (4, "extended"),
    "out_of_office": (2, "awaiting_response"),
}
SILENT = "silent"
DESCRIPTIONS = {
    "no_address": "no FOI address known: the request is never sent",
    "bounce": "the address does not exist: a delivery failure report from MAILER-DAEMON",
    "answer_xlsx": "answers with an Excel workbook",
    "answer_docx": "answers with a Word table",
    "answer_pdf": "answers with a PDF letter holding a table",
    "answer_csv": "answers with a CSV file",
    "answer_disagrees": "answers with a CSV file, and gives one of its figures differently in the email "
                        "(a person must say which is right: `foi review`)",
    "answer_body": "answers in the text of the email",
    "answer_small_numbers": "answers, with figures under 5 shown as <5 (s.40)",
    "ack_then_answer": "acknowledges from a case-management no-reply address with its own "
                       "reference and subject, then answers quoting only that reference",
    "clarified_then_answer": "asks for clarification; we reply (clock restarts); then answers",
    "extended_then_answer": "extends for the public interest test, then answers",
    "partial_s12": "answers questions 1 and 2, refuses question 3 under s.12 (cost)",
    "refused_s12": "refuses the whole request under s.12 (cost limit)",
    "refused_s40": "refuses the whole request under s.40 (personal data)",
    "not_held": "does not hold the information",
    "ack_only": "acknowledges, then nothing more",
    "clarification_pending": "asks for clarification; we reply; then nothing more",
    "extended_pending": "extends for the public interest test to a date after the demo ends",
    "out_of_office": "an out-of-office auto-reply, then nothing more",
    SILENT: "never replies",
}


@dataclass(frozen=True)
class Council:
    code: str
    name: str
    domain: str
    behaviour: str
    figures: dict[str, dict[str, int]]   # question id -> period -> value

    @property
    def expected_state(self) -> str:
        return BEHAVIOURS.get(self.behaviour, (0, "awaiting_response"))[1]

    def rng(self, purpose: str) -> random.Random:
        return random.Random(f"foi-demo:{self.code}:{purpose}")


def assign_behaviours(codes: list[str]) -> dict[str, str]:
    """Council code -> behaviour, with each behaviour's exact quota."""
    order = sorted(codes, key=lambda code: random.Random(f"foi-demo:{code}").random())
    assigned: dict[str, str] = {}
    position = 0
    for behaviour, (count, _) in BEHAVIOURS.items():
        for code in order[position:position + count]:
            assigned[code] = behaviour
        position += count
    for code in order[position:]:
        assigned[code] = SILENT
    return assigned


def read_dfe_figures() -> dict[str, dict[str, tuple[int, float]]]:
    """code -> period -> (assessments not in need, re-referral %), from the shipped table."""
    text = resources.files("foi.demo").joinpath("dfe_figures.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    table: dict[str, dict[str, tuple[int, float]]] = {}
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        table.setdefault(row["code"], {})[row["period"]] = (int(row["not_in_need_count"]),
                                                             float(row["rereferral_percent"]))
    return table


def simulate_figures(code: str, real: dict[str, tuple[int, float]]) -> dict[str, dict[str, int]]:
    """Plausible answers: a seeded share of the real 'not in need' assessments closed
    without early help, another share stepped down, re-referrals at the real rate."""
    rng = random.Random(f"foi-demo:{code}:figures")
    known = list(real.values()) or [(600, 20.0)]
    fallback = (sum(n for n, _ in known) // len(known), sum(p for _, p in known) / len(known))
    no_help_share, step_share = rng.uniform(0.35, 0.6), rng.uniform(0.2, 0.4)
    figures: dict[str, dict[str, int]] = {q: {} for q in QUESTIONS}
    for period in PERIODS:
        not_in_need, percent = real.get(period, fallback)
        closed = max(8, round(not_in_need * no_help_share * rng.uniform(0.9, 1.1)))
        figures["closed_no_early_help"][period] = closed
        figures["step_down"][period] = max(6, round(not_in_need * step_share * rng.uniform(0.9, 1.1)))
        figures["rereferrals"][period] = max(5, min(closed, round(closed * percent / 100)))
    return figures


def plan_councils(bodies: list[dict]) -> list[Council]:
    """The simulated councils for the register's bodies (code, name, domain)."""
    behaviours = assign_behaviours([b["code"] for b in bodies])
    dfe = read_dfe_figures()
    councils = []
    for body in sorted(bodies, key=lambda b: b["code"]):
        figures = simulate_figures(body["code"], dfe.get(body["code"], {}))
        if behaviours[body["code"]] == "answer_small_numbers":
            figures = _with_small_numbers(body["code"], figures)
        councils.append(Council(body["code"], body["name"], body["domain"],
                                behaviours[body["code"]], figures))
    return councils


def _with_small_numbers(code: str, figures: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Two re-referral figures under 5, which the council will show as <5."""
    rng = random.Random(f"foi-demo:{code}:small")
    small = {q: dict(p) for q, p in figures.items()}
    for period in rng.sample(PERIODS, 2):
        small["rereferrals"][period] = rng.randint(1, 4)
    return small
