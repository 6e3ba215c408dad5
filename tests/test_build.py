"""Real ``mkdocs build`` runs of small sites, checked on the parsed HTML."""

from __future__ import annotations

import os

import pytest

from .conftest import FRONT, LAUGHS, ROOT

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
    assert links == {"Back pain": "../back/#source-chou2007diagnosis"}
    assert items[1].select_one(".medcite-cited-on a")["href"] == "../other/#source-genevay2020"
    # The anchor is the entry inside the citing page's References list.
    target = site.page("back/index.html").select_one("#source-chou2007diagnosis")
    assert target is not None and target.find_parent("li")["id"] == "ref-1"


def test_unknown_key_fails_strict_build_with_location(build) -> None:
    result = build({"index.md": FRONT + "# Home\n\nFine [@chou2007diagnosis].\n\nBad [@nope].\n"})
    assert result.returncode != 0
    assert "docs/index.md:11:5: error: unknown citation key 'nope'" in result.log
    assert "Traceback" not in result.log


@pytest.mark.parametrize(("front", "where"), [
    ("---\ntitle: T\ndescription: D\nlast_reviewed: 2026-02-30\nnext_review: 2027-01-01\n---\n", "docs/x.md:4:1"),
    ("---\ntitle: T\ndescription: " + "[" * 3000 + "]" * 3000 + "\n---\n", "docs/x.md:3:1"),
    (LAUGHS, "docs/x.md:5:1"),  # a billion values through YAML aliases: not expanded, not printed
])
def test_front_matter_yaml_cannot_build_is_a_finding_on_its_page(build, front: str, where: str) -> None:
    """Red team F7: PyYAML raises ValueError or RecursionError for these; the build (whose bibliography
    page reads every page's title) must name the page and line, not crash on bibliography.md."""
    result = build({"index.md": FRONT + "# Home\n\nFine [@chou2007diagnosis].\n",
                    "x.md": front + "\n# X\n\nFine [@chou2007diagnosis].\n"})
    assert result.returncode != 0
    assert f"{where}: error: front matter" in result.log
    assert "[invalid-front-matter]" in result.log
    assert "Traceback" not in result.log and "bibliography.md" not in result.log


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
    assert "refs.bib:3:1: error: BibTeX syntax error in entry 'broken' (noticed on line 4): premature end of file" \
        in result.log


NOISY = FRONT + "# Anatomy {n}\n\nThe femur is the thigh bone.\n\nThe hip is a ball and socket joint.\n"
PLANTED = FRONT + ("# Planted\n\nAbout 40% of adults have back pain each year.\n\n"
                   "Paracetamol is no better than placebo [@machado2015eficacy].\n")


def _medcite(log: str) -> list[str]:
    return [line for line in log.splitlines() if " medcite: " in line]


@pytest.mark.parametrize("show", ["warnings", "errors"])
def test_build_log_ends_with_the_count_then_the_errors(build, show: str) -> None:
    pages = {f"a{n:02d}.md": NOISY.format(n=n) for n in range(8)}
    pages |= {f"z{n:02d}.md": NOISY.format(n=n) for n in range(8)}
    pages["m-planted.md"] = PLANTED
    # without the advice on how SMALL_BIB's entries read (sentence case, journal abbreviations); the rule table's
    # explanation is spelt out below, so pinned to it (the default is the meaning model)
    result = build(pages, plugin_config={"show": show, "ignore": ["sentence-case-changed", "no-journal-abbreviation"],
                                         "claims": "rules"})
    assert result.returncode != 0
    lines = result.log.splitlines()
    ours = _medcite(result.log)
    assert ours[-2:] == [
        "WARNING -  medcite: docs/m-planted.md:9:1: error: statistic claim needs a citation in the same sentence; "
        "statistic (statistic-percent: '40%') [uncited-claim]",
        "WARNING -  medcite: docs/m-planted.md:11:39: error: unknown citation key 'machado2015eficacy'; "
        "did you mean 'machado2015efficacy'? [unknown-key]",
    ]
    assert ours[-3].startswith("INFO    -  medcite: 2 errors, 36 warnings and 0 advice in 17 pages")
    assert ours[-3].endswith(":")
    # after our errors, only MkDocs' own verdict; each error counted once by --strict
    after = [line for line in lines[lines.index(ours[-1]) + 1:] if line.strip()]
    assert after == ["Aborted with 2 warnings in strict mode!"], after
    warnings = [line for line in ours if ": warning: " in line]
    if show == "warnings":
        assert len(warnings) == 36  # 16 pages x 2 statements, 4 entries never cited and all(line.startswith("INFO    -  medcite: ") for line in warnings)
        assert "citation-lint lists them all" not in ours[-3]
    else:
        assert warnings == [] and "; citation-lint lists them all:" in ours[-3]


def test_build_and_lint_print_the_same_words(build, tmp_path) -> None:
    from medcite.adapters.cli.main import main

    result = build({"index.md": PLANTED}, plugin_config={"show": "all"}, strict=False)
    assert result.returncode == 0
    logged = {line.split(" medcite: ", 1)[1] for line in _medcite(result.log) if "[" in line}
    os.chdir(tmp_path)
    try:
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            main(["--jobs", "1"])
    finally:
        os.chdir(ROOT)
    printed = {line for line in out.getvalue().splitlines() if line.endswith("]")}
    assert logged == printed and any(": error: " in line for line in logged)
    assert any(": warning: " in line for line in logged)


def test_clean_build_is_one_line_of_ours(build) -> None:
    result = build({"index.md": NOISY.format(n=1)})
    assert result.returncode == 0, result.log
    assert _medcite(result.log) == ["INFO    -  medcite: 0 errors, 6 warnings and 2 advice in 1 page; "
                                    "citation-lint lists them all"]


def test_baseline_option_accepts_known_errors_in_a_strict_build(build, tmp_path) -> None:
    from medcite.adapters.cli.main import main

    result = build({"index.md": PLANTED})
    assert result.returncode != 0
    os.chdir(tmp_path)
    try:
        assert main(["--jobs", "1", "--write-baseline", "accepted.json"]) == 0
    finally:
        os.chdir(ROOT)
    result = build({"index.md": PLANTED}, plugin_config={"baseline": "accepted.json"})
    assert result.returncode == 0, result.log
    assert _medcite(result.log)[-1].endswith("(8 more accepted in the baseline)")  # 6 + 2 reference advice
    result = build({"index.md": PLANTED + "\nSee [@nosuchkey].\n"}, plugin_config={"baseline": "accepted.json"})
    assert result.returncode != 0
    assert _medcite(result.log)[-1].endswith("error: unknown citation key 'nosuchkey' [unknown-key]")


def test_unknown_rule_in_severity_is_a_config_error(build) -> None:
    result = build({"index.md": PLANTED}, plugin_config={"severity": {"no-such-rule": "error"}})
    assert result.returncode != 0 and "severity: unknown rule id(s) no-such-rule" in result.log
    assert "Traceback" not in result.log
