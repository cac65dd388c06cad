"""Faults during an index run that adds protocols (#15): kill -9 at several points, a full disk, no
permission to write. The previous index stays loadable and answers as before; the next run completes."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import indexer.index.store
from app.search import Searcher
from indexer.build import build_index
from indexer.errors import IndexWriteError
from indexer.index.store import load_index
from tests.conftest import CORPUS, ROOT, FakeEmbedder

QUESTIONS = ("Vad beslutades om balanskontot?", "SLK-2024-00704", "Vem är ordförande i socialnämnden?")
ADDED = ("Goteborg_Kommunfullmaktige_2025-06-12.txt", "Goteborg_Kommunfullmaktige_2026-02-26.txt")

SLOW_BUILD = """
import sys, time
from pathlib import Path
from indexer.build import build_index
from tests.conftest import FakeEmbedder

class Slow(FakeEmbedder):
    def embed_documents(self, texts, batch_size=32):
        time.sleep(0.05)
        return super().embed_documents(texts, batch_size)

print("started", flush=True)
build_index(Path(sys.argv[1]), Path(sys.argv[2]), Slow())
print("done", flush=True)
"""


def answers(path: Path) -> list[list[tuple[str, str]]]:
    searcher = Searcher(load_index(path), FakeEmbedder())
    return [[(h.file, h.paragraph) for h in searcher.search(q, k=5)] for q in QUESTIONS]


@pytest.fixture
def grown(tmp_path: Path) -> tuple[Path, Path, list[list[tuple[str, str]]]]:
    """An index of the corpus without two protocols, and the corpus with them: a run that adds them."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in CORPUS.glob("*.txt"):
        if path.name not in ADDED:
            shutil.copy(path, corpus / path.name)
    index = tmp_path / "idx"
    build_index(corpus, index, FakeEmbedder())
    before = answers(index)
    for name in ADDED:
        shutil.copy(CORPUS / name, corpus / name)
    return corpus, index, before


def run_slow_build(corpus: Path, index: Path, **popen: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", SLOW_BUILD, str(corpus), str(index)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
        **popen,  # type: ignore[arg-type]
    )


def test_kill_9_at_several_points_leaves_the_old_index_answering(
    grown: tuple[Path, Path, list[list[tuple[str, str]]]],
) -> None:
    corpus, index, before = grown
    version = os.readlink(index)
    killed_at = []
    for delay in (0.05, 0.3, 0.6, 0.9, 1.3):  # parse, embed, write, swap: the run takes ~1.2 s
        build = run_slow_build(corpus, index)
        assert build.stdout is not None and build.stdout.readline().strip() == "started"
        time.sleep(delay)
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)  # the whole process group, as a power cut would
            killed_at.append(delay)
        build.wait()
        now = os.readlink(index)
        if now == version:
            assert answers(index) == before  # loadable, and answering exactly as before
        else:  # killed after its swap (or not killed): the new index is the whole one
            assert load_index(index).tables.n_paragraphs == 644
            version, before = now, answers(index)
    assert killed_at, "no run was killed: the slow build finished before the first kill"
    build_index(corpus, index, FakeEmbedder())  # the next run completes the work
    assert load_index(index).tables.n_paragraphs == 644
    assert not list(index.parent.glob(".idx.build-*"))  # what killed runs left is gone


def test_a_full_disk_is_a_clear_error_and_the_old_index_stays(
    grown: tuple[Path, Path, list[list[tuple[str, str]]]],
) -> None:
    corpus, index, before = grown
    version = os.readlink(index)

    def small_disk() -> None:  # files may not grow past 64 kB: writing the index fails as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, 64_000))

    script = (
        "import sys\nfrom pathlib import Path\nfrom app.cli import main\n"
        "import indexer.model.embed\nfrom tests.conftest import FakeEmbedder\n"
        "indexer.model.embed.SentenceTransformerEmbedder = FakeEmbedder\n"
        "sys.exit(main(['index', sys.argv[1], '--index', sys.argv[2], '--model', 'fake']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(corpus), str(index)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=small_disk,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert result.returncode == 1, result.stderr[-1000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("protokoll: ") and "the previous index is unchanged" in last
    assert "Traceback" not in result.stderr
    assert os.readlink(index) == version and answers(index) == before
    assert not list(index.parent.glob(".idx.build-*"))


def test_no_permission_to_write_is_a_clear_error(
    grown: tuple[Path, Path, list[list[tuple[str, str]]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, index, before = grown

    def refused(*args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(index.parent))

    # Tests run as root, where chmod does not refuse; the OS's answer is what is simulated.
    monkeypatch.setattr(indexer.index.store.tempfile, "mkdtemp", refused)
    with pytest.raises(IndexWriteError, match="Permission denied"):
        build_index(corpus, index, FakeEmbedder())
    assert answers(index) == before
