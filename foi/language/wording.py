"""How UK public bodies word their replies: the one place foi reads council wording.

Classification (foi.triage.classify: what a message is) and extraction
(foi.extract: what a reply says of each question) read the same sentences with
these patterns, so a sentence refuses, says "not held" or cites a section for
both readers or for neither (tests/test_language.py holds them to that).

A refusal or "not held" counts only when it is stated: not what could happen
("If ...", "In some cases ...", "... may apply"), not the requester's rights,
not a mail disclaimer, and not the standard paragraph on how the Act works
("subject to certain limitations and exemptions"). Extraction also leaves out
what happens next (clarification, more time): the request is still open.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from foi.language.foia import FOISA_REFUSING_SECTIONS, REFUSING_SECTIONS
from foi.language.screen import screened

# ---------------------------------------------------------------- sentences

# The tests below are pure functions of one sentence, and classification asks several
# of them of the same sentence (refusal_start up to seven times a reply): each answer
# is kept for the sentences seen lately.
_per_sentence = functools.lru_cache(maxsize=4096)

# A paragraph ends at a blank line, or where a numbered question starts a line
# (a "Q2" line often has no full stop before it).
PARAGRAPH_BREAK: Final = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:q|question)[ \t]*\d)", re.IGNORECASE)
# A sentence ends at . ! or ? followed by a capital, a bracket or a quote, so
# "under s. 40(2)", "Q1. 1,234" and "e.g. the" stay whole.
SENTENCE_END: Final = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"“‘'])")


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, whitespace normalised: mail is hard-wrapped at
    ~72 columns, and "we need you\\nto clarify" must read as one phrase."""
    found: list[str] = []
    for paragraph in PARAGRAPH_BREAK.split(text):
        flat = " ".join(paragraph.split())
        found += [part for part in SENTENCE_END.split(flat) if part]
    return found


# ------------------------------------------------- sentences that decide nothing

# What could happen: a sentence that opens with a condition.
CONDITIONAL: Final = re.compile(r"^\W*(?:if|should|where|unless|once|in the event|in (?:some|certain) "
                                r"(?:cases|circumstances|instances))\b", re.IGNORECASE)
# A hedge inside the sentence: "... if we need to", "an exemption may apply".
# ("... may be helpful", "may be of interest" is a courtesy, not a condition)
HEDGED: Final = re.compile(r"\bif (?:we|the|it|your|you)\b|\b(?:may|might|could) (?:be(?! (?:of )?(?:helpful|useful"
                           r"|help|use|interest|assistance)\b)|need|apply|require|incur|charge)\b", re.IGNORECASE)
# The requester's rights ("you may ask for an internal review ...").
RIGHTS: Final = re.compile(r"information commissioner|\bICO\b|\b(?:section|s)\.?\s*50\b|internal review|complain",
                           re.IGNORECASE)
ADDRESSED: Final = re.compile(r"\byou (?:may|can|could|have|are entitled|should|must|will need)\b"
                              r"|\byour rights?\b", re.IGNORECASE)
DISCLAIMER: Final = screened(re.compile(r"intended recipient|this e-?mail (?:and any|may|is confidential|contains)"
                                        r"|\b(?:may|might) contain\b", re.IGNORECASE))
# How the Act works, in the paragraph many bodies open or close with: it names
# exemptions without applying any.
HOW_THE_ACT_WORKS: Final = screened(re.compile(
    r"\bsubject to (?:certain |some |a (?:number|range) of |any |the )?(?:limitations|exemptions|exceptions)\b"
    r"|\b(?:limitations|exemptions|exceptions) and (?:limitations|exemptions|exceptions)\b"
    r"|\b(?:gives|give|grants|provides|confers) (?:you |applicants |any ?one |everyone |the public |people )?"
    r"(?:with )?(?:a |the )?(?:general |legal )?right (?:of|to) (?:access|request|be told|be informed)",
    re.IGNORECASE))
# What happens next: clarification, more time (the request is still open).
HOLDING: Final = re.compile(
    r"\bon hold\b|\bclarif|\b(?:additional|further|more|extra) time\b|\bextend(?:ed|ing)? the\b|\bextension\b"
    r"|\b(?:section|s)\.?\s*(?:1\s*\(\s*3|10\s*\(\s*3|17\s*\(\s*2)\s*\)|\bconsider(?:ing)? whether\b"
    r"|\bpublic interest\b.{0,80}\b(?:until|by \d|by (?:mon|tues|wednes|thurs|fri)day)\b"
    r"|\b(?:will|shall|aim to|expect to|hope to) (?:respond|reply|provide (?:you with )?(?:a|our|the) (?:full )?"
    r"response)\w* (?:by|within|no later|on or before)", re.IGNORECASE)


