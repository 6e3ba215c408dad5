"""A newcomer's trap: a failed build must not wipe site/ (scripts/build_site.py builds into a temporary folder
and swaps it in only on success, as the offline bundle does)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FRONT, ROOT, write_project

BUILD_SITE = ROOT / "scripts" / "build_site.py"
GOOD = FRONT + "\n# Page\n\nMost back pain gets better [@machado2015efficacy].\n"


def _build(project: Path, engine: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BUILD_SITE), "--engine", engine, "--config", str(project / "mkdocs.yml"),
                           "--site-dir", str(project / "site")], cwd=project, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_a_failed_build_leaves_the_last_site_in_place(tmp_path: Path, engine: str) -> None:
    project = write_project(tmp_path, {"index.md": GOOD, "other.md": GOOD},
                            extra={"markdown_extensions": ["admonition", "attr_list", "toc",
                                                           {"medcite": {"bibliography": "refs.bib"}}]})
    first = _build(project, engine)
    assert first.returncode == 0, first.stdout + first.stderr
    before = sorted(p.relative_to(project / "site") for p in (project / "site").rglob("*.html"))
    assert len(before) >= 2
    # Lint passes, the strict build does not: a link to a page that does not exist.
    (project / "docs" / "other.md").write_text(GOOD + "\nSee [the missing page](missing.md).\n", encoding="utf-8")
    (project / "docs" / "index.md").write_text(GOOD.replace("better", "well"), encoding="utf-8")
    second = _build(project, engine)
    assert second.returncode != 0
    assert sorted(p.relative_to(project / "site") for p in (project / "site").rglob("*.html")) == before
    assert "gets better" in (project / "site" / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []  # no temporary folder left


def test_zensical_says_on_every_build_that_it_does_not_count_citation_errors(tmp_path: Path) -> None:
    """Zensical counts no warning a Markdown extension logs (and an exception is a traceback), so its own
    --strict build cannot fail on an unknown key: each build names the problem and the real gate."""
    project = write_project(tmp_path, {"index.md": GOOD.replace("machado2015efficacy", "nosuchkey2020")},
                            extra={"markdown_extensions": [{"medcite": {"bibliography": "refs.bib"}}]})
    proc = subprocess.run([sys.executable, "-m", "zensical", "build", "--strict", "--clean"], cwd=project,
                          capture_output=True, text=True, timeout=300)
    log = proc.stdout + proc.stderr
    assert "Traceback" not in log
    assert "the gate is `make site ENGINE=zensical` or `citation-lint`" in log
    assert "index.md: 1 citation problem(s) shown on the page: unknown citation key 'nosuchkey2020'" in log


@pytest.mark.parametrize("name", ["includes/nope.md", "includes/fifo.md", "../outside.md"])
def test_zensical_names_a_refused_include_at_its_line_and_never_reads_it(tmp_path: Path, name: str) -> None:
    import os

    page = GOOD + f'\n--8<-- "{name}"\n'
    project = write_project(tmp_path / "project", {"index.md": page}, extra={"markdown_extensions": [
        {"pymdownx.snippets": {"base_path": ["."], "check_paths": True}}, {"medcite": {"bibliography": "refs.bib"}}]})
    (project / "includes").mkdir()
    os.mkfifo(project / "includes" / "fifo.md")
    (tmp_path / "outside.md").write_text("SECRET_TOKEN=hunter2\n", encoding="utf-8")
    line = page.count("\n")
    proc = subprocess.run([sys.executable, "-m", "zensical", "build", "--clean"], cwd=project, capture_output=True,
                          text=True, timeout=120)
    log = proc.stdout + proc.stderr
    assert "Traceback" not in log and f"docs/index.md:{line}:9: error: include '{name}'" in log
    assert "hunter2" not in (project / "site" / "index.html").read_text(encoding="utf-8")
