"""What a council's message says: bounce, auto-reply, acknowledgement, ..., answer.

Every classification carries the evidence that decided it (the phrase or
header), so a person can check it. Only the council's own new text is read:
the quoted original request underneath would otherwise make every reply look
like an answer. Sentences that decide nothing ("If you are unhappy with our
refusal...", "a fee may be payable", "subject to certain exemptions") are not
evidence: foi.language.wording says which, for extraction too.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Final

from foi.campaign.references import find_references
from foi.language import wording
from foi.language.screen import Pattern, context_free, screened
from foi.triage.bounces import parse_bounce
from foi.triage.inputs import TriageInput
from foi.triage.quoting import split_quoted
from foi.vocabulary import MessageKind, names

KINDS = tuple(names(MessageKind))

OOF_SUBJECT = re.compile(r"out of (the )?office|^\s*(automatic reply|auto(matic)?[- ]?reply|"
                         r"autoresponse|auto:|away:|on leave)", re.I)
OOF_BODY = screened(re.compile(r"\bi(?: am|'m| will be)\s+(?:currently\s+)?(?:out of the office|away from"
                               r"|on (?:annual |parental |maternity )?leave|not in the office|working part)"
                               r"|\bi (?:am|will be) (?:back|returning) (?:on|in)\b", re.I))

# The council wording each kind is told by (foi.language.wording, shared with
# extraction); a refusal is words that refuse or a refusing section cited.
COMPILED: dict[str, Pattern] = {
    "acknowledgement": wording.ACKNOWLEDGEMENT, "clarification": wording.CLARIFICATION, "fee": wording.FEE,
    "extension": wording.EXTENSION, "not_held": wording.NOT_HELD, "link": wording.PUBLISHED, "answer": wording.ANSWER}


# The patterns of COMPILED that _first_hit may try on all the sentences at once.
WHOLE_TEXT_SAFE: Final = frozenset(name for name, pattern in COMPILED.items() if context_free(pattern))
# A sentence about one part of a request: "question 1", "Q2", "part 3", "point 1".
NAMES_PART = re.compile(r"\b(?:q|questions?|parts?|points?)\s*\.?\s*\d", re.IGNORECASE)
DOCUMENT_TYPES = re.compile(r"\.(pdf|xlsx?|xlsm|csv|ods|odt|docx?|rtf|zip|msg|eml|txt)$|"
                            r"pdf|spreadsheet|excel|word|csv|zip|ms-tnef|rfc822", re.I)
# A count, or an amount with pence ("14299491.00"; not "Room 2.14").
FIGURE = re.compile(r"(?<![\w/.£:-])(?:\d[\d,]{2,11}\.\d\d|\d[\d,]{0,8})(?![\w/:-]|\.\d)")
MONTHS = "january february march april may june july august september october november december"
# Numbers that name something rather than count it: "section 10(3)", "questions 2 and 3",
# "Q1", "part 2", and the day of a date ("14 April").
NOT_FIGURES = re.compile(r"\b(?:sections?|regulations?|s\.|questions?|q|parts?|points?)\s*\.?\s*\d+[\w()]*"
                         r"(?:\s*(?:,|and|&|to|-|–)\s*(?:q\.?\s*)?\d+[\w()]*)*"
                         r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:" + "|".join(MONTHS.split()) + r")\b", re.IGNORECASE)
DATE_PHRASE = re.compile(r"\b(?:by|before|until|on or before|no later than|to)\s+(?:\w+day,?\s+)?"
                         r"(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTHS.split()) +
                         r")\s+(\d{4})|\b(?:by|before|until|no later than)\s+(\d{1,2})/(\d{1,2})"
                         r"/(\d{4})", re.I)
# A council's own case reference: a token with a digit in it, after a label
# ("Our ref: X", "Case number X", "logged under reference X", "Reference: X",
# "allocated the reference number X"), or in a shape case systems use (FOI/2024/123).
_TOKEN = r"((?-i:[A-Z]{2,6} )?[A-Z0-9][A-Z0-9/_.-]{2,30}[A-Z0-9])"
LABELLED_REF = re.compile(r"\b(?:(?:our|your|case|request|foi|eir|foia|ticket|enquiry)\s+)?"
                          r"(?:ref(?:erence)?|case|request|ticket|enquiry)\b\.?\s*(?:number|no\.?|id)?\.?\s*"
                          r"(?:[:#]\s*(?:/\s*)?|is\s+|of\s+)?" + _TOKEN + r"(?![\w/-])", re.I)
SHAPED_REF = re.compile(r"\b((?:FOI|FOIA|EIR|FOIR|IR|CAS|REQ|RFI|CRM|INF|IG|FOIEIR)[-/ ]?(?:\d{2,4}"
                        r"[-/])?\d{3,7}(?:[-/][A-Z0-9]{2,6})?|R\d{5,7}|F\d{5,7})\b", re.I)
# In a subject the council rewrote ("Freedom of Information request - 40219875"),
# any token with four digits or with letters and digits mixed is reference-like;
# a subject that still carries our reference is ours echoed back, not theirs.
SUBJECT_TOKEN = re.compile(r"(?<![\w/.-])((?-i:[A-Z]{2,6}[ /-])?[A-Z0-9][A-Z0-9/_.-]{2,30}[A-Z0-9])(?![\w/-])", re.I)
REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv)\s*:\s*)+", re.I)


@dataclass(frozen=True)
class Classification:
    kind: str
    evidence: str
    details: dict = field(default_factory=dict)


def classify_message(message: TriageInput, ours: frozenset[str] = frozenset()) -> Classification:
    """Decide what `message` is; see the module docstring for the order.

    `ours` holds our own request references (normalised), never taken for the council's.
    """
    if message.email is not None:
        bounce = parse_bounce(message.email)
        if bounce is not None:
            kind = "bounce" if bounce.permanent else "delivery_delayed"
            return Classification(kind, bounce.evidence, {"failed_addresses": list(bounce.addresses)})
    fresh, _ = split_quoted(message.body_text)
    oof = _out_of_office(message, fresh)
    if oof:
        return Classification("auto_reply", oof)
    result = classify_text(message.subject, fresh, message.attachments, ours)
    automatic = auto_reply_header(message.headers)
    if automatic and result.kind in ("unclassified", "answer"):
        return Classification("auto_reply", automatic)
    return result


def classify_text(subject: str, fresh: str, attachments: list[tuple[str, str]],
                  ours: frozenset[str] = frozenset()) -> Classification:
    """Classify the council's own words (quoted text already removed)."""
    sentences = wording.split_sentences(f"{subject}\n\n{fresh}")
    definite = definite_sentences(sentences)
    hits = {name: _first_hit(name, definite) for name in COMPILED}
    if not hits["clarification"]:
        polite = [s for s in sentences if POLITE.search(s) and not wording.CONDITIONAL.search(s)]
        hits["clarification"] = _first_hit("clarification", polite)
    # a reply's subject ("RE: ... request: Planning refusals") is our own title echoed back
    echoed = set(wording.split_sentences(subject)) if REPLY_PREFIX.match(subject) else set()
    hits["refusal"], hits["not_held"] = _decided([s for s in definite if s not in echoed])
    references = find_their_references(subject, fresh, ours)
    details: dict[str, object] = {"their_reference": references[0] if references else None}
    if len(references) > 1:
        details["their_references"] = references
    sections = wording.refusal_sections(" ".join(s for s in definite if not wording.asks(s)))
    if sections:
        details["sections"] = sections
    documents = [name or kind for name, kind in attachments if DOCUMENT_TYPES.search(name or kind)]
    figures = count_figures(fresh)
    # a link to the answer (not a refusal pointing to what is already published)
    if hits["link"] and not hits["refusal"] and not documents and figures < 2 and re.search(r"https?://|www\.", fresh):
        return Classification("link_only", hits["link"], {**details, "links": _links(fresh)})
    in_words = "" if figures >= 4 else answered_in_words(fresh)
    answered = (documents or (hits["answer"] and figures >= 2) or figures >= 4 or _says_attached(definite)
                or in_words)
    refused = "" if _small_numbers_only(sections, definite) else hits["refusal"]
    if answered:
        evidence = (f"attachment {documents[0]}" if documents else in_words or hits["answer"]
                    or f"{figures} figures")
        missing = _decided([s for s in definite if not FORM_CAVEAT.search(s)])[1]
        if refused or missing:
            partial = refused or missing
            return Classification("answer_partial", f"{evidence}; {partial}", details)
        return Classification("answer", evidence, details)
    if refused and hits["extension"]:
        decided = [s for s in definite if _decides_refusal(s)]
        of_a_part = [s for s in decided if NAMES_PART.search(s)]
        if not decided:
            refused = ""  # more time to weigh a named exemption is an extension, not a refusal
        elif of_a_part and find_due_date(hits["extension"]):
            # one part refused now, more time for the rest: the request stays open
            # until the new date; extraction records the refusal for the part it names
            details["refused_in_part"] = of_a_part[0][:200]
            refused = ""
    for kind, hit in (("refusal", refused), ("not_held", hits["not_held"]),
                      ("extension", hits["extension"]), ("fee", hits["fee"]),
                      ("clarification", hits["clarification"]),
                      ("acknowledgement", hits["acknowledgement"])):
        if hit:
            if kind == "extension":
                details["due_date"] = find_due_date(fresh)
            return Classification(kind, hit, details)
    return Classification("unclassified", "", details)


