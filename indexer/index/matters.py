"""Matters (ärenden): the paragraphs of one case number across meetings, and related recurring items.

A matter is one case number of one organisation: every paragraph whose own case number reduces to the
same key (`indexer/index/identifiers.py`: `SLK-2024-00704`, `slk-2024-704`, … → `SLK2024:704`), in date
order. Paragraphs without a case number stay single; paragraphs of one organisation with the same title
in several meetings (regular reports, recurring items) are related, not one matter. Built at index
time from parsed protocols (pure), stored as `matters.json` and `matters.npz`, read by `app/matters.py`.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

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
    """Matters and related items over paragraph ids, kept as arrays: `matter_of` and `related_to` are
    array lookups, and loading reads one npz and the matters' names (measured at 100k chunks, 22,674
    matters: 0.2 s as JSON records with dicts, see docs/scale.md).

    `paragraphs[offsets[i]:offsets[i + 1]]` are matter i's paragraph ids in date order; `of[pid]` is the
    matter of a paragraph (-1: none). The same three arrays hold the related groups.
    """

    def __init__(
        self,
        names: dict[str, list[str]],
        arrays: dict[str, NDArray[np.int64]],
    ) -> None:
        self.ids = names["ids"]
        self.keys = names["keys"]
        self.titles = names["titles"]
        self.organisations = names["organisations"]
        self._arrays = arrays
        self._by_key: dict[str, list[int]] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def _members(self, kind: str, i: int) -> tuple[int, ...]:
        offsets = self._arrays[f"{kind}_offsets"]
        return tuple(self._arrays[f"{kind}_paragraphs"][offsets[i] : offsets[i + 1]].tolist())

    def matter(self, i: int) -> Matter:
        organisation = self.organisations[int(self._arrays["matter_organisation"][i])]
        return Matter(self.ids[i], self.keys[i], organisation, self.titles[i], self._members("matter", i))

    @property
    def matters(self) -> Iterator[Matter]:
        return (self.matter(i) for i in range(len(self)))

    def matter_of(self, paragraph_id: int) -> Matter | None:
        of = self._arrays["matter_of"]
        i = int(of[paragraph_id]) if 0 <= paragraph_id < of.size else -1
        return None if i < 0 else self.matter(i)

    def related_to(self, paragraph_id: int) -> tuple[int, ...]:
        """The paragraphs with this one's title in other meetings of its organisation, outside its matter."""
        of = self._arrays["related_of"]
        i = int(of[paragraph_id]) if 0 <= paragraph_id < of.size else -1
        if i < 0:
            return ()
        own = self.matter_of(paragraph_id)
        same = set(own.paragraphs) if own else {paragraph_id}
        return tuple(p for p in self._members("related", i) if p not in same)

    @property
    def related(self) -> list[tuple[int, ...]]:
        return [self._members("related", i) for i in range(self._arrays["related_offsets"].size - 1)]

    def by_key(self, key: str) -> list[Matter]:
        """The matters with this case-number key (one per organisation that uses it)."""
        if self._by_key is None:
            by_key: dict[str, list[int]] = defaultdict(list)
            for i, k in enumerate(self.keys):
                by_key[k].append(i)
            self._by_key = by_key
        return [self.matter(i) for i in self._by_key.get(key, [])]

    def save(self, folder: Path) -> None:
        names = {"ids": self.ids, "keys": self.keys, "titles": self.titles, "organisations": self.organisations}
        (folder / MATTERS_NAMES).write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
        np.savez(folder / MATTERS_ARRAYS, **self._arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, folder: Path) -> MatterIndex:
        names = json.loads((folder / MATTERS_NAMES).read_text(encoding="utf-8"))
        with np.load(folder / MATTERS_ARRAYS) as saved:
            arrays = {name: saved[name] for name in saved.files}
        return cls(names, arrays)


MATTERS_NAMES = "matters.json"
"""Each matter's id, key and title, and the organisation names (index folder)."""
MATTERS_ARRAYS = "matters.npz"
"""Matter and related-group membership as paragraph-id arrays (index folder)."""


def _groups(groups: Sequence[Sequence[int]], n_paragraphs: int) -> dict[str, NDArray[np.int64]]:
    sizes = [len(g) for g in groups]
    offsets = np.zeros(len(groups) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    members = np.fromiter((p for g in groups for p in g), dtype=np.int64, count=int(offsets[-1]))
    of = np.full(n_paragraphs, -1, dtype=np.int64)
    for i, g in enumerate(groups):
        of[list(g)] = i
    return {"offsets": offsets, "paragraphs": members, "of": of}


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

    names: dict[str, list[str]] = {"ids": [], "keys": [], "titles": [], "organisations": []}
    organisation_ids: dict[str, int] = {}
    members: list[tuple[int, ...]] = []
    owner: list[int] = []
    for (organisation, key), pids in sorted(cases.items()):
        ordered = in_date_order(pids)
        names["ids"].append(written[(organisation, key)].most_common(1)[0][0])
        names["keys"].append(key)
        names["titles"].append(paragraph_titles[ordered[0]])
        owner.append(organisation_ids.setdefault(organisation, len(organisation_ids)))
        members.append(ordered)
    names["organisations"] = list(organisation_ids)
    matter_of = {p: i for i, m in enumerate(members) for p in m}
    related = [
        in_date_order(pids)
        for pids in titles.values()
        if len({order[p][1] for p in pids}) > 1 and len({matter_of.get(p, -1 - p) for p in pids}) > 1
    ]
    arrays = {f"matter_{k}": v for k, v in _groups(members, pid).items()}
    arrays |= {f"related_{k}": v for k, v in _groups(related, pid).items()}
    arrays["matter_organisation"] = np.asarray(owner, dtype=np.int64)
    return MatterIndex(names, arrays)
