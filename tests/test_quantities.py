"""The quantity grammar and the matching rules of ``number-not-in-source`` (table-driven; the rules are the
numbered list in ``medcite.quantities``' docstring)."""

from __future__ import annotations

import pytest

from medcite.bib.findings import check_sentence, parse_findings
from medcite.core.quantities import matches, read_quantities


def one(text: str):
    got = read_quantities(text)
    assert len(got) == 1, (text, got)
    return got[0]


@pytest.mark.parametrize(
    ("text", "dim", "low", "high"),
    [
        ("40%", "proportion", 0.40, 0.40),
        ("40 per cent", "proportion", 0.40, 0.40),
        ("40 percent", "proportion", 0.40, 0.40),
        ("twenty-five per cent", "proportion", 0.25, 0.25),
        ("4 in 10", "proportion", 0.40, 0.40),
        ("two in five", "proportion", 0.40, 0.40),
        ("3 out of 4", "proportion", 0.75, 0.75),
        ("a third", "proportion", 1 / 3, 1 / 3),
        ("two-thirds", "proportion", 2 / 3, 2 / 3),
        ("three quarters", "proportion", 0.75, 0.75),
        ("half", "proportion", 0.5, 0.5),
        ("30-40%", "proportion", 0.30, 0.40),
        ("30% to 40%", "proportion", 0.30, 0.40),
        ("between 30% and 40%", "proportion", 0.30, 0.40),
        ("twice as likely", "times", 2.0, 2.0),
        ("1.6 times the risk", "times", 1.6, 1.6),
        ("three times as likely", "times", 3.0, 3.0),
        ("6 weeks", "duration", 42.0, 42.0),
        ("4 to 6 weeks", "duration", 28.0, 42.0),
        ("between 4 and 6 weeks", "duration", 28.0, 42.0),
        ("between about 10 and 18 years", "duration", 10 * 365.25, 18 * 365.25),
        ("a year", "duration", 365.25, 365.25),
        ("12 months", "duration", 365.25, 365.25),
        ("a 12-month study", "duration", 365.25, 365.25),
        ("400 mg", "dose", 400.0, 400.0),
        ("1 g", "dose", 1000.0, 1000.0),
        ("1.5 grams", "dose", 1500.0, 1500.0),
        ("three times a day", "frequency", 3.0, 3.0),
        ("twice daily", "frequency", 2.0, 2.0),
        ("15 studies", "number", 15.0, 15.0),
        ("aged 40 to 60", "number", 40.0, 60.0),
        ("11,166 people", "number", 11166.0, 11166.0),
        # digit groups parted by a no-break, thin or narrow no-break space (SI style, "1&nbsp;000")
        ("1\u00a0000 people", "number", 1000.0, 1000.0),
        ("1 in 1\u202f000", "proportion", 0.001, 0.001),
        ("2\u2009500 mg", "dose", 2500.0, 2500.0),
        ("1\u00a0500\u00a0000 people", "number", 1_500_000.0, 1_500_000.0),
    ],
)
def test_reads_each_form(text: str, dim: str, low: float, high: float) -> None:
    q = one(text)
    assert (q.dim, q.low, q.high) == (dim, pytest.approx(low), pytest.approx(high))


@pytest.mark.parametrize(
    "text",
    ["In 2019 a review was published.", "the 5th most common reason", "One study found this.", "at least one",
     "Call 999 or go to A&E.", "Phone NHS 111 today.", "There are three hamstring muscles.",
     "See page numbers in the list."],
)
def test_not_quantities(text: str) -> None:
    assert read_quantities(text) == []


