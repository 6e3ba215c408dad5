"""Included snippet files (pymdownx.snippets) are linted once each, as fragments, at their own lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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


# -- includes that may not be read (red team F2, F3, F14) ---------------------------------------------------------
SECRET = "SECRET_TOKEN=hunter2"
INCLUDING = FRONT + '\n# Page\n\nMost back pain gets better [@machado2015efficacy].\n\n--8<-- "{name}"\n'


def _hostile(tmp_path: Path, name: str) -> Path:
    """A project whose page includes ``name``; ``../outside/secret.md`` holds a secret, and includes/ has
    a symlink to it, a symlinked folder, a folder, a FIFO and a link to /proc/self/environ."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(SECRET + "\n", encoding="utf-8")
    project = write_project(tmp_path / "project", {"index.md": INCLUDING.format(name=name)}, extra=SNIPPETS)
    includes = project / "includes"
    includes.mkdir()
    (includes / "flag.md").write_text(BLOCK.format(key="chou2007diagnosis"), encoding="utf-8")
    (includes / "link.md").symlink_to(outside / "secret.md")
    (includes / "linkdir").symlink_to(outside)
    (includes / "folder").mkdir()
    (includes / "environ.md").symlink_to("/proc/self/environ")
    os.mkfifo(includes / "fifo.md")
    return project


REFUSED = [
    ("includes/link.md", "symlink to a file outside the base path"),
    ("includes/linkdir/secret.md", "symlink to a file outside the base path"),
    ("includes/environ.md", "symlink to a file outside the base path"),
    ("../outside/secret.md", "outside the base path"),
    ("{outside}/secret.md", "outside the base path"),
    ("/proc/self/environ", "outside the base path"),
    ("includes/nope.md", "does not exist under the base path"),
    ("includes/folder", "is a folder"),
    ("includes/fifo.md", "is not a regular file"),
    ("https://example.org/x.md", "is a URL"),
]


