"""How sure foi is of a value it read, on one scale from 0 to 1.

What the scale is for: a value stored below REVIEW_BELOW is put to a person by
`foi review` and is not settled; at or above it, the value is settled and feeds
the report, the checks and the letters. Levels are where a reading starts or is
capped; discounts multiply the confidence of the question match by the way the
value was found (a sentence is less sure than a table cell).
"""

from __future__ import annotations

from typing import Final

# ------------------------------------------------------------------ levels

# Entered by a person, or a table cell read with nothing left in doubt.
CERTAIN: Final = 1.0
# Below this a person confirms the value (`foi review`); at or above it, settled.
# Also the bar for a second reading to count as a conflict with the chosen one.
REVIEW_BELOW: Final = 0.8
# A row label or heading matched to a question by the words it shares with the
# question and its labels (no number, no whole label), with no other question near it.
BY_WORDS: Final = 0.85
# Read one way of two possible ("3.220" as 3,220): a person confirms.
UNSURE: Final = 0.75
# "Not held" or a refusal (of a question or the whole request) in a reply classified as that outcome
# (a refusal, not held): the two readings agree.
WHOLE_AGREED: Final = 0.85
# "Not held" or a refusal said of the whole request, given to every question the
# reply answers nothing else for: a person confirms it covers them all.
WHOLE_REQUEST: Final = 0.7
# "Not held" said of periods ("before 2021/22") and of no question: given to the cells of
# those periods the reply gives nothing else for; the periods it names are exact.
PERIODS_STATED: Final = 0.85
# The same said of no question and not of the request either.
NO_QUESTION: Final = 0.6
# Several figures on a line, or two sources that disagree: a person decides.
WEAK: Final = 0.5
# A figure put to a person with a question ("which period does it answer?").
GUESS: Final = 0.3
# A table's Total line, which the lines above add up to, taken by the campaign's one
# question labelled "Total" though no line's words named it.
LABELLED_TOTAL: Final = 0.9

# --------------------------------------------------------------- discounts

# The question is taken from a table's title or caption, not from the row's own label.
FROM_CONTEXT: Final = 0.95
# A figure read from a sentence rather than a table cell.
FROM_TEXT: Final = 0.95
# A statement ("not held", refused) placed on the question it names or the one being answered.
STATEMENT: Final = 0.9
# A figure with no period named, given to the campaign's only period.
SOLE_PERIOD: Final = 0.9
