"""Matters at query time: a case number's path across meetings, the list of matters, and the steps a hit shows.

The matters themselves are built at index time (`indexer/index/matters.py`); this module reads them with
the paragraph records (outcome, proposal, votes, reservations, yrkanden) and turns them into the records
the CLI, the UI and the answers use. Pure functions of a loaded index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.cite import cite
from app.filters import paragraph_mask
from indexer.errors import QueryError
from indexer.index.identifiers import CASE_IN_QUESTION, CASE_WITHOUT_PREFIX, case_refs
from indexer.index.matters import Matter
from indexer.index.store import StoredIndex
from indexer.models import Filters, MatterStep, Outcome, Paragraph, Protocol, Stance, Vote

MATTER_KEYS = ("matter", "organisation", "title", "appearances", "status")
"""The keys of `matter --json` (a contract: keys are added, never renamed)."""
APPEARANCE_KEYS = (
    "date",
    "body",
    "paragraph",
    "file",
    "title",
    "outcome",
    "proposal_to",
    "proposed",
    "decision",
    "votes",
    "reservations",
    "citation",
    "motions",
    "case_number",
)
"""The keys of one appearance in `matter --json`."""
RELATED_MAX_STEPS = 10
"""A hit shows at most the 10 newest related items (in corpus/ the largest group, jäv and anmälningar of
Göteborg KS, has 10)."""
LIST_KEYS = ("matter", "organisation", "title", "first_date", "latest_date", "status", "appearances")
"""The keys of one row of `matters --json`."""


@dataclass(frozen=True, slots=True)
class Appearance:
    """One paragraph of a matter: the meeting, what was decided, and how."""

    protocol: Protocol
    paragraph: Paragraph
    paragraph_id: int

    @property
    def citation(self) -> str:
        return cite(self.protocol, self.paragraph)


def appearances(index: StoredIndex, matter: Matter) -> list[Appearance]:
    """The matter's paragraphs with their protocols, in date order."""
    owner = index.tables.paragraph_protocol
    return [Appearance(index.protocols[int(owner[p])], index.paragraphs.get(p), p) for p in matter.paragraphs]


def steps(index: StoredIndex, paragraph_ids: Sequence[int]) -> tuple[MatterStep, ...]:
    """Compact steps (date, body, §, outcome) of paragraphs, for a hit's inline timeline."""
    owner = index.tables.paragraph_protocol
    found = []
    for pid in paragraph_ids:
        protocol = index.protocols[int(owner[pid])]
        paragraph = index.paragraphs.get(pid)
        found.append(
            MatterStep(
                date=protocol.date,
                body=protocol.body,
                paragraph=paragraph.number,
                file=protocol.source,
                outcome=paragraph.outcome.value if paragraph.outcome else None,
                proposal_to=paragraph.proposal_to,
                proposed=paragraph.proposed.value if paragraph.proposed else None,
            )
        )
    return tuple(found)


def hit_matter(index: StoredIndex, paragraph_id: int, paragraph: Paragraph) -> dict[str, Any]:
    """The matter fields of a hit on this paragraph: `matter`, `outcome`, `matter_appearances`,
    `matter_path` and `related`."""
    matter = index.matters.matter_of(paragraph_id)
    related = index.matters.related_to(paragraph_id)[-RELATED_MAX_STEPS:]
    return {
        "matter": matter.id if matter else None,
        "outcome": paragraph.outcome.value if paragraph.outcome else None,
        "matter_appearances": len(matter.paragraphs) if matter else 0,
        "matter_path": steps(index, matter.paragraphs) if matter else (),
        "related": steps(index, related),
    }


def status(path: Sequence[Appearance]) -> Outcome | None:
    """The outcome of the matter's latest appearance."""
    return path[-1].paragraph.outcome if path else None


