"""Front matter of an article: where it is (the one front-matter grammar), and its title, description and
review dates.

:func:`read_front_matter` says, for a page's text, where its front matter is, with MkDocs' semantics
(``mkdocs.utils.meta.get_data``; ProperDocs' copy is the same): every user (the linter's metadata checks,
the masking in :func:`medcite.source.citations.mask_views`, the page model's title) reads it from here.

MkDocs' rule, reproduced here:

- A block between a ``---`` line and the next ``---`` or ``...`` line (spaces or tabs after either) at the
  very top, with at least one line between them and a line break after the closing line (``FRONT_MATTER_RE``,
  MkDocs' ``YAML_RE``), is front matter only if its YAML reads as a mapping. Broken YAML, a list, a scalar, an
  empty block or only comments: MkDocs shows the whole block as text (a rule, then often a heading).
- Without that block, ``key: value`` lines at the very top (MultiMarkdown metadata) are read as metadata and
  not shown, up to a blank line or the first line that is not one (``META_RE``, ``META_MORE_RE``).
- The text is the file read as UTF-8 with a byte-order mark dropped and line endings made LF, as MkDocs reads
  a file in text mode (:func:`medcite.core.model.decode_utf8`); ``\r\n`` reaching the pattern would not match.

Where the engines differ (Zensical 0.0.73, tried on one-page sites; MkDocs 1.6 and ProperDocs 1.6 agree):

- a block MkDocs shows as text because it is empty, only comments, a list, a scalar or broken YAML:
  Zensical stops the build ("metadata must contain exactly one YAML document", "metadata root must be a
  mapping", or the YAML error);
- a closing ``---`` that is the file's last line, with no line break after it: Zensical takes the block as
  front matter, MkDocs shows it as text;
- a date that does not exist (``2026-02-30``): Zensical takes the block (the date as text), MkDocs shows it
  as text (PyYAML fails to build the date);
- MultiMarkdown ``key: value`` lines: Zensical shows them as text, MkDocs hides them;
- old Mac line endings (CR alone): Zensical does not read front matter there, MkDocs does.

What the linter makes of it: a block MkDocs takes is masked (nothing in it is prose or a citation); a block
MkDocs shows as text stays in the checked text (its citations are live on the page, and are checked), and
``error`` says why it is not front matter (``invalid-front-matter`` at that line: Zensical fails on most of
these). MultiMarkdown lines are not masked either, as Zensical shows them: the linter asks for YAML front
matter instead. Where the linter parts from MkDocs on purpose: a mapping that PyYAML could read but that our
hardening refuses (nesting deeper than ``MAX_DEPTH``, more than ``MAX_VALUES`` values through aliases, a value
holding itself) is front matter with an error and no data, where MkDocs would take its data; its text is still
hidden, as MkDocs hides it; but a block that MkDocs would show as text all the same (its root is not a
mapping, its YAML breaks further on, or a value cannot be built: a date like 2026-02-30) is shown as text here
too. The one case not seen: a value that cannot be built in a mapping nested deeper than ``MAX_DEPTH``.
MkDocs loads with libyaml when present (``CSafeLoader``, as PyYAML's wheels have it), we with PyYAML's pure
Python ``SafeLoader`` (for its error marks), and then, when PyYAML took a mapping, with libyaml too: libyaml
refuses a few blocks PyYAML takes (a lone surrogate, ``"\\ud800"``), and MkDocs shows those as text. Past that,
both build the same data, as far as the differential test (``tests/test_front_matter.py``) goes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import yaml

from ..core.errors import MedciteError

# MkDocs' YAML_RE: the opening line, at least one line, the closing line and the line break after it.
FRONT_MATTER_RE = re.compile(r"\A-{3}[ \t]*\n(?P<body>.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
# A block meant as front matter that MkDocs' pattern does not match, for the message only: nothing between
# the fences, or the closing line last in the file with no line break after it.
FENCED_RE = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)?(?:---|\.\.\.)[ \t]*\Z|\A---[ \t]*\n(?:---|\.\.\.)[ \t]*\n",
                       re.DOTALL)
# MultiMarkdown metadata, as MkDocs reads it without the block: "key: value", continued by indented lines.
META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
META_MORE_RE = re.compile(r"^(?:[ ]{4}|\t)\s*(?P<value>.*)")
REQUIRED_TEXT = ("title", "description")
REQUIRED_DATES = ("last_reviewed", "next_review")
MAX_REVIEW_INTERVAL_DAYS = 3 * 365 + 1  # three years, allowing one leap day
MAX_DEPTH = 50  # front matter is a few keys; deeper nesting would only exhaust PyYAML's recursion
MAX_VALUES = 10_000  # values once YAML aliases are expanded ("billion laughs": 10**9 from ten lines)
# The loader MkDocs uses when PyYAML has libyaml (its wheels do): it decides, with PyYAML's, what is front matter.
LIBYAML_LOADER: type | None = getattr(yaml, "CSafeLoader", None)


class NestedTooDeepError(MedciteError):
    def __init__(self, line: int, problem: str = f"nested more than {MAX_DEPTH} levels deep") -> None:
        super().__init__(problem)
        self.line = line
        self.mapping = True  # whether the block's root is a mapping (MkDocs shows anything else as text)


@dataclass
class FrontMatter:
    """Where a page's front matter is and what it holds.

    ``present``: the page opens with front matter or a block meant as one (``style`` says which kind);
    ``end``: where the content starts as MkDocs reads the page, so ``text[:end]`` is what MkDocs hides (0 when
    it shows the whole text); ``body``: the text between the fences; ``data`` and ``lines`` (each key's line),
    or ``error`` and ``error_line`` when the block is not front matter MkDocs takes, or the hardening refused it.
    """

    present: bool
    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    error_line: int = 1
    style: Literal["yaml", "multimarkdown", ""] = ""
    end: int = 0
    body: str = ""
    last_line: int = 0  # the last line of MultiMarkdown metadata

    @property
    def span(self) -> tuple[int, int]:
        """``(0, end)``: the characters MkDocs takes as front matter and does not render."""
        return 0, self.end

    @property
    def hidden(self) -> tuple[int, int]:
        """What the linter masks: the YAML block MkDocs takes. MultiMarkdown lines stay in the checked text,
        as Zensical shows them."""
        return (0, self.end) if self.style == "yaml" else (0, 0)

    def date(self, key: str) -> dt.date | None:
        value = self.data.get(key)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                return None
        return None


def read_front_matter(source: str) -> FrontMatter:
    """Where ``source``'s front matter is, with MkDocs' semantics (module docstring), and what it holds."""
    match = FRONT_MATTER_RE.match(source)
    if not match:
        fenced = FENCED_RE.match(source)
        if fenced:
            return _not_matched(source, fenced)
        return _multimarkdown(source)
    body = match["body"]
    yaml_block = partial(FrontMatter, present=True, lines=_key_lines(body), style="yaml", body=body)
    not_mapping = partial(yaml_block, error="front matter must be a mapping of keys to values (MkDocs shows this "
                                            "block as text)")
    events: list[yaml.Event] = []
    try:
        root = _check_depth(body, events)
    except yaml.YAMLError as exc:
        return yaml_block(error=f"front matter is not valid YAML: {_problem(exc)}", error_line=_mark_line(exc))
    except NestedTooDeepError as exc:
        if not exc.mapping:  # MkDocs shows a list or scalar as text, however deep
            return not_mapping(error_line=2)
        try:
            _parses_as_mkdocs_does(body)
        except yaml.YAMLError as broken:  # broken further on: MkDocs shows it as text
            return yaml_block(error=f"front matter is not valid YAML: {_problem(broken)}",
                              error_line=_mark_line(broken))
        # MkDocs would take it (libyaml builds it): hidden, as MkDocs hides it
        return yaml_block(error=f"front matter is not valid YAML: {exc}", error_line=exc.line, end=match.end())
    try:
        # Aliases build shared objects, so a "billion laughs" block builds quickly: only walking it would not
        # end, and _check_size refuses it below once it is known that MkDocs would take it.
        node = _Replay(events).get_single_node()  # once: built here (from the events parsed), measured by _check_size
        data = yaml.SafeLoader("").construct_document(node) if node is not None else None
        if LIBYAML_LOADER is not None and isinstance(data, dict):
            yaml.load(body, Loader=LIBYAML_LOADER)  # what MkDocs loads with: it refuses lone surrogates
    except yaml.YAMLError as exc:
        return yaml_block(error=f"front matter is not valid YAML: {_problem(exc)}", error_line=_mark_line(exc))
    except (ValueError, OverflowError, RecursionError) as exc:  # a value YAML cannot build: 2026-02-30
        line, problem = _unbuildable_value(body, exc)
        return yaml_block(error=f"front matter is not valid YAML: {problem}", error_line=line)
    if data is None:
        return yaml_block(error="front matter is empty: write title, description, last_reviewed and next_review "
                                "between the '---' lines (MkDocs shows an empty block as text)")
    if not isinstance(data, dict):
        return not_mapping(error_line=root)
    try:
        if node is not None:
            _check_size(node)
    except NestedTooDeepError as exc:  # MkDocs takes it: hidden, as MkDocs hides it, but its data is not ours
        return yaml_block(error=f"front matter is not valid YAML: {exc}", error_line=exc.line, end=match.end())
    return yaml_block(data=data, end=match.end())


def _not_matched(source: str, fenced: re.Match[str]) -> FrontMatter:
    """A block meant as front matter that MkDocs does not match: it shows it as text."""
    body = fenced["body"] or ""
    block = partial(FrontMatter, present=True, lines=_key_lines(body), style="yaml", body=body)
    if not body.strip():
        return block(error="front matter is empty: write title, description, last_reviewed and next_review "
                           "between the '---' lines (MkDocs shows an empty block as text)")
    return block(error="the front matter's closing line needs a line break after it: without one MkDocs shows "
                       "the block as text", error_line=source.count("\n") + 1)


def _multimarkdown(source: str) -> FrontMatter:
    """MultiMarkdown metadata at the top (no '---' block), read as MkDocs reads it: up to a blank line (which
    it takes too) or the first line that is neither ``key: value`` nor an indented continuation."""
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    key = None
    end = last_line = 0
    for number, line in enumerate(source.split("\n"), start=1):
        if line.strip() == "":
            end += len(line) + 1
            break
        meta = META_RE.match(line)
        more = META_MORE_RE.match(line) if meta is None else None
        if meta:
            key = meta["key"].lower().strip()
            value = meta["value"].strip()
            data[key] = f"{data[key]} {value}" if key in data else value
            lines.setdefault(key, number)
        elif more and key:
            data[key] += f" {more['value'].strip()}"
        else:
            break
        end += len(line) + 1
        last_line = number
    end = min(end, len(source))
    if not data:
        return FrontMatter(present=False)
    return FrontMatter(present=True, data=data, lines=lines, style="multimarkdown", end=end,
                       last_line=last_line)


def _key_lines(body: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(body.splitlines(), start=2):
        key = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if key:
            lines.setdefault(key.group(1), number)
    return lines


def _problem(exc: yaml.YAMLError) -> str:
    return getattr(exc, "problem", None) or str(exc).splitlines()[0]


def _mark_line(exc: yaml.YAMLError) -> int:
    mark = getattr(exc, "problem_mark", None)
    return mark.line + 2 if mark is not None else 1


def _check_depth(body: str, events: list[yaml.Event] | None = None) -> int:
    """The line the block's root value starts on; NestedTooDeepError where the nesting passes MAX_DEPTH
    (``mapping``: whether the root is one), or PyYAML's error if the block does not parse. PyYAML's parser is
    a loop (its composer and constructor recurse), so this sees any depth in one pass; it stops at MAX_DEPTH,
    as parsing deeper flow nesting takes time growing with the square of the depth. The events parsed are added
    to ``events``, for :class:`_Replay` to compose without parsing the block again."""
    depth, root = 0, None
    for event in yaml.parse(body, Loader=yaml.SafeLoader):
        if events is not None:
            events.append(event)
        if root is None and isinstance(event, yaml.NodeEvent):
            root = event
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                too_deep = NestedTooDeepError(_line(event))
                too_deep.mapping = isinstance(root, yaml.MappingStartEvent)
                raise too_deep
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return _line(root) if root is not None else 2


class _Replay(yaml.composer.Composer, yaml.resolver.Resolver):
    """PyYAML's composer (and SafeLoader's resolver) fed the events :func:`_check_depth` parsed, in order:
    ``yaml.compose(body, Loader=yaml.SafeLoader)``'s node without a second parse of the block."""

    def __init__(self, events: list[yaml.Event]) -> None:
        yaml.composer.Composer.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._events = events
        self._next = 0

    def check_event(self, *choices: type) -> bool:
        if self._next >= len(self._events):
            return False
        return not choices or isinstance(self._events[self._next], choices)

    def peek_event(self) -> yaml.Event | None:
        return self._events[self._next] if self._next < len(self._events) else None

    def get_event(self) -> yaml.Event | None:
        event = self.peek_event()
        self._next += 1
        return event


