"""A national figure from the councils that answered: the observed total (a floor) and an
estimate for all recipients, grossed up by a ratio to a reference figure every council has
(e.g. DfE referrals), with a bootstrap 95% interval over councils. Pure: it takes one
period's Cells (of a question or a measure) and the reference figures, and never reads the
database.

The ratio estimate: R = sum(y) / sum(x) over the councils with an exact figure y and a
reference figure x; the estimate is R times the reference total X of every recipient with a
reference figure. Suppressed figures (ranges) are in the observed floor at their lower bound
but not in the ratio, whose inputs must be exact.

The interval: the councils used are put in body-code order and re-drawn with replacement,
as many as there are, RESAMPLES times (draw i is `bootstrap_draws(n)[i]`, from
random.Random(SEED).randrange); each draw gives an estimate, and the percentile interval runs
from the k-th lowest to the k-th highest of them, k = round(RESAMPLES * 2.5%) (50 of 2,000).
A draw whose councils have no reference figure at all (every x is 0) gives no ratio and is
left out. Re-drawing treats the councils as a sample from an endless supply, but they are
n of N recipients (with a reference figure): the more of them answered, the less is left to
guess, and when all did the total is known. So each end's distance from the estimate is
multiplied by sqrt(1 - n/N), the finite population correction (as in Rao and Wu's rescaled
bootstrap).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from foi.measures.cells import Cell
from foi.output import plural

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

RESAMPLES = 2000
SEED = 18  # fixed: the same figures give the same interval on every run and machine
TAIL = 0.025  # each side of a 95% interval
MIN_COUNCILS = 2  # one council says nothing about how far others differ from it


@dataclass(frozen=True)
class ScaleBy:
    """The reference figure an estimate is scaled by, for one period: its table's name
    (ref.NAME), title, and {body_code: figure} for the recipients that have one."""

    name: str
    title: str
    values: dict[str, float]


@dataclass(frozen=True)
class Estimate:
    period: str
    recipients: int
    observed: float           # a floor: exact figures plus the lower bounds of ranges
    exact_councils: int       # councils with an exact figure
    exact_total: float
    ranged_councils: int      # councils with a range only (a suppressed '<5'), counted at its lower bound
    ranged_lower: float
    councils: int             # councils the estimate rests on: an exact figure and a reference figure
    covered: float            # their reference figures added up
    reference_total: float    # the reference figures of every recipient that has one
    without_reference: int    # recipients with no reference figure for the period
    estimate: float | None
    low: float | None
    high: float | None
    refused: str | None       # why there is no estimate, in words
    method: str
    observed_note: str

    @property
    def coverage(self) -> float | None:
        """The councils' share of the reference total."""
        return self.covered / self.reference_total if self.reference_total else None


@functools.lru_cache(maxsize=4)  # estimates of two questions for one period often rest on the same n
def bootstrap_draws(n: int, resamples: int = RESAMPLES, seed: int = SEED) -> NDArray[np.uint32]:
    """The resamples of n councils, one row of n indexes per resample, drawn with
    replacement: the very numbers random.Random(seed).randrange(n) gives one after another.
    randrange takes the top n.bit_length() bits of the generator's next 32-bit word, again
    until they make a number below n: the same words, read in bulk, filtered at once."""
    bits, wanted = n.bit_length(), n * resamples
    # A word is kept with odds n / 2**bits, so about resamples * 2**bits words are needed
    # for any n of that length (a margin makes running short all but impossible).
    words = math.ceil(resamples * 2 ** bits * 1.02) + 1024
    while True:
        tops = top_bits(bits, words, seed)
        kept = tops[tops < n]
        if len(kept) >= wanted:
            draws = kept[:wanted].reshape(resamples, n)
            draws.flags.writeable = False  # shared through the cache
            return draws
        words *= 2


@functools.lru_cache(maxsize=2)
def top_bits(bits: int, words: int, seed: int) -> NDArray[np.uint32]:
    """The top `bits` bits of each of the first `words` 32-bit words of random.Random(seed),
    as getrandbits(bits) returns them one call at a time. One getrandbits(32 * words) call
    makes the same words, the first the least significant. Cached: every estimate whose
    number of councils has the same bit length filters the same words."""
    np = numpy()
    raw = random.Random(seed).getrandbits(32 * words).to_bytes(4 * words, "little")
    tops = np.frombuffer(raw, dtype="<u4").astype(np.uint32, copy=False) >> np.uint32(32 - bits)
    tops.flags.writeable = False  # shared through the cache
    return tops


def numpy():
    """numpy, loaded the first time an estimate needs it (`foi status` starts without it),
    its OpenBLAS on one thread unless the user says otherwise: foi does no linear algebra
    with it, and OpenBLAS starting a thread for every core was a third of loading numpy.
    (The variable is read once, when numpy is first loaded.)"""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import numpy as np  # lazy: start-up

    return np


def percentile_interval(estimates: Sequence[float]) -> tuple[float | None, float | None]:
    """The k-th lowest and k-th highest, k = round(len * 2.5%) and at least 1."""
    ordered = sorted(estimates)
    k = max(1, round(len(ordered) * TAIL))
    return ordered[k - 1], ordered[len(ordered) - k]


