"""A searcher that follows its index: when the index is rebuilt, the next questions use the new one.

The old searcher answers until the new one is fully loaded; then one reference is swapped. No
question ever sees a missing or half-loaded index.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from app.search import Searcher
from indexer.errors import ProtokollError
from indexer.index.store import current_version

CHECK_INTERVAL_S = 1.0
"""How often (at most) a question looks whether the index link moved: one readlink."""


class LiveSearcher:
    """Hands out the searcher of the current index version, reloading in the background on change."""

    def __init__(self, path: Path, open_searcher: Callable[[], Searcher]) -> None:
        self._path = path
        self._open = open_searcher
        self._version = current_version(path)
        self._searcher = open_searcher()
        self._lock = threading.Lock()
        self._loading = False
        self._checked = time.monotonic()

    @property
    def version(self) -> str | None:
        return self._version

    def get(self) -> Searcher:
        """The searcher to answer this question with; starts a reload when the index changed."""
        now = time.monotonic()
        if now - self._checked >= CHECK_INTERVAL_S:
            self._checked = now
            self.refresh(wait=False)
        return self._searcher

    def refresh(self, wait: bool = True) -> bool:
        """Load the index again if its version changed; True when a new searcher is in place (wait=True)."""
        version = current_version(self._path)
        with self._lock:
            if version == self._version or self._loading:
                return False
            self._loading = True
        if wait:
            return self._load(version)
        threading.Thread(target=self._load, args=(version,), daemon=True, name="index-reload").start()
        return False

    def _load(self, version: str | None) -> bool:
        try:
            searcher = self._open()
        except ProtokollError as error:
            # A broken new index must not take the running one down: keep answering with the old.
            print(
                f"protokoll: the rebuilt index could not be loaded ({error}); still serving the previous one",
                file=sys.stderr,
            )
            with self._lock:
                self._version = version
                self._loading = False
            return False
        with self._lock:
            self._searcher, self._version, self._loading = searcher, version, False
        return True
