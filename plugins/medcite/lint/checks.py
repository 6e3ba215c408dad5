"""All checks, as functions returning :class:`Finding` lists: the one source of truth
for ``citation-lint`` and the MkDocs plugin."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache, partial

from ..bib.bibliography import Bibliography
from ..claims.classify import CLASSIFIERS, IN_CONTEXT, Verdict
from ..core import identifiers as ids
from ..core.model import Citation, Finding, Reference, Severity
from ..core.quantities import has_quantity
from ..core.rules import RULES
from ..core.vocab import EVIDENCE_LABELS, STRONG_EVIDENCE
from ..source.barekeys import find_bare_keys
from ..source.document import read_document
from ..source.metadata import MAX_REVIEW_INTERVAL_DAYS, REQUIRED_DATES, REQUIRED_TEXT, FrontMatter
from ..source.prose import HEADING_RE, TABLE_SEP_RE, Block, Exemption, Sentence
from ..source.readability import MIN_WORDS_FOR_GRADE, Readability, measure
from ..source.redflags import RedFlags
from ..style.formatter import ReferenceFormatter
from .advice import reference_notes
from .pagecontext import Placed, place_blocks
from .redflagcheck import check_red_flags

# Front matter key exempting a whole page (e.g. the disclaimer) from claim checks, with its reason.
PIPE_RE = re.compile(r"(?<!\\)\|")  # a "|" no backslash escapes (code spans and "\\\\" are masked)
PAGE_EXEMPTION = "no_cite"
EVIDENCE_CHECKED_KINDS = frozenset({"efficacy", "comparison"})
# A "sentence" longer than this is not prose a reader would meet; its claim is judged on its start,
# so text with no sentence breaks cannot make the claim rules slow.
MAX_CLASSIFIED_CHARS = 1000
REQUIRED_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    # Each inner tuple is satisfied by any one of its fields; a biblatex "date" gives the year.
    "article": (("author",), ("title",), ("year", "date"), ("journal", "shortjournal")),
    "book": (("author", "editor"), ("title",), ("year", "date"), ("publisher",)),
    "incollection": (("author",), ("title",), ("year", "date"), ("booktitle",)),
    "inbook": (("author", "editor"), ("title",), ("year", "date")),
    "misc": (("title",), ("year", "date", "urldate")),
    "online": (("title",), ("year", "date", "urldate"), ("url",)),
    "techreport": (("author", "institution"), ("title",), ("year", "date"), ("institution",)),
    "phdthesis": (("author",), ("title",), ("year", "date"), ("school", "institution")),
    "mastersthesis": (("author",), ("title",), ("year", "date"), ("school", "institution")),
    "thesis": (("author",), ("title",), ("year", "date"), ("school", "institution")),
    "inproceedings": (("author",), ("title",), ("year", "date"), ("booktitle", "eventtitle")),
    "conference": (("author",), ("title",), ("year", "date"), ("booktitle", "eventtitle")),
    "proceedings": (("title",), ("year", "date")),
}


@dataclass(frozen=True)
class LintOptions:
    select: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    readability_target: float = 8.0
    max_source_age: int = 10
    today: dt.date = field(default_factory=dt.date.today)
    page_time_limit: float = 10.0  # seconds of claim checking per page before "page too complex"
    # (rule, severity) pairs that replace a rule's own severity, e.g. (("old-sources", "warning"),)
    severity: tuple[tuple[str, Severity], ...] = ()
    # Paths of included snippet files (pymdownx.snippets): linted without front matter or reading grade.
    fragments: frozenset[str] = frozenset()
    claims: str = "meaning"  # which claim classifier: "meaning" (default), "rules" or "model" (medcite.claims.classify)
    notes: bool = True  # advice on how each entry reads (medcite.lint.advice); off saves time on big files
    red_flags: RedFlags | None = None  # warning signs and their urgency (medcite.source.redflags), for red-flag-urgency

    def wants(self, rule: str) -> bool:
        return (not self.select or rule in self.select) and rule not in self.ignore


@dataclass(frozen=True)
class SourceUse:
    """A cited claim whose sources are all old, or all below the strongest evidence levels.

    Pages only record these; :func:`medcite.sources.check_sources` turns every page's uses into one
    finding per source, so an editor sees "this source" once rather than once per claim.
    """

    rule: str  # old-sources, weak-evidence or unknown-evidence
    keys: tuple[str, ...]  # the sources concerned (bibliography keys)
    line: int
    column: int
    kind: str
    text: str


@dataclass(frozen=True)
class NumberClaim:
    """A cited claim that gives a number: :func:`medcite.lint.numbers.check_numbers` holds it, site-wide, against
    the recorded findings of its sources (so the page's report never depends on the findings file)."""

    line: int
    column: int
    text: str
    keys: tuple[str, ...]  # the sources cited (bibliography keys)
    # each citation of the sentence: its offset in ``text`` and the sources it cites (rule 7 of
    # medcite.core.quantities: a figure is held against the citation that follows it)
    cites: tuple[tuple[int, tuple[str, ...]], ...] = ()


@dataclass
class DocumentReport:
    """What linting one Markdown file found, and what it cites."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    citations: int = 0  # how many bracketed citations the page has
    cited_keys: set[str] = field(default_factory=set)
    exemptions: list[Exemption] = field(default_factory=list)
    readability: Readability | None = None
    claims: int = 0
    cited_claims: int = 0
    source_uses: list[SourceUse] = field(default_factory=list)
    numbers: list[NumberClaim] = field(default_factory=list)  # cited claims that give a number


def check_document(path: str, text: str, bib: Bibliography, options: LintOptions) -> DocumentReport:
    """Every per-page check: metadata, citations, claims, evidence and readability."""
    report = DocumentReport(path)
    deadline = time.monotonic() + options.page_time_limit  # for all of the page's checks, splitting included
    page = read_document(text)  # the one parse of this text, shared with the renderer in this process
    front = page.front_matter
    fragment = path in options.fragments  # an included snippet: checked as part of the pages that include it
    if not fragment:
        report.findings.extend(_check_metadata(path, front, options))
    masked = page.masked_alt  # a citation in alt text is numbered, so it is checked
    citations = page.citations
    report.citations = len(citations)
    for cite in citations:
        report.findings.extend(_check_citation(path, cite, bib, report.cited_keys))
    rows = _table_rows(masked)
    for cite in citations:
        if cite.line in rows and PIPE_RE.search(masked, cite.start, cite.end):
            report.findings.append(RULES["malformed-citation"].finding(
                path, cite.line, cite.column, f"a '|' inside a citation in a table ends the cell, and the page shows "
                f"the citation as not closed: write '\\|': {cite.raw}"))
    lines = page.lines
    for bare in find_bare_keys(masked, citations, lambda key: bib.resolve(key) is not None):
        line, column = lines.position(bare.start)
        report.findings.append(RULES["bare-citation-key"].finding(path, line, column,
                                        f"'@{bare.key}' is not a citation and is shown as written: "
                                        f"write [@{bare.key}]"))
    uncited_statements: list[tuple[Block, Sentence, str, str]] = []
    document = page.prose_until(deadline)
    report.exemptions = document.exemptions
    page_reason = front.data.get(PAGE_EXEMPTION) if front.present and not front.error else None
    if page_reason is not None:
        reason = str(page_reason).strip()
        report.exemptions = [Exemption(front.lines.get(PAGE_EXEMPTION, 1), 1, reason, "page"), *report.exemptions]
    for exemption in document.exemptions:
        if not exemption.reason:
            report.findings.append(RULES["exemption-without-reason"].finding(path, exemption.line, exemption.column,
                                            "a no-cite exemption needs a reason: "
                                            "<!-- no-cite: why this needs no source -->"))
    prose: list[str] = []
    classify = partial(_verdict, options.claims)
    coverage: dict[int, tuple[bool, set[str]]] = {}  # per paragraph, for _covered
    stopped = (document.stopped_at, 1) if document.stopped_at is not None else None
    # A classifier that reads page context (list item and its lead-in, heading, admonition) gets it; a list
    # under a lead-in whose items are claims is then reported once, at the lead-in (_uncited_lists).
    in_context = IN_CONTEXT.get(options.claims)
    placed = place_blocks(masked.split("\n"), document.blocks) if in_context is not None else {}
    list_claims: dict[tuple[int, int], list[tuple[Block, Sentence, Verdict]]] = {}
    own_findings: dict[int, Finding] = {}  # id(sentence) -> its uncited-claim finding
    list_items: dict[tuple[int, int], list[int]] = {}  # per lead-in: [its items' sentences, those that are no claim]
    previous, previous_heading = "", ""  # the unit before a sentence on the page, as the labellers saw it
    for block, sentence in document.sentences():
        if time.monotonic() > deadline:
            stopped = (sentence.line, sentence.column)
            break
        prose.append(sentence.text)
        where = placed.get(id(block))
        if in_context is not None and where is not None:
            if where.context.heading != previous_heading:  # the first sentence under a heading follows it
                previous, previous_heading = where.context.heading, where.context.heading
            context = dataclasses.replace(where.context, prev=previous[:MAX_CLASSIFIED_CHARS])
            previous = sentence.text
            verdict = in_context(sentence.text[:MAX_CLASSIFIED_CHARS], context)
            if where.lead_in is not None:
                counts = list_items.setdefault((id(where.lead_in[0]), where.lead_in[1]), [0, 0])
                counts[0] += 1
                counts[1] += verdict.label == "none"
        else:
            verdict = classify(sentence.text[:MAX_CLASSIFIED_CHARS])
        exempt = sentence.exemption is not None or block.exemption is not None or page_reason is not None
        if sentence.cited and not exempt:
            # A number in a cited sentence is its sources' figure, whatever the classifier calls the sentence
            # (the meaning model labels many study descriptions "should" or "none"): number-not-in-source.
            _record_numbers(report, sentence, bib)
        if verdict.label == "none":
            continue
        if verdict.label == "must":
            report.claims += 1
            report.cited_claims += sentence.cited
        if exempt:
            continue
        if verdict.label == "must" and not sentence.cited:
            if where is not None and where.lead_in is not None:
                lead_block, lead_index = where.lead_in
                list_claims.setdefault((id(lead_block), lead_index), []).append((block, sentence, verdict))
                continue
            finding = RULES["uncited-claim"].finding(
                path, sentence.line, sentence.column,
                f"{verdict.kind} claim needs a citation in the same sentence; {verdict.why()}",
                claim_kind=verdict.kind, text=sentence.text, severity=None if verdict.confident else "warning")
            own_findings[id(sentence)] = finding
            report.findings.append(finding)
        elif verdict.label == "should" and not _covered(block, sentence, classify, coverage):
            uncited_statements.append((block, sentence, verdict.kind, verdict.why()))
        elif verdict.label == "must" and sentence.cited:
            refs = [ref for key in sentence.cite_keys if (ref := bib.resolve(key)) is not None]
            report.source_uses.extend(_check_evidence(sentence, verdict.kind, refs, options))
    if stopped is not None:
        report.findings.append(RULES["page-too-complex"].finding(
            path, *stopped,
            f"page too complex to check within {options.page_time_limit:g} s: claims from here on were not "
            "checked; split the page or simplify its markup"))
    report.findings.extend(_uncited_paragraphs(path, text, uncited_statements))
    if options.red_flags is not None:
        report.findings.extend(check_red_flags(path, text, document, options.red_flags))
    if list_claims:
        _uncited_lists(path, document.blocks, placed, list_claims, list_items, own_findings, report.findings)
    report.readability = measure(prose)
    grade = report.readability
    if not fragment and grade.words >= MIN_WORDS_FOR_GRADE and grade.grade > options.readability_target:
        report.findings.append(RULES["reading-grade"].finding(
            path, 1, 1,
            f"reading grade {report.readability.grade:.1f} is above the target {options.readability_target:g} "
            f"({report.readability.words} words in {report.readability.sentences} sentences): use shorter sentences "
            "and everyday words"))
    report.findings = filter_findings(report.findings, options)
    return report


def _record_numbers(report: DocumentReport, sentence: Sentence, bib: Bibliography) -> None:
    """A cited sentence that gives a number, for number-not-in-source (medcite.lint.numbers)."""
    refs = [ref for key in sentence.cite_keys if (ref := bib.resolve(key)) is not None]
    if refs and has_quantity(sentence.text[:MAX_CLASSIFIED_CHARS]):
        cites = tuple((offset, resolved) for offset, group in sentence.cites
                      if (resolved := tuple(dict.fromkeys(ref.key for key in group
                                                          if (ref := bib.resolve(key)) is not None))))
        report.numbers.append(NumberClaim(sentence.line, sentence.column, sentence.text,
                                          tuple(dict.fromkeys(ref.key for ref in refs)), cites))


@lru_cache(maxsize=1 << 16)
def _verdict(claims: str, text: str) -> Verdict:
    """Classifier ``claims``' verdict on one sentence, cached here by its text across pages and serve rebuilds,
    whichever classifiers claims.py holds (each must stay a pure function of the text)."""
    return CLASSIFIERS[claims](text)


def _uncited_lists(path: str, blocks: list[Block], placed: dict[int, Placed],
                   found: dict[tuple[int, int], list[tuple[Block, Sentence, Verdict]]],
                   counts: dict[tuple[int, int], list[int]], own_findings: dict[int, Finding],
                   findings: list[Finding]) -> None:
    """A list of claims (symptoms, risk factors, warning signs) under a lead-in: cited nowhere, one finding at
    the lead-in covers its items; a citation on the lead-in covers them all; otherwise each uncited item is
    reported on its own. A list read as a whole, as the labellers read it: when at least half of its items are
    no claim (a list of steps), an item the classifier is unsure of (warning level) is a step too; a confident
    one is still reported."""
    by_id = {id(block): block for block in blocks}
    items_of: dict[tuple[int, int], list[Block]] = {}
    for block in blocks:
        where = placed.get(id(block))
        if where is not None and where.lead_in is not None:
            items_of.setdefault((id(where.lead_in[0]), where.lead_in[1]), []).append(block)
    for key, claims in found.items():
        items, not_claims = counts.get(key, (0, 0))
        if 2 * not_claims >= items:
            claims = [claim for claim in claims if claim[2].confident]
            if not claims:
                continue
        lead_block, lead_index = by_id[key[0]], key[1]
        lead = lead_block.sentences[lead_index]
        if lead.cited:
            continue  # the lead-in's citation covers its items
        items_cited = any(item.cited for item in items_of.get(key, []))
        if items_cited or lead.exemption is not None or lead_block.exemption is not None:
            for _, sentence, verdict in claims:
                findings.append(RULES["uncited-claim"].finding(
                    path, sentence.line, sentence.column,
                    f"{verdict.kind} claim needs a citation in the same sentence; {verdict.why()}",
                    claim_kind=verdict.kind, text=sentence.text, severity=None if verdict.confident else "warning"))
            continue
        own = own_findings.pop(id(lead), None)
        if own is not None:
            findings.remove(own)  # the list's finding at the lead-in replaces the lead-in's own
        kinds = ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in _counted(v.kind for _, _, v in claims))
        confident = any(v.confident for _, _, v in claims)
        verdict = claims[0][2]
        findings.append(RULES["uncited-claim"].finding(
            path, lead.line, lead.column,
            f"the {len(claims)} list item(s) under this lead-in are claims ({kinds}; lines "
            f"{', '.join(str(s.line) for _, s, _ in claims)}) and nothing in the list is cited: cite the lead-in "
            f"(it covers its items) or each item; first: {verdict.why()}",
            claim_kind=verdict.kind, text=" ".join([lead.text, *(s.text for _, s, _ in claims)]),
            severity=None if confident else "warning",
            related=tuple(f"{path}:{s.line}:{s.column}" for _, s, _ in claims)))


def _uncited_paragraphs(path: str, text: str, found: list[tuple[Block, Sentence, str, str]]) -> Iterable[Finding]:
    """One ``uncited-statement`` per Markdown paragraph or tight list: one citation there fixes it."""
    lines = text.split("\n")
    groups: list[list[tuple[Block, Sentence, str, str]]] = []
    for item in found:
        if groups:
            last_block = groups[-1][-1][0]
            between = lines[last_block.line - 1:item[0].line - 1]
            if item[0] is last_block or all(line.strip() and not HEADING_RE.match(line) for line in between):
                groups[-1].append(item)
                continue
        groups.append([item])
    for group in groups:
        _, first, kind, why = group[0]
        if len(group) == 1:
            message = f"{kind} should be cited in its paragraph; {why}"
        else:
            kinds = ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in _counted(k for _, _, k, _ in group))
            where = ", ".join(str(s.line) for _, s, _, _ in group)
            message = (f"{len(group)} statements in this paragraph should be cited ({kinds}; lines {where}); "
                       f"first: {why}")
        yield RULES["uncited-statement"].finding(path, first.line, first.column, message, claim_kind=kind,
                                                 text=" ".join(s.text for _, s, _, _ in group),
                                                 related=tuple(f"{path}:{s.line}:{s.column}"
                                                               for _, s, _, _ in group[1:]))


def _counted(values: Iterable[str]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return list(counts.items())


# Words too common in health prose to show that two sentences are about the same thing.
COMMON_WORDS = frozenset({
    "about", "after", "also", "because", "being", "body", "could", "does", "during", "every", "from", "have", "into",
    "like", "make", "many", "more", "most", "much", "often", "other", "over", "people", "pain", "part", "some", "such",
    "than", "that", "their", "them", "then", "there", "these", "they", "this", "those", "through", "very", "what",
    "when", "where", "which", "while", "will", "with", "your", "years", "weeks", "months",
})


def _terms(text: str) -> set[str]:
    return {word[:6] for word in re.findall(r"[a-z]{4,}", text.lower()) if word not in COMMON_WORDS}


def _covered(block: Block, sentence: Sentence, classify: Callable[[str], Verdict],
             seen: dict[int, tuple[bool, set[str]]]) -> bool:
    """Whether a paragraph's citation can cover a background (should-cite) sentence: a citation on the
    sentence itself or on another background sentence does; one on a must-cite claim supports that claim,
    so it covers the sentence only when the two share a term ("the sciatic nerve ... sciatica ...").
    What the paragraph's cited sentences offer is worked out once per paragraph (``seen``)."""
    if sentence.cited:
        return True
    if id(block) not in seen:
        background, claim_terms = False, set()
        for other in block.sentences:
            if not other.cited:
                continue
            if classify(other.text[:MAX_CLASSIFIED_CHARS]).label != "must":
                background = True
                break
            claim_terms |= _terms(other.text)
        seen[id(block)] = (background, claim_terms)
    background, claim_terms = seen[id(block)]
    return background or bool(_terms(sentence.text) & claim_terms)


def _table_rows(masked: str) -> set[int]:
    """Line numbers of table rows, as Python-Markdown's tables find them: a header row holding a '|', its
    separator row, then every line up to a blank one (code, front matter and comments are masked)."""
    lines = masked.split("\n")
    rows: set[int] = set()
    for number, line in enumerate(lines[1:], start=2):
        header = lines[number - 2]
        if number in rows or not TABLE_SEP_RE.match(line) or "|" not in header + line or not header.strip():
            continue
        rows.update((number - 1, number))
        for after in range(number, len(lines)):
            if not lines[after].strip():
                break
            rows.add(after + 1)
    return rows


def _check_citation(path: str, cite: Citation, bib: Bibliography, cited: set[str]) -> Iterable[Finding]:
    if cite.problem:
        yield RULES["malformed-citation"].finding(path, cite.line, cite.column,
                       f"{cite.problem}: {cite.raw}")
    for item in cite.items:
        ref = bib.resolve(item.key)
        if ref is None:
            near = suggest_key(item.key, bib)
            hint = f"; did you mean '{near}'?" if near else ""
            yield RULES["unknown-key"].finding(path, cite.line, cite.column,
                           f"unknown citation key '{item.key}'{hint}")
        else:
            cited.add(ref.key)


def suggest_key(key: str, bib: Bibliography) -> str | None:
    """The bibliography key closest to a mistyped one (difflib ratio, at least 0.85), if any."""
    if ":" in key:  # doi:/pmid: look-ups are not keys
        return None
    folded = {name.casefold(): name for name in bib.references}
    close = difflib.get_close_matches(key.casefold(), list(folded), n=1, cutoff=0.85)
    return folded[close[0]] if close else None


def _check_evidence(sentence: Sentence, kind: str, refs: list[Reference], options: LintOptions) -> Iterable[SourceUse]:
    if not refs:
        return
    where = (sentence.line, sentence.column, kind, sentence.text)
    if kind in EVIDENCE_CHECKED_KINDS and not any(ref.evidence in STRONG_EVIDENCE for ref in refs):
        unknown = tuple(ref.key for ref in refs if ref.evidence not in EVIDENCE_LABELS)
        if unknown:
            yield SourceUse("unknown-evidence", unknown, *where)
        else:
            yield SourceUse("weak-evidence", tuple(ref.key for ref in refs), *where)
    years = [ref.year for ref in refs]
    if all(year is not None for year in years):
        newest = max(y for y in years if y is not None)
        if options.today.year - newest > options.max_source_age:
            yield SourceUse("old-sources", tuple(ref.key for ref in refs), *where)


def _check_metadata(path: str, front: FrontMatter, options: LintOptions) -> Iterable[Finding]:
    if not front.present:
        yield RULES["missing-front-matter"].finding(path, 1, 1,
                       "no front matter: add title, description, last_reviewed and next_review between '---' lines")
        return
    if front.style == "multimarkdown":  # MkDocs hides these lines, Zensical shows them: neither reads it as ours
        lines = "line 1" if front.last_line == 1 else f"lines 1-{front.last_line}"
        yield RULES["missing-front-matter"].finding(path, 1, 1,
                       f"no front matter: MkDocs reads {lines} as MultiMarkdown metadata and does not show them "
                       "(Zensical shows them): put title, description, last_reviewed and next_review between "
                       "'---' lines")
        return
    if front.error:
        yield RULES["invalid-front-matter"].finding(path, front.error_line, 1, front.error)
        return
    for key in REQUIRED_TEXT:
        value = front.data.get(key)
        line = front.lines.get(key, 1)
        if value is not None and not isinstance(value, str):
            # YAML reads `title: 2024` as a number and `title: yes` as true: quote it.
            yield RULES["invalid-metadata"].finding(path, line, 1,
                           f"'{key}' must be text, not {type(value).__name__} {str(value)[:40]!r}: "
                           f"put it in quotes ({key}: \"...\")")
        elif not isinstance(value, str) or not value.strip():
            yield RULES["missing-metadata"].finding(path, line, 1,
                           f"front matter has no '{key}'")
        elif "<" in value or ">" in value:
            yield RULES["metadata-markup"].finding(path, line, 1,
                           f"'{key}' holds '<' or '>': write plain text (it is shown escaped, never as HTML)")
        elif '"' in value and key == "description":
            yield RULES["metadata-markup"].finding(path, line, 1,
                           f"'{key}' holds a double quote; it is escaped in the page's <meta> tag, but "
                           "search engines may cut the text there: prefer single quotes", severity="warning")
    dates = {}
    for key in REQUIRED_DATES:
        if key not in front.data:
            yield RULES["missing-review-date"].finding(path, 1, 1, f"front matter has no '{key}'")
            continue
        value = front.date(key)
        if value is None:
            yield RULES["invalid-date"].finding(path, front.lines.get(key, 1), 1,
                           f"'{key}' must be an ISO date (YYYY-MM-DD), not {front.data[key]!r}")
        else:
            dates[key] = value
    last, following = dates.get("last_reviewed"), dates.get("next_review")
    if last and following:
        line = front.lines.get("next_review", 1)
        if following <= last:
            yield RULES["review-interval"].finding(path, line, 1,
                           f"next_review {following} is not after last_reviewed {last}")
        elif (following - last).days > MAX_REVIEW_INTERVAL_DAYS:
            yield RULES["review-interval"].finding(path, line, 1,
                           f"next_review {following} is more than 3 years after last_reviewed {last}")
    if following and following < options.today:
        yield RULES["review-overdue"].finding(path, front.lines.get("next_review", 1), 1,
                       f"review was due on {following}")


def check_bibliography(bib: Bibliography, cited_keys: set[str] | None, options: LintOptions) -> list[Finding]:
    """Entry-level checks; ``cited_keys`` None skips the never-cited check (a partial run)."""
    findings: list[tuple[Finding, str]] = []  # each with the key of the entry it is about
    seen_doi: dict[str, Reference] = {}
    seen_pmid: dict[str, Reference] = {}
    formatter = ReferenceFormatter()
    shapes: dict[tuple[object, ...], bool] = {}
    for ref in bib:
        findings.extend((finding, ref.key) for finding in _check_entry(bib.path, ref, options.notes))
        findings.extend((finding, ref.key) for finding in _check_formatting(bib.path, ref, formatter, shapes))
        doi = ids.normalize_doi(ref.fields.get("doi", "")).casefold()
        if doi and doi in seen_doi:
            findings.append((_bib(bib.path, ref, "duplicate-doi",
                                  f"'{ref.key}' has the same DOI as '{seen_doi[doi].key}' (line {seen_doi[doi].line})"),
                             ref.key))
        elif doi:
            seen_doi[doi] = ref
        pmid = ref.fields.get("pmid", "").strip()
        if pmid and pmid in seen_pmid:
            findings.append((_bib(bib.path, ref, "duplicate-pmid", f"'{ref.key}' has the same PMID as "
                                  f"'{seen_pmid[pmid].key}' (line {seen_pmid[pmid].line})"), ref.key))
        elif pmid:
            seen_pmid[pmid] = ref
        if cited_keys is not None and ref.key not in cited_keys:
            findings.append((_bib(bib.path, ref, "uncited-entry", f"'{ref.key}' is never cited"), ref.key))
    return filter_findings(group_advice(findings), options)


SHOWN_KEYS = 6


def group_advice(findings: Iterable[tuple[Finding, str]]) -> list[Finding]:
    """Advice that reads the same for every entry (a rule with a ``grouped`` template in the registry):
    one finding for all of them, at the first entry with the others as related locations, naming the
    entries by the key each finding is about."""
    grouped: dict[str, list[tuple[Finding, str]]] = {}
    kept: list[Finding] = []
    for finding, key in findings:
        if RULES[finding.rule].grouped and finding.severity == "advice":
            grouped.setdefault(finding.rule, []).append((finding, key))
        else:
            kept.append(finding)
    for rule, members in grouped.items():
        if len(members) == 1:
            kept.append(members[0][0])
            continue
        keys = [key for _, key in members]
        shown = ", ".join(keys[:SHOWN_KEYS]) + (f" and {len(keys) - SHOWN_KEYS} more" if len(keys) > SHOWN_KEYS else "")
        first = members[0][0]
        kept.append(dataclasses.replace(first, message=RULES[rule].grouped.format(n=len(members), keys=shown),
                                        related=tuple(m.location() for m, _ in members[1:])))
    return kept


def _check_formatting(path: str, ref: Reference, formatter: ReferenceFormatter,
                      shapes: dict[tuple[object, ...], bool]) -> Iterable[Finding]:
    """Report every entry the style cannot format (it would show "(incomplete reference)").

    The style fails on which fields an entry has, not on their values, so one entry of each
    shape (type, fields present, name roles) is formatted; every entry of a failing shape is.
    """
    present = frozenset(name for name, value in ref.source if value.strip())
    shape = (ref.entry_type, present, frozenset(role for role, names in ref.people if names))
    if shapes.get(shape, False):
        return
    problem = formatter.format(ref).problem
    shapes[shape] = not problem
    if problem:
        yield _bib(path, ref, "incomplete-reference",
                   f"'{ref.key}' ({ref.entry_type}) is shown as '(incomplete reference)': {problem}")


def _bib(path: str, ref: Reference, rule: str, message: str) -> Finding:
    return RULES[rule].finding(path, ref.line, 1, message)


def _hidden_characters(path: str, ref: Reference) -> Iterable[Finding]:
    names = [(role, name) for role, people in ref.people for name in people]
    for name, value in [*ref.fields.items(), *names]:
        found = ids.HIDDEN_CHAR_RE.search(value)
        if found:
            ch = found.group()
            label = unicodedata.name(ch, "control character")
            yield _bib(path, ref, "control-character",
                       f"'{ref.key}': the {name} field holds U+{ord(ch):04X} {label}, which hides or reorders "
                       "what readers see; retype it")
            return


def _check_entry(path: str, ref: Reference, notes: bool = True) -> Iterable[Finding]:
    yield from _hidden_characters(path, ref)
    fields = ref.fields
    present = {name for name, value in fields.items() if value.strip()} | {role for role, names in ref.people if names}
    for name, value in fields.items():
        if not value.strip():
            yield _bib(path, ref, "empty-field", f"'{ref.key}' has an empty '{name}' field")
    for options in REQUIRED_FIELDS.get(ref.entry_type, (("title",), ("year", "date"))):
        if not present.intersection(options):
            yield _bib(path, ref, "missing-field",
                       f"'{ref.key}' ({ref.entry_type}) has no {' or '.join(options)}")
    doi, pmid, pmcid = (fields.get(name, "").strip() for name in ("doi", "pmid", "pmcid"))
    if doi and not ids.is_doi(doi):
        yield _bib(path, ref, "invalid-doi", f"'{ref.key}': DOI '{doi}' should look like 10.NNNN/…")
    if pmid and not ids.is_pmid(pmid):
        yield _bib(path, ref, "invalid-pmid", f"'{ref.key}': PMID '{pmid}' should be digits only")
    if pmcid and not ids.is_pmcid(pmcid):
        yield _bib(path, ref, "invalid-pmcid",
                   f"'{ref.key}': PMCID '{pmcid}' should be PMC followed by digits")
    if ref.entry_type == "article" and not doi and not pmid:
        yield _bib(path, ref, "missing-identifier",
                   f"'{ref.key}' is a journal article with neither DOI nor PMID")
    url = fields.get("url", "").strip()
    if url and not ids.is_web_url(url):
        yield _bib(path, ref, "non-http-url", f"'{ref.key}': url '{url}' is not an http(s) link; "
                   "it is shown as text")
    if notes:
        yield from reference_notes(path, ref)
    evidence = fields.get("evidence", "").strip().lower()
    if evidence and evidence not in EVIDENCE_LABELS:
        yield _bib(path, ref, "invalid-evidence", f"'{ref.key}': evidence '{evidence}' is not one of "
                   + ", ".join(EVIDENCE_LABELS))


def filter_findings(findings: Iterable[Finding], options: LintOptions) -> list[Finding]:
    """The findings of the wanted rules, each at its configured severity."""
    overrides = dict(options.severity)
    return [dataclasses.replace(f, severity=overrides[f.rule]) if f.rule in overrides else f
            for f in findings if options.wants(f.rule)]