@pytest.mark.parametrize(
    ("said", "recorded", "expected"),
    [
        # 1. equal forms
        ("40%", "4 in 10", True),
        ("two in five", "40%", True),
        ("seven in ten", "7 in 10", True),
        ("12 months", "a year", True),
        ("1 g", "1,000 mg", True),
        ("6 weeks", "6%", False),
        # 2. a figure matches what it rounds
        ("58%", "58.4%", True),
        ("58%", "59%", False),
        ("7 in 10", "73%", True),
        ("3 in 4", "73%", True),
        ("7 in 10", "76%", False),
        ("1 in 3", "45%", False),
        ("1 in 100", "3%", False),
        ("half", "52%", True),
        ("half", "58%", False),
        ("73 in 100", "73.4%", True),  # "N in 100" is as precise as "N%"
        ("75 in 100", "72%", False),
        ("32 in 100", "30%", False),
        ("957 in every 100,000", "957 in 100,000", True),
        ("478 in every 100,000", "414 in 100,000", False),
        ("1 year", "52 weeks", True),  # a count of a unit: half its last digit, never more than a tenth of it
        ("3 months", "12 weeks", True),
        ("6 months", "one year", False),
        ("one year", "6 months", False),
        ("0.5 to 1 years", "1 to 2 years", False),
        ("2 times", "1.6 times", False),
        ("1.6 times", "1.6 times", True),
        ("1 g", "1.2 g", False),
        # 3. hedges widen
        ("about 40%", "42%", True),
        ("about 40%", "38%", True),
        ("about 40%", "43%", False),
        ("40%", "42%", False),
        ("about 6 weeks", "40 days", True),
        ("about 6 weeks", "8 weeks", False),
        ("about 80%", "82%", True),  # 2 points at most: "about 80%" is not 76-84%
        ("about 80%", "84%", False),
        ("about 3%", "3.4%", True),  # a small share keeps its scale: no wider than its rounding here
        ("about 4%", "3%", False),
        ("about 4 in every 100", "about 3%", False),
        ("about 8 in 100", "6%", False),
        ("about 2 times", "1.6 times", False),
        ("about 1 times", "1.11 times", False),
        # 4. ranges
        # a range gives both ends of what was found: a narrower one hides part of the spread
        ("4 to 6 weeks", "2 to 8 weeks", False),
        ("4 to 6 weeks", "4 to 6 weeks", True),
        ("20-30%", "10-40%", False),
        ("10-12%", "10-40%", False),
        ("10-40%", "20-30%", False),
        ("about 1 to 5 in every 100", "0.5-5.2%", True),  # each end as hedged
        ("1 to 5 in every 100", "0.5-5.2%", False),
        ("about 6 to 8 weeks", "6-8 weeks", True),
        ("about 6 to 8 months", "6-8 weeks", False),
        ("0 to 100", "0-100", True),
        ("0 to 50", "0-100", False),
        ("40 to 60", "40 to 60", True),
        ("60 to 90", "40 to 60", False),
        ("4 to 10 weeks", "4 to 6 weeks", False),
        ("about 60%", "50-70%", True),
        ("60%", "50-70%", False),
        ("70%", "50-70%", True),
        # 5. bounds
        ("more than 80%", "82%", True),
        ("more than 90%", "82%", False),
        ("more than 40%", "82%", False),
        ("less than 1 in 100", "0.9%", True),
        ("less than 1%", "3%", False),
        ("more than half", "58%", True),  # a bound: within 10 points or a quarter of it, whichever is less
        ("more than half", "70%", False),
        ("under 2%", "0.9%", False),
        ("fewer than 2 in 100", "0.9%", False),
        ("under 1%", "0.9%", True),
        ("up to 70%", "50-70%", True),
        ("up to 90%", "50-70%", False),
        # 6. plain numbers match the same number as written
        ("15 trials", "15 studies", True),
        ("16 trials", "15 studies", False),
        ("twice as likely", "2.1 times", True),
        ("twice as likely", "1.5 times", False),
        ("400 mg", "200 mg", False),
        ("three times a day", "twice daily", False),
    ],
)
def test_matching_rules(said: str, recorded: str, expected: bool) -> None:
    assert matches(one(said), one(recorded)) is expected


FINDINGS = """\
pengel2003acute:
  - finding: 73% had at least one recurrence within 12 months.
    where: abstract, results
  - finding: Pain fell by about 58% in the first month, across 15 studies.
    where: abstract
    figures: [58%, 15]
nofigures:
  - finding: Advises against routine imaging.
    where: recommendation 1.1.3
"""


