"""MkDocs (and ProperDocs) glue for the ``citations`` plugin: only what MkDocs alone offers.

What readers see comes from the ``medcite`` Markdown extension (see :mod:`medcite.engine.extension`), so
the site renders the same under Zensical, which runs no plugins. This plugin adds the checks
of citation-lint to the build, fails a strict build on error-level findings itself (MkDocs
drops warnings below the log level before counting them, so ``mkdocs build -q --strict`` would
otherwise pass), watches the bibliography in ``mkdocs serve``, and tells the extension which
page it is rendering.

Findings read exactly as ``citation-lint`` prints them (``path:line:col: error: message [rule]``).
Errors are logged at MkDocs' WARNING level, so ``mkdocs build --strict`` fails on them and on
nothing else; warnings and advice at INFO, listed only if the ``show`` option asks for them.
The log ends with the count and then the errors, so they are the last thing an editor sees.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import reprlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, StructureItem
from mkdocs.structure.pages import Page

from ...app.formats import Outcome, count_line
from ...app.project import EXTENSION_NAMES
from ...app.runner import LintRun
from ...app.service import site_outcome, with_fragments
from ...app.settings import Settings, SettingsError
from ...bib.bibliography import Bibliography, BibliographyError, load_bibliography
from ...bib.findings import Findings
from ...claims.classify import ready
from ...core.errors import MedciteError
from ...core.identifiers import placeholder_notice
from ...core.model import Finding, InputError, decode_utf8
from ...engine import pageparts
from ...engine.context import EngineContextExtension, PageInfo
from ...engine.pageparts import BIBLIOGRAPHY_MARKER, JSONLD_META_KEY, TEXT_META, shown_grade
from ...lint.checks import LintOptions
from ...lint.numbers import load_findings as load_recorded
from ...lint.redflagcheck import lint_documents, load_for_lint, red_flag_block_names
from ...render.html import GRADE_MARKER, grade_html
from ...source.document import read_document
from ...source.snippets import appended_problems, base_paths, config_line, source_problem
from .config import CitationsConfig

log = get_plugin_logger(__name__)
MAX_ERRORS_SHOWN = 10
LISTED = {"errors": {"error"}, "warnings": {"error", "warning"}, "all": {"error", "warning", "advice"}}


def _read_text(path: str | None) -> str:
    try:
        return Path(path).read_text(encoding="utf-8") if path else ""
    except (OSError, UnicodeDecodeError):
        return ""


class CitationsPlugin(BasePlugin[CitationsConfig]):
    """Numbered Vancouver citations from a BibTeX file, checked on every build."""

    def __init__(self) -> None:
        self.bibliography: Bibliography | None = None
        self.bibliography_path = ""
        self.bibliography_page = "bibliography.md"
        self.settings = Settings.from_mapping({})
        self.options = LintOptions()
        self.cited_keys: set[str] = set()
        self.errors: list[Finding] = []
        self.project_dir = "."
        self.docs_dir = "docs"
        self.config_file = "mkdocs.yml"
        self.command = "build"
        self.context: EngineContextExtension | None = None
        self.lint_run: LintRun | None = None
        self.lint_sources: dict[str, tuple[str, str]] = {}  # src_uri -> (project-relative path, text linted)
        self.rendering: dict[str, PageInfo] = {}  # src_uri -> what the extension was told (and left to fill in)
        self.mdx_configs: dict[str, Any] = {}
        self.snippets = False
        self.load_findings: list[Finding] = []
        self.recorded: Findings | None = None  # the extension's ``findings`` file, for number-not-in-source

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Forked lint workers only for one-off builds; `mkdocs serve` lints in-process, where the
        # per-page cache makes a rebuild after one edit re-check only that page.
        self.command = command

    # -- configuration -------------------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.project_dir = os.path.dirname(config.config_file_path or ".") or "."
        self.docs_dir = config.docs_dir
        self.config_file = config.config_file_path or "mkdocs.yml"
        self.errors = []
        self.cited_keys = set()
        try:
            self.settings = Settings.from_mapping(dict(self.config))
        except SettingsError as exc:
            raise PluginError(f"citations: {exc}") from None
        options = self._extension_options(config)
        self.mdx_configs = dict(config.mdx_configs)
        self.snippets = "pymdownx.snippets" in config.markdown_extensions
        path = self._bibliography_path(options)
        self.bibliography_path = path
        self.bibliography_page = str(options.get("bibliography_page") or self.settings.bibliography_page)
        try:
            bib, findings = load_bibliography(path, self._relative(path))
        except BibliographyError as exc:
            raise PluginError(f"citations: {exc}") from None
        self.bibliography = bib
        self.options = self.settings.lint_options()
        red_flags = str(options.get("red_flags") or "")
        if red_flags:  # the boxes come from the extension; the plugin lints pages against the same data
            path = os.path.normpath(os.path.join(self.project_dir, os.path.expanduser(red_flags)))
            data, problems = load_for_lint(Path(path), self._relative(path))
            findings = findings + problems
            self.options = dataclasses.replace(self.options, red_flags=data)
            if data is not None and path not in config.watch:
                config.watch.append(path)  # `mkdocs serve` rebuilds when a sign changes
        try:
            ready(self.options.claims)  # a damaged claim model is a clear error naming its file
        except MedciteError as exc:
            raise PluginError(f"citations: {exc}") from None
        self.recorded = None
        recorded = str(options.get("findings") or "")
        if recorded:  # the bibliography page shows them (extension); the site-wide check holds numbers to them
            path = os.path.normpath(os.path.join(self.project_dir, os.path.expanduser(recorded)))
            self.recorded, problems = load_recorded(Path(path), self._relative(path), bib.references)
            findings = findings + problems
            if path not in config.watch:
                config.watch.append(path)  # `mkdocs serve` rebuilds when a finding changes
        self.load_findings = findings  # logged with the rest after the build
        notice = placeholder_notice(config.site_url or "", _read_text(config.config_file_path),
                                    self._relative(config.config_file_path or "mkdocs.yml"))
        if notice:  # INFO: a preview or a draft build must not fail on it; publishing needs it set. A config
            # notice, not a finding: said in the plugin's name, apart from the one line that counts findings.
            logging.getLogger("mkdocs.plugins.citations").info("citations: warning: %s", notice)
        self.context = EngineContextExtension({
            "root_dir": self.project_dir, "docs_dir": config.docs_dir, "site_url": config.site_url or "",
        })
        config.markdown_extensions.append(self.context)  # type: ignore[arg-type]
        return config

    def _extension_options(self, config: MkDocsConfig) -> dict[str, Any]:
        """The ``medcite`` extension's options; added with the plugin's own when only the plugin is set."""
        for name in EXTENSION_NAMES:
            if name in config.markdown_extensions:
                return config.mdx_configs.setdefault(name, {})
        if not self.settings.bibliography:
            raise PluginError("citations: no bibliography; set it on the Markdown extension: "
                              "markdown_extensions: [{medcite: {bibliography: references.bib}}]")
        config.markdown_extensions.append("medcite")
        options = config.mdx_configs["medcite"] = {
            "bibliography": self.settings.bibliography, "references_title": self.settings.references_title,
            "bibliography_page": self.settings.bibliography_page,
        }
        return options

    def _bibliography_path(self, options: dict[str, Any]) -> str:
        given = str(options.get("bibliography") or "")
        if not given:
            raise PluginError("citations: the medcite Markdown extension has no 'bibliography' option")
        path = os.path.normpath(os.path.join(self.project_dir, os.path.expanduser(given)))
        if self.settings.bibliography and os.path.normpath(self.settings.bibliography) != path:
            raise PluginError(f"citations: the plugin's bibliography ({self._relative(self.settings.bibliography)}) "
                              f"is not the extension's ({self._relative(path)}); set it in one place")
        return path

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(self.bibliography_path)
        return server

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if files.get_file_from_path(self.bibliography_page) is None:
            content = f"---\ntitle: Bibliography\n---\n\n# Bibliography\n\n{BIBLIOGRAPHY_MARKER}\n"
            files.append(File.generated(config, self.bibliography_page, content=content))
        self._start_lint(files)
        return files

    def _start_lint(self, files: Files) -> None:
        """Lint every page's raw source (front matter included: true line numbers) in the background.

        First, every file under docs_dir must be a regular file inside the project, and every include
        line one the build may read: MkDocs would hang on a FIFO or publish what a symlink points to,
        and pymdownx.snippets would stop in a traceback. Each is a build error naming the file."""
        if self.lint_run is not None:
            self.lint_run.cancel()
        self.lint_run = None
        docs_dir = os.path.abspath(self.docs_dir)
        problems = []
        for file in files:
            if file.generated_by or not file.abs_src_path or not os.path.abspath(file.abs_src_path).startswith(
                    docs_dir + os.sep):
                continue  # theme files come from the theme, not from docs_dir
            problem = source_problem(file.abs_src_path, self.project_dir)
            if problem is not None:
                problems.append(f"{self._relative(file.abs_src_path)}: {problem}")
        if problems:
            raise PluginError("citations: " + "\n".join(problems))
        documents = []
        self.lint_sources = {}
        for file in files.documentation_pages():
            if file.generated_by or not file.abs_src_path:
                continue
            path = self._relative(file.abs_src_path)
            try:  # MkDocs itself would stop on a non-UTF-8 page with a traceback
                documents.append((path, decode_utf8(file.content_bytes, path)))
            except InputError as exc:
                raise PluginError(str(exc)) from None
            self.lint_sources[file.src_uri] = documents[-1]
        # Snippet files the pages include (the shared red-flag blocks) are linted once each, as fragments.
        snippet_config = self.mdx_configs.get("pymdownx.snippets") or {}
        bases = base_paths(snippet_config.get("base_path"), Path(self.project_dir)) if self.snippets else []
        documents, options, include_findings = with_fragments(
            documents, bases, lambda include: self._relative(str(include)), self.options,
            generated=lint_documents(self.options.red_flags), handled=red_flag_block_names(self.options.red_flags))
        config_name, config_text = self._relative(self.config_file), _read_text(self.config_file)
        appended = appended_problems(snippet_config.get("auto_append") or [], bases) if self.snippets else []
        refused = [f"{config_name}:{config_line(config_text, name)}:1: error: auto_append {problem} [bad-include]"
                   for name, problem in appended]
        if include_findings or refused:
            raise PluginError("citations: " + "\n".join([*refused, *(f.as_text() for f in include_findings)]))
        if not self.settings.lint or self.bibliography is None:
            return
        # Each page's model (front matter, masks, citations) is read here, before workers are forked: they
        # inherit it (read_document finds it) and only segment and check, and this process needs it anyway for
        # the bibliography page's "cited on" index and the grade hand-over. So each page is read once a build.
        for _, text in documents:
            read_document(text).cited_keys  # noqa: B018 (computes the views it rests on)
        cpus = os.cpu_count() or 1
        background = self.command != "serve" and cpus > 1
        self.lint_run = LintRun(documents, self.bibliography, options, max(1, cpus - 1), background)

    def on_build_error(self, *, error: Exception) -> None:
        if self.lint_run is not None:
            self.lint_run.cancel()
            self.lint_run = None

    # -- pages ---------------------------------------------------------------------------
    @event_priority(-100)  # last: after hooks that set the page's canonical URL (the offline bundle's)
    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        # YAML reads `title: 2024` as a number; the theme and our pages need text (lint reports it).
        for key in TEXT_META:
            value = page.meta.get(key)
            if isinstance(value, list | tuple | dict | set):
                # Bounded: a list nested thousands deep, or a billion values through YAML aliases, would
                # never finish printing in full (lint reports the front matter).
                page.meta[key] = reprlib.repr(value)
            elif value is not None and not isinstance(value, str):
                page.meta[key] = str(value)
        page.meta.pop(JSONLD_META_KEY, None)  # only the extension may set it, never the front matter
        if self.context is not None:  # the extension reads the page (front matter, URL) from here
            # The reading grade: citation-lint's when its report is in; otherwise the extension leaves
            # a slot and on_post_page fills it in once the report is (lint runs while pages render).
            info = PageInfo(page.file.src_uri, page.url, page.meta, page.canonical_url,
                            self._linted_grade(page.file.src_uri, markdown), grade_later=self.lint_run is not None)
            self.context.page = self.rendering[page.file.src_uri] = info
        return markdown

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        info = self.rendering.pop(page.file.src_uri, None)
        if info is None or info.deferred_source is None:
            return output
        box = output.find('<p class="medcite-review">')
        slot = output.find(GRADE_MARKER, box) if box >= 0 else -1
        if slot < 0:
            return output
        grade = self._deferred_grade(page.file.src_uri, info.deferred_source)
        shown = grade_html(grade) if grade is not None else ""
        return output[:slot] + shown + output[slot + len(GRADE_MARKER):]

    def _deferred_grade(self, src_uri: str, source: str) -> float | None:
        """The grade of ``source`` (what the extension rendered): citation-lint's, waiting for its
        report if a worker has not reached the page yet, unless the lint measured other text."""
        linted = self._linted_grade(src_uri, source, wait=True)
        return linted[1] if linted is not None else pageparts.page_grade(source)

    def _linted_grade(self, src_uri: str, markdown: str, wait: bool = False) -> tuple[str, float | None] | None:
        """(markdown, grade) if citation-lint measured this page on exactly ``markdown`` and its report
        is in (from the cache or a worker; ``wait`` for it): the extension need not segment it again."""
        source = self.lint_sources.get(src_uri)
        if source is None or self.lint_run is None:
            return None
        report = self.lint_run.wait(source[0]) if wait else self.lint_run.ready(source[0])
        if report is None or report.readability is None:
            return None
        if any(f.rule == "page-too-complex" for f in report.findings):
            return None  # measured only part of the page
        page = read_document(source[1])  # MkDocs' own split (tests/test_front_matter.py), from the shared model
        if source[1][page.front_matter.end:].lstrip("\n") != markdown:  # a hook changed it
            return None
        return markdown, shown_grade(report.readability)

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        # Material prints page titles and descriptions into the HTML unescaped (no autoescape), and
        # every page's title appears in every page's navigation: escape them all before any is shown.
        for file in files.documentation_pages():
            meta = file.page.meta if file.page is not None else {}
            for key in TEXT_META:
                if isinstance(meta.get(key), str) and not isinstance(meta[key], Markup):
                    meta[key] = escape(meta[key])
            # A title from the config's nav or the file name (the extension turned an H1 into a
            # front-matter title already) is plain text as well.
            title = file.page.title if file.page is not None else None
            if file.page is not None and isinstance(title, str) and not isinstance(title, Markup):
                file.page.title = escape(title)
        return env

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """Section and link titles from the config's nav are printed unescaped too."""
        for item in _nav_items(nav.items):
            if not isinstance(item, Page) and isinstance(item.title, str) and not isinstance(item.title, Markup):
                item.title = escape(item.title)
        return nav

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Collect the lint (it ran while every page was rendered and written) and run the site-wide
        checks: entries never cited, duplicate DOIs, … Then fail a strict build whose errors MkDocs
        could not count: its counter only sees messages at the log level, and ``-q`` drops warnings
        first. Otherwise MkDocs' own verdict ends the log."""
        self.rendering = {}
        if self.lint_run is not None and self.bibliography is not None:
            reports = self.lint_run.reports()
            self.lint_run = None
            for report in reports:
                self.cited_keys.update(report.cited_keys)
            baseline = Path(self.settings.baseline) if self.settings.baseline else None
            try:
                outcome = site_outcome(reports, self.bibliography, self.options, self.load_findings,
                                       whole_site=True, baseline=baseline, findings_data=self.recorded)
            except InputError as exc:
                raise PluginError(f"citations: baseline: {exc}") from None
            self._log(outcome)
        if not (self.errors and config.strict) or log.logger.isEnabledFor(logging.WARNING):
            return
        count = len(self.errors)
        shown = "\n".join(f"  {finding.as_text()}" for finding in self.errors[:MAX_ERRORS_SHOWN])
        more = count - MAX_ERRORS_SHOWN
        tail = f"\n  … and {more} more (run citation-lint to see them all)" if more > 0 else ""
        raise Abort(f"Aborted: citation-lint found {count} error{'s' if count != 1 else ''} in strict mode:\n"
                    f"{shown}{tail}")

    # -- helpers -------------------------------------------------------------------------
    def _relative(self, path: str) -> str:
        return os.path.relpath(path, self.project_dir).replace(os.sep, "/")

    def _log(self, outcome: Outcome) -> None:
        """Listed warnings and advice in file order, then the count, then every error."""
        listed = LISTED[self.settings.show]
        for finding in outcome.findings:
            if finding.severity != "error" and finding.severity in listed:
                log.info(finding.as_text())
        unlisted = sum(1 for f in outcome.findings if f.severity not in listed)
        hint = "; citation-lint lists them all" if unlisted else ""
        errors = [f for f in outcome.findings if f.severity == "error"]
        log.info(count_line(outcome, "page") + hint + (":" if errors else ""))
        for finding in errors:
            log.warning(finding.as_text())
        self.errors.extend(errors)


def _nav_items(items: list[StructureItem]) -> Iterator[StructureItem]:
    for item in items:
        yield item
        yield from _nav_items(list(getattr(item, "children", None) or []))
