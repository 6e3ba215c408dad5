"""Front matter of an article: title, description, review dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..core.errors import MedciteError

FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
REQUIRED_TEXT = ("title", "description")
REQUIRED_DATES = ("last_reviewed", "next_review")
MAX_REVIEW_INTERVAL_DAYS = 3 * 365 + 1  # three years, allowing one leap day
MAX_DEPTH = 50  # front matter is a few keys; deeper nesting would only exhaust PyYAML's recursion
MAX_VALUES = 10_000  # values once YAML aliases are expanded ("billion laughs": 10**9 from ten lines)
NESTING = {yaml.FlowSequenceStartToken: 1, yaml.FlowMappingStartToken: 1, yaml.BlockSequenceStartToken: 1,
           yaml.BlockMappingStartToken: 1, yaml.FlowSequenceEndToken: -1, yaml.FlowMappingEndToken: -1,
           yaml.BlockEndToken: -1}


class NestedTooDeepError(MedciteError):
    def __init__(self, line: int, problem: str = f"nested more than {MAX_DEPTH} levels deep") -> None:
        super().__init__(problem)
        self.line = line


@dataclass
class FrontMatter:
    present: bool
    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    error_line: int = 1

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
    match = FRONT_MATTER_RE.match(source)
    if not match:
        return FrontMatter(present=False)
    body = match["body"] or ""
    lines: dict[str, int] = {}
    for number, line in enumerate(body.splitlines(), start=2):
        key = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if key:
            lines.setdefault(key.group(1), number)
    try:
        _check_depth(body)
        _check_size(body)
        data = yaml.safe_load(body) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return FrontMatter(present=True, lines=lines, error=f"front matter is not valid YAML: {problem}",
                           error_line=line)
    except NestedTooDeepError as exc:
        return FrontMatter(present=True, lines=lines, error=f"front matter is not valid YAML: {exc}",
                           error_line=exc.line)
    except (ValueError, OverflowError, RecursionError) as exc:  # a value YAML cannot build: 2026-02-30
        line, problem = _unbuildable_value(body, exc)
        return FrontMatter(present=True, lines=lines, error=f"front matter is not valid YAML: {problem}",
                           error_line=line)
    if not isinstance(data, dict):
        return FrontMatter(present=True, lines=lines, error="front matter must be a mapping of keys to values")
    return FrontMatter(present=True, data=data, lines=lines)


def _check_depth(body: str) -> None:
    """Raise NestedTooDeepError where the nesting passes MAX_DEPTH; PyYAML's scanner is a loop (its parser
    and constructor recurse), so this sees any depth in one pass."""
    depth = 0
    for token in yaml.scan(body, Loader=yaml.SafeLoader):
        depth += NESTING.get(type(token), 0)
        if depth > MAX_DEPTH:
            raise NestedTooDeepError(token.start_mark.line + 2)


def _unbuildable_value(body: str, exc: Exception) -> tuple[int, str]:
    """(line, problem) of the scalar PyYAML parsed but could not build (a date like 2026-02-30)."""
    problem = f"{exc}" or type(exc).__name__
    loader = yaml.SafeLoader("")
    try:
        nodes = [yaml.compose(body, Loader=yaml.SafeLoader)]
        while nodes:
            node = nodes.pop()
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


def _check_size(body: str) -> None:
    """Raise NestedTooDeepError at the first top-level value that, with its aliases expanded, holds
    more than MAX_VALUES values, or holds itself: printing or walking it would never end. Counted on
    the node graph, once per node, so the count itself is quick."""
    root = yaml.compose(body, Loader=yaml.SafeLoader)
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
