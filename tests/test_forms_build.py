"""Citing Medicine forms in a real ``mkdocs build --strict``: an edited book, a chapter, ``and others``,
a web page and an article consulted online, read back from the built HTML."""

from __future__ import annotations

import re

import pytest

from medcite.bib.bibliography import parse_bibliography

from .conftest import FRONT, ROOT, BuildResult

KEYS = ("edited2002book", "chapter2002", "andothers2013", "webpage2022", "onlinewithdoi2022", "thesisphd2019",
        "conferencepaper2003", "howpublishedurl2020")
PAGE = FRONT + """
# Forms

A book edited by two people [@edited2002book]. A chapter in a book [@chapter2002].

A trial with a long author list [@andothers2013]. A web page [@webpage2022].

An article read online [@onlinewithdoi2022].

A thesis [@thesisphd2019]. A conference paper [@conferencepaper2003]. A web page given in howpublished
[@howpublishedurl2020].
"""


def _subset() -> str:
    """The five entries, taken from the committed edge cases (with an evidence level each)."""
    text = (ROOT / "tests" / "oracle" / "edge-cases.bib").read_text(encoding="utf-8")
    bib, _ = parse_bibliography(text, "edge-cases.bib")
    lines = text.splitlines(keepends=True)
    starts = sorted(ref.line for ref in bib)
    chunks = []
    for key in KEYS:
        start = bib.references[key].line
        end = next((line for line in starts if line > start), len(lines) + 1)
        chunk = "".join(lines[start - 1:end - 1]).rstrip()
        chunks.append(chunk[:-1].rstrip().rstrip(",") + ",\n  evidence = {review}\n}\n")
    return "\n".join(chunks)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    from .conftest import run_build, write_project

    project = write_project(tmp_path_factory.mktemp("forms"), {"index.md": PAGE}, bib=_subset())
    result = run_build(project)
    assert result.returncode == 0, result.log
    return result


def test_each_form_reads_as_citing_medicine_writes_it(site: BuildResult) -> None:
    items = {li["id"]: li.select_one(".medcite-reference-text") for li in site.page("index.html").select(
        "ol.medcite-references > li")}
    text = {key: " ".join(item.get_text().split()) for key, item in items.items()}
    assert text["ref-1"] == ("Hollis LC, Brandt FG, editors. Operative care of the injured spine. 2nd ed. "
                             "New York: Harbour Medical Press; 2002.")
    assert text["ref-2"].startswith("Mercer PS, Kallan A, Trent JM. Nerve roots and the lumbar disc. In: Vogel B, "
                                    "Kinsey KW, editors. The lumbar spine in practice.")
    assert text["ref-3"].startswith("Stone SL, et al. Effects of bracing in teenagers with curved spines.")
    assert "others" not in text["ref-3"]
    assert text["ref-4"] == ("Spine Health Council. Back pain at work: a guide for employees [Internet]. Leeds: "
                             "Spine Health Council; 2022 [cited 2024 Mar 1]. Available from: "
                             "https://example.org/back-pain-at-work")
    assert re.match(r"Fisher O, Rahman N\. .* Example Open Spine \[Internet\]\. 2022 Nov \[cited 2024 May 20\];"
                    r"3:e12\. doi:10\.5555/eos\.2022\.e12\. Available from: https://example\.org/eos/2022/e12$",
                    text["ref-5"]), text["ref-5"]
    links = [a["href"] for a in items["ref-5"].select("a")]
    assert links == ["https://doi.org/10.5555/eos.2022.e12", "https://example.org/eos/2022/e12"]
    assert [a["href"] for a in items["ref-4"].select("a")] == ["https://example.org/back-pain-at-work"]
    assert text["ref-6"] == ("Lindqvist M. Pain beliefs and recovery after lumbar disc surgery [dissertation]. "
                             "Uppsala: Example University; 2019.")
    assert text["ref-7"] == ("Rhee AS, Farrow WP. Spinal and peripheral analgesia in back pain. In: Dostal JO, Carr "
                             "DB, editors. Proceedings of the 10th Example Congress on Pain; 2002 Aug 17-22; San "
                             "Diego, CA. Seattle: Example Pain Press; 2003. p. 437-68.")
    assert text["ref-8"] == ("Example Spine Society. Exercises for sciatica [Internet]. 2020 [cited 2024 Feb 3]. "
                             "Available from: https://example.org/sciatica-exercises")
    assert [a["href"] for a in items["ref-8"].select("a")] == ["https://example.org/sciatica-exercises"]


