"""Matters (ärenden): the paragraphs of one case number across meetings, and related recurring items.

A matter is one case number of one organisation: every paragraph whose own case number reduces to the
same key (`indexer/index/identifiers.py`: `SLK-2024-00704`, `slk-2024-704`, … → `SLK2024:704`), in date
order. Paragraphs without a case number stay single; paragraphs of one organisation with the same title
in several meetings (regular reports, recurring items) are related, not one matter. Built at index
time from parsed protocols (pure), stored as `matters.json`, read by `app/matters.py`.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from indexer.index.identifiers import case_refs
from indexer.models import Protocol

UNDATED = "9999-99-99"
"""Sort key of a protocol without a date: after every dated meeting."""

_TITLE_NOISE = re.compile(r"[\d\W_]+")


@dataclass(frozen=True, slots=True)
class Matter:
    """One case number of one organisation: `id` as its protocols write it (suffix dropped), `key` the
    normalised form questions and the CLI are matched on, and its paragraph ids in date order."""

    id: str
    key: str
    organisation: str
    title: str
    paragraphs: tuple[int, ...]


class MatterIndex:
    """Matters and related items by paragraph id. `related` groups are paragraph ids in date order."""

    def __init__(self, matters: tuple[Matter, ...], related: tuple[tuple[int, ...], ...]) -> None:
        self.matters = matters
        self.related = related
        self._of = {pid: i for i, m in enumerate(matters) for pid in m.paragraphs}
        self._related_of = {pid: i for i, g in enumerate(related) for pid in g}

    def matter_of(self, paragraph_id: int) -> Matter | None:
        i = self._of.get(paragraph_id)
        return None if i is None else self.matters[i]

    def related_to(self, paragraph_id: int) -> tuple[int, ...]:
        """The paragraphs with this one's title in other meetings of its organisation, outside its matter."""
        i = self._related_of.get(paragraph_id)
        if i is None:
            return ()
        own = self.matter_of(paragraph_id)
        same = set(own.paragraphs) if own else {paragraph_id}
        return tuple(p for p in self.related[i] if p not in same)

    def by_key(self, key: str) -> list[Matter]:
        """The matters with this case-number key (one per organisation that uses it)."""
        return [m for m in self.matters if m.key == key]

    def to_json(self) -> dict[str, object]:
        return {
            "matters": [
                {"id": m.id, "key": m.key, "organisation": m.organisation, "title": m.title, "paragraphs": m.paragraphs}
                for m in self.matters
            ],
            "related": self.related,
        }

    @classmethod
    def from_json(cls, data: dict[str, list[object]]) -> MatterIndex:
        matters = tuple(
            Matter(m["id"], m["key"], m["organisation"], m["title"], tuple(m["paragraphs"]))  # type: ignore[index]
            for m in data["matters"]
        )
        return cls(matters, tuple(tuple(g) for g in data["related"]))  # type: ignore[arg-type]

    def save(self, file: Path) -> None:
        file.write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, file: Path) -> MatterIndex:
        return cls.from_json(json.loads(file.read_text(encoding="utf-8")))


def case_key(case_number: str) -> tuple[str, str]:
    """(key, id) of a paragraph's own case number: `SLK-2024-00704:-1` → (`SLK2024:704`, `SLK-2024-00704`).
    A number in a form no pattern knows is its own key and id."""
    refs = case_refs(case_number)
    if not refs:
        return case_number.upper(), case_number
    ref = refs[0]
    suffix = ref.full_key[len(ref.key) :]
    return ref.key, ref.written[: len(ref.written) - len(suffix)] if suffix else ref.written


def title_key(title: str) -> str:
    """A title without digits, dates and punctuation, lower case: what makes recurring items related."""
    return " ".join(_TITLE_NOISE.sub(" ", title.lower()).split())


def build_matters(protocols: Sequence[Protocol]) -> MatterIndex:
    """Matters and related groups of protocols whose paragraphs get ids in order (as the index numbers them)."""
    order: list[tuple[str, int, int]] = []  # (date, protocol, paragraph id) per paragraph id
    cases: dict[tuple[str, str], list[int]] = defaultdict(list)
    written: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    titles: dict[tuple[str, str], list[int]] = defaultdict(list)
    paragraph_titles: list[str] = []
    pid = 0
    for j, protocol in enumerate(protocols):
        for paragraph in protocol.paragraphs:
            order.append((protocol.date or UNDATED, j, pid))
            paragraph_titles.append(paragraph.title)
            if paragraph.case_number:
                key, shown = case_key(paragraph.case_number)
                cases[(protocol.organisation, key)].append(pid)
                written[(protocol.organisation, key)][shown] += 1
            if (tkey := title_key(paragraph.title)) and paragraph.number:
                titles[(protocol.organisation, tkey)].append(pid)
            pid += 1

    def in_date_order(pids: list[int]) -> tuple[int, ...]:
        return tuple(sorted(pids, key=lambda p: order[p]))

    matters = []
    for (organisation, key), pids in sorted(cases.items()):
        ordered = in_date_order(pids)
        shown = written[(organisation, key)].most_common(1)[0][0]
        matters.append(Matter(shown, key, organisation, paragraph_titles[ordered[0]], ordered))
    matter_of = {p: i for i, m in enumerate(matters) for p in m.paragraphs}
    related = tuple(
        in_date_order(pids)
        for pids in titles.values()
        if len({order[p][1] for p in pids}) > 1 and len({matter_of.get(p, -1 - p) for p in pids}) > 1
    )
    return MatterIndex(tuple(matters), related)
