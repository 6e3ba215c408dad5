"""The site-wide "cited on" index, read from the page sources in docs_dir.

Zensical renders each page with a fresh Markdown and has no site-wide phase, so the
bibliography page cannot wait for the other pages to be rendered: it reads their sources
instead, with the linter's own citation finder (so the index and citation-lint agree on what
each page cites). Each file is parsed once per content: a rebuild re-reads only what changed.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..bib.bibliography import Bibliography
from ..core.model import InputError, decode_utf8, read_regular_file
from ..render.html import CitingPage, source_anchor
from ..source.document import includes_of, read_document
from ..source.snippets import resolve_includes


@dataclass(frozen=True)
class SourcePage:
    """One page as its source shows it."""

    src_path: str  # relative to docs_dir, with "/" separators
    title: str
    keys: tuple[str, ...]  # cited keys as written ("doi:…" too), in order of first citation


def read_page(src_path: str, text: str) -> SourcePage:
    page = read_document(text)
    return SourcePage(src_path, page.title(src_path), page.cited_keys)


def page_title(text: str, src_path: str) -> str:
    """Front matter ``title``, else the first level-1 heading, else the file name (as MkDocs does)."""
    return read_document(text).title(src_path)


def read_pages(docs_dir: str | Path, snippet_bases: Sequence[Path] = (),
               generated: Callable[[str], Iterable[str]] | None = None) -> list[SourcePage]:
    """Every Markdown page under ``docs_dir`` (hidden files and folders skipped, as MkDocs does),
    with the keys cited in the snippet files it includes (``--8<--``, found under ``snippet_bases``)
    and in the blocks generated for it (``generated``: page text -> keys, the red-flag boxes):
    they are rendered on the page, in its References list. Each text is parsed once per process
    (:func:`medcite.source.document.read_document`): a page the linter already read is not parsed again."""
    root = Path(docs_dir)
    pages = []
    for path in sorted(root.rglob("*.md")):
        relative = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in relative.split("/")):
            continue
        text = _read(path, relative)
        if text is None:
            continue  # the linter reports unreadable pages, with their line
        page = read_page(relative, text)
        keys = dict.fromkeys(page.keys)
        for include in resolve_includes([text], snippet_bases, includes_of) if snippet_bases else []:
            fragment = _read(include, include.name)
            keys.update(dict.fromkeys(read_document(fragment).cited_keys if fragment is not None else ()))
        if generated is not None:
            keys.update(dict.fromkeys(generated(text)))
        pages.append(dataclasses.replace(page, keys=tuple(keys)))
    return pages


def _read(path: Path, relative: str) -> str | None:
    try:
        return decode_utf8(read_regular_file(path), relative)  # a FIFO fails at once instead of hanging the page
    except (OSError, InputError):
        return None


def relative_link(target: str, source: str) -> str:
    """A link from the page ``source`` to the page ``target`` (both source paths under docs_dir).

    Links name the ``.md`` source, as authors write them: MkDocs, ProperDocs and Zensical each
    turn them into the right URL for their own URL scheme and check that the page exists.
    """
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def cited_on(bib: Bibliography, pages: Iterable[SourcePage], from_page: str) -> dict[str, list[CitingPage]]:
    """Entry key -> the pages citing it (sorted by title), each linked, from the page ``from_page``,
    to the entry in that page's References list (an anchor named by key: numbers differ per page)."""
    index: dict[str, list[CitingPage]] = {}
    for page in sorted(pages, key=lambda p: (p.title.casefold(), p.src_path)):
        link = relative_link(page.src_path, from_page)
        seen: set[str] = set()
        for key in page.keys:
            ref = bib.resolve(key)
            if ref is None or ref.key in seen:
                continue
            seen.add(ref.key)
            index.setdefault(ref.key, []).append(CitingPage(page.title, f"{link}#{source_anchor(ref.key)}"))
    return index
