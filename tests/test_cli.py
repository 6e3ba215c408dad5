"""citation-lint: exit codes, formats, and planted problems found at their exact lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from medcite.cli import main
from medcite.rules import RULES

from .conftest import FRONT, SMALL_BIB

CLEAN = FRONT + "\n# Clean\n\nMost people with back pain get better within weeks [@machado2015efficacy].\n"
PLANTED = FRONT + ("\n# Planted\n\nHold the stretch for 30 seconds.\n\n"
                   "About 40% of adults have back pain each year.\n\n"        # line 12: uncited statistic
                   "Paracetamol is no better than placebo [@nosuchkey].\n")   # line 14: unknown key


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "clean.md").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "docs" / "planted.md").write_text(PLANTED, encoding="utf-8")
    (tmp_path / "refs.bib").write_text(SMALL_BIB, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: docs\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n  - search\n  - citations:\n      bibliography: refs.bib\n      ignore: [old-sources]\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_file_exits_zero(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "docs/clean.md")
    assert code == 0
    assert out.strip().endswith("0 error(s), 0 warning(s) in 1 file(s)")


def test_text_format_names_exact_lines(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "docs/planted.md")
    assert code == 1
    assert "docs/planted.md:12:1: error: statistic claim needs a citation in the same sentence" in out
    assert "docs/planted.md:14:39: error: unknown citation key 'nosuchkey' [unknown-key]" in out
    assert "30 seconds" not in out


def test_json_format(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "--format", "json", "docs/planted.md")
    assert code == 1
    data = json.loads(out)
    located = {(f["rule"], f["line"], f["column"]) for f in data["findings"]}
    assert {("uncited-claim", 12, 1), ("unknown-key", 14, 39)} <= located
    claim = next(f for f in data["findings"] if f["rule"] == "uncited-claim")
    assert claim["category"] == "claim" and claim["claim_kind"] == "statistic"
    assert claim["text"] == "About 40% of adults have back pain each year."
    assert claim["path"] == "docs/planted.md"
    assert data["summary"]["errors"] == 2
    assert data["summary"]["pages"]["docs/planted.md"]["reading_grade"] is not None


def test_github_format(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "--format", "github", "docs/planted.md")
    assert code == 1
    assert "::error file=docs/planted.md,line=12,col=1,title=uncited-claim::statistic claim" in out
    assert "::error file=docs/planted.md,line=14,col=39,title=unknown-key::unknown citation key" in out


def test_sarif_format_is_sarif_2_1_0(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "--format", "sarif", "docs/planted.md")
    assert code == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == set(RULES)
    regions = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run_["results"]}
    assert {("uncited-claim", 12), ("unknown-key", 14)} <= regions
    for result in run_["results"]:
        assert result["level"] in ("error", "warning")
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/planted.md"


def test_default_paths_come_from_mkdocs_yml(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert set(data["summary"]["pages"]) == {"docs/clean.md", "docs/planted.md"}
    uncited = {f["message"] for f in data["findings"] if f["rule"] == "uncited-entry"}
    assert "'nice2016low' is never cited" in uncited
    assert not any(f["rule"] == "old-sources" for f in data["findings"])  # ignored in mkdocs.yml


def test_select_and_ignore(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "--select", "unknown-key", "docs/planted.md")
    assert code == 1 and "uncited-claim" not in out and "unknown-key" in out
    code, out, _ = run(capsys, "--ignore", "unknown-key,uncited-claim", "docs/planted.md")
    assert code == 0


def test_bib_without_mkdocs_yml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    (tmp_path / "a.md").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "refs.bib").write_text(SMALL_BIB, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "--bib", "refs.bib", "--ignore", "old-sources", "a.md")
    assert code == 0, out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--select", "no-such-rule"], "unknown rule id(s): no-such-rule"),
        (["missing.md"], "missing.md: no such file or directory"),
        (["--config", "nope.yml"], "nope.yml: config file not found"),
        (["--bib", "nope.bib", "docs"], "nope.bib:0: bibliography file not found"),
        (["latin.md"], "latin.md:2: byte 0xe9 is not valid UTF-8"),
    ],
)
def test_usage_and_input_errors_exit_2(project: Path, capsys, argv: list[str], message: str) -> None:
    (project / "latin.md").write_bytes(b"---\ncaf\xe9\n")
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_unparsable_bibliography_exits_2(project: Path, capsys) -> None:
    (project / "refs.bib").write_text(SMALL_BIB + "\n@article{broken,\n title = {x\n", encoding="utf-8")
    code, out, _ = run(capsys, "docs/clean.md")
    assert code == 2
    assert "refs.bib:" in out and "[bibtex-syntax]" in out


def test_console_script_is_installed(project: Path) -> None:
    script = Path(sys.executable).with_name("citation-lint")
    proc = subprocess.run([str(script), "--format", "github", "docs/planted.md"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "line=12" in proc.stdout and "line=14" in proc.stdout
