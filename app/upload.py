""" "Lägg till protokoll": files uploaded in the web UI are added to the index the app answers from.

`Uploads.add` hands the files to `indexer.library.add_files` (checked, parsed alone, copied into the
library folder, indexed) and then makes the running app answer from the new index before it returns: no
restart. One add at a time (the UI queues them); the index's build lock also keeps out a `protokoll index`
or `protokoll add` run from the command line, which is said in Swedish.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.errors import IndexBusyError, ProtokollError
from indexer.library import MAX_FILE_BYTES, AddReport, Incoming, Refusal, add_files

if TYPE_CHECKING:
    from app.live import LiveSearcher
    from indexer.model.embed import Embedder

REFUSALS = {
    Refusal.NAME: "filnamnet går inte att använda (en sökväg, en punkt först eller för långt)",
    Refusal.KIND: "filtypen kan inte läsas; skicka PDF, DOCX, HTML eller text (.txt, .md)",
    Refusal.SIZE: f"filen är tom eller större än {MAX_FILE_BYTES // (1024 * 1024)} MB",
    Refusal.UNREADABLE: "filen kunde inte läsas",
    Refusal.CONFLICT: "en annan fil med samma namn finns redan i arkivet; byt namn på filen",
}
"""Why a file was refused, in Swedish; the reader's own detail (in English) follows in small print."""
NOTHING_CHOSEN = (
    f"Välj en eller flera protokollfiler först. (En fil större än {MAX_FILE_BYTES // (1024 * 1024)} MB tas inte "
    "emot alls.)"
)
BUSY = "Indexet uppdateras just nu av en annan körning. Försök igen om en stund."

Progress = Callable[[float, str], None]
"""Told (fraction done, what is happening) while an add runs: the UI's progress bar."""


class Uploads:
    """Adds uploaded files to the library folder of the index at `index_dir` and reloads `live`.
    The document embedder is loaded on the first upload (a few seconds), then kept."""

    def __init__(
        self, library: Path, index_dir: Path, embedder: Callable[[], Embedder], live: LiveSearcher | None = None
    ) -> None:
        self.library = library
        self.index_dir = index_dir
        self._make_embedder = embedder
        self._embedder: Embedder | None = None
        self._live = live
        self._lock = threading.Lock()

    def add(self, paths: Sequence[str | Path], progress: Progress | None = None) -> AddReport:
        """Add the uploaded files (each path's base name is the name the user gave the file)."""
        tell = progress or (lambda fraction, what: None)
        with self._lock:
            tell(0.0, "Läser filerna")
            if self._embedder is None:
                self._embedder = self._make_embedder()
            report = add_files(
                [Incoming(Path(p), Path(p).name) for p in paths],
                self.library,
                self.index_dir,
                self._embedder,
                progress=lambda done, total: tell(done / total if total else 1.0, f"Bäddar in avsnitt {done}/{total}"),
            )
            if report.build is not None and self._live is not None:
                tell(1.0, "Laddar det nya indexet")
                self._live.refresh(wait=True)
        return report

    def add_html(self, paths: Sequence[str | Path] | None, progress: Progress | None = None) -> str:
        """`add` for the page: the outcome per file as HTML, every failure in Swedish."""
        if not paths:
            return _notice(NOTHING_CHOSEN)
        try:
            report = self.add(paths, progress)
        except IndexBusyError:
            return _notice(BUSY)
        except ProtokollError as error:
            return _notice(f"Inget lades till: {error}")
        return render_add_report(report)


def _notice(text: str) -> str:
    return f'<p class="message">{html.escape(text)}</p>'


def render_add_report(report: AddReport) -> str:
    """Which files were added (paragraphs, pages), already there, or refused and why; then the index's
    warnings about the new files (duplicates, pages without text)."""
    esc = html.escape
    items = []
    for added in report.added:
        pages = f", {added.pages} sidor" if added.pages else ""
        items.append(
            f'<li class="added">Tillagt: <strong>{esc(added.name)}</strong> — {added.paragraphs} paragrafer{pages}</li>'
        )
    for name in report.unchanged:
        items.append(f'<li class="unchanged">Finns redan: <strong>{esc(name)}</strong> (samma fil, inget ändrat)</li>')
    for refused in report.refused:
        items.append(
            f'<li class="refused">Inte tillagt: <strong>{esc(refused.name)}</strong> — {esc(REFUSALS[refused.why])}'
            f" <small>({esc(refused.detail)})</small></li>"
        )
    if report.build is not None:
        names = {a.name for a in report.added}
        for warning in report.build.warnings:
            if warning.file in names or any(n in warning.message for n in names):
                items.append(f'<li class="warning">Obs: <small>{esc(warning.message)}</small></li>')
    searchable = "De nya protokollen är sökbara nu." if report.added else "Indexet är oförändrat."
    return f'<section class="add-report"><ul>{"".join(items)}</ul><p>{searchable}</p></section>'
