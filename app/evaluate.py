"""Retrieval and answer quality on a question set: Recall@k, MRR@10 per kind, and how often `ask` is
confident. What `protokoll eval` prints and the benches and tests read.

Recall@k of a question is the share of its gold paragraphs found in the top k out of min(gold, k):
a topic with four gold paragraphs has Recall@1 = 1 when the first hit is one of them, and Recall@10 = 1
when all four are in the top 10. With one gold paragraph it is hit-or-miss. MRR@10 is 1/rank of the
first gold paragraph (0 beyond 10).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import QueryError

Ranker = Callable[[str], Sequence[tuple[str, str]]]
"""Takes a question, returns (file, paragraph) keys best first."""

KS = (1, 3, 5, 10)
DEPTH = 10


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    gold: frozenset[tuple[str, str]]
    kind: str = ""


def load_questions(path: Path) -> list[Question]:
    """Questions, one JSON object a line: {"id", "question", "kind" (optional), "gold": [{"file", "paragraph"}]}.

    An empty gold list marks a question the archive cannot answer. A malformed line is a QueryError
    naming the line.
    """
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            gold = frozenset((g["file"], str(g["paragraph"])) for g in row["gold"])
            questions.append(Question(str(row["id"]), row["question"], gold, str(row.get("kind", ""))))
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise QueryError(
                f"{path}:{number}: not a question line ({error}); expected "
                '{"id", "question", "kind", "gold": [{"file", "paragraph"}]}'
            ) from None
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


def evaluate(ranker: Ranker, questions: Sequence[Question], depth: int = DEPTH) -> list[int | None]:
    """First gold rank per question (None when not in the top `depth`)."""
    return [first_gold_rank(list(ranker(q.question))[:depth], q.gold) for q in questions]


def capped_recall(ranked: Sequence[tuple[str, str]], gold: frozenset[tuple[str, str]], k: int) -> float:
    """Share of the gold paragraphs in the top k, out of at most k."""
    return len(gold & set(ranked[:k])) / min(len(gold), k)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One question's result: its ranked keys and whether the answer was confident."""

    question: Question
    ranked: tuple[tuple[str, str], ...]
    confident: bool


@dataclass(frozen=True, slots=True)
class Row:
    """A line of the report: a kind (or "all"), its size and measures."""

    kind: str
    n: int
    recall: dict[int, float]
    mrr: float
    not_confident: float  # share of the row's questions `ask` marked not confident


def _row(kind: str, outcomes: Sequence[Outcome]) -> Row:
    answerable = [o for o in outcomes if o.question.gold]
    recall = {
        k: sum(capped_recall(o.ranked, o.question.gold, k) for o in answerable) / max(1, len(answerable)) for k in KS
    }
    ranks = [first_gold_rank(o.ranked[:DEPTH], o.question.gold) for o in answerable]
    mrr = sum(1 / r for r in ranks if r is not None) / max(1, len(answerable))
    unsure = sum(1 for o in outcomes if not o.confident) / max(1, len(outcomes))
    return Row(kind, len(outcomes), recall, mrr, unsure)


def report(outcomes: Sequence[Outcome]) -> list[Row]:
    """Rows per kind of answerable question, "all answerable", and "unanswerable" (empty gold)."""
    answerable = [o for o in outcomes if o.question.gold]
    kinds = sorted({o.question.kind for o in answerable})
    rows = [_row(kind or "-", [o for o in answerable if o.question.kind == kind]) for kind in kinds]
    rows.append(_row("all answerable", answerable))
    empty = [o for o in outcomes if not o.question.gold]
    if empty:
        rows.append(_row("unanswerable", empty))
    return rows


def format_report(rows: Iterable[Row]) -> str:
    head = f"{'kind':<16}{'n':>4}" + "".join(f"{'R@' + str(k):>7}" for k in KS) + f"{'MRR@10':>8}{'not conf.':>11}"
    lines = [head]
    for row in rows:
        measures = (
            "".join(f"{'':>7}" for _ in KS) + f"{'':>8}"
            if row.kind == "unanswerable"
            else "".join(f"{row.recall[k]:>7.3f}" for k in KS) + f"{row.mrr:>8.3f}"
        )
        lines.append(f"{row.kind:<16}{row.n:>4}{measures}{row.not_confident:>11.3f}")
    return "\n".join(lines)


def rows_to_json(rows: Iterable[Row]) -> list[dict[str, object]]:
    return [
        {
            "kind": r.kind,
            "n": r.n,
            **{f"recall@{k}": round(v, 4) for k, v in r.recall.items()},
            "mrr@10": round(r.mrr, 4),
            "not_confident": round(r.not_confident, 4),
        }
        for r in rows
    ]
