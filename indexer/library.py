"""Adding protocol files to an index: checked, parsed alone, copied into the library folder, indexed.

The library folder of an index is the folder it was built from (the manifest's `corpus`): `protokoll
add` and the web UI's upload copy files there, so a later `protokoll index` of that folder keeps them.
A file is copied only once it has been read and parsed on its own; a file that fails is reported by name
and nothing is written for it. The build then takes those parses instead of reading the files again (a
scanned PDF is OCR'd once). If the index build after the copy fails, the copies are taken back.
"""

from __future__ import annotations

import enum
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from indexer.build import FileOutcome, ParseFiles, Progress, build_locked, parse_here
from indexer.chunk import ChunkSettings, chunk_protocol
from indexer.errors import ProtocolParseError, ProtokollError
from indexer.index.store import build_lock, read_manifest
from indexer.model.embed import Embedder
from indexer.models import BuildReport, Protocol, ProtocolMeta
from indexer.parse.protocol import parse_document
from indexer.read.files import PROTOCOL_SUFFIXES, is_protocol_file, read_data
from indexer.read.meta import SIDECAR_SUFFIX, parse_meta, read_meta

MAX_FILE_BYTES = 100 * 1024 * 1024
"""The largest file accepted. A 300-page protocol PDF with attachments is about 10 MB; the parser was
measured on 100 MB of text (bench/hostile.py: 40 s, 411 MB), so nothing larger is taken in."""
MAX_NAME_CHARS = 160
"""File names longer than this are refused: every file system here takes 255 bytes, and åäö take two."""


class Refusal(enum.StrEnum):
    """Why a file was not added; the UI says each in Swedish."""

    NAME = "name"  # a path, a hidden name, control characters, too long
    KIND = "kind"  # not a protocol file kind the indexer reads
    SIZE = "size"  # empty or larger than MAX_FILE_BYTES
    UNREADABLE = "unreadable"  # the reader or the parser refused it
    CONFLICT = "conflict"  # another file of that name is in the library


@dataclass(frozen=True, slots=True)
class Incoming:
    """A file to add: where its bytes are now, and the name it is to have in the library (for an upload,
    the name the user's browser sent, not the temporary file's)."""

    path: Path
    name: str


@dataclass(frozen=True, slots=True)
class Refused:
    name: str
    why: Refusal
    detail: str


@dataclass(frozen=True, slots=True)
class Added:
    """A protocol file now in the library: its name, paragraphs and pages (0: no page numbers)."""

    name: str
    paragraphs: int
    pages: int


@dataclass(frozen=True, slots=True)
class AddReport:
    """What an add did: files added (or replaced), files already there unchanged, files refused, and the
    index build that followed (None when nothing was added)."""

    added: tuple[Added, ...]
    unchanged: tuple[str, ...]
    refused: tuple[Refused, ...]
    build: BuildReport | None


def check_name(name: str) -> str:
    """The name as it will be stored, or ProtocolParseError: a bare file name, nothing a path can be made of."""
    if not name or name != name.strip() or len(name) > MAX_NAME_CHARS:
        raise ProtocolParseError(f"{name!r}: not a usable file name (empty, padded or over {MAX_NAME_CHARS} chars)")
    if "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
        raise ProtocolParseError(f"{name!r}: a file name may not be a path or start with a dot")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise ProtocolParseError(f"{name!r}: control characters in the file name")
    return unicodedata.normalize("NFC", name)


def library_of(index_dir: Path) -> Path | None:
    """The folder the index at `index_dir` was built from, if it says so and the folder exists."""
    manifest = read_manifest(Path(os.path.realpath(index_dir))) if os.path.exists(index_dir) else None
    corpus = (manifest or {}).get("corpus")
    return Path(corpus) if isinstance(corpus, str) and Path(corpus).is_dir() else None


def add_files(
    incoming: Sequence[Incoming],
    library: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    replace: bool = False,
    settings: ChunkSettings | None = None,
    progress: Progress | None = None,
) -> AddReport:
    """Add protocol files (and `NAME.meta.json` sidecars sent with them) to `library` and update the index.

    Holds the index's build lock throughout, so an add and an index run never interleave (IndexBusyError).
    """
    library.mkdir(parents=True, exist_ok=True)
    with build_lock(index_dir):
        accepted, unchanged, refused, screened = _screen(incoming, library, replace)
        if not accepted:
            return AddReport((), tuple(unchanged), tuple(refused), None)
        undo = _copy_in(accepted, library)
        try:
            report = build_locked(library, index_dir, embedder, settings, progress, parse_files=_taken_from(screened))
        except BaseException:
            undo()
            raise
        undo.discard()
    added = tuple(a for _, _, a in accepted if a is not None)
    return AddReport(added, tuple(unchanged), tuple(refused), report)


Accepted = tuple[Incoming, bytes, Added | None]
"""A file to copy in: where it comes from, its bytes, and what it is (None for a sidecar)."""


def _taken_from(screened: dict[str, Protocol]) -> ParseFiles:
    """`ParseFiles` that takes the protocols `_screen` parsed from the bytes just copied in (the same bytes
    and sidecar the file in the library has: the build lock is held), and reads and parses only the rest."""

    def parse(paths: Sequence[Path], settings: ChunkSettings) -> list[FileOutcome]:
        others = iter(parse_here([p for p in paths if p.name not in screened], settings))
        return [
            (screened[p.name], chunk_protocol(screened[p.name], settings)) if p.name in screened else next(others)
            for p in paths
        ]

    return parse


