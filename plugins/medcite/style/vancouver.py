"""Citing Medicine (NLM, 2nd ed.) references as a pybtex style (entry point
``pybtex.style.formatting``: ``vancouver``).

- article: ``Authors. Title. Journal. 2007 Oct 2;147(7):478-91. doi:… PMID: …``; an article consulted
  on the web (a ``url`` and a ``urldate``, or a ``url`` and no DOI, PMID or PMCID) is ``Journal
  [Internet]. 2021 Mar [cited 2024 Mar 1];…. doi:… Available from: URL``.
- book: ``Authors (or Editors, editors). Title. 2nd ed. Place: Publisher; Year.``
- chapter (incollection, inbook): ``Authors. Chapter. In: Editors, editors. Book. Place: Publisher;
  Year. p. 93-113.``
- report: ``… Place: Institution; Year. Report No.: X.``
- thesis: ``Author. Title [dissertation]. Place: University; Year.`` (``[master's thesis]``)
- conference paper: ``Authors. Paper. In: Editors, editors. Proceedings; 2002 Aug 17-22; San Diego, CA.
  Place: Publisher; Year. p. 437-68.``; proceedings: ``Editors, editors. Proceedings; date; place. …``
- web page (online, misc; a guideline published on the web): ``Authors. Title [Internet]. Place:
  Publisher; Year [updated 2020 Dec 11; cited 2024 Mar 1]. Available from: URL``

Titles go into sentence case (:mod:`medcite.style.casing`), names are ``Surname AB`` with ``et al.`` after
six (or where the entry says ``and others``), missing places are ``[place unknown]``. Identifier links
are built only from values that pass :mod:`medcite.core.identifiers` checks.
"""

from __future__ import annotations

from typing import Any

from pybtex.richtext import HRef, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle, toplevel
from pybtex.style.template import FieldIsMissing, first_of, join, node, optional, sentence

from ..bib.names import expand_links, is_group, is_others, vancouver_name
from ..core import identifiers as ids
from ..core import nlm
from .casing import sentence_case

MAX_AUTHORS = 6
LATEX_MARKS = ("\\", "{", "}", "$", "~", "--", "``", "''", "%", "^", "_")
def _latex(value: str) -> Text:
    """pybtex's LaTeX reader, skipped (it is slow) for values with no LaTeX in them; ``\\url{…}`` is its URL."""
    if not any(mark in value for mark in LATEX_MARKS):
        return Text(value)
    value = expand_links(value)
    return Text.from_latex(value) if any(mark in value for mark in LATEX_MARKS) else Text(value)


def _raw(entry: Any, name: str) -> str:
    return " ".join(str(entry.fields.get(name, "")).split())


@node
def field(children: list[Any], context: dict[str, Any], name: str, apply_func: Any = None) -> Text:
    entry = context["entry"]
    try:
        value = entry._find_field(name, bib_data=context.get("bib_data"))
    except KeyError:
        raise FieldIsMissing(name, entry) from None
    text = _latex(value)
    return apply_func(text) if apply_func else text


def is_online(entry: Any) -> bool:
    return nlm.consulted_online(entry.type, entry.fields)


@node
def title(children: list[Any], context: dict[str, Any], name: str = "title", medium: bool = False,
          label: str = "") -> Text:
    """A title in sentence case, with `` [Internet]`` when the item was consulted on the web; a thesis
    says what it is: `` [dissertation]``, `` [master's thesis on the Internet]``."""
    entry = context["entry"]
    value = _raw(entry, name)
    if not value:
        if name != "title":  # a chapter cannot be shown without its book
            raise FieldIsMissing(name, entry)
        return Text()  # shown without it (the linter reports the missing field)
    text = _latex(sentence_case(value).text)
    online = medium and is_online(entry)
    if label:
        return Text(text, f" [{label} on the Internet]" if online else f" [{label}]")
    return Text(text, " [Internet]") if online else text


def thesis_label(entry: Any) -> str:
    """``dissertation`` (a doctorate) or ``master's thesis``, from the entry type or biblatex's ``type``."""
    kind = (_raw(entry, "type") if entry.type == "thesis" else entry.type).lower()
    return "master's thesis" if "master" in kind or kind in ("mathesis", "mastersthesis") else "dissertation"