# A sentence that asks rather than states: our own questions echoed back ("... refused by the
# applicant?", "please provide the information held by your local authority"), or a request.
ASKING: Final = re.compile(
    r"\?\W*$|\bplease (?:(?:can|could|would) you )?(?:provide|supply|send|give|state|list|detail|specify|tell"
    r"|disclose|break|include)\b|\bi (?:would like|request|am requesting|am asking for)\b"
    r"|^\W*(?:\(?[a-z0-9]{1,4}[).:]\s*)?(?:provide|supply|give|list|state|(?:could|can|would|will) you)\b",
    re.IGNORECASE)
# What was decided before, reported in a review or a follow-up ("you asked for a review of our
# refusal", "in our previous response we advised ..."): the earlier decision, not this reply's.
EARLIER_DECISION: Final = screened(re.compile(
    r"(?:\breview\W{1,4}(?:of )?(?:the |our |its |this |that |your )?(?:\w+(?:['’]s)? )?(?:original |previous |earlier "
    r"|initial )?(?:refusal|decision|response)\b|\b(?:original|previous|earlier|initial|first) (?:refusal|decision)\b)"
    r"(?:\s*(?:under|\()\s*(?:the provisions of )?(?:section|s)\.?\s*\d{1,2}[\w()]*\)?)?", re.IGNORECASE))
# Refusals that are what a request asks about, not of the request: applications, licences or
# care refused ("the intention to refuse an application", "an assessment refused by the applicant").
SUBJECT_REFUSAL: Final = screened(re.compile(
    r"\brefus(?:e|ed|es|ing|al of) (?:an?|the|their|his|her|any) (?:planning )?(?:applications?|licen[cs]es?"
    r"|permissions?|claims?|admissions?|consents?)\b|\b(?:applications?|claims?) (?:were |was |being |been |are )?"
    r"refused\b|\brefused by the (?:applicant|client|family|resident|tenant|patient|person)\b"
    # a relief or exemption from rates or council tax a property receives
    r"|\b(?:reliefs?|discounts?) (?:or|and|and/or) exemptions?\b"
    r"|\bexemptions? (?:or|and|and/or) (?:reliefs?|discounts?)\b"
    r"|\b(?:council tax|business rates?|rates|empty property|property|class [a-z]) exemptions?\b", re.IGNORECASE))
REPORTED: Final = screened(re.compile(
    r"^\W*(?:in|with|as (?:set out|explained|stated) in) (?:our|the|my) (?:previous|earlier|original|initial|first)"
    r" (?:correspondence|response|reply|letter|e-?mail|decision)\b|\b(?:we|i) (?:had |have )?(?:previously |originally "
    r"|earlier |initially )?(?:advised|told|informed) you\b", re.IGNORECASE))


# A sentence about the request as a whole ("Thank you for your request about looked after
# children", "We write further to your email regarding ..."): it names the request's
# subject, not one of its questions.
REQUEST_SUBJECT: Final = screened(re.compile(
    r"\byour\s+(?:recent\s+|original\s+|above\s+)?(?:freedom\s+of\s+information\s+|foi\s+|foia\s+|eir\s+"
    r"|information\s+)?(?:request|enquiry|inquiry|e-?mail|letter|application|correspondence)\b.{0,80}?"
    r"\b(?:about|regarding|concerning|relating\s+to|in\s+relation\s+to|in\s+respect\s+of)\b", re.IGNORECASE))


@_per_sentence
def asks(sentence: str) -> bool:
    """A question or a request, never a statement of what the council holds or refuses."""
    return bool(ASKING.search(sentence))


@_per_sentence
def reports_earlier(sentence: str) -> bool:
    """The sentence reports a decision made before this reply (a review restating it)."""
    return bool(REPORTED.search(sentence))


def is_aside(sentence: str) -> bool:
    """The requester's rights, a mail disclaimer or how the Act works: never a decision."""
    return bool(DISCLAIMER.search(sentence) or HOW_THE_ACT_WORKS.search(sentence)
                or (RIGHTS.search(sentence) and ADDRESSED.search(sentence)))


