"""The reading grade is measured once: the MkDocs plugin hands the extension the grade citation-lint
measured (from the lint cache or a finished worker), and the extension measures a page itself only
when it has no such grade for exactly the text it renders. Either way the page shows the same number."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data

import medcite.app.runner as runner
import medcite.bib.bibliography as bibliography
import medcite.engine.pageparts as pageparts
from medcite.app.runner import LintRun
from medcite.bib.bibliography import load_bibliography
from medcite.core.model import decode_utf8
from medcite.engine.context import PageContext, PageInfo, SiteInfo
from medcite.engine.pageparts import grade_or_slot, page_grade, shown_grade
from medcite.lint.checks import LintOptions, check_document
from medcite.render.html import GRADE_MARKER

from .conftest import FRONT, ROOT, SMALL_BIB, write_project

WORDS = ("Walking every day helps most people with back pain. Short walks are a good start. "
         "Rest in bed for a long time can make the pain last longer. ") * 6


def page(n: int) -> str:
    return FRONT + f"\n# Page {n}\n\n{WORDS}\n\nParacetamol did not help [@machado2015efficacy].\n"


def test_every_article_shows_the_grade_citation_lint_measured() -> None:
    """For each page of this site, the grade from the lint report is the grade the extension measures
    on what MkDocs renders (front matter removed), so handing it over changes no page."""
    bib, _ = load_bibliography(ROOT / "references.bib", "references.bib")
    compared = 0
    for path in sorted((ROOT / "content").rglob("*.md")):
        text = decode_utf8(path.read_bytes(), str(path))
        report = check_document(str(path), text, bib, LintOptions())
        assert report.readability is not None
        assert shown_grade(report.readability) == page_grade(get_data(text)[0]), path
        compared += shown_grade(report.readability) is not None
    assert compared > 20


def context(grade: tuple[str, float | None] | None, later: bool = False) -> PageContext:
    return PageContext(PageInfo("p.md", "p/", {}, None, grade, grade_later=later), SiteInfo(".", "docs"))


@pytest.mark.parametrize(("given", "source", "expected"), [
    (("# Page\n\nSome text.", 3.5), "# Page\n\nSome text.", 3.5),  # measured on this text: used
    (("# Page\n\nSome text.", None), "# Page\n\nSome text.", None),  # too short to grade: still used
    (("# Page\n\nOther text.", 3.5), "# Page\n\n" + WORDS, page_grade("# Page\n\n" + WORDS)),  # not this text
    (None, "# Page\n\n" + WORDS, page_grade("# Page\n\n" + WORDS)),  # nothing given
])
def test_a_given_grade_is_used_only_for_the_text_it_was_measured_on(given, source, expected) -> None:
    assert grade_or_slot(context(given), source) == (expected, "")


def test_a_grade_filled_in_later_leaves_a_slot_unless_this_text_was_measured() -> None:
    measured = context(("# Page\n\nSome text.", 3.5), later=True)
    assert grade_or_slot(measured, "# Page\n\nSome text.") == (3.5, "")
    assert measured.page is not None and measured.page.deferred_source is None
    pending = context(None, later=True)
    assert grade_or_slot(pending, "# Page\n\n" + WORDS) == (None, GRADE_MARKER)
    assert pending.page is not None and pending.page.deferred_source == "# Page\n\n" + WORDS


@pytest.fixture
def measured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The page sources the extension measures itself."""
    calls: list[str] = []
    real = pageparts.page_grade
    monkeypatch.setattr(pageparts, "page_grade", lambda source: calls.append(source) or real(source))
    monkeypatch.chdir(write_project(tmp_path, {f"p{n}.md": page(n) for n in range(1, 4)}))
    return calls


def build_once() -> dict[str, str]:
    runner._cache.clear()  # as in a new process: only the disk caches survive
    bibliography._cache.clear()
    config = load_config("mkdocs.yml", site_dir="site")
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    return {name: Path("site", name, "index.html").read_text(encoding="utf-8") for name in ("p1", "p2", "p3")}


def shown(html: str) -> str:
    return html.split("Reading level: about school grade ", 1)[1].split("<", 1)[0]


def test_each_page_is_measured_once_by_citation_lint(measured: list[str], monkeypatch) -> None:
    """Cold, the extension leaves the grade's slot and the plugin fills it from the lint report; warm,
    the report comes from the lint cache. The extension never segments a page itself."""
    linted: list[str] = []
    real = runner.check_document
    monkeypatch.setattr(runner, "check_document", lambda path, *a: linted.append(path) or real(path, *a))
    first = build_once()
    assert measured == [] and sorted(linted) == ["docs/p1.md", "docs/p2.md", "docs/p3.md"]
    for name, html in first.items():
        expected = page_grade(get_data(Path("docs", f"{name}.md").read_text(encoding="utf-8"))[0])
        assert expected is not None and shown(html) == str(round(expected))
    assert all(GRADE_MARKER not in html for html in first.values())
    linted.clear()
    assert build_once() == first  # every report comes from the lint cache, grade included
    assert measured == [] and linted == []
    Path("docs/p2.md").write_text(page(2) + "\nA new sentence about sleep.\n", encoding="utf-8")
    build_once()
    assert measured == [] and linted == ["docs/p2.md"]


def test_without_the_lint_the_extension_measures_each_page(measured: list[str], tmp_path: Path) -> None:
    write_project(tmp_path, {f"p{n}.md": page(n) for n in range(1, 4)}, plugin_config={"lint": False})
    pages = build_once()
    assert len(measured) == 3 and all(shown(html) for html in pages.values())


def test_a_page_a_hook_changed_is_measured_as_rendered(measured: list[str], tmp_path: Path) -> None:
    build_once()
    hook = tmp_path / "hook.py"
    hook.write_text("def on_page_markdown(markdown, **kwargs):\n"
                    "    return markdown.replace('Short walks are a good start.', 'Go.')\n", encoding="utf-8")
    Path("mkdocs.yml").write_text(Path("mkdocs.yml").read_text(encoding="utf-8") + f"hooks:\n  - {hook}\n",
                                  encoding="utf-8")
    measured.clear()
    build_once()
    assert len(measured) == 3 and all("Short walks" not in source for source in measured)


def test_reports_can_be_taken_while_the_workers_lint(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_text(SMALL_BIB, encoding="utf-8")
    bib, _ = load_bibliography(tmp_path / "refs.bib", "refs.bib")
    documents = [(f"docs/p{n}.md", page(n)) for n in range(60)]
    run = LintRun(documents, bib, LintOptions(), jobs=1, background=True, persist=False)
    assert run.ready("docs/unknown.md") is None
    deadline = time.monotonic() + 120
    while run.ready("docs/p59.md") is None and time.monotonic() < deadline:
        time.sleep(0.05)
    early = {path: run.ready(path) for path, _ in documents}
    assert all(report is not None for report in early.values())  # in order: the last one came in after the rest
    assert run.reports() == [early[path] for path, _ in documents]
