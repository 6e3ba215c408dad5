"""citation-lint output: text, json, GitHub workflow annotations and SARIF 2.1.0."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from typing import Any

from . import __version__
from .lint import DocumentReport
from .model import Finding
from .rules import RULES


def summary(findings: list[Finding], reports: list[DocumentReport]) -> dict[str, Any]:
    severities = Counter(f.severity for f in findings)
    return {
        "files": len(reports),
        "errors": severities["error"],
        "warnings": severities["warning"],
        "by_rule": dict(sorted(Counter(f.rule for f in findings).items())),
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
            for r in reports
        },
        "exemptions": [
            {"path": r.path, "line": e.line, "column": e.column, "scope": e.scope, "reason": e.reason}
            for r in reports for e in r.exemptions
        ],
    }


def as_text(findings: list[Finding], reports: list[DocumentReport]) -> str:
    lines = [f"{f.location()}: {f.severity}: {f.message} [{f.rule}]" for f in findings]
    info = summary(findings, reports)
    if info["exemptions"]:
        lines.append(f"{len(info['exemptions'])} exemption(s):")
        lines.extend(f"  {e['path']}:{e['line']}: {e['scope']}: {e['reason'] or '(no reason)'}"
                     for e in info["exemptions"])
    grades = [(p, v["reading_grade"]) for p, v in info["pages"].items() if v["words"] >= 100]
    if grades:
        worst = max(grades, key=lambda item: item[1] or 0)
        lines.append(f"reading grade: {len(grades)} page(s), highest {worst[1]} ({worst[0]})")
    lines.append(f"{info['errors']} error(s), {info['warnings']} warning(s) in {info['files']} file(s)")
    return "\n".join(lines)


def as_json(findings: list[Finding], reports: list[DocumentReport]) -> str:
    items = []
    for f in findings:
        item = asdict(f)
        if item["claim_kind"] is None:
            del item["claim_kind"]
        if item["text"] is None:
            del item["text"]
        items.append(item)
    return json.dumps({"findings": items, "summary": summary(findings, reports)}, indent=2, ensure_ascii=False)


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def as_github(findings: list[Finding], reports: list[DocumentReport]) -> str:
    lines = [
        f"::{f.severity} file={_gh_escape(f.path, True)},line={f.line},col={f.column},"
        f"title={_gh_escape(f.rule, True)}::{_gh_escape(f.message)}"
        for f in findings
    ]
    info = summary(findings, reports)
    lines.append(f"citation-lint: {info['errors']} error(s), {info['warnings']} warning(s) in {info['files']} file(s)")
    return "\n".join(lines)


def as_sarif(findings: list[Finding], reports: list[DocumentReport]) -> str:
    rule_ids = sorted(RULES)
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": rule_ids.index(f.rule) if f.rule in RULES else -1,
            "level": f.severity,
            "message": {"text": f.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": max(1, f.line), "startColumn": max(1, f.column)},
                }
            }],
            **({"properties": {"category": f.category, "claimKind": f.claim_kind}} if f.claim_kind else
               {"properties": {"category": f.category}}),
        }
        for f in findings
    ]
    for result in results:
        if result["ruleIndex"] == -1:
            del result["ruleIndex"]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "citation-lint",
                "version": __version__,
                "informationUri": "https://example.org/back-hip-thigh/about/how-we-check-sources/",
                "rules": [{"id": rule, "shortDescription": {"text": RULES[rule]}} for rule in rule_ids],
            }},
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


FORMATTERS = {"text": as_text, "json": as_json, "github": as_github, "sarif": as_sarif}
