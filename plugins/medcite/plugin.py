"""MkDocs glue for the ``citations`` plugin: call the core, log its findings.

Findings read exactly as ``citation-lint`` prints them (``path:line:col: error: message [rule]``).
Errors are logged at MkDocs' WARNING level, so ``mkdocs build --strict`` fails on them and on
nothing else; warnings and advice at INFO, listed only if the ``show`` option asks for them.
The log ends with the count and then the errors, so they are the last thing an editor sees.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from .baseline import apply_baseline, read_baseline
from .bibliography import Bibliography, BibliographyError, load_bibliography
from .config import CitationsConfig
from .formats import Outcome, count_line
from .lint import DocumentReport, LintOptions, check_bibliography, filter_findings
from .markdown import CitationsExtension
from .metadata import FrontMatter
from .model import Finding, InputError, Reference, decode_utf8
from .render import (
    GRADE_MARKER,
    CitingPage,
    ReferenceFormatter,
    bibliography_html,
    grade_html,
    medical_webpage_jsonld,
    review_html,
)
from .rules import RULES
from .runner import LintRun
from .snippets import base_paths, resolve_includes
from .sources import check_sources

log = get_plugin_logger(__name__)
CSS_URI = "assets/medcite/medcite.css"
H1_END_RE = re.compile(r"</h1>")
BIBLIOGRAPHY_MARKER = '<div class="medcite-bibliography-placeholder"></div>'
TEXT_META = ("title", "description")
JSONLD_META = "medcite_jsonld"
LISTED = {"errors": {"error"}, "warnings": {"error", "warning"}, "all": {"error", "warning", "advice"}}


@dataclass
class PageCitationRecord:
    title: str
    url: str
    refs: list[Reference]


class CitationsPlugin(BasePlugin[CitationsConfig]):
    """Numbered Vancouver citations from a BibTeX file, checked on every build."""

    def __init__(self) -> None:
        self.bibliography: Bibliography | None = None
        self.formatter = ReferenceFormatter()
        self.extension: CitationsExtension | None = None
        self.pages: dict[str, PageCitationRecord] = {}
        self.options = LintOptions()
        self.cited_keys: set[str] = set()
        self.grades: dict[str, float] = {}
        self.project_dir = "."
        self.command = "build"
        self.lint_run: LintRun | None = None
        self.lint_paths: dict[str, str] = {}  # project-relative path -> src_uri
        self.mdx_configs: dict[str, Any] = {}
        self.load_findings: list[Finding] = []

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Forked lint workers only for one-off builds; `mkdocs serve` lints in-process, where the
        # per-page cache makes a rebuild after one edit re-check only that page.
        self.command = command

    # -- configuration -------------------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.project_dir = os.path.dirname(config.config_file_path or ".") or "."
        self.mdx_configs = dict(config.mdx_configs)
        shown = self._relative(self.config.bibliography)
        try:
            bib, findings = load_bibliography(self.config.bibliography, shown)
        except BibliographyError as exc:
            raise PluginError(f"citations: {exc}") from None
        if bib is not self.bibliography:  # a new or changed file: format entries afresh
            self.formatter = ReferenceFormatter()
        self.bibliography = bib
        unknown = sorted(set(self.config.severity) - set(RULES))
        if unknown:
            raise PluginError(f"citations: severity: unknown rule id(s) {', '.join(unknown)}")
        self.options = LintOptions(
            select=frozenset(self.config.select), ignore=frozenset(self.config.ignore),
            readability_target=self.config.readability_target, max_source_age=self.config.max_source_age,
            severity=tuple(sorted(self.config.severity.items())),  # type: ignore[arg-type]  # Choice-checked
        )
        self.load_findings = filter_findings(findings, self.options)  # logged with the rest in on_env
        self.pages = {}
        self.cited_keys = set()
        self.grades = {}
        self.extension = CitationsExtension(
            bibliography=bib, formatter=self.formatter, references_title=self.config.references_title
        )
        config.markdown_extensions.append(self.extension)  # type: ignore[arg-type]
        if CSS_URI not in config.extra_css:
            config.extra_css.append(CSS_URI)
        return config

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(self.config.bibliography)
        return server

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if files.get_file_from_path(self.config.bibliography_page) is None:
            content = "---\ntitle: Bibliography\n---\n\n# Bibliography\n\nEvery source this site cites.\n"
            files.append(File.generated(config, self.config.bibliography_page, content=content))
        css = (Path(__file__).parent / "assets" / "medcite.css").read_text(encoding="utf-8")
        files.append(File.generated(config, CSS_URI, content=css))
        self._start_lint(files)
        return files

    def _start_lint(self, files: Files) -> None:
        """Lint every page's raw source (front matter included: true line numbers) in the background."""
        if self.lint_run is not None:
            self.lint_run.cancel()
        self.lint_run = None
        if not self.config.lint or self.bibliography is None:
            return
        documents = []
        self.lint_paths = {}
        for file in files.documentation_pages():
            if file.generated_by or not file.abs_src_path:
                continue
            path = self._relative(file.abs_src_path)
            self.lint_paths[path] = file.src_uri
            try:  # MkDocs itself would stop on a non-UTF-8 page with a traceback
                documents.append((path, decode_utf8(file.content_bytes, path)))
            except InputError as exc:
                raise PluginError(str(exc)) from None
        # Snippet files the pages include (the shared red-flag blocks) are linted once each, as fragments.
        snippets = (self.mdx_configs.get("pymdownx.snippets") or {}).get("base_path")
        fragments = []
        for include in resolve_includes([text for _, text in documents], base_paths(snippets, Path(self.project_dir))):
            path = self._relative(str(include))
            if path not in self.lint_paths:
                try:
                    fragments.append((path, decode_utf8(include.read_bytes(), path)))
                except (OSError, InputError) as exc:
                    raise PluginError(f"{path}: cannot read included file: {exc}") from None
        documents.extend(fragments)
        options = dataclasses.replace(self.options, fragments=frozenset(path for path, _ in fragments))
        cpus = os.cpu_count() or 1
        background = self.command != "serve" and cpus > 1
        self.lint_run = LintRun(documents, self.bibliography, options, max(1, cpus - 1), background)

    def on_build_error(self, *, error: Exception) -> None:
        if self.lint_run is not None:
            self.lint_run.cancel()
            self.lint_run = None

    # -- pages ---------------------------------------------------------------------------
    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        # YAML reads `title: 2024` as a number; the theme and our pages need text (lint reports it).
        for key in TEXT_META:
            value = page.meta.get(key)
            if value is not None and not isinstance(value, str):
                page.meta[key] = str(value)
        page.meta.pop(JSONLD_META, None)  # only this plugin may set it, never the front matter
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.extension is not None and self.extension.last_page.order:
            self.pages[page.file.src_uri] = PageCitationRecord(
                str(page.title or page.file.src_uri), page.url, list(self.extension.last_page.order)
            )
        if page.file.src_uri == self.config.bibliography_page:
            html += "\n" + BIBLIOGRAPHY_MARKER
        # MkDocs has already read the front matter into page.meta.
        front = FrontMatter(present=True, data=dict(page.meta)) if page.meta else None
        if front is not None and not page.file.generated_by and "last_reviewed" in front.data:
            # The reading grade comes from the lint run; it is filled in at on_page_context.
            box = review_html(front.date("last_reviewed"), front.date("next_review"), None, GRADE_MARKER)
            html = H1_END_RE.sub(lambda m: m.group(0) + "\n" + box, html, count=1) if H1_END_RE.search(html) \
                else box + "\n" + html
            record = self.pages.get(page.file.src_uri)
            page.meta[JSONLD_META] = medical_webpage_jsonld(
                str(page.title or ""), str(page.meta.get("description") or ""), page.canonical_url,
                front.date("last_reviewed"), record.refs if record else [], self.formatter)
        return html

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        """Site-wide checks, once every page is linted: entries never cited, duplicate DOIs, …"""
        # Material prints page titles and descriptions into the HTML unescaped (no autoescape), and
        # every page's title appears in every page's navigation: escape them all before any is shown.
        for file in files.documentation_pages():
            meta = file.page.meta if file.page is not None else {}
            for key in TEXT_META:
                if isinstance(meta.get(key), str) and not isinstance(meta[key], Markup):
                    meta[key] = escape(meta[key])
        if self.lint_run is not None and self.bibliography is not None:
            reports = self.lint_run.reports()
            findings = list(self.load_findings)
            for report in reports:
                findings.extend(report.findings)
                self.cited_keys.update(report.cited_keys)
                if report.readability and report.readability.words >= 100:
                    self.grades[self.lint_paths.get(report.path, report.path)] = report.readability.grade
            self.lint_run = None
            findings.extend(check_bibliography(self.bibliography, self.cited_keys, self.options))
            findings.extend(check_sources(reports, self.bibliography, self.options))
            self._log(findings, reports)
        return env

    def on_page_context(self, context: Any, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        if page.file.src_uri == self.config.bibliography_page and page.content and self.bibliography:
            page.content = page.content.replace(BIBLIOGRAPHY_MARKER, self._bibliography_html(page))
        if page.content and GRADE_MARKER in page.content:
            grade = self.grades.get(page.file.src_uri)
            page.content = page.content.replace(GRADE_MARKER, grade_html(grade) if grade is not None else "")
        return context

    def _bibliography_html(self, page: Page) -> str:
        assert self.bibliography is not None
        cited_on: dict[str, list[CitingPage]] = {}
        for record in sorted(self.pages.values(), key=lambda r: r.title.casefold()):
            for number, ref in enumerate(record.refs, start=1):
                url = get_relative_url(record.url or "./", page.url or "./") + f"#ref-{number}"
                cited_on.setdefault(ref.key, []).append(CitingPage(record.title, url))
        return bibliography_html(self.bibliography, self.formatter, cited_on)

    # -- helpers -------------------------------------------------------------------------
    def _relative(self, path: str) -> str:
        return os.path.relpath(path, self.project_dir).replace(os.sep, "/")

    def _log(self, findings: list[Finding], reports: list[DocumentReport]) -> None:
        """Listed warnings and advice in file order, then the count, then every error."""
        findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
        accepted = stale = 0
        if self.config.baseline:
            try:
                filtered = apply_baseline(findings, read_baseline(Path(self.config.baseline)))
            except InputError as exc:
                raise PluginError(f"citations: baseline: {exc}") from None
            findings, accepted, stale = filtered.findings, filtered.accepted, filtered.stale
        outcome = Outcome(findings, reports, accepted=accepted, stale=stale)
        listed = LISTED[self.config.show]
        for finding in findings:
            if finding.severity != "error" and finding.severity in listed:
                log.info(finding.as_text())
        unlisted = sum(1 for f in findings if f.severity not in listed)
        hint = "; citation-lint lists them all" if unlisted else ""
        errors = [f for f in findings if f.severity == "error"]
        log.info(count_line(outcome, "page") + hint + (":" if errors else ""))
        for finding in errors:
            log.warning(finding.as_text())
