"""One page model: a page's source is read once per build into one object
(:class:`medcite.source.document.SourceDocument`) that the linter, the snippet resolver, the "cited on" index
of the bibliography page and the reading grade all use.

The build below runs the whole pipeline in one process (lint in-process, as on a one-CPU machine or in
``mkdocs serve``), with every parsing pass of ours counted per text: masking code, reading the front matter,
finding citations and segmenting sentences. Each happens at most once for each page and snippet.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

import medcite.app.runner as runner
import medcite.bib.bibliography as bibliography
import medcite.source.document as document
from medcite.source.citations import find_citations, mask_views
from medcite.source.document import SourceDocument, read_document
from medcite.source.metadata import read_front_matter
from medcite.source.prose import parse_document
from medcite.source.readability import measure

from .conftest import FRONT, write_project

PASSES = {"mask": mask_views,  # every mask_code goes through it (both views in one pass)
          "front matter": read_front_matter, "citations": find_citations,
          "segmentation": parse_document}
PROSE = ("Walking every day helps most people with back pain [@chou2007diagnosis]. Short walks are a good "
         "start. Paracetamol alone does little for back pain [@machado2015efficacy].\n")
PAGES = {
    "index.md": FRONT + "# Home\n\n" + PROSE + "\n--8<-- \"includes/shared.md\"\n",
    "second.md": FRONT + "# Second\n\n" + PROSE + "\n```\n[@not-a-citation]\n```\n",
    "bibliography.md": "---\ntitle: Bibliography\n---\n\n# Bibliography\n\n<!-- medcite:bibliography -->\n",
}
SNIPPET = "Seek help at once if you cannot pass urine [@chou2007diagnosis].\n"


def wrap_passes(wrap: Callable[[str, Callable[..., Any]], Callable[..., Any]],
                monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace every reference to a parsing function in medcite's modules by ``wrap(name, function)``, so a
    caller that bypasses the page model is counted too, and start with an empty page memo."""
    wrappers = {id(real): wrap(name, real) for name, real in PASSES.items()}
    for module in [m for name, m in sys.modules.items() if name.startswith("medcite.")]:
        for attribute, value in list(vars(module).items()):
            if id(value) in wrappers:
                monkeypatch.setattr(module, attribute, wrappers[id(value)])
    monkeypatch.setattr(document, "_documents", type(document._documents)(document.DOCUMENTS_KEPT))


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Counter[str]]]:
    """Every reference to a parsing function in medcite's modules is replaced by a counting wrapper, so a
    caller that bypasses the page model is counted too."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in PASSES}

    def wrap(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def counting(text: str, *args: Any, **kwargs: Any) -> Any:
            counts[name][text] += 1
            return real(text, *args, **kwargs)
        return counting

    wrap_passes(wrap, monkeypatch)
    yield counts


def build_in_one_process(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # the plugin lints in-process, without workers
    runner._cache.clear()
    bibliography._cache.clear()
    config = load_config("mkdocs.yml", site_dir=str(project / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)


def test_each_page_is_parsed_once_per_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            counted: dict[str, Counter[str]]) -> None:
    extra = {"markdown_extensions": ["admonition", "attr_list", "toc", {"pymdownx.snippets": {"base_path": "."}}]}
    project = write_project(tmp_path, PAGES, extra=extra)
    (project / "includes").mkdir()
    (project / "includes" / "shared.md").write_text(SNIPPET, encoding="utf-8")
    build_in_one_process(project, monkeypatch)

    html = (project / "site" / "bibliography" / "index.html").read_text(encoding="utf-8")
    assert 'href="../#source-chou2007diagnosis"' in html and 'href="../second/#source-chou2007diagnosis"' in html, \
        "the bibliography page lists the citing pages"
    texts = {name: text for name, text in PAGES.items()} | {"includes/shared.md": SNIPPET}
    for name, text in texts.items():
        for kind in PASSES:
            assert counted[kind][text] <= 1, f"{name}: {kind} ran {counted[kind][text]} times"
    for name in ("index.md", "second.md"):  # what the linter and the index needed was computed
        text = PAGES[name]
        assert counted["front matter"][text] == counted["citations"][text] == counted["mask"][text] == 1, name
        assert counted["segmentation"][text] == 1, name
    assert counted["citations"][SNIPPET] == 1


def test_the_views_of_a_document_are_computed_once(counted: dict[str, Counter[str]]) -> None:
    text = PAGES["index.md"]
    page = read_document(text)
    assert read_document(text) is page
    for _ in range(2):
        assert page.cited_keys == ("chou2007diagnosis", "machado2015efficacy")
        assert page.includes == ["includes/shared.md"]
        assert page.title("index.md") == "Test page"
        again = parse_document(text, masked=page.masked, index=page.lines)  # the real function, not counted
        assert page.readability == measure([s.text for _, s in again.sentences()])
        assert page.front_matter.present and page.masked and page.prose.blocks
    assert {kind: counted[kind][text] for kind in PASSES} == dict.fromkeys(PASSES, 1)


def test_the_title_falls_back_as_mkdocs_does() -> None:
    assert SourceDocument("# Heading\n\nText.\n").title("a/page.md") == "Heading"
    assert SourceDocument("```\n# Not a heading\n```\n").title("some-page.md") == "Some page"
    assert SourceDocument("Text.\n").title("folder/index.md") == "Folder"


@pytest.fixture
def logged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Like ``counted``, for builds with lint workers: each pass appends "pid kind text-digest" to a file,
    so the passes of forked workers (which inherit the wrappers) are counted with the main process's."""
    log = tmp_path / "passes.log"

    def wrap(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def logging(text: str, *args: Any, **kwargs: Any) -> Any:
            with log.open("a", encoding="utf-8") as out:
                out.write(f"{os.getpid()} {name.replace(' ', '-')} {hashlib.sha1(text.encode()).hexdigest()}\n")
            return real(text, *args, **kwargs)
        return logging

    wrap_passes(wrap, monkeypatch)
    yield log


def test_each_page_is_parsed_once_per_build_with_lint_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              logged: Path) -> None:
    """With worker processes linting while MkDocs renders, the main process reads each page's model before
    forking them: the workers inherit it and only segment, and the bibliography page's index reuses it."""
    pages = {f"p{n:02d}.md": FRONT + f"# Page {n}\n\n" + PROSE + f"\nPage {n} [@genevay2020].\n"
             for n in range(runner.MIN_DOCUMENTS_FOR_WORKERS + 5)}
    pages["bibliography.md"] = PAGES["bibliography.md"]
    project = write_project(tmp_path / "project", pages)
    monkeypatch.chdir(project)
    monkeypatch.setattr(os, "cpu_count", lambda: 3)  # two lint workers, forked from this process
    runner._cache.clear()
    bibliography._cache.clear()
    config = load_config("mkdocs.yml", site_dir=str(project / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)

    html = (project / "site" / "bibliography" / "index.html").read_text(encoding="utf-8")
    assert 'href="../p44/#source-genevay2020"' in html, "the bibliography page lists the citing pages"
    entries = [line.split() for line in logged.read_text(encoding="utf-8").splitlines()]
    counts = Counter((kind, digest) for _, kind, digest in entries)
    workers = {pid for pid, kind, _ in entries if kind == "segmentation"} - {str(os.getpid())}
    assert workers, "the pages were segmented in worker processes"
    for name, text in pages.items():
        digest = hashlib.sha1(text.encode()).hexdigest()
        ran = {kind: counts[(kind.replace(" ", "-"), digest)] for kind in PASSES}
        assert all(times <= 1 for times in ran.values()), f"{name}: {ran}"
        if name != "bibliography.md":
            assert all(times == 1 for times in ran.values()), f"{name}: {ran}"
