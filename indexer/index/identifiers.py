"""Identifiers of paragraphs: case numbers (diarienummer) and person names, found in text and in questions.

A case number is written many ways: `SLK-2025-00144`, `BUN/2023:206`, `SN/2026:110`, `Dnr KS 2024/15`,
`KS 2024.123`, sometimes with a suffix (`SLK-2024-00010:-1`, `:26`). All are reduced to one key,
prefix + year + number without leading zeros (`SLK2025:144`), so a question matches whatever form the
protocol used. The index maps each key to the paragraphs that carry it (their own case number) or cite it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from indexer.models import Protocol

_CASE = (
    r"(?<![\w/-])(?P<prefix>{letters})(?:[-/ ]|\s*-\s*)?(?P<year>(?:19|20)\d\d)[-:/.](?P<number>\d{{1,6}})"
    r"(?P<suffix>:-?\d{{1,3}})?(?![\d]|-\d)"
)
CASE_IN_TEXT = re.compile(_CASE.format(letters="[A-ZÅÄÖ]{1,6}"))
"""A case number as protocols write it: an upper-case prefix of 1–6 letters, year, number. In corpus/ this
finds 566 SLK-…, 63 BUN/…, SN/…, KFN/… and KS numbers, and SOU/Ds references (also worth looking up)."""
CASE_IN_QUESTION = re.compile(_CASE.format(letters="[A-Za-zÅÄÖåäö]{1,6}"))
"""In a question the prefix may be typed in lower case (`slk-2024-00754`, `bun/2023:16`)."""

CASE_WITHOUT_PREFIX = re.compile(
    r"(?<![\w/.:-])(?P<prefix>)(?P<year>(?:19|20)\d\d)[-/:.](?P<number>\d{3,6})"
    r"(?P<suffix>:-?\d{1,3})?(?![\d]|-\d)"
)
"""A case number pasted without its prefix (`2024-00689`): at least three digits after the year, so a
month (`2024-03`) or a riksmöte (`2022/23`) is not taken for one."""

CASE_CUES = re.compile(r"\b(?:ärende\w*|dnr|diarie\w*|diarienr)\b", re.IGNORECASE)
"""Words that say the next identifier is a case number even when its prefix is unknown to the index."""

_PARTY = re.compile(r"\s*\([^)]*\)")
_NAME = re.compile(r"^(?:Ordföranden?\s+|Sekreterare\s+)?(?P<name>[A-ZÅÄÖÉ][\w'-]+(?:\s+[A-ZÅÄÖÉ][\w'-]+){1,3})")
PERSON_IN_TEXT = re.compile(
    r"\b[A-ZÅÄÖÉ][a-zåäöéü]+(?:-[A-ZÅÄÖÉ][a-zåäöéü]+)?\s+[A-ZÅÄÖÉ][a-zåäöéü]+"
    r"(?:-[A-ZÅÄÖÉ][a-zåäöéü]+)?"
)
"""First name and surname: kept as a person only when the first name is one a protocol header lists."""


@dataclass(frozen=True, slots=True)
class CaseRef:
    """A case number found in text: its key, the key with its suffix (when written), and the text."""

    key: str
    full_key: str
    written: str
    prefix: str


def case_refs(text: str, pattern: re.Pattern[str] = CASE_IN_TEXT) -> list[CaseRef]:
    """The case numbers written in `text`, in order."""
    refs = []
    for m in pattern.finditer(text):
        prefix = m["prefix"].upper()
        key = f"{prefix}{m['year']}:{int(m['number'])}"
        suffix = m["suffix"] or ""
        refs.append(CaseRef(key, key + suffix, m.group(0), prefix))
    return refs


def person_key(name: str) -> str | None:
    """`Jonas Attenius (S)`, `Ordföranden Jonas Attenius (S)`, `Tina Hededal, Essunga` → `jonas attenius`."""
    plain = _PARTY.sub("", name.split(",")[0]).strip()
    m = _NAME.match(plain)
    return " ".join(m["name"].lower().split()) if m else None


def known_people(protocols: Iterable[Protocol]) -> set[str]:
    """Person keys of everyone a header lists, in any protocol of the index."""
    return {key for p in protocols for person in p.participants if (key := person_key(person.name))}


def people_in(text: str, people: set[str], first_names: set[str]) -> set[str]:
    """Person keys named in `text`: header names, and any first name + surname whose first name a header has."""
    found = set()
    for m in PERSON_IN_TEXT.finditer(text):
        key = " ".join(m.group(0).lower().split())
        if key in people or key.split()[0] in first_names:
            found.add(key)
    return found


@dataclass(frozen=True, slots=True)
class IdentifierIndex:
    """Paragraph ids by case-number key (own number first, then citing paragraphs) and by person key."""

    cases: dict[str, NDArray[np.int64]]
    own_cases: dict[str, NDArray[np.int64]]
    people: dict[str, NDArray[np.int64]]

    @property
    def prefixes(self) -> frozenset[str]:
        """Case-number prefixes the index knows (`SLK`, `BUN`, …): a question using one asks for a case."""
        return frozenset(re.match(r"\D+", key).group(0) for key in self.cases)  # type: ignore[union-attr]

    def case(self, ref: CaseRef) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(paragraphs whose own case number this is, paragraphs that cite it). A written suffix narrows;
        a number without a prefix (`2024:689`) stands for it under every prefix."""
        if not ref.prefix:
            found = [
                self.case(CaseRef(key, key + ref.full_key[len(ref.key) :], ref.written, key[: -len(ref.key)]))
                for key in self.cases
                if key.endswith(ref.key) and key[: -len(ref.key)].isalpha()
            ]
            own_all = np.unique(np.concatenate([o for o, _ in found] + [_NONE]))
            return own_all, np.setdiff1d(np.unique(np.concatenate([c for _, c in found] + [_NONE])), own_all)
        own = self.own_cases.get(ref.full_key) if ref.full_key != ref.key else None
        if own is None or own.size == 0:
            own = self.own_cases.get(ref.key, _NONE)
        cited = np.setdiff1d(self.cases.get(ref.key, _NONE), own)
        return own, cited

    def to_json(self) -> dict[str, dict[str, list[int]]]:
        return {name: {k: v.tolist() for k, v in getattr(self, name).items()} for name in _FIELDS}

    @classmethod
    def from_json(cls, data: dict[str, dict[str, list[int]]]) -> IdentifierIndex:
        return cls(**{name: {k: np.asarray(v, dtype=np.int64) for k, v in data[name].items()} for name in _FIELDS})

    def save(self, file: Path) -> None:
        file.write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, file: Path) -> IdentifierIndex:
        return cls.from_json(json.loads(file.read_text(encoding="utf-8")))


_FIELDS = ("cases", "own_cases", "people")
_NONE = np.zeros(0, dtype=np.int64)


def build_identifiers(protocols: Sequence[Protocol]) -> IdentifierIndex:
    """Identifier keys of every paragraph, paragraph ids numbered as in `indexer.index.tables` (protocol order)."""
    cases: dict[str, list[int]] = {}
    own: dict[str, list[int]] = {}
    people: dict[str, list[int]] = {}
    everyone = known_people(protocols)
    first_names = {key.split()[0] for key in everyone}
    pid = 0
    for protocol in protocols:
        for paragraph in protocol.paragraphs:
            for ref in case_refs(paragraph.case_number or ""):
                for key in {ref.key, ref.full_key}:
                    own.setdefault(key, []).append(pid)
            for key in {ref.key for ref in case_refs(paragraph.text)} | {
                ref.key for ref in case_refs(paragraph.case_number or "")
            }:
                cases.setdefault(key, []).append(pid)
            for key in people_in(paragraph.text, everyone, first_names):
                people.setdefault(key, []).append(pid)
            pid += 1
    return IdentifierIndex(*({k: np.asarray(v, dtype=np.int64) for k, v in d.items()} for d in (cases, own, people)))