@node
def conference(children: list[Any], context: dict[str, Any], name: str = "booktitle") -> Text:
    """``Proceedings title. Conference name; 2002 Aug 17-22; San Diego, CA`` (Citing Medicine ch. 3).

    Conference titles keep their capitals (names of meetings); the conference name (biblatex
    ``eventtitle``), its dates (``eventdate``) and place (``venue``) follow when given.
    """
    entry = context["entry"]
    own, event = _raw(entry, name), _raw(entry, "eventtitle")
    if not own and not event:
        raise FieldIsMissing(name, entry)
    text = Text(_latex(own or event), " [Internet]" if is_online(entry) else "")
    if own and event and event != own:
        text = Text(text, ". ", _latex(event))
    for part in (nlm.date_range(_raw(entry, "eventdate")), _raw(entry, "venue")):
        if part:
            text = Text(text, "; ", _latex(part))
    return text


@node
def names(children: list[Any], context: dict[str, Any], role: str = "author") -> Text:
    """Up to six names, then ``et al.``; editors end ``, editor(s)``. A missing role raises for ``optional``."""
    entry = context["entry"]
    persons = entry.persons.get(role)
    if not persons:
        raise FieldIsMissing(role, entry)
    listed = [(vancouver_name(person), is_group(person)) for person in persons if not is_others(person)]
    more = len(listed) < len(persons) or len(listed) > MAX_AUTHORS  # "and others" or a long list
    shown = listed[:MAX_AUTHORS]
    text = ""
    for index, (name, group) in enumerate(shown):
        # Citing Medicine: a group after personal names takes a semicolon (Quist D; SPRINT Investigators)
        if index:
            text += "; " if group and not shown[index - 1][1] else ", "
        text += name
    if more:
        text += ", et al." if text else "et al."
        for name, group in listed[MAX_AUTHORS:]:  # a group past the sixth name still shows: "…, et al.; Group"
            if group:
                text += "; " + name
    if role == "editor":
        text += ", editors" if more or len(shown) > 1 else ", editor"
    return Text(text)


@node
def journal(children: list[Any], context: dict[str, Any]) -> Text:
    """The journal's abbreviation (``shortjournal``) if the entry has one, else its title as written."""
    entry = context["entry"]
    value = _raw(entry, "shortjournal") or _raw(entry, "journal") or _raw(entry, "journaltitle")
    if not value:  # shown without it (the linter reports the missing field)
        return Text()
    return Text(_latex(value), " [Internet]") if is_online(entry) else _latex(value)


def _article_date(entry: Any) -> str:
    """``2007 Oct 2`` from a biblatex ``date``, else from year, month and day (any entry type)."""
    if _raw(entry, "date"):
        return nlm.date(_raw(entry, "date"))
    parts = [_raw(entry, "year"), nlm.month(_raw(entry, "month")), _raw(entry, "day") if _raw(entry, "month") else ""]
    return " ".join(part for part in parts if part)


def _web_dates(entry: Any) -> str:
    """`` [updated 2020 Dec 11; cited 2024 Mar 1]`` for what was consulted on the web."""
    if not is_online(entry):
        return ""
    updated, cited = nlm.date(_raw(entry, "updated")), nlm.date(_raw(entry, "urldate"))
    inside = "; ".join(part for part in (f"updated {updated}" if updated else "",
                                         f"cited {cited}" if cited else "") if part)
    return f" [{inside}]" if inside else ""


@node
def journal_details(children: list[Any], context: dict[str, Any]) -> Text:
    """``2007 Oct;147(7 Suppl 1):478-91`` (the issue may be absent; the month shows when given).

    A supplement to a volume, with no issue, follows the volume without parentheses, as Citing
    Medicine writes it: ``2002;42 Suppl 2:S93-9``; one to an issue stays with it: ``58(12 Suppl 7)``.
    """
    entry = context["entry"]
    volume = nlm.supplement(_raw(entry, "volume"))
    number = nlm.supplement(_raw(entry, "number") or _raw(entry, "issue"))
    pages = nlm.pages(_raw(entry, "pages")) if _raw(entry, "pages") else _raw(entry, "eid")
    text = _article_date(entry) + _web_dates(entry)
    if volume and nlm.is_supplement(number):
        text += f";{volume} {number}"
    elif volume or number:
        text += ";" + volume + (f"({number})" if number else "")
    if pages:
        text += ":" + pages
    return Text(text)


