"""Settings: a couple of environment variables, overridden by flags; nothing else global."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from indexer.model.embed import DEFAULT_MODEL, cache_dir

DEFAULT_CORPUS = Path("corpus")


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the index lives and which model embeds. `PROTOKOLL_INDEX`, `PROTOKOLL_MODEL`."""

    index_dir: Path
    model: str

    @classmethod
    def from_env(cls) -> Settings:
        index = os.environ.get("PROTOKOLL_INDEX")
        return cls(
            index_dir=Path(index).expanduser() if index else cache_dir() / "index",
            model=os.environ.get("PROTOKOLL_MODEL") or DEFAULT_MODEL,
        )

    def with_overrides(self, index_dir: str | None = None, model: str | None = None) -> Settings:
        """Flags win over the environment."""
        return replace(
            self,
            index_dir=Path(index_dir).expanduser() if index_dir else self.index_dir,
            model=model or self.model,
        )
