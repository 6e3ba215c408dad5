"""Included snippet files (pymdownx.snippets) are linted once each, as fragments, at their own lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcite.adapters.cli.main import main as lint_main
from medcite.source.snippets import included_names

from .conftest import FRONT, run_build, write_project

BLOCK = '!!! danger "Call 999 now"\n\n    Back pain with numbness in both legs needs help now [@{key}].\n'
PAGE = FRONT + '\n# Page\n\nMost back pain gets better [@machado2015efficacy].\n\n--8<-- "includes/flag.md"\n'
SNIPPETS = {"markdown_extensions": ["admonition", "attr_list", "toc",
                                    {"pymdownx.snippets": {"base_path": ["."]}}]}


@pytest.mark.parametrize(("text", "names"), [
    ('--8<-- "a.md"\n', ["a.md"]),
    ("--8<-- 'dir/b.md:3:5'\n", ["dir/b.md"]),
    ('-8<- "c.md"\n', ["c.md"]),
    (';--8<-- "escaped.md"\n', []),
    ('```\n--8<-- "in-code.md"\n```\n', []),
    ('text --8<-- "inline.md"\n', []),
])
def test_include_lines(text: str, names: list[str]) -> None:
    assert included_names(text) == names


def _project(tmp_path: Path, key: str) -> Path:
    project = write_project(tmp_path, {"index.md": PAGE}, extra=SNIPPETS)
    (project / "includes").mkdir()
    (project / "includes" / "flag.md").write_text(BLOCK.format(key=key), encoding="utf-8")
    return project


def test_a_typo_in_an_included_block_fails_lint_and_the_strict_build(tmp_path: Path, monkeypatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path, "chou2007diagnosiss")
    monkeypatch.chdir(project)
    assert lint_main(["--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert "includes/flag.md:3:57: error: unknown citation key 'chou2007diagnosiss'; did you mean " \
           "'chou2007diagnosis'? [unknown-key]" in out
    assert "missing-front-matter" not in out  # a fragment has no front matter of its own
    result = run_build(project)
    assert result.returncode != 0 and "includes/flag.md:3:57: error: unknown citation key" in result.log


def test_an_included_block_renders_and_counts_as_citing(tmp_path: Path, monkeypatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path, "chou2007diagnosis")
    monkeypatch.chdir(project)
    lint_main(["--jobs", "1", "--format", "json"])
    out = capsys.readouterr().out
    assert "'chou2007diagnosis' is never cited" not in out  # the block's citation counts for the site
    result = run_build(project)
    assert result.returncode == 0, result.log
    page = result.page("index.html")
    assert len(page.select("sup.medcite-citation")) == 2 and page.select_one(".admonition.danger sup") is not None