@node
def publication(children: list[Any], context: dict[str, Any], publishers: tuple[str, ...] = ("publisher",),
                unknown_place: bool = True) -> Text:
    """``Place: Publisher; Year [cited …]``; a publisher with no place gets ``[place unknown]``, a place
    with no publisher ``[publisher unknown]`` (so the place is never dropped)."""
    entry = context["entry"]
    publisher = next((_latex(_raw(entry, name)) for name in publishers if _raw(entry, name)), None)
    place = _raw(entry, "address") or _raw(entry, "location")
    year = _article_date(entry) + _web_dates(entry)  # the month too when given (a report: 2018 Nov)
    if publisher is None:
        head = Text(_latex(place), ": [publisher unknown]") if place and unknown_place else Text()
    elif place or unknown_place:
        head = Text(_latex(place) if place else "[place unknown]", ": ", publisher)
    else:
        head = Text(publisher)
    if not head and not year:
        raise FieldIsMissing("publisher", entry)
    return Text(head, "; " if head and year else "", year.strip())


@node
def series(children: list[Any], context: dict[str, Any]) -> Text:
    """``(Series; no. 4)``."""
    entry = context["entry"]
    name = _raw(entry, "series")
    if not name:
        raise FieldIsMissing("series", entry)
    number = _raw(entry, "number") if entry.type not in ("techreport", "report") else ""
    volume = _raw(entry, "volume")  # BibTeX: with a series, the volume is the series' volume
    return Text("(", _latex(name), f"; vol. {volume}" if volume else "", f"; no. {number}" if number else "", ")")


@node
def book_volume(children: list[Any], context: dict[str, Any]) -> Text:
    """``Vol. 3`` after a book's (or proceedings') title; with a series it goes in the series."""
    entry = context["entry"]
    volume = _raw(entry, "volume")
    if not volume or _raw(entry, "series"):
        raise FieldIsMissing("volume", entry)
    return Text("Vol. ", _latex(volume))


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
def web_link(children: list[Any], context: dict[str, Any]) -> Text:
    """``Available from: URL`` for what was consulted on the web; linked only when it is http(s)."""
    entry = context["entry"]
    url = _raw(entry, "url")
    if not url or not is_online(entry):
        return Text()
    return Text("Available from: ", HRef(url, url) if ids.is_web_url(url) else url)


def _people() -> Any:
    """Authors; a book without authors starts with its editors."""
    return optional[sentence[first_of[optional[names], optional[names(role="editor")]]]]


