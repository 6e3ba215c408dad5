"""Read references exported by PubMed (MEDLINE ``.nbib``), Zotero/Mendeley/EndNote (RIS) and Zotero
(CSL-JSON) into one neutral :class:`Draft`, ready to become a BibTeX entry (:mod:`medcite.importers.addentry`).

The readers are the libraries made for each format: biopython's ``Bio.Medline`` and ``rispy``;
CSL-JSON is plain JSON. Nothing here touches the network. Problems raise :class:`RecordError`,
whose message names the input and the record.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from Bio import Medline

from ..core.errors import MedciteError
from ..core.nlm import MONTHS

FORMATS = ("nbib", "ris", "csl-json")
MONTH_RE = re.compile(r"^(\d{4})(?:[ /-]+([A-Za-z]{3,9}|\d{1,2}))?")
PAGES_RE = re.compile(r"^([A-Za-z]{0,3})(\d{1,7})[-\u2013]([A-Za-z]{0,3})(\d{1,7})$")
ID_SUFFIX_RE = re.compile(r"^(?P<value>\S+)\s+\[(?P<kind>[a-z]+)\]$")
MONTH_NAMES = tuple(month.lower() for month in MONTHS)  # BibTeX month macros
RIS_TYPES = {"JOUR": "article", "JFULL": "article", "EJOUR": "article", "BOOK": "book", "EBOOK": "book",
             "EDBOOK": "book", "CHAP": "incollection", "ECHAP": "incollection", "RPRT": "techreport",
             "ELEC": "online", "WEB": "online", "GEN": "misc"}
CSL_TYPES = {"article-journal": "article", "article": "article", "review": "article", "book": "book",
             "chapter": "incollection", "report": "techreport", "webpage": "online", "post-weblog": "online"}


class RecordError(MedciteError):
    """A record that cannot be read; the message says where and why."""


@dataclass
class Draft:
    """One reference, as plain text fields (BibTeX names) and people (family, given) or organisations."""

    entry_type: str
    fields: dict[str, str] = field(default_factory=dict)
    authors: list[tuple[str, str]] = field(default_factory=list)  # (family, given); given "" for a group
    editors: list[tuple[str, str]] = field(default_factory=list)
    publication_types: list[str] = field(default_factory=list)
    origin: str = ""  # "PubMed (MEDLINE)", "RIS", "CSL-JSON": for the comment above the entry
    abstract: str = ""  # the record's abstract, if it gives one: a findings.yml stub is suggested from it

    def set(self, name: str, value: Any) -> None:
        text = " ".join(str(value).split()) if value is not None else ""
        if text and name not in self.fields:
            self.fields[name] = text


def detect_format(text: str) -> str:
    """``nbib``, ``ris`` or ``csl-json`` from the first meaningful line."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("[", "{")):
        return "csl-json"
    first = stripped.splitlines()[0] if stripped else ""
    if re.match(r"^TY  - ", first):
        return "ris"
    if re.match(r"^[A-Z]{2,4} ?- ", first):
        return "nbib"
    raise RecordError("cannot tell the format: expected a PubMed .nbib (MEDLINE) record, a RIS record "
                      "(starting 'TY  - ') or CSL-JSON; pass --format")


def read_records(text: str, fmt: str | None = None) -> list[Draft]:
    fmt = fmt or detect_format(text)
    readers = {"nbib": read_nbib, "ris": read_ris, "csl-json": read_csl_json}
    if fmt not in readers:
        raise RecordError(f"unknown format '{fmt}' (use one of {', '.join(FORMATS)})")
    drafts = readers[fmt](text)
    if not drafts:
        raise RecordError(f"no {fmt} record found in the input")
    return drafts


def full_pages(value: str) -> str:
    """MEDLINE abbreviates page ranges (``478-91``); BibTeX keeps them whole (``478--491``)."""
    match = PAGES_RE.match(value.replace(" ", ""))
    if not match:
        return value
    prefix, first, prefix2, last = match.groups()
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return f"{prefix}{first}--{prefix2 or prefix}{last}"


def _year_month(value: str) -> tuple[str, str]:
    match = MONTH_RE.match(value.strip())
    if not match:
        return "", ""
    year, month = match.groups()
    if month and month.isdigit():
        month = MONTH_NAMES[int(month) - 1] if 1 <= int(month) <= 12 else ""
    elif month:
        month = month[:3].lower() if month[:3].lower() in MONTH_NAMES else ""
    return year, month or ""


def _split_name(name: str) -> tuple[str, str]:
    """``Chou, Roger`` -> (Chou, Roger); ``Chou R`` (MEDLINE AU) -> (Chou, R.)."""
    if "," in name:
        family, given = name.split(",", 1)
        return family.strip(), given.strip()
    parts = name.split()
    if len(parts) > 1 and parts[-1].isupper() and len(parts[-1]) <= 4:
        return " ".join(parts[:-1]), " ".join(f"{letter}." for letter in parts[-1])
    return name.strip(), ""


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


# -- PubMed MEDLINE (.nbib) ---------------------------------------------------------------------
def read_nbib(text: str) -> list[Draft]:
    try:
        records = list(Medline.parse(io.StringIO(text)))
    except Exception as exc:  # Bio.Medline raises plain ValueError and friends on malformed input
        raise RecordError(f"cannot read the MEDLINE record: {exc}") from None
    drafts = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict) or not (record.get("TI") or record.get("BTI")):
            raise RecordError(f"MEDLINE record {number} has no title (TI): is this a PubMed .nbib export?")
        drafts.append(_from_medline(record))
    return drafts


def _from_medline(record: dict[str, Any]) -> Draft:
    book, chapter = record.get("BTI"), record.get("TI") if record.get("BTI") else None
    draft = Draft("incollection" if book and chapter else "book" if book else "article", origin="PubMed (MEDLINE)")
    names = _as_list(record.get("FAU")) or _as_list(record.get("AU"))
    draft.authors = [_split_name(name) for name in names]
    draft.authors += [(group, "") for group in _as_list(record.get("CN"))]
    draft.editors = [_split_name(name) for name in _as_list(record.get("FED")) or _as_list(record.get("ED"))]
    draft.set("title", (record.get("TI") or record.get("BTI") or "").rstrip("."))
    if book and chapter:
        draft.set("booktitle", str(book).rstrip("."))
    draft.set("journal", record.get("JT"))
    draft.set("shortjournal", record.get("TA"))
    year, month = _year_month(str(record.get("DP", "")))
    draft.set("year", year)
    draft.set("month", month)
    draft.set("volume", record.get("VI"))
    draft.set("number", record.get("IP"))
    pages = str(record.get("PG", "")).split(",")[0].strip()
    draft.set("pages", full_pages(pages))
    draft.set("publisher", record.get("PB"))
    draft.set("address", record.get("PL") if book else None)
    draft.set("edition", record.get("EN"))
    draft.set("pmid", record.get("PMID"))
    draft.set("pmcid", record.get("PMC"))
    for value in _as_list(record.get("LID")) + _as_list(record.get("AID")):
        match = ID_SUFFIX_RE.match(value.strip())
        if match and match["kind"] == "doi":
            draft.set("doi", match["value"])
    draft.publication_types = _as_list(record.get("PT"))
    draft.abstract = " ".join(str(record.get("AB") or "").split())
    return draft


# -- RIS ------------------------------------------------------------------------------------------
def read_ris(text: str) -> list[Draft]:
    import rispy

    try:
        entries = rispy.loads(text.lstrip("\ufeff"))
    except Exception as exc:  # rispy raises IOError/ValueError subclasses on malformed input
        raise RecordError(f"cannot read the RIS record: {exc}") from None
    drafts = []
    for number, entry in enumerate(entries, start=1):
        if not (entry.get("title") or entry.get("primary_title")):
            raise RecordError(f"RIS record {number} has no title (TI or T1)")
        drafts.append(_from_ris(entry))
    return drafts


def _from_ris(entry: dict[str, Any]) -> Draft:
    kind = RIS_TYPES.get(str(entry.get("type_of_reference", "")).upper(), "misc")
    draft = Draft(kind, origin="RIS")
    names = _as_list(entry.get("authors")) + _as_list(entry.get("first_authors"))
    draft.authors = [_split_name(name) for name in names]
    editors = _as_list(entry.get("secondary_authors")) if kind in ("incollection", "book") else []
    draft.editors = [_split_name(name) for name in editors]
    draft.set("title", entry.get("title") or entry.get("primary_title"))
    container = entry.get("secondary_title") or entry.get("journal_name") or entry.get("alternate_title3")
    if kind == "article":
        draft.set("journal", container)
        draft.set("shortjournal", entry.get("alternate_title1") or entry.get("alternate_title2"))
    elif kind == "incollection":
        draft.set("booktitle", container)
    year, month = _year_month(str(entry.get("year") or entry.get("publication_year") or entry.get("date") or ""))
    draft.set("year", year)
    draft.set("month", month)
    draft.set("volume", entry.get("volume"))
    draft.set("number", entry.get("number") if kind != "techreport" else None)
    first, last = entry.get("start_page"), entry.get("end_page")
    draft.set("pages", f"{first}--{last}" if first and last else first)
    draft.set("publisher" if kind != "techreport" else "institution", entry.get("publisher"))
    draft.set("address", entry.get("place_published"))
    draft.set("edition", entry.get("edition"))
    draft.set("doi", entry.get("doi"))
    urls = _as_list(entry.get("urls"))
    draft.set("url", urls[0] if urls else None)
    draft.set("urldate", _iso(entry.get("access_date")))
    if kind == "techreport":
        draft.set("number", entry.get("number"))
    for note in _as_list(entry.get("notes")) + _as_list(entry.get("note")):
        match = re.search(r"\bPMID:\s*(\d{1,9})\b", note)
        if match:
            draft.set("pmid", match.group(1))
    draft.abstract = " ".join(str(entry.get("abstract") or entry.get("notes_abstract") or "").split())
    return draft


def _iso(value: Any) -> str:
    """``2024/03/01`` or ``2024-03-01`` -> ``2024-03-01``; anything else as written."""
    text = str(value or "").strip().rstrip("/")
    match = re.match(r"^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$", text)
    return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}" if match else text


