"""Sentence case for titles (Citing Medicine), and the small NLM helpers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from medcite.core import nlm
from medcite.style.casing import is_title_case, sentence_case

from .conftest import assert_linear


@pytest.mark.parametrize(
    ("title", "expected", "lowered"),
    [
        ("Effects of Bracing in Adolescents with Idiopathic Scoliosis",
         "Effects of bracing in adolescents with idiopathic scoliosis", ("Bracing", "Adolescents", "Idiopathic",
                                                                          "Scoliosis")),
        # braces protect; a subtitle after a colon starts in lower case, "A" included
        ("Diagnosis and Treatment of Low Back Pain: A Guideline from the {American College of Physicians}",
         "Diagnosis and treatment of low back pain: a guideline from the {American College of Physicians}",
         ("Treatment", "Low", "Back", "Pain", "A", "Guideline")),
        # acronyms, mixed case, digits and lone capitals keep their case
        ("Use of MRI and NSAIDs in L5 Radiculopathy: The McKenzie Method and Vitamin D",
         "Use of MRI and NSAIDs in L5 radiculopathy: the McKenzie method and vitamin D", None),
        # hyphenated words are two words; a new sentence keeps its capital
        ("Non-Specific Low-Back Pain. What Works?", "Non-specific low-back pain. What works?", None),
        # LaTeX: accents in braces and commands are never touched
        (r"Back Pain in {\"O}sterreich and the \emph{Spine} Study", r"Back pain in {\"O}sterreich and the \emph{Spine} study",
         None),
        (r"Jean-Fran{\c{c}}ois Clinic Outcomes Report", r"Jean-Fran{\c{c}}ois clinic outcomes report", None),
        # already sentence case (a lower-case word that is not minor): left as written, proper nouns included
        ("Prognosis in patients with low back pain in Australian primary care",
         "Prognosis in patients with low back pain in Australian primary care", ()),
        ("Acute low back pain: systematic review of its prognosis",
         "Acute low back pain: systematic review of its prognosis", ()),
        # one capitalised word after the first is not enough evidence of Title Case
        ("Hamstring Muscle", "Hamstring Muscle", ()),
        ("LOW BACK PAIN IN CAPITALS", "LOW BACK PAIN IN CAPITALS", ()),
        ("", "", ()),
    ],
)
def test_sentence_case(title: str, expected: str, lowered: tuple[str, ...] | None) -> None:
    result = sentence_case(title)
    assert result.text == expected
    if lowered is not None:
        assert result.lowered == lowered
    assert bool(result.lowered) == (result.text != title)


def test_title_case_detection() -> None:
    assert is_title_case("Living With Hip Pain")
    assert not is_title_case("Living with hip pain")
    assert not is_title_case("Living with Hip Pain in practice")


@pytest.mark.parametrize("title", [lambda k: "A" * 20000 * k, lambda k: "{" * 5000 * k + "A b" * 3000 * k,
                                   lambda k: "\\" * 10000 * k, lambda k: "Ab-" * 10000 * k + ":"])
def test_sentence_case_is_linear_on_long_hostile_titles(title: Callable[[int], str]) -> None:
    assert_linear(lambda k: sentence_case(title(k)))


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-03-01", "2024 Mar 1"), ("2024-3", "2024 Mar"), ("2024", "2024"), ("2024-13-01", "2024-13-01"),
    ("1 March 2024", "1 March 2024"), ("  2021-11-05 ", "2021 Nov 5"),
])
def test_nlm_dates(value: str, expected: str) -> None:
    assert nlm.date(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("3", "Mar"), ("03", "Mar"), ("mar", "Mar"), ("March", "Mar"), ("Sept.", "Sep"), ("Spring", "Spring"),
    ("13", "13"), ("ma", "ma"),
])
def test_nlm_months(value: str, expected: str) -> None:
    assert nlm.month(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2", "2nd ed."), ("2nd", "2nd ed."), ("Second", "2nd ed."), ("11", "11th ed."), ("21st", "21st ed."),
    ("Rev. ed.", "Rev. ed."), ("3rd edition", "3rd ed."), ("Revised", "Revised ed."),
])
def test_nlm_editions(value: str, expected: str) -> None:
    assert nlm.edition(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("Jr.", "Jr"), ("Sr", "Sr"), ("III", "3rd"), ("ii", "2nd"), ("IV.", "4th"),
])
def test_nlm_lineage(value: str, expected: str) -> None:
    assert nlm.lineage(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("Suppl 2", "Suppl 2"), ("Supplement 2", "Suppl 2"), ("suppl. 1", "Suppl 1"), ("3 Suppl", "3 Suppl"),
    ("Supply", "Supply"),
])
def test_nlm_supplements(value: str, expected: str) -> None:
    assert nlm.supplement(value) == expected