def answered_in_words(fresh: str) -> str:
    """An answer given in words, not figures: a nil answer ("I can confirm that
    no ... were stopped"), or a reply that repeats the request point by point
    ("(a) ...", "2. ...") and gives the council's own account under at least two
    of the points. The account must decide something: a refusal, "not held", a
    pointer to published data, a question back or a promise to reply later is
    not an answer in words. Returns the evidence, or "" when there is none."""
    for sentence in wording.split_sentences(fresh):
        if wording.is_definite(sentence) and wording.NIL_ANSWER.search(sentence):
            return sentence[:200]
    answered: list[str] = []
    item, item_answered, items_seen = "", False, 0
    for paragraph in wording.PARAGRAPH_BREAK.split(fresh):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        if wording.LIST_ITEM.match(paragraph):
            item, item_answered, items_seen = paragraph, False, items_seen + 1
            continue
        if not item or item_answered or not _accounts(paragraph):
            continue
        item_answered = True
        answered.append(item)
    # the last point's "answer" may be the letter's closing words: two points
    # answered, one of them before the next point began
    if len(answered) >= 2 and items_seen > 1 and answered[0] != item:
        return f"{len(answered)} points answered in words, from {answered[0][:120]}"
    return ""


def _accounts(paragraph: str) -> bool:
    """A paragraph that gives the council's own account under a point: its first
    sentence says something plainly and decides nothing else (what follows may
    still say that a part is not held, which makes the answer partial)."""
    if len(paragraph.split()) < 6 or paragraph.rstrip().endswith(("?", ";")):
        return False
    first = (wording.split_sentences(paragraph) or [paragraph])[0]
    if not wording.is_definite(first) or wording.HOLDING.search(first):
        return False
    deciders = (wording.NOT_HELD, wording.PUBLISHED, wording.CLARIFICATION, wording.ACKNOWLEDGEMENT,
                wording.FEE, wording.EXTENSION)
    return not any(p.search(first) for p in deciders) and wording.refusal_start(first) is None