def test_check_sentence_supported_and_not() -> None:
    parsed = parse_findings(FINDINGS, {"pengel2003acute", "nofigures", "other"})
    assert parsed.problems == []
    ok = read_quantities("About 7 in 10 people have another episode within a year.")
    assert check_sentence(ok, ["pengel2003acute"], parsed.by_key) == []
    bad = read_quantities("About 9 in 10 people have another episode within a year.")
    got = check_sentence(bad, ["pengel2003acute"], parsed.by_key)
    assert [p.rule for p in got] == ["number-not-in-source"]
    assert "'About 9 in 10'" in got[0].message and "@pengel2003acute" in got[0].message
    assert "nearest recorded figure: '73%'" in got[0].message


def test_source_without_findings_is_a_warning_not_an_error() -> None:
    parsed = parse_findings(FINDINGS, {"pengel2003acute", "nofigures", "other"})
    got = check_sentence(read_quantities("It helps 9 in 10 people."), ["pengel2003acute", "other"], parsed.by_key)
    assert [p.rule for p in got] == ["source-findings-missing"]
    assert "@other" in got[0].message
    # a number that one source supports is fine whatever the other has
    assert check_sentence(read_quantities("73% of people."), ["other", "pengel2003acute"], parsed.by_key) == []


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: [unclosed\n", 2, "not valid YAML"),
        ("missing:\n  - finding: x 40%\n    where: abstract\n", 1, "not a key of the bibliography"),
        ("pengel2003acute:\n  - finding: 40%\n    where: abstract\n    figures: [lots]\n", 4, "cannot read the figure"),
        ("pengel2003acute:\n  - finding: 40%\n", 2, "needs 'where'"),
        ("pengel2003acute:\n  - where: abstract\n", 2, "needs 'finding'"),
        ("pengel2003acute:\n  - finding: 40%\n    where: a\n    dose: 3\n", 4, "unknown field 'dose'"),
        ("pengel2003acute: 40%\n", 1, "must be a list"),
        ("- 1\n", 1, "must be a mapping"),
        ("pengel2003acute:\n" + "  " + "[" * 50 + "]" * 50 + "\n", 1, "nested more than"),
    ],
)
def test_bad_findings_files_are_located_problems(text: str, line: int, words: str) -> None:
    parsed = parse_findings(text, {"pengel2003acute"})
    assert parsed.problems, text
    assert words in parsed.problems[0].message
    assert parsed.problems[0].line == line


def test_deep_yaml_is_a_problem_not_a_traceback() -> None:
    parsed = parse_findings("[" * 20000 + "]" * 20000, {"a"})
    assert (parsed.problems and "YAML" in parsed.problems[0].message) or "nested" in parsed.problems[0].message


@pytest.mark.parametrize(
    ("said", "recorded", "expected"),
    [
        ("about 7 points", "7.29 points", True),
        ("about 7 points", "7.6 points", False),
        ("more than 3,000 people", "3,110 people", True),
        ("more than 3,000 people", "2,900 people", False),
        ("people over 55", "aged over 55", True),
        ("a fourfold risk", "4 times", True),
        ("within half an hour", "30 minutes", True),
        ("the half-year", "180 days", False),
        ("the half-year", "6 months", True),
        ("at age 20", "20-year-olds", True),  # an age is a number of years ...
        ("9 trials", "6 to 9 months", False),  # ... a count is not a number of days, weeks or months
        ("about 3", "3 weeks", False),
    ],
)
def test_matching_rules_for_plain_numbers_and_durations(said: str, recorded: str, expected: bool) -> None:
    assert matches(one(said), one(recorded)) is expected


