"""A baseline of accepted findings, so CI on a large existing site fails only on new ones.

A finding is matched by a fingerprint of its file, its rule and its normalised subject (the
sentence, paragraph or source it is about; otherwise its message with numbers masked), never its
line: adding a paragraph above an accepted finding does not make it new. The baseline counts
each fingerprint, so a second identical problem in the same file is still reported.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..core.model import Finding, InputError, read_json_file

VERSION = 1
NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")


def fingerprint(finding: Finding) -> str:
    """Stable across line moves and re-wrapping: path + rule + normalised subject."""
    subject = finding.text if finding.text else NUMBER_RE.sub("#", finding.message)
    subject = " ".join(subject.casefold().split())
    digest = hashlib.sha256("\0".join((finding.path, finding.rule, subject)).encode("utf-8"))
    return digest.hexdigest()[:20]


@dataclass
class Filtered:
    """What is left after the baseline: new findings, how many were accepted, stale entries."""

    findings: list[Finding]
    accepted: int
    stale: int


def read_baseline(path: Path) -> Counter[str]:
    """Fingerprint counts from a baseline file; a file that is not one is an :class:`InputError`."""
    shown = path.as_posix()
    data = read_json_file(path, "baseline file not found (write one with --write-baseline)",
                          "cannot read the baseline", "not a citation-lint baseline")
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
        raise InputError(shown, 1, f"not a citation-lint baseline (version {VERSION} with a 'findings' list)")
    counts: Counter[str] = Counter()
    for item in data["findings"]:
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
            raise InputError(shown, 1, "every baseline entry needs a 'fingerprint' string")
        count = item.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise InputError(shown, 1, f"baseline entry {item['fingerprint']!r}: 'count' must be a positive integer")
        counts[item["fingerprint"]] += count
    return counts


def apply_baseline(findings: Iterable[Finding], accepted: Counter[str]) -> Filtered:
    left = Counter(accepted)
    fresh: list[Finding] = []
    matched = 0
    for finding in findings:
        key = fingerprint(finding)
        if left[key] > 0:
            left[key] -= 1
            matched += 1
        else:
            fresh.append(finding)
    return Filtered(fresh, matched, sum(left.values()))


def baseline_json(findings: Iterable[Finding]) -> str:
    """Every finding, grouped by fingerprint, with its rule, file and message for the reader of a diff."""
    first: dict[str, Finding] = {}
    counts: Counter[str] = Counter()
    for finding in findings:
        key = fingerprint(finding)
        first.setdefault(key, finding)
        counts[key] += 1
    entries = [{"fingerprint": key, "path": f.path, "rule": f.rule, "severity": f.severity, "message": f.message,
                "count": counts[key]} for key, f in sorted(first.items(), key=lambda kv: (kv[1].path, kv[1].rule,
                                                                                           kv[0]))]
    return json.dumps({"version": VERSION, "tool": "citation-lint", "findings": entries}, indent=2,
                      ensure_ascii=False) + "\n"
