"""The campaigns the generated replies answer: question sets, periods, and the
ways a council may write a period or name a question.

Wordings here are the generator's own (written for this bench), not taken from
any real reply.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class QuestionDef:
    id: str
    text: str
    kind: str = "count"                      # count | money
    labels: tuple[str, ...] = ()             # given to foi in the campaign file
    paraphrases: tuple[str, ...] = ()        # what a council may write instead; foi is not told
    unit: str = "cases"                      # noun for sentences: "There were 12 {unit}"
    low: int = 5
    high: int = 2000


@dataclass(frozen=True)
class CampaignDef:
    key: str
    title: str
    periods: tuple[str, ...]
    questions: tuple[QuestionDef, ...]
    snapshot: bool = False                   # periods are "as at 31 March <year>"
    topic: str = ""
    notes: tuple[str, ...] = field(default=())

    def question(self, qid: str) -> QuestionDef:
        return next(q for q in self.questions if q.id == qid)


EARLY_HELP = CampaignDef(
    key="early-help",
    title="Assessments closed and early help, 2019/20 to 2023/24",
    topic="children's social care assessments",
    periods=("2019/20", "2020/21", "2021/22", "2022/23", "2023/24"),
    questions=(
        QuestionDef(
            "closed_nfa",
            "How many children's social care assessments were completed and closed with no further "
            "action and no referral to early help?",
            labels=("closed with no further action", "NFA assessments"),
            paraphrases=("Assessments ending with no further action", "Closed assessments (no onward referral)",
                         "Number of assessments closed NFA"),
            unit="assessments closed with no further action", low=150, high=4200),
        QuestionDef(
            "step_down",
            "How many children's social care assessments were closed with a step-down referral to early help?",
            labels=("step down to early help", "stepped down"),
            paraphrases=("Assessments stepped down to early help services", "Step-downs to the early help offer",
                         "Closures with a referral to early help"),
            unit="step-down referrals", low=40, high=1500),
        QuestionDef(
            "rereferrals",
            "Of the children counted in question 1, how many were referred to children's social care again "
            "within 12 months of the assessment closing?",
            labels=("re-referrals within 12 months", "re-referred"),
            paraphrases=("Children referred again within a year", "Repeat referrals inside twelve months",
                         "Number re-referred within 12 months of closure"),
            unit="re-referrals", low=0, high=400),
    ),
)

TRANSPORT = CampaignDef(
    key="transport",
    title="Home to school transport for children with SEND, 2020/21 to 2023/24",
    topic="home to school transport",
    periods=("2020/21", "2021/22", "2022/23", "2023/24"),
    questions=(
        QuestionDef(
            "transport_spend",
            "What was the council's total spend on home to school transport for children with special "
            "educational needs and disabilities (SEND)?",
            kind="money",
            labels=("total spend on SEND transport", "SEND home to school transport spend"),
            paraphrases=("Expenditure on SEND travel assistance", "Cost of transport for SEND pupils",
                         "Total SEND transport costs"),
            unit="spent on SEND transport", low=250_000, high=48_000_000),
        QuestionDef(
            "taxi_spend",
            "Of the spend in question 1, how much was paid to taxi and private hire operators?",
            kind="money",
            labels=("taxi and private hire spend", "spend on taxis"),
            paraphrases=("Amount paid for taxis and private hire", "Taxi contracts",
                         "Private hire and taxi expenditure"),
            unit="paid to taxi operators", low=50_000, high=20_000_000),
        QuestionDef(
            "pupils_transported",
            "How many pupils with an education, health and care plan (EHCP) received home to school transport?",
            labels=("pupils with an EHCP transported", "EHCP pupils receiving transport"),
            paraphrases=("Children with an EHC plan given transport", "Number of EHCP pupils on transport",
                         "Pupils with plans using school transport"),
            unit="pupils with an EHCP", low=30, high=3500),
    ),
)

LOOKED_AFTER = CampaignDef(
    key="looked-after",
    title="Looked after children and fostering households at 31 March",
    topic="looked after children",
    periods=("2022", "2023", "2024"),
    snapshot=True,
    questions=(
        QuestionDef(
            "looked_after",
            "How many children were looked after by the council as at 31 March of each year?",
            labels=("children looked after", "CLA"),
            paraphrases=("Number of children in care", "Looked after children (total)",
                         "Children in the council's care"),
            unit="children looked after", low=60, high=2200),
        QuestionDef(
            "placed_far",
            "How many of the children in question 1 were placed more than 20 miles from their home address?",
            labels=("placed more than 20 miles away", "placements over 20 miles"),
            paraphrases=("Children placed over twenty miles from home", "Distant placements",
                         "Placed a long way from home (20+ miles)"),
            unit="children placed more than 20 miles from home", low=0, high=600),
        QuestionDef(
            "foster_households",
            "How many approved fostering households did the council have?",
            labels=("approved fostering households", "foster carers (households)"),
            paraphrases=("Approved foster families", "Fostering households approved by the council",
                         "Number of in-house foster homes"),
            unit="approved fostering households", low=15, high=700),
    ),
)

CAMPAIGNS: tuple[CampaignDef, ...] = (EARLY_HELP, TRANSPORT, LOOKED_AFTER)

# ---- how a period is written -------------------------------------------------------

FY_STYLES = ("fy_slash", "fy_dash", "fy_long", "fy_prefix", "year_ending", "apr_mar")
SNAPSHOT_STYLES = ("day_month_year", "numeric_date", "as_at_short", "month_year", "year_only")

_MONTHS = "January February March April May June July August September October November December".split()


def period_text(period: str, style: str) -> str:
    """`period` as the council writes it in `style` (a table header or a sentence)."""
    if "/" in period:
        start = int(period[:4])
        end = start + 1
        return {
            "fy_slash": f"{start}/{end % 100:02d}",
            "fy_dash": f"{start}-{end % 100:02d}",
            "fy_long": f"{start}-{end}",
            "fy_prefix": f"FY {start}/{end % 100:02d}",
            "year_ending": f"Year ending March {end}",
            "apr_mar": f"April {start} - March {end}",
        }[style]
    year = int(period)
    return {
        "day_month_year": f"31 March {year}",
        "numeric_date": f"31/03/{year}",
        "as_at_short": f"As at 31.03.{year % 100:02d}",
        "month_year": f"March {year}",
        "year_only": f"{year}",
    }[style]


def period_styles(campaign: CampaignDef) -> tuple[str, ...]:
    return SNAPSHOT_STYLES if campaign.snapshot else FY_STYLES


# ---- how a question is named ---------------------------------------------------------

LABEL_STYLES = ("number", "qnum", "question", "numletter", "letter", "roman", "fulltext", "numtext",
                "paraphrase", "label")
ROMAN = ("i", "ii", "iii", "iv", "v", "vi")


def question_label(campaign: CampaignDef, position: int, style: str, pick: int) -> str:
    """The name a council gives question number `position` (1-based) in `style`;
    `pick` chooses among paraphrases/labels."""
    q = campaign.questions[position - 1]
    if style == "number":
        return str(position)
    if style == "qnum":
        return f"Q{position}"
    if style == "question":
        return f"Question {position}"
    if style == "numletter":
        return f"1{'abcdef'[position - 1]}"
    if style == "letter":
        return f"({'abcdef'[position - 1]})"
    if style == "roman":
        return ROMAN[position - 1]
    if style == "fulltext":
        return q.text
    if style == "numtext":
        return f"{position}. {q.text}"
    if style == "paraphrase":
        return q.paraphrases[pick % len(q.paraphrases)]
    if style == "label":
        return q.labels[pick % len(q.labels)][:1].upper() + q.labels[pick % len(q.labels)][1:]
    raise ValueError(style)


def mentions_other_question(campaign: CampaignDef) -> bool:
    return any("question " in q.text.lower() for q in campaign.questions)
