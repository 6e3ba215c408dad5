"""The page's References list and the site bibliography, as element trees.

They are built as elements (not one block of raw HTML) so that engines see what is in them:
MkDocs collects the ids a page holds (the bibliography links to ``#source-<key>`` on other
pages, and MkDocs checks such anchors) and rewrites the ``.md`` links of the "cited on" index;
Zensical rewrites those links too. The formatted reference itself is escaped HTML made by
:class:`~medcite.style.formatter.ReferenceFormatter`; it is put in through ``store`` (Python-Markdown's
HTML stash), so no value from the bibliography is ever parsed as markup here.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's own name for it)
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..core.model import Reference
from .html import CitingPage, ReferenceFormatter, backlink_labels, esc, evidence_html, safe_id, source_anchor

if TYPE_CHECKING:
    from ..bib.findings import RecordedFinding

Store = Callable[[str], str]  # raw HTML -> a placeholder that comes back as that HTML in the output


def references_element(order: Sequence[Reference], spots: dict[int, list[str]], formatter: ReferenceFormatter,
                       store: Store) -> etree.Element:
    """The page's numbered reference list, each entry linking back to every spot citing it."""
    listing = etree.Element("ol", {"class": "medcite-references"})
    listing.text = "\n"
    for number, ref in enumerate(order, start=1):
        item = etree.SubElement(listing, "li", {"id": f"ref-{number}", "class": "medcite-reference"})
        item.tail = "\n"
        # The back-links stay raw HTML: their targets (the superscripts) are raw HTML too, and
        # MkDocs would report every link to an id it cannot see.
        item.text = store(_backlinks(spots.get(number, []))) + " "
        _reference_text(item, ref, formatter, store, {"id": source_anchor(ref.key)})
    return listing


def _backlinks(spots: list[str]) -> str:
    if len(spots) == 1:
        links = f'<a href="#{esc(spots[0])}" aria-label="Back to citation">^</a>'
    else:
        letters = " ".join(f'<a href="#{esc(spot)}" aria-label="Back to citation {label}">{label}</a>'
                           for label, spot in zip(backlink_labels(len(spots)), spots, strict=True))
        links = f'<span aria-hidden="true">^</span> {letters}'
    return f'<span class="medcite-backlinks">{links}</span>'


def bibliography_element(references: Iterable[Reference], formatter: ReferenceFormatter,
                         cited_on: dict[str, list[CitingPage]] | None, store: Store,
                         recorded: Mapping[str, Sequence[RecordedFinding]] | None = None) -> etree.Element:
    """Every entry, sorted by first author, with links to the pages that cite it (``None``: the pages
    are not known, so nothing is said about them), and what the source found (the ``findings`` file), if
    recorded."""
    listing = etree.Element("ul", {"class": "medcite-bibliography"})
    listing.text = "\n"
    for ref in sorted(references, key=lambda r: r.sort_key):
        item = etree.SubElement(listing, "li", {"id": f"bib-{safe_id(ref.key)}", "class": "medcite-reference"})
        item.tail = "\n"
        _reference_text(item, ref, formatter, store, {})
        found = recorded.get(ref.key) if recorded else None
        if found:
            _found_list(item, found)
        if cited_on is None:
            continue
        item[-1].tail = (item[-1].tail or "") + " "
        where = etree.SubElement(item, "span", {"class": "medcite-cited-on"})
        pages = cited_on.get(ref.key, [])
        where.text = "Cited on: " if pages else "Not cited on any page yet."
        for position, page in enumerate(pages):
            link = etree.SubElement(where, "a", {"href": page.url})
            link.text = page.title
            link.tail = ", " if position < len(pages) - 1 else ""
    return listing


def _found_list(item: etree.Element, found: Sequence[RecordedFinding]) -> None:
    """"What this source found": each recorded finding's words and where in the source it was seen (text
    nodes, so the file's words are escaped, never markup)."""
    item[-1].tail = (item[-1].tail or "") + " "
    box = etree.SubElement(item, "div", {"class": "medcite-source-findings"})
    title = etree.SubElement(box, "p", {"class": "medcite-source-findings-title"})
    title.text = "What this source found:"
    listing = etree.SubElement(box, "ul")
    for finding in found:
        entry = etree.SubElement(listing, "li")
        entry.text = finding.text + " "
        where = etree.SubElement(entry, "span", {"class": "medcite-source-findings-where"})
        where.text = f"(seen in: {finding.where})"


def _reference_text(item: etree.Element, ref: Reference, formatter: ReferenceFormatter, store: Store,
                    attrs: dict[str, str]) -> None:
    text = etree.SubElement(item, "span", {"class": "medcite-reference-text", **attrs})
    text.text = store(formatter.format(ref).html)
    evidence = evidence_html(ref)
    if evidence:
        text.tail = store(evidence)