def _line(event: yaml.Event) -> int:
    """The page line an event of the block starts on (the block starts on the page's line 2)."""
    return event.start_mark.line + 2 if event.start_mark is not None else 2


def _parses_as_mkdocs_does(body: str) -> None:
    """Raise the YAMLError libyaml (MkDocs' loader) finds parsing the block, if any; events only: a loop in C,
    as quick as MkDocs' own load."""
    if LIBYAML_LOADER is not None:
        for _ in yaml.parse(body, Loader=LIBYAML_LOADER):
            pass


def _unbuildable_value(body: str, exc: Exception) -> tuple[int, str]:
    """(line, problem) of the scalar PyYAML parsed but could not build (a date like 2026-02-30)."""
    problem = f"{exc}" or type(exc).__name__
    loader = yaml.SafeLoader("")
    try:
        nodes = [yaml.compose(body, Loader=yaml.SafeLoader)]
        seen: set[int] = set()  # each node once: aliases would make the walk a "billion laughs"
        while nodes:
            node = nodes.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, yaml.ScalarNode):
                try:
                    loader.construct_object(node)
                except (ValueError, OverflowError) as bad:
                    return node.start_mark.line + 2, f"'{node.value}' cannot be read: {bad}"
            elif isinstance(node, yaml.SequenceNode):
                nodes.extend(reversed(node.value))
            elif isinstance(node, yaml.MappingNode):
                nodes.extend(item for pair in reversed(node.value) for item in reversed(pair))
    except (yaml.YAMLError, RecursionError, ValueError):
        pass
    return 1, problem


def _check_size(root: yaml.Node) -> None:
    """Raise NestedTooDeepError at the first top-level value that, with its aliases expanded, holds
    more than MAX_VALUES values, or holds itself: printing or walking it would never end. Counted on
    the node graph, once per node, so the count itself is quick."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, line: int) -> int:
        known = sizes.get(id(node))
        if known is not None:
            if known < 0:
                raise NestedTooDeepError(line, "a value holds itself (a YAML alias inside its own anchor)")
            return known
        sizes[id(node)] = -1  # in progress: met again below, it holds itself
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [item for pair in node.value for item in pair]
        total = 1 + sum(size(child, line) for child in children)
        sizes[id(node)] = total
        return total

    if not isinstance(root, yaml.MappingNode):
        return
    total = 0
    for key, value in root.value:
        total += size(key, key.start_mark.line + 2) + size(value, key.start_mark.line + 2)
        if total > MAX_VALUES:
            raise NestedTooDeepError(key.start_mark.line + 2, f"more than {MAX_VALUES:,} values once its aliases "
                                                              "are expanded")
