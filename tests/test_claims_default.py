"""The learnt classifier ``meaning`` is the default of every front end (issue 25, item 5): ``citation-lint``, the
MkDocs plugin and ``make site`` on each engine read it from the one schema (``claims`` in
``medcite.app.settings``), and ``--claims rules`` / ``claims: rules`` still run the rule table.

The page below is judged differently by the two classifiers: a list of symptoms under a lead-in is a claim to
the meaning model (one error at the lead-in, which cites nothing), while the rule table reads each lower-case
item as a continuation of the lead-in and finds nothing to cite.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from medcite.adapters.cli.main import main as lint_main
from medcite.app.settings import OPTION, Settings
from medcite.lint.checks import LintOptions

from .conftest import FRONT, build_site, run_build, write_project

SYMPTOMS = FRONT + textwrap.dedent("""
    # Sciatica

    Symptoms of sciatica include:

    - numbness in your leg
    - pain that runs down the back of your thigh
    - a tingling feeling in your foot
    """)
LEAD_IN = 10  # the line of "Symptoms of sciatica include:" in docs/index.md
# The other way round: the rule table calls this leaflet boilerplate a claim, the meaning model does not.
BOILERPLATE = FRONT + "\n# Your medicine\n\nYour medicine is in the form of a tablet.\n"
FINDING = f"docs/index.md:{LEAD_IN}:1: error: the 3 list item(s) under this lead-in are claims"


def _project(tmp_path: Path, page: str, claims: str | None = None) -> Path:
    return write_project(tmp_path, {"index.md": page}, plugin_config={"claims": claims} if claims else None)


def _lint(project: Path, *flags: str) -> tuple[int, str]:
    out = subprocess.run([sys.executable, "-m", "medcite.adapters.cli.main", "--config", str(project / "mkdocs.yml"),
                          *flags, str(project / "docs")], cwd=project, capture_output=True, text=True, timeout=300)
    return out.returncode, out.stdout + out.stderr


def test_the_one_schema_says_meaning_and_the_linter_agrees() -> None:
    assert OPTION["claims"].default == "meaning"
    assert Settings.from_mapping({}).lint_options().claims == "meaning"
    assert LintOptions().claims == "meaning"
    assert dataclasses.replace(LintOptions(), claims="rules").claims == "rules"


def test_citation_lint_runs_meaning_unless_told_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path, SYMPTOMS)
    docs = str(project / "docs")
    assert lint_main(["--config", str(project / "mkdocs.yml"), docs]) == 1
    out = capsys.readouterr().out
    assert FINDING in out and "(model p=" in out
    assert lint_main(["--config", str(project / "mkdocs.yml"), "--claims", "rules", docs]) == 0
    assert "uncited-claim" not in capsys.readouterr().out
    # and the rule table's own verdict still reaches the page under --claims rules
    (project / "docs" / "index.md").write_text(BOILERPLATE, encoding="utf-8")
    assert lint_main(["--config", str(project / "mkdocs.yml"), docs]) == 0
    assert lint_main(["--config", str(project / "mkdocs.yml"), "--claims", "rules", docs]) == 1
    assert "docs/index.md:10:1: error: " in capsys.readouterr().out


def test_citation_lint_reads_claims_rules_from_the_config(tmp_path: Path) -> None:
    code, log = _lint(_project(tmp_path, SYMPTOMS, claims="rules"))
    assert code == 0, log
    code, log = _lint(_project(tmp_path, SYMPTOMS, claims="rules"), "--claims", "meaning")
    assert code == 1 and FINDING in log


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_the_plugin_in_a_real_strict_build_runs_meaning(tmp_path: Path, engine: str) -> None:
    """The plugin's own linter, with no lint gate in front of it: ``<engine> build --strict``."""
    project = _project(tmp_path / "default", SYMPTOMS)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", engine, "build", "--strict", "--site-dir", "site"]
    failed = subprocess.run(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env, timeout=300)
    assert failed.returncode != 0
    assert FINDING in failed.stdout and "(model p=" in failed.stdout
    passed = subprocess.run(command, cwd=_project(tmp_path / "rules", SYMPTOMS, claims="rules"),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, timeout=300)
    assert passed.returncode == 0, passed.stdout


def test_run_build_helper_sees_the_same(tmp_path: Path) -> None:
    """The conftest helper every build test uses (``mkdocs build --strict``) runs the default too."""
    result = run_build(_project(tmp_path, SYMPTOMS))
    assert result.returncode != 0 and FINDING in result.log


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs", "zensical"])
def test_make_site_on_every_engine_gates_on_meaning(tmp_path: Path, engine: str) -> None:
    """``make site ENGINE=…`` (scripts/build_site.py): its citation-lint gate runs the default classifier; for
    Zensical, which runs no plugin, this gate is the only check."""
    extra = {"markdown_extensions": ["admonition", "attr_list", "toc", {"medcite": {"bibliography": "refs.bib"}}]}
    project = write_project(tmp_path / "default", {"index.md": SYMPTOMS}, extra=extra)
    failed = build_site(engine, project / "mkdocs.yml", project / "out")
    assert failed.returncode != 0
    assert FINDING in failed.stdout + failed.stderr
    assert f"the site was not built with {engine}" in failed.stderr
    assert not (project / "out").exists()
    if engine == "zensical":  # claims: rules still builds (the rule table finds nothing to cite here)
        rules = write_project(tmp_path / "rules", {"index.md": SYMPTOMS}, plugin_config={"claims": "rules"},
                              extra=extra)
        passed = build_site(engine, rules / "mkdocs.yml", rules / "out")
        assert passed.returncode == 0, passed.stdout + passed.stderr
        assert (rules / "out" / "index.html").is_file()
