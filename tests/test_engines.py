"""The same site under MkDocs, ProperDocs and Zensical: a fixture site and this repository's site
are built with each engine (through scripts/build_site.py, as ``make site ENGINE=…`` does), and
the article bodies are compared on their parsed HTML: citation numbers and their links and
tooltips, reference lists, review boxes, JSON-LD and the bibliography page. An unknown key fails
each strict build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from .conftest import FRONT, ROOT, SMALL_BIB, build_site

ENGINES = ("mkdocs", "properdocs", "zensical")
UNCITED = "@article{never2020, author={Nobody, Ann}, title={Never cited}, journal={J}, year={2020}, pmid={22222222}}\n"

ARTICLE = FRONT.replace("Test page", "Back pain") + """
# Back pain

Back pain is common [@chou2007diagnosis]. Paracetamol does not help [@machado2015efficacy; @doi:10.1136/bmj.h1225].

!!! note "Guidelines"
    Guidelines agree [@nice2016low; @chou2007diagnosis].

- A list item cites one source [@genevay2020].
- And by PubMed ID, with a page [@pmid:17909209, p. 480].

Use `[@chou2007diagnosis]` in code.
"""
OTHER = FRONT.replace("Test page", "Other page") + """
# Other page

Accents in names [@genevay2020]. The same guideline again [@chou2007diagnosis; @nice2016low; @machado2015efficacy].
"""
BIBLIOGRAPHY = FRONT.replace("Test page", "Bibliography") + "\n# Bibliography\n\n<!-- medcite:bibliography -->\n"


def fixture_project(root: Path, pages: dict[str, str], bib: str = SMALL_BIB + UNCITED) -> Path:
    """A site configured the engine-neutral way: the extension holds the bibliography."""
    for name, text in pages.items():
        target = root / "docs" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "refs.bib").write_text(bib, encoding="utf-8")
    (root / "overrides").mkdir()
    shutil.copy2(ROOT / "overrides" / "main.html", root / "overrides" / "main.html")  # prints the JSON-LD
    config = {
        "site_name": "Engine test",
        "site_url": "https://example.org/test/",
        "docs_dir": "docs",
        "theme": {"name": "material", "font": False, "custom_dir": "overrides"},
        "plugins": ["search", "citations"],
        "markdown_extensions": ["admonition", "attr_list", {"toc": {"permalink": True}},
                                {"medcite": {"bibliography": "refs.bib"}}],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return root


def text_of(element: Tag | None) -> str:
    return " ".join(element.get_text().split()) if element is not None else ""


def article_view(html: str) -> dict[str, Any]:
    """What a reader gets from medcite on one page, engine markup (permalinks, theme) left out."""
    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article")
    assert article is not None
    jsonld = soup.select_one('script[type="application/ld+json"]')
    return {
        "citations": [
            [(a.get_text(), a["href"], a.get("title"), a.get("aria-label"), a.get("aria-describedby"))
             for a in sup.select("a.medcite-ref")] + [text_of(e) for e in sup.select(".medcite-error")]
            for sup in article.select("sup.medcite-citation")
        ],
        "references": [
            (li["id"], li.select_one(".medcite-reference-text")["id"], text_of(li.select_one(".medcite-reference-text")),
             text_of(li.select_one(".medcite-evidence")), [a["href"] for a in li.select(".medcite-backlinks a")])
            for li in article.select("ol.medcite-references > li")
        ],
        "errors": [text_of(e) for e in article.select(".medcite-error")],
        "review": text_of(article.select_one("p.medcite-review")),
        "bibliography": [
            (li["id"], text_of(li.select_one(".medcite-reference-text")), text_of(li.select_one(".medcite-cited-on")),
             [(a.get_text(), a["href"]) for a in li.select(".medcite-cited-on a")])
            for li in article.select("ul.medcite-bibliography > li")
        ],
        "jsonld": json.loads(jsonld.string or "") if jsonld is not None else None,
    }


def site_views(site: Path) -> dict[str, dict[str, Any]]:
    return {page.relative_to(site).as_posix(): article_view(page.read_text(encoding="utf-8"))
            for page in sorted(site.rglob("index.html")) if page.parent != site / "404"}


@pytest.fixture(scope="module")
def fixture_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    sites = {}
    for engine in ENGINES:
        project = fixture_project(tmp_path_factory.mktemp(f"fixture-{engine}"),
                                  {"index.md": FRONT + "# Home\n\nWelcome.\n", "back.md": ARTICLE,
                                   "sub/other.md": OTHER, "bibliography.md": BIBLIOGRAPHY})
        proc = build_site(engine, project / "mkdocs.yml", project / "out")
        assert proc.returncode == 0, f"{engine}:\n{proc.stdout}{proc.stderr}"
        sites[engine] = project / "out"
    return sites


def test_fixture_site_renders_citations_as_expected_with_mkdocs(fixture_sites: dict[str, Path]) -> None:
    """The reference point of the comparison is itself right."""
    view = article_view((fixture_sites["mkdocs"] / "back/index.html").read_text(encoding="utf-8"))
    assert [[link[0] for link in group] for group in view["citations"]] == [["1"], ["2"], ["1", "3"], ["4"],
                                                                          ["1 (p. 480)"]]
    assert [ref[0] for ref in view["references"]] == ["ref-1", "ref-2", "ref-3", "ref-4"]
    assert view["references"][0][4] == ["#cite-1", "#cite-3", "#cite-5"]
    assert view["citations"][0][0][2].startswith("1. Chou R, Qaseem A")
    assert view["review"].startswith("Last reviewed 1 January 2026")
    assert view["jsonld"]["url"] == "https://example.org/test/back/"
    assert len(view["jsonld"]["citation"]) == 4
    bib = article_view((fixture_sites["mkdocs"] / "bibliography/index.html").read_text(encoding="utf-8"))
    cited_on = {entry[0]: entry[3] for entry in bib["bibliography"]}
    assert cited_on["bib-chou2007diagnosis"] == [("Back pain", "../back/#source-chou2007diagnosis"),
                                                 ("Other page", "../sub/other/#source-chou2007diagnosis")]
    assert cited_on["bib-never2020"] == []
    assert next(e[2] for e in bib["bibliography"] if e[0] == "bib-never2020") == "Not cited on any page yet."


@pytest.mark.parametrize("engine", ["properdocs", "zensical"])
def test_fixture_site_is_the_same_on_every_engine(fixture_sites: dict[str, Path], engine: str) -> None:
    expected, got = site_views(fixture_sites["mkdocs"]), site_views(fixture_sites[engine])
    assert sorted(got) == sorted(expected)
    for page, view in expected.items():
        assert got[page] == view, f"{engine}: {page} differs from MkDocs"


@pytest.mark.parametrize("engine", ["properdocs", "zensical"])
def test_repo_site_is_the_same_on_every_engine(repo_sites: dict[str, Path], engine: str) -> None:
    expected, got = site_views(repo_sites["mkdocs"]), site_views(repo_sites[engine])
    assert sorted(got) == sorted(expected)
    for page, view in expected.items():
        assert got[page] == view, f"{engine}: {page} differs from MkDocs"
    citations = sum(len(view["citations"]) for view in got.values())
    entries = len(got["bibliography/index.html"]["bibliography"])
    assert citations > 500 and entries == (ROOT / "references.bib").read_text(encoding="utf-8").count("\n@")
    assert not any(view["errors"] for view in got.values())
    print(f"\n{engine}: {len(got)} pages, {citations} citation groups, "
          f"{sum(len(v['references']) for v in got.values())} reference-list entries, {entries} bibliography entries "
          "- the same as MkDocs")


def test_zensical_publishes_no_hook_code(repo_sites: dict[str, Path]) -> None:
    assert not list(repo_sites["zensical"].rglob("*.py"))
    assert (repo_sites["zensical"] / "assets/medcite/medcite.css").is_file()
    assert (repo_sites["zensical"] / "assets/medcite/medcite.js").is_file()


# -- an unknown key fails every strict build ------------------------------------------------
BAD = {"index.md": FRONT + "# Home\n\nFine [@chou2007diagnosis].\n\nBad [@nope].\n",
       "bibliography.md": BIBLIOGRAPHY}
WHERE = "docs/index.md:11:5: error: unknown citation key 'nope'"  # as citation-lint and the plugin print it


@pytest.mark.parametrize("engine", ENGINES)
def test_unknown_key_stops_make_site_on_every_engine(tmp_path: Path, engine: str) -> None:
    project = fixture_project(tmp_path, BAD)
    proc = build_site(engine, project / "mkdocs.yml", project / "out")
    assert proc.returncode != 0
    assert WHERE in proc.stdout
    assert "Traceback" not in proc.stderr
    assert not (project / "out").exists()  # the gate stopped it before the engine ran


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
@pytest.mark.parametrize("quiet", [False, True])
def test_unknown_key_fails_the_engines_own_strict_build(tmp_path: Path, engine: str, quiet: bool) -> None:
    """Without the gate, the plugin fails a strict build itself, also under -q (which drops warnings)."""
    project = fixture_project(tmp_path, BAD)
    cmd = [sys.executable, "-m", engine, "build", "--strict", "--site-dir", str(project / "out")]
    proc = subprocess.run([*cmd, "-q"] if quiet else cmd, cwd=project, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    # With -q, MkDocs never counts the warning: the plugin's own verdict lists the error instead.
    verdict = "Aborted: citation-lint found 1 error in strict mode:" if quiet else "Aborted with 1 warnings in strict mode!"
    assert verdict in output
    assert WHERE in output
    assert "Traceback" not in output


def test_unknown_key_without_strict_is_reported_and_shown(tmp_path: Path) -> None:
    project = fixture_project(tmp_path, BAD)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(project / "out")], cwd=project,
                          capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, timeout=300)
    assert proc.returncode == 0
    assert WHERE in proc.stderr
    page = BeautifulSoup((project / "out/index.html").read_text(encoding="utf-8"), "html.parser")
    assert text_of(page.select_one("article .medcite-error")) == "[@nope]"


@pytest.mark.parametrize("engine", ENGINES)
def test_front_matter_markup_is_text_on_every_engine(tmp_path: Path, engine: str) -> None:
    """Material prints titles unescaped; under Zensical no plugin runs, so the extension escapes them."""
    hostile = ('---\ntitle: "<script>alert(1)</script>"\ndescription: "<img src=x onerror=alert(2)>"\n'
               'medcite_jsonld: "</script><script>alert(3)</script>"\nlast_reviewed: 2026-01-01\n'
               "next_review: 2028-01-01\n---\n# Hostile\n\nBack pain is common [@chou2007diagnosis].\n")
    project = fixture_project(tmp_path, {"index.md": hostile, "bibliography.md": BIBLIOGRAPHY})
    # Straight to the engine, without the lint gate (which stops this page: metadata-markup).
    cmd = [sys.executable, "-m", engine, "build"] + ([] if engine == "zensical" else ["--site-dir", "site"])
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = (project / "site" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert not [s for s in soup.find_all("script") if "alert" in (s.string or "") and s.get("type") != "application/ld+json"]
    assert not soup.select("img[onerror]")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not dropped
    assert "&amp;lt;" not in html  # and escaped once
    jsonld_text = soup.select_one('script[type="application/ld+json"]').string
    assert "<" not in jsonld_text
    jsonld = json.loads(jsonld_text)
    assert jsonld["name"] == "<script>alert(1)</script>"  # JSON-LD keeps the text; json-escaped, not HTML


# The three ways to write markup into an H1 as text (red team F1): a code span, backslash escapes, entities.
HOSTILE_H1 = {
    "code": "# Back pain `</title><script>alert(1337)</script>`",
    "escapes": r"# Back pain \</title\>\<script\>alert(1337)\</script\>",
    "entities": "# Back pain &lt;/title&gt;&lt;script&gt;alert(1337)&lt;/script&gt;",
}


@pytest.mark.parametrize("form", sorted(HOSTILE_H1))
@pytest.mark.parametrize("engine", ENGINES)
def test_title_from_the_heading_is_text_on_every_engine(tmp_path: Path, engine: str, form: str) -> None:
    """With no front-matter title the theme prints the H1's text as the page title (in <title>, the
    header and the navigation): it must stay text there, and be plain text in the JSON-LD."""
    page = ("---\ndescription: d\nlast_reviewed: 2026-11-01\nnext_review: 2028-11-01\n---\n\n"
            f"{HOSTILE_H1[form]}\n\nParacetamol does not help back pain [@chou2007diagnosis].\n")
    project = fixture_project(tmp_path, {"index.md": FRONT + "# Home\n\nWelcome.\n", "page.md": page,
                                         "bibliography.md": BIBLIOGRAPHY})
    cmd = [sys.executable, "-m", engine, "build"] + ([] if engine == "zensical" else ["--strict", "--site-dir", "site"])
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    soup = BeautifulSoup((project / "site/page/index.html").read_text(encoding="utf-8"), "lxml")
    heading = soup.select_one("article h1")
    assert heading is not None
    for permalink in heading.select(".headerlink"):
        permalink.decompose()
    shown = text_of(heading)  # what the reader sees in the H1 (Python-Markdown keeps "\<" as written)
    assert shown.startswith("Back pain") and "<script>alert(1337)" in shown
    for name in ("page/index.html", "index.html"):  # the page itself, and another page's navigation
        html = (project / "site" / name).read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "lxml")
        assert not [s for s in soup.find_all("script") if "alert" in (s.string or "")
                    and s.get("type") != "application/ld+json"], name
        assert "&amp;lt;" not in html, name  # escaped once, not twice
        assert any(shown in text_of(link) for link in soup.select("nav a")), name
    soup = BeautifulSoup((project / "site/page/index.html").read_text(encoding="utf-8"), "lxml")
    assert soup.title is not None and soup.title.get_text().startswith(shown + " - ")
    assert shown in text_of(soup.select_one(".md-header__topic:last-child"))
    jsonld = json.loads(soup.select_one('script[type="application/ld+json"]').string or "")
    assert jsonld["name"] == shown


def test_navigation_titles_from_the_config_are_text(tmp_path: Path) -> None:
    """Titles written in the config's nav (of a page, a section) and a title MkDocs takes from the file
    name are printed by the theme too: text as well."""
    project = fixture_project(tmp_path, {"index.md": FRONT + "# Home\n\nWelcome.\n",
                                         "page.md": "Paracetamol does not help back pain [@chou2007diagnosis].\n",
                                         "a&lt;img src=z onerror=alert(3)&gt;.md": "No heading here.\n",
                                         "bibliography.md": BIBLIOGRAPHY})
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config["nav"] = ["index.md", {"<img src=x onerror=alert(1)>": [{"<img src=y onerror=alert(2)>": "page.md"},
                                                                   "a&lt;img src=z onerror=alert(3)&gt;.md"]},
                     "bibliography.md"]
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", "site"], cwd=project,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("index.html", "page/index.html"):
        soup = BeautifulSoup((project / "site" / name).read_text(encoding="utf-8"), "lxml")
        assert not soup.select("[onerror]"), name
        nav = text_of(soup.select_one("nav.md-nav--primary"))
        for shown in ("<img src=x onerror=alert(1)>", "<img src=y onerror=alert(2)>",
                      "A&lt;img src=z onerror=alert(3)&gt;"):
            assert shown in nav, (name, shown)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_table_of_contents_label_is_text_on_every_engine(tmp_path: Path, engine: str) -> None:
    """attr_list's data-toc-label names a heading in the table of contents; Zensical prints it as HTML."""
    page = (FRONT + "# Home\n\n## Part { data-toc-label=\"<img src=x onerror=alert(1)>\" }\n\nText.\n\n"
            "## Other { data-toc-label=\"<img src=y onerror=alert(2)\" }\n\nText.\n\n"
            "## Third { data-toc-label=\"<code>plain</code> words\" }\n\nText.\n")
    project = fixture_project(tmp_path, {"index.md": page, "bibliography.md": BIBLIOGRAPHY})
    cmd = [sys.executable, "-m", engine, "build"] + ([] if engine == "zensical" else ["--site-dir", "site"])
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    soup = BeautifulSoup((project / "site" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert not soup.select("[onerror]")
    toc = text_of(soup.select_one("nav.md-nav--secondary"))
    assert "plain words" in toc and "<img src=y onerror=alert(2)" in toc  # text: tags dropped, a lone "<" shown


@pytest.mark.parametrize("engine", ENGINES)
def test_a_title_from_the_file_name_is_text_on_every_engine(tmp_path: Path, engine: str) -> None:
    """No front-matter title and no H1: the engines name the page after its file, and print that too."""
    project = fixture_project(tmp_path, {"index.md": FRONT + "# Home\n\nWelcome.\n",
                                         "x<img src=y onerror=alert(2)>.md": "---\ndescription: d\n---\nNo heading.\n",
                                         "bibliography.md": BIBLIOGRAPHY})
    cmd = [sys.executable, "-m", engine, "build"] + ([] if engine == "zensical" else ["--site-dir", "site"])
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pages = sorted((project / "site").rglob("*.html"))
    assert len(pages) >= 4
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        assert not soup.select("[onerror]"), page
    home = BeautifulSoup((project / "site/index.html").read_text(encoding="utf-8"), "lxml")
    assert "X<img src=y onerror=alert(2)>" in text_of(home.select_one("nav.md-nav--primary"))
