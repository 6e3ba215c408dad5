"""Page parts the Markdown extension adds besides citations: the site bibliography (where the
bibliography page holds its marker), and on each article the review dates, reading level and
schema.org JSON-LD. All of it comes from the page's own front matter and source, which every
engine hands the extension (see :mod:`medcite.engine.context`), so no engine hook is needed.
"""

from __future__ import annotations

import html
import os
import re
import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's own name for it)
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urljoin

from markdown import Markdown, util
from markupsafe import Markup, escape

from ..bib.bibliography import Bibliography
from ..bib.findings import RecordedFinding, parse_findings
from ..core.model import InputError, Reference, decode_utf8, read_regular_file
from ..render.html import (
    GRADE_MARKER,
    CitingPage,
    ReferenceFormatter,
    medical_webpage_jsonld,
    review_html,
    uncited_html,
)
from ..render.lists import bibliography_element
from ..source.document import read_document
from ..source.metadata import FrontMatter
from ..source.readability import MIN_WORDS_FOR_GRADE, Readability
from ..source.redflags import cited_keys
from ..source.snippets import base_paths
from .context import PageContext
from .redflagblocks import red_flags_at
from .sitepages import cited_on, read_pages

BIBLIOGRAPHY_MARKER = "<!-- medcite:bibliography -->"
BIBLIOGRAPHY_TOKEN = "\x02\ue001\x03"  # the marker's place until the tree is built; no word in it (for abbr)
JSONLD_META_KEY = "medcite_jsonld"
TEXT_META = ("title", "description")
ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
ESCAPED_CHAR_RE = re.compile("\x02(\\d+)\x03")  # Python-Markdown's placeholder for a backslash escape


class Options(Protocol):
    def getConfig(self, key: str, default: str = "") -> object: ...  # noqa: N802 (Markdown API)


def expand_bibliography(root: etree.Element, md: Markdown, bib: Bibliography | None, formatter: ReferenceFormatter,
                        context: PageContext | None, options: Options, problem: str) -> None:
    """Replace the marker's paragraph by every entry, with the pages that cite it."""
    for parent in root.iter():
        for position, child in enumerate(list(parent)):
            if child.tag != "p" or (child.text or "").strip() != BIBLIOGRAPHY_TOKEN or len(child):
                continue
            parent.remove(child)
            if bib is None:
                failed = etree.Element("p")
                failed.text = md.htmlStash.store(uncited_html(BIBLIOGRAPHY_MARKER, problem))
                parent.insert(position, failed)
            else:
                parent.insert(position, bibliography_element(bib, formatter, _cited_on(md, bib, context, options),
                                                             md.htmlStash.store, recorded_findings(context, options)))


def _cited_on(md: Markdown, bib: Bibliography, context: PageContext | None,
              options: Options) -> dict[str, list[CitingPage]] | None:
    if context is not None:
        docs_dir: str | None = context.site.docs_dir
    else:
        configured = str(options.getConfig("docs_dir") or "")
        docs_dir = os.path.abspath(configured) if configured else None
    here = context.page.path if context is not None and context.page is not None \
        else str(options.getConfig("bibliography_page"))
    if not docs_dir:
        return None
    root = Path(context.site.root_dir if context is not None else os.getcwd())
    bases = base_paths(snippet_base(md), root) if snippet_base(md) else []
    return cited_on(bib, read_pages(docs_dir, bases, red_flag_keys(str(root), options)), here)


def recorded_findings(context: PageContext | None, options: Options) -> dict[str, list[RecordedFinding]] | None:
    """Each source's recorded findings (the ``findings`` option), for the bibliography page; a file that
    cannot be read shows none (the lint says why, at its line)."""
    option = str(options.getConfig("findings", "") or "")
    if not option:
        return None
    root = context.site.root_dir if context is not None else os.getcwd()
    path = os.path.join(root, os.path.expanduser(option))
    try:
        text = decode_utf8(read_regular_file(path), option)
    except (OSError, InputError):
        return None
    return parse_findings(text).by_key


def red_flag_keys(root: str, options: Options) -> Callable[[str], list[str]] | None:
    """Page text -> the keys its red-flag boxes cite (None without red-flag data)."""
    option = str(options.getConfig("red_flags", "") or "")
    if not option:
        return None
    path = os.path.join(root, os.path.expanduser(option))
    data = red_flags_at(path, os.path.relpath(path, root))
    return None if isinstance(data, str) else partial(cited_keys, data)


def snippet_base(md: Markdown) -> object:
    """pymdownx.snippets' ``base_path`` when that extension is in use (None otherwise)."""
    for extension in md.registeredExtensions:
        if type(extension).__name__ == "SnippetExtension":
            return extension.getConfig("base_path") or "."
    return None


@lru_cache(maxsize=512)
def page_grade(source: str) -> float | None:
    """Flesch-Kincaid grade of the page's prose, as citation-lint computes it (None for short pages)."""
    return shown_grade(read_document(source).readability)


def shown_grade(readability: Readability) -> float | None:
    """The grade an article shows: none below the floor where a grade says little."""
    return readability.grade if readability.words >= MIN_WORDS_FOR_GRADE else None


