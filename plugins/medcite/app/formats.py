"""citation-lint output: text, json, GitHub workflow annotations and SARIF 2.1.0.

Text is for people: every finding once in file order, then a short summary, then the count and
(when anything else was listed) the errors again, so the last lines on screen are what must be
fixed. JSON keeps every page's full report as well, so sharded runs can be merged.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from .. import __version__
from ..core.model import Finding
from ..core.rules import RULES, Rule
from ..lint.baseline import fingerprint
from ..lint.checks import DocumentReport
from ..source.readability import MIN_WORDS_FOR_GRADE
from .shards import FORMAT_VERSION, finding_to_dict, report_to_dict

# What the listing shows: everything, errors only (with the count), or errors only and nothing else.
Show = Literal["all", "errors", "quiet"]


@dataclass
class Outcome:
    """One run (or a merge of shards): findings left after the baseline, and every page's report."""

    findings: list[Finding]
    reports: list[DocumentReport]
    bibliography: str = ""
    digest: str = ""
    shard: tuple[int, int] | None = None
    whole_site: bool = True
    accepted: int = 0  # findings matched by the baseline, not listed
    stale: int = 0  # baseline entries that matched nothing
    counts: Counter[str] = field(init=False)

    def __post_init__(self) -> None:
        self.counts = Counter(f.severity for f in self.findings)

    def listed(self, show: Show) -> list[Finding]:
        return self.findings if show == "all" else [f for f in self.findings if f.severity == "error"]


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 or word == "advice" else f"{count} {word}s"


def count_line(outcome: Outcome, unit: str = "file") -> str:
    c = outcome.counts
    line = (f"{plural(c['error'], 'error')}, {plural(c['warning'], 'warning')} and {plural(c['advice'], 'advice')} "
            f"in {plural(len(outcome.reports), unit)}")
    notes = []
    if outcome.accepted:
        notes.append(f"{outcome.accepted} more accepted in the baseline")
    if outcome.stale:
        notes.append(f"{outcome.stale} baseline entr{'y' if outcome.stale == 1 else 'ies'} fixed: "
                     "refresh it with --write-baseline")
    return line + (f" ({'; '.join(notes)})" if notes else "")


def summary(outcome: Outcome) -> dict[str, Any]:
    return {
        "files": len(outcome.reports),
        "errors": outcome.counts["error"],
        "warnings": outcome.counts["warning"],
        "advice": outcome.counts["advice"],
        "accepted_by_baseline": outcome.accepted,
        "stale_baseline_entries": outcome.stale,
        "by_rule": dict(sorted(Counter(f.rule for f in outcome.findings).items())),
        "pages": {
            r.path: {
                "reading_grade": round(r.readability.grade, 1) if r.readability else None,
                "words": r.readability.words if r.readability else 0,
                "sentences": r.readability.sentences if r.readability else 0,
                "claims": r.claims,
                "cited_claims": r.cited_claims,
                "citations": r.citations,
                "sources": len(r.cited_keys),
            }
            for r in outcome.reports
        },
        "exemptions": [
            {"path": r.path, "line": e.line, "column": e.column, "scope": e.scope, "reason": e.reason}
            for r in outcome.reports for e in r.exemptions
        ],
    }


def _exemptions_line(reports: list[DocumentReport]) -> str | None:
    scopes: dict[str, Counter[str]] = defaultdict(Counter)
    for report in reports:
        for exemption in report.exemptions:
            scopes[report.path][exemption.scope] += 1
    if not scopes:
        return None
    total = sum(sum(c.values()) for c in scopes.values())
    parts = [f"{path} ({', '.join('whole page' if scope == 'page' else plural(n, scope) for scope, n in c.items())})"
             for path, c in sorted(scopes.items())]
    return f"{plural(total, 'exemption')}: {', '.join(parts)}"


def as_text(outcome: Outcome, show: Show = "all") -> str:
    listed = outcome.listed(show)
    lines = [f.as_text() for f in listed]
    if show == "quiet":
        return "\n".join(lines)
    if show == "all":
        exemptions = _exemptions_line(outcome.reports)
        if exemptions:
            lines.append(exemptions)
        grades = [(r.path, r.readability.grade) for r in outcome.reports
                  if r.readability and r.readability.words >= MIN_WORDS_FOR_GRADE]
        if grades:
            worst = max(grades, key=lambda item: item[1])
            lines.append(f"reading grade: {len(grades)} page(s), highest {worst[1]:.1f} ({worst[0]})")
    errors = [f for f in listed if f.severity == "error"]
    if errors and len(errors) < len(listed):
        lines.append(count_line(outcome) + "; the errors again:")
        lines.extend(f.as_text() for f in errors)
    else:
        lines.append(count_line(outcome))
    return "\n".join(lines)


def as_json(outcome: Outcome, show: Show = "all") -> str:
    data = {
        "version": FORMAT_VERSION,
        "tool": {"name": "citation-lint", "version": __version__},
        "run": {"bibliography": {"path": outcome.bibliography, "digest": outcome.digest},
                "shard": list(outcome.shard) if outcome.shard else None, "whole_site": outcome.whole_site},
        "findings": [{**finding_to_dict(f), "fingerprint": fingerprint(f)} for f in outcome.listed(show)],
        "summary": summary(outcome),
        "reports": [report_to_dict(r) for r in outcome.reports],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


GITHUB_LEVELS = {"error": "error", "warning": "warning", "advice": "notice"}
SARIF_LEVELS = {"error": "error", "warning": "warning", "advice": "note"}


def as_github(outcome: Outcome, show: Show = "all") -> str:
    lines = [
        f"::{GITHUB_LEVELS[f.severity]} file={_gh_escape(f.path, True)},line={f.line},col={f.column},"
        f"title={_gh_escape(f.rule, True)}::{_gh_escape(f.message)}"
        for f in outcome.listed(show)
    ]
    lines.append(f"citation-lint: {count_line(outcome)}")
    return "\n".join(lines)


def _sarif_location(where: str) -> dict[str, Any]:
    path, _, rest = where.rpartition(":")
    path, _, line = path.rpartition(":")
    return {"physicalLocation": {"artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
                                 "region": {"startLine": max(1, int(line)), "startColumn": max(1, int(rest))}}}


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    """A rule's SARIF metadata, from the registry: its summary and its default level."""
    return {"id": rule.id, "shortDescription": {"text": rule.summary},
            "defaultConfiguration": {"level": SARIF_LEVELS[rule.severity]},
            "properties": {"category": rule.category, "scope": rule.scope}}


def as_sarif(outcome: Outcome, show: Show = "all") -> str:
    rule_ids = sorted(RULES)
    results = []
    for f in outcome.listed(show):
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": SARIF_LEVELS[f.severity],
            "message": {"text": f.message},
            "locations": [_sarif_location(f.location())],
            "partialFingerprints": {"citationLint/v1": fingerprint(f)},
            "properties": {"category": f.category, "severity": f.severity,
                           **({"claimKind": f.claim_kind} if f.claim_kind else {})},
        }
        if f.rule in RULES:
            result["ruleIndex"] = rule_ids.index(f.rule)
        if f.related:
            result["relatedLocations"] = [{"id": i, **_sarif_location(where)} for i, where in enumerate(f.related)]
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "citation-lint",
                "version": __version__,
                "informationUri": "https://example.org/back-hip-thigh/about/how-we-check-sources/",
                "rules": [_sarif_rule(RULES[rule]) for rule in rule_ids],
            }},
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


FORMATTERS = {"text": as_text, "json": as_json, "github": as_github, "sarif": as_sarif}
