"""Find pandoc-style citations (``[@key]``, ``[@a; @b, p. 3]``) in Markdown source.

:func:`parse_citation` is shared by the Markdown extension (rendering) and the linter
(source scanning), so both agree on what a citation is.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator

from .model import Citation, CiteItem

# Every pattern here runs on text anyone can write, so none may backtrack: a repeat never
# crosses the character that could start another match (a scan from one start stops where the
# next start is), repeats are possessive where they meet, and nothing unbounded is nested.
#
# A bracket whose content starts with "@" and that is not an inline link ("[@x](…)"); it may
# wrap onto the next line (not across a blank line). A backslash before "[" keeps it literal.
CITATION_RE = re.compile(r"(?<!\\)\[(?P<body>\s*+@(?:[^\[\]\n]++|\n(?![ \t]*+\n))*+)\](?!\()")
ITEM_RE = re.compile(r"^@(?P<key>[^\s,;@\[\]]++)(?:\s*+,\s*+(?P<locator>\S.*+))?$", re.DOTALL)
FENCE_RE = re.compile(r"^(?P<indent>[ \t]*+)(?P<fence>`{3,}+|~{3,}+)")
CODE_SPAN_RE = re.compile(r"(?<![\\`])(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)", re.DOTALL)
ESCAPED_BACKSLASH_RE = re.compile(r"\\\\")
# Places Markdown never renders a citation in: HTML tags and autolinks, image syntax, attr lists.
NOT_PROSE_RE = re.compile(r"<[A-Za-z/][^<>\n]*+>|!\[(?:[^\[\]\n]++|\[[^\[\]\n]*+\])*+\](?:\([^()\n]*+\))?"
                          r"|\{:?[ \t]*+[#.:\w-][^{}\n=]*+=[^{}\n]*+\}|\{:?[ \t]*+[#.][\w-][^{}\n]*+\}")
LIST_ITEM_RE = re.compile(r"^[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])[ \t]")
CONTAINER_RE = re.compile(r"^[ \t]*+(?:!!!|\?\?\?\+?|///)")
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def parse_citation(body: str) -> tuple[tuple[CiteItem, ...], str | None]:
    """Split the inside of ``[...]`` into items; the second value explains a malformed one."""
    items: list[CiteItem] = []
    for number, part in enumerate(body.split(";"), start=1):
        text = part.strip()
        if not text:
            return tuple(items), f"empty item {number} in citation"
        match = ITEM_RE.match(text)
        if not match:
            if text == "@" or text.startswith("@,"):
                return tuple(items), "citation has no key after '@'"
            return tuple(items), f"cannot read citation item '{text}' (write '@key' or '@key, p. 12')"
        items.append(CiteItem(key=match["key"], locator=(match["locator"] or "").strip()))
    return tuple(items), None


def mask_code(text: str) -> str:
    """Blank out front matter, fenced code, code spans and HTML comments, keeping offsets."""
    chars = list(text)

    def blank(start: int, end: int) -> None:
        for index in range(start, end):
            if chars[index] != "\n":
                chars[index] = " "

    front = FRONT_MATTER_RE.match(text)
    if front:
        blank(0, front.end())
    for pair in ESCAPED_BACKSLASH_RE.finditer(text):  # "\\[@x]" is a backslash, then a citation
        blank(pair.start(), pair.end())
    offset, fence, fence_start = 0, "", 0
    for line in text.splitlines(keepends=True):
        match = FENCE_RE.match(line)
        if fence:
            if match and match["fence"][0] == fence[0] and len(match["fence"]) >= len(fence) \
                    and not line[match.end():].strip():
                blank(fence_start, offset + len(line))
                fence = ""
        elif match and not (match["fence"][0] == "`" and "`" in line[match.end():]):
            fence, fence_start = match["fence"], offset
        offset += len(line)
    if fence:  # an unclosed fence runs to the end of the document, as in CommonMark
        blank(fence_start, len(text))
    _mask_indented_code(text, blank)
    masked = "".join(chars)
    for start, end in comment_spans(masked):
        blank(start, end)
    masked = "".join(chars)
    for pattern in (CODE_SPAN_RE, NOT_PROSE_RE):
        for match in pattern.finditer(masked):
            blank(match.start(), match.end())
        masked = "".join(chars)
    return masked


def comment_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every HTML comment, in one pass: an unclosed ``<!--`` runs to the end."""
    position = 0
    while (start := text.find("<!--", position)) != -1:
        close = text.find("-->", start + 4)
        end = len(text) if close == -1 else close + 3
        yield start, end
        position = end


def _mask_indented_code(text: str, blank: Callable[[int, int], None]) -> None:
    """Indented code blocks: 4+ spaces (or a tab) after a blank line, outside lists and admonitions."""
    offset, previous_blank, context_line, in_code = 0, True, "", False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        indented = line.startswith(("    ", "\t"))
        if in_code and (indented or not stripped):
            blank(offset, offset + len(line))
        elif indented and previous_blank and stripped and not (
                LIST_ITEM_RE.match(context_line) or CONTAINER_RE.match(context_line)
                or context_line.startswith(("    ", "\t"))):  # 1-3 spaces still start a paragraph
            in_code = True
            blank(offset, offset + len(line))
        else:
            in_code = False
        if stripped:
            if not in_code:
                context_line = line
            previous_blank = False
        else:
            previous_blank = True
        offset += len(line)


class LineIndex:
    """Offsets -> 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def find_citations(markdown: str, masked: str | None = None) -> list[Citation]:
    """Every citation in a Markdown document, outside code, with its source position."""
    masked = mask_code(markdown) if masked is None else masked
    index = LineIndex(markdown)
    found = []
    for match in CITATION_RE.finditer(masked):
        # Positions come from the masked text; the items are read from the source, as Markdown
        # will render them (a code span inside a locator is still part of the locator).
        items, problem = parse_citation(markdown[match.start("body"):match.end("body")])
        line, column = index.position(match.start())
        found.append(Citation(raw=markdown[match.start():match.end()], items=items, start=match.start(),
                              end=match.end(), line=line, column=column, problem=problem))
    return found
