"""Citations and quotes are pure functions of a paragraph and a question."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.cite import QUOTE_MAX_CHARS, answer_pattern, best_quote, cite
from indexer.keyword import stem, words
from indexer.models import EXAMPLE_PROTOCOL, Paragraph
from indexer.sentences import sentence_spans


def _norm(ws: list[str]) -> list[str]:
    return stem(words(" ".join(ws)))


def test_citation_of_the_example_protocol() -> None:
    paragraph = EXAMPLE_PROTOCOL.paragraphs[0]
    assert cite(EXAMPLE_PROTOCOL, paragraph) == (
        "Skaraborgs Kommunalförbund, Skol- och utbildningschefer, protokoll 2024-08-23, § 97"
    )


def test_citation_with_case_number_and_agenda_item() -> None:
    with_case = Paragraph("198", "Redovisning", "§ 198 Ärendenummer SLK-2025-00144\nRedovisning", "SLK-2025-00144")
    protocol = EXAMPLE_PROTOCOL
    assert cite(protocol, with_case).endswith("§ 198 (SLK-2025-00144)")
    item = Paragraph("4", "RUC", "4. Regionalt utvecklingscentrum (RUC)\nText.")
    assert cite(protocol, item).endswith("punkt 4")


def test_quote_is_the_answering_sentence() -> None:
    text = EXAMPLE_PROTOCOL.paragraphs[0].text
    quote = best_quote(text, _norm(["tilldelningen"]), _norm, {}.get, skip=text.find("\n"))
    assert quote == "Sökt belopp var 157 miljoner medan tilldelningen blev 108 miljoner kronor."


def test_quote_without_matching_words_is_the_first_body_sentence() -> None:
    text = EXAMPLE_PROTOCOL.paragraphs[0].text
    quote = best_quote(text, _norm(["cykelbanor"]), _norm, {}.get, skip=text.find("\n"))
    assert quote.startswith("Johan Strömberg informerar")


def test_sentence_spans_split_lists_and_sentences() -> None:
    text = "Beslut\n\nMötet beslutar att:\n- godkänna planen\n- lägga rapporten till handlingarna. Klart."
    pieces = [text[s:e] for s, e in sentence_spans(text)]
    assert pieces == ["Beslut", "Mötet beslutar att:", "- godkänna planen",
                      "- lägga rapporten till handlingarna.", "Klart."]


@given(st.text(min_size=1, max_size=3000), st.lists(st.sampled_from(["skola", "budget", "a", "ö"]), max_size=3))
def test_quote_is_always_an_exact_short_substring(text: str, query: list[str]) -> None:
    quote = best_quote(text, _norm(query), _norm, {}.get)
    assert quote in text
    assert len(quote) <= QUOTE_MAX_CHARS


def test_answer_kind_prefers_the_sentence_with_the_amount() -> None:
    text = EXAMPLE_PROTOCOL.paragraphs[0].text
    question = "Hur mycket statsbidrag fick regionalt yrkesvux?"
    body = text.find("\n") + 2
    quote = best_quote(text, _norm(question.split()), _norm, {}.get, skip=body, focus=(body, len(text)),
                       answer=answer_pattern(question))
    assert "108 miljoner" in quote
    # A number far from anything the question asks about is no answer.
    far = text + " Mötet har behandlat tre ärenden. Det blev paus. Lunch serverades. Kaffe kostade 20 kronor."
    quote = best_quote(far, _norm(question.split()), _norm, {}.get, skip=body, answer=answer_pattern(question))
    assert "Kaffe" not in quote and "108 miljoner" in quote


def test_answer_patterns() -> None:
    assert answer_pattern("När träffas nätverket nästa gång?").search("Nästa möte: 2024-09-20")  # type: ignore[union-attr]
    assert answer_pattern("Vem ska utreda avtalet?") is not None
    assert answer_pattern("Vad beslutades om balanskontot?") is None
