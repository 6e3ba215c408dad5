"""The Python-Markdown extension alone, without MkDocs."""

from __future__ import annotations

import markdown
import pytest
from bs4 import BeautifulSoup

from medcite.bibliography import parse_bibliography
from medcite.markdown import CitationsExtension

from .conftest import SMALL_BIB


@pytest.fixture
def convert():
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")

    def _convert(text: str, extensions: tuple[str, ...] = ("toc", "admonition")) -> BeautifulSoup:
        md = markdown.Markdown(extensions=[CitationsExtension(bibliography=bib), *extensions])
        return BeautifulSoup(md.convert(text), "html.parser")

    return _convert


def numbers(soup: BeautifulSoup) -> list[str]:
    return [a.get_text() for a in soup.select("sup.medcite-citation a.medcite-ref")]


def test_numbering_follows_first_citation_and_reuses_numbers(convert) -> None:
    soup = convert("One [@machado2015efficacy]. Two [@chou2007diagnosis]. Again [@machado2015efficacy].")
    assert numbers(soup) == ["1", "2", "1"]
    refs = soup.select("ol.medcite-references > li")
    assert [li["id"] for li in refs] == ["ref-1", "ref-2"]
    assert "Machado GC" in refs[0].get_text()


def test_runs_compress_and_locators_show(convert) -> None:
    soup = convert("A [@chou2007diagnosis]. B [@machado2015efficacy]. C [@genevay2020]. D [@nice2016low].\n\n"
                   "All [@nice2016low; @chou2007diagnosis; @genevay2020; @machado2015efficacy]. "
                   "Pair [@chou2007diagnosis; @machado2015efficacy]. Gap [@chou2007diagnosis; @genevay2020; "
                   "@nice2016low]. Page [@genevay2020, p. 12].")
    groups = [sup.get_text() for sup in soup.select("sup.medcite-citation")]
    assert groups[4:] == ["1–4", "1, 2", "1, 3, 4", "3 (p. 12)"]
    link = soup.select("sup.medcite-citation")[4].a
    assert link["aria-describedby"] == "ref-1 ref-2 ref-3 ref-4"
    assert link["title"].count("\n") == 3


def test_reading_order_inside_admonitions_and_lists(convert) -> None:
    text = ("!!! danger \"Urgent\"\n\n    First [@genevay2020].\n\n"
            "- item [@nice2016low]\n    - nested [@machado2015efficacy]\n\nBody [@chou2007diagnosis].\n")
    soup = convert(text)
    assert numbers(soup) == ["1", "2", "3", "4"]
    assert "Genevay" in soup.select_one("#ref-1").get_text()


def test_backlinks_point_to_every_citing_spot(convert) -> None:
    soup = convert("A [@chou2007diagnosis]. B [@machado2015efficacy]. C [@chou2007diagnosis].")
    back = soup.select("#ref-1 .medcite-backlinks a")
    assert [a.get_text() for a in back] == ["a", "b"]
    for a in back:
        assert soup.select_one(a["href"]) is not None
    assert [a["href"] for a in soup.select("#ref-2 .medcite-backlinks a")] == ["#cite-2"]


def test_tooltip_has_the_full_reference(convert) -> None:
    link = convert("A [@chou2007diagnosis].").select_one("a.medcite-ref")
    assert link["href"] == "#ref-1"
    assert link["title"].startswith("1. Chou R, Qaseem A, Snow V, Casey D, Cross JT Jr, Shekelle P, et al.")
    assert link["aria-describedby"] == "ref-1"


def test_code_and_escapes_stay_literal(convert) -> None:
    soup = convert("`[@chou2007diagnosis]` and \\[@chou2007diagnosis]\n\n```\n[@chou2007diagnosis]\n```\n",
                   extensions=("fenced_code",))
    assert soup.select("sup.medcite-citation") == []
    assert soup.select_one("code").get_text() == "[@chou2007diagnosis]"
    assert "[@chou2007diagnosis]" in soup.p.get_text()
    assert soup.select("ol.medcite-references") == []


def test_unknown_and_malformed_stay_visible(convert) -> None:
    soup = convert("A [@nope]. B [@]. C [@chou2007diagnosis; @ghost].")
    errors = [e.get_text() for e in soup.select(".medcite-error")]
    assert errors == ["[@nope]", "[@]", "[@ghost]"]
    assert numbers(soup) == ["1"]


def test_references_heading_is_in_the_toc(convert) -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    md = markdown.Markdown(extensions=[CitationsExtension(bibliography=bib), "toc"])
    md.convert("# T\n\nA [@chou2007diagnosis].")
    assert "#references" in md.toc


def test_state_resets_between_documents() -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    md = markdown.Markdown(extensions=[CitationsExtension(bibliography=bib)])
    md.convert("A [@chou2007diagnosis]. B [@machado2015efficacy].")
    second = BeautifulSoup(md.reset().convert("B [@machado2015efficacy]."), "html.parser")
    assert numbers(second) == ["1"]


def test_superscript_replaces_the_space_before_it(convert) -> None:
    soup = convert("Pain is common [@chou2007diagnosis]. Signs [@nice2016low]:")
    assert "common1." in soup.p.get_text() and "Signs2:" in soup.p.get_text()