# -- CSL-JSON -------------------------------------------------------------------------------------
def read_csl_json(text: str) -> list[Draft]:
    try:
        data = json.loads(text.lstrip("\ufeff"))
        # A "\ud800" escape gives a lone surrogate, which is not a character and cannot be written out.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except json.JSONDecodeError as exc:
        raise RecordError(f"cannot read the CSL-JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise RecordError("cannot read the CSL-JSON: it is nested too deeply") from None
    except UnicodeEncodeError as exc:
        raise RecordError(f"cannot read the CSL-JSON: it holds a lone surrogate (U+{ord(exc.object[exc.start]):04X}), "
                          "which is not a character; export the record again") from None
    items = data if isinstance(data, list) else [data]
    drafts = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not item.get("title"):
            raise RecordError(f"CSL-JSON item {number} is not an object with a title")
        drafts.append(_from_csl(item))
    return drafts


def _csl_names(value: Any) -> list[tuple[str, str]]:
    people = []
    for person in value if isinstance(value, list) else []:
        if not isinstance(person, dict):
            continue
        if person.get("literal"):
            people.append((str(person["literal"]), ""))
        elif person.get("family"):
            particle = str(person.get("non-dropping-particle", "")).strip()
            family = f"{particle} {person['family']}".strip()
            people.append((family, str(person.get("given", ""))))
    return people


def _csl_date(value: Any) -> tuple[str, str, str]:
    """(year, month name, ISO date) from ``{"date-parts": [[2024, 3, 1]]}``."""
    try:
        parts = [int(part) for part in value["date-parts"][0]]
    except (TypeError, KeyError, IndexError, ValueError):
        return "", "", ""
    year = f"{parts[0]:04d}"
    month = MONTH_NAMES[parts[1] - 1] if len(parts) > 1 and 1 <= parts[1] <= 12 else ""
    iso = "-".join([year, *(f"{p:02d}" for p in parts[1:3])]) if month else year
    return year, month, iso


def _from_csl(item: dict[str, Any]) -> Draft:
    kind = CSL_TYPES.get(str(item.get("type", "")), "misc")
    draft = Draft(kind, origin="CSL-JSON")
    draft.authors = _csl_names(item.get("author"))
    draft.editors = _csl_names(item.get("editor"))
    draft.set("title", item.get("title"))
    if kind == "article":
        draft.set("journal", item.get("container-title"))
        draft.set("shortjournal", item.get("container-title-short") or item.get("journalAbbreviation"))
    elif kind == "incollection":
        draft.set("booktitle", item.get("container-title"))
    year, month, _ = _csl_date(item.get("issued"))
    draft.set("year", year)
    draft.set("month", month)
    draft.set("volume", item.get("volume"))
    draft.set("number", item.get("issue") if kind == "article" else item.get("number"))
    draft.set("pages", full_pages(str(item.get("page", ""))) if item.get("page") else None)
    draft.set("institution" if kind == "techreport" else "publisher", item.get("publisher"))
    draft.set("address", item.get("publisher-place"))
    draft.set("edition", item.get("edition"))
    draft.set("doi", item.get("DOI"))
    draft.set("pmid", item.get("PMID"))
    draft.set("pmcid", item.get("PMCID"))
    draft.set("url", item.get("URL"))
    draft.set("urldate", _csl_date(item.get("accessed"))[2] if item.get("accessed") else None)
    draft.abstract = " ".join(str(item.get("abstract") or "").split())
    return draft
