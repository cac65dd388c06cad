"""The command line with the fake embedder: exit codes, messages, and the --json contract."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import indexer.model.embed
from app.cli import COMMANDS, main
from app.contract import ASK_KEYS, JSON_KEYS
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder


@pytest.fixture(autouse=True)
def _fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indexer.model.embed, "SentenceTransformerEmbedder", FakeEmbedder)


def test_index_then_search_json(corpus_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    idx = str(tmp_path / "idx")
    assert main(["index", str(corpus_copy), "--index", idx, "--model", "fake"]) == 0
    out = capsys.readouterr().out
    assert "18 files, 644 paragraphs" in out and " s" in out
    assert (
        main(["search", "Vad beslutades om balanskontot?", "--index", idx, "--model", "fake", "-k", "3", "--json"]) == 0
    )
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 3
    for rank, hit in enumerate(hits, start=1):
        assert tuple(hit) == JSON_KEYS
        assert hit["rank"] == rank and isinstance(hit["score"], float)
        assert isinstance(hit["paragraph"], str) and hit["quote"] in hit["text"]


def test_readable_search_output(index_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    idx = str(index_copy)
    assert main(["search", "balanskontot", "--index", idx, "--model", "fake", "-k", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. ") and "protokoll 20" in out and "»" in out


def test_index_reports_broken_file_and_exits_1(
    small_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (small_corpus / "trasig.txt").write_bytes(b"\x00\x00\x00")
    assert main(["index", str(small_corpus), "--index", str(tmp_path / "idx"), "--model", "fake"]) == 1
    captured = capsys.readouterr()
    assert "trasig.txt" in captured.err and "4 files" in captured.out


@pytest.mark.parametrize("question", ["", "   "])
def test_empty_question_exits_1(question: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", question]) == 1
    assert "empty" in capsys.readouterr().err


def test_missing_index_says_how_to_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "skola", "--index", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert "no index" in err and "protokoll index" in err and "Traceback" not in err


def test_index_of_other_model(small_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    idx = str(tmp_path / "idx")
    main(["index", str(small_corpus), "--index", idx, "--model", "model-a"])
    assert main(["search", "skola", "--index", idx, "--model", "model-b"]) == 1
    err = capsys.readouterr().err
    assert "'model-a'" in err and "'model-b'" in err


def test_env_selects_index_and_model(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PROTOKOLL_INDEX", str(tmp_path / "env-idx"))
    monkeypatch.setenv("PROTOKOLL_MODEL", "env-model")
    assert main(["index", str(small_corpus)]) == 0
    manifest = json.loads((tmp_path / "env-idx" / "manifest.json").read_text())
    assert manifest["model"] == "env-model"


def test_help_lists_every_command_without_loading_the_heavy_libraries() -> None:
    script = (
        "import sys\nfrom app.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('torch', 'gradio', 'faiss', 'sentence_transformers') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    listed = re.search(r"\{([a-z,]+)\}", result.stdout)
    assert listed and set(listed.group(1).split(",")) == set(COMMANDS) == {
        "index",
        "add",
        "search",
        "ask",
        "eval",
        "matter",
        "matters",
        "check",
        "serve",
    }
    assert result.stdout.strip().endswith("[]"), result.stdout[-200:]


def test_search_filters_from_flags(index_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    idx = str(index_copy)
    args = ["search", "skola", "--index", idx, "--model", "fake", "-k", "5", "--json"]
    assert (
        main([*args, "--body", "Kommunfullmäktige", "--from", "2025-06-01", "--to", "2025-12-31", "--decisions-only"])
        == 0
    )
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 5
    assert all(h["body"] == "Kommunfullmäktige" and "2025-06-01" <= h["date"] <= "2025-12-31" for h in hits)
    assert all(tuple(h) == JSON_KEYS for h in hits)

    assert main([*args, "--organisation", "Lomma kommun", "--body", "Kommunstyrelsen"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == [] and "no paragraph matches the filters" in captured.err

    assert main([*args, "--body", "Regeringen"]) == 1
    err = capsys.readouterr().err
    assert "Regeringen" in err and "Kommunstyrelsen" in err and "Traceback" not in err


def test_searcher_loads_the_stored_keyword_index(index_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bm25s

    from app.cli import open_searcher
    from app.config import Settings

    idx = index_copy

    def no_rebuild(*args: object, **kwargs: object) -> None:
        raise AssertionError("the keyword index was rebuilt at search time")

    monkeypatch.setattr(bm25s.BM25, "index", no_rebuild)
    searcher = open_searcher(Settings(index_dir=idx, model="fake"))
    assert searcher.search("balanskontot", k=1)[0].paragraph == "97"


@pytest.fixture
def built(index_copy: Path) -> str:
    return str(index_copy)


def test_ask_json_contract(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "Vad beslutades i ärende BUN/2023:206?", "--index", built, "--model", "fake", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert tuple(answer) == ASK_KEYS
    assert answer["confident"] is True and answer["kind"] == "lookup"
    assert answer["citations"][0]["case_number"] == "BUN/2023:206"
    for hit in answer["citations"]:
        assert tuple(hit) == JSON_KEYS
        assert hit["text"][hit["quote_start"] : hit["quote_end"]] == hit["quote"]
    for part in answer["parts"]:
        if part["citation"]:
            cited = answer["citations"][part["citation"] - 1]
            assert cited["text"][part["start"] : part["end"]] == part["text"]
            assert f"»{part['text']}« [{part['citation']}]" in answer["answer"]


def test_ask_a_case_number_that_does_not_exist(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "SN/2025:110", "--index", built, "--model", "fake", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["confident"] is False and answer["answer"].startswith("Ärendet SN/2025:110 finns inte i protokollen")


def test_ask_readable_and_filtered(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "ask",
                "Vem var ordförande?",
                "--index",
                built,
                "--model",
                "fake",
                "--organisation",
                "Lomma kommun",
                "--body",
                "Socialnämnden",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Jens Thystrup" in out and "Källor:" in out and "[1] Lomma kommun, Socialnämnden" in out


@pytest.mark.parametrize("question", ["", "   \n"])
def test_ask_empty_question_exits_1(question: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", question]) == 1
    assert "Skriv en fråga" in capsys.readouterr().err


def test_eval_prints_recall_per_kind(built: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"id": "1", "question": "BUN/2023:206", "kind": "lookup", '
        '"gold": [{"file": "Lomma_Barn-och-utbildningsnamnden_2023-10-10.txt", "paragraph": "72"}]}\n'
        '{"id": "2", "question": "Vad kostade Gothia Towers?", "kind": "unanswerable", "gold": []}\n',
        encoding="utf-8",
    )
    assert main(["eval", str(questions), "--index", built, "--model", "fake", "--json"]) == 0
    rows = {r["kind"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["lookup"]["recall@1"] == 1.0 and rows["lookup"]["mrr@10"] == 1.0
    assert rows["unanswerable"]["not_confident"] == 1.0
    assert main(["eval", str(questions), "--index", built, "--model", "fake"]) == 0
    assert "R@1" in capsys.readouterr().out


def test_eval_of_a_missing_file_exits_1(built: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(tmp_path / "none.jsonl"), "--index", built, "--model", "fake"]) == 1
    assert "no such question file" in capsys.readouterr().err


def test_a_reader_that_stops_early_is_not_an_error(
    built: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sink = open(tmp_path / "sink", "w")  # noqa: SIM115 - its descriptor is replaced by the handler

    class ClosedPipe:
        def write(self, _: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            pass

        def fileno(self) -> int:
            return sink.fileno()

    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main(["ask", "BUN/2023:206", "--index", built, "--model", "fake"]) == 0
    sink.close()
    assert "Traceback" not in capsys.readouterr().err
