"""Councils that were merged, split or replaced, and what their figures mean for the
councils of today.

Official statistics keep a council that no longer exists under its own GSS code. Where
one council became another over the same area (a county turned unitary), its figures
are the new council's earlier years. Where a council was split, or boundaries were
redrawn, its figures belong to no council of today: they are never shared out (a made-up
share is not a figure), so its successors have no value for those years, and say why.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reorganisation:
    old: tuple[tuple[str, str], ...]   # (GSS code, name) of the councils that ended
    new: tuple[str, ...]               # GSS codes of the councils that replaced them
    first_period: str                  # the first financial year of the new councils
    same_area: bool                    # one council became another over the same area
    what: str                          # what happened, in one plain sentence


REORGANISATIONS: tuple[Reorganisation, ...] = (
    Reorganisation((("E10000023", "North Yorkshire County Council"),), ("E06000065",), "2023/24", True,
                   "North Yorkshire County Council became North Yorkshire Council, for the same area, "
                   "in April 2023"),
    Reorganisation((("E10000027", "Somerset County Council"),), ("E06000066",), "2023/24", True,
                   "Somerset County Council became Somerset Council, for the same area, in April 2023"),
    Reorganisation((("E10000002", "Buckinghamshire County Council"),), ("E06000060",), "2020/21", True,
                   "Buckinghamshire County Council became Buckinghamshire Council, for the same area, "
                   "in April 2020"),
    Reorganisation((("E10000006", "Cumbria County Council"),), ("E06000063", "E06000064"), "2023/24", False,
                   "Cumbria County Council was split into Cumberland and Westmorland and Furness in April 2023"),
    Reorganisation((("E10000021", "Northamptonshire County Council"),), ("E06000061", "E06000062"), "2021/22",
                   False, "Northamptonshire County Council was split into North Northamptonshire and "
                          "West Northamptonshire in April 2021"),
    Reorganisation((("E10000009", "Dorset County Council"), ("E06000028", "Bournemouth Borough Council"),
                    ("E06000029", "Borough of Poole")), ("E06000058", "E06000059"), "2019/20", False,
                   "Dorset County Council, Bournemouth and Poole were replaced in April 2019 by Bournemouth, "
                   "Christchurch and Poole Council and Dorset Council (Christchurch moved from Dorset to the first)"),
)

BY_OLD_CODE = {code: change for change in REORGANISATIONS for code, _name in change.old}


def carried_note(change: Reorganisation, old_code: str) -> str:
    """The note on a figure of an old council carried over to the council that replaced it."""
    return f"figure of {dict(change.old)[old_code]} ({old_code}), the same area"


def split_reason(change: Reorganisation) -> str:
    """Why a successor of a split or redrawn council has no value for the years before."""
    return f"{change.what}; the old councils' figures are not shared out between the new ones"

