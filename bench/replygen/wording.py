"""The words around the figures: openings, standard paragraphs, acknowledgements,
refusals, not-held replies, clarification and extension letters, and their own
case references. All written for this generator."""

from __future__ import annotations

import random

# ---- council's own references -------------------------------------------------------

REF_SHAPES = ("foi_slash", "foi_space", "eir_dash", "case_alnum", "digits", "ir_slash")


def their_reference(rng: random.Random, shape: str) -> str:
    n = rng.randint(1000, 99999)
    year = rng.choice((2023, 2024))
    return {
        "foi_slash": f"FOI/{year}/{n:05d}",
        "foi_space": f"FOI {n}",
        "eir_dash": f"EIR-{year % 100}-{n:04d}",
        "case_alnum": f"CAS-{rng.randint(100000, 999999)}-{rng.choice('BCDFGHJKLMNPQRSTVWXZ')}{rng.randint(1, 9)}"
                      f"{rng.choice('BCDFGHJKLMNPQRSTVWXZ')}{rng.randint(1, 9)}",
        "digits": f"{rng.randint(10_000_000, 99_999_999)}",
        "ir_slash": f"IR/{year % 100}/{n}",
    }[shape]


REF_PLACES = ("subject", "logged_under", "our_ref", "case_number")


def reference_line(place: str, ref: str) -> str:
    return {
        "subject": "",
        "logged_under": f"Your request has been logged under reference {ref}.",
        "our_ref": f"Our ref: {ref}",
        "case_number": f"Case number {ref} - please use this in any correspondence with us.",
    }[place]


# ---- openings and closings ------------------------------------------------------------

OPENINGS = (
    "Thank you for your request for information received on {received}, which we have dealt with under the "
    "Freedom of Information Act 2000.",
    "We write further to your request of {received} about {topic}.",
    "Your request for information, received by the council on {received}, has now been considered.",
    "Thank you for contacting us on {received}. Please find our response to your request below.",
)

STANDARD_PARAGRAPHS = (
    "The Freedom of Information Act 2000 gives you the right to be told whether the council holds "
    "information and to have it communicated to you, subject to certain limitations and exemptions set out "
    "in the Act.",
    "Some information may be exempt from disclosure under Part II of the Act, for example where it is "
    "personal data (section 40) or would be too costly to locate (section 12); we consider each request on "
    "its merits.",
    "Please note that the council publishes a range of data on its website under its publication scheme.",
)

APPEAL = (
    "If you are dissatisfied with how your request has been handled you may ask for an internal review "
    "within 40 working days of the date of this letter. After that you may complain to the Information "
    "Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF, telephone 0303 123 1113.",
    "You can ask us to review this decision by writing to the address below within 2 months. If you remain "
    "unhappy you may contact the ICO (ico.org.uk, 0303 123 1113).",
)

REUSE = ("The information supplied may be re-used under the terms of the Open Government Licence v3.0.",)

SIGNATURES = (
    "Information Governance Team\n{council}\nTel: 01{tel1} {tel2}",
    "Kind regards\n\nFOI Officer\nCorporate Information Unit\n{council}",
    "Yours sincerely\n\nData Protection and FOI Team\n{council}\nRoom 2.14, Civic Centre",
)

ANSWER_LEADS = {
    "attachment": ("Please find attached the information you asked for.",
                   "The figures are in the attached file.",
                   "Our response is set out in the attached document."),
    "body": ("Our response is as follows.", "The information requested is below.",
             "Please see our answers to each of your questions below."),
}

NOTES = (
    "Figures were taken from the case management system on 12/04/2024 and may differ from published returns.",
    "Data for the latest year is provisional.",
    "Rates per 10,000 children are not held in this format.",
    "Source: council records, extract run 3 May 2024.",
)

SUPPRESSION_NOTES = {
    "lt5": "Numbers below 5 are shown as <5 to protect individuals, under section 40(2) of the Act.",
    "star": "* denotes a figure between 1 and 4, withheld under section 40(2) (personal information).",
    "x": "x = fewer than 5. Small numbers are withheld as they could identify individuals (section 40(2)).",
    "fewer": "Where there were fewer than 5 cases the exact number is withheld under section 40(2).",
}

SUPPRESSED_CELL = {"lt5": "<5", "star": "*", "x": "x", "fewer": "fewer than 5"}

# ---- whole-reply letters --------------------------------------------------------------

ACK_NAMES = ("received_reply_by", "confirm_receipt", "passed_to_service", "acknowledge_target",
             "with_the_team")
ACKNOWLEDGEMENTS = (
    "Thank you for your request for information, which we received on {received}. We will respond by "
    "{due}, which is 20 working days from receipt.",
    "We confirm receipt of your email. It is being handled as a request under the Freedom of Information "
    "Act 2000 and you should hear from us no later than {due}.",
    "Just to let you know we have got your request and passed it to the relevant service to gather the "
    "information. We aim to reply within the statutory timescale.",
    "This is to acknowledge your Freedom of Information request. Our target is to send you a full response "
    "by {due}.",
    "Many thanks for your email. Your request is now with the team and a reply will follow in due course, "
    "normally within twenty working days.",
)

