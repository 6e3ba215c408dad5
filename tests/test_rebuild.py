"""Serve-style rebuilds in one process: the bibliography is parsed once and only changed pages are
linted again; large sites lint in background workers with the same findings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

import medcite.app.runner as runner
import medcite.bib.bibliography as bibliography

from .conftest import FRONT, write_project

PAGE = FRONT + "\n# Page {n}\n\nMost people with back pain feel better within weeks [@machado2015efficacy].\n"


def _build(project: Path, command: str = "serve") -> None:
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    config.plugins.on_startup(command=command, dirty=False)
    build(config)


def test_rebuild_after_one_edit_reparses_nothing_and_relints_one_page(tmp_path: Path, monkeypatch) -> None:
    project = write_project(tmp_path, {f"p{n}.md": PAGE.format(n=n) for n in range(5)})
    parsed: list[str] = []
    linted: list[str] = []
    real_parse, real_check = bibliography.parse_bibliography, runner.check_document
    monkeypatch.setattr(bibliography, "parse_bibliography", lambda t, p: parsed.append(p) or real_parse(t, p))
    monkeypatch.setattr(runner, "check_document", lambda path, *a: linted.append(path) or real_check(path, *a))
    bibliography._cache.clear()
    monkeypatch.setenv("MEDCITE_CACHE_DIR", str(tmp_path / "cache"))
    _build(project)
    assert len(parsed) == 1 and len(linted) == 5
    (project / "docs" / "p3.md").write_text(PAGE.format(n="three") + "\nStaying active helps.\n", encoding="utf-8")
    parsed.clear()
    linted.clear()
    _build(project)
    assert parsed == []  # the bibliography came from the in-memory cache
    assert linted == ["docs/p3.md"]
    (project / "refs.bib").write_text((project / "refs.bib").read_text() + "\n@misc{new, title={New}, year={2020}}\n")
    _build(project)
    assert len(parsed) == 1  # its content changed, so it was parsed again


@pytest.mark.parametrize("pages", [45])
def test_background_workers_report_the_same_findings(build, pages: int) -> None:
    # Every page holds one uncited claim, so the log shows whether every page was linted by the workers.
    docs = {f"p{n:02d}.md": PAGE.format(n=n) + f"\nAbout {n + 1}% of adults have this.\n" for n in range(pages)}
    docs["p07.md"] = PAGE.format(n=7) + "\nAbout 40% of adults have this. Bad [@nosuchkey].\n"
    # The rule table's verdicts ("statistic"): pinned to it (the default is the meaning model).
    result = build(docs, strict=False, plugin_config={"claims": "rules"})
    assert result.returncode == 0
    flagged = set(re.findall(r"docs/(p\d\d)\.md:12:1: (?:error: )?statistic claim needs a citation", result.log))
    assert flagged == {f"p{n:02d}" for n in range(pages)}
    assert "WARNING -  medcite: docs/p07.md:12:1: error: statistic claim needs a citation in the same sentence" \
        in result.log
    assert "WARNING -  medcite: docs/p07.md:12:36: error: unknown citation key 'nosuchkey'" in result.log
    html = (result.site / "p07" / "index.html").read_text(encoding="utf-8")
    assert "Last reviewed" in html and "medcite:reading-grade" not in html  # short page: no grade, no marker
