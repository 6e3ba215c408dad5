"""The Python-Markdown extension alone, without MkDocs."""

from __future__ import annotations

import json

import markdown
import pytest
from bs4 import BeautifulSoup

from medcite.bib.bibliography import parse_bibliography
from medcite.engine.extension import CitationsExtension

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


# pandoc's citation forms, each as the renderer shows it and as the linter reads it (one table for both)
PANDOC_FORMS = [
    # a suffix without a comma is a locator, as pandoc reads it
    ("A [@chou2007diagnosis p. 33].", ["1 (p. 33)"], {"chou2007diagnosis"}),
    ("A [see @chou2007diagnosis chap. 3].", ["see 1 (chap. 3)"], {"chou2007diagnosis"}),
    ("A [-@chou2007diagnosis p. 44].", ["1 (p. 44)"], {"chou2007diagnosis"}),
    ("A [@chou2007diagnosis; @machado2015efficacy pp. 3--4].", ["1, 2 (pp. 3\u20134)"],
     {"chou2007diagnosis", "machado2015efficacy"}),
    # the key ends before a final mark, which stays against the number (pandoc: "(1.)")
    ("A [@chou2007diagnosis.]", ["1."], {"chou2007diagnosis"}),
    ("A [@chou2007diagnosis's]", ["1's"], {"chou2007diagnosis"}),
    # braced keys
    ("A [@{chou2007diagnosis}, p. 3].", ["1 (p. 3)"], {"chou2007diagnosis"}),
    ("A [see @{chou2007diagnosis}; @{machado2015efficacy}].", ["see 1, 2"],
     {"chou2007diagnosis", "machado2015efficacy"}),
]


@pytest.mark.parametrize(("text", "groups", "keys"), PANDOC_FORMS)
def test_pandoc_forms_render_and_lint_alike(convert, text: str, groups: list[str], keys: set[str]) -> None:
    from medcite.lint.checks import LintOptions, check_document

    soup = convert(text)
    assert [sup.get_text() for sup in soup.select("sup.medcite-citation")] == groups
    assert soup.select(".medcite-error") == [] and "@" not in soup.p.get_text()
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    report = check_document("page.md", text, bib, LintOptions())
    assert [f for f in report.findings if f.category == "citation"] == []
    assert report.cited_keys == keys


@pytest.mark.parametrize("text", ["A [@{chou2007diagnosis key}].", "A [@chou2007diagnosis @machado2015efficacy]."])
def test_forms_pandoc_cannot_read_are_shown_and_reported(convert, text: str) -> None:
    from medcite.lint.checks import LintOptions, check_document

    soup = convert(text)
    assert [e.get_text() for e in soup.select(".medcite-error")] == [text[2:-1]]
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    report = check_document("page.md", text, bib, LintOptions())
    assert [f.rule for f in report.findings if f.category == "citation"] == ["malformed-citation"]


def test_a_footnote_is_numbered_where_its_mark_stands(convert) -> None:
    """Reading order, as pandoc numbers it: the note's citations come right after its mark."""
    text = ("Body [@chou2007diagnosis].[^1] More [@machado2015efficacy].[^2] Again[^1].\n\n"
            "[^1]: Note [@genevay2020].\n[^2]: Other [@nice2016low] and [@genevay2020].\n")
    soup = convert(text, extensions=("footnotes",))
    assert numbers(soup) == ["1", "3", "2", "4", "2"]  # in page order: body, then the notes at the end
    assert [li.select_one(".medcite-reference-text")["id"] for li in soup.select("ol.medcite-references > li")] == [
        "source-chou2007diagnosis", "source-genevay2020", "source-machado2015efficacy", "source-nice2016low"]


def test_a_citation_in_alt_text_is_numbered_in_reading_order_and_written_as_text(convert) -> None:
    """As pandoc does: "A figure (2)" in the alt text, the source in the list, a link back to the image."""
    from medcite.lint.checks import LintOptions, check_document

    text = ("Text [@chou2007diagnosis].\n\n![A figure [@machado2015efficacy; @genevay2020, p. 3]](x.png)\n\n"
            "More ![inline [@nope]](y.png) here [@nice2016low].\n")
    soup = convert(text)
    first, second = soup.select("img")
    assert first["alt"] == "A figure (2, 3 (p. 3))"
    assert second["alt"] == "inline [@nope]" and not second.get("id")  # unknown: as written (the linter says why)
    assert numbers(soup) == ["1", "4"]
    assert [a["href"] for a in soup.select("#ref-2 .medcite-backlinks a")] == [f"#{first['id']}"]
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    report = check_document("page.md", text, bib, LintOptions())
    assert report.cited_keys == {"chou2007diagnosis", "machado2015efficacy", "genevay2020", "nice2016low"}
    assert [(f.rule, f.line, f.column) for f in report.findings if f.category == "citation"] == [
        ("unknown-key", 5, 15)]


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


