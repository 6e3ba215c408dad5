"""Vancouver/NLM formatting as a pybtex style (entry point ``pybtex.style.formatting``: ``vancouver``).

``Surname AB, Surname CD, et al. Title. Journal. Year;Vol(Issue):pages. doi:… PMID: … PMCID: …``
Identifier links are built only from values that pass :mod:`medcite.identifiers` checks.
"""

from __future__ import annotations

import re
from typing import Any

from pybtex.richtext import HRef, Text
from pybtex.style.formatting import BaseStyle, toplevel
from pybtex.style.template import FieldIsMissing, first_of, join, node, optional, sentence

from . import identifiers as ids
from .names import vancouver_name

MAX_AUTHORS = 6
PAGE_RANGE_RE = re.compile(r"^\s*([A-Za-z]*)(\d+)\s*[-\u2013\u2014]+\s*([A-Za-z]*)(\d+)\s*$")


def nlm_pages(pages: str) -> str:
    """NLM elides repeated leading digits: ``2791--2803`` -> ``2791-803``."""
    match = PAGE_RANGE_RE.match(pages)
    if not match:
        return " ".join(pages.split())
    prefix, first, prefix2, last = match.groups()
    if prefix != prefix2 or len(last) != len(first) or int(last) < int(first):
        return f"{prefix}{first}-{prefix2}{last}"
    common = 0
    while common < len(first) - 1 and first[common] == last[common]:
        common += 1
    return f"{prefix}{first}-{last[common:]}"


LATEX_MARKS = ("\\", "{", "}", "$", "~", "--", "``", "''", "%", "^", "_")


@node
def field(children: list[Any], context: dict[str, Any], name: str, apply_func: Any = None) -> Text:
    """pybtex's ``field``, skipping the (slow) LaTeX reader for values with no LaTeX in them."""
    entry = context["entry"]
    try:
        value = entry._find_field(name, bib_data=context.get("bib_data"))
    except KeyError:
        raise FieldIsMissing(name, entry) from None
    text = Text.from_latex(value) if any(mark in value for mark in LATEX_MARKS) else Text(value)
    return apply_func(text) if apply_func else text


@node
def optional_field(children: list[Any], context: dict[str, Any], *args: Any, **kwargs: Any) -> Text:
    return optional[field(*args, **kwargs)].format_data(context)


def _raw(entry: Any, name: str) -> str:
    return " ".join(str(entry.fields.get(name, "")).split())


@node
def vancouver_names(children: list[Any], context: dict[str, Any], role: str = "author") -> Text:
    """Up to six names, then ``et al``; a missing role raises so ``optional`` can skip it."""
    entry = context["entry"]
    persons = entry.persons.get(role)
    if not persons:
        raise FieldIsMissing(role, entry)
    names = [vancouver_name(person) for person in persons]
    if len(names) > MAX_AUTHORS:
        names = [*names[:MAX_AUTHORS], "et al"]
    return Text(", ".join(names))


@node
def journal_details(children: list[Any], context: dict[str, Any]) -> Text:
    """``2007;147(7):478-91`` from year, volume, number and pages."""
    entry = context["entry"]
    year, volume = _raw(entry, "year"), _raw(entry, "volume")
    number, pages = _raw(entry, "number") or _raw(entry, "issue"), _raw(entry, "pages")
    text = year
    if volume or number:
        text += ";" + volume + (f"({number})" if number else "")
    if pages:
        text += ":" + nlm_pages(pages)
    return Text(text) if text else Text()


@node
def identifier_links(children: list[Any], context: dict[str, Any]) -> Text:
    """``doi:… PMID: … PMCID: …``, each linked only when its value is valid."""
    entry = context["entry"]
    parts: list[Text] = []
    doi, pmid, pmcid = (_raw(entry, name) for name in ("doi", "pmid", "pmcid"))
    if doi:
        value = ids.normalize_doi(doi)
        parts.append(Text("doi:", HRef(ids.doi_url(value), value) if ids.is_doi(value) else value))
    if pmid:
        parts.append(Text("PMID: ", HRef(ids.pubmed_url(pmid), pmid) if ids.is_pmid(pmid) else pmid))
    if pmcid:
        parts.append(Text("PMCID: ", HRef(ids.pmc_url(pmcid), pmcid) if ids.is_pmcid(pmcid) else pmcid))
    return Text(". ").join(parts) if parts else Text()