def _decided(definite: list[str]) -> tuple[str, str]:
    """The first sentence that refuses and the first that says "not held", as the
    extraction reads them (foi.language.wording): our own questions echoed back decide
    nothing, and a decision reported from before counts only when the reply makes none."""
    stated = [s for s in definite if not wording.asks(s)]
    refusing = [s for s in stated if wording.refusal_start(s) is not None]
    missing = [s for s in stated if wording.not_held_start(s) is not None]
    fresh = [s for s in refusing + missing if not wording.reports_earlier(s)]
    if fresh:
        refusing, missing = [s for s in refusing if s in fresh], [s for s in missing if s in fresh]
    return (refusing[0][:200] if refusing else ""), (missing[0][:200] if missing else "")


# Beside figures, "not held in this format" is a caveat on the form of what
# was given (or of something not asked, such as rates), not a part refused.
FORM_CAVEAT: Final = re.compile(r"\bnot (?:held|recorded|kept|available) in (?:this|that|the (?:same|requested)|such a"
                                r"|an?) (?:format|form)\b", re.IGNORECASE)

# A sentence that only says what will follow ("A fees notice will be issued to
# you ...") right after a conditional one ("If a fee is payable, ...") carries
# the condition on: it is not a decision either.
FOLLOWS_ON: Final = re.compile(r"\b(?:will|shall)\b", re.IGNORECASE)