# -- configured by plain options, as every engine configures it ---------------------------
def test_bibliography_option_is_a_path(tmp_path, monkeypatch) -> None:
    """By name and string options, as mkdocs.yml and Zensical give them; relative to the working
    folder when no engine says where its config file is."""
    (tmp_path / "refs.bib").write_text(SMALL_BIB, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    md = markdown.Markdown(extensions=["medcite"], extension_configs={"medcite": {"bibliography": "refs.bib"}})
    soup = BeautifulSoup(md.convert("A [@chou2007diagnosis]."), "html.parser")
    assert numbers(soup) == ["1"]
    assert soup.select_one("#ref-1 .medcite-reference-text")["id"] == "source-chou2007diagnosis"


def test_unreadable_bibliography_marks_citations_and_never_raises(tmp_path, monkeypatch, caplog) -> None:
    monkeypatch.chdir(tmp_path)
    md = markdown.Markdown(extensions=[CitationsExtension(bibliography="missing.bib")])
    soup = BeautifulSoup(md.convert("A [@chou2007diagnosis].\n\n<!-- medcite:bibliography -->\n"), "html.parser")
    errors = soup.select(".medcite-error")
    assert [e.get_text() for e in errors] == ["[@chou2007diagnosis]", "<!-- medcite:bibliography -->"]
    assert all(e["title"] == "missing.bib:0: bibliography file not found" for e in errors)
    assert "missing.bib:0: bibliography file not found" in caplog.text


def test_bibliography_marker_lists_entries_with_the_pages_citing_them(tmp_path) -> None:
    docs = tmp_path / "docs"
    (docs / "a").mkdir(parents=True)
    (docs / "a" / "back.md").write_text("---\ntitle: Back pain\n---\n# Back\n\nX [@doi:10.1136/bmj.h1225].\n"
                                        "`[@genevay2020]` is code.\n", encoding="utf-8")
    (docs / "hip.md").write_text("# Hip pain\n\nY [@chou2007diagnosis; @machado2015efficacy].\n", encoding="utf-8")
    (docs / ".hidden.md").write_text("Z [@nice2016low].\n", encoding="utf-8")
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    md = markdown.Markdown(extensions=[CitationsExtension(bibliography=bib, docs_dir=str(docs),
                                                          bibliography_page="about/bibliography.md")])
    soup = BeautifulSoup(md.convert("# Bibliography\n\n<!-- medcite:bibliography -->\n"), "html.parser")
    cited = {li["id"]: [(a.get_text(), a["href"]) for a in li.select(".medcite-cited-on a")]
             for li in soup.select("ul.medcite-bibliography > li")}
    assert cited == {
        "bib-chou2007diagnosis": [("Hip pain", "../hip.md#source-chou2007diagnosis")],
        "bib-genevay2020": [],  # only in code
        "bib-machado2015efficacy": [("Back pain", "../a/back.md#source-machado2015efficacy"),
                                    ("Hip pain", "../hip.md#source-machado2015efficacy")],
        "bib-nice2016low": [],  # only on a hidden page, which no engine publishes
    }
    assert not soup.find(string=lambda s: "medcite:bibliography" in s)


def test_without_pages_the_bibliography_says_nothing_about_them() -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    md = markdown.Markdown(extensions=[CitationsExtension(bibliography=bib)])
    soup = BeautifulSoup(md.convert("<!-- medcite:bibliography -->"), "html.parser")
    assert len(soup.select("ul.medcite-bibliography > li")) == 4
    assert not soup.select(".medcite-cited-on")


def test_engine_context_adds_review_box_grade_and_jsonld(tmp_path) -> None:
    """What MkDocs' plugin and Zensical both hand over: the page's front matter and URL."""
    from medcite.engine.context import EngineContextExtension, PageInfo

    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    context = EngineContextExtension({"root_dir": str(tmp_path), "docs_dir": "docs",
                                      "site_url": "https://example.org/site"})
    meta = {"title": "Back pain", "description": "About backs.", "last_reviewed": "2026-01-01",
            "next_review": "2028-01-01"}
    context.page = PageInfo("back.md", "back/", meta)
    md = markdown.Markdown(extensions=[CitationsExtension(bibliography=bib), context])
    prose = " ".join(["Most back pain gets better in a few weeks."] * 15)
    soup = BeautifulSoup(md.convert(f"# Back pain\n\n{prose} [@chou2007diagnosis]\n"), "html.parser")
    box = soup.select_one("h1 + p.medcite-review")
    assert box is not None and "Last reviewed 1 January 2026" in box.get_text()
    assert "Reading level: about school grade" in box.get_text()
    data = json.loads(meta["medcite_jsonld"])
    assert data["url"] == "https://example.org/site/back/" and data["name"] == "Back pain"
    assert [c["name"] for c in data["citation"]] == ["Diagnosis and Treatment of Low Back Pain"]


def test_pages_without_review_dates_get_no_box() -> None:
    from medcite.engine.context import EngineContextExtension, PageInfo

    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    context = EngineContextExtension({"root_dir": ".", "docs_dir": "docs"})
    context.page = PageInfo("index.md", "", {"title": "Home"})
    md = markdown.Markdown(extensions=[CitationsExtension(bibliography=bib), context])
    soup = BeautifulSoup(md.convert("# Home\n\nHi [@chou2007diagnosis]."), "html.parser")
    assert not soup.select(".medcite-review") and "medcite_jsonld" not in context.page.meta


@pytest.mark.parametrize("text", ["# Heading {x}\n\n", "Para\n{: hidden }\n\n", "![i](x.png){ loading }\n\n"])
def test_bare_attr_list_attributes_on_a_page_with_citations(convert, text: str) -> None:
    """attr_list gives a bare attribute the value None (red team F6): never a crash."""
    soup = convert(text + "Text [@chou2007diagnosis].", ("attr_list",))
    assert numbers(soup) == ["1"]
    assert len(soup.select("ol.medcite-references > li")) == 1


@pytest.mark.parametrize("abbreviation", ["medcite", "1", "0", "bibliography", "wzxhzdk"])
def test_abbreviations_never_split_a_citation(abbreviation: str) -> None:
    """abbr runs before the citations are numbered (red team F10): no abbreviation may match what a
    citation or the bibliography marker leaves in the text meanwhile."""
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    md = markdown.Markdown(extensions=[CitationsExtension(bibliography=bib), "abbr"])
    html = md.convert(f"Text [@chou2007diagnosis]. More [@machado2015efficacy].\n\n"
                      f"<!-- medcite:bibliography -->\n\n*[{abbreviation}]: gotcha\n")
    soup = BeautifulSoup(html, "html.parser")
    assert numbers(soup) == ["1", "2"]
    assert len(soup.select("ol.medcite-references > li")) == 2
    assert len(soup.select("ul.medcite-bibliography > li")) == 4
    assert not [char for char in html if char in "\x02\x03" or "\ue000" <= char <= "\uf8ff"]


def test_a_citation_starting_a_line_is_not_a_link_definition(convert) -> None:
    """"[@key]: 45%." reads like a link reference definition (red team F5); it is a citation, as the
    linter reads it, and the text after it stays. Real definitions still work."""
    soup = convert("Paracetamol does not help back pain\n[@chou2007diagnosis]: 45%.\n\n"
                   "[see @machado2015efficacy]: text.\n\n[site]: https://example.org/\n"
                   "[mail@example.org]: https://example.org/mail\n\n[A site][site] and [mail][mail@example.org].")
    assert numbers(soup) == ["1", "2"]
    assert "45%." in soup.get_text() and "text." in soup.get_text()
    assert [a["href"] for a in soup.select("p > a")] == ["https://example.org/", "https://example.org/mail"]


@pytest.mark.parametrize(("row", "cited"), [("| Pain [@chou2007diagnosis, p. 3|4] | x |", False),
                                            ("| Pain [@chou2007diagnosis, p. 3\\|4] | x |", True),
                                            ("| Pain [@chou2007diagnosis, `p. 3|4`] | x |", True)])
def test_a_pipe_in_a_citation_in_a_table(convert, row: str, cited: bool) -> None:
    """What citation-lint says of these rows (test_lint): the first citation is cut by the cell's end."""
    soup = convert("| Claim | Note |\n| --- | --- |\n" + row + "\n", ("tables",))
    assert numbers(soup) == (["1 (p. 3|4)"] if cited else [])  # "\|" is the table's escape: the locator shows "|"
    assert bool(soup.select(".medcite-error")) is not cited


def test_a_citation_in_link_text_goes_after_the_link(convert) -> None:
    """A citation inside a link's text would put a link inside a link (red team F16)."""
    soup = convert("Read [the guideline [@chou2007diagnosis]](https://example.org/g) now [@machado2015efficacy].")
    assert not soup.select("a a")
    link = soup.select_one('a[href="https://example.org/g"]')
    assert link is not None and link.get_text() == "the guideline"
    assert link.find_next_sibling("sup") is soup.select("sup.medcite-citation")[0]
    assert numbers(soup) == ["1", "2"]


def test_the_bibliography_page_is_in_first_author_order() -> None:
    """By first author (case-folded), then year, then key; a work with no author by its title. The keys
    are in another order, so a listing by key fails here."""
    text = ("@article{zz1, author={Adams, Ann}, title={T one}, journal={J}, year={2020}}\n"
            "@article{aa1, author={Young, Bea}, title={T two}, journal={J}, year={2010}}\n"
            "@article{mm1, author={Adams, Ann}, title={T three}, journal={J}, year={2010}}\n"
            "@misc{kk1, title={Morning stiffness}, year={2015}, url={https://example.org/m}}\n"
            "@article{yy1, author={Dalton, Dee}, title={T five}, journal={J}, year={2001}}\n"
            "@article{bb1, author={de Souza, Cai}, title={T six}, journal={J}, year={2000}}\n")
    bib, _ = parse_bibliography(text, "refs.bib")
    md = markdown.Markdown(extensions=[CitationsExtension(bibliography=bib)])
    soup = BeautifulSoup(md.convert("<!-- medcite:bibliography -->"), "html.parser")
    assert [li["id"] for li in soup.select("ul.medcite-bibliography > li")] == [
        "bib-mm1", "bib-zz1", "bib-yy1", "bib-bb1", "bib-kk1", "bib-aa1"]


def test_a_citation_in_a_raw_html_link_goes_after_it(convert) -> None:
    """The same for a link written in HTML: no link inside a link; an unclosed one keeps its citation."""
    soup = convert('Read <a href="https://example.org/g">the *guideline* [@chou2007diagnosis]</A> now '
                   '[@machado2015efficacy].\n\nOpen <a href="https://example.org/o">never [@genevay2020] closed.')
    link = soup.select_one('a[href="https://example.org/g"]')
    assert link is not None and link.get_text() == "the guideline" and not link.select("a")
    assert link.find_next_sibling("sup") is soup.select("sup.medcite-citation")[0]
    assert numbers(soup) == ["1", "2", "3"]


@pytest.mark.parametrize("abbreviation", ["1", "42", "60", "wzxhzdk", "amp", "medcite"])
def test_abbreviations_never_split_markdowns_own_placeholders(abbreviation: str) -> None:
    """abbr also runs while escapes, entities and inline HTML are still Python-Markdown's placeholders
    (digits, "wzxhzdk"): an abbreviation of one left control characters in the page."""
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    md = markdown.Markdown(extensions=[CitationsExtension(bibliography=bib), "abbr"])
    html = md.convert("An escaped \\* star, an &lt;entity&gt;, <em>inline</em> HTML and 1 in 42 people "
                      f"[@chou2007diagnosis].\n\n*[{abbreviation}]: gotcha\n")
    assert not [char for char in html if char in "\x02\x03" or "\ue000" <= char <= "\uf8ff" or ord(char) >= 0xF0000]
    soup = BeautifulSoup(html, "html.parser")
    assert "An escaped * star, an <entity>, inline HTML and 1 in 42 people" in soup.get_text()
    assert soup.select_one("p em") is not None and numbers(soup) == ["1"]
