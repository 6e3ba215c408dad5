"""Differential test: our Citing Medicine style against pandoc's citeproc with the CSL style for Citing
Medicine (``tests/pandoc_oracle.py`` holds the normalisation, the deliberate-difference rules and the
entries we expect to differ, each with its reason). Entries: the site's references.bib and
tests/oracle/edge-cases.bib."""

from __future__ import annotations

import dataclasses
from collections import Counter

import markdown
import pytest
from bs4 import BeautifulSoup

from medcite.bib.bibliography import load_bibliography
from medcite.core.model import Reference
from medcite.engine.extension import CitationsExtension
from medcite.source.citations import find_citations

from .pandoc_oracle import (
    ENTRY_FILES,
    EXPECTED_DIFFERENCES,
    PANDOC,
    RULES,
    compare,
    formatted_pairs,
    pandoc_citations,
    pandoc_numbering,
    report,
)


@pytest.fixture(scope="module")
def pairs() -> list[tuple[Reference, str, str]]:
    if not PANDOC:
        pytest.fail("pandoc not found: install Debian's 'pandoc' package (.ci/run does)")
    return formatted_pairs()


def test_every_entry_agrees_with_pandoc_but_the_listed_ones(pairs: list[tuple[Reference, str, str]]) -> None:
    results = [compare(ref, ours, theirs) for ref, ours, theirs in pairs]
    assert len(results) >= 75
    disagreeing = {r.key for r in results if not r.agrees}
    # A new disagreement fails, and so does a listed one that now agrees (the list must stay true).
    assert disagreeing == set(EXPECTED_DIFFERENCES), report(results)


def test_both_print_the_same_identifiers(pairs: list[tuple[Reference, str, str]]) -> None:
    results = [compare(ref, ours, theirs) for ref, ours, theirs in pairs]
    assert [r.key for r in results if r.ours_ids != r.theirs_ids] == []
    assert sum(bool(r.ours_ids) for r in results) >= 60  # the comparison saw identifiers at all


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_each_deliberate_rule_is_needed(pairs: list[tuple[Reference, str, str]], rule: object) -> None:
    """Without the rule, some entry that agrees would disagree: no rule is dead weight."""
    others = tuple(r for r in RULES if r is not rule)
    with_rule = {ref.key for ref, ours, theirs in pairs if compare(ref, ours, theirs).agrees}
    without = {ref.key for ref, ours, theirs in pairs if compare(ref, ours, theirs, others).agrees}
    assert with_rule - without


@pytest.mark.parametrize(
    ("change", "description"),
    [
        (lambda text: text.replace("2007;147(7)", "2007;147(8)"), "wrong issue"),
        (lambda text: text.replace("Chou R, ", "Chou RA, "), "wrong initials"),
        (lambda text: text.replace("low back pain:", "Low Back Pain:"), "title case kept"),
        (lambda text: text.replace("Annals of Internal Medicine. ", ""), "journal dropped"),
        (lambda text: text.replace("doi:10.7326/0003-4819-147-7-200710020-00006", "doi:10.7326/x"), "wrong DOI"),
    ],
)
def test_the_comparison_catches_a_wrong_reference(pairs: list[tuple[Reference, str, str]], change: object,
                                                  description: str) -> None:
    ref, ours, theirs = next(pair for pair in pairs if pair[0].key == "chou2007diagnosis")
    assert compare(ref, ours, theirs).agrees
    broken = compare(ref, change(ours), theirs)  # type: ignore[operator]
    assert not (broken.agrees and broken.ours_ids == broken.theirs_ids), description


def test_listed_differences_are_real_entries(pairs: list[tuple[Reference, str, str]]) -> None:
    keys = {ref.key for ref, _, _ in pairs}
    assert set(EXPECTED_DIFFERENCES) <= keys
    assert all(dataclasses.is_dataclass(rule) and rule.reason for rule in RULES)


# -- citation syntax: each form read, numbered and written as pandoc --citeproc does -----------------
SNIPPETS = [
    pytest.param("A [@edited2002book, p. 3] and [see @chapter2002, chap. 2; also @webpage2022].", id="comma-forms"),
    pytest.param("A [@edited2002book p. 33].", id="suffix-without-comma"),
    pytest.param("A [see @chapter2002 chap. 3].", id="prefix-and-suffix-without-comma"),
    pytest.param("A [-@andothers2013 p. 44] and [@chapter2002; @edited2002book pp. 3--4].", id="suppressed-author"),
    pytest.param("A [@edited2002book and elsewhere].", id="suffix-not-a-locator"),
    pytest.param("A [@webpage2022.] B [@chapter2002]. C [@edited2002book's] view.", id="key-then-a-mark"),
    pytest.param("A [@{edited2002book}, p. 3; @{chapter2002} pp. 3--4] and [see -@{webpage2022}].", id="braced-keys"),
    pytest.param("Body [@edited2002book].[^1] More [@chapter2002].[^2]\n\n[^1]: Note [@andothers2013].\n"
                 "[^2]: Another [@webpage2022] and [@andothers2013].\n", id="footnotes-in-reading-order"),
    pytest.param("Text [@edited2002book].\n\n![A figure [@chapter2002]](x.png)\n\nMore ![two [@webpage2022; "
                 "@edited2002book]](y.png) and [@andothers2013].\n\n![All [@chapter2002; @andothers2013; "
                 "@edited2002book; @webpage2022]](z.png)\n", id="image-alt-text"),
]


def _normal(text: str) -> str:
    return " ".join(text.replace("--", "\u2013").replace("\u2019", "'").split())


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_each_citation_form_reads_and_numbers_as_pandoc(snippet: str) -> None:
    if not PANDOC:
        pytest.fail("pandoc not found: install Debian's 'pandoc' package (.ci/run does)")
    bib_path = ENTRY_FILES[1]
    ours_items = [(item.key, item.prefix, _normal(item.locator)) for cite in find_citations(snippet)
                  for item in cite.items]
    assert all(cite.problem is None for cite in find_citations(snippet))
    theirs_items = [(key, prefix, _normal(suffix)) for key, prefix, suffix in pandoc_citations(snippet)]
    assert Counter(ours_items) == Counter(theirs_items)  # the same keys, prefixes and locators
    bib, _ = load_bibliography(bib_path, use_disk_cache=False)
    md = markdown.Markdown(extensions=[CitationsExtension(bibliography=bib), "footnotes"])
    soup = BeautifulSoup(md.convert(snippet), "html.parser")
    ours_numbers = {str(li.select_one(".medcite-reference-text")["id"]).removeprefix("source-"): index
                    for index, li in enumerate(soup.select("ol.medcite-references > li"), start=1)}
    theirs_numbers, theirs_alts = pandoc_numbering(snippet, bib_path)
    assert ours_numbers == theirs_numbers  # Vancouver order of first citation, footnotes where their mark is
    # the same alt text; we separate numbers by ", " as in our superscripts, the CSL style by ","
    assert [str(img.get("alt", "")).replace(", ", ",") for img in soup.select("img")] == theirs_alts
