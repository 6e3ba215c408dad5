"""HTML for citations, reference lists and the site bibliography.

Every value that comes from the bibliography or a citation is escaped here; links are
only made from http(s) URLs (see :mod:`medcite.core.identifiers`).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from string import ascii_lowercase

from ..core.identifiers import doi_url, is_doi, is_pmcid, is_pmid, is_web_url, pmc_url, pubmed_url
from ..core.model import Reference
from ..core.vocab import EVIDENCE_LABELS
from ..style.formatter import ReferenceFormatter
from .locators import render_inline

UNSAFE_ID_RE = re.compile(r"[^A-Za-z0-9_-]+")


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def evidence_html(ref: Reference) -> str:
    label = EVIDENCE_LABELS.get(ref.evidence)
    if not label:
        return ""
    return f' <span class="medcite-evidence medcite-evidence--{ref.evidence}">{label}</span>'


def safe_id(value: str) -> str:
    return UNSAFE_ID_RE.sub("-", value).strip("-") or "x"


def source_anchor(key: str) -> str:
    """Id of an entry inside a page's References list, named by key so other pages can link to it."""
    return f"source-{safe_id(key)}"


@dataclass(frozen=True)
class CitedNumber:
    """One item of a citation group after numbering."""

    number: int
    ref: Reference
    locator: str = ""  # Markdown source, rendered by medcite.render.locators
    prefix: str = ""
    attached: bool = False  # a suffix written against the key ("[@a.]") follows the number as written: "1."

    @property
    def plain(self) -> bool:
        return not self.locator and not self.prefix


def compress(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """``[1, 2, 3, 5]`` -> ``[(1, 3), (5, 5)]``; runs of two stay apart (``1, 2``)."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    out: list[tuple[int, int]] = []
    for first, last in runs:
        if last - first == 1:
            out.extend([(first, first), (last, last)])
        else:
            out.append((first, last))
    return out


def citation_html(spot_id: str, cited: Sequence[CitedNumber], formatter: ReferenceFormatter,
                  problems: Sequence[str] = ()) -> str:
    """A superscript group: each number (or range) links to its entry in the References list.

    The full reference is in ``title`` (Material shows it as a tooltip on hover and focus) and the
    link is described by the list item itself (``aria-describedby``) for screen readers.
    """
    by_number = {item.number: item for item in cited if item.plain}
    plain = sorted(by_number)
    parts: list[tuple[int, str]] = []
    for first, last in compress(plain):
        members = [by_number[n] for n in range(first, last + 1)]
        label = str(first) if first == last else f"{first}\u2013{last}"
        spoken = f"Reference {first}" if first == last else f"References {first} to {last}"
        parts.append((first, _link(members, label, spoken, formatter)))
    for item in cited:
        if item.plain:
            continue
        locator = render_inline(item.locator) if item.locator else None
        if locator and item.attached:
            label_html, label_text = f"{item.number}{locator.html}", f"{item.number}{locator.text}"
        else:
            label_html = str(item.number) + (f" ({locator.html})" if locator else "")
            label_text = str(item.number) + (f" ({locator.text})" if locator else "")
        link = _link([item], label_html, f"Reference {label_text}", formatter, label_is_html=True)
        if item.prefix:  # the prefix is kept, before the number it introduces ("see 1 (p. 3)")
            link = f'<span class="medcite-prefix">{render_inline(item.prefix).html}</span> {link}'
        parts.append((item.number, link))
    inner = ", ".join(part for _, part in sorted(parts, key=lambda p: p[0]))
    for problem in problems:
        inner += (", " if inner else "") + f'<span class="medcite-error">{esc(problem)}</span>'
    return f'<sup class="medcite-citation" id="{esc(spot_id)}">{inner}</sup>'


def _link(members: Sequence[CitedNumber], label: str, spoken: str, formatter: ReferenceFormatter,
          label_is_html: bool = False) -> str:
    title = "\n".join(f"{m.number}. {formatter.format(m.ref).text}" for m in members)
    described = " ".join(f"ref-{m.number}" for m in members)
    return (f'<a class="medcite-ref" href="#ref-{members[0].number}" title="{esc(title)}" '
            f'aria-label="{esc(spoken)}" aria-describedby="{described}">{label if label_is_html else esc(label)}</a>')


def uncited_html(raw: str, reason: str) -> str:
    """A citation that could not be resolved stays visible, marked as an error."""
    return f'<span class="medcite-error" title="{esc(reason)}">{esc(raw)}</span>'


def backlink_labels(count: int) -> list[str]:
    return [ascii_lowercase[i] if i < 26 else str(i + 1) for i in range(count)]


@dataclass(frozen=True)
class CitingPage:
    title: str
    url: str  # a link to the citing page's source (.md), with the #source-<key> anchor


def _date_text(value: dt.date) -> str:
    return f"{value.day} {value.strftime('%B %Y')}"


GRADE_MARKER = "<!--medcite:reading-grade-->"


def grade_html(grade: float) -> str:
    return f" · Reading level: about school grade {max(1, round(grade))}"


def review_html(last_reviewed: dt.date | None, next_review: dt.date | None, grade: float | None,
                grade_slot: str = "") -> str:
    """The dates and reading level shown under an article's title (``grade_slot`` is filled in later)."""
    parts = []
    if last_reviewed:
        parts.append(f'Last reviewed <time datetime="{last_reviewed.isoformat()}">{_date_text(last_reviewed)}</time>')
    if next_review:
        parts.append(f'Next review <time datetime="{next_review.isoformat()}">{_date_text(next_review)}</time>')
    text = " · ".join(parts) + (grade_html(grade) if grade is not None else grade_slot)
    return f'<p class="medcite-review">{text}</p>' if parts else ""


def reference_urls(ref: Reference) -> list[str]:
    """Links that identify a source, built only from validated identifiers."""
    urls = []
    doi, pmid, pmcid = (ref.fields.get(name, "").strip() for name in ("doi", "pmid", "pmcid"))
    if doi and is_doi(doi):
        urls.append(doi_url(doi))
    if pmid and is_pmid(pmid):
        urls.append(pubmed_url(pmid))
    if pmcid and is_pmcid(pmcid):
        urls.append(pmc_url(pmcid))
    url = ref.fields.get("url", "").strip()
    if url and is_web_url(url):
        urls.append(url)
    return urls


def medical_webpage_jsonld(name: str, description: str, url: str | None, last_reviewed: dt.date | None,
                           refs: Sequence[Reference], formatter: ReferenceFormatter) -> str:
    """schema.org MedicalWebPage, safe to place inside <script type="application/ld+json">."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": name,
        "description": description,
        "medicalAudience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "inLanguage": "en",
    }
    if url:
        data["url"] = url
    if last_reviewed:
        data["lastReviewed"] = last_reviewed.isoformat()
    citations = []
    for ref in refs:
        urls = reference_urls(ref)
        item: dict[str, object] = {"@type": "ScholarlyArticle" if ref.entry_type == "article" else "CreativeWork",
                                   "name": ref.fields.get("title", ref.key), "citation": formatter.format(ref).text}
        if urls:
            item["url"] = urls[0]
            if len(urls) > 1:
                item["sameAs"] = urls[1:]
        citations.append(item)
    if citations:
        data["citation"] = citations
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # No "</script>" or HTML comment can be formed from field values inside the script element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
