"""The lint core: bibliography, metadata, evidence and readability rules (table-driven)."""

from __future__ import annotations

import datetime as dt

import pytest

from medcite.bib.bibliography import parse_bibliography
from medcite.lint.checks import LintOptions, check_bibliography, check_document, filter_findings
from medcite.lint.sources import check_sources

from .conftest import FRONT, LAUGHS, SMALL_BIB

TODAY = dt.date(2026, 11, 23)
OPTIONS = LintOptions(today=TODAY)
# The rule table's own verdicts and explanations (``--claims rules``; the default is ``meaning``).
RULES = LintOptions(today=TODAY, claims="rules")
# Advice on how an entry reads in Citing Medicine form (medcite.lint.advice)
REFERENCE_ADVICE = frozenset({"sentence-case-changed", "no-journal-abbreviation", "missing-urldate", "missing-evidence"})


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
        # a biblatex date gives the year (README: date = {2021-03-15})
        ("@article{a, author={Doe, J}, title={T}, journal={J}, date={2021-05-14}, pmid={1}}", []),
        ("@misc{a, title={Guideline}, date={2016-04}, url={https://nice.org.uk/ng59}}", []),
        ("@article{a, author={Doe, J}, title={T}, journal={J}, pmid={1}}", ["missing-field"]),
        # theses need the university, conference papers their proceedings
        ("@phdthesis{a, author={Doe, J}, title={T}, school={U}, address={Leeds}, year={2001}}", []),
        ("@mastersthesis{a, author={Doe, J}, title={T}, year={2001}}", ["missing-field"]),
        ("@inproceedings{a, author={Doe, J}, title={T}, booktitle={Proc}, year={2001}}", []),
        ("@conference{a, author={Doe, J}, title={T}, year={2001}}", ["missing-field", "incomplete-reference"]),
        ("@proceedings{a, title={Proc}, date={2001-05}}", []),
    ],
)
def test_entry_rules(entry: str, expected: list[str]) -> None:
    bib, load = parse_bibliography(entry + "\n", "refs.bib")
    assert load == []
    assert [f.rule for f in check_bibliography(bib, None, OPTIONS) if f.rule not in REFERENCE_ADVICE] == expected


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("@article{a, author={Doe, J}, title={T}, journal={J}, shortjournal={J}, year={2020}, doi={10.1000/x}, "
         "evidence={rct}}", []),
        ("@article{a, author={Doe, J}, title={T}, journal={Annals}, year={2020}, doi={10.1000/x}, evidence={rct}}",
         ["no-journal-abbreviation"]),
        ("@article{a, author={Doe, J}, title={Living With {Hip} Pain}, journal={J}, shortjournal={J}, year={2020}, "
         "doi={10.1000/x}, evidence={rct}}", ["sentence-case-changed"]),
        ("@article{a, author={Doe, J}, title={Living with hip pain in Leeds}, journal={J}, shortjournal={J}, "
         "year={2020}, doi={10.1000/x}}", ["missing-evidence"]),
        ("@misc{a, title={Guideline}, year={2016}, url={https://nice.org.uk/ng59}, evidence={guideline}}",
         ["missing-urldate"]),
        ("@misc{a, title={Guideline}, year={2016}, url={https://nice.org.uk/ng59}, urldate={2024-01-01}, "
         "evidence={guideline}}", []),
        # howpublished = {\url{…}} is a web address like url
        ("@misc{a, title={Guideline}, year={2016}, howpublished={\\url{https://nice.org.uk/ng59}}, "
         "evidence={guideline}}", ["missing-urldate"]),
        # an article found by its DOI is not a web source; one with only a URL is
        ("@article{a, author={Doe, J}, title={T}, journal={J}, shortjournal={J}, year={2020}, doi={10.1000/x}, "
         "url={https://x.org/a}, evidence={rct}}", []),
        ("@article{a, author={Doe, J}, title={T}, journal={J}, shortjournal={J}, year={2020}, "
         "url={https://x.org/a}, evidence={rct}}", ["missing-identifier", "missing-urldate"]),
    ],
)
def test_entry_notes(entry: str, expected: list[str]) -> None:
    bib, load = parse_bibliography(entry + "\n", "refs.bib")
    assert load == []
    found = check_bibliography(bib, None, OPTIONS)
    assert sorted(f.rule for f in found if f.rule in REFERENCE_ADVICE or f.rule == "missing-identifier") == expected
    assert all(f.severity == "advice" for f in found if f.rule in REFERENCE_ADVICE)


