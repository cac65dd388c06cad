"""Retrieval quality: Recall@k of gold paragraphs for a list of questions (dev and corpus sets)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

Ranker = Callable[[str], Sequence[tuple[str, str]]]
"""Takes a question, returns (file, paragraph) keys best first."""


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    gold: frozenset[tuple[str, str]]


def load_questions(path: Path) -> list[Question]:
    """Questions in the dev.jsonl format: {"id", "question", "gold": [{"file", "paragraph"}]}."""
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            gold = frozenset((g["file"], str(g["paragraph"])) for g in row["gold"])
            questions.append(Question(row["id"], row["question"], gold))
    return questions


def first_gold_rank(ranked: Sequence[tuple[str, str]], gold: frozenset[tuple[str, str]]) -> int | None:
    """1-based rank of the first gold paragraph, or None when none was found."""
    for rank, key in enumerate(ranked, start=1):
        if key in gold:
            return rank
    return None


def recall_at(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions with a gold paragraph in the top k."""
    return sum(1 for r in ranks if r is not None and r <= k) / max(1, len(ranks))


def evaluate(ranker: Ranker, questions: Sequence[Question], depth: int = 10) -> list[int | None]:
    """First gold rank per question (None when not in the top `depth`)."""
    return [first_gold_rank(list(ranker(q.question))[:depth], q.gold) for q in questions]
