"""Formatted references kept on disk between builds, so an unchanged entry is not formatted again.

Formatting with the pybtex style is the slowest part of rendering citations: every cited entry
once for its tooltip and reference list, and every entry once for the bibliography page. One
JSON file (written with :mod:`medcite.core.diskcache`: checked, data only, private folder) per
version of this code holds ``{entry digest: [html, text, problem]}``; the digest covers all an
entry holds (type, key, fields as written, names), so an edited entry is a miss and is formatted
again while the others are read back.

The HTML is pasted into pages as it is, so nothing read back is trusted: each stored HTML string
must be exactly what :class:`medcite.style.formatter.SafeHtmlBackend` can write (text with its five
escapes and ``&ndash;``/``&nbsp;``, the inline tags it allows, balanced, and links to http(s)
URLs only). Anything else is a miss and the entry is formatted again.
"""

from __future__ import annotations

import html
import re
from typing import Any

from ..core import diskcache
from ..core.identifiers import is_web_url
from ..core.model import Reference

KIND = "formatted-references"
FORMAT = 1
MAX_BYTES = 1 << 28
STYLE_TAGS = frozenset({"em", "strong", "i", "b", "sup", "sub"})
# One token of the backend's HTML; each alternative is linear (no nested repeats).
_TOKEN_RE = re.compile(
    r'(?P<text>[^<>&"\']+)'
    r"|(?P<entity>&(?:amp|lt|gt|quot|#x27|ndash|nbsp);)"
    r'|<a href="(?P<href>[^"<>\']*)" rel="noopener">'
    r"|<(?P<open>[a-z]+)>"
    r"|</(?P<close>[a-z]+)>"
)


def safe_reference_html(text: str) -> bool:
    """True if ``text`` could have come from our HTML backend and nothing else."""
    stack: list[str] = []
    position = 0
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if match is None:
            return False
        position = match.end()
        if match["href"] is not None:
            if "a" in stack or not is_web_url(html.unescape(match["href"])):
                return False
            stack.append("a")
        elif match["open"] is not None:
            if match["open"] not in STYLE_TAGS:
                return False
            stack.append(match["open"])
        elif match["close"] is not None and (not stack or stack.pop() != match["close"]):
            return False
    return not stack


def entry_digest(ref: Reference) -> str:
    """SHA-256 of everything formatting can read from the entry (its line number aside)."""
    return diskcache.digest_of([ref.key, ref.entry_type, sorted(ref.fields.items()), list(ref.authors),
                                [list(pair) for pair in ref.source],
                                [[role, list(names)] for role, names in ref.people]])


class FormattedStore:
    """The stored formatted references of this code version: ``get`` checks, ``save`` writes."""

    def __init__(self) -> None:
        self.context = diskcache.digest_of({"kind": KIND, "format": FORMAT, "code": diskcache.code_digest()})
        self.path = diskcache.cache_dir() / f"refs-{self.context[:32]}.json"
        self._stored: dict[str, Any] | None = None  # read on first use
        self._used: dict[str, list[str]] = {}
        self._fresh = False

    def _load(self) -> dict[str, Any]:
        if self._stored is None:
            payload = diskcache.read(self.path, KIND, self.context, MAX_BYTES)
            entries = payload.get("entries") if isinstance(payload, dict) else None
            self._stored = entries if isinstance(entries, dict) else {}
        return self._stored

    def get(self, ref: Reference) -> tuple[str, str, str] | None:
        """(html, text, problem) stored for this very entry, if it passes the checks."""
        digest = entry_digest(ref)
        item = self._load().get(digest)
        if not (isinstance(item, list) and len(item) == 3 and all(isinstance(part, str) for part in item)):
            return None
        if not safe_reference_html(item[0]):
            return None
        self._used[digest] = item
        return item[0], item[1], item[2]

    def put(self, ref: Reference, formatted_html: str, text: str, problem: str) -> None:
        self._used[entry_digest(ref)] = [formatted_html, text, problem]
        self._fresh = True

    def save(self) -> None:
        """Write the entries used in this run, if any had to be formatted (a warm build writes nothing)."""
        if self._fresh:
            diskcache.write(self.path, KIND, self.context, {"entries": self._used})
            self._fresh = False
