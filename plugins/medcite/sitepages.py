"""The site-wide "cited on" index, read from the page sources in docs_dir.

Zensical renders each page with a fresh Markdown and has no site-wide phase, so the
bibliography page cannot wait for the other pages to be rendered: it reads their sources
instead, with the linter's own citation finder (so the index and citation-lint agree on what
each page cites). Each file is parsed once per content: a rebuild re-reads only what changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .bibliography import Bibliography
from .citations import find_citations, mask_code
from .metadata import read_front_matter
from .model import InputError, decode_utf8, read_regular_file
from .render import CitingPage, source_anchor
from .snippets import resolve_includes

ATX_H1_RE = re.compile(r"^[ ]{0,3}#[ \t]+(?P<title>[^\n]*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_CACHE_LIMIT = 5000


@dataclass(frozen=True)
class SourcePage:
    """One page as its source shows it."""

    src_path: str  # relative to docs_dir, with "/" separators
    title: str
    keys: tuple[str, ...]  # cited keys as written ("doi:…" too), in order of first citation


_cache: dict[str, tuple[str, SourcePage, str]] = {}  # path -> (digest, page, text)


def read_page(src_path: str, text: str) -> SourcePage:
    keys: dict[str, None] = {}
    for cite in find_citations(text, mask_code(text, keep_alt=True)):
        for item in cite.items:
            keys.setdefault(item.key, None)
    return SourcePage(src_path, page_title(text, src_path), tuple(keys))


def page_title(text: str, src_path: str) -> str:
    """Front matter ``title``, else the first level-1 heading, else the file name (as MkDocs does)."""
    front = read_front_matter(text)
    title = front.data.get("title") if front.present and not front.error else None
    if isinstance(title, str) and title.strip():
        return title.strip()
    heading = ATX_H1_RE.search(mask_code(text))
    if heading and heading["title"].strip():
        return heading["title"].strip()
    stem = posixpath.splitext(posixpath.basename(src_path))[0]
    if stem in ("index", "README"):
        stem = posixpath.basename(posixpath.dirname(src_path)) or "Home"
    return stem.replace("-", " ").replace("_", " ").capitalize()


def read_pages(docs_dir: str | Path, snippet_bases: Sequence[Path] = (),
               generated: Callable[[str], Iterable[str]] | None = None) -> list[SourcePage]:
    """Every Markdown page under ``docs_dir`` (hidden files and folders skipped, as MkDocs does),
    with the keys cited in the snippet files it includes (``--8<--``, found under ``snippet_bases``)
    and in the blocks generated for it (``generated``: page text -> keys, the red-flag boxes):
    they are rendered on the page, in its References list."""
    root = Path(docs_dir)
    pages = []
    for path in sorted(root.rglob("*.md")):
        relative = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in relative.split("/")):
            continue
        page, text = _read_cached(path, relative)
        if page is None:
            continue  # the linter reports unreadable pages, with their line
        keys = dict.fromkeys(page.keys)
        for include in resolve_includes([text], snippet_bases) if snippet_bases else []:
            fragment, _ = _read_cached(include, include.name)
            keys.update(dict.fromkeys(fragment.keys if fragment is not None else ()))
        if generated is not None:
            keys.update(dict.fromkeys(generated(text)))
        pages.append(dataclasses.replace(page, keys=tuple(keys)))
    return pages


def _read_cached(path: Path, relative: str) -> tuple[SourcePage | None, str]:
    try:
        data = read_regular_file(path)  # a FIFO fails at once instead of hanging the bibliography page
        text = decode_utf8(data, relative)
    except (OSError, InputError):
        return None, ""
    digest = hashlib.sha1(data).hexdigest()
    hit = _cache.get(str(path))
    if hit is None or hit[0] != digest:
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        hit = _cache[str(path)] = (digest, read_page(relative, text), text)
    return hit[1], hit[2]


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