def definite_sentences(sentences: list[str]) -> list[str]:
    """The sentences classification reads: neither conditional, hedged nor an
    aside, nor the future-tense follow-on of a sentence that was."""
    kept: list[str] = []
    previous_definite = True
    for sentence in sentences:
        definite = wording.is_definite(sentence)
        if definite and not previous_definite and FOLLOWS_ON.search(sentence) and not _decides_refusal(sentence):
            definite = False
        previous_definite = definite or not _conditional(sentence)
        if definite:
            kept.append(sentence)
    return kept


# What could happen, said with a modal ("a fee may be payable"); a polite "if
# you could clarify" asks for something and carries no condition on.
POLITE: Final = screened(re.compile(wording.POLITE_ASK, re.IGNORECASE))
MAY_HAPPEN: Final = re.compile(r"\b(?:may|might|could) (?:be|need|apply|require|incur|charge)\b", re.IGNORECASE)


def _conditional(sentence: str) -> bool:
    return bool(wording.CONDITIONAL.search(sentence) or MAY_HAPPEN.search(sentence))


def _decides_refusal(sentence: str) -> bool:
    """The sentence decides a refusal rather than weighing one."""
    return bool(wording.REFUSAL.search(sentence) and wording.REFUSAL_DECIDED.search(sentence)
                and not wording.PENDING.search(sentence))


# "Please find attached ...": the answer is in a file even where the file did
# not come through (stripped by a gateway, or a portal download).
_A_FILE = (r"(?:spreadsheet|workbook|document|file|appendix|annex)s? (?:gives?|shows?|provides?|contains?|lists?"
           r"|sets? out|details?|includes?)")
ATTACHED: Final = screened(re.compile(
    r"\b(?:please (?:find|see)\b[^.]{0,30}\b(?:attached|enclosed|appendix)"
    r"|(?:is|are) (?:set out |provided |listed |shown |included |detailed )?(?:in|on) the "
    r"(?:attached|enclosed)|we (?:have )?(?:attached|enclosed)\b"
    # "The attached spreadsheet shows ...", "The Referrals workbook gives the number ..."
    r"|\b(?:the|our) (?:attached|enclosed|accompanying) (?:[\w'-]+ ){0,4}" + _A_FILE +
    r"|\b(?:the|our) (?:[\w'-]+ ){0,4}" + _A_FILE + r" (?:the |a )?(?:numbers?|figures|totals"
    r"|data|information (?:you )?requested|breakdown|spend|amounts?|counts?)\b"
    # what was released with parts blacked out was released
    r"|\b(?:has|have|had) been redacted\b|\bwe have redacted\b"
    r"|\bredacted (?:from|in) the (?:attached|enclosed|released|disclosed))", re.IGNORECASE))


def _says_attached(sentences: list[str]) -> bool:
    return any(ATTACHED.search(s) and not wording.ACKNOWLEDGEMENT.search(s) for s in sentences)


def _first_hit(name: str, sentences: list[str]) -> str:
    """The first sentence the pattern `name` finds something in, cut to 200 characters."""
    if name in WHOLE_TEXT_SAFE and not COMPILED[name].search("\n".join(sentences)):
        return ""  # one search of the whole text instead of one a sentence, where most find nothing
    for sentence in sentences:
        match = COMPILED[name].search(sentence)
        if match:
            return sentence[:200]
    return ""


def _small_numbers_only(sections: list[str], sentences: list[str]) -> bool:
    """Figures under 5 withheld under s.40 within an answer is still an answer;
    a question withheld whole under s.40 beside that note is not."""
    if any(not s.startswith("s.40") for s in sections) or not sections:
        return False
    refusing = [s for s in sentences if wording.refusal_start(s) is not None]
    return bool(refusing) and all(wording.SMALL_NUMBERS.search(s) for s in refusing)


# The time a search would take ("18 hours", "3 minutes per record": a cost refusal's
# reasoning) is not an answer.
# (A list marker alone on its line, "2)", numbers nothing either.)
NOT_ANSWERS: Final = re.compile(r"\b\d[\d,.]*\s*(?:hours?|hrs|minutes?|mins)\b|^\W*\d{1,2}[.)]\s*$", re.IGNORECASE)


