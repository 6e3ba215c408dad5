"""Citing Medicine forms in a real ``mkdocs build --strict``: an edited book, a chapter, ``and others``,
a web page and an article consulted online, read back from the built HTML."""

from __future__ import annotations

import re

import pytest

from medcite.bibliography import parse_bibliography

from .conftest import FRONT, ROOT, BuildResult

KEYS = ("edited2002book", "chapter2002", "andothers2013", "webpage2022", "onlinewithdoi2022")
PAGE = FRONT + """
# Forms

A book edited by two people [@edited2002book]. A chapter in a book [@chapter2002].

A trial with a long author list [@andothers2013]. A web page [@webpage2022].

An article read online [@onlinewithdoi2022].
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


def test_the_tooltip_carries_the_same_form(site: BuildResult) -> None:
    link = site.page("index.html").select_one('a.medcite-ref[href="#ref-3"]')
    assert link is not None and "3. Stone SL, et al. Effects of bracing" in link["title"]
