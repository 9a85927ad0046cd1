"""The content words of a row label, heading or question, reduced so that the
ways one thing is written meet: "closure", "closed" and "closing" share a stem,
"twelve" is "12", "expenditure" is "spend", "re-referred" is not "referred".

What is kept is what an FOI officer would read as saying which question a label
answers; words that every answer carries ("number of", "total", the year) are
dropped.
"""

from __future__ import annotations

import re

from foi.extract.values import MARK

STOPWORDS = set("""a an the of in on for to and or by with within from at as is are was were be been
how many much what which number nos total totals count figure figures did does do your you
council councils authority each per year years period financial please provide data information
that this these those there their any all received receive recorded inside during its our
""".split())
# "No. of children", "No of children": the number sign, not the word "no"
NUMBER_SIGN = re.compile(r"\bno\b(?:\s*\.|\s+of\b)", re.IGNORECASE)
NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "fifteen": "15",
                "eighteen": "18", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50"}
# Whole phrases that say the same thing in fewer or other words (before words are split).
PHRASES = [
    (re.compile(r"\b(?:a|one|1)\s+year\b|\btwelve\s+months\b", re.IGNORECASE), "12 months"),
    # "children in care" are looked after; "in care homes", "in care proceedings" are not
    (re.compile(r"\bin\s+(?:the\s+)?(?:council'?s?\s+|local\s+authority\s+)?care\b"
                r"(?!\s+(?:homes?|proceedings|plans?|leavers?|orders?|settings?|services?|workers?)\b)", re.IGNORECASE),
     "looked after"),
    (re.compile(r"\bre[-\s]+(?=[a-z])", re.IGNORECASE), "re"),  # re-referral == rereferral != referral
]
# Words that mean the same in the answers councils write, reduced to one of them
# (after stemming). Kept to plain English equivalents a reader would accept.
SAME = {
    "expenditure": "spend", "expend": "spend", "cost": "spend", "spent": "spend", "paid": "spend",
    "payment": "spend", "outturn": "spend",
    "travel": "transport",
    "pupil": "children", "child": "children", "student": "children", "learner": "children",
    "family": "household", "famil": "household",
    "repeat": "again",
    "ending": "clos", "ended": "clos", "finish": "clos",
    "without": "no",
    "distant": "far", "away": "far",
}
# "no", "not", "without", "excluding": the words after one, up to the next clause
# break, are what a question or label leaves out ("closed with no referral to early
# help" is not about closures with a referral); a "not" about holding or giving the
# information ("we do not hold the spend on ...", "no records of ...") leaves nothing out
ABOUT_HOLDING = (r"(?!(?:hold|held|record|recorded|records|keep|kept|collect|collected|have|has|had|retain|store"
                 r"|stored|track|capture|captured|maintain|possess|available|able|provide|supply|information|data)\b)")
NEGATION = re.compile(r"\b(?:no|not|without|excluding|except|other than)\s+" + ABOUT_HOLDING + r"(.*?)"
                      r"(?=[,.;:?!()]|\b(?:and|or|but|with|who|which|that)\b|$)", re.IGNORECASE)
_SUFFIXES: tuple[str, ...] = ("ations", "ation", "ments", "ment", "ures", "ure", "als", "al")


def content_words(text: str) -> list[str]:
    """The content words of `text`, stemmed and made to meet their synonyms."""
    text = MARK.sub(" ", text).replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    text = NUMBER_SIGN.sub(" ", text)
    for pattern, said in PHRASES:
        text = pattern.sub(said, text)
    words = re.findall(r"[a-z0-9]+", text.lower())
    out = []
    for word in words:
        word = NUMBER_WORDS.get(word, word)
        if word in STOPWORDS or (len(word) == 1 and not word.isdigit()):
            continue
        word = stem(word)
        out.append(_SAME.get(word, word))
    return out


def negated_words(text: str) -> set[str]:
    """The content words `text` says are left out ("... with no further action" ->
    further, action); "No. of" and "No of" are the number sign, not a negation."""
    text = NUMBER_SIGN.sub(" ", " ".join(text.replace("’", "'").split()))  # a label wrapped in its cell
    return {word for found in NEGATION.finditer(text) for word in content_words(found.group(1))}


def stem(word: str) -> str:
    """A light stemmer: plurals and verb endings, then a few noun endings
    ("referrals" -> "refer", "closure" -> "clos", "placed" -> "plac")."""
    if word.isdigit() or len(word) <= 3:
        return word
    for suffix, put in (("ies", "y"), ("ied", "y"), ("sses", "ss"), ("es", "e"), ("s", ""),
                        ("ing", ""), ("ed", "")):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) + len(put) >= 4:
            word = word[: -len(suffix)] + put
            break
    if word.endswith("ly") and len(word) >= 7:
        word = word[:-2]  # "currently" -> "current", "monthly" -> "month" ("family", "supply" stay)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiousl":
        word = word[:-1]  # "referr" -> "refer", "stepp" -> "step"
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


_SAME = {stem(word): same for word, same in SAME.items()}


def acronyms(text: str) -> set[str]:
    """The capitalised abbreviations a text uses ("EHCP", "SEND"), lower-cased."""
    return {a.lower() for a in re.findall(r"\b[A-Z]{2,6}\b", text)}
