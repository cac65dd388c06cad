"""One build of an index at a time: a second run is refused with the holder's pid, and a lock left by a
killed run is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import indexer.model.embed
from app.cli import main
from indexer.build import build_index
from indexer.errors import IndexBusyError
from indexer.index.store import load_index
from tests.conftest import ROOT, SMALL_CORPUS, SMALL_PARAGRAPHS
from tests.fakes import FakeEmbedder

HOLD = """
import sys, time
from pathlib import Path
from indexer.index.store import build_lock
with build_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(120)
"""


def hold(path: Path) -> subprocess.Popen[str]:
    """A process holding the build lock of `path` until killed."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_build_is_refused_with_the_holders_pid(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "idx"
    build_index(small_corpus, path, FakeEmbedder())
    before = os.readlink(path)
    holder = hold(path)
    try:
        with pytest.raises(IndexBusyError, match=f"pid {holder.pid}"):
            build_index(small_corpus, path, FakeEmbedder())
        monkeypatch.setattr(indexer.model.embed, "SentenceTransformerEmbedder", FakeEmbedder)
        assert main(["index", str(small_corpus), "--index", str(path), "--model", "fake"]) == 1
        assert f"pid {holder.pid}" in capsys.readouterr().err
        assert os.readlink(path) == before and load_index(path).tables.n_paragraphs == SMALL_PARAGRAPHS
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_of_a_killed_run_is_taken_over(small_corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "idx"
    holder = hold(path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    lock = tmp_path / ".idx.build.lock"
    assert lock.read_text().strip() == str(holder.pid)  # the killed run's pid is still written there
    report = build_index(small_corpus, path, FakeEmbedder())
    assert report.files == len(SMALL_CORPUS) and load_index(path).tables.n_paragraphs == SMALL_PARAGRAPHS
    assert lock.read_text() == ""
