"""Lint results kept on disk between runs, so an unchanged page is not linted again.

One JSON file (written with :mod:`medcite.core.diskcache`: checked, data only) per *context*: this
code, the rule set, the lint options (today's date included: review dates and source ages
depend on it) and the bibliography's digest. Inside, each page is stored under its path with
the SHA-256 of its text; a page is reused only if path and text hash both match and its report
passes the same field-by-field check as a shard file (:func:`medcite.shards.report_from_dict`).
Anything else (another code version, edited bibliography, damaged file) is a miss.

The code digest covers every file of the package (the claim classifier, its rules and any model
data shipped with it) and the versions of the segmenter and hyphenation libraries, so replacing
the classifier or its weights invalidates the cache without anyone remembering to bump a number.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any

from .. import __version__
from ..core import diskcache
from ..core.diskcache import code_digest
from ..core.model import InputError
from ..lint.checks import DocumentReport, LintOptions
from .shards import report_from_dict, report_to_dict

KIND = "lint-results"
# Bump when the meaning of a stored report changes in a way the code digest would not show.
RULES_VERSION = 1
MAX_BYTES = 1 << 30
# Reports that depend on how fast this machine was are never stored.
UNSTABLE_RULES = frozenset({"page-too-complex"})


def context_digest(bib_digest: str, options: LintOptions) -> str:
    return diskcache.digest_of({
        "medcite": __version__, "rules_version": RULES_VERSION, "code": code_digest(), "bibliography": bib_digest,
        # Every option, so one added later is part of the key without anyone remembering to add it.
        "options": {f.name: _plain(getattr(options, f.name)) for f in dataclasses.fields(options)},
    })


def _plain(value: Any) -> Any:
    """An option value as canonical JSON data (sets sorted, dates as ISO text)."""
    if isinstance(value, frozenset | set):
        return sorted(_plain(item) for item in value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class LintCache:
    """The stored reports of one context; ``get`` checks each one, ``save`` writes hits and fresh ones."""

    def __init__(self, bib_digest: str, options: LintOptions) -> None:
        self.context = context_digest(bib_digest, options)
        self.path = diskcache.cache_dir() / f"lint-{self.context[:32]}.json"
        payload = diskcache.read(self.path, KIND, self.context, MAX_BYTES)
        pages = payload.get("pages") if isinstance(payload, dict) else None
        self._stored: dict[str, Any] = pages if isinstance(pages, dict) else {}
        self._fresh: dict[str, list[Any]] = {}

    def get(self, path: str, text: str) -> DocumentReport | None:
        item = self._stored.get(path)
        if not (isinstance(item, list) and len(item) == 2 and item[0] == text_digest(text)):
            return None
        try:
            report = report_from_dict(item[1], str(self.path))
        except (InputError, TypeError, AttributeError, KeyError, ValueError):
            return None
        return report if report.path == path else None

    def put(self, path: str, text: str, report: DocumentReport) -> None:
        if not any(f.rule in UNSTABLE_RULES for f in report.findings):
            self._fresh[path] = [text_digest(text), report_to_dict(report)]

    def save(self) -> None:
        """Write the file if anything new was linted (entries for pages not seen this run are kept)."""
        if self._fresh:
            diskcache.write(self.path, KIND, self.context, {"pages": {**self._stored, **self._fresh}})
            self._stored.update(self._fresh)
            self._fresh = {}
