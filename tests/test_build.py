"""Real ``mkdocs build`` runs of small sites, checked on the parsed HTML."""

from __future__ import annotations

import pytest

from .conftest import FRONT

ARTICLE = """\
---
title: Back pain
description: Test article.
last_reviewed: 2026-01-01
next_review: 2028-01-01
---
# Back pain

Back pain is common [@chou2007diagnosis]. Paracetamol does not help [@machado2015efficacy; @doi:10.1136/bmj.h1225].

!!! note
    Guidelines agree [@nice2016low; @chou2007diagnosis].

Use `[@chou2007diagnosis]` in code, and by PubMed ID [@pmid:17909209, p. 480].

```
[@fenced]
```
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from .conftest import FRONT, run_build, write_project

    project = write_project(tmp_path_factory.mktemp("site"), {
        "index.md": FRONT + "# Home\n\nWelcome.\n",
        "back.md": ARTICLE,
        "other.md": FRONT.replace("Test page", "Other") + "# Other\n\nNames with accents [@genevay2020].\n",
    })
    result = run_build(project)
    assert result.returncode == 0, result.log
    return result


def test_numbered_citations_and_references(site) -> None:
    page = site.page("back/index.html")
    groups = [sup.get_text() for sup in page.select("sup.medcite-citation")]
    assert groups == ["1", "2", "1, 3", "1 (p. 480)"]
    items = page.select("ol.medcite-references > li")
    assert [li["id"] for li in items] == ["ref-1", "ref-2", "ref-3"]
    assert items[0].select_one('a[href="https://doi.org/10.7326/0003-4819-147-7-200710020-00006"]')
    assert items[0].select_one('a[href="https://pubmed.ncbi.nlm.nih.gov/17909209/"]')
    assert items[0].select_one(".medcite-evidence").get_text() == "Guideline"
    assert page.select_one("h2#references").get_text(strip=True).startswith("References")


def test_backlinks_return_to_each_spot(site) -> None:
    page = site.page("back/index.html")
    back = page.select("#ref-1 .medcite-backlinks a")
    assert [a.get_text() for a in back] == ["a", "b", "c"]
    targets = [page.select_one(a["href"]) for a in back]
    assert all(t is not None and t.name == "sup" for t in targets)


def test_tooltip_and_screen_reader_description(site) -> None:
    link = site.page("back/index.html").select_one("sup.medcite-citation a")
    assert link["title"].startswith("1. Chou R, Qaseem A")
    assert link["aria-describedby"] == "ref-1"
    assert link["aria-label"] == "Reference 1"


def test_code_is_left_untouched(site) -> None:
    page = site.page("back/index.html")
    codes = [c.get_text() for c in page.select("article code")]
    assert "[@chou2007diagnosis]" in codes
    assert any("[@fenced]" in c for c in codes)


def test_bibliography_page_lists_everything_with_citing_pages(site) -> None:
    page = site.page("bibliography/index.html")
    items = page.select("ul.medcite-bibliography > li")
    assert [li["id"] for li in items] == ["bib-chou2007diagnosis", "bib-genevay2020", "bib-machado2015efficacy",
                                         "bib-nice2016low"]
    links = {a.get_text(): a["href"] for a in items[0].select(".medcite-cited-on a")}
    assert links == {"Back pain": "../back/#ref-1"}
    assert items[1].select_one(".medcite-cited-on a")["href"] == "../other/#ref-1"


def test_plugin_css_is_shipped(site) -> None:
    assert (site.site / "assets/medcite/medcite.css").is_file()
    assert site.page("back/index.html").select_one('link[href$="assets/medcite/medcite.css"]')


def test_unknown_key_fails_strict_build_with_location(build) -> None:
    result = build({"index.md": FRONT + "# Home\n\nFine [@chou2007diagnosis].\n\nBad [@nope].\n"})
    assert result.returncode != 0
    assert "docs/index.md:11:5: unknown citation key 'nope'" in result.log
    assert "Traceback" not in result.log


def test_unknown_key_without_strict_still_shows_text(build) -> None:
    result = build({"index.md": "# Home\n\nBad [@nope].\n"}, strict=False)
    assert result.returncode == 0
    assert result.page("index.html").select_one(".medcite-error").get_text() == "[@nope]"


def test_script_in_title_is_escaped(build) -> None:
    bib = ("@article{evil, author={Doe, Jane}, title={<script>alert(1)</script> \"quoted\" <img src=x onerror=alert(2)>},"
           " journal={J}, year={2020}, doi={10.1000/x}, url={javascript:alert(3)}}\n")
    result = build({"index.md": "# Home\n\nX [@evil].\n"}, bib=bib, strict=False)
    assert result.returncode == 0, result.log
    html = (result.site / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "javascript:alert" not in str([a.get("href") for a in result.page("index.html").select("a")])
    item = result.page("index.html").select_one("#ref-1")
    assert "<script>alert(1)</script>" in item.get_text()


@pytest.mark.parametrize(
    ("plugin_config", "message"),
    [
        ({"bibliography": "missing.bib"}, "missing.bib"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_config_errors_name_the_problem(build, plugin_config: dict, message: str) -> None:
    result = build({"index.md": "# Home\n"}, plugin_config=plugin_config)
    assert result.returncode != 0
    assert message in result.log
    assert "Traceback" not in result.log


def test_unreadable_bibliography_is_a_clean_plugin_error(build) -> None:
    result = build({"index.md": "# Home\n"}, bib=b"@article{a, title={M\xfcller}}")
    assert result.returncode != 0
    assert "refs.bib:1: byte 0xfc is not valid UTF-8" in result.log
    assert "Traceback" not in result.log


def test_bibtex_syntax_error_names_file_and_line(build) -> None:
    bib = "@article{ok, title={Fine}, author={Doe, J}, year={2020}, journal={J}, pmid={1}}\n\n@article{broken,\n title = {x\n"
    result = build({"index.md": "# Home\n\nX [@ok].\n"}, bib=bib)
    assert result.returncode != 0
    assert "refs.bib:3:1: BibTeX syntax error in entry 'broken' (noticed on line 4): premature end of file" in result.log
