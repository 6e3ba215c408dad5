"""Markdown source -> prose blocks -> sentences, keeping true source positions.

Skips front matter, headings, code, HTML, tables' separator rows, link-only and image-only
lines, abbreviation and link definitions. Sentences come from syntok, a real segmenter
(abbreviations such as "e.g.", "et al.", "approx." and decimals do not split).
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import syntok.segmenter as syntok

from .citations import CITATION_RE, LineIndex, comment_spans, mask_code, parse_citation

HEADING_RE = re.compile(r"^\s{0,3}#{1,6}(?:\s|$)")
SETEXT_RE = re.compile(r"^\s{0,3}(?:=++|-++)\s*+$")
RULE_RE = re.compile(r"^\s{0,3}(?:(?:-\s*+){3,}+|(?:\*\s*+){3,}+|(?:_\s*+){3,}+)$")
ADMONITION_RE = re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s")
LIST_RE = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d{1,3}[.)])\s+")
QUOTE_RE = re.compile(r"^\s*(?:>\s?)+")
HTML_LINE_RE = re.compile(r"^\s*</?[A-Za-z][^>]*>\s*$|^\s*<(?:div|figure|figcaption|table|details|summary|svg|"
                          r"img|p|section|aside|span|br|hr)\b", re.IGNORECASE)
TABLE_SEP_RE = re.compile(r"^\s*+\|?\s*+:?-{2,}+:?\s*+(?:\|\s*+:?-{2,}+:?\s*+)*+\|?\s*+$")
DEFINITION_RE = re.compile(r"^\s*\*?\[[^\]]+\]:\s")
# None of these may backtrack (see citations.py): repeats stop where another match could start.
ONLY_LINK_RE = re.compile(r"^\s*+(?:(?:[-*+]|\d{1,3}[.)])\s++)?(?:!?\[[^\[\]]*+\]\([^()]*+\)\s*+(?:[,;.]\s*+)?)++$")
LINK_RE = re.compile(r"!?\[(?P<text>[^\]\[]*+)\]\((?P<url>[^()\[\]\s]*+)(?:\s++\"[^\"()\[\]]*+\")?\)")
IMAGE_RE = re.compile(r"!\[[^\[\]]*+\]\([^()]*+\)")
MARKUP_RE = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|<[^<>\n]++>|\{[:#.][^{}\n]*+\}|\[\^[^\[\]]++\]")
CELL_RE = re.compile(r"(?:\\.|[^|\\])++")  # a table cell: "\|" does not end it (code spans are masked)
# Matched inside one HTML comment (found by citations.comment_spans), never across the page.
EXEMPT_RE = re.compile(r"<!--\s*+no-cite\b(?P<colon>:?)(?P<reason>.*)-->\Z", re.DOTALL)


@dataclass(frozen=True)
class Exemption:
    line: int
    column: int
    reason: str
    scope: str  # "block" (marker on its own line, for the block after it) or "sentence"


@dataclass
class Sentence:
    text: str  # cleaned: citations and markup removed
    raw: str  # as in the source (links reduced to their text)
    line: int
    column: int
    cited: bool
    cite_keys: tuple[str, ...]
    exemption: Exemption | None = None
    # Each bracketed citation of the sentence: where it stood in ``text`` (the offset of the character it came
    # before) and the keys it cites, in order. The number-not-in-source rule holds a figure against the
    # sources of the citation that follows it.
    cites: tuple[tuple[int, tuple[str, ...]], ...] = ()


@dataclass
class Block:
    """A paragraph, list item, table cell or admonition paragraph."""

    line: int
    sentences: list[Sentence] = field(default_factory=list)
    exemption: Exemption | None = None

    @property
    def cited(self) -> bool:
        return any(s.cited for s in self.sentences)


@dataclass
class Document:
    blocks: list[Block]
    exemptions: list[Exemption]
    stopped_at: int | None = None  # the line of the first block left unread when the deadline passed

    def sentences(self) -> Iterator[tuple[Block, Sentence]]:
        for block in self.blocks:
            for sentence in block.sentences:
                yield block, sentence


def _clean_for_segmenter(text: str) -> str:
    """Length-preserving: links -> their text, images/markup -> spaces (offsets stay valid)."""
    text = IMAGE_RE.sub(lambda m: " " * len(m.group(0)), text)
    text = LINK_RE.sub(lambda m: m["text"] + " " * (len(m.group(0)) - len(m["text"])), text)
    return MARKUP_RE.sub(lambda m: " " * len(m.group(0)), text)


def parse_document(source: str, deadline: float | None = None, masked: str | None = None,
                   index: LineIndex | None = None) -> Document:
    """The page's prose blocks and sentences; past ``deadline`` (a ``time.monotonic()`` value) the
    remaining blocks are left unsplit, and ``stopped_at`` says where. ``masked`` and ``index``: the
    page's, when the caller has them (:class:`medcite.source.document.SourceDocument`)."""
    masked = mask_code(source) if masked is None else masked
    index = LineIndex(source) if index is None else index
    exemptions: list[Exemption] = []
    block_markers: dict[int, Exemption] = {}  # marker line -> exemption for the next block
    inline_markers: list[tuple[int, Exemption]] = []  # (offset, exemption)
    for start, end in comment_spans(source):
        match = EXEMPT_RE.match(source, start, end)
        if not match:
            continue
        line, column = index.position(start)
        reason = match["reason"].strip() if match["colon"] else ""
        line_text = source[index.starts[line - 1]:].split("\n", 1)[0]
        alone = line_text.strip() == match.group(0).strip()
        exemption = Exemption(line, column, reason, "block" if alone else "sentence")
        exemptions.append(exemption)
        if alone:
            block_markers[line] = exemption
        else:
            inline_markers.append((start, exemption))

    blocks: list[Block] = []
    # A marker on its own line covers the Markdown block after it: every paragraph, list item
    # or table cell up to the next blank line.
    pending_marker: Exemption | None = None
    marker_used = False
    current: list[tuple[int, int, str]] = []  # (line, start offset of kept text, text)
    stopped_at: int | None = None

    def flush() -> None:
        nonlocal current, marker_used, stopped_at
        if current and stopped_at is None and deadline is not None and time.monotonic() > deadline:
            stopped_at = current[0][0]
        if current and stopped_at is None:
            block = _make_block(current, source, inline_markers, index)
            if pending_marker is not None:
                block.exemption = pending_marker
                marker_used = True
            if block.sentences:
                blocks.append(block)
        current = []

    offset = 0
    for number, text in enumerate(masked.split("\n"), start=1):
        start = offset
        offset += len(text) + 1
        if number in block_markers:
            flush()
            pending_marker, marker_used = block_markers[number], False
            continue
        stripped = text.strip()
        if not stripped:
            flush()
            if marker_used:
                pending_marker, marker_used = None, False
            continue
        if SETEXT_RE.match(text) and len(current) == 1:
            current = []  # the previous text was a setext heading
            continue
        if (HEADING_RE.match(text) or ADMONITION_RE.match(text) or RULE_RE.match(text) or HTML_LINE_RE.match(text)
                or DEFINITION_RE.match(text) or TABLE_SEP_RE.match(text) or ONLY_LINK_RE.match(text)):
            flush()
            continue
        if stripped.startswith("|") and stripped.endswith("|"):
            flush()
            cell_start = text.index("|")
            for cell in CELL_RE.finditer(text[cell_start:]):
                if cell.group(0).strip():
                    current = [(number, start + cell_start + cell.start(), cell.group(0))]
                    flush()
            continue
        item = LIST_RE.match(text)
        if item:
            flush()
            current.append((number, start + item.end(), text[item.end():]))
            continue
        quote = QUOTE_RE.match(text)
        cut = quote.end() if quote else len(text) - len(text.lstrip())
        current.append((number, start + cut, text[cut:]))
    flush()
    return Document(blocks, exemptions, stopped_at)