def test_sentence_case_note_names_the_words() -> None:
    bib, _ = parse_bibliography("@book{b, author={Doe, J}, title={Living With {Hip} Pain and Its Cure}, "
                                "publisher={P}, year={2020}, evidence={textbook}}\n", "refs.bib")
    (note,) = [f for f in check_bibliography(bib, None, OPTIONS) if f.rule == "sentence-case-changed"]
    assert "lower-cased: With, Pain, Its, Cure" in note.message and note.line == 1


def test_duplicate_identifiers_and_uncited_entries() -> None:
    text = ("@article{a, author={A, A}, title={T}, journal={J}, year={2020}, doi={10.1000/x}, pmid={5}}\n"
            "@article{b, author={B, B}, title={T}, journal={J}, year={2020}, doi={10.1000/X}}\n"
            "@article{c, author={C, C}, title={T}, journal={J}, year={2020}, pmid={5}}\n")
    bib, _ = parse_bibliography(text, "refs.bib")
    findings = [f for f in check_bibliography(bib, {"a"}, OPTIONS) if f.rule not in REFERENCE_ADVICE]
    assert rules_of(findings) == [("duplicate-doi", 2), ("uncited-entry", 2), ("duplicate-pmid", 3),
                                  ("uncited-entry", 3)]
    assert "same DOI as 'a' (line 1)" in findings[0].message


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (FRONT, []),
        ("", [("missing-front-matter", 1)]),
        ("---\ntitle: [unclosed\n---\n", [("invalid-front-matter", 3)]),
        # YAML reads these without a YAMLError: a date that does not exist, nesting deeper than Python's stack
        ("---\ntitle: T\ndescription: D\nlast_reviewed: 2026-02-30\nnext_review: 2027-01-01\n---\n",
         [("invalid-front-matter", 4)]),
        ("---\ntitle: T\ndescription: D\nmore:\n  when: [1, 2026-13-01]\n---\n", [("invalid-front-matter", 5)]),
        ("---\ntitle: T\ndescription: " + "[" * 3000 + "]" * 3000 + "\n---\n", [("invalid-front-matter", 3)]),
        ("---\ntitle: T\ndescription: D\ndeep:\n" + "".join("  " * n + f"k{n}:\n" for n in range(1, 400))
         + "---\n", [("invalid-front-matter", 54)]),  # where it passes 50 levels
        # YAML aliases: a billion values from a few lines ("billion laughs"), and a value holding itself
        (LAUGHS, [("invalid-front-matter", 5)]),  # a3 is the first over 10,000 values
        ("---\ntitle: T\ndescription: D\nloop: &a [x, *a]\n---\n", [("invalid-front-matter", 4)]),
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
        ("About 1 in 4 adults have back pain each year [@chou2007diagnosis].", []),  # old: see test_source_uses
        ("Staying active helps back pain heal [@genevay2020].", []),
        ("Staying active helps back pain heal [@genevay2020; @machado2015efficacy].", []),
        ("Hold the stretch for 30 seconds.", []),
        ("The femur is the thigh bone.", [("uncited-statement", 10)]),
        ("The femur is the thigh bone. It is long [@genevay2020].", []),
        # A citation on a must-cite claim covers a background sentence only if they share a term (issue 10 audit).
        ("The femur is the thigh bone. Most people with back pain recover within weeks [@genevay2020].",
         [("uncited-statement", 10)]),
        ("The femur is the thigh bone. A broken femur usually heals within months [@genevay2020].", []),
        ("About 1 in 4 adults have back pain. <!-- no-cite: quoted from the title of a study -->", []),
        ("About 1 in 4 adults have back pain. <!-- no-cite -->", [("exemption-without-reason", 10)]),
        ("Paracetamol eases pain [@pmid:17909209].", []),
        ("Paracetamol eases pain [@nope].", [("unknown-key", 10)]),
        ("Paracetamol eases pain [@].", [("malformed-citation", 10), ("uncited-claim", 10)]),
        # Markup in a locator is part of the citation, as the page renders it (red team F16)
        ("Paracetamol eases pain in 40% of people [@genevay2020, <https://example.org/p3>].", []),
        ("Paracetamol eases pain in 40% of people [@genevay2020, `table 2`].", []),
        ("Paracetamol eases pain in 40% of people [@genevay2020, see\n`table 2`].", []),
        # A citation ends the paragraph or item with no full stop after it: it is still the sentence's
        ("About 1 in 4 adults have back pain each year [@genevay2020]", []),
        ("- About 1 in 4 adults have back pain each year [@genevay2020]\n- Hold the stretch for 30 seconds.", []),
    ],
)
def test_claim_and_evidence_rules(text: str, expected: list[tuple[str, int]]) -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    report = check_document("p.md", FRONT + "\n# Title\n\n" + text + "\n", bib, RULES)
    assert rules_of(report.findings) == expected


