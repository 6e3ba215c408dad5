"""The lint core: bibliography, metadata, evidence and readability rules (table-driven)."""

from __future__ import annotations

import datetime as dt

import pytest

from medcite.bibliography import parse_bibliography
from medcite.lint import LintOptions, check_bibliography, check_document

from .conftest import FRONT, SMALL_BIB

TODAY = dt.date(2026, 11, 23)
OPTIONS = LintOptions(today=TODAY)


def rules_of(findings) -> list[tuple[str, int]]:
    return [(f.rule, f.line) for f in findings]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("@article{a, author={Doe, J}, title={T}, journal={J}, year={2020}, doi={10.1000/x}}", []),
        ("@article{a, author={Doe, J}, title={T}, journal={J}, year={2020}}", ["missing-identifier"]),
        ("@article{a, author={Doe, J}, title={T}, journal={J}, year={2020}, doi={11.1000/x}}", ["invalid-doi"]),
        ("@article{a, author={Doe, J}, title={T}, journal={J}, year={2020}, pmid={12a}}", ["invalid-pmid"]),
        ("@article{a, author={Doe, J}, title={T}, journal={J}, year={2020}, pmid={1}, pmcid={123}}", ["invalid-pmcid"]),
        ("@article{a, title={T}, journal={J}, year={2020}, pmid={1}}", ["missing-field"]),
        ("@article{a, author={Doe, J}, title={T}, year={2020}, pmid={1}}", ["missing-field"]),
        ("@article{a, author={Doe, J}, title={T}, journal={J}, year={2020}, pmid={1}, url={ftp://x.org/a}}",
         ["non-http-url"]),
        ("@article{a, author={Doe, J}, title={T}, journal={J}, year={2020}, pmid={1}, evidence={anecdote}}",
         ["invalid-evidence"]),
        ("@article{a, author={Doe, J}, title={  }, journal={J}, year={2020}, pmid={1}}", ["empty-field", "missing-field"]),
        ("@misc{a, title={Guideline}, year={2016}, url={https://nice.org.uk/ng59}}", []),
        ("@book{a, author={Doe, J}, title={T}, year={2001}}", ["missing-field"]),
    ],
)
def test_entry_rules(entry: str, expected: list[str]) -> None:
    bib, load = parse_bibliography(entry + "\n", "refs.bib")
    assert load == []
    assert [f.rule for f in check_bibliography(bib, None, OPTIONS)] == expected


def test_duplicate_identifiers_and_uncited_entries() -> None:
    text = ("@article{a, author={A, A}, title={T}, journal={J}, year={2020}, doi={10.1000/x}, pmid={5}}\n"
            "@article{b, author={B, B}, title={T}, journal={J}, year={2020}, doi={10.1000/X}}\n"
            "@article{c, author={C, C}, title={T}, journal={J}, year={2020}, pmid={5}}\n")
    bib, _ = parse_bibliography(text, "refs.bib")
    findings = check_bibliography(bib, {"a"}, OPTIONS)
    assert rules_of(findings) == [("duplicate-doi", 2), ("uncited-entry", 2), ("duplicate-pmid", 3),
                                  ("uncited-entry", 3)]
    assert "same DOI as 'a' (line 1)" in findings[0].message


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (FRONT, []),
        ("", [("missing-front-matter", 1)]),
        ("---\ntitle: [unclosed\n---\n", [("invalid-front-matter", 3)]),
        ("---\ntitle: T\ndescription: D\n---\n", [("missing-review-date", 1), ("missing-review-date", 1)]),
        ("---\ntitle: T\ndescription: D\nlast_reviewed: 2026-01-01\nnext_review: 2030-01-01\n---\n",
         [("review-interval", 5)]),
        ("---\ntitle: T\ndescription: D\nlast_reviewed: 2026-01-01\nnext_review: 2025-01-01\n---\n",
         [("review-interval", 5), ("review-overdue", 5)]),
        ("---\ntitle: T\ndescription: D\nlast_reviewed: 2020-01-01\nnext_review: 2022-06-01\n---\n",
         [("review-overdue", 5)]),
        ("---\ntitle: T\ndescription: D\nlast_reviewed: soon\nnext_review: 2027-01-01\n---\n", [("invalid-date", 4)]),
        ("---\ndescription: D\nlast_reviewed: 2026-01-01\nnext_review: 2027-01-01\n---\n", [("missing-metadata", 1)]),
    ],
)
def test_metadata_rules(front: str, expected: list[tuple[str, int]]) -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    report = check_document("p.md", front + "\n# Title\n", bib, OPTIONS)
    assert rules_of(report.findings) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("About 1 in 4 adults have back pain each year.", [("uncited-claim", 10)]),
        ("About 1 in 4 adults have back pain each year [@genevay2020].", []),
        ("About 1 in 4 adults have back pain each year [@chou2007diagnosis].", [("old-sources", 10)]),
        ("Staying active helps back pain heal [@genevay2020].", [("weak-evidence", 10)]),
        ("Staying active helps back pain heal [@genevay2020; @machado2015efficacy].", []),
        ("Hold the stretch for 30 seconds.", []),
        ("The femur is the thigh bone.", [("uncited-statement", 10)]),
        ("The femur is the thigh bone. It is long [@genevay2020].", []),
        ("About 1 in 4 adults have back pain. <!-- no-cite: quoted from the title of a study -->", []),
        ("About 1 in 4 adults have back pain. <!-- no-cite -->", [("exemption-without-reason", 10)]),
        ("Paracetamol eases pain [@pmid:17909209].", [("old-sources", 10)]),
        ("Paracetamol eases pain [@nope].", [("unknown-key", 10)]),
        ("Paracetamol eases pain [@].", [("malformed-citation", 10), ("uncited-claim", 10)]),
    ],
)
def test_claim_and_evidence_rules(text: str, expected: list[tuple[str, int]]) -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    report = check_document("p.md", FRONT + "\n# Title\n\n" + text + "\n", bib, OPTIONS)
    assert rules_of(report.findings) == expected


def test_findings_name_the_kind_and_the_words() -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    report = check_document("p.md", FRONT + "\nMost people with sciatica recover within weeks.\n", bib, OPTIONS)
    (finding,) = report.findings
    assert finding.claim_kind == "prognosis" and finding.category == "claim" and finding.severity == "error"
    assert "recover" in finding.message and finding.text == "Most people with sciatica recover within weeks."
    assert (finding.line, finding.column) == (8, 1)


def test_select_ignore_and_readability() -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    hard = ("Multidisciplinary biopsychosocial rehabilitation incorporating cognitive behavioural components "
            "demonstrates considerable effectiveness regarding occupational reintegration [@machado2015efficacy]. ") * 8
    report = check_document("p.md", FRONT + "\n" + hard + "\n", bib, LintOptions(today=TODAY))
    assert [f.rule for f in report.findings] == ["reading-grade"]
    assert report.readability is not None and report.readability.grade > 8
    quiet = check_document("p.md", FRONT + "\n" + hard + "\n", bib, LintOptions(today=TODAY, ignore=frozenset({"reading-grade"})))
    assert quiet.findings == []
    only = check_document("p.md", "no front matter\n", bib, LintOptions(today=TODAY, select=frozenset({"reading-grade"})))
    assert only.findings == []
