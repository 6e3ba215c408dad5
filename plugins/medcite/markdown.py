"""Python-Markdown extension that renders ``[@key]`` citations and the References list.

Works with plain Python-Markdown (``markdown.Markdown(extensions=[CitationsExtension(...)])``),
so the rendering survives a move away from MkDocs. It does not report problems: the
linter does that from the raw source, where line numbers are true.

Numbering happens in two steps because Python-Markdown's inline pass does not visit
nested blocks (lists, admonitions) in document order: the inline processor leaves a
token per citation, and a tree processor then walks the tree in reading order, numbers
the citations (Vancouver: order of first citation) and swaps each token for its HTML.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's own name for it)
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from markdown import Markdown, util
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from .bibliography import Bibliography
from .citations import CITATION_RE, UNCLOSED_PROBLEM, UNCLOSED_RE, parse_citation
from .model import CiteItem, Reference
from .render import CitedNumber, ReferenceFormatter, citation_html, references_html, uncited_html

TOKEN = "\x02medcite:{}\x03"
TOKEN_RE = re.compile("\x02medcite:(\\d+)\x03")
ESCAPED_CHAR_RE = re.compile("\x02(\\d+)\x03")  # Python-Markdown's placeholder for a backslash escape


@dataclass
class PageCitations:
    """One page's citations: the numbered entries and where each is cited."""

    order: list[Reference] = field(default_factory=list)
    spots: dict[int, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # (leading space, raw citation, items, problem) per citation, in the order Markdown saw them
    pending: list[tuple[str, str, tuple[CiteItem, ...], str | None]] = field(default_factory=list)
    _numbers: dict[int, int] = field(default_factory=dict)

    def number(self, ref: Reference) -> int:
        known = self._numbers.get(id(ref))
        if known is None:
            self.order.append(ref)
            known = self._numbers[id(ref)] = len(self.order)
        return known


class CitationInlineProcessor(InlineProcessor):
    """Replaces one bracketed citation by a token, numbered later in reading order."""

    def __init__(self, pattern: str, md: Markdown, ext: CitationsExtension) -> None:
        super().__init__(pattern, md)
        self.ext = ext

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int | None, int | None]:  # type: ignore[override]  # noqa: N802
        # Escapes and code spans inside the brackets were already replaced by Markdown's placeholders
        # (they run first); read the body back as the author wrote it, so the items are parsed as the
        # linter parses the source, and a locator's Markdown can be rendered.
        body = self.source(m.group("body"))
        unclosed = self.unclosed
        items, problem = ((), UNCLOSED_PROBLEM) if unclosed else parse_citation(body)
        pending = self.ext.state.pending
        whole = m.group(0)
        lead = whole[: len(whole) - len(whole.lstrip(" \t"))]
        pending.append((lead, f"[{body.rstrip()}" if unclosed else f"[{body}]", items, problem))
        return TOKEN.format(len(pending) - 1), m.start(0), m.end(0)

    unclosed = False

    def source(self, text: str) -> str:
        """Markdown's placeholders back to the source: ``\\x`` for an escape, backticks for code."""
        stash = self.md.treeprocessors["inline"].stashed_nodes  # type: ignore[attr-defined]

        def restore(match: re.Match[str]) -> str:
            value = stash.get(match.group(1))
            if isinstance(value, str) or value is None:
                return value or ""
            code = html.unescape("".join(value.itertext()))  # code text is stored HTML-escaped
            ticks = "`" * (max((len(run) for run in re.findall("`+", code)), default=0) + 1)
            return f"{ticks} {code} {ticks}" if value.tag == "code" else code

        text = util.INLINE_PLACEHOLDER_RE.sub(restore, text)
        return ESCAPED_CHAR_RE.sub(lambda e: "\\" + chr(int(e.group(1))), text)


class UnclosedCitationInlineProcessor(CitationInlineProcessor):
    """``[@a, p. 3`` never closed: shown as an error, as the linter reports it."""

    unclosed = True


