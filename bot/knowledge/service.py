"""The knowledge base as the assistant sees it: read from the files, rebuilt when they change.

Editors change an article file; within a couple of seconds the next question is answered from
the new text. Nothing is retrained and nothing is kept between processes: every action-server
replica builds its own index from the same files.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from bot.knowledge.articles import KNOWLEDGE_DIR, ArticleError, article_files, read_article
from bot.knowledge.search import KnowledgeIndex

logger = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 2.0


def _signature(directory: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for path in article_files(directory):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        out.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def load_index(directory: Path = KNOWLEDGE_DIR) -> KnowledgeIndex:
    """Every readable article; an unreadable one is skipped with a warning (kb-lint fails it)."""
    articles = []
    for path in article_files(directory):
        try:
            articles.append(read_article(path))
        except ArticleError as exc:
            logger.warning("knowledge base: skipping %s", exc)
    return KnowledgeIndex(articles)


class KnowledgeService:
    """Holds the current index and rebuilds it when an article file changes.

    The first `index()` builds it (the action server does this at start-up). Later changes are
    noticed at most every `check_every` seconds and rebuilt in a background thread, while
    questions go on being answered from the previous index: a rebuild takes a few seconds and
    must never stall the server. `background=False` rebuilds in the caller (tests, CLI).
    """

    def __init__(
        self,
        directory: Path = KNOWLEDGE_DIR,
        check_every: float = CHECK_EVERY_SECONDS,
        background: bool = True,
    ):
        self.directory = directory
        self.check_every = check_every
        self.background = background
        self._lock = threading.Lock()
        self._index: KnowledgeIndex | None = None
        self._signature: tuple = ()
        self._checked = 0.0
        self._building = False

    def index(self) -> KnowledgeIndex:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._rebuild(_signature(self.directory))
            assert self._index is not None
            self._checked = time.monotonic()
            return self._index
        if time.monotonic() - self._checked >= self.check_every:
            self._checked = time.monotonic()
            signature = _signature(self.directory)
            if signature != self._signature and not self._building:
                if self.background:
                    self._building = True
                    threading.Thread(
                        target=self._rebuild, args=(signature,), name="kb-rebuild", daemon=True
                    ).start()
                else:
                    self._rebuild(signature)
        return self._index

    def _rebuild(self, signature: tuple) -> None:
        try:
            started = time.perf_counter()
            index = load_index(self.directory)
            self._index, self._signature = index, signature
            logger.info(
                "knowledge base: %d articles indexed in %.0f ms",
                len(index.articles),
                (time.perf_counter() - started) * 1000,
            )
        except Exception:  # keep answering from the previous index
            logger.exception("knowledge base: rebuilding the index failed")
            self._signature = signature
        finally:
            self._building = False


_service: KnowledgeService | None = None


def knowledge() -> KnowledgeService:
    """The process's knowledge base: IMENTOR_KNOWLEDGE_DIR, or knowledge_base/ in the repo."""
    global _service
    if _service is None:
        _service = KnowledgeService(Path(os.environ.get("IMENTOR_KNOWLEDGE_DIR") or KNOWLEDGE_DIR))
    return _service