@_per_sentence
def is_definite(sentence: str) -> bool:
    """Neither conditional, hedged nor an aside: what classification reads."""
    return not (CONDITIONAL.search(sentence) or HEDGED.search(sentence) or is_aside(sentence))


def said_plainly(sentence: str) -> bool:
    """What the council does, not what could happen, what happens next, an
    aside: a figure in such a sentence is an answer."""
    return not (CONDITIONAL.search(sentence) or HOLDING.search(sentence) or is_aside(sentence))


def states(sentence: str) -> bool:
    """Said plainly, not hedged and not asked: a refusal or "not held" in it is decided."""
    return said_plainly(sentence) and not HEDGED.search(sentence) and not asks(sentence)


# --------------------------------------------------------- refusal, not held

COST_LIMIT: Final = (r"exceed(?:s|ed|ing)? the (?:appropriate|cost) limit|would exceed .{0,40}\blimit"
                     r"|\b(?:cost|appropriate) limit"
                     # the estimate itself, where no limit or section is named
                     r"|\bwould (?:take|require|involve)\b[^.]{0,60}?\b\d+(?:\s*(?:-|to)\s*\d+)?"
                     r" (?:hours|working days)\b")
# A pointer to information already out there (FOIA s.21, FOISA s.25): a refusal.
POINTER: Final = (r"\bin the public domain\b|\balready (?:been )?(?:published|made public|publicly available)"
                  r"|\breasonably accessible\b|\bava(?:il|li)able to (?:view|download) (?:online|publicly)"
                  # "This information can be found on: <link>", "The figures are published at www..."
                  r"|\b(?:this|the|that|these) (?:information|data|figures?|statistics)(?: (?:you )?requested)?"
                  r" (?:is|are|can be) (?:found|published|available|accessed|viewed)"
                  r"(?![^.\n]*\b(?:attached|enclosed|below|following|overleaf|appendix|annex|spreadsheet"
                  r"|this (?:letter|response|e-?mail))\b)"
                  r" (?:online|(?:on|at|via|from)(?=\s*(?::|$|https?:|www\.|(?:the|our|their|this|a|an) )))"
                  # "... can be seen in our published budget books", "Q1. Please see https://..."
                  r"|\b(?:is|are|can be) (?:found|seen|viewed|set out) in (?:our|the|their) (?:published|annual"
                  r"|online)\b|^\W*(?:q(?:uestion)?\s*\d{1,2}[a-z]?\W*)?please (?:see|visit|refer to|go to)"
                  r"\s*:?\s*(?:the (?:following )?link\s*:?\s*)?(?:https?://|www\.)")
# Words that refuse; a refusing section cited (see find_sections) refuses too.
REFUSAL: Final = screened(re.compile(
    r"\brefus(?:e|ed|es|ing|als?)\b|\bexempt(?:ed|ion|ions)?\b|\bwithh[eo]ld(?:s|ing)?\b|manifestly unreasonable"
    r"|\bvexatious|\brepeated request|neither confirm nor deny|not obliged to (?:comply|provide)|unable to comply"
    r"|\b(?:cannot|can ?not|will not) be (?:disclosed|released)\b|" + COST_LIMIT + "|" + POINTER, re.IGNORECASE))
# A section cited with no refusing word refuses when the sentence applies it
# ("section 21 applies", "we rely on s.31"), cites it in brackets ("(S12)") or
# is nothing but the citation (a cell "s.40(2)"); "Low Income Section 40" in a
# table, or a section of another Act, does not.
APPLIED: Final = re.compile(
    r"\b(?:appl(?:y|ies|ied|ying)|engag(?:e|es|ed|ing)|rel(?:y|ies|ied|ying)|reliance|invok(?:e|es|ed|ing)"
    r"|under|falls? (?:within|under)|in accordance with|by virtue of|pursuant to)\b"
    r"|\(\s*(?:s|sections?|reg(?:ulations?)?)\.?\s*\d", re.IGNORECASE)