@node
def web_link(children: list[Any], context: dict[str, Any], label: str = "Available from: ") -> Text:
    """A ``url`` field: linked when it is http(s), shown as plain text otherwise."""
    url = _raw(context["entry"], "url")
    if not url:
        return Text()
    return Text(label, HRef(url, url) if ids.is_web_url(url) else url)


@node
def cited_date(children: list[Any], context: dict[str, Any]) -> Text:
    urldate = _raw(context["entry"], "urldate")
    return Text(f"[cited {urldate}]") if urldate else Text()


def _publisher(*names: str) -> Any:
    return first_of[tuple(optional_field(name) for name in names)]


class VancouverStyle(BaseStyle):
    """Vancouver (ICMJE/NLM) references for medical readers."""

    default_sorting_style = "none"

    def _ending(self) -> Any:
        return [
            optional[sentence(add_period=True)[field("note")]],
            optional[sentence(add_period=True, sep="")[identifier_links]],
        ]

    def _authors(self) -> Any:
        return optional[sentence[vancouver_names]]

    def get_article_template(self, e: Any) -> Any:
        journal = first_of[optional_field("shortjournal"), optional_field("journal")]
        return toplevel[
            self._authors(),
            sentence[field("title")],
            sentence[journal],
            sentence(sep="")[journal_details],
            optional[sentence(add_period=True, sep="")[identifier_links]],
        ]

    def get_book_template(self, e: Any) -> Any:
        return toplevel[
            self._authors(),
            sentence[field("title")],
            optional[sentence[join[field("edition"), " ed"]]],
            sentence(sep="; ")[
                join(sep=": ")[optional_field("address"), _publisher("publisher", "organization")],
                optional_field("year"),
            ],
            *self._ending(),
            optional[web_link],
        ]

    def get_incollection_template(self, e: Any) -> Any:
        editors = optional[join[vancouver_names(role="editor"), ", editors"]]
        return toplevel[
            self._authors(),
            sentence[field("title")],
            sentence(sep=". ")[join(sep=" ")["In:", join(sep=". ")[editors, field("booktitle")]]],
            sentence(sep="; ")[
                join(sep=": ")[optional_field("address"), _publisher("publisher", "organization")],
                optional_field("year"),
            ],
            optional[sentence[join["p. ", field("pages", apply_func=lambda t: Text(nlm_pages(str(t))))]]],
            *self._ending(),
            optional[web_link],
        ]

    def get_inbook_template(self, e: Any) -> Any:
        return self.get_incollection_template(e)

    def get_misc_template(self, e: Any) -> Any:
        return toplevel[
            self._authors(),
            sentence[join[field("title"), " [Internet]"]],
            optional[sentence[_publisher("howpublished", "publisher", "organization", "institution")]],
            optional[sentence(sep=" ")[field("year"), cited_date]],
            *self._ending(),
            optional[web_link],
        ]

    def get_online_template(self, e: Any) -> Any:
        return self.get_misc_template(e)

    def get_techreport_template(self, e: Any) -> Any:
        return toplevel[
            self._authors(),
            sentence[field("title")],
            sentence(sep="; ")[
                join(sep=": ")[optional_field("address"), _publisher("institution", "publisher", "organization")],
                optional_field("year"),
            ],
            optional[sentence[join["Report No.: ", field("number")]]],
            *self._ending(),
            optional[web_link],
        ]

    def format_entry(self, label: str, entry: Any, bib_data: Any = None) -> Any:
        """Unknown entry types fall back to the ``misc`` layout instead of failing."""
        if not hasattr(self, f"get_{entry.type}_template"):
            text = self.get_misc_template(entry).format_data({"entry": entry, "style": self, "bib_data": bib_data})
            from pybtex.style import FormattedEntry

            return FormattedEntry(entry.key, text, label)
        return super().format_entry(label, entry, bib_data=bib_data)