@pytest.mark.parametrize(("name", "reason"), REFUSED)
def test_lint_refuses_an_include_the_build_may_not_read_and_never_reads_it(
        tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str], name: str, reason: str) -> None:
    name = name.format(outside=tmp_path / "outside")
    project = _hostile(tmp_path, name)
    monkeypatch.chdir(project)
    monkeypatch.setenv("SECRET_API_KEY", "sk-live-abc123")
    assert lint_main(["--jobs", "1", "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert SECRET not in out and "sk-live-abc123" not in out
    (finding,) = [f for f in json.loads(out)["findings"] if f["rule"] == "bad-include"]
    assert (finding["path"], finding["line"], finding["severity"]) == ("docs/index.md", 12, "error")
    assert reason in finding["message"]
    cache = Path(os.environ["MEDCITE_CACHE_DIR"])
    assert not any(SECRET in p.read_text(errors="replace") or "sk-live" in p.read_text(errors="replace")
                   for p in cache.rglob("*") if p.is_file())


@pytest.mark.parametrize(("name", "reason"), [REFUSED[0], REFUSED[3], REFUSED[6], REFUSED[7], REFUSED[8]])
def test_the_build_fails_cleanly_on_an_include_it_may_not_read(tmp_path: Path, name: str, reason: str) -> None:
    project = _hostile(tmp_path, name)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(project / "site")],
                          cwd=project, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Traceback" not in log and "docs/index.md:12:" in log and reason in log, log
    site_text = "".join(p.read_text(errors="replace") for p in (project / "site").rglob("*.html"))
    assert SECRET not in site_text


@pytest.mark.parametrize("name", ["a\x00b.md", "x" * 5000 + ".md", "includes/" + "../" * 300 + "etc/passwd", "", " "])
def test_any_name_is_an_include_error_never_an_exception(tmp_path: Path, monkeypatch, name: str) -> None:
    from medcite.source.snippets import include_problems

    monkeypatch.chdir(tmp_path)
    problems = list(include_problems(f'--8<-- "{name}"\n', [tmp_path]))
    assert len(problems) == (1 if name else 0)  # '--8<-- ""' is no include; '--8<-- " "' names no file


def test_a_nested_include_is_checked_too(tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    project = _hostile(tmp_path, "includes/nested.md")
    (project / "includes" / "nested.md").write_text('Intro.\n\n--8<-- "includes/link.md"\n', encoding="utf-8")
    monkeypatch.chdir(project)
    assert lint_main(["--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert "includes/nested.md:3:9: error: include 'includes/link.md' is a symlink" in out and SECRET not in out


def test_the_markdown_extension_never_reads_a_refused_include(tmp_path: Path, monkeypatch) -> None:
    """Zensical runs no plugin: the extension itself keeps pymdownx.snippets off a refused file."""
    import markdown

    project = _hostile(tmp_path, "includes/link.md")
    monkeypatch.chdir(project)
    for name in ("includes/link.md", "includes/fifo.md", "includes/nope.md", "includes/folder"):
        md = markdown.Markdown(extensions=["pymdownx.snippets", "medcite"], extension_configs={
            "pymdownx.snippets": {"base_path": ["."], "check_paths": True},
            "medcite": {"bibliography": str(project / "refs.bib")}})
        html = md.convert(f'Text.\n\n--8<-- "{name}"\n')
        assert SECRET not in html and "medcite-error" in html and name in html


def test_a_page_that_is_a_symlink_out_of_the_project_or_a_fifo_is_refused(tmp_path: Path, monkeypatch,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    project = _hostile(tmp_path, "includes/flag.md")
    (project / "docs" / "leak.md").symlink_to(tmp_path / "outside" / "secret.md")
    monkeypatch.chdir(project)
    assert lint_main(["--jobs", "1"]) == 2
    assert "docs/leak.md: a symlink leading outside the project" in capsys.readouterr().err
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(project / "site")],
                          cwd=project, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode != 0 and "docs/leak.md: a symlink leading outside the project" in proc.stderr
    assert "Traceback" not in proc.stderr
    (project / "docs" / "leak.md").unlink()
    (project / "docs" / "linked").symlink_to(tmp_path / "outside")
    assert lint_main(["--jobs", "1"]) == 2
    assert "docs/linked: a symlink leading outside the project" in capsys.readouterr().err
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(project / "site")],
                          cwd=project, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode != 0 and "docs/linked/secret.md: a symlink leading outside the project" in proc.stderr
    (project / "docs" / "linked").unlink()
    os.mkfifo(project / "docs" / "fifo.md")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(project / "site")],
                          cwd=project, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode != 0 and "docs/fifo.md: not a regular file" in proc.stderr


def test_an_auto_appended_file_is_checked_like_an_include(tmp_path: Path, monkeypatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    project = _hostile(tmp_path, "includes/flag.md")
    config = project / "mkdocs.yml"
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["markdown_extensions"][-1]["pymdownx.snippets"]["auto_append"] = ["includes/link.md"]
    config.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    line = next(n for n, text in enumerate(config.read_text().splitlines(), 1) if "includes/link.md" in text)
    monkeypatch.chdir(project)
    assert lint_main(["--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert f"mkdocs.yml:{line}:" in out and "'includes/link.md' is a symlink" in out and SECRET not in out
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(project / "site")],
                          cwd=project, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode != 0 and "'includes/link.md' is a symlink" in proc.stderr and "Traceback" not in proc.stderr
    import markdown

    md = markdown.Markdown(extensions=["pymdownx.snippets", "medcite"], extension_configs={
        "pymdownx.snippets": {"base_path": ["."], "check_paths": True, "auto_append": ["includes/link.md"]},
        "medcite": {"bibliography": str(project / "refs.bib")}})
    assert SECRET not in md.convert("Text.\n")


def test_serve_stops_with_the_line_instead_of_hanging_on_a_fifo_include(tmp_path: Path) -> None:
    project = _hostile(tmp_path, "includes/fifo.md")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", "127.0.0.1:0"], cwd=project,
                          capture_output=True, text=True, timeout=60, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode != 0
    assert "docs/index.md:12:9: error: include 'includes/fifo.md' is not a regular file [bad-include]" in proc.stderr
    assert "Traceback" not in proc.stderr
