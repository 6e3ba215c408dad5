"""The one JSON form of a :class:`~medcite.core.model.Finding`, for everything that stores findings: the
bibliography cache, the lint cache and shard files (``citation-lint --format json``), and the baseline's input.

Optional fields are written only when set. Reading checks every field's type in a fixed order and says
which field is wrong (:class:`CodecError`); each reader decides what a wrong field means (a cache: a miss;
a shard file: a message naming the file and field).
"""

from __future__ import annotations

from typing import Any, get_args

from .errors import MedciteError
from .model import SEVERITIES, Category, Finding

CATEGORIES: tuple[str, ...] = get_args(Category)


class CodecError(MedciteError):
    """``field`` of the stored finding is not ``expected``."""

    def __init__(self, field: str, expected: str) -> None:
        super().__init__(f"{field}: expected {expected}")
        self.field = field
        self.expected = expected


def finding_to_json(finding: Finding) -> dict[str, Any]:
    item: dict[str, Any] = {
        "path": finding.path, "line": finding.line, "column": finding.column, "rule": finding.rule,
        "severity": finding.severity, "category": finding.category, "message": finding.message,
    }
    if finding.claim_kind is not None:
        item["claim_kind"] = finding.claim_kind
    if finding.text is not None:
        item["text"] = finding.text
    if finding.related:
        item["related"] = list(finding.related)
    return item


def _get(data: Any, key: str, kind: type) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise CodecError(key, "a field")
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise CodecError(key, kind.__name__)
    return value


def finding_from_json(data: Any) -> Finding:
    severity, category = _get(data, "severity", str), _get(data, "category", str)
    if severity not in SEVERITIES or category not in CATEGORIES:
        raise CodecError("severity/category", f"one of {', '.join(SEVERITIES)} / {', '.join(CATEGORIES)}")
    kind, text = data.get("claim_kind"), data.get("text")
    if not isinstance(kind, str | None) or not isinstance(text, str | None):
        raise CodecError("claim_kind/text", "a string")
    related: tuple[str, ...] = ()
    if "related" in data:
        values = _get(data, "related", list)
        if not all(isinstance(value, str) for value in values):
            raise CodecError("related", "a list of strings")
        related = tuple(values)
    return Finding(_get(data, "path", str), _get(data, "line", int), _get(data, "column", int),
                   _get(data, "rule", str), severity, category, _get(data, "message", str), kind, text, related)
