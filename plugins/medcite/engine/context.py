"""What the site engine tells the Markdown extension about the page being rendered.

Python-Markdown knows nothing of sites, so each engine hands an extension the page it is
rendering in its own way. Zensical registers a ``rendering_context`` preprocessor holding
``page`` (``path``, ``url``, ``meta``) and ``config`` (its parsed configuration, with
``root_dir``). Under MkDocs and ProperDocs our plugin registers :class:`EngineContextExtension`,
which carries the same two attributes. :func:`find_context` reads either, by shape only, so
the core never imports an engine. Without one (plain Python-Markdown) the extension falls back
to its own options.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor


@dataclass
class PageInfo:
    """The page being rendered: source path relative to docs_dir, URL relative to the site root."""

    path: str
    url: str
    meta: MutableMapping[str, Any] = field(default_factory=dict)
    canonical_url: str | None = None  # when the engine says (MkDocs); else site_url + url
    # The reading grade when the caller already measured it (the MkDocs plugin, from citation-lint's
    # report): (the Markdown it was measured on, the grade). Used only if that is what Markdown is given.
    grade: tuple[str, float | None] | None = None
    # Set by a caller that fills the grade in later (the MkDocs plugin, while citation-lint is still
    # measuring it): the review box then holds a slot, and ``deferred_source`` the text to measure.
    grade_later: bool = False
    deferred_source: str | None = None


@dataclass(frozen=True)
class SiteInfo:
    root_dir: str  # folder of the engine's config file: relative paths in options start here
    docs_dir: str  # absolute
    site_url: str = ""


@dataclass
class PageContext:
    page: PageInfo | None
    site: SiteInfo
    foreign: bool = False  # given by an engine itself (Zensical), not by our MkDocs plugin


class _ContextPreprocessor(Preprocessor):
    """Changes nothing; it only carries the context where extensions can find it."""

    def __init__(self, md: Markdown, carrier: EngineContextExtension) -> None:
        super().__init__(md)
        self.carrier = carrier

    @property
    def page(self) -> PageInfo | None:
        return self.carrier.page

    @property
    def config(self) -> dict[str, Any]:
        return self.carrier.site

    def run(self, lines: list[str]) -> list[str]:
        return lines


class EngineContextExtension(Extension):
    """The MkDocs plugin's stand-in for Zensical's rendering context: one object for the
    whole build, whose ``page`` the plugin sets before each page is rendered."""

    def __init__(self, site: dict[str, Any]) -> None:
        super().__init__()
        self.site = site  # the same keys as Zensical's config: root_dir, docs_dir, site_url
        self.page: PageInfo | None = None

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown API)
        # Priority 0: last, like Zensical's own; it changes no text.
        md.preprocessors.register(_ContextPreprocessor(md, self), "medcite-context", 0)


def find_context(md: Markdown) -> PageContext | None:
    """The engine's context for this conversion, if an engine provided one."""
    for processor in md.preprocessors:
        page, config = getattr(processor, "page", None), getattr(processor, "config", None)
        if not isinstance(config, dict) or "root_dir" not in config:
            continue
        root = str(config.get("root_dir") or ".")
        docs = os.path.join(root, str(config.get("docs_dir") or "docs"))
        site = SiteInfo(root_dir=root, docs_dir=os.path.normpath(docs), site_url=str(config.get("site_url") or ""))
        info = None
        foreign = not isinstance(processor, _ContextPreprocessor)
        if isinstance(page, PageInfo):  # our own plugin's: canonical URL and measured grade included
            info = page
        elif page is not None and isinstance(getattr(page, "path", None), str):
            meta = getattr(page, "meta", None)
            info = PageInfo(path=page.path.replace(os.sep, "/"), url=str(getattr(page, "url", "") or ""),
                            meta=meta if isinstance(meta, MutableMapping) else {})
        return PageContext(info, site, foreign)
    return None