def find_matters(index: StoredIndex, written: str, organisation: str | None = None) -> list[Matter]:
    """The matters a case number names, in any form (`SLK-2024-00704`, `slk-2024-704`, `BUN/2023:206`,
    `2024-00704`); one per organisation using it, or only `organisation`'s. Raises QueryError for text that
    is no case number."""
    refs = case_refs(written, CASE_IN_QUESTION) or case_refs(written, CASE_WITHOUT_PREFIX)
    if not refs:
        raise QueryError(
            f"»{written.strip()}« är inget ärendenummer / is not a case number "
            "(e.g. SLK-2024-00704, BUN/2023:206, KS 2024/15)"
        )
    ref = refs[0]
    if ref.prefix:
        found = index.matters.by_key(ref.key)
    else:
        keys = {k for k in index.matters.keys if k.endswith(ref.key) and k[: -len(ref.key)].isalpha()}
        found = [m for k in sorted(keys) for m in index.matters.by_key(k)]
    if organisation is not None:
        found = [m for m in found if m.organisation.casefold() == organisation.casefold()]
    return found


def _vote_json(vote: Vote, text: str) -> dict[str, object]:
    return {
        "yes": vote.yes,
        "no": vote.no,
        "abstain": vote.abstain,
        "proposition": vote.proposition,
        "text": text[vote.start : vote.end],
    }


def stance_json(stance: Stance, text: str) -> dict[str, object]:
    return {"persons": list(stance.persons), "parties": list(stance.parties), "text": text[stance.start : stance.end]}


def appearance_json(step: Appearance) -> dict[str, object]:
    p = step.paragraph
    return {
        "date": step.protocol.date,
        "body": step.protocol.body,
        "paragraph": p.number,
        "file": step.protocol.source,
        "title": p.title,
        "outcome": p.outcome.value if p.outcome else None,
        "proposal_to": p.proposal_to,
        "proposed": p.proposed.value if p.proposed else None,
        "decision": p.decision,
        "votes": [_vote_json(v, p.text) for v in p.votes],
        "reservations": [stance_json(s, p.text) for s in p.reservations],
        "citation": step.citation,
        "motions": [stance_json(s, p.text) for s in p.motions],
        "case_number": p.case_number,
    }


def matter_json(index: StoredIndex, matter: Matter) -> dict[str, object]:
    """`matter --json`: the matter and its appearances in date order, `status` the latest outcome."""
    path = appearances(index, matter)
    latest = status(path)
    return {
        "matter": matter.id,
        "organisation": matter.organisation,
        "title": matter.title,
        "appearances": [appearance_json(a) for a in path],
        "status": latest.value if latest else None,
    }


@dataclass(frozen=True, slots=True)
class MatterRow:
    """One line of `matters`: the matter, its first and latest meeting dates, and its status."""

    matter: Matter
    first_date: str | None
    latest_date: str | None
    status: Outcome | None
    appearances: int

    def to_json(self) -> dict[str, object]:
        return {
            "matter": self.matter.id,
            "organisation": self.matter.organisation,
            "title": self.matter.title,
            "first_date": self.first_date,
            "latest_date": self.latest_date,
            "status": self.status.value if self.status else None,
            "appearances": self.appearances,
        }


def list_matters(index: StoredIndex, filters: Filters | None = None, outcome: str | None = None) -> list[MatterRow]:
    """Matters with an appearance the filters allow (body, organisation, dates), whose latest outcome is
    `outcome` if given; newest latest date first. Raises QueryError for an unknown outcome or name."""
    wanted = None
    if outcome is not None:
        try:
            wanted = Outcome(outcome.strip().lower())
        except ValueError:
            raise QueryError(
                f"okänt utfall / unknown outcome: {outcome!r}; one of: {', '.join(o.value for o in Outcome)}"
            ) from None
    mask = paragraph_mask(index.tables, filters)
    owner = index.tables.paragraph_protocol
    rows = []
    for matter in index.matters.matters:
        if mask is not None and not np.any(mask[list(matter.paragraphs)]):
            continue
        latest_id = matter.paragraphs[-1]
        latest = index.paragraphs.get(latest_id).outcome
        if wanted is not None and latest is not wanted:
            continue
        first_date = index.protocols[int(owner[matter.paragraphs[0]])].date
        latest_date = index.protocols[int(owner[latest_id])].date
        rows.append(MatterRow(matter, first_date, latest_date, latest, len(matter.paragraphs)))
    rows.sort(key=lambda r: (r.latest_date or "", r.matter.id), reverse=True)
    return rows
