"""Python-Markdown extension that renders ``[@key]`` citations and the References list.

Everything a reader sees comes from here, so the site renders the same under MkDocs, ProperDocs
and Zensical (which runs Markdown extensions but not MkDocs plugins). It is configured by plain
options (``bibliography: references.bib``, a path resolved against the engine's config file) and
works with plain Python-Markdown too. It does not report problems: the linter does that from the
raw source, where line numbers are true.

Numbering happens in two steps because Python-Markdown's inline pass does not visit
nested blocks (lists, admonitions) in document order: the inline processor leaves a
token per citation, and a tree processor then walks the tree in reading order, numbers
the citations (Vancouver: order of first citation) and swaps each token for its HTML.
"""

from __future__ import annotations

import atexit
import functools
import html
import logging
import os
import re
import secrets
import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's own name for it)
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown import Markdown, util
from markdown.blockprocessors import ReferenceProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from ..bib.bibliography import Bibliography, BibliographyError, load_bibliography
from ..core.memo import Memo
from ..core.model import CiteItem, InputError, Reference, decode_utf8, read_regular_file
from ..render.html import CitedNumber, citation_html, compress, uncited_html
from ..render.lists import references_element
from ..render.locators import render_inline
from ..source.citations import CITATION_RE, UNCLOSED_PROBLEM, UNCLOSED_RE, parse_citation
from ..source.document import includes_of
from ..source.snippets import appended_problems, include_problems
from ..style.formatter import ReferenceFormatter
from ..style.refcache import FormattedStore
from .context import PageContext, find_context
from .pageparts import BIBLIOGRAPHY_MARKER, BIBLIOGRAPHY_TOKEN, expand_bibliography, review_and_jsonld, snippet_base
from .redflagblocks import RedFlagPreprocessor

log = logging.getLogger("medcite")
_reported: set[str] = set()  # a broken bibliography is reported once per process, not once per page
# A citation's place in the text until the tree processor numbers it. It holds no word character:
# abbr (tree processor 7, before ours) wraps whole words in <abbr>, so "*[medcite]: …" or "*[1]: …"
# would split a token made of words or digits. Digits are written as private-use characters.
TOKEN_START = "\x02\ue000"
_TO_TOKEN = str.maketrans("0123456789", "".join(chr(0xE010 + digit) for digit in range(10)))
_FROM_TOKEN = {value: key for key, value in _TO_TOKEN.items()}
TOKEN_RE = re.compile("\x02\ue000([\ue010-\ue019]++)\x03")
ESCAPED_CHAR_RE = re.compile("\x02(\\d+)\x03")  # Python-Markdown's placeholder for a backslash escape
TAG_RE = re.compile(r"<[^<>]*+>")
RAW_OR_TOKEN_RE = re.compile("\x02wzxhzdk:(?P<stashed>\\d++)\x03|" + TOKEN_RE.pattern)
OPEN_LINK_RE = re.compile(r"<a[\s>/]", re.IGNORECASE)
CLOSE_LINK_RE = re.compile(r"</a\s*+>", re.IGNORECASE)


def token(index: int) -> str:
    return TOKEN_START + str(index).translate(_TO_TOKEN) + "\x03"


def token_index(match: re.Match[str]) -> int:
    return int(match.group(1).translate(_FROM_TOKEN))


