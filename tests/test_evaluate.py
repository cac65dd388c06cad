"""The eval measures: capped recall, MRR@10, the share marked not confident, and the question file format."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.evaluate import Outcome, Question, capped_recall, format_report, load_questions, report, rows_to_json
from indexer.errors import QueryError
from indexer.index.store import read_protocols
from tests.conftest import ROOT

A, B, C, D = ("f", "1"), ("f", "2"), ("f", "3"), ("f", "4")


def test_capped_recall_counts_at_most_k_gold() -> None:
    gold = frozenset({A, B, C})
    assert capped_recall([A, D, B], gold, 1) == 1.0
    assert capped_recall([D, A, B], gold, 1) == 0.0
    assert capped_recall([A, D, B], gold, 3) == pytest.approx(2 / 3)
    assert capped_recall([A], frozenset({A}), 10) == 1.0


def test_report_per_kind_and_unanswerable() -> None:
    outcomes = [
        Outcome(Question("1", "q", frozenset({A}), "fact"), (A, B), True),
        Outcome(Question("2", "q", frozenset({B}), "fact"), (A, C, D, B), False),
        Outcome(Question("3", "q", frozenset({C, D}), "topic"), (C, A, D), True),
        Outcome(Question("4", "q", frozenset(), "unanswerable"), (A,), False),
        Outcome(Question("5", "q", frozenset(), "unanswerable"), (A,), True),
    ]
    rows = {r.kind: r for r in report(outcomes)}
    assert rows["fact"].recall[1] == 0.5 and rows["fact"].recall[5] == 1.0
    assert rows["fact"].mrr == pytest.approx((1 + 1 / 4) / 2)
    assert rows["topic"].recall[1] == 1.0 and rows["topic"].recall[3] == 1.0
    assert rows["all answerable"].n == 3 and rows["all answerable"].not_confident == pytest.approx(1 / 3)
    assert rows["unanswerable"].not_confident == 0.5
    assert "unanswerable" in format_report(rows.values())
    assert rows_to_json([rows["fact"]])[0]["recall@1"] == 0.5


def test_question_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "1", "question": "q", "gold": []}\n{"id": "2"}\n', encoding="utf-8")
    with pytest.raises(QueryError, match=r"q.jsonl:2"):
        load_questions(path)


QUESTION_SETS = sorted(p for p in (ROOT / "tests" / "eval").glob("*.jsonl") if p.name != "quotes.jsonl")
"""Every question set (quotes.jsonl holds answer sentences, not questions)."""


@pytest.mark.parametrize("path", QUESTION_SETS, ids=lambda p: p.name)
def test_every_gold_paragraph_of_the_question_sets_exists(path: Path, corpus_index: Path) -> None:
    """A gold that names no paragraph of the corpus (a typo, a renumbered file) would count as a miss forever."""
    protocols = read_protocols(corpus_index)
    paragraphs = {(p.source, "header") for p in protocols.values()}
    paragraphs |= {(p.source, x.number) for p in protocols.values() for x in p.paragraphs}
    questions = load_questions(path)
    assert len({q.id for q in questions}) == len(questions), "ids repeat"
    assert [g for q in questions for g in sorted(q.gold) if g not in paragraphs] == []
