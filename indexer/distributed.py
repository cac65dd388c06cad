"""Index a corpus with Ray: files parsed as tasks, chunks embedded by a pool of model actors, the index written here.

Only the two steps that cost CPU move (see `indexer.build.ParseFiles` and `EmbedTexts`); the driver plans, reuses
and writes exactly as a local build does. Ray is optional (`pip install 'protokollsok[ray]'`) and imported here only.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import socket
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from indexer.build import EMBED_BATCH, FileOutcome, Progress, build_locked, file_problem, parser_version
from indexer.chunk import ChunkSettings, chunk_protocol
from indexer.errors import IndexMismatchError, ProtocolParseError, ProtokollError
from indexer.index.store import build_lock
from indexer.model.embed import DEFAULT_MODEL, SentenceTransformerEmbedder, cache_dir, prepare_model
from indexer.models import BuildReport, FileProblem
from indexer.parse.protocol import parse_document
from indexer.read.files import read_data
from indexer.read.meta import parse_meta, sidecar_path

if TYPE_CHECKING:
    from numpy.typing import NDArray

LOCAL = "local"
"""The address meaning: start a Ray runtime on this machine's cores for this build, and stop it after."""
INSTALL_HINT = "--ray needs Ray: pip install 'protokollsok[ray]' (in a checkout: .venv/bin/pip install -e '.[ray]')"
LOCAL_OBJECT_STORE_BYTES = 200 * 1024 * 1024
"""The local runtime's shared memory (/dev/shm): a few files' bytes and blocks of texts and vectors at a time;
more spills to disk."""
BLOCK_ROWS = 4 * EMBED_BATCH
"""Texts per Ray Data block: a whole number of the local build's batches, so each batch holds the same texts
(and is padded the same) as there; small enough that the last block keeps one actor busy only briefly."""
CPUS_PER_ACTOR = 1
"""Each embedding actor runs torch on one core: on this 2-core machine two one-thread actors embed faster than
one two-thread actor (docs/scale.md), and every core of a cluster gets an actor."""
CONNECT_TIMEOUT_S = 10
"""How long a cluster's address may take to answer before the build gives up on it."""
PARSE_IN_FLIGHT_PER_CPU = 2
"""Files sent ahead per core of the cluster: enough to keep every core busy, few enough that the driver does not
hold the bytes of a whole archive at once."""


@dataclass(frozen=True, slots=True)
class RayBuild:
    """A build on Ray: the build's report, the nodes alive when it started, and where the work ran (node id →
    files parsed, node id → chunks embedded)."""

    report: BuildReport
    nodes: int
    parsed_on: dict[str, int] = field(default_factory=dict)
    embedded_on: dict[str, int] = field(default_factory=dict)

    def placement(self) -> str:
        """One line for the CLI: `Ray: 2 nodes; 18 files parsed on 2 nodes, 2,625 chunks embedded on 2 nodes`."""

        def on(count: int, what: str, nodes: dict[str, int]) -> str:
            return f"{count:,} {what} on {len(nodes)} node{'s' if len(nodes) != 1 else ''}"

        files, chunks = sum(self.parsed_on.values()), sum(self.embedded_on.values())
        plural = "s" if self.nodes != 1 else ""
        return (
            f"Ray: {self.nodes} node{plural}; {on(files, 'files parsed', self.parsed_on)}, "
            f"{on(chunks, 'chunks embedded', self.embedded_on)}"
        )


def import_ray(local: bool) -> ModuleType:
    """Ray, or a ProtokollError saying how to install it.

    For a runtime on this machine only, Ray is told so before it is first imported (in this process's
    environment, which its processes inherit): it then takes 127.0.0.1 as the node's address and binds every
    server there. Otherwise, on Linux, it takes the machine's network address and listens on all interfaces.
    """
    if local and "ray" not in sys.modules:
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # Ray's switch for one-machine runtimes
        os.environ.setdefault("RAY_AUTH_MODE", "token")  # Ray's default, said so that it is not announced
    try:
        import ray
        import ray.data
    except ImportError:
        raise ProtokollError(INSTALL_HINT) from None
    return ray


def check_address(address: str) -> str:
    """`local`, `auto` (the cluster `ray start` began on this machine), `HOST:PORT` or `ray://HOST:PORT`."""
    if address in (LOCAL, "auto") or ":" in address:
        return address
    raise ProtokollError(
        f"--ray {address!r}: expected a Ray address such as 127.0.0.1:6379 or ray://head:10001, or nothing for "
        "a runtime on this machine (the corpus folder goes before --ray)"
    )


