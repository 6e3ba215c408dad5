"""Validation and links for DOI, PMID and PMCID values.

Links are only ever built from values that pass these checks, so a hostile field
cannot smuggle a ``javascript:`` URL or markup into an ``href``.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# ASCII digits only ([0-9], not \d, which matches any script's digits): an identifier in Arabic-Indic or
# fullwidth digits would be linked to a page that does not exist and escape the duplicate check.
DOI_RE = re.compile(r"^10\.[0-9]{4,9}/\S+$")
PMID_RE = re.compile(r"^[0-9]{1,9}$")
PMCID_RE = re.compile(r"^PMC[0-9]{1,9}$")
# Characters no field may hold: controls (NUL, BEL, ...; tab and line breaks are whitespace) and the
# bidirectional overrides and isolates, which reorder what a reader sees ("Take U+202E01U+202C mg" reads "10 mg").
HIDDEN_CHAR_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
DOI_PREFIX_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalize_doi(value: str) -> str:
    """Strip a resolver prefix and whitespace; DOIs compare case-insensitively."""
    return DOI_PREFIX_RE.sub("", value.strip()).strip()


def is_doi(value: str) -> bool:
    return bool(DOI_RE.match(normalize_doi(value)))


def is_pmid(value: str) -> bool:
    return bool(PMID_RE.match(value.strip()))


def is_pmcid(value: str) -> bool:
    return bool(PMCID_RE.match(value.strip()))


def is_web_url(value: str) -> bool:
    """Only absolute http(s) URLs with a host become links."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(
        ch.isspace() or ch in "<>\"'`" for ch in value.strip()
    )


# Names reserved for examples and tests (RFC 2606, RFC 6761): a site_url there is a placeholder.
EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org")
EXAMPLE_TLDS = ("example", "test", "invalid", "localhost")


def is_placeholder_url(value: str) -> bool:
    """True for an address on a domain reserved for examples (``https://example.org/back-hip-thigh/``)."""
    try:
        host = (urlsplit(value.strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    if not host:
        return False
    return any(host == domain or host.endswith("." + domain) for domain in EXAMPLE_DOMAINS) \
        or host.rsplit(".", 1)[-1] in EXAMPLE_TLDS


def placeholder_notice(site_url: str, config_text: str, config_name: str) -> str | None:
    """The line citation-lint and the build print while site_url is a placeholder (None otherwise)."""
    if not is_placeholder_url(site_url):
        return None
    line = next((number for number, text in enumerate(config_text.splitlines(), start=1)
                 if text.startswith("site_url:")), 0)
    return (f"{config_name}:{line}: site_url is {site_url}, an example address: every page's canonical link, the "
            "sitemap and the JSON-LD will point there; set it to the address the site is published at (README: "
            "Publishing)")


def doi_url(doi: str) -> str:
    return "https://doi.org/" + quote(normalize_doi(doi), safe="/:;()._-")


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid.strip()}/"


def pmc_url(pmcid: str) -> str:
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid.strip()}/"
