"""Source-level findings: one per source, gathered from how every page uses it.

A source that is old or weak is one thing for an editor to look at, however many claims cite
it; listing it once per claim buried everything else (316 ``old-sources`` lines on this site).
Pages record :class:`~medcite.lint.checks.SourceUse` items; this module groups them by source, so it
also works on reports merged from several sharded runs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from ..bib.bibliography import Bibliography
from ..core.model import Finding
from ..core.rules import RULES
from .checks import DocumentReport, LintOptions, SourceUse, filter_findings

PAGES_SHOWN = 3


def _claims(count: int, kind: str = "") -> str:
    return f"{count} {kind + ' ' if kind else ''}claim{'s' if count != 1 else ''}"


def check_sources(reports: Iterable[DocumentReport], bib: Bibliography, options: LintOptions) -> list[Finding]:
    """One finding per (rule, source), located at the source's entry in the bibliography."""
    uses: dict[tuple[str, str], list[tuple[str, SourceUse]]] = defaultdict(list)
    for report in reports:
        for use in report.source_uses:
            for key in use.keys:
                uses[(use.rule, key)].append((report.path, use))
    findings: list[Finding] = []
    for (rule, key), claims in uses.items():
        ref = bib.references.get(key)
        if ref is None or rule not in RULES or RULES[rule].scope != "site":
            continue
        pages = Counter(path for path, _ in claims)
        shown = ", ".join(f"{path} ({count})" for path, count in pages.most_common(PAGES_SHOWN))
        if len(pages) > PAGES_SHOWN:
            shown += f" and {len(pages) - PAGES_SHOWN} more"
        on_pages = f"on {len(pages)} page{'s' if len(pages) != 1 else ''}: {shown}"
        kinds = " or ".join(sorted({use.kind for _, use in claims}))
        if rule == "old-sources":
            age = options.today.year - (ref.year or options.today.year)
            message = (f"'{key}' ({ref.year}, {age} years old) backs {_claims(len(claims))} with no source from the "
                       f"last {options.max_source_age} years, {on_pages}; check for newer evidence")
        elif rule == "weak-evidence":
            message = (f"'{key}' ({ref.evidence}) backs {_claims(len(claims), kinds)} with no stronger source, "
                       f"{on_pages}; prefer a guideline, systematic review or randomised trial")
        else:
            message = (f"'{key}' has no evidence level and backs {_claims(len(claims), kinds)} with no stronger "
                       f"source, {on_pages}; add an 'evidence' field")
        related = tuple(f"{path}:{use.line}:{use.column}" for path, use in sorted(
            claims, key=lambda item: (item[0], item[1].line, item[1].column)))
        findings.append(RULES[rule].finding(bib.path, ref.line, 1, message, text=key, related=related))
    return filter_findings(findings, options)
