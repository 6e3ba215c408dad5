"""Inline Markdown in a citation's locator or prefix (``[@a, *p. 12*]``, ``pp. 3--4``), rendered by
Python-Markdown itself, restricted to what belongs in a locator: emphasis, code, backslash escapes
and smart dashes (the ``smarty`` extension). Links, images, autolinks and raw HTML are not
parsed, so their text is shown escaped; no block syntax applies (a locator is never a list or heading).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's own name for it)
from dataclasses import dataclass
from functools import lru_cache

from markdown import Markdown
from markdown.extensions.smarty import SmartyExtension

# Inline patterns a locator may not use: links and images (a javascript: URL must stay text),
# references, autolinks, raw HTML and entities, hard line breaks.
NOT_IN_LOCATORS = ("reference", "link", "image_link", "image_reference", "short_reference", "short_image_ref",
                   "autolink", "automail", "linebreak", "html", "entity")
TAG_RE = re.compile(r"<[^<>]{0,200}>")


@dataclass(frozen=True)
class RenderedText:
    html: str  # safe HTML: text escaped, only em/strong/code tags
    text: str  # plain text, for title and aria-label attributes


class _LocatorMarkdown:
    def __init__(self) -> None:
        # Dashes only (pp. 3--4 -> en dash): quotes stay as written, as in the rest of the page.
        self.md = Markdown(extensions=[SmartyExtension(smart_quotes=False, smart_angled_quotes=False,
                                                       smart_ellipses=False, smart_dashes=True)])
        for name in NOT_IN_LOCATORS:
            self.md.inlinePatterns.deregister(name, strict=False)
        # "\|": a citation in a table row escapes its "|" (the tables extension makes it an escape).
        self.md.ESCAPED_CHARS.append("|")

    def render(self, source: str) -> RenderedText:
        md = self.md
        md.reset()
        root = etree.Element("div")
        span = etree.SubElement(root, "span")
        span.text = " ".join(source.split())
        for processor in md.treeprocessors:  # inline patterns, smarty, unescape: as convert() runs them
            replaced = processor.run(root)
            if replaced is not None:
                root = replaced
        out = md.serializer(root[0])
        for post in md.postprocessors:
            out = post.run(out)
        # Quotes escaped too (the serializer leaves them in text); the only tags here have no attributes.
        inner = out.removeprefix("<span>").removesuffix("</span>").replace('"', "&quot;").replace("'", "&#x27;")
        return RenderedText(inner, html.unescape(TAG_RE.sub("", inner)))


@lru_cache(maxsize=1)
def _renderer() -> _LocatorMarkdown:
    return _LocatorMarkdown()


@lru_cache(maxsize=4096)
def render_inline(source: str) -> RenderedText:
    """``*p. 12*`` -> ``<em>p. 12</em>``; ``pp. 3--4`` -> ``pp. 3&ndash;4`` (text: ``pp. 3–4``)."""
    if not source.strip():
        return RenderedText("", "")
    return _renderer().render(source)
