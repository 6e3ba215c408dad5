"""Differential test: our Citing Medicine style against pandoc's citeproc with the CSL style for Citing
Medicine (``tests/pandoc_oracle.py`` holds the normalisation, the deliberate-difference rules and the
entries we expect to differ, each with its reason). Entries: the site's references.bib and
tests/oracle/edge-cases.bib."""

from __future__ import annotations

import dataclasses

import pytest

from medcite.core.model import Reference

from .pandoc_oracle import EXPECTED_DIFFERENCES, PANDOC, RULES, compare, formatted_pairs, report


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
