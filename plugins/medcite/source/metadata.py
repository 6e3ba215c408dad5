"""Front matter of an article: title, description, review dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
REQUIRED_TEXT = ("title", "description")
REQUIRED_DATES = ("last_reviewed", "next_review")
MAX_REVIEW_INTERVAL_DAYS = 3 * 365 + 1  # three years, allowing one leap day


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
        data = yaml.safe_load(body) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return FrontMatter(present=True, lines=lines, error=f"front matter is not valid YAML: {problem}",
                           error_line=line)
    if not isinstance(data, dict):
        return FrontMatter(present=True, lines=lines, error="front matter must be a mapping of keys to values")
    return FrontMatter(present=True, data=data, lines=lines)
