"""Find pandoc-style citations (``[@key]``, ``[@a; @b, p. 3]``) in Markdown source.

:func:`parse_citation` is shared by the Markdown extension (rendering) and the linter
(source scanning), so both agree on what a citation is.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator

from ..core.model import Citation, CiteItem
from .codespans import code_spans
from .metadata import FrontMatter, read_front_matter

# Every pattern here runs on text anyone can write, so none may backtrack: a repeat never
# crosses the character that could start another match (a scan from one start stops where the
# next start is), repeats are possessive where they meet, and nothing unbounded is nested.
#
# A citation is a bracket holding, at the start of an item, "@key" or "-@key" (pandoc's forms:
# "[see @a, p. 3; also @b]", "[-@a]"); it is not an inline link ("[@x](…)"), may hold one level of
# brackets ("[@a, p. 3 [fig. 2]]") and escaped characters ("\]" does not close it), and may wrap onto
# the next line (not across a blank line). A backslash before "[" keeps it literal. The units of each
# repeat start with different characters, so a possessive repeat never has to give one back: before
# the first item's "@" (PREFIX) only an "@" that cannot start an item ("a@b") is allowed.
# In the renderer, escapes and code spans already are Python-Markdown placeholders (STX digits ETX,
# STX "klzzwxh:" digits ETX); a citation may hold them. An unclosed one holds no "klzzwxh" placeholder,
# since a rendered citation is one too: it never runs over a citation.


def _citation_body(placeholder: str) -> str:
    escape = rf"\\.|{placeholder}"
    nested = rf"\[(?:{escape}|[^\\\[\]\n\x02]++)*+\]"
    wrap = r"\n(?![ \t]*+\n)"
    prefix = rf"(?:{escape}|[^\\\[\]\n@\x02]++|(?<![\s;\[\-])@|{nested}|{wrap})*+"
    rest = rf"(?:{escape}|[^\\\[\]\n\x02]++|{nested}|{wrap})*+"
    return rf"{prefix}(?<=[\s;\[\-])@{rest}"


_ANY_PLACEHOLDER = r"\x02(?:klzzwxh:)?\d++\x03"
_ESCAPE_PLACEHOLDER = r"\x02\d++\x03"
CITATION_RE = re.compile(rf"(?<!\\)\[(?P<body>{_citation_body(_ANY_PLACEHOLDER)})\](?!\()")
# The same, never closed before the paragraph (or the next lone bracket) ends: shown as an error.
UNCLOSED_RE = re.compile(rf"(?<!\\)\[(?P<body>{_citation_body(_ESCAPE_PLACEHOLDER)})(?!\])")
ITEM_START_RE = re.compile(r"(?:^|(?<=\s))-?@")
# A key as pandoc reads it: a letter, digit or "_", then those or one punctuation mark between two of
# them ("@smith.2004", not the final "." of "@smith."), "://" kept for URLs; or anything but spaces in
# braces ("@{a;key(with)marks}", braces balanced). The rest of the item is its suffix. "@doi:…" keys
# (ours) run to the next space, comma or semicolon, as a DOI may hold any mark.
SIMPLE_KEY_RE = re.compile(r"[^\W]++(?:[:.#$%&\-+?<>~/](?=[^\W])[^\W]*+|[:/](?=/))*+")
DOI_KEY_RE = re.compile(r"(?i:doi):[^\s,;@\[\]]++")
UNCLOSED_PROBLEM = "citation is not closed: add ']'"
FENCE_RE = re.compile(r"^(?P<indent>[ \t]*+)(?P<fence>`{3,}+|~{3,}+)")
ESCAPED_BACKSLASH_RE = re.compile(r"\\\\")
# Places Markdown never renders a citation in: HTML tags and autolinks, image syntax, attr lists. An
# image's alt text is the exception: a citation there is numbered (as pandoc does); see mask_code.
NOT_PROSE_RE = re.compile(r"<[A-Za-z/][^<>\n]*+>|!\[(?P<alt>(?:[^\[\]\n]++|\[[^\[\]\n]*+\])*+)\](?:\([^()\n]*+\))?"
                          r"|\{:?[ \t]*+[#.:\w-][^{}\n=]*+=[^{}\n]*+\}|\{:?[ \t]*+[#.][\w-][^{}\n]*+\}")
LIST_ITEM_RE = re.compile(r"^[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])[ \t]")
CONTAINER_RE = re.compile(r"^[ \t]*+(?:!!!|\?\?\?\+?|///)")


def split_items(body: str) -> list[str]:
    """``;`` separates items, except when escaped, in a code span, in a braced key (``@{a;b}``) or inside
    a locator's brackets."""
    parts, depth, start, index = [], 0, 0, 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            index += 2
            continue
        if char == "{" and index and body[index - 1] == "@":
            close = braced_end(body, index)
            if close is not None:  # a braced key: nothing inside it separates items
                index = close
                continue
        if char == "`":
            run = len(body[index:]) - len(body[index:].lstrip("`"))
            close = body.find("`" * run, index + run)
            if close != -1:  # a code span: skip to its end
                index = close + run
                continue
        if char == "[":
            depth += 1
        elif char == "]" and depth:
            depth -= 1
        elif char == ";" and not depth:
            parts.append(body[start:index])
            start = index + 1
        index += 1
    parts.append(body[start:])
    return parts


