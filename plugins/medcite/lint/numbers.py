"""Site-wide: every number of a cited claim held against its sources' recorded findings (``findings.yml``).

Pages record their cited claims that give a number (:class:`~medcite.lint.checks.NumberClaim`); the findings
file is read once per run and applied here, so a page's cached report never depends on it. The matching rules
are :mod:`medcite.core.quantities`'; :func:`medcite.bib.findings.check_sentence` applies them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from ..bib.findings import Findings, check_sentence, parse_findings
from ..core.model import Finding, InputError, decode_utf8, read_regular_file
from ..core.quantities import read_quantities
from ..core.rules import RULES
from .checks import DocumentReport, LintOptions, filter_findings


def load_findings(path: Path, shown: str, known_keys: Collection[str]) -> tuple[Findings | None, list[Finding]]:
    """The findings file, and an ``invalid-findings`` finding for each problem in it (a file that cannot be
    read is one, at line 1); never raises."""
    try:
        text = decode_utf8(read_regular_file(path), shown)
    except InputError as exc:
        return None, [RULES["invalid-findings"].finding(shown, exc.line, 1, exc.message)]
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return None, [RULES["invalid-findings"].finding(shown, 1, 1, f"cannot read the findings file: {reason}")]
    data = parse_findings(text, known_keys=set(known_keys))
    problems = [RULES["invalid-findings"].finding(shown, p.line, p.column, p.message) for p in data.problems]
    return data, problems


def check_numbers(reports: Sequence[DocumentReport], findings: Findings | None,
                  options: LintOptions | None = None) -> list[Finding]:
    """``number-not-in-source`` for each number no recorded figure of the cited sources supports;
    ``source-findings-missing`` once per sentence whose number cannot be checked. No findings: nothing."""
    if findings is None:
        return []
    out: list[Finding] = []
    for report in reports:
        for claim in report.numbers:
            quantities = read_quantities(claim.text)
            for problem in check_sentence(quantities, claim.keys, findings.by_key, claim.cites, claim.text):
                out.append(RULES[problem.rule].finding(report.path, claim.line, claim.column, problem.message,
                                                       text=claim.text))
    return filter_findings(out, options) if options is not None else out
