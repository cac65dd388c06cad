"""A server's searcher follows a rebuilt index without a gap: the link swap and the live reload."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from app.live import LiveSearcher
from app.search import Searcher
from indexer.build import build_index
from indexer.errors import IndexBusyError
from indexer.index.store import current_version, load_index, read_manifest
from tests.conftest import SMALL_PARAGRAPHS
from tests.fakes import FakeEmbedder


def _open(path: Path) -> Searcher:
    return Searcher(load_index(path), FakeEmbedder())


def test_index_path_is_never_missing_during_a_swap(small_corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "idx"
    build_index(small_corpus, path, FakeEmbedder())
    stop = threading.Event()
    seen: list[str] = []
    missing: list[str] = []

    def watch() -> None:
        while not stop.is_set():
            manifest = read_manifest(path)
            if manifest is None:
                missing.append("gone")
            else:
                seen.append(manifest["build_id"])

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _ in range(3):
            build_index(small_corpus, path, FakeEmbedder())
    finally:
        stop.set()
        watcher.join()
    assert missing == [] and len(set(seen)) >= 2
    # The link and two versions at most (the current one, and the previous for readers mid-load).
    assert path.is_symlink()
    assert len([p for p in tmp_path.iterdir() if p.name.startswith(".idx.v-")]) == 2


def test_a_legacy_index_folder_is_replaced_by_a_link(small_corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "idx"
    path.mkdir()
    (path / "manifest.json").write_text('{"schema_version": 1}', encoding="utf-8")
    build_index(small_corpus, path, FakeEmbedder())
    assert path.is_symlink() and load_index(path).tables.n_paragraphs == SMALL_PARAGRAPHS


def test_live_searcher_answers_every_question_while_the_index_is_rebuilt(small_corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "idx"
    build_index(small_corpus, path, FakeEmbedder())
    live = LiveSearcher(path, lambda: _open(path))
    first = live.version
    errors: list[BaseException] = []
    answered = 0
    stop = threading.Event()

    def ask() -> None:
        nonlocal answered
        while not stop.is_set():
            try:
                hits = live.get().search("Vad beslutades om balanskontot?", k=3)
                assert len(hits) == 3
                answered += 1
            except BaseException as error:  # any failure is what this test looks for
                errors.append(error)

    asker = threading.Thread(target=ask)
    asker.start()
    try:
        new = small_corpus / "ny.txt"
        new.write_text(
            "Kommunstyrelsen\nSammanträdesdatum: 2026-05-05\n\n§ 1 Cykelbanor i Zanzibarparken\n"
            "Kommunstyrelsen beslutar att bygga cykelbanor i Zanzibarparken.\n",
            encoding="utf-8",
        )
        build_index(small_corpus, path, FakeEmbedder())
        assert live.refresh(wait=True)
    finally:
        stop.set()
        asker.join()
    assert errors == [] and answered > 0
    assert live.version != first and live.version == current_version(path)
    top = live.get().search("cykelbanor i Zanzibarparken", k=1)[0]
    assert top.file == "ny.txt"


def test_a_broken_rebuild_keeps_the_running_searcher(small_corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "idx"
    build_index(small_corpus, path, FakeEmbedder())
    live = LiveSearcher(path, lambda: _open(path))
    before = live.get()
    build_index(small_corpus, path, FakeEmbedder())
    os.remove(Path(os.path.realpath(path)) / "tables.npz")  # the new version is broken
    assert live.refresh(wait=True) is False
    assert live.get() is before and len(before.search("skola", k=2)) == 2


def test_builds_swapping_at_once_leave_a_whole_index(small_corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "idx"
    build_index(small_corpus, path, FakeEmbedder())
    errors: list[BaseException] = []
    built: list[str] = []

    def build() -> None:
        try:
            build_index(small_corpus, path, FakeEmbedder())
            built.append(os.readlink(path))
        except BaseException as error:  # any failure is what this test looks for
            errors.append(error)

    for _round in range(2):  # without the locks, a build's new version was removed as "old" by another
        builders = [threading.Thread(target=build) for _ in range(4)]
        for builder in builders:
            builder.start()
        for builder in builders:
            builder.join()
    # The build lock lets one run at a time through; the others are refused, never half done.
    assert built and all(isinstance(e, IndexBusyError) for e in errors), errors
    assert Path(os.path.realpath(path)).is_dir() and load_index(path).tables.n_paragraphs == SMALL_PARAGRAPHS