class VancouverStyle(BaseStyle):
    """Citing Medicine references for medical readers."""

    default_sorting_style = "none"

    def _tail(self, note: bool = True) -> list[Any]:
        """Note, then identifiers, then the web address (the address is last: nothing may follow a URL)."""
        return [
            *([optional[sentence(add_period=True)[field("note")]]] if note else []),
            optional[sentence(add_period=True, sep="")[identifier_links]],
            optional[web_link],
        ]

    def get_article_template(self, e: Any) -> Any:
        return toplevel[
            optional[sentence[names]],
            sentence[title],
            sentence[journal],
            sentence(sep="")[journal_details],
            *self._tail(note=False),  # journal-article notes in our file are editors' remarks, not for readers
        ]

    def _book_body(self, publishers: tuple[str, ...]) -> list[Any]:
        return [
            optional[sentence[book_volume]],
            optional[sentence[field("edition", apply_func=lambda t: Text(nlm.edition(str(t))))]],
            optional[sentence[publication(publishers=publishers)]],
            optional[sentence[series]],
        ]

    def get_book_template(self, e: Any) -> Any:
        editors_after_title = optional[sentence[names(role="editor")]] if e.persons.get("author") else ""
        return toplevel[
            _people(),
            sentence[title(medium=True)],
            editors_after_title,
            *self._book_body(("publisher", "organization")),
            *self._tail(),
        ]

    def get_incollection_template(self, e: Any) -> Any:
        return toplevel[
            optional[sentence[names]],
            sentence[title],
            sentence(sep=" ")["In:", join(sep=". ")[optional[names(role="editor")],
                                                   title(name="booktitle", medium=True)]],
            *self._book_body(("publisher", "organization")),
            optional[sentence[join["p. ", field("pages", apply_func=lambda t: Text(nlm.pages(str(t))))]]],
            *self._tail(),
        ]

    def get_inbook_template(self, e: Any) -> Any:
        if not e.fields.get("booktitle"):  # a part of a book written by the book's authors
            return self.get_book_template(e)
        return self.get_incollection_template(e)

    def get_misc_template(self, e: Any) -> Any:
        publishers = ("publisher", "organization", "institution")
        has_publisher = any(_raw(e, name) for name in publishers)
        return toplevel[
            optional[sentence[names]],
            sentence[title(medium=True)],
            optional[sentence[publication(publishers=publishers) if has_publisher
                              else publication(publishers=("howpublished",), unknown_place=False)]],
            optional[sentence[field("howpublished")]] if has_publisher else "",
            optional[sentence[series]],
            *self._tail(),
        ]

    def get_phdthesis_template(self, e: Any) -> Any:
        """``Author. Title [dissertation]. Place: University; Year.`` (Citing Medicine ch. 4)."""
        return toplevel[
            optional[sentence[names]],
            sentence[title(medium=True, label=thesis_label(e))],
            optional[sentence[publication(publishers=("school", "institution", "publisher"))]],
            *self._tail(),
        ]

    def get_mastersthesis_template(self, e: Any) -> Any:
        return self.get_phdthesis_template(e)

    def get_thesis_template(self, e: Any) -> Any:  # biblatex: the kind is in "type"
        return self.get_phdthesis_template(e)

    def get_inproceedings_template(self, e: Any) -> Any:
        """``Authors. Paper. In: Editors, editors. Proceedings; date; place. Place: Publisher; Year. p. x-y.``"""
        return toplevel[
            optional[sentence[names]],
            sentence[title],
            sentence(sep=" ")["In:", join(sep=". ")[optional[names(role="editor")], conference]],
            *self._book_body(("publisher", "organization")),
            optional[sentence[join["p. ", field("pages", apply_func=lambda t: Text(nlm.pages(str(t))))]]],
            *self._tail(),
        ]

    def get_conference_template(self, e: Any) -> Any:  # BibTeX's older name for inproceedings
        return self.get_inproceedings_template(e)

    def get_proceedings_template(self, e: Any) -> Any:
        """``Editors, editors. Proceedings; date; place. Place: Publisher; Year.``"""
        return toplevel[
            _people(),
            sentence[conference(name="title")],
            *self._book_body(("publisher", "organization")),
            *self._tail(),
        ]

    def get_online_template(self, e: Any) -> Any:
        return self.get_misc_template(e)

    def get_techreport_template(self, e: Any) -> Any:
        return toplevel[
            optional[sentence[names]],
            sentence[title(medium=True)],
            optional[sentence[publication(publishers=("institution", "publisher", "organization"))]],
            optional[sentence[series]],
            optional[sentence[join["Report No.: ", field("number")]]],
            *self._tail(),
        ]

    def get_report_template(self, e: Any) -> Any:
        return self.get_techreport_template(e)

    def format_entry(self, label: str, entry: Any, bib_data: Any = None) -> Any:
        """Unknown entry types fall back to the web-page/``misc`` layout instead of failing."""
        if not hasattr(self, f"get_{entry.type}_template"):
            text = self.get_misc_template(entry).format_data({"entry": entry, "style": self, "bib_data": bib_data})
            return FormattedEntry(entry.key, text, label)
        return super().format_entry(label, entry, bib_data=bib_data)