def estimate_total(cells: list[Cell], scale: ScaleBy, *, min_coverage: float,
                   draws: Sequence[Sequence[int]] | None = None) -> Estimate:
    """The observed floor and the estimate for one period; `cells` are that period's cells
    of every recipient. `draws` replaces the bootstrap's resamples (tests)."""
    period = cells[0].period if cells else ""
    recipients = {c.body_code for c in cells}
    exact = [c for c in cells if c.exact]
    ranged = [c for c in cells if not c.exact and c.known]
    pairs = sorted((c.body_code, c.value, scale.values[c.body_code]) for c in exact
                   if c.body_code in scale.values and c.value is not None)
    reference_total = sum(v for code, v in scale.values.items() if code in recipients)
    covered = sum(x for _, _, x in pairs)
    exact_total = sum(c.value for c in exact if c.value is not None)
    ranged_lower = sum(c.low for c in ranged if c.low is not None)
    without_reference = len(recipients - set(scale.values))
    found = Estimate(
        period=period, recipients=len(recipients), observed=exact_total + ranged_lower,
        exact_councils=len(exact), exact_total=exact_total, ranged_councils=len(ranged),
        ranged_lower=ranged_lower, councils=len(pairs), covered=covered, reference_total=reference_total,
        without_reference=without_reference, estimate=None, low=None, high=None, method="",
        refused=refusal(len(pairs), covered, reference_total, scale, period, min_coverage),
        observed_note=observed_note(len(exact), len(ranged), ranged_lower))
    if found.refused:
        return found
    ys = [y for _, y, _ in pairs]
    xs = [x for _, _, x in pairs]
    resamples = draws if draws is not None else bootstrap_draws(len(pairs))
    spread = resampled_estimates(ys, xs, reference_total, resamples)
    estimate = sum(ys) * reference_total / covered
    low, high = percentile_interval(spread) if spread else (None, None)
    correction = math.sqrt(1 - len(pairs) / (len(recipients) - without_reference))
    return dataclasses.replace(
        found, estimate=estimate, low=None if low is None else estimate - correction * (estimate - low),
        high=None if high is None else estimate + correction * (high - estimate),
        method=method_sentence(len(pairs), len(recipients) - without_reference, scale, period, len(resamples)))


def resampled_estimates(ys: list[float], xs: list[float], reference_total: float,
                        draws: Sequence[Sequence[int]] | NDArray[np.uint32]) -> list[float]:
    """The ratio estimate of each draw (rows of indexes into ys and xs); a draw whose x
    add up to 0 has no ratio and is left out."""
    np = numpy()
    if not len(draws):
        return []
    indexes = np.asarray(draws).reshape(len(draws), len(ys))  # bootstrap_draws' uint32 index as they are
    y_sums = np.asarray(ys, dtype=float)[indexes].sum(axis=1)
    x_sums = np.asarray(xs, dtype=float)[indexes].sum(axis=1)
    scaled = x_sums != 0
    return (y_sums[scaled] * reference_total / x_sums[scaled]).tolist()


def refusal(councils: int, covered: float, reference_total: float, scale: ScaleBy, period: str,
            min_coverage: float) -> str | None:
    """Why no estimate can be made, or None."""
    ref = f"ref.{scale.name}"
    if not reference_total:
        return f"no recipient has a {ref} figure for {period}, so there is nothing to scale by"
    if councils == 0:
        return f"no council gave an exact figure for {period} and has a {ref} figure to scale it by"
    if councils < MIN_COUNCILS:
        return (f"only 1 council gave an exact figure for {period}: at least {MIN_COUNCILS} are needed "
                "to say how far the others may differ")
    if not covered:
        return f"the councils that gave an exact figure for {period} all have a {ref} figure of 0"
    share = covered / reference_total
    if share < min_coverage:
        return (f"the {plural(councils, 'council')} that gave an exact figure for {period} hold "
                f"{share:.1%} of the {ref} total; at least {min_coverage:.0%} is needed "
                "(min_coverage in the campaign file)")
    return None


def observed_note(exact: int, ranged: int, ranged_lower: float) -> str:
    """What the observed floor is made of."""
    note = f"exact figures from {plural(exact, 'council')}"
    if ranged:
        note += (f", plus {plural(ranged, 'suppressed figure')} (such as '<5') at the bottom of "
                 f"{'its range' if ranged == 1 else 'their ranges'}, adding {ranged_lower:,g}")
    return note


def method_sentence(councils: int, scaled_to: int, scale: ScaleBy, period: str, resamples: int) -> str:
    return (f"The total of the {plural(councils, 'council')} that gave an exact figure was scaled up to the "
            f"{plural(scaled_to, 'recipient')} with a ref.{scale.name} figure ({scale.title}, {period}) in "
            "proportion to that figure; the 95% interval is the middle 95% of the same estimate made again "
            f"from {resamples:,} random re-draws of those councils (fixed seed {SEED}), narrowed for the share of "
            "the recipients they are (the finite population correction).")
