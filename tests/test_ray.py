"""Builds on Ray against local builds: the same chunks, vectors and answers, on one runtime and on two nodes; an
embedding actor killed mid-run; a model that does not load. The first tests need neither Ray nor the model.

The Ray tests are marked `ray` and `model` (real Ray, real model: a few minutes; CI runs them). The cluster is two
nodes of this machine on 127.0.0.1 only (Ray's `cluster_utils.Cluster`, its tool for multi-node tests on one
machine: `ray start` cannot add a second node bound to loopback), started and stopped by this module.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.cli import main
from app.evaluate import load_questions
from app.search import Searcher
from indexer.build import build_index, build_locked, parse_here
from indexer.chunk import ChunkSettings
from indexer.index.store import load_index, read_chunks, read_manifest, read_vectors
from indexer.model.embed import DEFAULT_MODEL, query_embedder
from tests.conftest import CORPUS, DEV_QUESTIONS, SMALL_CORPUS, run_cli
from tests.fakes import FakeEmbedder

HAS_RAY = importlib.util.find_spec("ray") is not None
TWO_NODE_FILES = (  # small protocols of four organisations: 228 chunks
    "Riksdagen_Kammaren_prot-2022-23-3.txt",
    "002_7e54b8903ea3b20c.txt",
    "Lomma_Barn-och-utbildningsnamnden_2023-09-12.txt",
    "000_a1d265b92dc01c91.txt",
    "Lomma_Barn-och-utbildningsnamnden_2023-10-10.txt",
)
KILL_FILES = ("Goteborg_Kommunfullmaktige_2026-02-26.txt", "Goteborg_Kommunstyrelsen_2025-01-15.txt")  # 266 chunks
EMBEDDING_ACTOR = "ray::MapWorker(MapBatches(ChunkEmbedder))"
"""The process title Ray gives an embedding actor."""


def on_ray(test: Any) -> Any:
    """Marks a test that runs real Ray and the real model (skipped without the ray extra)."""
    skip = pytest.mark.skipif(not HAS_RAY, reason="the ray extra is not installed (pip install -e '.[ray]')")
    return pytest.mark.ray(pytest.mark.model(skip(test)))


def copy_files(names: tuple[str, ...], target: Path) -> Path:
    target.mkdir(parents=True)
    for name in names:
        (target / name).write_bytes((CORPUS / name).read_bytes())
    return target


# --- Without Ray or the model: the Ray path's parsing and the build's two strategies -------------------------------


def test_parse_bytes_matches_parsing_from_disk(corpus_copy: Path) -> None:
    from indexer.distributed import parse_bytes

    (corpus_copy / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (corpus_copy / "blank.txt").write_text("  \n", encoding="utf-8")
    lomma = corpus_copy / "Lomma_Barn-och-utbildningsnamnden_2023-09-12.txt"
    sidecar = b'{"organisation": "Lomma kommun", "date": "2023-09-13"}'
    (corpus_copy / "Lomma_Barn-och-utbildningsnamnden_2023-09-12.meta.json").write_bytes(sidecar)
    settings = ChunkSettings()
    paths = sorted(corpus_copy.glob("*.txt"))
    outcomes = parse_here(paths, settings)
    assert sum(isinstance(o, tuple) for o in outcomes) == 18  # and two problems, compared as well
    for path, here in zip(paths, outcomes, strict=True):
        extra = sidecar if path == lomma else None
        assert parse_bytes(path.name, path.read_bytes(), extra, settings) == here, path.name


def test_build_steps_can_run_elsewhere_and_are_asked_only_for_what_changed(small_corpus: Path, tmp_path: Path) -> None:
    """`build_locked` with other parse and embed steps writes the index the local build writes, and hands
    them only the files read and the texts embedded this run."""
    from indexer.distributed import parse_bytes

    asked_files: list[list[str]] = []
    asked_texts: list[int] = []
    embedder = FakeEmbedder()

    def parse_files(paths: Any, settings: ChunkSettings) -> list[Any]:
        asked_files.append([p.name for p in paths])
        return [parse_bytes(p.name, p.read_bytes(), None, settings) for p in paths]

    def embed_texts(texts: Any) -> Any:
        asked_texts.append(len(texts))
        vectors = embedder.embed_documents(list(texts))
        backwards = np.arange(len(texts))[::-1]  # out of order and in uneven pieces, as Ray returns them
        yield backwards[:5], vectors[backwards[:5]]
        yield backwards[5:], vectors[backwards[5:]]

    def build(index: Path) -> Any:
        return build_locked(small_corpus, index, embedder, parse_files=parse_files, embed_texts=embed_texts)

    report = build(tmp_path / "elsewhere")
    build_index(small_corpus, tmp_path / "here", FakeEmbedder())
    assert read_chunks(tmp_path / "elsewhere") == read_chunks(tmp_path / "here")
    assert np.array_equal(read_vectors(tmp_path / "elsewhere"), read_vectors(tmp_path / "here"))
    assert len(asked_files[0]) == len(SMALL_CORPUS) and asked_texts == [report.chunks]

    changed = small_corpus / "000_a1d265b92dc01c91.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("balanskontot", "utjämningskontot"), "utf-8")
    again = build(tmp_path / "elsewhere")
    assert asked_files[1] == [changed.name] and again.files_read == 1
    assert asked_texts[1:] == [again.embedded] and 0 < again.embedded < again.chunks == again.reused + again.embedded


def test_without_ray_the_flag_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as it does without the extra
    assert main(["index", str(CORPUS), "--index", str(tmp_path / "idx"), "--ray"]) == 1
    err = capsys.readouterr().err
    assert "--ray needs Ray: pip install 'protokollsok[ray]'" in err and "Traceback" not in err
    assert not (tmp_path / "idx").exists()


def test_a_folder_after_the_flag_is_not_taken_for_an_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", "--index", str(tmp_path / "idx"), "--ray", "corpus"]) == 1
    assert "expected a Ray address" in capsys.readouterr().err


@pytest.mark.ray  # it starts Ray: with the other Ray tests, outside the fast subset (`model` too)
@pytest.mark.model
@pytest.mark.skipif(not HAS_RAY, reason="the ray extra is not installed")
def test_a_cluster_that_does_not_answer_is_said_at_once(tmp_path: Path) -> None:
    from tests.conftest import free_port

    address = f"127.0.0.1:{free_port()}"
    # In a process of its own: Ray, once imported, keeps how it was set up.
    result = run_cli("index", str(CORPUS), "--index", str(tmp_path / "idx"), "--ray", address, timeout=120)
    assert result.returncode == 1
    assert result.stderr.startswith("protokoll: cannot connect to the Ray cluster at 127.0.0.1:"), result.stderr
    assert "Connection refused" in result.stderr and not (tmp_path / "idx").exists()


# --- Real Ray, real model --------------------------------------------------------------------------------------------


def same_chunks_and_vectors(built: Path, reference: Path) -> int:
    """Every chunk of `built` is the reference build's chunk of that id (offsets, text, context), its vector at
    cosine ≥ 0.9999 to the reference's. Returns the number of chunks."""
    chunks, vectors = read_chunks(built), read_vectors(built)
    expected = {c.id: (c, v) for c, v in zip(read_chunks(reference), read_vectors(reference), strict=True)}
    assert len(chunks) == len(vectors) > 0
    for chunk, vector in zip(chunks, vectors, strict=True):
        twin, twin_vector = expected[chunk.id]
        assert chunk == twin
        assert float(vector @ twin_vector) >= 0.9999, chunk.id
    return len(chunks)