def test_the_tooltip_carries_the_same_form(site: BuildResult) -> None:
    link = site.page("index.html").select_one('a.medcite-ref[href="#ref-3"]')
    assert link is not None and "3. Stone SL, et al. Effects of bracing" in link["title"]


PANDOC_FORMS = FRONT + """
# Pandoc forms

A prefix and a locator [see @edited2002book, pp. 3--4; also @chapter2002].

A suppressed author [-@andothers2013]. Brackets in a locator [@webpage2022, p. 3 [fig. 2]].

Markdown in a locator [@onlinewithdoi2022, *table 2*].

Without a comma [see @chapter2002 chap. 3]. A braced key [@{webpage2022}.] A note.[^1]

![A figure [@thesisphd2019]](https://example.org/figure.png)

[^1]: A note citing a source [@conferencepaper2003].
"""

BROKEN_FORMS = FRONT + """
# Broken forms

As @edited2002book says, mail us at team@edited2002book.org.

Never closed [@chapter2002, p. 3 and the paragraph ends.
"""


def test_every_pandoc_form_renders(tmp_path_factory: pytest.TempPathFactory) -> None:
    from .conftest import run_build, write_project

    project = write_project(tmp_path_factory.mktemp("pandoc-forms"), {"index.md": PANDOC_FORMS}, bib=_subset(),
                            extra={"markdown_extensions": ["admonition", "attr_list", "toc", "footnotes"]})
    result = run_build(project)
    assert result.returncode == 0, result.log
    page = result.page("index.html")
    sups = page.select("sup.medcite-citation")
    assert len(sups) == 7 and not page.select(".medcite-error")
    first = sups[0]
    assert [p.get_text() for p in first.select(".medcite-prefix")] == ["see", "also"]
    assert [a.get_text() for a in first.select("a.medcite-ref")] == ["1 (pp. 3\u20134)", "2"]
    assert sups[1].get_text() == "3"  # [-@key]: an ordinary numeric citation
    assert sups[2].select_one("a").get_text() == "4 (p. 3 [fig. 2])"
    assert sups[3].select_one("a em").get_text() == "table 2"
    # pandoc's other forms: a locator without a comma, a braced key and a final mark, a note read at its mark,
    # a citation in alt text numbered where the image stands
    assert [sup.get_text() for sup in sups[4:]] == ["see 2 (chap. 3)", "4.", "6"]
    assert page.select_one("img")["alt"] == "A figure (7)"
    listed = [li.select_one(".medcite-reference-text")["id"] for li in page.select("ol.medcite-references > li")]
    assert listed[5:] == ["source-conferencepaper2003", "source-thesisphd2019"]
    assert "[see" not in page.get_text() and "@" not in page.select_one("article").get_text().split("References")[0]


def test_bare_and_unclosed_forms_are_reported_and_shown(tmp_path_factory: pytest.TempPathFactory) -> None:
    from .conftest import run_build, write_project

    project = write_project(tmp_path_factory.mktemp("broken-forms"), {"index.md": BROKEN_FORMS}, bib=_subset())
    strict = run_build(project)
    assert strict.returncode != 0
    assert "docs/index.md:10:4: error: '@edited2002book' is not a citation and is shown as written: write " \
           "[@edited2002book] [bare-citation-key]" in strict.log
    assert "docs/index.md:12:14: error: citation is not closed: add ']'" in strict.log
    assert "team@edited2002book.org" not in strict.log.split("bare-citation-key")[-1]
    result = run_build(project, strict=False)
    page = result.page("index.html")
    text = page.get_text()
    assert "As @edited2002book says" in text and "team@edited2002book.org" in text  # never converted
    (error,) = page.select("span.medcite-error")
    assert error.get_text().startswith("[@chapter2002, p. 3 and the paragraph ends")