ACK_CONDITIONALS = (
    "If the information you have asked for would cost more than the appropriate limit (£450) to find, we "
    "may have to refuse the request under section 12, but we will let you know.",
    "If a fee is payable we will write to you before doing any further work, and the time limit will be "
    "paused until the fee is paid.",
    "Should any exemption apply to some of the information, we will explain which one and why when we "
    "reply.",
    "If we need to consider the public interest we may need to extend the time for our reply; we will "
    "tell you if this happens.",
    "If we need further detail to identify the information you want, we will contact you.",
)

REFUSALS = {
    "s12": (
        "I am sorry but we are unable to provide this information. To answer your request we would need to "
        "read through {records} individual case files, which we estimate would take well over 18 hours. "
        "Section 12 of the Freedom of Information Act 2000 allows us to refuse a request where the cost of "
        "compliance would exceed the appropriate limit of £450, and we are applying it here.",
        "We estimate that locating and extracting this information would exceed the appropriate limit set "
        "out in the Fees Regulations (£450, or 18 hours at £25 an hour), so we are refusing the request "
        "under section 12(1). You may wish to narrow it, for example to a single year.",
    ),
    "s12_nosection": (
        "Unfortunately the council does not record this in a way we can report on. Finding the answer would "
        "mean reviewing around {records} records by hand, which would go beyond the cost limit, so we are "
        "not able to comply with your request.",
    ),
    "s14": (
        "The council considers this request to be vexatious within the meaning of section 14(1) of the "
        "Act, given the volume of similar requests received from you, and will not be complying with it.",
        "We are refusing this request under section 14(2): it is identical to a request you made on "
        "12 January 2024, which we have already answered.",
    ),
    "s21": (
        "The information you have requested is already published and is therefore exempt under section 21 "
        "of the Act (information reasonably accessible by other means). You can find it at "
        "https://www.gov.uk/government/statistics/2024-release in table 4.3.",
        "This information is reasonably accessible to you elsewhere, so section 21 applies. It is "
        "published annually on the council's open data pages: https://data.council.example/datasets/1203.",
    ),
    "eir_12_4_b": (
        "We have handled your request under the Environmental Information Regulations 2004. We consider it "
        "manifestly unreasonable under regulation 12(4)(b) because of the burden of compiling the "
        "information, and the public interest favours maintaining the exception.",
    ),
}

# names for the bench's breakdown, in the order of the wordings below
NOT_HELD_NAMES = ("does_not_hold", "none_in_scope_s17", "other_authority", "eir_12_4_a", "not_recorded")
NOT_HELD = (
    "I can confirm that the council does not hold the information you have requested.",
    "Having searched our records, we have found no information falling within the scope of your request. "
    "This is therefore our notice under section 17 that the information is not held.",
    "This council is a district council and does not provide this service; the information is held by "
    "the county council, to whom you may wish to address your request.",
    "We have handled this under the Environmental Information Regulations 2004. The council does not hold "
    "the requested information, and regulation 12(4)(a) therefore applies.",
    "Unfortunately this data is not recorded by the council, so we are unable to provide it.",
)

CLARIFICATIONS = (
    "Before we can process your request we need you to clarify what you mean by \"{term}\". Could you "
    "please confirm which services you would like included? The 20 working day period will begin once we "
    "receive your clarification.",
    "We would be grateful if you could clarify your request: do you want figures for {term} only, or "
    "including cases transferred in from other authorities? We will put the request on hold until we hear "
    "from you.",
)

EXTENSIONS = (
    "We are considering whether a qualified exemption applies to some of the information, and need "
    "further time to consider the public interest test under section 10(3) of the Act. We now expect to "
    "respond by {extended}.",
    "Please accept our apologies: we need more time to weigh the public interest in disclosing this "
    "information. We will send a full response no later than {extended}.",
)

# ---- a part of the answer that is refused or not held ---------------------------------

PART_REFUSED = {
    "s12": (
        "{label}: we are unable to answer this part of your request. The information would have to be "
        "extracted manually from about {records} case records, which would exceed the appropriate limit "
        "under section 12 of the Act.",
    ),
    "s40": (
        "{label}: this information is withheld under section 40(2) of the Act, as it is personal data about "
        "identifiable members of staff and disclosure would breach the data protection principles.",
    ),
    "s21": (
        "{label}: this is already published and is exempt under section 21. See "
        "https://www.gov.uk/government/statistics/2024-release (table 7).",
    ),
}

PART_NOT_HELD = (
    "{label}: the council does not hold this information.",
    "{label}: this is not recorded on our systems, so the information is not held.",
    "{label}: we have searched and hold no information for this part of your request.",
)

PERIODS_NOT_HELD = (
    "Figures before {first} are not held: the council moved to a new case management system in {first} "
    "and earlier records were not migrated.",
    "We do not hold data for the years before {first}.",
)

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
ZERO_WORDS = ("Nil", "None", "Zero", "nil")
