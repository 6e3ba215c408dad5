"""Linting a site, the same way for both front ends (the MkDocs plugin and ``citation-lint``).

1. :func:`with_fragments`: the pages, plus each snippet file they include (pymdownx.snippets), once;
2. :class:`medcite.app.runner.LintRun` lints them (workers, cache);
3. :func:`site_outcome`: the load findings, every page's, the bibliography's and the per-source ones,
   in file order, after the baseline.

The front ends only gather pages their own way and present the :class:`~medcite.app.formats.Outcome`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ..bib.bibliography import Bibliography
from ..bib.findings import Findings
from ..core.model import Finding, decode_utf8, read_regular_file
from ..lint.baseline import apply_baseline, read_baseline
from ..lint.checks import DocumentReport, LintOptions, check_bibliography, filter_findings
from ..lint.numbers import check_numbers
from ..lint.sources import check_sources
from ..source.document import includes_of, read_document
from ..source.snippets import scan_includes
from .formats import Outcome

Document = tuple[str, str]  # (path as shown, text)


def read_text(path: Path, name: str) -> str:
    """A page as UTF-8 text (a regular file only); :class:`InputError` or ``OSError`` if not."""
    return decode_utf8(read_regular_file(path), name)


def with_fragments(documents: Sequence[Document], snippet_bases: Sequence[Path], shown: Callable[[Path], str],
                   options: LintOptions, generated: Sequence[Document] = (),
                   handled: Callable[[str], bool] = lambda name: False) -> tuple[list[Document], LintOptions,
                                                                                 list[Finding]]:
    """The pages, the snippet files they include (followed as pymdownx.snippets would, each once) and the
    ``generated`` text (the red-flag boxes), the last two linted as fragments (no front matter or reading
    grade), with ``options`` telling the linter which are fragments; and a ``bad-include`` finding for every
    include line the build may not read (the file is never opened). Include lines ``handled`` elsewhere (a
    red-flag block) are not files. No ``snippet_bases``: pymdownx.snippets is not in use."""
    included = scan_includes(documents, snippet_bases, shown, handled=handled, lines_of=includes_of)
    pages = {path for path, _ in documents}
    fragments = [*included.fragments, *(doc for doc in generated if doc[0] not in pages)]
    options = dataclasses.replace(options, fragments=frozenset(path for path, _ in fragments))
    return [*documents, *fragments], options, included.findings


def prepare(documents: Sequence[Document], options: LintOptions, stop: Callable[[], bool]) -> int:
    """Read and split pages (front matter, citations, blocks and sentences: what needs no bibliography) in this
    process, in order, until ``stop()``: the linter then finds them done (:func:`medcite.source.document.
    read_document`), here or in the workers it forks. For the time another process takes to load the
    bibliography. Returns how many pages were split."""
    done = 0
    for _, text in documents:
        if stop():
            break
        read_document(text).prose_until(time.monotonic() + options.page_time_limit)
        done += 1
    return done


def site_outcome(reports: list[DocumentReport], bib: Bibliography, options: LintOptions,
                 load_findings: list[Finding], *, whole_site: bool, baseline: Path | None,
                 findings_data: Findings | None = None) -> Outcome:
    """Every finding of the run: entries never cited are only known when ``whole_site`` was linted.
    ``findings_data``: the sources' recorded findings (the extension's ``findings`` file), for
    ``number-not-in-source``; none, and that rule does nothing."""
    cited = set().union(*(r.cited_keys for r in reports)) if whole_site else None
    findings: list[Finding] = filter_findings(load_findings, options) + check_bibliography(bib, cited, options)
    for report in reports:
        findings.extend(report.findings)
    findings.extend(check_sources(reports, bib, options))
    findings.extend(check_numbers(reports, findings_data, options))
    findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
    outcome = Outcome(findings, reports, bib.path, bib.digest, whole_site=whole_site)
    if baseline is not None:
        filtered = apply_baseline(findings, read_baseline(baseline))  # InputError: the adapter says it
        outcome = Outcome(filtered.findings, reports, bib.path, bib.digest, whole_site=whole_site,
                          accepted=filtered.accepted, stale=filtered.stale)
    return outcome
