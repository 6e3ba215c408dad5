"""The ``citations`` plugin's options in ``mkdocs.yml``."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class CitationsConfig(base.Config):
    """Options of the ``citations`` plugin (unknown options fail at config time)."""

    bibliography = c.Optional(c.File(exists=True))
    """BibTeX file, relative to mkdocs.yml. Only for sites that do not list the ``medcite`` Markdown
    extension themselves: the plugin then adds it with this file (and the two options below). Sites
    that must also build with Zensical set ``bibliography`` on the extension instead."""

    bibliography_page = c.Type(str, default="bibliography.md")
    """Page holding the bibliography marker; generated when the file does not exist."""

    references_title = c.Type(str, default="References")
    """Heading of the numbered list at the end of each page (when the plugin adds the extension)."""

    lint = c.Type(bool, default=True)
    """Run citation-lint's checks during the build (errors fail ``mkdocs build --strict``)."""

    select = c.ListOfItems(c.Type(str), default=[])
    """Only these rule ids (empty: all rules)."""

    ignore = c.ListOfItems(c.Type(str), default=[])
    """Rule ids to skip."""

    readability_target = c.Type(float, default=8.0)
    """Warn when an article's Flesch-Kincaid grade is above this."""

    max_source_age = c.Type(int, default=10)
    """Advise when every source of a claim is older than this many years (one finding per source)."""

    severity = c.DictOfItems(c.Choice(("error", "warning", "advice")), default={})
    """Rule id -> the level to report it at, e.g. ``{old-sources: warning}``; only errors fail ``--strict``."""

    show = c.Choice(("errors", "warnings", "all"), default="errors")
    """Which findings the build log lists one by one (the rest are counted); errors always come last."""

    baseline = c.Optional(c.File(exists=True))
    """Accepted findings (``citation-lint --write-baseline FILE``): only new ones are reported or fail the build."""