@contextmanager
def ray_runtime(address: str = LOCAL) -> Iterator[ModuleType]:
    """Ray, started on this machine's cores (`local`) or connected to a cluster, and shut down after; a caller
    that already initialised Ray keeps its runtime (the address is then not used)."""
    ray = import_ray(check_address(address) == LOCAL)
    if ray.is_initialized():
        yield ray
        return
    common: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False}
    try:
        if address == LOCAL:
            ray.init(
                address=LOCAL,
                num_cpus=os.cpu_count() or 1,
                include_dashboard=False,
                object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                **common,
            )
        else:
            _check_reachable(address)
            ray.init(address=address, **common)
    except (OSError, RuntimeError, ValueError) as error:  # OSError: refused, no such host, timed out
        where = "start Ray on this machine" if address == LOCAL else f"connect to the Ray cluster at {address}"
        raise ProtokollError(f"cannot {where}: {_first_line(error)}") from None
    try:
        yield ray
    finally:
        ray.shutdown()


def _check_reachable(address: str) -> None:
    """Raises OSError at once when nothing answers at HOST:PORT (Ray itself would retry for minutes)."""
    host, _, port = address.rpartition(":")
    if "://" in address or not port.isdigit():
        return  # `auto` and `ray://`: Ray finds the cluster, and times out, itself
    with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT_S):
        pass


def build_index_ray(
    corpus_dir: Path,
    index_dir: Path,
    model: str = DEFAULT_MODEL,
    settings: ChunkSettings | None = None,
    progress: Progress | None = None,
    address: str = LOCAL,
) -> RayBuild:
    """`indexer.build.build_index` with files parsed and chunks embedded on Ray (see `ray_runtime`).

    Takes the index's build lock before Ray starts. A failure on Ray (a node lost, a model that does not load)
    raises ProtokollError, and the previous index stays as it was.
    """
    settings = settings or ChunkSettings()
    import_ray(check_address(address) == LOCAL)  # a missing Ray or a bad address is said before anything else
    with build_lock(index_dir), ray_runtime(address) as ray:
        nodes = [n for n in ray.nodes() if n.get("Alive")]
        parsed_on: Counter[str] = Counter()
        embedded_on: Counter[str] = Counter()
        try:
            report = build_locked(
                corpus_dir,
                index_dir,
                # Names the model in the manifest; loaded here only if nothing is embedded and nothing reused.
                SentenceTransformerEmbedder(model),
                settings,
                progress,
                parse_files=lambda paths, s: _parse_on_ray(ray, paths, s, parsed_on),
                embed_texts=lambda texts: _embed_on_ray(ray, model, texts, embedded_on),
            )
        except ray.exceptions.RayError as error:
            raise ProtokollError(
                f"the Ray build failed ({_reason(error)}); the index at {index_dir} is unchanged"
            ) from None
    return RayBuild(report, len(nodes), dict(parsed_on), dict(embedded_on))


def parse_bytes(name: str, data: bytes, sidecar: bytes | None, settings: ChunkSettings) -> FileOutcome:
    """Read, parse and chunk one protocol file given as bytes (with its sidecar's), as `indexer.build.parse_here`
    does from disk: the same readers, parser, chunker and messages."""
    try:
        meta = None if sidecar is None else parse_meta(sidecar, sidecar_path(Path(name)).name)
        protocol = parse_document(read_data(data, name), name, meta)
    except (ProtocolParseError, OSError) as error:
        return file_problem(name, error)
    return protocol, chunk_protocol(protocol, settings)


def parse_task(name: str, data: bytes, sidecar: bytes | None, settings: ChunkSettings) -> tuple[Any, ...]:
    """A Ray task: `parse_bytes`, with the node it ran on and its parser digest (a node running other parser
    code would index differently, so the driver checks)."""
    import ray

    outcome = parse_bytes(name, data, sidecar, settings)
    return outcome, ray.get_runtime_context().get_node_id(), parser_version()