# Not held, in a sentence or a cell; EIR reg 12(4)(a) (Scotland: reg 10(4)(a))
# and FOIA s.1(1)(a) are the provisions for it.
NOT_HELD: Final = re.compile(
    r"\bnot held\b|\bnot (?:recorded|collected|captured|tracked|monitored|collated)\b"
    r"|\b(?:do|does|did)(?: not|n['’]t)(?:, [^,.]{1,30},)? (?:centrally |currently |routinely |specifically )?"
    r"(?:hold|keep|record|collect"
    r"|track|monitor|collate|capture)\b|\bno longer (?:have|hold|keep) (?:access to )?(?:this|that|the|these|those|any)"
    r" (?:data|information|records?|figures)\b"
    r"|\b(?:do|does|did) not have (?:any |this |that |the |such |these |those )?(?:information|data|records?"
    r"|figures|statistics)\b|\bno (?:recorded )?(?:data|information|records?) (?:is |are |was |were )?held\b"
    r"|\bholds? no (?:recorded )?(?:information|data|records)\b|\bno (?:such )?records (?:exist|are held)\b"
    r"|\bunable to report\b|\bnot available\b|\b(?:s|section)\.?\s*1\s*\(\s*1\s*\)\s*\(\s*a\s*\)"
    r"|\b12\s*\(\s*4\s*\)\s*\(\s*a\s*\)|\breg(?:ulation)?\.?\s*10\s*\(\s*4\s*\)\s*\(\s*a\s*\)"
    # another body holds it (a district council pointing to the county): not held here
    r"|\b(?:held|kept|recorded|collected|provided|managed|dealt with) by (?:another|a different|a separate|the relevant"
    r"|the county|your (?:local|county)) (?:public |local )?(?:authority|body|organisation|council|county council)\b"
    r"|\bdoes not (?:provide|deliver|run|administer|have responsibility for) (?:this|these|that|those|the) "
    r"(?:services?|functions?)\b|\b(?:do|does|did)(?: not|n['’]t) (?:carry out|undertake|conduct)\b"
    r"|\bnot (?:the )?(?:body|authority|council|organisation) (?:that is )?responsible for\b"
    # no such policy exists, so none is held ("The council has no written lettings policy")
    r"|\b(?:has|have) no (?:[\w'’()-]+ ){0,8}?(?:policy|policies|procedure|procedures|protocol|strategy)\b"
    r"|\b(?:do|does|did)(?: not|n['’]t) have (?:a|an|any) (?:[\w'’-]+ ){0,3}?(?:policy|policies|procedure|protocol"
    r"|strategy)\b"
    # the staff asked about work for another body ("they are employed by the local authority")
    r"|\b(?:employed|engaged|contracted) by (?:the|another|a different|a separate|their) (?:local |county |district "
    r"|borough )?(?:authority|council)\b|\bunder the employment of\b"
    r"|\b(?:redirect|re-direct|address|send|forward|submit) your request to (?:the |that |them|another|a different)",
    re.IGNORECASE)
# "Not recorded in a way we can report on", "... without a manual search": the information
# is there but cannot be drawn out (a cost refusal's reasoning, s.12), so not "not held".
NOT_DRAWN_OUT: Final = re.compile(
    r"\bin (?:a|any|the) (?:way|manner|format|form|fashion) (?:that|which|we|to|it|this|where)\b"
    r"|\bin an? (?:\w+ )?(?:reportable|searchable|retrievable|extractable) (?:way|manner|format|form)\b"
    r"|\bwithout (?:a |an |carrying out a )?(?:manual|physical|individual|line[- ]by[- ]line|case[- ]by[- ]case)\b"
    r"|\bnot (?:readily|easily|centrally) (?:retriev|extract|report|access)", re.IGNORECASE)
# Words that decide a refusal, as opposed to naming an exemption still being weighed.
REFUSAL_DECIDED: Final = screened(re.compile(
    r"refus(e|ed|ing|al)\b|withh(e|o)ld(ing)?\b|withheld|not obliged|neither confirm nor deny|outweighs?\b"
    r"|favou?rs? (maintaining|withholding)|(decided|concluded|determined) (that|to)\b"
    r"|(will|can) ?not (be )?(provid|disclos|releas)|unable to comply"
    # "... vexatious ... and will not be complying with it": declining to comply decides it
    r"|(will|shall|are|is) not (be )?comply(ing)?\b|\bdeclin(e|ed|ing) to comply", re.IGNORECASE))
# A decision still to come ("considering whether ... exempt").
PENDING: Final = screened(re.compile(r"\bwhether\b|\bconsidering\b|\bnot yet\b|\byet to\b|(need|require|take)s? "
                                     r"(some )?(additional|further|more|extra) time|until we have", re.IGNORECASE))