def _make_block(lines: list[tuple[int, int, str]], source: str, inline_markers: list[tuple[int, Exemption]],
                index: LineIndex) -> Block:
    # Join the lines with single spaces, remembering where each character came from.
    text_parts: list[str] = []
    origins: list[int] = []
    for _, start, text in lines:
        if text_parts:
            text_parts.append(" ")
            origins.append(origins[-1] + 1 if origins else start)
        text_parts.append(text)
        origins.extend(range(start, start + len(text)))
    text = "".join(text_parts)
    cleaned = _clean_for_segmenter(text)
    cites = list(CITATION_RE.finditer(cleaned))
    cite_starts = [m.start() for m in cites]  # sorted: each sentence finds its own by bisection
    block = Block(line=lines[0][0])
    starts: list[int] = []
    # The segmenter does not need to see citations (brackets cost it time); blank them, keeping offsets.
    spans = _sentence_spans(CITATION_RE.sub(lambda m: " " * len(m.group(0)), cleaned))
    for number, (start, end) in enumerate(spans):
        raw = cleaned[start:end]
        # A sentence's citations: those in it, and those after it up to the next sentence (the segmenter
        # never saw them: a citation ending a table cell or list item with no full stop after it).
        following = spans[number + 1][0] if number + 1 < len(spans) else len(cleaned)
        inside = cites[bisect_left(cite_starts, start):bisect_left(cite_starts, following)]
        # Items are read from the source, as the page renders them: a locator's code span or autolink
        # is blanked in the cleaned text, and an empty locator would make the citation unreadable.
        groups = [tuple(item.key for item in parse_citation(
                      source[origins[m.start("body")]:origins[m.end("body") - 1] + 1]
                      if m.end("body") > m.start("body") else "")[0]) for m in inside]
        keys = tuple(key for group in groups for key in group)
        plain = _plain(raw)
        if not LETTER_RE.search(plain):
            continue
        # Where each citation stood in the plain text: the length of the plain text before it.
        places = tuple((len(_plain(cleaned[start:m.start()])) if m.start() < end else len(plain), group)
                       for m, group in zip(inside, groups, strict=True) if group)
        first = origins[start]
        line, column = index.position(first)
        block.sentences.append(Sentence(plain, " ".join(raw.split()), line, column, bool(keys), keys,
                                        cites=places))
        starts.append(first)
    # An inline marker exempts the sentence it stands in or right after.
    block_end = origins[-1] if origins else 0
    if starts:  # the markers are in page order: only those from the block's first sentence to its end + 80
        first = bisect_left(inline_markers, starts[0], key=lambda marker: marker[0])
        last = bisect_right(inline_markers, block_end + 80, key=lambda marker: marker[0])
        for offset, exemption in inline_markers[first:last]:
            block.sentences[bisect_right(starts, offset) - 1].exemption = exemption
    return block