def _parse_on_ray(
    ray: ModuleType, paths: Sequence[Path], settings: ChunkSettings, parsed_on: Counter[str]
) -> list[FileOutcome]:
    """`ParseFiles` on Ray: one task a file, spread over the nodes, the file's bytes sent along (no shared disk
    needed); a bounded number in flight."""
    task = ray.remote(parse_task).options(num_cpus=1, scheduling_strategy="SPREAD")
    in_flight = max(4, PARSE_IN_FLIGHT_PER_CPU * int(ray.cluster_resources().get("CPU", 1)))
    outcomes: dict[str, FileOutcome] = {}
    pending: dict[Any, str] = {}

    def collect(ready: list[Any]) -> None:
        for ref in ready:
            outcome, node, digest = ray.get(ref)
            if digest != parser_version():
                raise IndexMismatchError(
                    f"Ray node {node[:8]} parses with other code (parser {digest}, here {parser_version()}): "
                    "install the same version of protokollsok on every node"
                )
            outcomes[pending.pop(ref)] = outcome
            parsed_on[node] += 1

    for path in paths:
        while len(pending) >= in_flight:
            collect(ray.wait(list(pending), num_returns=1)[0])
        sent = _file_bytes(path)
        if isinstance(sent, tuple):
            pending[task.remote(path.name, *sent, settings)] = path.name
        else:
            outcomes[path.name] = sent
    while pending:
        collect(ray.wait(list(pending), num_returns=1)[0])
    return [outcomes[p.name] for p in paths]


def _file_bytes(path: Path) -> tuple[bytes, bytes | None] | FileProblem:
    """A protocol file's bytes and its sidecar's, or the problem `parse_file` would report reading them."""
    sidecar = sidecar_path(path)
    reading = path
    try:
        data = path.read_bytes()
        reading = sidecar
        return data, sidecar.read_bytes() if sidecar.is_file() else None
    except OSError as error:
        return file_problem(path.name, ProtocolParseError(f"{reading.name}: cannot read the file ({error.strerror})"))


class ChunkEmbedder:
    """A Ray Data actor: loads the model once (preparing it in its node's cache on first use, as the CLI does),
    then embeds batches of texts; each row comes back with its position and the node that embedded it."""

    def __init__(self, model: str, threads: int) -> None:
        import ray
        import torch

        torch.set_num_threads(threads)
        with _model_preparation_lock():  # two actors of one node must not convert the model at once
            prepare_model(model)
        self._embedder = SentenceTransformerEmbedder(model)
        _ = self._embedder.dimension  # load now, before the first batch
        self._node = ray.get_runtime_context().get_node_id()

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self._embedder.embed_documents([str(t) for t in batch["text"]], batch_size=EMBED_BATCH)
        return {"row": batch["row"], "vector": vectors, "node": np.full(len(vectors), self._node)}


def _embed_on_ray(
    ray: ModuleType, model: str, texts: Sequence[str], embedded_on: Counter[str]
) -> Iterator[tuple[NDArray[np.intp], NDArray[np.float32]]]:
    """`EmbedTexts` on Ray Data: blocks of texts through `map_batches` over a pool of `ChunkEmbedder` actors,
    one per CPUS_PER_ACTOR cores of every node; vectors stream back as blocks finish."""
    import pyarrow as pa

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the build's own bar counts the chunks
    context.print_on_execution_start = False
    logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)  # "Progress bars disabled"
    rows = np.arange(len(texts), dtype=np.int64)
    blocks = [
        pa.table({"row": rows[start : start + BLOCK_ROWS], "text": list(texts[start : start + BLOCK_ROWS])})
        for start in range(0, len(texts), BLOCK_ROWS)
    ]
    blocks.reverse()  # the texts are sorted by length: the longest blocks go first, so the tail is short
    dataset = ray.data.from_arrow(blocks).map_batches(
        ChunkEmbedder,
        fn_constructor_args=(model, CPUS_PER_ACTOR),
        batch_size=EMBED_BATCH,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=_pool_size(ray)),
        num_cpus=CPUS_PER_ACTOR,
    )
    for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
        nodes, counts = np.unique(batch["node"], return_counts=True)
        embedded_on.update({str(node): int(n) for node, n in zip(nodes, counts)})
        yield batch["row"], np.asarray(batch["vector"], dtype=np.float32)


def _pool_size(ray: ModuleType) -> int:
    """Actors that fit: CPUS_PER_ACTOR cores each, on every node alive (a pool larger than fits would wait)."""
    cpus = [float(n.get("Resources", {}).get("CPU", 0)) for n in ray.nodes() if n.get("Alive")]
    return max(1, sum(int(c // CPUS_PER_ACTOR) for c in cpus))


@contextmanager
def _model_preparation_lock() -> Iterator[None]:
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".prepare-model.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _first_line(error: BaseException) -> str:
    text = ANSI.sub("", str(error)).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _reason(error: BaseException) -> str:
    """Why a build on Ray failed: our own error raised on a node (e.g. the model does not load), else Ray's."""
    ours = re.findall(r"^indexer\.errors\.\w+: (.+)$", ANSI.sub("", str(error)), re.MULTILINE)
    return ours[-1] if ours else _first_line(error)


ANSI = re.compile(r"\x1b\[[0-9;]*m")