# Small numbers withheld inside an answer ("fewer than 5"): read cell by cell, not a refusal.
# ("under 10(4)(a)" cites a regulation)
SMALL_NUMBERS: Final = re.compile(r"fewer than|less than|<\s*\d|small numbers?|\b(?:under|below) \d{1,3}(?![\d(])"
                                  r"|\d or (?:fewer|less)|\bbetween (?:1|one) and (?:[2-9]|two|three|four|five)\b"
                                  r"|\blow (?:numbers|figures|counts)"
                                  r"|\b(?:numbers|figures|counts) (?:are|is|were) (?:low|small)",
                                  re.IGNORECASE)


def says_not_held(sentence: str) -> bool:
    return states(sentence) and not_held_start(sentence) is not None


# "It is wrong to infer that we do not collect it", "It is not the case that the council
# holds no records": the "not held" is what the sentence denies.
DENIED: Final = re.compile(r"\b(?:wrong|incorrect|mistaken|untrue|not (?:true|correct|right|the case|accurate))"
                           r"\b[^.;]{0,40}?\bthat\b", re.IGNORECASE)


@_per_sentence
def not_held_start(sentence: str) -> int | None:
    """Where "not held" is said; None where it is not, where it is denied ("it is wrong to
    infer that we do not hold ..."), or only of a form the information is not drawn out in
    ("not recorded in a way we can report on")."""
    match = NOT_HELD.search(sentence)
    if not match or NOT_DRAWN_OUT.search(sentence):
        return None
    denied = DENIED.search(sentence[:match.start()])
    return None if denied else match.start()


def refuses(sentence: str) -> bool:
    """Words that refuse, or a refusing section cited, said as a decision."""
    return states(sentence) and refusal_start(sentence) is not None


@_per_sentence
def refusal_start(sentence: str) -> int | None:
    """Where the words or the section that refuse begin; None if nothing refuses."""
    # "a review of our refusal", "the council's intention to refuse an application"
    for aside in (EARLIER_DECISION, SUBJECT_REFUSAL):
        sentence = aside.sub(lambda m: " " * len(m.group(0)), sentence)
    words = REFUSAL.search(sentence)
    applied = words or APPLIED.search(sentence) or _only_citations(sentence)
    starts = [position for position, _, _ in _cited(sentence)][:1] if applied else []
    if words:
        starts.append(words.start())
    return min(starts) if starts else None


def _only_citations(text: str) -> bool:
    """Nothing but sections or regulations: a cell "s.40(2)", "2015/16: S12"."""
    return not re.search(r"[^\W_]", REGULATION.sub(" ", SECTION.sub(" ", text)))


def parse_refusal(text: str) -> str | None:
    """'s.12', 's.40(2)', 'reg.12(4)(b)' when the text refuses, 'unspecified' when
    it refuses under no section it names or implies; None when it does not refuse.

    "On hold under section 1(3)" or "extended under s.10(3)" does not refuse."""
    kept = [s for s in split_sentences(text) if refuses(s)]
    if not kept:
        return None
    sections = refusal_sections(" ".join(kept))
    return sections[0] if sections else "unspecified"


# --------------------------------------------------- sections and regulations

_PART = r"(?:\s*\(\s*\d{1,2}[A-Z]?\s*\))?(?:\s*\(\s*[a-z]\s*\))?"
_MORE = rf"((?:\s*(?:,|and|&|or)\s*\d{{1,2}}(?!\d){_PART})*)"
# "section 40(2)", "s.40 (2)", "s40(2)", "sections 40(2), 41 and 43" ("council's 14" is not one).
SECTION: Final = re.compile(rf"(?<!['’])\b(?:sections?|secs?\.?|ss?\.?)\s*(\d{{1,2}})(?!\d)({_PART}){_MORE}",
                            re.IGNORECASE)