def top_hits(index: Path) -> list[list[tuple[str, str]]]:
    searcher = Searcher(load_index(index), query_embedder(DEFAULT_MODEL))
    return [[(h.file, h.paragraph) for h in searcher.search(q.question, k=3)] for q in load_questions(DEV_QUESTIONS)]


@on_ray
def test_whole_corpus_on_a_local_ray_runtime_matches_the_local_build(
    real_index: Path, session_corpus: Path, tmp_path: Path
) -> None:
    result = run_cli("index", str(session_corpus), "--index", str(tmp_path / "ray"), "--ray")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Indexed 18 files, 644 paragraphs, 2625 chunks (2625 embedded, 0 reused" in result.stdout
    assert "Ray: 1 node; 18 files parsed on 1 node, 2,625 chunks embedded on 1 node" in result.stdout
    assert "Embedding: 100%" in result.stderr  # the same progress bar as a local build
    assert read_chunks(tmp_path / "ray") == read_chunks(real_index)  # ids, offsets, texts, in order
    assert same_chunks_and_vectors(tmp_path / "ray", real_index) == 2625
    ours, theirs = read_manifest(tmp_path / "ray"), read_manifest(real_index)
    assert ours is not None and theirs is not None
    for key in ("schema_version", "parser", "model", "dimension", "chunking", "files", "counts", "duplicates"):
        assert ours[key] == theirs[key], key
    assert top_hits(tmp_path / "ray") == top_hits(real_index)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two Ray nodes of one CPU each on 127.0.0.1, with their own temp folder and a fresh token.

    The folder is a short one right under the system temp folder, not pytest's: Ray puts its sockets there, and
    a Unix socket's path may not exceed 107 bytes (`/tmp/pytest-of-root/pytest-599/popen-gw0/ray0/session_…/
    sockets/plasma_store.1` did, under `pytest -n 2`)."""
    if not HAS_RAY:
        pytest.skip("the ray extra is not installed")
    patch = pytest.MonkeyPatch()
    # Before Ray is first imported: a one-machine runtime binds to 127.0.0.1 only (see indexer/distributed.py).
    patch.setenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    patch.setenv("RAY_AUTH_MODE", "token")
    patch.setenv("RAY_AUTH_TOKEN", secrets.token_hex(32))
    patch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    from ray.cluster_utils import Cluster

    temp = tempfile.mkdtemp(prefix="ray-")
    nodes = {"num_cpus": 1, "object_store_memory": 100 * 1024 * 1024}
    cluster = Cluster(initialize_head=True, head_node_args={**nodes, "include_dashboard": False, "temp_dir": temp})
    try:
        cluster.add_node(**nodes)
        cluster.wait_for_nodes()
        yield cluster
    finally:
        cluster.shutdown()
        patch.undo()
        shutil.rmtree(temp, ignore_errors=True)


def listening_beyond_loopback(pids: set[int]) -> list[str]:
    """The TCP sockets these processes listen on at any address but 127.0.0.1 (as `ss` lists them)."""
    if shutil.which("ss") is None:
        pytest.skip("ss (iproute2) is not installed")
    result = subprocess.run(["ss", "-Hltnp"], capture_output=True, text=True, check=True)
    beyond = []
    for line in result.stdout.splitlines():
        host = line.split()[3].rsplit(":", 1)[0].strip("[]")
        if any(f"pid={pid}," in line for pid in pids) and host not in ("127.0.0.1", "::ffff:127.0.0.1"):
            beyond.append(line)
    return beyond


def descendants() -> dict[int, str]:
    """This process's descendants (the cluster's nodes and workers), pid → process title."""
    parents: dict[int, int] = {}
    titles: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            titles[int(stat.parent.name)] = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, UnicodeDecodeError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = {}, [os.getpid()]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = titles.get(pid, "")
                frontier.append(pid)
    return found


@on_ray
def test_two_nodes_share_the_build_and_it_matches_the_local_build(
    cluster: Any, real_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer import distributed

    monkeypatch.setattr(distributed, "BLOCK_ROWS", 32)  # 8 blocks, not 2: both actors get several
    corpus = copy_files(TWO_NODE_FILES, tmp_path / "corpus")
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02 not text")
    built = distributed.build_index_ray(corpus, tmp_path / "idx", address=cluster.address)

    nodes = {n.node_id for n in cluster.list_all_nodes()}
    assert len(nodes) == 2 and {n.node_ip_address for n in cluster.list_all_nodes()} == {"127.0.0.1"}
    # Both nodes embedded (an actor a core, a core a node); the file tasks are spread as Ray sees fit.
    assert set(built.embedded_on) == nodes and all(built.embedded_on.values()), built.embedded_on
    assert set(built.parsed_on) <= nodes and sum(built.parsed_on.values()) == 6, built.parsed_on
    assert sum(built.embedded_on.values()) == built.report.embedded == built.report.chunks
    on = "1 node" if len(built.parsed_on) == 1 else "2 nodes"
    assert built.placement() == f"Ray: 2 nodes; 6 files parsed on {on}, 228 chunks embedded on 2 nodes"
    assert [e.file for e in built.report.errors] == ["broken.txt"] and built.report.files == 5
    assert same_chunks_and_vectors(tmp_path / "idx", real_index) == 228
    assert listening_beyond_loopback(set(descendants())) == []


@on_ray
def test_an_embedding_actor_killed_mid_run_is_restarted_and_the_build_completes(
    cluster: Any, real_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer import distributed

    monkeypatch.setattr(distributed, "BLOCK_ROWS", 32)
    corpus = copy_files(KILL_FILES, tmp_path / "corpus")
    killed: list[tuple[int, int, int]] = []

    def progress(done: int, total: int) -> None:
        if done and not killed:  # the first batches are back, the rest still to do: kill one actor
            pid = min(p for p, title in descendants().items() if title.startswith(EMBEDDING_ACTOR))
            os.kill(pid, signal.SIGKILL)
            killed.append((pid, done, total))

    built = distributed.build_index_ray(corpus, tmp_path / "idx", progress=progress, address=cluster.address)
    assert len(killed) == 1
    pid, done, total = killed[0]
    assert 0 < done < total and pid not in descendants()
    assert built.report.embedded == built.report.chunks == total == 266
    assert same_chunks_and_vectors(tmp_path / "idx", real_index) == 266


@on_ray
def test_a_failed_ray_build_leaves_the_previous_index_answering(cluster: Any, tmp_path: Path) -> None:
    """A model the nodes cannot load: the build fails with the nodes' reason, and the index is the old one."""
    from indexer.distributed import build_index_ray
    from indexer.errors import ProtokollError

    corpus = copy_files(TWO_NODE_FILES[2:4], tmp_path / "corpus")
    model = str(tmp_path / "no-such-model")
    build_index(corpus, tmp_path / "idx", FakeEmbedder(model))  # the previous index, "of" that model
    before = Searcher(load_index(tmp_path / "idx"), FakeEmbedder()).search("statsbidrag yrkesvux", k=3)
    changed = corpus / "000_a1d265b92dc01c91.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("balanskontot", "utjämningskontot"), "utf-8")
    with pytest.raises(ProtokollError, match=r"the Ray build failed \(cannot load embedding model .*no-such-model"):
        build_index_ray(corpus, tmp_path / "idx", model=model, address=cluster.address)
    after = Searcher(load_index(tmp_path / "idx"), FakeEmbedder()).search("statsbidrag yrkesvux", k=3)
    assert before and after == before
    assert all("utjämningskontot" not in c.text for c in read_chunks(tmp_path / "idx"))
