"""Vectorised ranking over candidate paragraphs: per-paragraph maxima and z-score fusion. Pure numpy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

MISSING = -np.inf
"""Score of a paragraph a view has nothing for (no sentence windows, no keyword document)."""


@dataclass(frozen=True, slots=True)
class Scale:
    """How one view's paragraph scores spread: mean, standard deviation and lowest present score."""

    mean: float
    sd: float
    low: float

    @classmethod
    def of(cls, scores: NDArray[np.floating]) -> Scale | None:
        """The scale of the present scores, or None when the view has none (it is then left out)."""
        present = scores[scores > MISSING]
        if present.size == 0:
            return None
        return cls(float(present.mean()), float(present.std()), float(present.min()))

    def z(self, scores: NDArray[np.floating]) -> NDArray[np.float64]:
        """Scores standardised; a missing score gets the lowest present one's z (the view's floor)."""
        if self.sd == 0.0:
            return np.zeros(scores.shape, dtype=np.float64)
        filled = np.where(scores > MISSING, scores, self.low).astype(np.float64)
        return (filled - self.mean) / self.sd


def expand_ranges(ranges: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Rows `start:end` of each (start, end) pair laid end to end, and which pair each row came from."""
    lengths = ranges[:, 1] - ranges[:, 0]
    owner = np.repeat(np.arange(len(ranges), dtype=np.int64), lengths)
    first = np.repeat(ranges[:, 0] - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return first + np.arange(int(lengths.sum()), dtype=np.int64), owner


def max_per_group(values: NDArray[np.floating], group: NDArray[np.int64], n_groups: int) -> NDArray[np.float64]:
    """The largest value of each group (MISSING where a group has none).

    Groups come sorted from the engine (chunks lie in paragraph order), so one `np.maximum.reduceat`
    over the runs does it, several times faster than `np.maximum.at`; unsorted input is sorted first.
    """
    out = np.full(n_groups, MISSING, dtype=np.float64)
    if group.size == 0:
        return out
    if np.any(group[1:] < group[:-1]):
        order = np.argsort(group, kind="stable")
        group, values = group[order], values[order]
    starts = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
    out[group[starts]] = np.maximum.reduceat(np.asarray(values, dtype=np.float64), starts)
    return out


def fuse(
    views: Sequence[NDArray[np.floating]], scales: Sequence[Scale | None], weights: Sequence[float]
) -> NDArray[np.float64]:
    """Weighted sum of each view's z-scores; a view without a scale (absent from the index) is skipped."""
    total = np.zeros(len(views[0]) if views else 0, dtype=np.float64)
    for scores, scale, weight in zip(views, scales, weights):
        if scale is not None:
            total += weight * scale.z(scores)
    return total