def parse_citation(body: str) -> tuple[tuple[CiteItem, ...], str | None]:
    """Split the inside of ``[...]`` into items; the second value explains a malformed one.

    An item is ``[prefix] [-]@key[, locator]`` as in pandoc; the prefix and the locator are kept as
    written (Markdown source), for :mod:`medcite.render.locators` to render.
    """
    items: list[CiteItem] = []
    for number, part in enumerate(split_items(body), start=1):
        text = part.strip()
        if not text:
            return tuple(items), f"empty item {number} in citation"
        start = ITEM_START_RE.search(text)
        if start is None:
            return tuple(items), f"cannot read citation item '{text}' (write '@key' or 'see @key, p. 12')"
        prefix, rest = text[:start.start()].strip(), text[start.start():]
        suppress = rest.startswith("-")
        key, suffix, problem = _read_key(rest.removeprefix("-")[1:])
        if problem:
            return tuple(items), problem
        if key is None:
            return tuple(items), f"cannot read citation item '{text}' (write '@key' or 'see @key, p. 12')"
        if ITEM_START_RE.search(suffix):  # pandoc would read a second, in-text citation here
            return tuple(items), f"cannot read citation item '{text}' (separate two sources with ';')"
        if suffix.strip() == ",":  # a comma and no locator: one was meant and left out
            return tuple(items), f"cannot read citation item '{text}' (write '@key' or 'see @key, p. 12')"
        # The suffix as pandoc reads it: after a comma ("@a, p. 3") or a space ("@a p. 3") it is a
        # locator; one written against the key ("@a." ) stays attached to the number.
        attached = bool(suffix) and not suffix[0].isspace() and suffix[0] != ","
        locator = suffix.strip().removeprefix(",").strip()
        items.append(CiteItem(key=key, locator=locator, prefix=prefix, suppress_author=suppress,
                              attached=attached and bool(locator)))
    return tuple(items), None


MAX_BRACED_KEY = 300  # a longer "key" is not one; the bound keeps scanning linear on "@{@{@{…"


def braced_end(text: str, start: int) -> int | None:
    """The end of the balanced braces opening at ``text[start]`` if they hold no space (pandoc's
    ``@{…}`` key), else None."""
    depth = 0
    for index in range(start, min(len(text), start + MAX_BRACED_KEY)):
        char = text[index]
        if char.isspace():
            return None
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