def _screen(
    incoming: Sequence[Incoming], library: Path, replace: bool
) -> tuple[list[Accepted], list[str], list[Refused], dict[str, Protocol]]:
    """The files to copy in, those already there, those refused, and the protocols parsed from the files
    to copy in, by name."""
    accepted: list[Accepted] = []
    screened: dict[str, Protocol] = {}
    unchanged: list[str] = []
    refused: list[Refused] = []
    sidecars: dict[str, tuple[Incoming, bytes, ProtocolMeta]] = {}
    protocols: list[tuple[Incoming, bytes]] = []
    seen: set[str] = set()
    for item in incoming:
        try:
            name = check_name(item.name)
        except ProtocolParseError as error:
            refused.append(Refused(item.name, Refusal.NAME, str(error)))
            continue
        if name.casefold() in seen:
            refused.append(Refused(name, Refusal.CONFLICT, f"{name}: sent twice"))
            continue
        seen.add(name.casefold())
        is_sidecar = name.lower().endswith(SIDECAR_SUFFIX)
        if not is_sidecar and not is_protocol_file(Path(name)):
            kinds = ", ".join(PROTOCOL_SUFFIXES)
            refused.append(Refused(name, Refusal.KIND, f"{name}: not a protocol file kind the indexer reads ({kinds})"))
            continue
        try:
            size = item.path.stat().st_size
            if size == 0 or size > MAX_FILE_BYTES:
                limit = MAX_FILE_BYTES // (1024 * 1024)
                refused.append(Refused(name, Refusal.SIZE, f"{name}: {size} bytes (empty, or over {limit} MB)"))
                continue
            data = item.path.read_bytes()
        except OSError as error:
            refused.append(Refused(name, Refusal.UNREADABLE, f"{name}: cannot read the file ({error.strerror})"))
            continue
        item = Incoming(item.path, name)
        if is_sidecar:
            try:
                sidecars[name[: -len(SIDECAR_SUFFIX)]] = (item, data, parse_meta(data, name))
            except ProtocolParseError as error:
                refused.append(Refused(name, Refusal.UNREADABLE, str(error)))
        else:
            protocols.append((item, data))

    for item, data in protocols:
        stem = Path(item.name).stem
        sidecar = sidecars.pop(stem, None)
        try:
            meta = sidecar[2] if sidecar else read_meta(library / item.name)
            protocol = parse_document(read_data(data, item.name), item.name, meta)
        except ProtocolParseError as error:
            refused.append(Refused(item.name, Refusal.UNREADABLE, str(error)))
            if sidecar:
                refused.append(Refused(sidecar[0].name, Refusal.UNREADABLE, f"its protocol {item.name} was refused"))
            continue
        group: list[Accepted] = [(item, data, Added(item.name, len(protocol.paragraphs), protocol.page_count))]
        if sidecar:
            group.append((sidecar[0], sidecar[1], None))
        if all(_same_file(library / i.name, d) for i, d, _ in group):
            unchanged.append(item.name)
        elif not replace and any((library / i.name).exists() for i, _, _ in group):
            refused.append(
                Refused(item.name, Refusal.CONFLICT, f"{item.name}: another file of that name is in the library")
            )
        else:
            accepted += group
            screened[item.name] = protocol
    for item, data, _meta in sidecars.values():
        # A sidecar sent alone corrects a protocol already in the library.
        stem = item.name[: -len(SIDECAR_SUFFIX)]
        owner = next((p for p in library.iterdir() if p.stem == stem and is_protocol_file(p)), None)
        if owner is None:
            refused.append(Refused(item.name, Refusal.UNREADABLE, f"{item.name}: no protocol {stem}.* to go with it"))
        elif _same_file(library / item.name, data):
            unchanged.append(item.name)
        elif (library / item.name).exists() and not replace:
            refused.append(Refused(item.name, Refusal.CONFLICT, f"{item.name}: another sidecar is in the library"))
        else:
            accepted.append((item, data, None))
    return accepted, unchanged, refused, screened


def _same_file(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _copy_in(accepted: list[Accepted], library: Path) -> _Undo:
    """Write each file into the library (temp file, fsync, rename); returns how to take them back."""
    undo = _Undo(library)
    try:
        for item, data, _ in accepted:
            target = library / item.name
            if target.exists():
                undo.keep_old(target)
            fd, tmp = tempfile.mkstemp(dir=library, prefix=".add-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
            undo.written.append(target)
        fd = os.open(library, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as error:
        undo()
        raise ProtokollError(f"{library}: cannot write the library folder ({error}); nothing was added") from None
    return undo


class _Undo:
    """Takes back what `_copy_in` wrote: new files removed, replaced ones restored from their backups."""

    def __init__(self, library: Path) -> None:
        self.library = library
        self.written: list[Path] = []
        self.backups: dict[Path, Path] = {}

    def keep_old(self, target: Path) -> None:
        backup = Path(tempfile.mkdtemp(dir=self.library, prefix=".add-backup-")) / target.name
        shutil.copy2(target, backup)
        self.backups[target] = backup

    def __call__(self) -> None:
        for target in self.written:
            if target in self.backups:
                os.replace(self.backups[target], target)
            else:
                target.unlink(missing_ok=True)
        self.discard()

    def discard(self) -> None:
        for backup in self.backups.values():
            shutil.rmtree(backup.parent, ignore_errors=True)
        self.backups.clear()


__all__ = [
    "MAX_FILE_BYTES",
    "AddReport",
    "Added",
    "Incoming",
    "Refusal",
    "Refused",
    "add_files",
    "check_name",
    "library_of",
]
