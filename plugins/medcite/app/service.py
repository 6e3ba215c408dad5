"""Linting a site, the same way for both front ends (the MkDocs plugin and ``citation-lint``).

1. :func:`with_fragments`: the pages, plus each snippet file they include (pymdownx.snippets), once;
2. :class:`medcite.app.runner.LintRun` lints them (workers, cache);
3. :func:`site_outcome`: the load findings, every page's, the bibliography's and the per-source ones,
   in file order, after the baseline.

The front ends only gather pages their own way and present the :class:`~medcite.app.formats.Outcome`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

from ..bib.bibliography import Bibliography
from ..core.errors import MedciteError
from ..core.model import Finding, InputError, decode_utf8, read_regular_file
from ..lint.baseline import apply_baseline, read_baseline
from ..lint.checks import DocumentReport, LintOptions, check_bibliography, filter_findings
from ..lint.sources import check_sources
from ..source.document import includes_of
from ..source.snippets import resolve_includes
from .formats import Outcome

Document = tuple[str, str]  # (path as shown, text)


class IncludeError(MedciteError):
    """A snippet file a page includes cannot be read; the message names it."""


def read_text(path: Path, name: str) -> str:
    """A page or snippet as UTF-8 text (a regular file only); :class:`InputError` or ``OSError`` if not."""
    return decode_utf8(read_regular_file(path), name)


def with_fragments(documents: Sequence[Document], snippet_bases: Sequence[Path], shown: Callable[[Path], str],
                   options: LintOptions) -> tuple[list[Document], LintOptions]:
    """The pages and the snippet files they include (each once, linted as fragments: no front matter or
    reading grade), with ``options`` telling the linter which are fragments."""
    pages = {path for path, _ in documents}
    fragments: list[Document] = []
    for include in resolve_includes([text for _, text in documents], snippet_bases, includes_of):
        name = shown(include)
        if name in pages:
            continue
        try:
            fragments.append((name, read_text(include, name)))
        except InputError as exc:
            raise IncludeError(str(exc)) from None
        except OSError as exc:
            raise IncludeError(f"{name}: cannot read: {exc.strerror}") from None
    options = dataclasses.replace(options, fragments=frozenset(path for path, _ in fragments))
    return [*documents, *fragments], options


def site_outcome(reports: list[DocumentReport], bib: Bibliography, options: LintOptions,
                 load_findings: list[Finding], *, whole_site: bool, baseline: Path | None) -> Outcome:
    """Every finding of the run: entries never cited are only known when ``whole_site`` was linted."""
    cited = set().union(*(r.cited_keys for r in reports)) if whole_site else None
    findings: list[Finding] = filter_findings(load_findings, options) + check_bibliography(bib, cited, options)
    for report in reports:
        findings.extend(report.findings)
    findings.extend(check_sources(reports, bib, options))
    findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
    outcome = Outcome(findings, reports, bib.path, bib.digest, whole_site=whole_site)
    if baseline is not None:
        filtered = apply_baseline(findings, read_baseline(baseline))  # InputError: the adapter says it
        outcome = Outcome(filtered.findings, reports, bib.path, bib.digest, whole_site=whole_site,
                          accepted=filtered.accepted, stale=filtered.stale)
    return outcome
