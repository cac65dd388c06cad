"""Adding protocols to an index: `add_files` and `protokoll add` (fake embedder; the real path is in
test_real_model and the upload in test_ui)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import indexer.library
import indexer.model.embed
from app.cli import main
from app.search import Searcher
from indexer.errors import IndexBusyError, ProtocolParseError
from indexer.index.store import build_lock, load_index, read_manifest, read_protocols
from indexer.library import Incoming, Refusal, add_files, check_name, library_of
from tests.conftest import SMALL_CORPUS
from tests.fakes import FakeEmbedder

NEW = Path(__file__).parent / "data" / "Lomma_Kulturnamnden_2026-09-15.txt"
EMBEDDER = FakeEmbedder("fake")  # the model name `library_index` was built with: every vector is reused
QUESTION = "Vad beslutade kulturnämnden om bibliotekets öppettider i Bjärred?"


@pytest.fixture
def built(library_index: Path) -> Path:
    """The corpus copy indexed as `--model fake`; its library folder is the copy."""
    return library_index


def _top(index: Path, question: str = QUESTION) -> tuple[str, str]:
    hit = Searcher(load_index(index), EMBEDDER).search(question, k=1)[0]
    return hit.file, hit.paragraph


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, but the index's build lock (taken by every add)."""
    files = (p for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith(".build.lock"))
    return {str(p.relative_to(folder)): p.read_bytes() for p in files}


def test_the_index_names_its_library(built: Path, small_corpus: Path) -> None:
    assert library_of(built) == small_corpus.resolve()
    assert library_of(built.parent / "nothing-here") is None


def test_an_added_protocol_is_the_top_hit_and_only_it_is_read(
    built: Path, small_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indexer.build

    read_by_build: list[str] = []
    real = indexer.build.parse_file
    monkeypatch.setattr(indexer.build, "parse_file", lambda path: read_by_build.append(path.name) or real(path))
    report = add_files([Incoming(NEW, NEW.name)], small_corpus, built, EMBEDDER)
    assert [(a.name, a.paragraphs) for a in report.added] == [(NEW.name, 2)] and not report.refused
    assert report.build is not None and report.build.files == len(SMALL_CORPUS) + 1 and report.build.files_read == 1
    # Read once, when it was checked: the build takes that parse (a scan is OCR'd once), and it is the parse.
    assert read_by_build == [] and read_protocols(built)[NEW.name] == real(small_corpus / NEW.name)
    assert (small_corpus / NEW.name).read_bytes() == NEW.read_bytes()
    assert _top(built) == (NEW.name, "12")
    # Sending the same file again changes nothing and builds nothing.
    again = add_files([Incoming(NEW, NEW.name)], small_corpus, built, EMBEDDER)
    assert again.unchanged == (NEW.name,) and again.build is None and not again.added


def test_a_different_file_of_the_same_name_is_refused_unless_replaced(
    built: Path, small_corpus: Path, tmp_path: Path
) -> None:
    add_files([Incoming(NEW, NEW.name)], small_corpus, built, EMBEDDER)
    changed = tmp_path / "changed.txt"
    changed.write_text(NEW.read_text(encoding="utf-8").replace("klockan 20", "klockan 21"), encoding="utf-8")
    report = add_files([Incoming(changed, NEW.name)], small_corpus, built, EMBEDDER)
    assert [(r.name, r.why) for r in report.refused] == [(NEW.name, Refusal.CONFLICT)] and report.build is None
    assert (small_corpus / NEW.name).read_bytes() == NEW.read_bytes()
    report = add_files([Incoming(changed, NEW.name)], small_corpus, built, EMBEDDER, replace=True)
    assert report.added and (small_corpus / NEW.name).read_bytes() == changed.read_bytes()
    assert not list(small_corpus.glob(".add-*")), "backups of replaced files are removed after a good build"


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../utanfor.txt", Refusal.NAME),
        ("/tmp/absolut.txt", Refusal.NAME),
        ("..", Refusal.NAME),
        (".dold.txt", Refusal.NAME),
        ("a\\b.txt", Refusal.NAME),
        ("rad\nbrytning.txt", Refusal.NAME),
        ("x" * 200 + ".txt", Refusal.NAME),
        ("program.exe", Refusal.KIND),
        ("arkiv.zip", Refusal.KIND),
        ("README.md", Refusal.KIND),
    ],
)
def test_unsafe_names_and_wrong_kinds_are_refused_and_nothing_is_written(
    built: Path, small_corpus: Path, tmp_path: Path, name: str, why: Refusal
) -> None:
    before = _tree(tmp_path)
    report = add_files([Incoming(NEW, name)], small_corpus, built, EMBEDDER)
    assert [(r.name, r.why) for r in report.refused] == [(name, why)] and report.build is None
    assert _tree(tmp_path) == before


