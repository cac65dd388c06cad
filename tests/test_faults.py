"""Faults during an index run that adds protocols (#15): kill -9 at several points, a full disk, no
permission to write. The previous index stays loadable and answers as before; the next run completes."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import indexer.index.store
from app.search import Searcher
from indexer.build import build_index
from indexer.errors import IndexWriteError
from indexer.index.store import load_index
from tests.conftest import CORPUS, ROOT, SMALL_PARAGRAPHS
from tests.fakes import FakeEmbedder

QUESTIONS = ("Vad beslutades om balanskontot?", "SLK-2024-00704", "Vem är ordförande i socialnämnden?")
ADDED = ("Lomma_Barn-och-utbildningsnamnden_2023-10-10.txt", "Goteborg_Kommunstyrelsen_2025-01-15.txt")
GROWN_PARAGRAPHS = SMALL_PARAGRAPHS + 15 + 42  # with the two added protocols' paragraphs

# A run that adds protocols, stopped at one point of its way until it is killed: it prints the point's name
# when it gets there. The points, in the order a run passes them (indexer/build.py, indexer/index/store.py):
STOPS = (
    "parse",  # reading and parsing the new files
    "embed",  # embedding their chunks
    "write",  # the new version half written in its build folder
    "fsynced",  # the new version complete and on disk, not yet renamed into place
    "renamed",  # renamed to its version folder, the index link not yet swapped
    "swapped",  # the link swapped to the new version; the run has not returned or let go of its lock
)
STOPPED_BUILD = """
import sys, time
from pathlib import Path
import indexer.build, indexer.index.store as store
from tests.fakes import FakeEmbedder

corpus, index, stop = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

def halt(point):
    if point == stop:
        print(point, flush=True)
        time.sleep(600)  # until killed

def before(module, name, point):
    real = getattr(module, name)
    setattr(module, name, lambda *a, **k: (halt(point), real(*a, **k))[1])

def after(module, name, point):
    real = getattr(module, name)
    setattr(module, name, lambda *a, **k: (real(*a, **k), halt(point))[0])

class Embedder(FakeEmbedder):
    def embed_documents(self, texts, batch_size=32):
        halt("embed")
        return super().embed_documents(texts, batch_size)

before(indexer.build, "parse_file", "parse")
before(store, "build_keyword_index", "write")
after(store, "_fsync_tree", "fsynced")
before(store, "_swap_link", "renamed")
after(store, "_swap_link", "swapped")
indexer.build.build_index(corpus, index, Embedder())
print("done", flush=True)
"""


def answers(path: Path) -> list[list[tuple[str, str]]]:
    searcher = Searcher(load_index(path), FakeEmbedder())
    return [[(h.file, h.paragraph) for h in searcher.search(q, k=5)] for q in QUESTIONS]


@pytest.fixture
def grown(small_corpus: Path, tmp_path: Path) -> tuple[Path, Path, list[list[tuple[str, str]]]]:
    """An index of the small corpus, and the corpus grown by two protocols: a run that adds them."""
    index = tmp_path / "idx"
    build_index(small_corpus, index, FakeEmbedder())
    before = answers(index)
    for name in ADDED:
        shutil.copy(CORPUS / name, small_corpus / name)
    return small_corpus, index, before


def start_build(script: str, *args: str, **popen: object) -> subprocess.Popen[str]:
    """`script` in a process group of its own (what `kill -9` of the group stops), with `args`."""
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
        **popen,  # type: ignore[arg-type]
    )


def test_kill_9_at_every_point_of_a_run_leaves_the_old_index_answering(
    grown: tuple[Path, Path, list[list[tuple[str, str]]]],
) -> None:
    corpus, index, before = grown
    version = os.readlink(index)
    for stop in STOPS:
        build = start_build(STOPPED_BUILD, str(corpus), str(index), stop)
        assert build.stdout is not None
        reached = build.stdout.readline().strip()
        os.killpg(build.pid, signal.SIGKILL)  # the whole process group, as a power cut would
        _, errors = build.communicate()
        assert reached == stop, errors[-2000:]
        if stop == "swapped":  # killed after its swap: the new index is the whole one
            assert os.readlink(index) != version and load_index(index).tables.n_paragraphs == GROWN_PARAGRAPHS
        else:  # loadable, and answering exactly as before
            assert os.readlink(index) == version and answers(index) == before, stop
    report = build_index(corpus, index, FakeEmbedder())  # the next run completes the work
    assert report.reused == report.chunks  # what the killed run swapped in was whole: nothing to redo
    assert load_index(index).tables.n_paragraphs == GROWN_PARAGRAPHS
    assert not list(index.parent.glob(".idx.build-*"))  # half-written build folders of killed runs are gone
    assert len(list(index.parent.glob(".idx.v-*"))) <= 2  # the current version, and the one before it


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
        "import indexer.model.embed\nfrom tests.fakes import FakeEmbedder\n"
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
