"""All checks, as functions returning :class:`Finding` lists: the one source of truth
for ``citation-lint`` and the MkDocs plugin."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .bibliography import Bibliography
from .citations import find_citations, mask_code
from .model import Citation, Finding


@dataclass(frozen=True)
class LintOptions:
    select: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    readability_target: float = 8.0
    max_source_age: int = 10

    def wants(self, rule: str) -> bool:
        return (not self.select or rule in self.select) and rule not in self.ignore


@dataclass
class DocumentReport:
    """What linting one Markdown file found, and what it cites."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    cited_keys: set[str] = field(default_factory=set)


def check_document(path: str, text: str, bib: Bibliography, options: LintOptions) -> DocumentReport:
    report = DocumentReport(path)
    masked = mask_code(text)
    report.citations = find_citations(text, masked)
    for cite in report.citations:
        report.findings.extend(_check_citation(path, cite, bib, report.cited_keys))
    report.findings = filter_findings(report.findings, options)
    return report


def _check_citation(path: str, cite: Citation, bib: Bibliography, cited: set[str]) -> Iterable[Finding]:
    if cite.problem:
        yield Finding(path, cite.line, cite.column, "malformed-citation", "error", "citation",
                      f"{cite.problem}: {cite.raw}")
    for item in cite.items:
        ref = bib.resolve(item.key)
        if ref is None:
            yield Finding(path, cite.line, cite.column, "unknown-key", "error", "citation",
                          f"unknown citation key '{item.key}'")
        else:
            cited.add(ref.key)


def filter_findings(findings: Iterable[Finding], options: LintOptions) -> list[Finding]:
    return [f for f in findings if options.wants(f.rule)]
