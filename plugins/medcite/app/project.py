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
from ..source.snippets import base_paths
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


def read_project(config: Path, required: bool) -> Project:
    if not config.is_file():
        if required:
            raise ProjectError(f"{config}: config file not found")
        return Project()
    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
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
    bib = settings.bibliography or extension_options(data.get("markdown_extensions")).get("bibliography")
    snippets: object = None
    for item in data.get("markdown_extensions") or []:
        if isinstance(item, dict) and "pymdownx.snippets" in item:
            snippets = (item["pymdownx.snippets"] or {}).get("base_path")
    return Project(bibliography=base / bib if bib else None, docs_dir=base / data.get("docs_dir", "docs"),
                   snippet_bases=base_paths(snippets, base), settings=settings,
                   baseline=base / settings.baseline if settings.baseline else None)


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