def count_figures(text: str) -> int:
    """Numbers that look like answers, not dates, years, section, question or
    part numbers, or phone numbers. References are taken out of the whole text
    first: mail is hard-wrapped, and "section\n10(3)" must not leave a "10"."""
    count = 0
    for line in NOT_FIGURES.sub(" ", text).split("\n"):
        if re.search(r"section|regulation|\bs\.|\btel\b|phone|\bref\b|reference|\bact\b|working days|"
                     r"(?<!\d)0\d{3,4}[ \t]?\d{3}[ \t]?\d{3,4}(?!\d)", line, re.I) or wording.asks(line):
            continue  # a UK phone number; our own questions echoed back ask, their numbers are ours
        line = NOT_ANSWERS.sub(" ", line)
        for match in FIGURE.finditer(line):
            value = match.group(0).replace(",", "")
            if not re.fullmatch(r"(19|20)\d\d", value):
                count += 1
    return count


def find_due_date(text: str) -> str | None:
    match = DATE_PHRASE.search(text)
    if not match:
        return None
    try:
        if match.group(1):
            month = MONTHS.split().index(match.group(2).lower()) + 1
            return dt.date(int(match.group(3)), month, int(match.group(1))).isoformat()
        return dt.date(int(match.group(6)), int(match.group(5)), int(match.group(4))).isoformat()
    except ValueError:
        return None


def find_their_references(subject: str, text: str, ours: frozenset[str] = frozenset()) -> list[str]:
    """Every reference-like token the council gives, upper-cased, in order: labelled
    or shaped ones in `subject` and `text`, then the tokens of a rewritten subject."""
    found: list[str] = []

    def keep(candidate: str) -> None:
        candidate = candidate.strip(".-/_ ").upper()
        bare = re.sub(r"[^A-Z0-9]", "", candidate)
        if any(bare in re.sub(r"[^A-Z0-9]", "", known) for known in found):  # the same one, or part of it
            return
        if _reference_like(candidate) and not set(find_references(candidate)) & ours:
            found.append(candidate)

    both = f"{subject}\n{text}"
    for pattern in (LABELLED_REF, SHAPED_REF):
        for match in pattern.finditer(both):
            keep(match.group(1))
    bare = REPLY_PREFIX.sub("", subject)
    if set(find_references(bare)) & ours:
        return found
    for match in SUBJECT_TOKEN.finditer(bare):
        token = match.group(1)
        if len(re.sub(r"\D", "", token)) >= 4 or (re.search(r"\d", token) and re.search(r"[A-Z]", token, re.I)):
            keep(token)
    return found


def _reference_like(candidate: str) -> bool:
    """A digit in it, and not a date, a year, a section or a sum of money."""
    digits = re.sub(r"\D", "", candidate)
    if not digits or re.fullmatch(r"(?:19|20)\d\d(?:/\d\d)?", candidate):
        return False
    if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", candidate):  # a date
        return False
    if re.fullmatch(r"(?:19|20)\d\d\s*[-/–]\s*(?:19|20)?\d\d", candidate):  # a span of years
        return False
    if re.fullmatch(r"(?:19|20)\d\d-\d\d-\d\d", candidate):
        return False
    return len(re.sub(r"[^A-Z0-9]", "", candidate)) >= 4


def auto_reply_header(headers: dict[str, str]) -> str:
    """The header that marks a message as machine-sent (RFC 3834 and friends)."""
    auto = headers.get("auto-submitted", "").strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {headers['auto-submitted']}"
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder"):
        if name in headers:
            return f"{name}: {headers[name]}"
    if headers.get("precedence", "").lower() in ("auto_reply", "auto-reply"):
        return f"Precedence: {headers['precedence']}"
    if "autoresponder" in headers.get("x-post-messageclass", "").lower():
        return f"X-POST-MessageClass: {headers['x-post-messageclass']}"
    return ""


def _out_of_office(message: TriageInput, fresh: str) -> str:
    if OOF_SUBJECT.search(message.subject):
        return f"Subject: {message.subject.strip()}"
    match = OOF_BODY.search(" ".join(fresh[:600].split()))
    if match:
        return match.group(0)
    if "x-auto-response-suppress" in message.headers and re.search(r"\boof\b", message.subject, re.I):
        return "X-Auto-Response-Suppress with OOF subject"
    return ""


def _links(text: str) -> list[str]:
    return re.findall(r"(?:https?://|www\.)[^\s<>\"')]+", text)[:5]
