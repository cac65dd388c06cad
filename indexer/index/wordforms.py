"""Word forms for keyword search (experimental, bench/wordforms.py): compound parts and thesaurus synonyms.

Nothing here is on the default search path. The functions turn a word into more weighted terms: the
parts of a compound ("statsbidrag" → "stat", "bidrag") and synonyms from a MyThes thesaurus
(Debian's mythes-sv). Matching happens in stem space, so Snowball's endings cover inflection and the
linking s/e of Swedish compounds ("stats-", "yrkes-") as well as a dropped final vowel ("skol-").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indexer.index.keyword import stem

WeightedTerms = dict[str, float]
"""Stems with their weights: a document's term frequencies or a question's term weights."""

MIN_PART = 4
"""Shortest compound part as normalized (a stem): 'stat', 'skol'; 'yrk(es)' and 'vux' need 3."""


def _identity(word: str) -> str:
    return word


def split_compound(
    word: str, vocabulary: Container[str], min_part: int = MIN_PART, normalize: Callable[[str], str] = _identity
) -> list[str]:
    """The parts of a compound as normalized known words, or [] when the word is not one.

    A split has at least two parts, each known once normalized (`normalize(piece) in vocabulary`,
    e.g. a Swedish stem) and at least `min_part` characters long as normalized; a non-final piece may
    end in a linking 's' ("stats" → "stat"). Of all splits the one with the fewest parts wins, then
    the one with fewer linking s, then the one whose shortest part is longest ("kommun|styrelsen",
    not "kommuns|tyrelsen").
    """
    n = len(word)

    def known(piece: str) -> str | None:
        part = normalize(piece)
        return part if len(part) >= min_part and part in vocabulary else None

    # best[i]: the best split of word[i:] as ((parts, links, -shortest), parts), or None.
    Split = tuple[tuple[int, int, int], list[str]]
    best: list[Split | None] = [None] * (n + 1)
    best[n] = ((0, 0, -n), [])
    for start in range(n - 1, -1, -1):
        for end in range(start + 1, n + 1):
            rest = best[end]
            if rest is None or (start == 0 and end == n):  # the whole word is no split
                continue
            part, link = known(word[start:end]), 0
            if part is None and end < n and word[end - 1] == "s":
                part, link = known(word[start : end - 1]), 1
            if part is None:
                continue
            (parts, links, shortest), rest_parts = rest
            candidate: Split = ((parts + 1, links + link, max(shortest, -len(part))), [part, *rest_parts])
            current = best[start]
            if current is None or candidate[0] < current[0]:
                best[start] = candidate
    found = best[0]
    return [] if found is None else found[1]


@lru_cache(maxsize=1 << 18)
def stem_word(word: str) -> str:
    """A lower-cased word's Snowball stem as keyword search indexes it; '' for a stopword."""
    stems = stem([word])
    return stems[0] if stems else ""


def weighted_terms(tokens: Iterable[str], more: Callable[[str], Iterable[str]], weight: float) -> WeightedTerms:
    """Each token's stem at weight 1 and the stems `more(token)` adds at `weight` (weights summed).

    With `more` returning nothing these are the counts of `stem(tokens)`: what `analyze` indexes.
    """
    out: defaultdict[str, float] = defaultdict(float)
    for token in tokens:
        key = stem_word(token)
        if not key:
            continue
        out[key] += 1.0
        for extra in more(token):
            if extra:
                out[extra] += weight
    return dict(out)


def dictionary_words(path: Path) -> list[str]:
    """The lower-cased stems of a Hunspell .dic file (affix flags and compound hyphens dropped)."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()[1:]  # line 1: the count
    words = (line.split("/", 1)[0].strip().strip("-").lower() for line in lines)
    return [w for w in words if w.isalpha()]


@dataclass(frozen=True, slots=True)
class Thesaurus:
    """A MyThes thesaurus: each head word's one-word synonyms, in the order the file gives them."""

    entries: dict[str, tuple[str, ...]]

    @classmethod
    def parse(cls, lines: Iterable[str]) -> Thesaurus:
        """Read MyThes .dat lines (after the encoding line): 'word|n', then n lines '(pos)|syn|syn…'.

        Multi-word synonyms ("avsäga sig tronen") are left out: a keyword index has single words.
        """
        entries: dict[str, list[str]] = {}
        head: list[str] | None = None
        for line in lines:
            fields = line.rstrip("\n").split("|")
            if len(fields) == 2 and fields[1].strip().isdigit() and not line.startswith(("(", "|")):
                head = entries.setdefault(fields[0].strip().lower(), [])
            elif head is not None and len(fields) > 1:
                for synonym in fields[1:]:
                    word = synonym.strip().lower()
                    if word and " " not in word and word not in head:
                        head.append(word)
        return cls({word: tuple(syns) for word, syns in entries.items() if syns})

    @classmethod
    def load(cls, path: Path) -> Thesaurus:
        """Read a MyThes .dat file in the encoding its first line names (ISO-8859-1 for sv_SE)."""
        with open(path, "rb") as raw:
            encoding = raw.readline().decode("ascii").strip() or "utf-8"
        with open(path, encoding=encoding) as text:
            text.readline()
            return cls.parse(text)

    def synonyms(self, word: str) -> tuple[str, ...]:
        """The one-word synonyms of a lower-cased head word ('abrupt' → 'plötslig', …), () if none."""
        return self.entries.get(word, ())

    def by_stem(self, stem: Callable[[str], str]) -> dict[str, tuple[str, ...]]:
        """Synonym stems per head-word stem, so an inflected question word finds its entry."""
        out: dict[str, list[str]] = {}
        for word, syns in self.entries.items():
            key = stem(word)
            if not key:
                continue
            group = out.setdefault(key, [])
            group.extend(s for s in map(stem, syns) if s and s != key and s not in group)
        return {key: tuple(group) for key, group in out.items() if group}
