"""Find pandoc-style citations (``[@key]``, ``[@a; @b, p. 3]``) in Markdown source.

:func:`parse_citation` is shared by the Markdown extension (rendering) and the linter
(source scanning), so both agree on what a citation is.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .model import Citation, CiteItem

# A bracket whose content starts with "@" and that is not a link ("[@x](…)", "[@x][ref]").
# A backslash before "[" keeps it literal.
CITATION_RE = re.compile(r"(?<!\\)\[(?P<body>\s*@[^\[\]\n]*)\](?![(\[])")
ITEM_RE = re.compile(r"^@(?P<key>[^\s,;@\[\]]+)(?:\s*,\s*(?P<locator>\S.*?))?\s*$", re.DOTALL)
FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
CODE_SPAN_RE = re.compile(r"(?<![\\`])(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)", re.DOTALL)
HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
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
    masked = "".join(chars)
    for pattern in (HTML_COMMENT_RE, CODE_SPAN_RE):
        for match in pattern.finditer(masked):
            blank(match.start(), match.end())
        masked = "".join(chars)
    return masked


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
        items, problem = parse_citation(match["body"])
        line, column = index.position(match.start())
        found.append(Citation(raw=match.group(0), items=items, start=match.start(), end=match.end(),
                              line=line, column=column, problem=problem))
    return found
