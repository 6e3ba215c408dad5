"""A site's settings as ``citation-lint`` reads them from ``mkdocs.yml`` (the plugin gets them from MkDocs).

The ``citations:`` block is checked with the one schema (:mod:`medcite.app.settings`); the bibliography
may instead be set on the ``medcite`` Markdown extension, where sites built by any engine set it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import MedciteError
from ..core.identifiers import placeholder_notice
from ..core.model import Finding
from ..core.rules import RULES
from ..source.snippets import appended_problems, base_paths, config_line
from .settings import Settings, SettingsError

# The names the Markdown extension may be listed under in ``markdown_extensions``.
EXTENSION_NAMES = ("medcite", "medcite.markdown")


class ProjectError(MedciteError):
    """``mkdocs.yml`` cannot be used: missing, not YAML, or a bad option; the message names the file."""


class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml may hold tags such as !!python/name:… or !ENV; they are not needed here."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


@dataclass
class Project:
    bibliography: Path | None = None
    docs_dir: Path | None = None
    snippet_bases: list[Path] = field(default_factory=lambda: [Path(".")])
    settings: Settings = field(default_factory=lambda: Settings.from_mapping({}))
    baseline: Path | None = None  # the block's ``baseline``, relative to the current folder
    root: Path = Path(".")  # the project: the config file's folder
    snippets: bool = True  # pymdownx.snippets is in use (assumed when there is no config file)
    notice: str | None = None  # site_url is a placeholder (identifiers.placeholder_notice)
    appended: list[Finding] = field(default_factory=list)  # auto_append files that may not be read
    red_flags: Path | None = None  # the extension's ``red_flags`` data file
    findings: Path | None = None  # the extension's ``findings`` file (each source's recorded findings)


def read_project(config: Path, required: bool) -> Project:
    if not config.is_file():
        if required:
            raise ProjectError(f"{config}: config file not found")
        return Project()
    try:
        text = config.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_TolerantLoader) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ProjectError(f"{config}: cannot read YAML: {exc}") from None
    base = config.parent
    block: Any = {}
    for item in data.get("plugins") or []:
        if item == "citations":
            block = {}
        elif isinstance(item, dict) and "citations" in item:
            block = item["citations"] or {}
    try:
        settings = Settings.from_mapping(block if isinstance(block, dict) else None)
    except SettingsError as exc:
        raise ProjectError(f"{config}: citations: {exc}") from None
    extension = extension_options(data.get("markdown_extensions"))
    bib = settings.bibliography or extension.get("bibliography")
    red_flags = extension.get("red_flags")
    recorded = extension.get("findings")
    snippets: object = None
    appended: object = []
    uses_snippets = False
    for item in data.get("markdown_extensions") or []:
        if item == "pymdownx.snippets":
            uses_snippets = True
        elif isinstance(item, dict) and "pymdownx.snippets" in item:
            uses_snippets = True
            snippets = (item["pymdownx.snippets"] or {}).get("base_path")
            appended = (item["pymdownx.snippets"] or {}).get("auto_append") or []
    bases = base_paths(snippets, base)
    where = shown(config)
    refused = [RULES["bad-include"].finding(where, config_line(text, name), 1, f"auto_append {problem}", text=name)
               for name, problem in appended_problems(appended if isinstance(appended, list) else [], bases)]
    return Project(bibliography=base / bib if bib else None, docs_dir=base / data.get("docs_dir", "docs"),
                   snippet_bases=bases, settings=settings,
                   baseline=base / settings.baseline if settings.baseline else None, root=base,
                   snippets=uses_snippets, notice=placeholder_notice(str(data.get("site_url") or ""), text, where),
                   appended=refused, red_flags=base / str(red_flags) if red_flags else None,
                   findings=base / str(recorded) if recorded else None)


def extension_options(extensions: object) -> dict[str, Any]:
    """The ``medcite`` Markdown extension's options (where sites built by any engine set the bibliography)."""
    if isinstance(extensions, dict):
        items = list(extensions.items())
    elif isinstance(extensions, list):
        items = [next(iter(item.items())) if isinstance(item, dict) and len(item) == 1 else (item, {})
                 for item in extensions]
    else:
        items = []
    for name, options in items:
        if name in EXTENSION_NAMES and isinstance(options, dict):
            return options
    return {}


def shown(path: Path) -> str:
    """``path`` as messages show it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return path.as_posix()