def test_two_figures_at_two_ages_are_not_a_range() -> None:
    got = read_quantities("Disc protrusions went from 29% at age 20 to 43% at age 80.")
    assert [q.text for q in got if q.dim == "proportion"] == ["29%", "43%"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 7. a figure is held against the citation after it ...
        ("About 40% got better [@a], and 20% got worse [@b].", [("a",), ("b",)]),
        ("About 40% got better within 6 weeks [@a]; 1 in 3 had pain again [@b].", [("a",), ("a",), ("b",)]),
        ("In one trial [@a], 40% got better [@b].", [("b",)]),
        ("A review found 40% got better (in one trial [@a]) and 20% did not [@b].", [("a",), ("b",)]),
        # ... citations side by side count as one ...
        ("About 40% got better [@a; @b].", [("a", "b")]),
        ("About 40% got better [@a] [@b], and 20% did not [@c].", [("a", "b"), ("c",)]),
        ("About 40% got better [@a], [@b].", [("a", "b")]),
        # ... and where that is ambiguous, every source of the sentence
        ("Two trials [@a] found that 40% got better [@b].", [("a", "b")]),
        ("A review [@a] and a trial [@b] agree: 40% got better.", [("a", "b")]),
        ("- 40% got better [@a]", [("a",)]),  # a list item's citation with no full stop after it
    ],
)
def test_rule_7_a_figure_belongs_to_the_citation_after_it(sentence: str, expected: list[tuple[str, ...]]) -> None:
    from medcite.bib.findings import sources_of
    from medcite.source.prose import parse_document

    (said,) = [s for _, s in parse_document(sentence + "\n").sentences()]
    got = [sources_of(q, said.text, said.cites, said.cite_keys) for q in read_quantities(said.text)]
    assert got == expected, (said.text, said.cites)


def test_a_figure_next_to_a_source_that_does_not_report_it_is_reported() -> None:
    """Before rule 7, 20% matched the 20% of @b, a source cited for another clause of the same sentence."""
    from medcite.source.prose import parse_document

    parsed = parse_findings("a:\n  - finding: 40% got better.\n    where: abstract\n"
                            "b:\n  - finding: 20% got worse.\n    where: abstract\n")
    for text, flagged in [("About 20% got better [@a], and 40% got worse [@b].", ["About 20%", "40%"]),
                          ("About 40% got better [@a], and 20% got worse [@b].", [])]:
        (said,) = [s for _, s in parse_document(text + "\n").sentences()]
        got = check_sentence(read_quantities(said.text), said.cite_keys, parsed.by_key, said.cites, said.text)
        assert [p.quantity.text for p in got if p.quantity is not None] == flagged
        assert all(p.rule == "number-not-in-source" for p in got)
    (said,) = [s for _, s in parse_document("About 20% got better [@a], and 40% got worse [@b].\n").sentences()]
    got = check_sentence(read_quantities(said.text), said.cite_keys, parsed.by_key, said.cites, said.text)
    assert "@a reported" in got[0].message and "@b" not in got[0].message.split(";")[0]


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("gains at 3 and 6 months", [("3", "duration", 91.3125), ("6 months", "duration", 182.625)]),
        ("at 30, 180 and 360 days", [("30", "duration", 30.0), ("180", "duration", 180.0),
                                     ("360 days", "duration", 360.0)]),
        ("200 or 400 mg", [("200", "dose", 200.0), ("400 mg", "dose", 400.0)]),
        ("18 trials and 1,080 people", [("18", "number", 18.0), ("1,080", "number", 1080.0)]),
    ],
)
def test_a_list_of_figures_shares_its_last_ones_unit(text: str, read: list[tuple[str, str, float]]) -> None:
    assert [(q.text, q.dim, q.low) for q in read_quantities(text)] == read


def test_a_no_break_space_in_a_number_survives_the_sentence() -> None:
    """The sentence text the number rule reads keeps the no-break space inside "1 000": folded to a plain
    space, "1 in 1 000" was read as "1 in 1" (100%) and "000"."""
    from medcite.source.prose import parse_document

    (said,) = [s for _, s in parse_document("It happens to 1 in 1\u00a0000 people [@a].\n").sentences()]
    assert [(q.dim, q.low) for q in read_quantities(said.text)] == [("proportion", pytest.approx(0.001))]
    (said,) = [s for _, s in parse_document("Rest \u00a0 helps\u00a0[@a] .\n").sentences()]
    assert said.text == "Rest helps."
