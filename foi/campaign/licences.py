"""The licences a campaign may publish its dataset under (the campaign file's `licence`).

A short list of open licences with their official names and addresses, so that a typo
("CC-BY-40") is caught when the campaign is created, not found in a published data package.
CC-BY-4.0 is the default: the register of councils in every export is mySociety's data under
CC BY 4.0, and the Open Government Licence of the official statistics asks for the same
(attribution), so the dataset built on them can carry it too."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    name: str   # the identifier written in the campaign file and in datapackage.json
    title: str
    path: str


LICENCES = {licence.name: licence for licence in (
    Licence("CC-BY-4.0", "Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    Licence("CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0",
            "https://creativecommons.org/licenses/by-sa/4.0/"),
    Licence("CC0-1.0", "Creative Commons Zero 1.0 (public domain)",
            "https://creativecommons.org/publicdomain/zero/1.0/"),
    Licence("ODC-BY-1.0", "Open Data Commons Attribution License 1.0", "https://opendatacommons.org/licenses/by/1-0/"),
    Licence("ODbL-1.0", "Open Data Commons Open Database License 1.0",
            "https://opendatacommons.org/licenses/odbl/1-0/"),
    Licence("PDDL-1.0", "Open Data Commons Public Domain Dedication and License 1.0",
            "https://opendatacommons.org/licenses/pddl/1-0/"),
    Licence("OGL-UK-3.0", "Open Government Licence v3.0",
            "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"),
)}
DEFAULT_LICENCE = "CC-BY-4.0"


def find_licence(name: str) -> Licence | None:
    """The licence `name` names, in any case ("cc-by-4.0"); None for one not in LICENCES."""
    folded = name.strip().casefold()
    return next((licence for key, licence in LICENCES.items() if key.casefold() == folded), None)