def test_findings_name_the_kind_and_the_words() -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    report = check_document("p.md", FRONT + "\nMost people with sciatica recover within weeks.\n", bib, RULES)
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("About 1 in 4 adults have back pain each year [@chou2007diagnosis].", [("old-sources", ("chou2007diagnosis",))]),
        ("About 1 in 4 adults have back pain [@chou2007diagnosis; @genevay2020].", []),  # one recent source is enough
        ("Staying active helps back pain heal [@genevay2020].", [("weak-evidence", ("genevay2020",))]),
        ("Paracetamol eases pain [@pmid:17909209].", [("old-sources", ("chou2007diagnosis",))]),
        ("Staying active helps back pain heal [@genevay2020; @machado2015efficacy].", []),  # recent, and one SR
        ("The femur is the thigh bone [@chou2007diagnosis].", []),  # not a must-cite claim: age is not checked
    ],
)
def test_source_uses(text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    report = check_document("p.md", FRONT + "\n# Title\n\n" + text + "\n", bib, OPTIONS)
    assert [(u.rule, u.keys) for u in report.source_uses] == expected
    assert all(u.line == 10 for u in report.source_uses)


OLD_PAGE = FRONT + "\n# T\n\nAbout 1 in 4 adults have back pain [@chou2007diagnosis].\n\nMost recover within weeks [@chou2007diagnosis].\n"


def test_a_date_gives_the_year_of_an_entry() -> None:
    bib, _ = parse_bibliography("@article{a, author={Doe, J}, title={T}, journal={J}, date={2009-05-14}, pmid={1}}\n",
                                "refs.bib")
    assert bib.resolve("a") is not None and bib.resolve("a").year == 2009  # type: ignore[union-attr]


def test_old_sources_are_one_finding_per_source_naming_claims_pages_and_year() -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    reports = [check_document(name, OLD_PAGE, bib, OPTIONS) for name in ("a.md", "b.md", "c.md")]
    reports.append(check_document("d.md", FRONT + "\nBack pain is common [@chou2007diagnosis; @genevay2020].\n", bib,
                                  OPTIONS))
    findings = check_sources(reports, bib, OPTIONS)
    assert [(f.rule, f.path, f.line, f.severity, f.text) for f in findings] == [
        ("old-sources", "refs.bib", 2, "advice", "chou2007diagnosis")]
    message = findings[0].message
    assert message.startswith("'chou2007diagnosis' (2007, 19 years old) backs 6 claims with no source from the last "
                              "10 years, on 3 pages: a.md (2), b.md (2), c.md (2);")
    assert findings[0].related == ("a.md:10:1", "a.md:12:1", "b.md:10:1", "b.md:12:1", "c.md:10:1", "c.md:12:1")


def test_many_pages_are_counted_and_the_rest_summed() -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    reports = [check_document(f"p{n}.md", OLD_PAGE, bib, OPTIONS) for n in range(5)]
    (finding,) = check_sources(reports, bib, OPTIONS)
    assert "10 claims" in finding.message and "on 5 pages: p0.md (2), p1.md (2), p2.md (2) and 2 more;" in finding.message


def test_source_findings_follow_select_ignore_and_severity() -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    text = FRONT + "\nStaying active helps back pain heal [@genevay2020].\n\nMost people with back pain recover within weeks [@chou2007diagnosis].\n"
    reports = [check_document("p.md", text, bib, OPTIONS)]
    assert sorted((f.rule, f.severity) for f in check_sources(reports, bib, OPTIONS)) == [
        ("old-sources", "advice"), ("weak-evidence", "advice")]
    raised = LintOptions(today=TODAY, severity=(("old-sources", "warning"),), ignore=frozenset({"weak-evidence"}))
    assert [(f.rule, f.severity) for f in check_sources(reports, bib, raised)] == [("old-sources", "warning")]


def test_severity_overrides_apply_to_page_findings_too() -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    report = check_document("p.md", FRONT + "\nThe femur is the thigh bone.\n", bib, OPTIONS)
    assert [f.severity for f in report.findings] == ["warning"]
    assert [f.severity for f in filter_findings(report.findings, LintOptions(
        severity=(("uncited-statement", "advice"),)))] == ["advice"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # one paragraph, two uncited statements: one finding, the rest as related places
        ("The femur is the thigh bone. The hip is a ball and socket joint.", [(8, ("p.md:8:30",))]),
        # a tight list is one Markdown block: one citation near it is one fix
        ("- The femur is the thigh bone.\n- The hip is a ball and socket joint.", [(8, ("p.md:9:3",))]),
        # separate paragraphs are separate findings
        ("The femur is the thigh bone.\n\nThe hip is a ball and socket joint.", [(8, ()), (10, ())]),
        # a heading in between separates them too
        ("The femur is the thigh bone.\n## Hip\nThe hip is a ball and socket joint.", [(8, ()), (10, ())]),
    ],
)
def test_uncited_statements_are_one_finding_per_paragraph(body: str, expected: list[tuple[int, tuple[str, ...]]]) -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    report = check_document("p.md", FRONT + "\n" + body + "\n", bib, OPTIONS)
    assert [(f.line, f.related) for f in report.findings if f.rule == "uncited-statement"] == expected
    if expected[0][1]:
        assert report.findings[0].message.startswith("2 statements in this paragraph should be cited")


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("smith2007diagnosis", None),  # same ending, another author: too far to guess
        ("chou2007diagnosys", "chou2007diagnosis"),
        ("Machado2015Eficacy", "machado2015efficacy"),  # ("Machado2015Efficacy!" is that key, then "!", as in pandoc)
        ("nice2016lwo", "nice2016low"),
        ("nothinglikeit", None),
        ("doi:10.1000/nothing", None),
    ],
)
def test_unknown_key_suggests_the_nearest_key(key: str, suggestion: str | None) -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    report = check_document("p.md", FRONT + f"\nSee this [@{key}].\n", bib, OPTIONS)
    (finding,) = [f for f in report.findings if f.rule == "unknown-key"]
    if suggestion:
        assert finding.message == f"unknown citation key '{key}'; did you mean '{suggestion}'?"
    else:
        assert finding.message == f"unknown citation key '{key}'"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("As @genevay2020 found, it helps.", [("bare-citation-key", 4)]),
        ("Two: @genevay2020 and @machado2015efficacy.", [("bare-citation-key", 6), ("bare-citation-key", 23)]),
        ("(@genevay2020) and @Genevay2020.", [("bare-citation-key", 2), ("bare-citation-key", 20)]),
        ("Mail team@genevay2020.org or see example.org/@genevay2020.", []),  # email and URL path stay safe
        ("Ask @nobody on social media.", []),  # not a key of the bibliography
        ("It is cited [@genevay2020] and `@genevay2020` is code.", []),
        ("A DOI key @doi:10.1136/bmj.h1225 written bare.", [("bare-citation-key", 11)]),
    ],
)
def test_bare_keys_are_reported_not_converted(text: str, expected: list[tuple[str, int]]) -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    report = check_document("p.md", FRONT + "\n# Title\n\n" + text + "\n", bib, OPTIONS)
    found = [(f.rule, f.column) for f in report.findings if f.rule == "bare-citation-key"]
    assert found == expected
    for finding in report.findings:
        if finding.rule == "bare-citation-key":
            assert finding.line == 10 and "write [@" in finding.message


