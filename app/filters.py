"""Filters as a boolean mask over paragraph ids, checked against the names and dates in the index."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from indexer.errors import QueryError
from indexer.index.tables import NO_DATE, IndexTables, day_number
from indexer.models import Filters


def _name_ids(wanted: Sequence[str], known: Sequence[str], what: str) -> NDArray[np.int32]:
    """Ids of the wanted names (compared case-insensitively); an unknown name is an error listing the known."""
    by_folded = {name.casefold(): i for i, name in enumerate(known)}
    ids = []
    for name in wanted:
        i = by_folded.get(" ".join(name.split()).casefold())
        if i is None:
            choices = "; ".join(known)
            raise QueryError(f"okänd {what} / unknown {what}: {name!r}. I indexet finns / the index has: {choices}")
        ids.append(i)
    return np.asarray(ids, dtype=np.int32)


def _day(value: str | None, flag: str) -> int | None:
    if not value:
        return None
    day = day_number(value)
    if day == NO_DATE:
        raise QueryError(f"{flag}: ogiltigt datum / not a date: {value!r} (use YYYY-MM-DD)")
    return day


def paragraph_mask(tables: IndexTables, filters: Filters | None) -> NDArray[np.bool_] | None:
    """Which paragraphs the filters allow (None: all of them). Unknown names and bad dates raise QueryError."""
    if filters is None or filters.is_empty:
        return None
    mask = np.ones(tables.n_paragraphs, dtype=bool)
    if filters.organisations:
        mask &= np.isin(
            tables.paragraph_organisation, _name_ids(filters.organisations, tables.organisations, "organisation")
        )
    if filters.bodies:
        mask &= np.isin(tables.paragraph_body, _name_ids(filters.bodies, tables.bodies, "organ/body"))
    start, end = _day(filters.date_from, "--from"), _day(filters.date_to, "--to")
    if start is not None or end is not None:
        dated = tables.paragraph_day != NO_DATE
        mask &= dated
        if start is not None:
            mask &= tables.paragraph_day >= start
        if end is not None:
            mask &= tables.paragraph_day <= end
    if filters.decisions_only:
        mask &= tables.paragraph_has_decision
    return mask