@dataclass
class PageCitations:
    """One page's citations: the numbered entries and where each is cited."""

    order: list[Reference] = field(default_factory=list)
    spots: dict[int, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # named in the log under Zensical (report_problems)
    context: PageContext | None = None
    source: str = ""  # the page's Markdown as the author wrote it (before snippets are pulled in)
    include_errors: list[str] = field(default_factory=list)  # include lines refused (IncludeGuardPreprocessor)
    # (leading space, raw citation, items, problem) per citation, in the order Markdown saw them
    pending: list[tuple[str, str, tuple[CiteItem, ...], str | None]] = field(default_factory=list)
    _numbers: dict[int, int] = field(default_factory=dict)

    def number(self, ref: Reference) -> int:
        known = self._numbers.get(id(ref))
        if known is None:
            self.order.append(ref)
            known = self._numbers[id(ref)] = len(self.order)
        return known


class SourcePreprocessor(Preprocessor):
    """Keeps the page source as the author wrote it (for the reading grade) and the engine's context."""

    def __init__(self, md: Markdown, ext: CitationsExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        self.ext.state.context = find_context(self.md)
        self.ext.state.source = "\n".join(lines)
        return lines


class IncludeGuardPreprocessor(Preprocessor):
    """Keeps pymdownx.snippets off every include line the project's one resolver refuses (missing,
    a folder, a FIFO, outside the base path, a symlink out of it; at any depth): the line becomes
    a marker, and :class:`IncludeErrorPreprocessor` puts a visible error in its place. On every
    engine, so no build reads such a file, hangs on it or stops in a traceback."""

    def __init__(self, md: Markdown, ext: CitationsExtension) -> None:
        super().__init__(md)
        self.ext = ext
        self.nonce = f"medcite-include-{secrets.token_hex(8)}"

    def run(self, lines: list[str]) -> list[str]:
        self.ext.state.include_errors = []
        configured = snippet_base(self.md)
        if configured is None:
            return lines
        values = configured if isinstance(configured, list) else [configured]
        bases = [Path(os.path.abspath(str(value))) for value in values if value]
        self._guard_appended(bases)
        text = "\n".join(lines)
        if "8<-" not in text:
            return lines
        source, offset = self._source(lines)
        # lines of the body (front matter cut off)
        for include, problem in include_problems(text, bases, lines_of=includes_of):
            message = f"include {problem}"
            if source:
                log.error("medcite: %s:%d:%d: error: %s [bad-include]", source, include.line + offset,
                          include.column, message)
            else:
                log.error("medcite: %s (citation-lint names the file and line)", message)
            index = len(self.ext.state.include_errors)
            self.ext.state.include_errors.append(message)
            line = lines[include.line - 1]
            lines[include.line - 1] = line[:len(line) - len(line.lstrip())] + f"{self.nonce}:{index}"
        return lines


    def _source(self, lines: list[str]) -> tuple[str, int]:
        """The page's source file (relative to the engine's root) and how many lines the engine cut
        off its top (the front matter), when the engine says which page this is; else ("", 0)."""
        context = self.ext.state.context
        if context is None or context.page is None:
            return "", 0
        path = os.path.join(context.site.docs_dir, context.page.path)
        shown = os.path.relpath(path, context.site.root_dir).replace(os.sep, "/")
        try:
            source = decode_utf8(read_regular_file(path), shown).split("\n")
        except (OSError, InputError):
            return shown, 0
        offset = len(source) - len(lines)
        return (shown, offset) if offset >= 0 and source[offset:] == lines else (shown, 0)

    def _guard_appended(self, bases: list[Path]) -> None:
        """pymdownx.snippets appends its ``auto_append`` files to every page itself: one that may not be
        read is taken off its list (and logged), so no page pulls it in."""
        if "snippet" not in self.md.preprocessors:
            return
        snippet: Any = self.md.preprocessors["snippet"]
        appended = getattr(snippet, "auto_append", None)
        if not isinstance(appended, list) or not appended:
            return
        refused = dict(appended_problems(appended, bases))
        for problem in refused.values():
            log.error("medcite: pymdownx.snippets auto_append %s; it is left out", problem)
        if refused:
            snippet.auto_append = [name for name in appended if name not in refused]


class IncludeErrorPreprocessor(Preprocessor):
    """Swaps each refused include's marker for the error (after whitespace normalisation, which
    would strip the HTML placeholder's markers)."""

    def __init__(self, md: Markdown, guard: IncludeGuardPreprocessor) -> None:
        super().__init__(md)
        self.guard = guard

    def run(self, lines: list[str]) -> list[str]:
        errors = self.guard.ext.state.include_errors
        if not errors:
            return lines
        prefix = self.guard.nonce + ":"
        for number, line in enumerate(lines):
            body = line.lstrip()
            if body.startswith(prefix) and body[len(prefix):].isdigit() and int(body[len(prefix):]) < len(errors):
                message = errors[int(body[len(prefix):])]
                lines[number] = line[:len(line) - len(body)] + self.md.htmlStash.store(uncited_html(message, message))
        return lines


class BibliographyPreprocessor(Preprocessor):
    """Marks where the bibliography goes; the tree processor puts it there."""

    def run(self, lines: list[str]) -> list[str]:
        if not any(line.strip() == BIBLIOGRAPHY_MARKER for line in lines):
            return lines
        out: list[str] = []
        for line in lines:
            out.extend(["", BIBLIOGRAPHY_TOKEN, ""] if line.strip() == BIBLIOGRAPHY_MARKER else [line])
        return out


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
        return token(len(pending) - 1), m.start(0), m.end(0)

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


ZENSICAL_NOTICE = ("medcite: this engine does not count citation errors, so its --strict build and serve say "
                   "'No issues found' even with an unknown key; the gate is `make site ENGINE=zensical` or "
                   "`citation-lint`")
_noticed: set[str] = set()


def _tell_other_engines(state: PageCitations) -> None:
    """Under an engine other than our MkDocs plugin (Zensical), which counts no warning a Markdown
    extension logs and shows an exception as a traceback: say once per build where the gate is, and
    name each page's problems (they are shown on the page as well)."""
    context = state.context
    if context is None or context.page is None or not context.foreign:
        return
    if context.site.root_dir not in _noticed:
        _noticed.add(context.site.root_dir)
        log.warning(ZENSICAL_NOTICE)
    problems = [*state.problems, *state.include_errors]
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        log.warning("medcite: %s: %d citation problem(s) shown on the page: %s", context.page.path, len(problems),
                    shown)


class CitationAwareReferenceProcessor(ReferenceProcessor):
    """Link reference definitions, except a line starting with a citation: "[@a]: 45%." is the
    citation and its text (as citation-lint reads it), not the definition of a link named "@a"."""

    _LABEL = r"\[([^\[\]]*)\]:"
    RE = re.compile(ReferenceProcessor.RE.pattern.replace(_LABEL, r"\[(?![^\[\]]*?(?<=[\s;\[\-])@)" + _LABEL[2:], 1),
                    re.MULTILINE)


PLACEHOLDER_RE = re.compile("\x02([^\x02\x03]*+)\x03")  # any of Python-Markdown's (and ours)
SHIELDED_RE = re.compile("\x02([\U000F0000-\U000F00FF]*+)\x03")
_SHIELD = {code: 0xF0000 + code for code in range(256)}
_UNSHIELD = {value: key for key, value in _SHIELD.items()}


class ShieldPlaceholdersTreeprocessor(Treeprocessor):
    """abbr wraps whole words in <abbr>, and runs while escapes, entities, inline HTML and citations are
    still placeholders of digits and words ("\\x02wzxhzdk:1\\x03"): "*[1]: one" would split them and leave
    control characters in the page. Their insides are written in private-use characters (no word
    characters) until abbr is done; the references tree processor, next, writes them back."""

    def run(self, root: etree.Element) -> None:
        if "abbr" not in self.md.treeprocessors:
            return
        for element, attr in _text_slots(root):
            text = getattr(element, attr)
            if text and "\x02" in text:
                setattr(element, attr, PLACEHOLDER_RE.sub(lambda m: f"\x02{m.group(1).translate(_SHIELD)}\x03", text))


def _unshield(root: etree.Element) -> None:
    for element, attr in _text_slots(root):
        text = getattr(element, attr)
        if text and "\x02" in text:
            setattr(element, attr, SHIELDED_RE.sub(lambda m: f"\x02{m.group(1).translate(_UNSHIELD)}\x03", text))


class ReferencesTreeprocessor(Treeprocessor):
    """Numbers citations in reading order and appends the page's References list."""

    def __init__(self, md: Markdown, ext: CitationsExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        state = self.ext.state
        if "abbr" in self.md.treeprocessors:
            _unshield(root)
        _plain_toc_labels(root, self.md)
        if state.pending:
            self._citations(root)
        if any(BIBLIOGRAPHY_TOKEN in (element.text or "") for element in root.iter("p")):
            expand_bibliography(root, self.md, self.ext.load(), self.ext.formatter, state.context, self.ext,
                                self.ext.problem)
            self.ext.formatter.save()
        if state.context is not None and state.context.page is not None:
            review_and_jsonld(root, self.md, state.context, state.order, self.ext.formatter, state.source)
        _tell_other_engines(state)

    def _citations(self, root: etree.Element) -> None:
        state = self.ext.state
        # A citation in raw HTML goes back to the text the author wrote (the linter skips raw HTML too).
        literal = self._restore_literal
        _move_out_of_links(root)
        _move_out_of_raw_links(root, self.md.htmlStash.rawHtmlBlocks)
        stash = self.md.htmlStash.rawHtmlBlocks
        for index, block in enumerate(stash):
            if isinstance(block, str) and TOKEN_START in block:
                stash[index] = TOKEN_RE.sub(literal, block)
        for element, attr in _text_slots(root, _footnotes(root)):
            if attr == "text" and any(value and TOKEN_START in value for value in element.attrib.values()):
                self._attributes(element)
            text = getattr(element, attr)
            if text and TOKEN_START in text:
                setattr(element, attr, TOKEN_RE.sub(lambda m: self._render(token_index(m)), text))
        if not state.order:
            return
        # Left out of the site search (Material's attribute, removed from the page once indexed): a
        # search for a health word should find what the pages say, not each page's list of sources;
        # the bibliography page keeps every source searchable, and the index stays small for phones.
        heading = etree.SubElement(root, "h2", {"id": "references", "data-search-exclude": "true"})
        heading.text = self.ext.getConfig("references_title")
        holder = etree.SubElement(root, "div", {"class": "medcite-references-section"})
        holder.append(references_element(state.order, state.spots, self.ext.formatter, self.md.htmlStash.store))

    def _attributes(self, element: etree.Element) -> None:
        """A citation in an image's alt text is numbered where the image stands and written as text,
        ``A figure (2)``, as pandoc writes it; the list links back to the image. In any other attribute
        (a title, an attr_list value, an autolink) it goes back to the text the author wrote."""
        for name, value in list(element.attrib.items()):
            if not value or TOKEN_START not in value:
                continue
            if element.tag == "img" and name == "alt":
                first = TOKEN_RE.search(value)
                spot = element.get("id") or f"cite-{token_index(first) + 1 if first else 0}"
                numbered = sum(len(spots) for spots in self.ext.state.spots.values())
                element.set(name, TOKEN_RE.sub(functools.partial(self._render_match, spot=spot), value))
                if sum(len(spots) for spots in self.ext.state.spots.values()) > numbered:
                    element.set("id", spot)  # the References list links back here
            else:
                element.set(name, TOKEN_RE.sub(self._restore_literal, value))
        if element.tag == "a" and element.text:  # an autolink: its text is its URL
            element.text = TOKEN_RE.sub(self._restore_literal, element.text)

    def _render_match(self, match: re.Match[str], spot: str) -> str:
        return self._render_text(token_index(match), spot)

    def _render_text(self, index: int, spot: str) -> str:
        """A citation as plain text (``(2, 3 (p. 4))``) for alt text; unknown keys stay as written."""
        state, bib = self.ext.state, self.ext.load()
        lead, raw, items, problem = state.pending[index]
        if problem is not None or bib is None:
            state.problems.append(problem or self.ext.problem)
            return lead + raw
        plain: list[int] = []
        labels: list[tuple[int, str]] = []
        for item in items:
            ref = bib.resolve(item.key)
            if ref is None:
                state.problems.append(f"unknown citation key '{item.key}'")
                return lead + raw
            number = state.number(ref)
            spots = state.spots.setdefault(number, [])
            if spot not in spots:
                spots.append(spot)
            if not item.locator and not item.prefix:
                plain.append(number)
                continue
            locator = render_inline(item.locator).text if item.locator else ""
            label = f"{number}{locator}" if item.attached else f"{number} ({locator})" if locator else str(number)
            labels.append((number, f"{render_inline(item.prefix).text} {label}" if item.prefix else label))
        # In number order, runs compressed, as the superscripts are (and as pandoc orders them)
        labels += [(first, str(first) if first == last else f"{first}\u2013{last}") for first, last in compress(plain)]
        return f"{lead}({', '.join(label for _, label in sorted(labels))})"

    def _restore_literal(self, match: re.Match[str]) -> str:
        lead, raw, _, _ = self.ext.state.pending[token_index(match)]
        return lead + raw

    def _render(self, index: int) -> str:
        state, bib = self.ext.state, self.ext.load()
        lead, raw, items, problem = state.pending[index]
        if problem is not None or bib is None:
            reason = problem or self.ext.problem
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
            cited.append(CitedNumber(number, ref, item.locator, item.prefix, item.attached))
            spots = state.spots.setdefault(number, [])
            if spot not in spots:
                spots.append(spot)
        if not cited:
            return lead + self.md.htmlStash.store(uncited_html(raw, "unknown citation key"))
        return self.md.htmlStash.store(citation_html(spot, cited, self.ext.formatter, problems=unknown))


def _plain_toc_labels(root: etree.Element, md: Markdown) -> None:
    """attr_list's ``data-toc-label`` names a heading in the table of contents, and Zensical prints it
    as HTML: its tags (still Markdown's raw-HTML placeholders here) are dropped, as MkDocs drops them,
    and a stray "<" or ">" is escaped, so it is text."""
    stash = md.htmlStash.rawHtmlBlocks
    for element in root.iter():
        label = element.get("data-toc-label")
        if not label:
            continue
        raw = util.HTML_PLACEHOLDER_RE.sub(
            lambda m: str(stash[int(m.group(1))]) if int(m.group(1)) < len(stash) else "", label)
        if "<" in raw or ">" in raw:
            element.set("data-toc-label", TAG_RE.sub("", raw).replace("<", "&lt;").replace(">", "&gt;"))


def _move_out_of_links(root: etree.Element) -> None:
    """A citation in a link's text ("[see [@a]](url)") goes right after the link: its own link
    inside the other would be a link in a link (invalid HTML), and the reader still sees it."""
    for link in root.iter("a"):
        moved: list[str] = []
        for element, attr in _text_slots(link):  # the link's text and its children's (not its own tail)
            text = getattr(element, attr)
            if text and TOKEN_START in text:
                moved.extend(match.group(0) for match in TOKEN_RE.finditer(text))
                setattr(element, attr, TOKEN_RE.sub("", text))
        if moved:
            link.tail = "".join(moved) + (link.tail or "")


def _move_out_of_raw_links(root: etree.Element, stash: list[Any]) -> None:
    """The same for a link written in HTML (``<a href="…">see [@a]</a>``), whose tags are Markdown's
    raw-HTML placeholders in the text: a citation between them goes right after the closing tag. One
    whose link is never closed stays where it is, so no citation is lost."""
    slots = [(element, attr) for element, attr in _text_slots(root) if "\x02" in (getattr(element, attr) or "")]
    events: list[tuple[int, re.Match[str], str]] = []  # (slot, match, "open" / "close" / "token" / "")
    for number, (element, attr) in enumerate(slots):
        for match in RAW_OR_TOKEN_RE.finditer(getattr(element, attr)):
            if match["stashed"] is None:
                events.append((number, match, "token"))
                continue
            index = int(match["stashed"])
            raw = stash[index] if index < len(stash) and isinstance(stash[index], str) else ""
            kind = "open" if OPEN_LINK_RE.match(raw) else "close" if CLOSE_LINK_RE.match(raw) else ""
            events.append((number, match, kind))
    depth = 0  # raw links open here
    inside: list[int] = []  # the citations in them
    moves: dict[int, list[int]] = {}  # closing event -> the citations that go right after it
    for position, (_, _, kind) in enumerate(events):
        if kind == "open":
            depth += 1
        elif kind == "close" and depth:
            depth -= 1
            if not depth and inside:
                moves[position], inside = inside, []
        elif kind == "token" and depth:
            inside.append(position)
    if not moves:
        return
    moved = {position for positions in moves.values() for position in positions}
    edits: dict[int, list[int]] = {}  # slot -> its events that change, in order
    for position in sorted(moved | set(moves)):
        edits.setdefault(events[position][0], []).append(position)
    for number, positions in edits.items():
        element, attr = slots[number]
        text, pieces, at = getattr(element, attr), [], 0
        for position in positions:
            match = events[position][1]
            pieces.append(text[at:match.start()] + ("" if position in moved else match.group(0)))
            pieces.extend(events[token][1].group(0) for token in moves.get(position, []))
            at = match.end()
        setattr(element, attr, "".join(pieces) + text[at:])


def _footnotes(root: etree.Element) -> dict[str, etree.Element]:
    """The footnotes extension's notes (``<li id="fn:1">`` in ``<div class="footnote">``) by id."""
    return {item.get("id", ""): item for div in root.iter("div") if "footnote" in div.get("class", "").split()
            for item in div.iter("li") if item.get("id")}


def _text_slots(element: etree.Element, notes: dict[str, etree.Element] | None = None,
                seen: set[int] | None = None) -> Iterator[tuple[etree.Element, str]]:
    """(element, "text"/"tail") pairs in reading order. A footnote is read where its mark stands, as
    pandoc numbers it (its citations come before the text after the mark), not at the page's end."""
    seen = set() if seen is None else seen
    notes = notes or {}
    yield element, "text"
    for child in element:
        if id(child) not in seen:
            yield from _text_slots(child, notes, seen)
            note = notes.get(child.get("href", "")[1:]) if child.tag == "a" else None
            if note is not None and id(note) not in seen and "footnote-ref" in child.get("class", "").split():
                seen.add(id(note))
                yield from _text_slots(note, notes, seen)
        yield child, "tail"


class CitationsExtension(Extension):
    """``[@key]`` -> numbered, linked superscripts plus a References section."""

    def __init__(self, **kwargs: Any) -> None:
        # A parsed Bibliography may be passed directly (tests, scripts); sites give a path.
        given = kwargs.pop("bibliography", "")
        self.config = {
            "bibliography": ["", "BibTeX file; a relative path starts at the folder of the engine's config file"],
            "references_title": ["References", "heading of the list at the end of each page"],
            "bibliography_page": ["bibliography.md", "the page holding the bibliography marker (under docs_dir)"],
            "docs_dir": ["", "page sources for the 'cited on' index when no engine says where they are"],
            "red_flags": ["", "red-flag data file (YAML) whose blocks replace their include lines; relative to the "
                              "folder of the engine's config file"],
            "findings": ["", "each source's recorded findings (YAML): shown under its bibliography entry, and the "
                             "numbers of cited claims are held to them; relative to the engine's config folder"],
        }
        super().__init__(**kwargs)
        self.bibliography: Bibliography | None = given if isinstance(given, Bibliography) else None
        if isinstance(given, str | os.PathLike):
            self.setConfig("bibliography", os.fspath(given))
        self._formatter: ReferenceFormatter | None = None
        self.load_error = ""
        self.state = PageCitations()

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown API)
        md.registerExtension(self)
        # 35: before pymdownx.snippets (32) and whitespace normalisation (30), so the reading grade
        # is measured on what the author wrote, as citation-lint measures it.
        md.preprocessors.register(SourcePreprocessor(md, self), "medcite-source", 35)
        # 34.5: red-flag boxes from the data file, before the include guard (34) and pymdownx.snippets (32)
        # look for files: an include line naming a red-flag block is the data's, never a file.
        md.preprocessors.register(RedFlagPreprocessor(md, lambda: self.getConfig("red_flags")), "medcite-red-flags",
                                  34.5)
        # 34: before pymdownx.snippets (32) reads any file; the error goes in at 29 (see below).
        guard = IncludeGuardPreprocessor(md, self)
        md.preprocessors.register(guard, "medcite-include-guard", 34)
        md.preprocessors.register(IncludeErrorPreprocessor(md, guard), "medcite-include-error", 29)
        # 29: after whitespace normalisation (30), which would strip the placeholder's markers;
        # before raw HTML blocks (20), which would swallow the marker comment.
        md.preprocessors.register(BibliographyPreprocessor(md), "medcite-bibliography", 29)
        # Python-Markdown's own link definitions (same name and priority), minus those that are citations.
        md.parser.blockprocessors.register(CitationAwareReferenceProcessor(md.parser), "reference", 15)
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
        # 7.5: right before abbr (7), after attr_list (8); the references tree processor (6) undoes it.
        md.treeprocessors.register(ShieldPlaceholdersTreeprocessor(md), "medcite-shield", 7.5)

    def reset(self) -> None:
        self.state = PageCitations()

    def load(self) -> Bibliography | None:
        """The bibliography, read through the content-keyed cache (a fresh extension per page is cheap)."""
        if self.bibliography is not None:
            return self.bibliography
        option = str(self.getConfig("bibliography") or "")
        if not option or self.load_error:
            return None
        context = self.state.context
        base = context.site.root_dir if context is not None else os.getcwd()
        path = os.path.join(base, os.path.expanduser(option))
        try:
            bib, _ = load_bibliography(path, os.path.relpath(path, base).replace(os.sep, "/"))  # problems: the linter's
        except BibliographyError as exc:
            # Raising would end a Zensical build in a traceback; every citation shows this reason
            # instead, and citation-lint (the gate before every build) stops with the same message.
            self.load_error = str(exc)
            if self.load_error not in _reported:
                _reported.add(self.load_error)
                log.error("medcite: %s", self.load_error)
            return None
        self.bibliography = bib
        return bib

    @property
    def problem(self) -> str:
        """Why citations cannot be resolved (no bibliography, or one that cannot be read)."""
        return self.load_error or "no bibliography configured"

    @property
    def formatter(self) -> ReferenceFormatter:
        """One formatter per bibliography, shared by the per-page extensions (formatting is the slow part)."""
        if self._formatter is None:
            self._formatter = shared_formatter(self.load())
        return self._formatter


_formatters: Memo[int, tuple[Bibliography | None, ReferenceFormatter]] = Memo(8)


def shared_formatter(bib: Bibliography | None) -> ReferenceFormatter:
    hit = _formatters.peek(id(bib))
    if hit is not None and hit[0] is bib:
        return hit[1]
    # Formatted entries persist between builds (checked on read); saved after the bibliography
    # page, which formats every entry, and at exit for any formatted after it.
    formatter = ReferenceFormatter(FormattedStore() if bib is not None else None)
    _formatters.put(id(bib), (bib, formatter))
    atexit.register(formatter.save)
    return formatter


def makeExtension(**kwargs: Any) -> CitationsExtension:  # noqa: N802 (Markdown API)
    return CitationsExtension(**kwargs)
