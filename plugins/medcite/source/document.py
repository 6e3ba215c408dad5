"""A page's source read once: one object that the linter, the snippet resolver, the "cited on" index and the
reading grade all use (ruff's ``Checker``, flake8's single AST).

Each view is computed on first use and kept: the front matter (one YAML parse), the text with code masked
(one mask), the line index, the citations (one parse), the included snippet names, the blocks and
sentences (one segmentation) and the reading level. :func:`read_document` hands out one object per distinct
text in a process, so a page the plugin lints in-process, the bibliography page's index and the grade share it.
"""

from __future__ import annotations

import posixpath
import re
from functools import cached_property

from ..core.memo import Memo
from ..core.model import Citation
from .citations import LineIndex, find_citations, mask_views
from .metadata import FrontMatter, read_front_matter
from .prose import Document, parse_document
from .readability import Readability, measure
from .snippets import IncludeLine, include_lines

ATX_H1_RE = re.compile(r"^[ ]{0,3}#[ \t]+(?P<title>[^\n]*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
DOCUMENTS_KEPT = 5000  # pages per process; beyond it the least recently used is read again when next asked for


class SourceDocument:
    """One page's Markdown source (front matter included, as the file holds it)."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def front_matter(self) -> FrontMatter:
        return read_front_matter(self.text)

    @cached_property
    def _masks(self) -> tuple[str, str]:
        return mask_views(self.text, self.front_matter)

    @cached_property
    def masked(self) -> str:
        """The text with code (fenced, indented, spans), HTML comments and what is not prose (tags, images,
        attribute lists) blanked, offsets kept: what the claim checks, includes and title read."""
        return self._masks[0]

    @cached_property
    def masked_alt(self) -> str:
        """The same with images' alt text kept (a citation there is numbered): what citations are read from."""
        return self._masks[1]

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.text)

    @cached_property
    def citations(self) -> list[Citation]:
        return find_citations(self.text, self.masked_alt, self.lines)

    @cached_property
    def cited_keys(self) -> tuple[str, ...]:
        """Keys as written (``doi:…`` too), in order of first citation."""
        return tuple(dict.fromkeys(item.key for cite in self.citations for item in cite.items))

    @cached_property
    def include_lines(self) -> list[IncludeLine]:
        """Every include line (``--8<--``) pymdownx.snippets acts on, in code too, in order."""
        return include_lines(self.text, self.masked)

    @cached_property
    def includes(self) -> list[str]:
        """Snippet names the page includes, outside code, in order."""
        return [include.name for include in self.include_lines if not include.in_code]

    @cached_property
    def prose(self) -> Document:
        """Blocks and sentences (the one segmentation), with the page's exemptions."""
        return parse_document(self.text, masked=self.masked, index=self.lines)

    def prose_until(self, deadline: float) -> Document:
        """The blocks and sentences split before ``deadline`` (``time.monotonic()``); a complete split is kept
        as :attr:`prose`, so the reading grade and later runs do not split the page again."""
        if "prose" in self.__dict__:
            return self.prose
        document = parse_document(self.text, deadline, masked=self.masked, index=self.lines)
        if document.stopped_at is None:
            self.__dict__["prose"] = document
        return document

    @cached_property
    def readability(self) -> Readability:
        return measure([sentence.text for _, sentence in self.prose.sentences()])

    def title(self, src_path: str) -> str:
        """Front matter ``title``, else the first level-1 heading, else the file name (as MkDocs does)."""
        front = self.front_matter
        title = front.data.get("title") if front.present and not front.error else None
        if isinstance(title, str) and title.strip():
            return title.strip()
        heading = ATX_H1_RE.search(self.masked)
        if heading and heading["title"].strip():
            return heading["title"].strip()
        stem = posixpath.splitext(posixpath.basename(src_path))[0]
        if stem in ("index", "README"):
            stem = posixpath.basename(posixpath.dirname(src_path)) or "Home"
        return stem.replace("-", " ").replace("_", " ").capitalize()


_documents: Memo[str, SourceDocument] = Memo(DOCUMENTS_KEPT)


def read_document(text: str) -> SourceDocument:
    """The one :class:`SourceDocument` of ``text`` in this process."""
    return _documents.get(text, lambda: SourceDocument(text))


def includes_of(text: str) -> list[IncludeLine]:
    """For :func:`medcite.source.snippets.scan_includes` and ``resolve_includes``: the include lines of
    ``text``'s shared document."""
    return read_document(text).include_lines