@pytest.mark.parametrize(("row", "expected"), [
    ("| Paracetamol eases pain in 40% of people [@genevay2020, p. 3|4] | x |",
     [("malformed-citation", 12), ("uncited-claim", 12)]),  # as on the page: the claim's citation is cut
    ("| Paracetamol eases pain in 40% of people [@genevay2020, p. 3\\|4] | x |", []),
    ("| Paracetamol eases pain in 40% of people [@genevay2020, `p. 3|4`] | x |", []),
    ("\nParacetamol eases pain in 40% of people [@genevay2020, p. 3|4].", []),  # after the table: no cell
])
def test_a_pipe_in_a_citation_ends_a_table_cell(row: str, expected: list[tuple[str, int]]) -> None:
    """In a table row "|" ends the cell, even inside a citation, so the page shows that citation as not
    closed (red team F16): lint says so too."""
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    report = check_document("p.md", FRONT + "\n# Title\n\n| Claim | Note |\n| --- | --- |\n" + row + "\n", bib,
                            OPTIONS)
    assert rules_of(report.findings) == expected
    if expected:
        assert "'|' inside a citation in a table ends the cell" in report.findings[0].message


def test_a_thematic_break_or_setext_heading_after_the_front_matter_does_not_extend_it() -> None:
    """The front matter ends at its first closing line; a later "---" (a thematic break, or a setext
    heading's underline) must not pull the text above it into the front matter, out of lint's sight."""
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    text = (FRONT + "\n# Title\n\nAbout 1 in 4 adults have back pain each year.\n\nPain eases [@nope].\n\n---\n\n"
            "Setext heading\n---\n\nThe end.\n")
    report = check_document("p.md", text, bib, OPTIONS)
    assert sorted(rules_of(report.findings)) == [("uncited-claim", 10), ("unknown-key", 12)]
    assert report.citations == 1


def test_unknown_evidence_is_one_warning_per_source() -> None:
    """A source with no evidence level, cited for an efficacy claim: a warning (an editor can fix the entry
    at once), once per source, at its entry, naming the claims."""
    bib, _ = parse_bibliography(SMALL_BIB + "@article{noevidence2024, author={Ng, Ann}, title={T}, journal={J}, "
                                            "year={2024}, pmid={33333333}}\n", "refs.bib")
    text = (FRONT + "\nStaying active helps back pain heal [@noevidence2024].\n\n"
            "Exercise therapy eases long-term back pain [@noevidence2024].\n")
    report = check_document("p.md", text, bib, OPTIONS)
    assert [(u.rule, u.keys) for u in report.source_uses] == [("unknown-evidence", ("noevidence2024",))] * 2
    findings = check_sources([report], bib, OPTIONS)
    assert [(f.rule, f.severity, f.path, f.line, f.text) for f in findings] == [
        ("unknown-evidence", "warning", "refs.bib", len(SMALL_BIB.splitlines()) + 1, "noevidence2024")]
    assert "'noevidence2024' has no evidence level and backs 2 efficacy claims" in findings[0].message
    assert findings[0].related == ("p.md:8:1", "p.md:10:1")
