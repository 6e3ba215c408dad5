"""Every rule of the linter, as data: one record per rule id (ruff's ``codes.rs``, flake8's entry points).

``citation-lint --list-rules``, the SARIF rule table and levels, ``--select`` / ``--ignore`` /
``--severity``, the plugin's option checks and the grouping of advice all read this table; a check
makes its finding with ``RULES[rule].finding(...)``, so a rule's category and default severity are
written here and nowhere else. A check may still report one case at another level (``metadata-markup``:
a double quote in a description is only a warning), by passing ``severity``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .model import Category, Finding, Severity

# What a rule looks at: one page's text, one bibliography entry, or the whole site (every page's report).
Scope = Literal["page", "entry", "site"]


@dataclass(frozen=True)
class Rule:
    id: str
    category: Category
    severity: Severity  # the default; ``severity: {rule: level}`` in mkdocs.yml or --severity changes it
    scope: Scope
    summary: str  # one line: --list-rules, SARIF shortDescription
    # Advice that reads the same for every entry it concerns is reported once for all of them (build logs
    # show it once); the template's {n} is the number of entries and {keys} their keys.
    grouped: str = ""

    def finding(self, path: str, line: int, column: int, message: str, *, severity: Severity | None = None,
                claim_kind: str | None = None, text: str | None = None, related: tuple[str, ...] = ()) -> Finding:
        return Finding(path, line, column, self.id, severity or self.severity, self.category, message, claim_kind,
                       text, related)


REGISTRY: tuple[Rule, ...] = (
    # claims
    Rule("uncited-claim", "claim", "error", "page",
         "A statistic, efficacy, cause, prognosis, warning-sign, drug or comparison claim has no citation in the "
         "same sentence."),
    Rule("uncited-statement", "claim", "warning", "page",
         "A paragraph states anatomy, definitions or mechanisms and cites nothing (once per paragraph)."),
    Rule("exemption-without-reason", "claim", "error", "page", "A <!-- no-cite --> exemption has no reason."),
    Rule("page-too-complex", "claim", "error", "page",
         "The page could not be checked within the per-page time limit."),
    # red flags (medcite.source.redflags)
    Rule("red-flag-urgency", "claim", "error", "page",
         "A sentence names a warning sign of the red-flag data with another urgency than the data gives it, or "
         "with none ('see your doctor', 'get help urgently')."),
    Rule("red-flag-data", "claim", "error", "page",
         "The red-flag data file cannot be used: YAML error, unknown key or urgency, unknown block."),
    # numbers held against the sources' recorded findings (medcite.bib.findings, medcite.lint.numbers)
    Rule("number-not-in-source", "claim", "error", "site",
         "A number in a cited claim is not a figure of its sources' recorded findings (findings file)."),
    Rule("source-findings-missing", "claim", "warning", "site",
         "A cited claim gives a number, but a source it cites has no recorded findings to check it against."),
    Rule("invalid-findings", "claim", "error", "site",
         "The findings file cannot be used: missing, YAML error, unknown key or field, a figure that cannot be "
         "read."),
    # citations
    Rule("unknown-key", "citation", "error", "page",
         "A citation names a key, DOI or PMID that is not in the bibliography."),
    Rule("malformed-citation", "citation", "error", "page",
         "A bracketed citation cannot be read (e.g. [@] or [@a;;]) or is never closed."),
    Rule("bad-include", "citation", "error", "page",
         "An include line (--8<--) names a file the build may not read: missing, a folder, a FIFO, a URL, outside "
         "the snippet base path, or a symlink out of it."),
    Rule("bare-citation-key", "citation", "error", "page",
         "An @key of the bibliography written without brackets; it is shown as written, never converted: write "
         "[@key]."),
    Rule("weak-evidence", "citation", "advice", "site",
         "Advice, once per source: efficacy or comparison claims are cited only to sources below guideline, "
         "systematic review or randomised trial."),
    # A source with no evidence level is a gap in the bibliography an editor can close at once: a warning.
    Rule("unknown-evidence", "citation", "warning", "site",
         "Efficacy or comparison claims cite a source with no evidence level (once per source)."),
    Rule("old-sources", "citation", "advice", "site",
         "Advice, once per source: claims whose every source is older than the configured age."),
    # bibliography
    Rule("bibtex-syntax", "bibliography", "error", "entry", "The BibTeX file cannot be parsed at this point."),
    Rule("duplicate-key", "bibliography", "error", "entry", "Two entries have the same key."),
    Rule("suspicious-key", "bibliography", "error", "entry",
         "A key holds an invisible, control or format character (zero-width space, NUL, ...)."),
    Rule("lookalike-key", "bibliography", "error", "entry",
         "A key looks the same on screen as another key (Unicode confusables, NFKC, case)."),
    Rule("incomplete-reference", "bibliography", "error", "entry",
         "An entry lacks what its reference needs, so it is shown as '(incomplete reference)'."),
    Rule("control-character", "bibliography", "error", "entry",
         "A field holds a control character (NUL, ...) or a bidirectional override, which hides or reorders what "
         "readers see."),
    Rule("duplicate-field", "bibliography", "error", "entry", "An entry has the same field twice."),
    Rule("unknown-crossref", "bibliography", "error", "entry",
         "An entry's crossref names an entry that is not in the bibliography."),
    Rule("crossref-cycle", "bibliography", "error", "entry",
         "Crossrefs go round in a circle (a -> b -> a, or an entry naming itself)."),
    Rule("duplicate-doi", "bibliography", "error", "entry", "Two entries have the same DOI."),
    Rule("duplicate-pmid", "bibliography", "error", "entry", "Two entries have the same PMID."),
    Rule("invalid-doi", "bibliography", "error", "entry", "A DOI does not look like 10.NNNN/suffix."),
    Rule("invalid-pmid", "bibliography", "error", "entry", "A PMID is not all digits."),
    Rule("invalid-pmcid", "bibliography", "error", "entry", "A PMCID is not PMC followed by digits."),
    Rule("missing-identifier", "bibliography", "error", "entry", "A journal article has neither DOI nor PMID."),
    Rule("missing-field", "bibliography", "error", "entry",
         "An entry lacks a required field (author, title, year, journal, ...)."),
    Rule("empty-field", "bibliography", "error", "entry", "A field holds only whitespace."),
    Rule("empty-bibliography", "bibliography", "warning", "entry", "The bibliography file is empty."),
    Rule("uncited-entry", "bibliography", "warning", "site", "An entry is never cited on any page."),
    Rule("non-http-url", "bibliography", "warning", "entry", "A url field is not an http(s) link."),
    Rule("invalid-evidence", "bibliography", "warning", "entry", "The evidence field is not one of the known levels."),
    # bibliography notes (advice for editors; never fail a build)
    Rule("sentence-case-changed", "bibliography", "advice", "entry",
         "A Title Case title is shown in sentence case; the note names the words lower-cased."),
    Rule("no-journal-abbreviation", "bibliography", "advice", "entry",
         "A journal article has no shortjournal (the NLM abbreviation).",
         grouped="{n} journal article(s) have no shortjournal, so the full journal title is shown; Citing Medicine "
                 "uses the NLM abbreviation: copy it from the NLM Catalog or the record's TA field in PubMed (never "
                 "guess one): {keys}"),
    Rule("missing-urldate", "bibliography", "advice", "entry",
         "A source cited in its web form has no urldate (Citing Medicine's [cited ...]).",
         grouped="{n} web source(s) have no urldate (Citing Medicine gives the date you consulted them): {keys}"),
    Rule("missing-evidence", "bibliography", "advice", "entry", "An entry has no evidence level.",
         grouped="{n} entr(ies) have no evidence level: add evidence = {{…}}: {keys}"),
    # metadata
    Rule("missing-front-matter", "metadata", "error", "page",
         "The page has no front matter (MultiMarkdown `key: value` lines are not one)."),
    Rule("invalid-front-matter", "metadata", "error", "page",
         "The front matter is not valid YAML, or not front matter as MkDocs reads it (it then shows it as text)."),
    Rule("missing-metadata", "metadata", "warning", "page", "The front matter lacks a title or description."),
    Rule("invalid-metadata", "metadata", "error", "page",
         "A title or description is not text (e.g. `title: 2024` is read as a number)."),
    Rule("metadata-markup", "metadata", "error", "page",
         "A title or description holds HTML characters (< or >; a double quote in a description)."),
    Rule("missing-review-date", "metadata", "error", "page", "The front matter lacks last_reviewed or next_review."),
    Rule("invalid-date", "metadata", "error", "page", "A review date is not an ISO date."),
    Rule("review-interval", "metadata", "error", "page",
         "next_review is not after last_reviewed, or is more than 3 years after it."),
    Rule("review-overdue", "metadata", "warning", "page", "next_review is in the past."),
    # readability
    Rule("reading-grade", "readability", "warning", "page", "The page's Flesch-Kincaid grade is above the target."),
)
RULES: dict[str, Rule] = {rule.id: rule for rule in REGISTRY}
if len(RULES) != len(REGISTRY):  # pragma: no cover - a typo in the table above
    raise RuntimeError("medcite.core.rules: a rule id is listed twice")