# EIR regulations: "regulation 12(5)(f)", "reg. 13", "regulations 12(4)(b) and 13".
REGULATION: Final = re.compile(rf"\breg(?:ulations?|s)?\.?\s*(\d{{1,2}})(?!\d)({_PART}){_MORE}", re.IGNORECASE)
# Regulations that withhold: England and Wales 12(3), 12(4)(b-e), 12(5)(a-g), 13;
# Scotland 10(4)(b-e), 10(5)(a-g) (its reg 11 is also the review: left out).
# 12(4)(a) and 10(4)(a) say the information is not held (see NOT_HELD).
REFUSING_REGULATION: Final = re.compile(r"13(?:\(.*)?|12\(3\)|(?:12|10)\((?:4\)\([b-e]|5\)\([a-g])\)")
SCOTTISH: Final = screened(re.compile(r"\bFOISA\b|\(Scotland\) Act|\bFOI\(S\)A\b|\bEIRs? \(?Scotland", re.IGNORECASE))
_NUMBER = re.compile(rf"\d{{1,2}}(?!\d){_PART}", re.IGNORECASE)
# "section 38 Police and Criminal Evidence Act", "section 17 of the Children Act":
# a section of another law (an Act named without "Information" in it).
OTHER_LAW: Final = re.compile(r"\s*,?\s*(?:of\s+|under\s+)?(?:the\s+)?((?:[A-Z][\w'’-]*\s+(?:and\s+|of\s+)?"
                              r"(?:\(\w+\)\s+)?){1,8})Act\b")
# A refusal that names no section implies one.
IMPLIED: Final = (
    (re.compile(COST_LIMIT, re.IGNORECASE), "s.12", "s.12"),
    (re.compile(r"\bvexatious|\brepeated request", re.IGNORECASE), "s.14", "s.14"),
    (re.compile(r"manifestly unreasonable", re.IGNORECASE), "reg.12(4)(b)", "reg.10(4)(b)"),
    (re.compile(POINTER, re.IGNORECASE), "s.21", "s.25"),
)


def find_sections(text: str) -> list[str]:
    """The refusing sections ('s.40(2)', FOISA 's.38(1)(b)') and EIR regulations
    ('reg.12(5)(f)') `text` cites, in the order it cites them."""
    labels: list[str] = []
    for _, _, label in _cited(text):
        if label not in labels:
            labels.append(label)
    return labels


def _cited(text: str) -> list[tuple[int, int, str]]:
    """(where, order in a list, label) of every refusing section or regulation cited."""
    refusing = FOISA_REFUSING_SECTIONS if SCOTTISH.search(text) else REFUSING_SECTIONS
    found: list[tuple[int, int, str]] = []
    for prefix, pattern in (("s.", SECTION), ("reg.", REGULATION)):
        for match in pattern.finditer(text):
            law = OTHER_LAW.match(text, match.end())
            if law and not re.search(r"information|FOI", law.group(1), re.IGNORECASE):
                continue
            numbers = [match.group(1) + match.group(2)] + _NUMBER.findall(match.group(3) or "")
            for order, number in enumerate(numbers):
                label = re.sub(r"\s+", "", number).lower()
                head = int(re.sub(r"\D.*", "", label))
                if (head in refusing) if prefix == "s." else REFUSING_REGULATION.fullmatch(label):
                    found.append((match.start(), order, prefix + label))
    return sorted(found)


def refusal_sections(text: str) -> list[str]:
    """The sections cited, or else the one the words imply ("exceed the cost
    limit": s.12; "vexatious": s.14; "manifestly unreasonable": reg.12(4)(b))."""
    cited = find_sections(text)
    if cited:
        return cited
    scottish = bool(SCOTTISH.search(text))
    return [scots if scottish else label for pattern, label, scots in IMPLIED if pattern.search(text)][:1]


# ------------------------------------------------- what kind of message it is

# Phrases for each kind of message classification decides; refusal and not
# held are the patterns above, shared with extraction.
ACKNOWLEDGEMENT: Final = screened(re.compile(
    r"acknowledge(?:s|d)? (?:receipt|your|with thanks)|acknowledgement of (?:receipt|your)|(?:we|i) acknowledge\b"
    r"|confirm(?:ing)? (?:the )?receipt of your|(?:we|i) (?:have|has)? ?received your (?:request|e-?mail|correspondence"
    r"|letter|application)|(?:we|i) (?:have|'ve) (?:got|logged|recorded|registered) your (?:\w+ )?request"
    r"|your (?:\w+ )?(?:request|e-?mail|correspondence|application|enquiry) (?:has been|was|is being|is|is now)"
    r" (?:now )?(?:received|logged|registered|recorded|passed|allocated|assigned|forwarded|with (?:the|our)"
    r"|being (?:considered|dealt with|handled|processed))"
    r"|(?:is|are|will be) being (?:dealt with|handled|processed|considered) (?:under|as|in terms of)"
    r"|(?:we|i) (?:are|am) (?:currently |now )?(?:considering|dealing with|processing|handling) your (?:\w+ )?request"
    r"|(?:we|council|i) (?:will|aim to|should|expect to) (?:respond|reply|provide a response|be in touch)[^.]{0,40}"
    r"(?:within|by|no later)"
    r"|(?:a|our|the|your) (?:full |formal )?(?:reply|response) (?:will|should) (?:be )?(?:sent|provided|issued|follow"
    r"|be with you)"
    r"|you (?:will|should) (?:receive|get|hear from us|be sent) [^.]{0,30}(?:response|reply|within|by|no later)"
    r"|(?:our|the) target is to (?:send|respond|reply|provide)"
    r"|thank you for your (?:recent )?(?:freedom of information |foi |eir |information )?(?:request|e-?mail"
    r"|application|correspondence)", re.IGNORECASE))
