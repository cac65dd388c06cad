"""Shared fixtures: a deterministic fake embedder, a temp index location, the corpus path."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.search import Searcher
from indexer.build import build_index
from indexer.index.store import load_index
from tests.fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DEV_QUESTIONS = ROOT / "tests" / "eval" / "dev.jsonl"
SMALL_CORPUS = (  # four protocols of four organisations, 35 kB: a build takes ~0.04 s, the whole corpus ~1.5 s
    "000_a1d265b92dc01c91.txt",
    "002_7e54b8903ea3b20c.txt",
    "Lomma_Barn-och-utbildningsnamnden_2023-09-12.txt",
    "Riksdagen_Kammaren_prot-2022-23-3.txt",
)
SMALL_PARAGRAPHS = 42  # their paragraphs, as the golden parse tests count them (16 + 10 + 10 + 6)


def run_cli(*args: str, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    """`protokoll ARGS…` in a process of its own, as a user runs it; its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout, check=False
    )


@pytest.fixture(autouse=True)
def _isolated_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # No test may touch the user's real index; the model cache stays shared (conversion is slow).
    monkeypatch.setenv("PROTOKOLL_INDEX", str(tmp_path / "default-index"))
    monkeypatch.delenv("PROTOKOLL_MODEL", raising=False)
    yield


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the real corpus (protocols only)."""
    target = tmp_path / "corpus"
    target.mkdir()
    for path in CORPUS.glob("*.txt"):
        (target / path.name).write_bytes(path.read_bytes())
    return target


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """A writable copy of `SMALL_CORPUS`: for tests of how builds behave (reuse, swaps, locks, faults), where
    the whole corpus would add seconds a build and no coverage; the whole corpus is built once a session."""
    target = tmp_path / "corpus"
    target.mkdir()
    for name in SMALL_CORPUS:
        (target / name).write_bytes((CORPUS / name).read_bytes())
    return target


@pytest.fixture(scope="session", autouse=True)
def _bundled_corpus_untouched() -> Iterator[None]:
    """No test may add to, change or remove from the bundled corpus (the library folder of indexes built
    from it): the session fails at its end if one did."""
    before = {p.name: p.read_bytes() for p in CORPUS.iterdir() if p.is_file()}
    yield
    after = {p.name: p.read_bytes() for p in CORPUS.iterdir() if p.is_file()}
    assert after == before, f"a test changed {CORPUS}: {sorted(set(after) ^ set(before))}"


@pytest.fixture(scope="session")
def session_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the corpus for the session's indexes: an index's library folder is the folder it was built
    from, so a test adding protocols to one of them never writes into the repository."""
    target = tmp_path_factory.mktemp("session-corpus") / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def fake_model_index(tmp_path_factory: pytest.TempPathFactory, session_corpus: Path) -> Path:
    """The corpus indexed once per session as `protokoll index --model fake` would (read-only: copy it)."""
    path = tmp_path_factory.mktemp("fake-model-index") / "idx"
    build_index(session_corpus, path, FakeEmbedder("fake"))
    return path


@pytest.fixture(scope="session")
def corpus_index(fake_model_index: Path) -> Path:
    """The corpus indexed once per session with the fake embedder (read-only); the fake's vectors do not
    depend on its name, so this is the `--model fake` index."""
    return fake_model_index


@pytest.fixture
def index_copy(fake_model_index: Path, tmp_path: Path) -> Path:
    """A writable copy of the session's `--model fake` index, linked as `tmp_path/idx` like a build links
    it: for tests that need an index, not a build (a build of the corpus takes ~2 s, a copy ~0.05 s)."""
    version = Path(os.path.realpath(fake_model_index))
    shutil.copytree(version, tmp_path / version.name)
    os.symlink(version.name, tmp_path / "idx")
    return tmp_path / "idx"


@pytest.fixture(scope="session")
def searcher(corpus_index: Path) -> Searcher:
    """A searcher over the session's fake-embedded index of the whole corpus."""
    return Searcher(load_index(corpus_index), FakeEmbedder())


@pytest.fixture
def library_index(small_corpus: Path, tmp_path: Path) -> Path:
    """An index of `small_corpus` as `--model fake` builds it, so that folder is its library: for tests that
    add protocols (an add writes the whole index anew: ~0.1 s here, ~0.8 s with the whole corpus)."""
    path = tmp_path / "idx"
    build_index(small_corpus, path, FakeEmbedder("fake"))
    return path


def copy_index(index: Path, folder: Path, library: Path) -> Path:
    """A writable copy of `index`, linked as `folder/idx` like a build links it, whose library folder (the
    manifest's `corpus`) is `library`: adding to it never writes where the original was built from."""
    version = Path(os.path.realpath(index))
    shutil.copytree(version, folder / version.name)
    os.symlink(version.name, folder / "idx")
    manifest_file = folder / version.name / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest["corpus"] = str(library.resolve())
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    return folder / "idx"


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory, session_corpus: Path) -> Path:
    """The corpus indexed with the real model by `protokoll index` in a fresh process, once per session
    (the model tests and the browser tests share it)."""
    path = tmp_path_factory.mktemp("real") / "index"
    result = run_cli("index", str(session_corpus), "--index", str(path))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Indexed 18 files, 644 paragraphs" in result.stdout
    return path


def free_port() -> int:
    """A loopback port nothing listens on (for a server a test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
