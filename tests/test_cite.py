"""Citations and quotes are pure functions of a paragraph and a question."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.cite import QUOTE_MAX_CHARS, answer_pattern, author_span, best_quote, best_quote_span, cite, title_span
from indexer.index.keyword import analyze_query, analyze_tokens, stem, words
from indexer.models import EXAMPLE_PROTOCOL, Paragraph
from indexer.parse.protocol import parse_protocol
from indexer.parse.sentences import SECTION_HEADINGS, heading_spans, quote_spans, sentence_spans
from indexer.read.files import list_protocol_files
from indexer.read.text import read_protocol_text
from tests.conftest import CORPUS


def _norm(ws: list[str]) -> list[str]:
    return stem(words(" ".join(ws)))


def test_citation_of_the_example_protocol() -> None:
    paragraph = EXAMPLE_PROTOCOL.paragraphs[0]
    assert cite(EXAMPLE_PROTOCOL, paragraph) == (
        "Skaraborgs Kommunalförbund, Skol- och utbildningschefer, protokoll 2024-08-23, § 97"
    )


def test_citation_names_the_pages() -> None:
    paragraph = EXAMPLE_PROTOCOL.paragraphs[0]
    cited = [cite(EXAMPLE_PROTOCOL, replace(paragraph, pages=p)) for p in ((14,), (14, 15), (3, 7, 8), (2, 3, 4))]
    assert [c.split("§ 97")[1] for c in cited] == [", s. 14", ", s. 14–15", ", s. 3, 7–8", ", s. 2–4"]
    with_case = replace(paragraph, pages=(5,), case_number="BUN/2023:196")
    assert cite(EXAMPLE_PROTOCOL, with_case).endswith("§ 97, s. 5 (BUN/2023:196)")


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
    assert pieces == [
        "Beslut",
        "Mötet beslutar att:",
        "- godkänna planen",
        "- lägga rapporten till handlingarna.",
        "Klart.",
    ]


@given(st.text(min_size=1, max_size=3000), st.lists(st.sampled_from(["skola", "budget", "a", "ö"]), max_size=3))
def test_quote_is_always_an_exact_short_substring(text: str, query: list[str]) -> None:
    quote = best_quote(text, _norm(query), _norm, {}.get)
    assert quote in text
    assert len(quote) <= QUOTE_MAX_CHARS


def test_answer_kind_prefers_the_sentence_with_the_amount() -> None:
    text = EXAMPLE_PROTOCOL.paragraphs[0].text
    question = "Hur mycket statsbidrag fick regionalt yrkesvux?"
    body = text.find("\n") + 2
    quote = best_quote(
        text,
        _norm(question.split()),
        _norm,
        {}.get,
        skip=body,
        focus=(body, len(text)),
        answer=answer_pattern(question),
    )
    assert "108 miljoner" in quote
    # A number far from anything the question asks about is no answer.
    far = text + " Mötet har behandlat tre ärenden. Det blev paus. Lunch serverades. Kaffe kostade 20 kronor."
    quote = best_quote(far, _norm(question.split()), _norm, {}.get, skip=body, answer=answer_pattern(question))
    assert "Kaffe" not in quote and "108 miljoner" in quote


@pytest.mark.parametrize(
    ("text", "question", "quoted"),
    [
        (  # a count, not the dates of the documents list
            "§ 66 Miljö för lärande och utveckling\n\nHandlingar\n"
            "- Rapport: vårdnadshavare svarade på förskoleenkäten, daterad 2023-07-27\n\n"
            "Ärendet\nI enkäten som genomfördes i maj deltog 918 vårdnadshavare.\n",
            "Hur många vårdnadshavare svarade på förskoleenkäten?",
            "I enkäten som genomfördes i maj deltog 918 vårdnadshavare.",
        ),
        (  # a reason
            "§ 72 Paus i intaget av förskoleklasser\n\nÄrendet\nRektorerna har under flera år startat "
            "förskoleklasser på skolorna. Barnkullarna minskar och skolorna behöver därför samla förskoleklasserna "
            "på färre skolor.\n",
            "Varför pausas intaget av förskoleklasser på skolorna?",
            "Barnkullarna minskar och skolorna behöver därför samla förskoleklasserna på färre skolor.",
        ),
    ],
)
def test_the_quote_is_the_sentence_giving_what_is_asked(text: str, question: str, quoted: str) -> None:
    answer = answer_pattern(question)
    assert best_quote(text, _norm(question.split()), _norm, {}.get, skip=text.find("\n"), answer=answer) == quoted


def test_answer_patterns() -> None:
    assert answer_pattern("När träffas nätverket nästa gång?").search("Nästa möte: 2024-09-20")  # type: ignore[union-attr]
    assert answer_pattern("Vem ska utreda avtalet?") is not None
    assert answer_pattern("Vad beslutades om balanskontot?") is None


# Section headings: quotes leave them out, offsets stay exact.

GOTEBORG_36 = (
    "§ 36 Ärendenummer SLK-2025-00748\n\nMotion av Axel Darvik (L) om utredning av elevers tillgång till\n"
    "nätplattformar\nBeslut\n\nKommunstyrelsen föreslår att kommunfullmäktige beslutar:\n"
    "Den av Axel Darvik väckta\nmotionen avslås.\n\nTidigare behandling\n\nBordlagt den 10 december 2025, § 951.\n\n"
    "Handlingar\n\nStadsledningskontorets tjänsteutlåtande den 27 oktober 2025.\n\nProtokollsutdrag skickas till\n"
    "Grundskolenämnden\n"
)
_HEADING_NAMES = frozenset(SECTION_HEADINGS)


def _heading_lines(text: str) -> list[tuple[int, int]]:
    """Oracle: offsets of the lines that are only a section heading (any case, a trailing colon)."""
    found, offset = [], 0
    for line in text.split("\n"):
        if " ".join(line.split()).lower().rstrip(":").strip() in _HEADING_NAMES:
            lead = len(line) - len(line.lstrip())
            found.append((offset + lead, offset + len(line.rstrip())))
        offset += len(line) + 1
    return found


def _only_headings(text: str) -> bool:
    return not "".join(
        line for line in text.split("\n") if " ".join(line.split()).lower().rstrip(":").strip() not in _HEADING_NAMES
    ).strip()


def _holds_heading(text: str, start: int, end: int) -> bool:
    return any(start <= s and e <= end for s, e in _heading_lines(text))


def test_quote_spans_leave_out_heading_lines() -> None:
    pieces = [GOTEBORG_36[s:e] for s, e in quote_spans(GOTEBORG_36)]
    assert pieces[1:5] == [
        "Motion av Axel Darvik (L) om utredning av elevers tillgång till\nnätplattformar",
        "Kommunstyrelsen föreslår att kommunfullmäktige beslutar:",
        "Den av Axel Darvik väckta\nmotionen avslås.",
        "Bordlagt den 10 december 2025, § 951.",
    ]
    assert not any(p in _HEADING_NAMES or p.startswith(("Tidigare", "Handlingar")) for p in pieces)
    # sentence_spans, which defines the embedded chunks, still glues title and heading.
    assert "nätplattformar\nBeslut" in [GOTEBORG_36[s:e] for s, e in sentence_spans(GOTEBORG_36)][1]


def test_heading_lines_in_their_variants() -> None:
    text = (
        "Beslut:\nBESLUT\n  Tidigare   behandling  \n##### **Beslut**\nFråga 3\nBilaga 12\n_____\n"
        "Beslut om sammanträdestider 2024\nBeslutet expedieras till: Kommunstyrelsen\nMötet beslutar att:"
    )
    assert [text[s:e] for s, e in heading_spans(text)] == [
        "Beslut:",
        "BESLUT",
        "Tidigare   behandling",
        "##### **Beslut**",
        "Fråga 3",
        "Bilaga 12",
        "_____",
    ]


def test_quote_spans_keep_a_decision_number_with_its_sentence() -> None:
    text = "Beslut\nKommunfullmäktige beslutar:\n1. Motionen avslås.\n2. Uppdraget förklaras fullgjort."
    assert [text[s:e] for s, e in quote_spans(text)] == [
        "Kommunfullmäktige beslutar:",
        "1. Motionen avslås.",
        "2. Uppdraget förklaras fullgjort.",
    ]
    assert [text[s:e] for s, e in sentence_spans(text)][1:3] == ["1.", "Motionen avslås."]


def test_the_glued_heading_quote_is_gone() -> None:
    # Was: "Tidigare behandling\n\nBordlagt den 10 december 2025, § 951.\n\nHandlingar".
    start, end = best_quote_span(
        GOTEBORG_36, _norm(["bordlagt", "december"]), _norm, {}.get, skip=GOTEBORG_36.find("\n")
    )
    assert GOTEBORG_36[start:end] == "Bordlagt den 10 december 2025, § 951."


def test_quote_never_runs_across_a_heading() -> None:
    text = "§ 1 Rubrik\nBudgeten för skolan ökar.\nYrkanden\nSkolan får mer budget enligt yrkandet."
    start, end = best_quote_span(text, _norm(["budget", "skola"]), _norm, {}.get, skip=text.find("\n"))
    assert not _holds_heading(text, start, end)
    assert text[start:end] in ("Budgeten för skolan ökar.", "Skolan får mer budget enligt yrkandet.")


def test_title_and_recipients_are_not_the_answer() -> None:
    skip = GOTEBORG_36.find("\n")
    start, end = best_quote_span(GOTEBORG_36, _norm(["nätplattformar", "grundskolenämnden"]), _norm, {}.get, skip=skip)
    # Nothing but the repeated title and the recipients hold the words: the decision is quoted.
    assert GOTEBORG_36[start:end] == (
        "Kommunstyrelsen föreslår att kommunfullmäktige beslutar:\nDen av Axel Darvik väckta\nmotionen avslås."
    )


def test_a_list_of_documents_is_not_the_answer() -> None:
    text = (
        "BUN § 52    BUN/2023:184\n\nInformation om gymnasieskola i framkant\n\nÄrendebeskrivning\n"
        "Nämnden beställde i november 2022 en förstudie om den nya gymnasieskolan.\n\nBeslutsunderlag\n"
        "- Protokollsutdrag från arbetsutskottet 2023-08-22 § 54\n- Tjänsteskrivelse 2023-08-11 om gymnasieskolan\n"
    )
    start, end = best_quote_span(text, _norm(["gymnasieskola", "2023"]), _norm, {}.get, skip=text.find("\n"))
    assert text[start:end] == "Nämnden beställde i november 2022 en förstudie om den nya gymnasieskolan."


def test_blank_text_and_heading_only_text() -> None:
    for blank in ("", "  \n\t "):
        assert best_quote_span(blank, _norm(["skola"]), _norm, {}.get) == (0, 0)
        assert best_quote(blank, _norm(["skola"]), _norm, {}.get) == ""
    assert best_quote("§ 4 Rubrik\n\nBeslut:\n", _norm(["skola"]), _norm, {}.get, skip=10) == "§ 4 Rubrik"
    assert best_quote("  Beslut  ", _norm(["beslut"]), _norm, {}.get) == "Beslut"


def test_cut_quote_keeps_exact_offsets() -> None:
    for gap in (" ", "\n "):  # a pdftotext line break before the space where the quote is cut
        text = "§ 2 Rubrik\n\n" + "Skolan och " + f"förskolan{gap}" * 60 + "får mer pengar.\nAnnat."
        start, end = best_quote_span(text, _norm(["skolan"]), _norm, {}.get, skip=10)
        assert text[start:end] == best_quote(text, _norm(["skolan"]), _norm, {}.get, skip=10)
        assert text[start:end].startswith("Skolan och") and end - start <= QUOTE_MAX_CHARS
        assert text[end - 1].isalpha() and text[end].isspace()  # cut after a word, no trailing space


_FILLER = st.lists(
    st.sampled_from(
        [
            "Skolan",
            "budget",
            "får",
            "beslut",
            "om",
            "Nämnden",
            "2024",
            "(S)",
            "–",
            "avslås",
            "föreslår",
            "beslutar:",
            "a",
            "ö",
            "1.",
            "-",
        ]
    ),
    min_size=1,
    max_size=12,
)
_LINE = st.one_of(
    _FILLER.map(" ".join).map(lambda s: s + "."),
    _FILLER.map(" ".join),
    st.tuples(
        st.sampled_from(sorted(_HEADING_NAMES)),
        st.sampled_from(["", ":", " :"]),
        st.sampled_from(["", "  "]),
        st.booleans(),
    ).map(lambda t: t[2] + (t[0].upper() if t[3] else t[0].capitalize()) + t[1]),
    st.just(""),
)


@given(
    st.lists(_LINE, min_size=1, max_size=25),
    st.lists(st.sampled_from(["skola", "budget", "beslut", "tidigare"]), max_size=3),
    st.integers(0, 40),
)
def test_quote_offsets_are_exact_and_hold_no_heading(lines: list[str], query: list[str], skip: int) -> None:
    text = "\n".join(lines)
    start, end = best_quote_span(text, _norm(query), _norm, {}.get, skip=skip)
    assert 0 <= start <= end <= len(text)
    assert text[start:end] == best_quote(text, _norm(query), _norm, {}.get, skip=skip)
    assert end - start <= QUOTE_MAX_CHARS
    assert text[start:end] == text[start:end].strip()
    if text.strip() and not _only_headings(text):
        assert not _holds_heading(text, start, end)


def test_real_quotes_hold_no_heading() -> None:
    questions = [
        "beslut handlingar yrkanden tidigare behandling propositionsordning reservation",
        "protokollsutdrag skickas till beslutet expedieras",
    ]
    checked = 0
    for path in list_protocol_files(CORPUS):
        protocol = parse_protocol(read_protocol_text(path), path.name)
        for paragraph in protocol.paragraphs:
            text = paragraph.text
            skip = max(text.find("\n"), 0)
            for question in [paragraph.title, *questions]:
                start, end = best_quote_span(
                    text, analyze_query(question), analyze_tokens, {}.get, skip=skip, answer=answer_pattern(question)
                )
                assert text[start:end].strip(), f"{path.name} § {paragraph.number}: empty quote"
                assert not _holds_heading(text, start, end) or _only_headings(text[skip:]), (
                    f"{path.name} § {paragraph.number}: {text[start:end]!r}"
                )
                checked += 1
    assert checked > 300


def test_a_very_long_paragraph_is_quoted_around_the_answer() -> None:
    from app.cite import QUOTE_SCAN_CHARS, best_quote_span

    filler = "Ledamoten röstade ja.\n" * (3 * QUOTE_SCAN_CHARS // 22)
    answer = "Sökt belopp var 157 miljoner medan tilldelningen blev 108 miljoner kronor."
    text = "§ 367 Bilagor\n" + filler + answer + "\n" + filler
    start, end = best_quote_span(text, _norm(["tilldelningen"]), _norm, {}.get, skip=text.find("\n"))
    assert text[start:end] == answer
    at = text.find(answer)
    start, end = best_quote_span(
        text, _norm(["okänt"]), _norm, {}.get, skip=text.find("\n"), focus=(at, at + len(answer))
    )
    assert text[start:end] == answer


def test_a_title_is_found_where_the_text_wraps_or_emphasises_it() -> None:
    wrapped = (
        "§ 204 Ärendenummer SLK-2024-00800\n\nMotion av Pär Gustafsson (L) om att utreda införandet av ett\n"
        "diagnostiskt prov"
    )
    title = "Motion av Pär Gustafsson (L) om att utreda införandet av ett diagnostiskt prov"
    assert title_span(wrapped, title) == (wrapped.index("Motion"), len(wrapped))
    emphasised = "6. Rapport *Skolpersonalens rörlighet i länet*. Kort presentation.\n\nEwa Lindberg"
    start, end = title_span(emphasised, "Rapport Skolpersonalens rörlighet i länet. Kort presentation.") or (0, 0)
    assert emphasised[start:end] == "Rapport *Skolpersonalens rörlighet i länet*. Kort presentation."
    assert title_span(wrapped, "Motion om något annat") is None
    assert title_span(wrapped, "") is None


def test_who_brought_a_matter_is_answered_by_its_title() -> None:
    text = "§ 355 SLK-2024-00601\n\nMotion av Elisabet Lann (KD) om\nflytande öar\n\nBeslut\n\nMotionen avslås."
    title = "Motion av Elisabet Lann (KD) om flytande öar"
    start, end = author_span("Vilket parti lade motionen om flytande öar?", text, title) or (0, 0)
    assert text[start:end] == "Motion av Elisabet Lann (KD) om\nflytande öar"
    assert author_span("Vad beslutades om flytande öar?", text, title) is None
    assert author_span("Vem lade förslaget?", text, "Riktlinje för flytande öar") is None
