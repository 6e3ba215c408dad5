"""Lint many pages at once: in forked worker processes when that pays, with results cached by
content so an unchanged page is never linted twice in one process (``mkdocs serve`` rebuilds)
nor in the next run (:mod:`medcite.app.lintcache`, on disk: warm builds and CI with a restored cache).

Used by both adapters: ``citation-lint`` waits for the results at once; the MkDocs plugin
starts the run when it knows the files and collects it after MkDocs has rendered the pages,
so on a multi-core machine the checks cost the build almost no wall time.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
from collections.abc import Sequence
from multiprocessing.pool import IMapIterator, Pool

from ..bib.bibliography import Bibliography
from ..claims.classify import ready
from ..core.memo import Memo
from ..lint.checks import DocumentReport, LintOptions, check_document
from .lintcache import LintCache

MIN_DOCUMENTS_FOR_WORKERS = 40
_CACHE_LIMIT = 20000
_cache: Memo[tuple[str, str, str, LintOptions], DocumentReport] = Memo(_CACHE_LIMIT)
_shared: tuple[Bibliography, LintOptions] | None = None  # inherited by forked workers


def _check(document: tuple[str, str]) -> DocumentReport:
    assert _shared is not None
    return check_document(document[0], document[1], *_shared)


def _check_chunk(documents: list[tuple[str, str]]) -> list[DocumentReport]:
    return [_check(document) for document in documents]


def _remember(key: tuple[str, str, str, LintOptions], report: DocumentReport) -> None:
    _cache.put(key, report)


class LintRun:
    """A lint of ``documents`` ([(path, text)]) that may run in the background."""

    def __init__(self, documents: Sequence[tuple[str, str]], bib: Bibliography, options: LintOptions,
                 jobs: int = 1, background: bool = False, persist: bool = True) -> None:
        """``jobs`` worker processes; ``background`` uses workers even for one, so the caller can
        do other work meanwhile (the MkDocs plugin renders pages while its pages are linted);
        ``persist`` reads and writes the on-disk lint cache."""
        global _shared
        ready(options.claims)  # a damaged claim model stops the run here, with its file named
        self._keys = [(path, hashlib.sha1(text.encode()).hexdigest(), bib.digest, options) for path, text in documents]
        # Reports already known, from this process (serve rebuilds) or from the disk cache.
        self._known = {key: hit for key in self._keys if (hit := _cache.peek(key)) is not None}
        missing = {key: doc for doc, key in zip(documents, self._keys, strict=True) if key not in self._known}
        self._disk = LintCache(bib.digest, options) if persist and missing else None
        if self._disk is not None:
            for key, doc in missing.items():
                if (stored := self._disk.get(*doc)) is not None:
                    self._known[key] = stored
        self._todo_keys = [key for key in missing if key not in self._known]
        self._todo = [missing[key] for key in self._todo_keys]
        self._todo_index = {key: index for index, key in enumerate(self._todo_keys)}
        self._pool: Pool | None = None
        self._results: IMapIterator[list[DocumentReport]] | None = None  # one list per chunk
        self._fresh: list[DocumentReport] = []  # reports of self._todo that have arrived, in order
        self._by_path = {key[0]: key for key in self._keys}
        self._done: list[DocumentReport] | None = None
        self._failed: BaseException | None = None  # a worker's exception, raised again by reports()
        _shared = (bib, options)
        can_fork = "fork" in multiprocessing.get_all_start_methods()
        if not self._todo:
            self._disk = None  # every report was known: nothing to write, so the stored file can go
        if (jobs > 1 or background) and jobs >= 1 and can_fork and len(self._todo) >= MIN_DOCUMENTS_FOR_WORKERS:
            # Objects that exist now are left out of the workers' garbage collections, so a
            # collection there does not write to (and so copy) every page the parent shares with it.
            gc.freeze()
            try:
                self._pool = multiprocessing.get_context("fork").Pool(jobs)
            finally:
                gc.unfreeze()
            size = max(1, len(self._todo) // (jobs * 8))
            chunks = [self._todo[start:start + size] for start in range(0, len(self._todo), size)]
            # In order, a chunk at a time as they arrive: the plugin takes a page's report while the
            # rest are linted (Pool.imap's own chunking hides the iterator that can be polled).
            self._results = self._pool.imap(_check_chunk, chunks)  # type: ignore[assignment]

    def ready(self, path: str) -> DocumentReport | None:
        """``path``'s report if it is known now (cached, or already linted); never waits."""
        return self._take(path, block=False)

    def wait(self, path: str) -> DocumentReport | None:
        """``path``'s report, waiting for the workers to reach it (or linting it here without them)."""
        key = self._by_path.get(path)
        if key is not None and key not in self._known and self._results is None and self._done is None:
            self._known[key] = _check(self._todo[self._todo_index[key]])  # reports() will not lint it again
        return self._take(path, block=True)

    def _take(self, path: str, block: bool) -> DocumentReport | None:
        """Collect the workers' chunks as they arrive until ``path``'s report is in (or, not blocking,
        until none is ready); a worker's exception is kept for reports() to raise."""
        key = self._by_path.get(path)
        if key is None:
            return None
        while (key not in self._known and self._results is not None and self._done is None
               and self._failed is None and len(self._fresh) < len(self._todo)):
            try:
                arrived = self._results.next() if block else self._results.next(timeout=0)
            except multiprocessing.TimeoutError:
                break
            except Exception as exc:  # raised again by reports(), where the build expects it
                self._failed = exc
                break
            for report in arrived:
                self._known[self._todo_keys[len(self._fresh)]] = report
                self._fresh.append(report)
        return self._known.get(key)

    def reports(self) -> list[DocumentReport]:
        """Every document's report, in the order given (waits for the workers)."""
        if self._done is None:
            if self._results is not None and self._pool is not None:
                try:
                    if self._failed is not None:
                        raise self._failed
                    for arrived in self._results:
                        self._fresh.extend(arrived)
                finally:
                    self._pool.close()
                    self._pool.join()
                fresh = self._fresh
            else:
                pairs = zip(self._todo_keys, self._todo, strict=True)
                fresh = [self._known.get(key) or _check(doc) for key, doc in pairs]  # wait() may have done some
            self._known.update(zip(self._todo_keys, fresh, strict=True))
            for key, report in self._known.items():
                _remember(key, report)
            if self._disk is not None:
                for doc, report in zip(self._todo, fresh, strict=True):
                    self._disk.put(doc[0], doc[1], report)
                self._disk.save()
            self._done = [self._known[key] for key in self._keys]
        return self._done

    def cancel(self) -> None:
        if self._pool is not None and self._done is None:
            self._pool.terminate()
            self._pool.join()