class ReferencesTreeprocessor(Treeprocessor):
    """Numbers citations in reading order and appends the page's References list."""

    def __init__(self, md: Markdown, ext: CitationsExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        state = self.ext.state
        self.ext.last_page = state
        if not state.pending:
            return
        # A citation cannot live in an attribute (alt text, an attr_list, an autolink) or in raw
        # HTML: there it goes back to the text the author wrote. The linter skips those places too.
        literal = self._restore_literal
        for element in root.iter():
            if any("\x02medcite:" in value for value in element.attrib.values()):
                for name, value in element.attrib.items():
                    element.set(name, TOKEN_RE.sub(literal, value))
                if element.tag == "a" and element.text:  # an autolink: its text is its URL
                    element.text = TOKEN_RE.sub(literal, element.text)
        stash = self.md.htmlStash.rawHtmlBlocks
        for index, block in enumerate(stash):
            if isinstance(block, str) and "\x02medcite:" in block:
                stash[index] = TOKEN_RE.sub(literal, block)
        for element, attr in _text_slots(root):
            text = getattr(element, attr)
            if text and "\x02medcite:" in text:
                setattr(element, attr, TOKEN_RE.sub(lambda m: self._render(int(m.group(1))), text))
        if not state.order:
            return
        heading = etree.SubElement(root, "h2", {"id": "references"})
        heading.text = self.ext.getConfig("references_title")
        holder = etree.SubElement(root, "div", {"class": "medcite-references-section"})
        holder.text = self.md.htmlStash.store(references_html(state.order, state.spots, self.ext.formatter))

    def _restore_literal(self, match: re.Match[str]) -> str:
        lead, raw, _, _ = self.ext.state.pending[int(match.group(1))]
        return lead + raw

    def _render(self, index: int) -> str:
        state, bib = self.ext.state, self.ext.bibliography
        lead, raw, items, problem = state.pending[index]
        if problem is not None or bib is None:
            reason = problem or "no bibliography configured"
            state.problems.append(reason)
            return lead + self.md.htmlStash.store(uncited_html(raw, reason))
        spot = f"cite-{index + 1}"
        cited: list[CitedNumber] = []
        unknown: list[str] = []
        for item in items:
            ref = bib.resolve(item.key)
            if ref is None:
                unknown.append(f"[@{item.key}]")
                state.problems.append(f"unknown citation key '{item.key}'")
                continue
            number = state.number(ref)
            cited.append(CitedNumber(number, ref, item.locator, item.prefix))
            spots = state.spots.setdefault(number, [])
            if spot not in spots:
                spots.append(spot)
        if not cited:
            return lead + self.md.htmlStash.store(uncited_html(raw, "unknown citation key"))
        return self.md.htmlStash.store(citation_html(spot, cited, self.ext.formatter, problems=unknown))


def _text_slots(element: etree.Element) -> Iterator[tuple[etree.Element, str]]:
    """(element, "text"/"tail") pairs in reading order."""
    yield element, "text"
    for child in element:
        yield from _text_slots(child)
        yield child, "tail"


class CitationsExtension(Extension):
    """``[@key]`` -> numbered, linked superscripts plus a References section."""

    def __init__(self, bibliography: Bibliography | None = None, formatter: ReferenceFormatter | None = None,
                 **kwargs: Any) -> None:
        # Objects are passed as attributes: Markdown's string/bool config coercion would mangle them.
        self.config = {"references_title": ["References", "heading of the list at the end of each page"]}
        super().__init__(**kwargs)
        self.bibliography = bibliography
        self.formatter = formatter or ReferenceFormatter()
        self.state = PageCitations()
        self.last_page = PageCitations()

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown API)
        md.registerExtension(self)
        # 175: after backslash escapes (180) and code spans (190), so "\[@x]" and `[@x]`
        # stay literal; before links (160), so "[@x]" is never read as a shortcut link.
        # The superscript takes the place of the space before it: "pain [@a]." -> "pain¹."
        # The spaces are taken from the start of their run only (the look-behind), so a long run of
        # spaces is scanned once, not once per space.
        pattern = r"(?<![ \t])[ \t]*+" + CITATION_RE.pattern
        md.inlinePatterns.register(CitationInlineProcessor(pattern, md, self), "medcite-citation", 175)
        # 174: right after closed citations, on the text they leave: "[@a, p. 3" never closed is an error.
        unclosed = r"(?<![ \t])[ \t]*+" + UNCLOSED_RE.pattern  # spaces matched from the start of their run
        md.inlinePatterns.register(UnclosedCitationInlineProcessor(unclosed, md, self), "medcite-unclosed", 174)
        # 6: after inline processing (20) so every citation token exists, and after attr_list (8),
        # which moves "{: title=… }" text into attributes; before the table of contents (5) so
        # "References" appears in it and headings get clean text.
        md.treeprocessors.register(ReferencesTreeprocessor(md, self), "medcite-references", 6)

    def reset(self) -> None:
        self.state = PageCitations()


def makeExtension(**kwargs: Any) -> CitationsExtension:  # noqa: N802 (Markdown API)
    return CitationsExtension(**kwargs)
