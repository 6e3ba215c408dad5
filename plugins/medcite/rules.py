"""Every rule id with a one-line description (for --help, SARIF and the README)."""

from __future__ import annotations

RULES: dict[str, str] = {
    # claims
    "uncited-claim": "A statistic, efficacy, cause, prognosis, warning-sign, drug or comparison claim has no "
                     "citation in the same sentence.",
    "uncited-statement": "A paragraph states anatomy, definitions or mechanisms and cites nothing (once per "
                         "paragraph).",
    "exemption-without-reason": "A <!-- no-cite --> exemption has no reason.",
    "page-too-complex": "The page could not be checked within the per-page time limit.",
    # red flags (medcite.redflags)
    "red-flag-urgency": "A sentence names a warning sign of the red-flag data with another urgency than the data "
                        "gives it, or with none ('see your doctor', 'get help urgently').",
    "red-flag-data": "The red-flag data file cannot be used: YAML error, unknown key or urgency, unknown block.",
    # citations
    "unknown-key": "A citation names a key, DOI or PMID that is not in the bibliography.",
    "malformed-citation": "A bracketed citation cannot be read (e.g. [@] or [@a;;]) or is never closed.",
    "bad-include": "An include line (--8<--) names a file the build may not read: missing, a folder, a FIFO, a "
                   "URL, outside the snippet base path, or a symlink out of it.",
    "bare-citation-key": "An @key of the bibliography written without brackets; it is shown as written, never "
                         "converted: write [@key].",
    "weak-evidence": "Advice, once per source: efficacy or comparison claims are cited only to sources below "
                     "guideline, systematic review or randomised trial.",
    "unknown-evidence": "Efficacy or comparison claims cite a source with no evidence level (once per source).",
    "old-sources": "Advice, once per source: claims whose every source is older than the configured age.",
    # bibliography
    "bibtex-syntax": "The BibTeX file cannot be parsed at this point.",
    "duplicate-key": "Two entries have the same key.",
    "suspicious-key": "A key holds an invisible, control or format character (zero-width space, NUL, ...).",
    "lookalike-key": "A key looks the same on screen as another key (Unicode confusables, NFKC, case).",
    "incomplete-reference": "An entry lacks what its reference needs, so it is shown as '(incomplete reference)'.",
    "control-character": "A field holds a control character (NUL, ...) or a bidirectional override, which hides or "
                         "reorders what readers see.",
    "duplicate-field": "An entry has the same field twice.",
    "unknown-crossref": "An entry's crossref names an entry that is not in the bibliography.",
    "crossref-cycle": "Crossrefs go round in a circle (a -> b -> a, or an entry naming itself).",
    "duplicate-doi": "Two entries have the same DOI.",
    "duplicate-pmid": "Two entries have the same PMID.",
    "invalid-doi": "A DOI does not look like 10.NNNN/suffix.",
    "invalid-pmid": "A PMID is not all digits.",
    "invalid-pmcid": "A PMCID is not PMC followed by digits.",
    "missing-identifier": "A journal article has neither DOI nor PMID.",
    "missing-field": "An entry lacks a required field (author, title, year, journal, ...).",
    "empty-field": "A field holds only whitespace.",
    "empty-bibliography": "The bibliography file is empty.",
    "uncited-entry": "An entry is never cited on any page.",
    "non-http-url": "A url field is not an http(s) link.",
    "invalid-evidence": "The evidence field is not one of the known levels.",
    # bibliography notes (advice for editors; never fail a build)
    "sentence-case-changed": "A Title Case title is shown in sentence case; the note names the words lower-cased.",
    "no-journal-abbreviation": "A journal article has no shortjournal (the NLM abbreviation).",
    "missing-urldate": "A source cited in its web form has no urldate (Citing Medicine's [cited ...]).",
    "missing-evidence": "An entry has no evidence level.",
    # metadata
    "missing-front-matter": "The page has no front matter.",
    "invalid-front-matter": "The front matter is not valid YAML.",
    "missing-metadata": "The front matter lacks a title or description.",
    "invalid-metadata": "A title or description is not text (e.g. `title: 2024` is read as a number).",
    "metadata-markup": "A title or description holds HTML characters (< or >; a double quote in a description).",
    "missing-review-date": "The front matter lacks last_reviewed or next_review.",
    "invalid-date": "A review date is not an ISO date.",
    "review-interval": "next_review is not after last_reviewed, or is more than 3 years after it.",
    "review-overdue": "next_review is in the past.",
    # readability
    "reading-grade": "The page's Flesch-Kincaid grade is above the target.",
}