def _read_key(text: str) -> tuple[str | None, str, str | None]:
    """``(key, suffix, problem)`` for the text after an item's ``@``, read as pandoc reads it."""
    if not text or text[0] in ",;":
        return None, "", "citation has no key after '@'"
    if text[0] == "{":
        close = braced_end(text, 0)
        if close is None:
            return None, "", (f"cannot read the key '@{text.split()[0]}': a key in braces holds no space and is "
                              "closed by '}' (pandoc shows it as plain text)")
        return text[1:close - 1], text[close:], None if close > 2 else "citation has no key in '@{}'"
    match = DOI_KEY_RE.match(text) or SIMPLE_KEY_RE.match(text)
    if match is None or not match.group():
        return None, "", None
    return match.group(), text[match.end():], None


def mask_code(text: str, keep_alt: bool = False) -> str:
    """Blank out the front matter MkDocs takes, fenced code, code spans, HTML comments and what Markdown never
    renders a citation in (tags, images, attribute lists), keeping offsets. ``keep_alt`` keeps an image's alt text,
    where a citation is numbered (not prose for the claim checks, so they leave it out)."""
    return mask_views(text)[1 if keep_alt else 0]


def mask_views(text: str, front: FrontMatter | None = None) -> tuple[str, str]:
    """Both masks of :func:`mask_code` from one pass: (alt text blanked, alt text kept). ``front`` is the text's
    :func:`~medcite.source.metadata.read_front_matter`, when the caller has it (the page model): only the block
    MkDocs takes as front matter is blanked; one it shows as text is checked as text."""
    chars = list(text)

    def blank(start: int, end: int) -> None:
        for index in range(start, end):
            if chars[index] != "\n":
                chars[index] = " "

    blank(*(read_front_matter(text) if front is None else front).hidden)
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
    blocks = "".join(chars)  # where blank lines really are, for code spans
    for pair in ESCAPED_BACKSLASH_RE.finditer(text):  # "\\[@x]" is a backslash, then a citation
        blank(pair.start(), pair.end())
    masked = "".join(chars)
    for start, end in code_spans(masked, blocks):  # paired as Python-Markdown pairs them
        blank(start, end)
    masked = "".join(chars)
    alts = []
    for match in NOT_PROSE_RE.finditer(masked):
        if match["alt"] is not None:  # an image: its alt text is read (with keep_alt), the rest is not
            blank(match.start(), match.start("alt"))
            blank(match.end("alt"), match.end())
            alts.append((match.start("alt"), match.end("alt")))
        else:
            blank(match.start(), match.end())
    with_alt = "".join(chars)
    for start, end in alts:
        blank(start, end)
    return "".join(chars), with_alt


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


def find_citations(markdown: str, masked: str | None = None, index: LineIndex | None = None) -> list[Citation]:
    """Every citation in a Markdown document, outside code, with its source position; one never
    closed is a citation with a problem (the renderer shows it as an error too). ``masked`` and
    ``index`` are the document's, when the caller has them (:class:`medcite.source.document.SourceDocument`)."""
    masked = mask_code(markdown, keep_alt=True) if masked is None else masked
    index = LineIndex(markdown) if index is None else index
    found = []
    for match, unclosed in _matches(masked):
        # Positions come from the masked text; the items are read from the source, as Markdown
        # will render them (a code span inside a locator is still part of the locator).
        items, problem = parse_citation(markdown[match.start("body"):match.end("body")])
        line, column = index.position(match.start())
        end = match.start() + len(markdown[match.start():match.end()].rstrip()) if unclosed else match.end()
        found.append(Citation(raw=markdown[match.start():end], items=items if not unclosed else (),
                              start=match.start(), end=end, line=line, column=column,
                              problem=UNCLOSED_PROBLEM if unclosed else problem))
    return found


def _matches(masked: str) -> list[tuple[re.Match[str], bool]]:
    """Closed citations, then the unclosed ones among the text they leave (as the renderer runs them)."""
    closed = list(CITATION_RE.finditer(masked))
    rest = list(masked)
    for match in closed:
        for offset in range(match.start(), match.end()):
            if rest[offset] != "\n":
                rest[offset] = "\x02"  # what Markdown's placeholder leaves: nothing an unclosed one may cross
    found = [(match, False) for match in closed]
    found += [(match, True) for match in UNCLOSED_RE.finditer("".join(rest))]
    return sorted(found, key=lambda pair: pair[0].start())
