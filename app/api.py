"""The web API and MCP tools: search, ask and matter as JSON, the same objects as the CLI's `--json`.

Plain functions over whatever hands out the current searcher (a LiveSearcher in `serve`); `app/ui.py`
registers them as named Gradio endpoints (`/search`, `/ask`, `/matter`), which `serve --mcp` also
offers as MCP tools. Bad input raises QueryError with a Swedish message; the UI turns it into gr.Error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from app.contract import answer_to_json, hit_to_json
from indexer.errors import QueryError
from indexer.models import Filters

if TYPE_CHECKING:
    from app.search import Searcher

MAX_K = 50
"""At most 50 hits a call: a page of results, not a dump of the archive."""
MAX_IN_FLIGHT = 8
"""Questions answered at once by one server: a search is CPU-bound (~50 ms on one of this machine's two
cores), so more at once only makes each slower; the others wait their turn."""
BUSY_WAIT_S = 10.0
"""How long a question waits for its turn before the server says it is busy: at 8 in flight and ~50 ms
each, 10 s is a queue of some 1,600 questions, an overload, not a burst (bench/load.py)."""
BUSY = "Servern är upptagen just nu – försök igen om en stund. / The server is busy: try again shortly."


class Gate:
    """At most MAX_IN_FLIGHT questions at once; a question that waits BUSY_WAIT_S is told to try again
    (QueryError with BUSY) instead of piling up behind an overload."""

    def __init__(self, in_flight: int = MAX_IN_FLIGHT, wait_s: float = BUSY_WAIT_S) -> None:
        self._slots = threading.BoundedSemaphore(in_flight)
        self.wait_s = wait_s

    @contextmanager
    def turn(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self.wait_s):
            raise QueryError(BUSY)
        try:
            yield
        finally:
            self._slots.release()


def filters_of(
    body: str | None = None,
    organisation: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    decisions_only: bool = False,
) -> Filters:
    """Filters from API parameters: names exact (case-insensitive), several separated by `;`."""

    def names(value: str | None) -> tuple[str, ...]:
        return tuple(n.strip() for n in (value or "").split(";") if n.strip())

    return Filters(names(organisation), names(body), date_from or None, date_to or None, bool(decisions_only))


def _k(k: float | int | None, default: int) -> int:
    value = default if k is None else int(k)
    if not 1 <= value <= MAX_K:
        raise QueryError(f"k måste vara mellan 1 och {MAX_K} / k must be 1–{MAX_K}")
    return value


class Api:
    """The endpoints over the searcher `current()` returns at each call (a rebuilt index is picked up)."""

    def __init__(self, current: Callable[[], Searcher], gate: Gate | None = None) -> None:
        self.current = current
        self.gate = gate or Gate()

    def search(
        self,
        question: str,
        k: int = 10,
        body: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        decisions_only: bool = False,
        organisation: str | None = None,
    ) -> list[dict[str, object]]:
        """Sök i protokollen / search the protocols: the k best paragraphs as cited hits (the keys of
        `protokoll search --json`: citation, quote, text, decision, matter, …).

        Args:
            question: frågan på svenska / the question, e.g. "Vad beslutades om yrkesvux?"
            k: antal träffar / number of hits (1–50)
            body: bara detta organ / only this body, e.g. "Kommunstyrelsen" (several separated by ';')
            date_from: bara möten från / only meetings from YYYY-MM-DD
            date_to: bara möten till / only meetings until YYYY-MM-DD
            decisions_only: bara paragrafer med beslut / only paragraphs with a decision
            organisation: bara denna organisation / only this organisation, e.g. "Göteborgs Stad"
        """
        filters = filters_of(body, organisation, date_from, date_to, decisions_only)
        with self.gate.turn():
            hits = self.current().search(question or "", k=_k(k, 10), filters=filters)
        return [hit_to_json(h) for h in hits]

    def ask(
        self,
        question: str,
        k: int = 5,
        body: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        decisions_only: bool = False,
        organisation: str | None = None,
    ) -> dict[str, object]:
        """Fråga protokollen / ask the protocols: an extractive answer whose quotes are verbatim from the
        cited paragraphs, each followed by its marker [n] into `citations`; `confident` is false when the
        protocols do not answer (the keys of `protokoll ask --json`).

        Args:
            question: frågan på svenska / the question, e.g. "Vad beslutades om mobilfri grundskola?"
            k: antal källor / number of citations (1–50)
            body: bara detta organ / only this body (several separated by ';')
            date_from: bara möten från / only meetings from YYYY-MM-DD
            date_to: bara möten till / only meetings until YYYY-MM-DD
            decisions_only: bara paragrafer med beslut / only paragraphs with a decision
            organisation: bara denna organisation / only this organisation
        """
        from app.answer import Answerer

        filters = filters_of(body, organisation, date_from, date_to, decisions_only)
        with self.gate.turn():
            answer = Answerer(self.current()).answer(question or "", filters, _k(k, 5))
        return answer_to_json(answer)

    def matter(self, matter_id: str) -> dict[str, object]:
        """Följ ett ärende / follow a matter: every meeting of a case number in date order with outcome,
        decision, votes and reservations, and its status (the keys of `protokoll matter --json`).

        Args:
            matter_id: ärendenummer i valfri form / case number in any form, e.g. SLK-2024-00704, BUN/2023:206
        """
        from app.matters import find_matters, matter_json

        searcher = self.current()
        found = find_matters(searcher.index, matter_id or "")
        if not found:
            raise QueryError(f"Ärendet {matter_id.strip()} finns inte i protokollen.")
        if len(found) > 1:
            names = "; ".join(f"{m.id} ({m.organisation})" for m in found)
            raise QueryError(f"{matter_id.strip()} finns hos flera organisationer: {names}")
        return matter_json(searcher.index, found[0])