SPACE_BEFORE_PUNCTUATION_RE = re.compile(r"\s+([.,;:!?])")
LETTER_RE = re.compile(r"[A-Za-z]")
# Runs of white space, but not a no-break, thin or narrow no-break space parting a number's digit groups
# ("1\u00a0000"): the number rule reads that as one number (medcite.core.quantities.GROUP_SPACES).
SPACES_RE = re.compile(r"(?:(?!(?<=\d)[\u00a0\u2009\u202f]\d{3}(?!\d))\s)+")


def _plain(raw: str) -> str:
    """A sentence's words as the checks read them: citations out, spaces folded, none before punctuation."""
    plain = SPACES_RE.sub(" ", CITATION_RE.sub(" ", raw)).strip()
    return SPACE_BEFORE_PUNCTUATION_RE.sub(r"\1", plain)


# Where a sentence could end: terminal punctuation, closing quotes/brackets, space, a capital.
POSSIBLE_BOUNDARY_RE = re.compile(r"[.!?][\"'’”)\]]*\s+[\"'‘“(\[]*[A-Z0-9]")


@lru_cache(maxsize=8192)  # a shared block (red flags, disclaimers) is segmented once per process
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    if not POSSIBLE_BOUNDARY_RE.search(text):  # one sentence: no need to run the segmenter
        stripped = text.strip()
        if not stripped:
            return ()
        start = len(text) - len(text.lstrip())
        return ((start, start + len(stripped)),)
    spans: list[tuple[int, int]] = []
    for paragraph in syntok.analyze(text):
        for sentence in paragraph:
            tokens = [t for t in sentence if t.value]
            if tokens:
                spans.append((tokens[0].offset, tokens[-1].offset + len(tokens[-1].value)))
    return tuple(spans)