def test_an_oversize_or_empty_file_is_refused(
    built: Path, small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexer.library, "MAX_FILE_BYTES", 100)
    empty = tmp_path / "tom.txt"
    empty.write_bytes(b"")
    report = add_files([Incoming(NEW, NEW.name), Incoming(empty, "tom.txt")], small_corpus, built, EMBEDDER)
    assert {(r.name, r.why) for r in report.refused} == {(NEW.name, Refusal.SIZE), ("tom.txt", Refusal.SIZE)}
    assert not (small_corpus / NEW.name).exists()


def test_a_broken_file_is_refused_by_name_and_the_good_one_is_added(
    built: Path, small_corpus: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "trasig.pdf"
    broken.write_bytes(b"%PDF-1.7 this is not really a PDF")
    report = add_files([Incoming(broken, broken.name), Incoming(NEW, NEW.name)], small_corpus, built, EMBEDDER)
    assert [(r.name, r.why) for r in report.refused] == [("trasig.pdf", Refusal.UNREADABLE)]
    assert "trasig.pdf" in report.refused[0].detail
    assert [a.name for a in report.added] == [NEW.name] and not (small_corpus / "trasig.pdf").exists()


def test_a_failed_build_takes_the_copies_back(
    built: Path, small_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _tree(small_corpus)
    version = os.readlink(built)

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(indexer.library, "build_locked", failing)
    with pytest.raises(OSError, match="disk full"):
        add_files([Incoming(NEW, NEW.name)], small_corpus, built, EMBEDDER)
    assert _tree(small_corpus) == before and os.readlink(built) == version


def test_an_add_while_the_index_is_being_built_is_refused(built: Path, small_corpus: Path) -> None:
    with build_lock(built), pytest.raises(IndexBusyError, match=str(os.getpid())):
        add_files([Incoming(NEW, NEW.name)], small_corpus, built, EMBEDDER)
    assert not (small_corpus / NEW.name).exists()


def test_a_sidecar_sent_along_overrides_the_header(built: Path, small_corpus: Path, tmp_path: Path) -> None:
    sidecar = tmp_path / "Lomma_Kulturnamnden_2026-09-15.meta.json"
    sidecar.write_text(json.dumps({"organisation": "Lomma kommun (test)", "date": "2026-09-16"}), encoding="utf-8")
    report = add_files(
        [Incoming(NEW, NEW.name), Incoming(sidecar, sidecar.name)], small_corpus, built, EMBEDDER
    )
    assert report.added and (small_corpus / sidecar.name).is_file()
    stored = {p.source: p for p in load_index(built).protocols}[NEW.name]
    assert (stored.organisation, stored.body, stored.date) == ("Lomma kommun (test)", "Kulturnämnden", "2026-09-16")
    # A corrected sidecar alone is a change of that protocol.
    sidecar.write_text(json.dumps({"date": "2026-09-17"}), encoding="utf-8")
    report = add_files([Incoming(sidecar, sidecar.name)], small_corpus, built, EMBEDDER, replace=True)
    assert report.build is not None and report.build.files_read == 1
    assert {p.source: p for p in load_index(built).protocols}[NEW.name].date == "2026-09-17"


def test_a_bad_sidecar_is_refused_with_its_protocol(built: Path, small_corpus: Path, tmp_path: Path) -> None:
    sidecar = tmp_path / "Lomma_Kulturnamnden_2026-09-15.meta.json"
    sidecar.write_text(json.dumps({"datum": "2026-09-16"}), encoding="utf-8")
    report = add_files(
        [Incoming(NEW, NEW.name), Incoming(sidecar, sidecar.name)], small_corpus, built, EMBEDDER
    )
    assert [r.name for r in report.refused] == [sidecar.name] and "unknown field" in report.refused[0].detail
    assert [a.name for a in report.added] == [NEW.name]


def test_the_same_protocol_twice_is_indexed_once_with_a_warning(built: Path, small_corpus: Path) -> None:
    copy = small_corpus.parent / "Lomma_Kulturnamnden_2026-09-15.md"
    shutil.copy(NEW, copy)
    report = add_files([Incoming(NEW, NEW.name), Incoming(copy, copy.name)], small_corpus, built, EMBEDDER)
    assert report.build is not None and report.build.files == len(SMALL_CORPUS) + 1
    (warning,) = [w for w in report.build.warnings if "same protocol" in w.message]
    assert NEW.name in warning.message and copy.name in warning.message
    manifest = read_manifest(Path(os.path.realpath(built)))
    assert manifest is not None and set(manifest["duplicates"]) == {warning.file}


@pytest.mark.parametrize("name", ["protokoll.pdf", "Protokoll KS 2025-03-12 §§ 1–40.docx", "kallelse.htm"])
def test_ordinary_names_pass(name: str) -> None:
    assert check_name(name) == name


def test_names_are_stored_in_one_unicode_form() -> None:
    assert check_name("na\u0308mnd.pdf") == "nämnd.pdf"
    with pytest.raises(ProtocolParseError):
        check_name(" padded.pdf")


def test_cli_add_copies_into_the_library_and_reports(
    built: Path, small_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexer.model.embed, "SentenceTransformerEmbedder", FakeEmbedder)
    outside = tmp_path / "inkommande"
    outside.mkdir()
    shutil.copy(NEW, outside / NEW.name)
    (outside / "Lomma_Kulturnamnden_2026-09-15.meta.json").write_text('{"body": "Kultur- och fritidsnämnden"}')
    assert main(["add", str(outside / NEW.name), "--index", str(built), "--model", "fake"]) == 0
    out = capsys.readouterr().out
    assert f"added: {NEW.name} (2 paragraphs)" in out and "1 file(s) read" in out
    assert (small_corpus / "Lomma_Kulturnamnden_2026-09-15.meta.json").is_file(), "the sidecar beside it came along"
    assert {p.source: p.body for p in load_index(built).protocols}[NEW.name] == "Kultur- och fritidsnämnden"
    assert main(["add", str(outside / NEW.name), "--index", str(built), "--model", "fake"]) == 0
    assert "unchanged" in capsys.readouterr().out
    (outside / "x.exe").write_bytes(b"MZ")
    wrong = [str(outside / "x.exe"), str(tmp_path / "saknas.pdf")]
    assert main(["add", *wrong, "--index", str(built), "--model", "fake"]) == 1
    err = capsys.readouterr().err
    assert "x.exe: not a protocol file kind" in err and "saknas.pdf: cannot read" in err


def test_cli_add_to_an_index_without_a_library_needs_corpus(
    built: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest_file = Path(os.path.realpath(built)) / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    del manifest["corpus"]
    manifest_file.write_text(json.dumps(manifest))
    monkeypatch.setattr(indexer.model.embed, "SentenceTransformerEmbedder", FakeEmbedder)
    assert main(["add", str(NEW), "--index", str(built), "--model", "fake"]) == 1
    assert "give --corpus" in capsys.readouterr().err


def test_one_name_sent_twice_is_added_once(built: Path, small_corpus: Path, tmp_path: Path) -> None:
    other = tmp_path / "annan.txt"
    other.write_text(NEW.read_text(encoding="utf-8").replace("klockan 20", "klockan 22"), encoding="utf-8")
    report = add_files([Incoming(NEW, NEW.name), Incoming(other, NEW.name.upper())], small_corpus, built, EMBEDDER)
    assert [a.name for a in report.added] == [NEW.name]
    assert [(r.name, r.why) for r in report.refused] == [(NEW.name.upper(), Refusal.CONFLICT)]
    assert (small_corpus / NEW.name).read_bytes() == NEW.read_bytes() and not (small_corpus / NEW.name.upper()).exists()
