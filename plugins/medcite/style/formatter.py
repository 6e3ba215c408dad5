"""One reference formatted in the Citing Medicine style, as safe HTML and as plain text.

The linter uses it to check that every entry can be formatted, the renderer to show it; it never
imports Python-Markdown. A ``store`` (see :mod:`medcite.style.refcache`) keeps what was formatted
across builds.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from pybtex.backends.html import Backend as PybtexHtmlBackend
from pybtex.style.template import FieldIsMissing

from ..bib.bibliography import to_pybtex
from ..bib.names import PLAIN_TEXT
from ..core.identifiers import is_web_url
from ..core.model import Reference
from .refcache import FormattedStore
from .vancouver import VancouverStyle


def esc(text: str) -> str:
    return html.escape(text, quote=True)


class SafeHtmlBackend(PybtexHtmlBackend):
    """pybtex's HTML backend with attribute escaping and http(s)-only links."""

    symbols = {"ndash": "&ndash;", "newblock": " ", "nbsp": "&nbsp;"}  # noqa: RUF012 (pybtex API)

    def format_str(self, text: str) -> str:
        return esc(text)

    def format_protected(self, text: str) -> str:
        return text

    def format_tag(self, tag: str, text: str) -> str:
        return f"<{tag}>{text}</{tag}>" if tag in ("em", "strong", "i", "b", "sup", "sub") and text else text

    @staticmethod
    def format_href(url: str, text: str, external: bool = False) -> str:
        if not text:
            return ""
        if not is_web_url(url):
            return text
        return f'<a href="{esc(url.strip())}" rel="noopener">{text}</a>'


@dataclass(frozen=True)
class FormattedReference:
    html: str
    text: str
    problem: str = ""  # set when the style could not format the entry and a fallback is shown


class ReferenceFormatter:
    """Formats each entry once (per formatter) in the Vancouver style; with a ``store``, also once
    across builds (an entry read back from the store is checked there, see :mod:`medcite.style.refcache`)."""

    def __init__(self, store: FormattedStore | None = None) -> None:
        self.style = VancouverStyle()
        self.backend = SafeHtmlBackend()
        self.store = store
        self._cache: dict[int, tuple[Reference, FormattedReference]] = {}

    def format(self, ref: Reference) -> FormattedReference:
        hit = self._cache.get(id(ref))
        if hit is not None and hit[0] is ref:
            return hit[1]
        stored = self.store.get(ref) if self.store is not None else None
        if stored is not None:
            result = FormattedReference(*stored)
        else:
            result = self._format(ref)
            if self.store is not None:
                self.store.put(ref, result.html, result.text, result.problem)
        self._cache[id(ref)] = (ref, result)
        return result

    def _format(self, ref: Reference) -> FormattedReference:
        try:
            rich = self.style.format_entry(ref.key, to_pybtex(ref)).text
            return FormattedReference(rich.render(self.backend).strip(), " ".join(rich.render(PLAIN_TEXT).split()))
        except (FieldIsMissing, KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
            # An incomplete entry still shows what it has (the linter reports the gap).
            known = (", ".join(ref.authors), ref.fields.get("title", ""), ref.year_text)
            words = ". ".join(part for part in known if part)
            text = (words or ref.key) + " (incomplete reference)"
            return FormattedReference(esc(text), text, _problem(exc))

    def save(self) -> None:
        """Keep what was formatted for the next build (nothing to do without a store)."""
        if self.store is not None:
            self.store.save()


def _problem(exc: BaseException) -> str:
    if isinstance(exc, FieldIsMissing):
        return f"it has no '{exc.field_name}' field"
    return f"it cannot be formatted ({type(exc).__name__}: {str(exc)[:80]})"