def grade_or_slot(context: PageContext, source: str) -> tuple[float | None, str]:
    """(grade, "") to show now, or (None, GRADE_MARKER) where the engine fills the grade in later.

    The engine's own measurement is used when it measured this very source; else, if the engine
    fills the grade in later, the slot is left (and the source kept for it); else we measure."""
    page = context.page
    if page is not None and page.grade is not None and page.grade[0] == source:
        return page.grade[1], ""
    if page is not None and page.grade_later:
        page.deferred_source = source
        return None, GRADE_MARKER
    return page_grade(source), ""


def review_and_jsonld(root: etree.Element, md: Markdown, context: PageContext, refs: Sequence[Reference],
                      formatter: ReferenceFormatter, source: str) -> None:
    """On an article (front matter with ``last_reviewed``): the review box under the title, with
    the reading grade of ``source``, and the page's JSON-LD in its metadata, where the theme
    template prints it."""
    page = context.page
    if page is None:
        return
    page.meta.pop(JSONLD_META_KEY, None)  # only this may set it, never the front matter
    try:
        title = page.meta.get("title")
        if not (isinstance(title, str) and title.strip()):
            # No title in front matter: the theme would print the engine's own title from the H1,
            # which MkDocs keeps as HTML and Material un-escapes (striptags) into <title>. The H1's
            # plain text, as front-matter title, is escaped below like any other.
            heading = root.find("h1")
            text = heading_text(heading, md) if heading is not None else ""
            if text or not _is_homepage(page.path):  # else the engines name the page after its file
                page.meta["title"] = text or title_from_path(page.path)
        if "last_reviewed" in page.meta:
            _review_and_jsonld(root, md, context, refs, formatter, *grade_or_slot(context, source))
    finally:
        escape_meta(page.meta)


def escape_meta(meta: MutableMapping[str, Any]) -> None:
    """Escape the front-matter text the theme prints: Material prints the title and description
    unescaped (in <title>, the navigation and the header) on MkDocs and on Zensical alike. Marked
    as escaped (Markup), so the MkDocs plugin's own pass leaves them alone."""
    for key in TEXT_META:
        value = meta.get(key)
        if isinstance(value, str) and not isinstance(value, Markup):
            meta[key] = escape(value)


def _is_homepage(path: str) -> bool:
    return path in ("index.md", "README.md")


def title_from_path(path: str) -> str:
    """The title MkDocs gives a page with neither a title nor an H1: its file name, "-" and "_" as
    spaces, capitalised if all in lower case ("README" counts as "index")."""
    stem = os.path.splitext(os.path.basename(path))[0]
    name = ("index" if stem == "README" else stem).replace("-", " ").replace("_", " ")
    return name.capitalize() if name.lower() == name else name


def heading_text(heading: etree.Element, md: Markdown) -> str:
    """A heading as a reader reads it, as plain text: escapes and entities resolved, raw HTML (and
    any citation in it) left out. At this stage of the tree they still are Markdown's placeholders."""
    stash = md.htmlStash.rawHtmlBlocks

    def stashed(match: re.Match[str]) -> str:
        index = int(match.group(1))
        value = stash[index] if index < len(stash) else ""
        return html.unescape(value) if isinstance(value, str) and ENTITY_RE.fullmatch(value) else ""

    def pieces(element: etree.Element) -> Iterator[str]:
        if element.tag == "img":
            yield element.get("alt", "")
        if element.text:  # a code span's text is stored HTML-escaped already
            yield html.unescape(element.text) if element.tag == "code" else element.text
        for child in element:
            yield from pieces(child)
            if child.tail:
                yield child.tail

    text = util.HTML_PLACEHOLDER_RE.sub(stashed, "".join(pieces(heading)))
    text = ESCAPED_CHAR_RE.sub(lambda match: chr(int(match.group(1))), text)
    return " ".join(text.replace("\x02", "").replace("\x03", "").split())


def _review_and_jsonld(root: etree.Element, md: Markdown, context: PageContext, refs: Sequence[Reference],
                       formatter: ReferenceFormatter, grade: float | None, grade_slot: str) -> None:
    page = context.page
    assert page is not None
    front = FrontMatter(present=True, data=dict(page.meta))
    box = review_html(front.date("last_reviewed"), front.date("next_review"), grade, grade_slot)
    if box:
        holder = etree.Element("p")
        holder.text = md.htmlStash.store(box)
        children = list(root)
        heading = next((i for i, child in enumerate(children) if child.tag == "h1"), None)
        root.insert(0 if heading is None else heading + 1, holder)
    title = page.meta.get("title")
    if not isinstance(title, str):
        heading_element = root.find("h1")
        title = heading_text(heading_element, md) if heading_element is not None else ""
    site_url = context.site.site_url
    canonical = page.canonical_url or (
        urljoin(site_url if site_url.endswith("/") else site_url + "/", page.url) if site_url else None)
    page.meta[JSONLD_META_KEY] = medical_webpage_jsonld(
        title, str(page.meta.get("description") or ""), canonical, front.date("last_reviewed"), refs, formatter)
