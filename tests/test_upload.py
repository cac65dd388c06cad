""""Lägg till protokoll" in the web UI: the upload handler over a live index (fake embedder)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from app.cli import open_searcher
from app.config import Settings
from app.live import LiveSearcher
from app.ui import READ_ONLY, Handlers
from app.upload import BUSY, Uploads
from indexer.index.store import build_lock
from tests.fakes import FakeEmbedder

NEW = Path(__file__).parent / "data" / "Lomma_Kulturnamnden_2026-09-15.txt"
QUESTION = "Vad beslutade kulturnämnden om bibliotekets öppettider i Bjärred?"


@pytest.fixture
def app_parts(library_index: Path, small_corpus: Path, tmp_path: Path) -> tuple[Handlers, Path, Path]:
    """Handlers as `protokoll serve` wires them: a live searcher and uploads into the index's library."""
    corpus, index = small_corpus, library_index
    settings = Settings(index, "fake")
    embedder = FakeEmbedder("fake")
    live = LiveSearcher(index, lambda: open_searcher(settings, embedder))
    uploads = Uploads(corpus, index, lambda: embedder, live)
    return Handlers(live, uploads), corpus, tmp_path / "uploads"


def _uploaded(folder: Path, name: str, data: bytes) -> str:
    """A file as Gradio hands it over: in a temporary folder of its own, under the user's file name."""
    target = folder / str(len(list(folder.glob("*")))) / name if folder.exists() else folder / "0" / name
    target.parent.mkdir(parents=True)
    target.write_bytes(data)
    return str(target)


def test_an_uploaded_protocol_is_answered_without_a_restart(app_parts: tuple[Handlers, Path, Path]) -> None:
    handlers, corpus, uploads = app_parts
    before, _ = handlers.ask(QUESTION)
    assert "Bibliotekets öppettider" not in before
    seen: list[tuple[float, str]] = []
    shown = handlers.add(
        [_uploaded(uploads, NEW.name, NEW.read_bytes())], lambda f, desc: seen.append((f, desc))
    )
    assert f"Tillagt: <strong>{NEW.name}</strong> — 2 paragrafer" in shown and "sökbara nu" in shown
    assert seen[0] == (0.0, "Läser filerna") and any(d.startswith("Bäddar in") for _, d in seen)
    assert (corpus / NEW.name).read_bytes() == NEW.read_bytes()
    after, _ = handlers.ask(QUESTION)
    first_hit = after.split('class="hit', 1)[1]
    assert "Bibliotekets öppettider i Bjärred" in first_hit and "Kulturnämnden" in first_hit


def test_refusals_are_said_in_swedish_by_file_and_change_nothing(app_parts: tuple[Handlers, Path, Path]) -> None:
    handlers, corpus, uploads = app_parts
    before = sorted(p.name for p in corpus.iterdir())
    shown = handlers.add(
        [
            _uploaded(uploads, "virus.exe", b"MZ\x90\x00"),
            _uploaded(uploads, "trasig.pdf", b"%PDF-1.4 not a pdf at all"),
            _uploaded(uploads, "tom.txt", b""),
            _uploaded(uploads, "000_a1d265b92dc01c91.txt", b"Ett annat protokoll\n"),
        ]
    )
    assert "Inte tillagt: <strong>virus.exe</strong> — filtypen kan inte läsas" in shown
    assert "Inte tillagt: <strong>trasig.pdf</strong> — filen kunde inte läsas" in shown
    assert "Inte tillagt: <strong>tom.txt</strong> — filen är tom" in shown
    assert "en annan fil med samma namn finns redan i arkivet" in shown and "Indexet är oförändrat" in shown
    assert sorted(p.name for p in corpus.iterdir()) == before


def test_no_files_chosen_and_a_read_only_server(app_parts: tuple[Handlers, Path, Path]) -> None:
    handlers, _, _ = app_parts
    assert "Välj en eller flera protokollfiler" in handlers.add([])
    assert READ_ONLY in Handlers(handlers.current()).add(["x.txt"])


def test_an_upload_while_the_index_is_being_built_is_told_to_retry(app_parts: tuple[Handlers, Path, Path]) -> None:
    handlers, corpus, uploads = app_parts
    assert handlers.uploads is not None
    with build_lock(handlers.uploads.index_dir):
        shown = handlers.add([_uploaded(uploads, NEW.name, NEW.read_bytes())])
    assert BUSY in shown and not (corpus / NEW.name).exists()


def test_two_uploads_at_once_both_land(app_parts: tuple[Handlers, Path, Path]) -> None:
    handlers, corpus, uploads = app_parts
    second = NEW.read_text(encoding="utf-8").replace("2026-09-15", "2026-10-13").replace("§ 12", "§ 22")
    second = second.replace("§ 13", "§ 23").replace("Bjärred", "Lomma centrum")
    files = [
        _uploaded(uploads, NEW.name, NEW.read_bytes()),
        _uploaded(uploads, "Lomma_Kulturnamnden_2026-10-13.txt", second.encode()),
    ]
    shown: list[str] = []
    threads = [threading.Thread(target=lambda f=f: shown.append(handlers.add([f]))) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all("Tillagt" in s for s in shown), shown
    manifest = json.loads((Path(os.path.realpath(handlers.uploads.index_dir)) / "manifest.json").read_text())  # type: ignore[union-attr]
    assert {NEW.name, "Lomma_Kulturnamnden_2026-10-13.txt"} <= set(manifest["files"])
    assert (corpus / "Lomma_Kulturnamnden_2026-10-13.txt").is_file()


def test_a_zip_bomb_and_a_scan_without_ocr_are_refused_by_name(
    app_parts: tuple[Handlers, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import zipfile

    from indexer.read import ocr
    from tests.pdf_maker import make_image_pdf

    handlers, corpus, uploads = app_parts
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))  # 20 MB of zeros: ~20 kB packed
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    before = sorted(p.name for p in corpus.iterdir())
    shown = handlers.add(
        [
            _uploaded(uploads, "bomb.docx", bomb.getvalue()),
            _uploaded(uploads, "skannat.pdf", make_image_pdf([["Lomma kommun", "SN § 1   Test"]])),
        ]
    )
    assert "Inte tillagt: <strong>bomb.docx</strong> — filen kunde inte läsas" in shown and "zip bomb" in shown
    assert "Inte tillagt: <strong>skannat.pdf</strong> — filen kunde inte läsas" in shown
    assert "tesseract-ocr-swe" in shown and sorted(p.name for p in corpus.iterdir()) == before
