"""Where each prose block sits on its page, as the labellers saw it: list item or not, the list's lead-in,
the nearest heading above, inside an admonition or not (issue 25, page context).

Read from the page's lines (code masked) and its blocks (:mod:`medcite.source.prose`), without a second
Markdown parse: a block whose first line is a list marker is a list item; its lead-in is the last sentence of
the paragraph just above the list (none when a heading or another list comes first); its heading is the
nearest ATX heading above; it is in an admonition when the indented run it belongs to opens with ``!!!`` or
``???``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..claims.meaning import Context
from ..source.prose import ADMONITION_RE, HEADING_RE, LIST_RE, Block

FENCE_RE = re.compile(r"^\s*(?:```|~~~)")


@dataclass(frozen=True)
class Placed:
    context: Context
    lead_in: tuple[Block, int] | None  # the block holding the lead-in and its sentence index


def _heading_text(line: str) -> str:
    return line.strip().lstrip("#").strip().rstrip("#").strip()


def place_blocks(lines: list[str], blocks: list[Block]) -> dict[int, Placed]:
    """Context of each block, keyed by ``id(block)``."""
    headings: list[tuple[int, str]] = []  # (line number, text)
    fenced = False
    for number, line in enumerate(lines, start=1):
        if FENCE_RE.match(line):
            fenced = not fenced
        elif not fenced and HEADING_RE.match(line):
            headings.append((number, _heading_text(line)))
    heading_lines = [number for number, _ in headings]
    starts = [block.line for block in blocks]
    placed: dict[int, Placed] = {}
    for block in blocks:
        text = lines[block.line - 1] if 0 < block.line <= len(lines) else ""
        at = bisect_right(heading_lines, block.line) - 1
        heading = headings[at][1] if at >= 0 else ""
        item = LIST_RE.match(text) is not None
        lead: tuple[Block, int] | None = None
        if item:
            lead = _lead_in(lines, blocks, starts, block.line)
        lead_text = lead[0].sentences[lead[1]].text if lead is not None else ""
        context = Context(item, lead_text, heading, _in_admonition(lines, block.line))
        placed[id(block)] = Placed(context, lead)
    return placed


def _lead_in(lines: list[str], blocks: list[Block], starts: list[int], line: int) -> tuple[Block, int] | None:
    """The paragraph sentence introducing the list that the item on ``line`` belongs to."""
    number = line - 1
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    while number >= 1:
        text = lines[number - 1]
        stripped = text.strip()
        if not stripped:
            number -= 1
            continue
        current_indent = len(text) - len(text.lstrip())
        if LIST_RE.match(text) or current_indent > indent:
            number -= 1  # an earlier item of the same list, or its continuation
            continue
        if HEADING_RE.match(text) or ADMONITION_RE.match(text):
            return None
        at = bisect_right(starts, number) - 1
        if at < 0:
            return None
        block = blocks[at]
        if LIST_RE.match(lines[block.line - 1]) or not block.sentences:
            return None
        return block, len(block.sentences) - 1
    return None


def _in_admonition(lines: list[str], line: int) -> bool:
    number = line
    while number >= 1:
        text = lines[number - 1]
        if ADMONITION_RE.match(text):
            return True
        if text.strip() and not text.startswith((" ", "\t")):
            return False
        number -= 1
    return False