# A request put politely ("grateful if you could clarify"): hedged in form only.
POLITE_ASK: Final = (r"(?:grateful|appreciate it|helpful) if you (?:could|would|can) (?:please )?"
                     r"(?:clarify|specify|explain)")
CLARIFICATION: Final = screened(re.compile(
    r"(could|can|would|will) you (please )?(clarify|confirm|specify|explain|provide (more|further|additional))"
    # a case log's line: "Clarification sought 21-01-2021"
    r"|^\W*clarification (?:was |has been )?(?:sought|requested)\b"
    r"|(we|i) (need|require|would like|would ask for) (some )?(further |more )?(clarification|you to clarify)"
    r"|please clarify|(request|ask) (for|you for) clarification|section 1\(3\)"
    r"|(on hold|clock (has )?stopped|paused) (until|pending)|" + POLITE_ASK, re.IGNORECASE))
FEE: Final = re.compile(
    r"fees? notice|section 9\b|s\.? ?9\b[^(]|(fee|charge|payment|cost) of £ ?\d|£ ?\d[\d,.]* (fee|charge)"
    r"|you will need to pay|on receipt of (your )?payment", re.IGNORECASE)
EXTENSION: Final = screened(re.compile(
    r"public interest test[^.]{0,120}(extend|additional time|further time|more time)"
    r"|(extend|extending|extended|extension (to|of)) the (time|deadline|response|period|date)"
    r"|(section|s\.?) ?(10\(3\)|17\(2\))|(need|require|take)s? (some )?(additional|further|more|an extra|extra) time"
    r"|regulation 7\(1\)", re.IGNORECASE))
# A pointer to information already published (FOIA s.21, FOISA s.25).
PUBLISHED: Final = screened(re.compile(
    r"(available|published|can be (found|viewed|accessed|downloaded)|access (it|them|the (information|documents"
    r"|response))|download) (on|at|via|from|through) (our|the) ?[^.]{0,30}(website|disclosure log|portal|site|link)"
    r"|log ?in to (the|our) portal|following link|click (on )?the link", re.IGNORECASE))
# A nil answer in words ("I can confirm that no developments were stopped",
# "The answer to this question is none"): a count of nothing, not information
# that is not held ("we can confirm that no information is held").
NIL_ANSWER: Final = screened(re.compile(
    r"\b(?:i|we) (?:can |are able to )?confirm that (?:there (?:were|was|are|is|have been|has been) )?no\b"
    r"(?! (?:recorded |such |relevant )?(?:information|data|records?|figures|statistics)\b)"
    r"|\bthe answer (?:to (?:this|your|the) (?:question|request) )?is (?:nil|none|zero|no)\b", re.IGNORECASE))
# A step of a list a reply answers point by point: "(a)", "b)", "iii.", "2.", "Q3", "Question 4".
LIST_ITEM: Final = re.compile(r"^\s*(?:\(?[a-h]\)|\(?(?:i{1,3}|iv|v|vi{1,3}|ix|x)[.)]|\d{1,2}[.)]"
                              r"|q\s*\d{1,2}\b[.:)]?|question\s+\d{1,2}\b[.:)]?)\s+\S", re.IGNORECASE)
ANSWER: Final = re.compile(
    r"please (find|see) (attached|enclosed|below)|please (find|see) (our|the) [^.]{0,40}(below|attached|as follows)"
    r"|(response|information|answers?) (is|are) (as follows|below|set out below)"
    r"|(attached|enclosed) (is|are|please find)|information (you )?requested|our response to your"
    r"|in response to your (questions|request)|answers? (are|is) (set out )?(below|attached)"
    r"|^\s*(q|question)\s*\d|(response|answer)\s*:", re.IGNORECASE | re.MULTILINE)
