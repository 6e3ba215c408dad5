"""Small pieces of Citing Medicine (NLM, 2nd ed.) as plain string functions: dates, months,
editions, page ranges, issue supplements. The style (:mod:`medcite.style.vancouver`) assembles them."""

from __future__ import annotations

import re
from collections.abc import Mapping

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = {name: index for index, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"), start=1)}
PAGE_RANGE_RE = re.compile(r"^\s*([A-Za-z]*)(\d+)\s*[-\u2013\u2014]+\s*([A-Za-z]*)(\d+)\s*$")
DASHES_RE = re.compile(r"[ ]?[-\u2013\u2014]{1,3}[ ]?")
ISO_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                 "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12}
EDITION_RE = re.compile(r"^(\d{1,3})(?:st|nd|rd|th)?\.?$", re.IGNORECASE)
ROMAN_LINEAGE = {"ii": "2nd", "iii": "3rd", "iv": "4th", "v": "5th", "vi": "6th"}
SUPPLEMENT_RE = re.compile(r"\bsupp(?:l(?:ement)?)?\.?(?=\s|$)", re.IGNORECASE)


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def month(value: str) -> str:
    """``3``, ``03``, ``mar``, ``March`` -> ``Mar``; anything else is kept as written."""
    text = value.strip().rstrip(".")
    if text.isdigit() and 1 <= int(text) <= 12:
        return MONTHS[int(text) - 1]
    folded = text.lower()
    for name, index in _MONTH_NAMES.items():
        if len(folded) >= 3 and name.startswith(folded):
            return MONTHS[index - 1]
    return value.strip()


def date(value: str) -> str:
    """An ISO date (``2024-03-01``, ``2024-03``, ``2024``) the NLM way: ``2024 Mar 1``."""
    text = value.strip()
    match = ISO_DATE_RE.match(text)
    if not match:
        return text
    year, mon, day = match.groups()
    if mon and not 1 <= int(mon) <= 12:
        return text
    parts = [year]
    if mon:
        parts.append(MONTHS[int(mon) - 1])
        if day and 1 <= int(day) <= 31:
            parts.append(str(int(day)))
    return " ".join(parts)


def date_range(value: str) -> str:
    """A biblatex date range the NLM way: ``2002-08-17/2002-08-22`` -> ``2002 Aug 17-22``,
    ``2002-08-30/2002-09-02`` -> ``2002 Aug 30-Sep 2``; a single date as :func:`date`."""
    start, _, end = value.strip().partition("/")
    first, last = date(start), date(end) if end.strip() else ""
    if not last or last == first:
        return first
    a, b = first.split(" "), last.split(" ")
    common = 0
    while common < min(len(a), len(b)) - 1 and a[common] == b[common]:
        common += 1
    return f"{first}-{' '.join(b[common:])}"


def edition(value: str) -> str:
    """``2``, ``2nd``, ``Second`` -> ``2nd ed.``; a written-out statement keeps its words."""
    text = " ".join(value.split()).rstrip(".")
    match = EDITION_RE.match(text)
    if match:
        return f"{ordinal(int(match.group(1)))} ed."
    number = ORDINAL_WORDS.get(text.lower())
    if number:
        return f"{ordinal(number)} ed."
    if re.search(r"\bed(?:ition)?$", text, re.IGNORECASE):
        return re.sub(r"\bedition$", "ed", text, flags=re.IGNORECASE) + "."
    return f"{text} ed."


def lineage(value: str) -> str:
    """Citing Medicine writes ``Jr`` and ``Sr`` without a period and ``III`` as ``3rd``."""
    text = value.strip().rstrip(".")
    return ROMAN_LINEAGE.get(text.lower(), text)


def pages(value: str) -> str:
    """NLM elides repeated leading digits: ``2791--2803`` -> ``2791-803``."""
    match = PAGE_RANGE_RE.match(value)
    if not match:  # not a plain range ("519--526.e1", "S1, S4"): BibTeX's dash as NLM's hyphen, nothing elided
        return DASHES_RE.sub("-", " ".join(value.split()))
    prefix, first, prefix2, last = match.groups()
    if prefix2 == prefix or not prefix2:  # the same letter prefix is not repeated: S6--S12 -> S6-12
        prefix2 = ""
    if prefix2 or len(last) != len(first) or int(last) < int(first):
        return f"{prefix}{first}-{prefix2}{last}"
    common = 0
    while common < len(first) - 1 and first[common] == last[common]:
        common += 1
    return f"{prefix}{first}-{last[common:]}"


def supplement(value: str) -> str:
    """``Supplement 2`` / ``suppl. 2`` -> ``Suppl 2`` (volume or issue supplements)."""
    return " ".join(SUPPLEMENT_RE.sub("Suppl", value).split())


def is_supplement(value: str) -> bool:
    """``Suppl 2`` (a supplement and no issue number), as :func:`supplement` writes it."""
    return value == "Suppl" or value.startswith("Suppl ")


def consulted_online(entry_type: str, fields: Mapping[str, str]) -> bool:
    """Cited in Citing Medicine's Internet form (``[Internet]``, ``[cited …]``, ``Available from:``).

    Anything with a URL, except a journal article that can be found by its DOI, PMID or PMCID; such an
    article is online only when the entry gives the date it was consulted (``urldate``).
    """
    if not str(fields.get("url", "")).strip():
        return False
    if entry_type != "article" or str(fields.get("urldate", "")).strip():
        return True
    return not any(str(fields.get(name, "")).strip() for name in ("doi", "pmid", "pmcid"))
