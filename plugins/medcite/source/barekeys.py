"""``@key`` written without brackets: pandoc would read it as an in-text citation, we never convert
it (an email address or a handle must stay as written) but report it when it names an entry of the
bibliography, so the author can write ``[@key]``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..core.model import Citation

# "@" at the start of a word (not in an email, a URL path or a handle such as x@y, nor after an
# escaped bracket: "\[@key]" is literal on purpose), then a key's
# characters; bounded, one character class: no backtracking to speak of.
BARE_KEY_RE = re.compile(r"(?<![\w.@\\/:+\-])(?<!\\\[)@(?P<key>\w[^\s,;@\[\]()<>\"'`*]{0,200})")
TRAILING = ".:!?"


@dataclass(frozen=True)
class BareKey:
    key: str
    start: int  # offset of the "@"


def find_bare_keys(masked: str, citations: Sequence[Citation], known: Callable[[str], bool]) -> Iterable[BareKey]:
    """``@key`` outside code and outside bracketed citations, for keys that ``known`` accepts."""
    spans = sorted((cite.start, cite.end) for cite in citations)
    index = 0
    for match in BARE_KEY_RE.finditer(masked):
        while index < len(spans) and spans[index][1] <= match.start():
            index += 1
        if index < len(spans) and spans[index][0] <= match.start() < spans[index][1]:
            continue
        key = match["key"].rstrip(TRAILING)
        if key and known(key):
            yield BareKey(key, match.start())
