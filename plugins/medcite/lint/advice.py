"""Advice for editors about how an entry will read in Citing Medicine form (severity ``advice``).

- ``sentence-case-changed``: the title was in Title Case and is shown in sentence case; the note names
  the words that lost their capital, so an editor can protect a proper noun with braces.
- ``no-journal-abbreviation``: a journal article has no ``shortjournal``; NLM abbreviates journal titles
  (the NLM Catalog's abbreviation, PubMed's ``TA`` field). We never guess one.
- ``missing-urldate``: a source cited in its web form has no date of consultation (``[cited …]``).
- ``missing-evidence``: an entry has no ``evidence`` level yet.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.model import Finding, Reference
from ..core.nlm import consulted_online
from ..core.rules import RULES
from ..core.vocab import evidence_choices
from ..style.casing import sentence_case

SHOWN_WORDS = 8


def _note(path: str, ref: Reference, rule: str, message: str) -> Finding:
    return RULES[rule].finding(path, ref.line, 1, message)


def reference_notes(path: str, ref: Reference) -> Iterable[Finding]:
    source = dict(ref.source)
    title = " ".join(source.get("title", "").split())
    lowered = sentence_case(title).lowered if title else ()
    if lowered:
        words = ", ".join(lowered[:SHOWN_WORDS]) + (", …" if len(lowered) > SHOWN_WORDS else "")
        yield _note(path, ref, "sentence-case-changed",
                    f"'{ref.key}': the title is shown in sentence case, as Citing Medicine asks (lower-cased: "
                    f"{words}); put a proper noun in braces to keep its capital, e.g. {{Achilles}}")
    if ref.entry_type == "article" and not ref.fields.get("shortjournal", "").strip():
        journal = ref.fields.get("journal") or ref.fields.get("journaltitle") or ""
        yield _note(path, ref, "no-journal-abbreviation",
                    f"'{ref.key}': no shortjournal, so the full title '{journal}' is shown; Citing Medicine uses "
                    "the NLM abbreviation: copy it from the NLM Catalog or the record's TA field in PubMed "
                    "(never guess one)")
    if consulted_online(ref.entry_type, ref.fields) and not ref.fields.get("urldate", "").strip():
        yield _note(path, ref, "missing-urldate",
                    f"'{ref.key}' is cited as a web source; Citing Medicine gives the date you consulted it: "
                    "add urldate = {YYYY-MM-DD}")
    if not ref.evidence:
        yield _note(path, ref, "missing-evidence",
                    f"'{ref.key}' has no evidence level: add evidence = {{…}} ({evidence_choices()})")
