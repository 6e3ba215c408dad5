"""citation-lint: exit codes, formats, and planted problems found at their exact lines."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from medcite.adapters.cli.main import main
from medcite.core.rules import RULES

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
        "plugins:\n  - search\n  - citations:\n      bibliography: refs.bib\n      ignore: [old-sources, sentence-case-changed, no-journal-abbreviation]\n",
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
    assert out.strip().endswith("0 errors, 0 warnings and 0 advice in 1 file")


def test_reference_advice_names_the_entry(project: Path, capsys) -> None:
    """How a reference reads in Citing Medicine form: advice, which never fails a run."""
    code, out, _ = run(capsys, "--ignore", "old-sources", "docs/clean.md")  # the fixture ignores them
    assert code == 0
    assert re.search(r"refs\.bib:\d+:1: advice: 'chou2007diagnosis': the title is shown in sentence case.*"
                     r"lower-cased: Treatment, Low, Back, Pain", out)
    # The same advice for several entries is one finding naming them all.
    assert re.search(r"advice: 2 journal article\(s\) have no shortjournal.*: machado2015efficacy, genevay2020 "
                     r"\[no-journal-abbreviation\]", out)
    assert out.strip().endswith("0 errors, 0 warnings and 2 advice in 1 file")
    code, out, _ = run(capsys, "--ignore", "old-sources", "--format", "github", "docs/clean.md")
    assert "::notice file=refs.bib" in out


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
        assert result["level"] in ("error", "warning", "note")
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == ("refs.bib" if result["level"] == "note" else "docs/planted.md")


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



# -- output for people ----------------------------------------------------------------------------------

NOISY = FRONT + "\n# Anatomy {n}\n\nThe femur is the thigh bone.\n\nThe hip is a ball and socket joint.\n"


@pytest.fixture
def noisy(project: Path) -> Path:
    """Many warnings on pages sorted before and after the two planted errors."""
    for n in range(12):
        (project / "docs" / f"a{n:02d}.md").write_text(NOISY.format(n=n), encoding="utf-8")
        (project / "docs" / f"z{n:02d}.md").write_text(NOISY.format(n=n), encoding="utf-8")
    return project


def test_errors_come_last_after_many_warnings(noisy: Path, capsys) -> None:
    # The rule table's explanation is spelt out below: pinned to it (the default is the meaning model).
    code, out, _ = run(capsys, "--jobs", "1", "--claims", "rules")
    lines = out.splitlines()
    assert code == 1
    assert sum(" warning: " in line for line in lines) == 51  # 24 pages x 2 statements, 3 entries never cited
    assert lines[-2:] == [
        "docs/planted.md:12:1: error: statistic claim needs a citation in the same sentence; statistic "
        "(statistic-percent: '40%') [uncited-claim]",
        "docs/planted.md:14:39: error: unknown citation key 'nosuchkey' [unknown-key]",
    ]
    assert lines[-3].startswith("2 errors, 51 warnings and 0 advice in 26 files") and lines[-3].endswith(
        "; the errors again:")
    # ... and each error was listed once before, in file order
    assert sum(line.startswith("docs/planted.md:14:39: error:") for line in lines) == 2


def test_near_miss_key_gets_a_suggestion(project: Path, capsys) -> None:
    (project / "docs" / "typo.md").write_text(FRONT + "\n# T\n\nParacetamol is no better than placebo "
                                              "[@machado2015eficacy].\n", encoding="utf-8")
    code, out, _ = run(capsys, "docs/typo.md")
    assert code == 1
    assert ("docs/typo.md:10:39: error: unknown citation key 'machado2015eficacy'; "
            "did you mean 'machado2015efficacy'? [unknown-key]") in out.splitlines()


def test_errors_only_and_quiet(noisy: Path, capsys) -> None:
    code, out, _ = run(capsys, "--jobs", "1", "--errors-only")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3 and all(" error: " in line for line in lines[:2])
    assert lines[-1].startswith("2 errors, 51 warnings and 0 advice in 26 files")
    code, out, _ = run(capsys, "--jobs", "1", "--quiet")
    assert code == 1 and [line.split(": error: ")[0] for line in out.splitlines()] == [
        "docs/planted.md:12:1", "docs/planted.md:14:39"]
    code, out, _ = run(capsys, "--quiet", "docs/clean.md")
    assert code == 0 and out == ""


def test_same_line_in_cli_and_finding_text(project: Path, capsys) -> None:
    """The build log prints Finding.as_text(); the CLI prints the very same line."""
    from medcite.core.model import Finding

    finding = Finding("docs/planted.md", 14, 39, "unknown-key", "error", "citation", "unknown citation key 'nosuchkey'")
    _, out, _ = run(capsys, "docs/planted.md")
    assert finding.as_text() in out.splitlines()


def test_severity_option_and_config(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "--severity", "uncited-claim=warning", "--ignore", "unknown-key", "docs/planted.md")
    assert code == 0 and "docs/planted.md:12:1: warning: statistic claim" in out
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text() +
                                        "      severity: {uncited-claim: advice}\n", encoding="utf-8")
    code, out, _ = run(capsys, "--ignore", "unknown-key", "docs/planted.md")
    assert code == 0 and "docs/planted.md:12:1: advice: statistic claim" in out
    for bad, message in ((["--severity", "nope=error"], "unknown rule id(s) in severity: nope"),
                         (["--severity", "uncited-claim=fatal"], "'fatal' is not one of error, warning, advice"),
                         (["--severity", "uncited-claim"], "write RULE=LEVEL")):
        code, _, err = run(capsys, *bad, "docs/planted.md")
        assert code == 2 and message in err


# -- baseline ---------------------------------------------------------------------------------------------

def test_baseline_accepts_old_findings_and_fails_on_new_ones(noisy: Path, capsys) -> None:
    code, out, _ = run(capsys, "--jobs", "1", "--write-baseline", "baseline.json")
    assert code == 0 and "wrote 53 finding(s) to baseline.json" in out
    data = json.loads((noisy / "baseline.json").read_text())
    assert data["version"] == 1 and sum(e["count"] for e in data["findings"]) == 53
    assert all(set(e) == {"fingerprint", "path", "rule", "severity", "message", "count"} for e in data["findings"])

    code, out, _ = run(capsys, "--jobs", "1", "--baseline", "baseline.json")
    assert code == 0, out
    assert out.splitlines()[-1] == "0 errors, 0 warnings and 0 advice in 26 files (53 more accepted in the baseline)"

    # Lines move (a paragraph added above), text re-wrapped: still the same accepted findings.
    planted = noisy / "docs" / "planted.md"
    text = planted.read_text().replace("# Planted\n", "# Planted\n\nA new opening line to read.\n\n")
    planted.write_text(text.replace("About 40% of adults", "About  40%\nof adults"))
    code, out, _ = run(capsys, "--jobs", "1", "--baseline", "baseline.json")
    assert code == 0, out

    # A new error (and a second copy of an accepted one) are reported, and only they fail the run.
    planted.write_text(planted.read_text() + "\nAbout 40% of adults have back pain each year.\n\nSee [@nosuchkey2].\n")
    code, out, _ = run(capsys, "--jobs", "1", "--baseline", "baseline.json")
    assert code == 1
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert len(errors) == 2 and "nosuchkey2" in errors[1] and "40% of adults" not in errors[1]
    assert "2 errors, 0 warnings and 0 advice in 26 files (53 more accepted in the baseline)" in out


def test_fixed_findings_are_reported_as_stale_baseline_entries(project: Path, capsys) -> None:
    run(capsys, "--write-baseline", "baseline.json", "docs/planted.md")
    (project / "docs" / "planted.md").write_text(CLEAN)
    code, out, _ = run(capsys, "--baseline", "baseline.json", "docs/planted.md")
    assert code == 0
    assert out.splitlines()[-1].endswith("(2 baseline entries fixed: refresh it with --write-baseline)")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline.json:0: baseline file not found"),
        ("{not json", "baseline.json:1: not a citation-lint baseline"),
        ('{"version": 1, "findings": [{"fingerprint": 3}]}', "needs a 'fingerprint' string"),
        ('{"version": 1, "findings": [{"fingerprint": "a", "count": -1}]}', "'count' must be a positive integer"),
        ('[1, 2]', "not a citation-lint baseline (version 1"),
    ],
)
def test_bad_baseline_is_a_clean_usage_error(project: Path, capsys, content: str | None, message: str) -> None:
    if content is not None:
        (project / "baseline.json").write_text(content)
    code, _, err = run(capsys, "--baseline", "baseline.json", "docs/planted.md")
    assert code == 2 and message in err and "Traceback" not in err


def test_fingerprint_ignores_line_and_column_but_not_file_rule_or_words() -> None:
    from dataclasses import replace

    from medcite.core.model import Finding
    from medcite.lint.baseline import fingerprint

    base = Finding("docs/a.md", 12, 1, "uncited-claim", "error", "claim", "statistic claim ...", "statistic",
                   "About 40% of adults have back pain.")
    assert fingerprint(replace(base, line=30, column=7)) == fingerprint(base)
    assert fingerprint(replace(base, text="About  40% of ADULTS have\nback pain.")) == fingerprint(base)
    for changed in (replace(base, path="docs/b.md"), replace(base, rule="uncited-statement"),
                    replace(base, text="About 45% of adults have back pain.")):
        assert fingerprint(changed) != fingerprint(base)
    # no text: the message, with its numbers masked (a "(line 3)" inside it may move too)
    dup = Finding("refs.bib", 9, 1, "duplicate-doi", "error", "bibliography", "'b' has the same DOI as 'a' (line 3)")
    assert fingerprint(replace(dup, message="'b' has the same DOI as 'a' (line 7)", line=20)) == fingerprint(dup)


# -- shards -------------------------------------------------------------------------------------------------

def test_shards_merge_to_the_whole_site_run(noisy: Path, capsys) -> None:
    code, whole, _ = run(capsys, "--jobs", "1", "--format", "json")
    assert code == 1
    for k in (1, 2, 3):
        code, out, _ = run(capsys, "--jobs", "1", "--shard", f"{k}/3", "--format", "json")
        (noisy / f"shard{k}.json").write_text(out)
        shard = json.loads(out)
        assert shard["run"]["shard"] == [k, 3] and not shard["run"]["whole_site"]
        assert not any(f["rule"] == "uncited-entry" for f in shard["findings"])  # needs every page
    sizes = [len(json.loads((noisy / f"shard{k}.json").read_text())["reports"]) for k in (1, 2, 3)]
    assert sizes == [9, 9, 8]
    code, merged, _ = run(capsys, "merge", "shard1.json", "shard2.json", "shard3.json", "--format", "json")
    assert code == 1
    whole_data, merged_data = json.loads(whole), json.loads(merged)
    assert merged_data["findings"] == whole_data["findings"]
    assert merged_data["summary"] == whole_data["summary"]
    assert merged_data["run"]["whole_site"] is True
    assert any(f["rule"] == "uncited-entry" for f in merged_data["findings"])
    code, text, _ = run(capsys, "merge", "shard1.json", "shard2.json", "shard3.json")
    assert text.splitlines()[-1].startswith("docs/planted.md:14:39: error: unknown citation key")
    # two of three shards: a partial merge, so no "never cited" verdicts
    code, partial, _ = run(capsys, "merge", "shard1.json", "shard2.json", "--format", "json")
    assert not json.loads(partial)["run"]["whole_site"]
    assert not any(f["rule"] == "uncited-entry" for f in json.loads(partial)["findings"])


def test_merge_refuses_mismatched_or_broken_shards(noisy: Path, capsys) -> None:
    _, out, _ = run(capsys, "--jobs", "1", "--shard", "1/2", "--format", "json")
    (noisy / "s1.json").write_text(out)
    code, _, err = run(capsys, "merge", "s1.json", "s1.json")
    assert code == 2 and "is also in another shard" in err
    (noisy / "refs.bib").write_text(SMALL_BIB + "\n@misc{extra, title={Extra}, year={2020}}\n")
    code, _, err = run(capsys, "merge", "s1.json")
    assert code == 2 and "s1.json: linted against another version of refs.bib" in err
    data = json.loads(out)
    data["reports"][0]["findings"][0]["line"] = "twelve"
    (noisy / "bad.json").write_text(json.dumps(data))
    code, _, err = run(capsys, "merge", "bad.json")
    assert code == 2 and "bad.json:1: reports[0].findings[0].line: expected int" in err and "Traceback" not in err
    for text, message in (("nope", "not JSON"), ('{"version": 1}', "version: expected 3")):
        (noisy / "bad.json").write_text(text)
        code, _, err = run(capsys, "merge", "bad.json")
        assert code == 2 and message in err
    code, _, err = run(capsys, "--shard", "3/2")
    assert code == 2 and "--shard '3/2': write K/N" in err


def test_sarif_level_follows_each_severity(project: Path, capsys) -> None:
    """error -> error, warning -> warning, advice -> note: a run with all three, each checked."""
    (project / "docs" / "mixed.md").write_text(PLANTED + "\nThe femur is the thigh bone.\n", encoding="utf-8")
    code, out, _ = run(capsys, "--ignore", "old-sources", "--format", "sarif", "docs/mixed.md")  # advice on
    assert code == 1
    results = json.loads(out)["runs"][0]["results"]
    levels = {(r["properties"]["severity"], r["level"]) for r in results}
    assert levels == {("error", "error"), ("warning", "warning"), ("advice", "note")}
