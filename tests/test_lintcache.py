"""Lint results persist on disk: an unchanged page is not linted again in the next run, while a
changed page, rules version or bibliography is; a damaged cache file is a miss, never a result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

import medcite.app.lintcache as lintcache
import medcite.app.runner as runner
import medcite.bib.bibliography as bibliography
from medcite.adapters.cli.main import main

from .conftest import FRONT, write_project

PAGE = FRONT + "\n# Page {n}\n\nMost people with back pain feel better within weeks [@machado2015efficacy].\n" \
               "About {n}0% of adults have back pain.\n"  # an uncited statistic: every page has one error


@pytest.fixture
def linted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths check_document is called for; each run starts a fresh process's in-memory state."""
    calls: list[str] = []
    real = runner.check_document
    monkeypatch.setattr(runner, "check_document", lambda path, *a: calls.append(path) or real(path, *a))
    monkeypatch.setenv("MEDCITE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(write_project(tmp_path, {f"p{n}.md": PAGE.format(n=n) for n in range(1, 4)}))
    return calls


def lint(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    runner._cache.clear()  # as in a new process: only the disk cache survives
    bibliography._cache.clear()
    code = main(["--format", "json", "--jobs", "1"])
    return code, json.loads(capsys.readouterr().out)


def test_an_unchanged_page_is_not_linted_again(linted: list[str], capsys) -> None:
    first = lint(capsys)
    assert sorted(linted) == ["docs/p1.md", "docs/p2.md", "docs/p3.md"]
    assert first[0] == 1 and first[1]["summary"]["errors"] == 3
    linted.clear()
    second = lint(capsys)
    assert linted == []
    assert second == first  # the same findings, summary and page reports, from the cache


def test_a_changed_page_is_linted_again_and_only_it(linted: list[str], capsys) -> None:
    lint(capsys)
    linted.clear()
    Path("docs/p2.md").write_text(PAGE.format(n=2) + "Smoking doubles the risk of back pain.\n", encoding="utf-8")
    _, result = lint(capsys)
    assert linted == ["docs/p2.md"]
    assert any(f["path"] == "docs/p2.md" and "Smoking" in f.get("text", "") for f in result["findings"])


def test_a_new_rules_version_relints_every_page(linted: list[str], capsys, monkeypatch) -> None:
    lint(capsys)
    linted.clear()
    monkeypatch.setattr(lintcache, "RULES_VERSION", lintcache.RULES_VERSION + 1)
    lint(capsys)
    assert len(linted) == 3


def test_changed_classifier_code_relints_every_page(linted: list[str], capsys, monkeypatch) -> None:
    lint(capsys)
    linted.clear()
    monkeypatch.setattr(lintcache, "code_digest", lambda: "another classifier")
    lint(capsys)
    assert len(linted) == 3


def test_a_changed_bibliography_relints_every_page(linted: list[str], capsys) -> None:
    lint(capsys)
    linted.clear()
    Path("refs.bib").write_text(Path("refs.bib").read_text() + "\n@misc{new2024, title={New}, year={2024}}\n")
    lint(capsys)
    assert len(linted) == 3


def test_changed_options_relint_every_page(linted: list[str], capsys) -> None:
    lint(capsys)
    linted.clear()
    runner._cache.clear()
    assert main(["--format", "json", "--jobs", "1", "--ignore", "uncited-claim"]) == 0
    capsys.readouterr()
    assert len(linted) == 3


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],  # truncated
    lambda data: data.replace(b'"uncited-claim"', b'"uncited-claxm"'),  # edited: payload digest fails
    lambda data: b"\x80\x81 not json",
    lambda data: json.dumps({"format": 2, "kind": "lint-results"}).encode(),
])
def test_a_damaged_cache_file_is_a_miss(linted: list[str], capsys, damage) -> None:
    first = lint(capsys)
    (cache_file,) = Path("cache").glob("lint-*.json")
    cache_file.write_bytes(damage(cache_file.read_bytes()))
    linted.clear()
    assert lint(capsys) == first
    assert len(linted) == 3  # nothing was taken from the damaged file
    linted.clear()
    assert lint(capsys) == first  # and the miss wrote a good file again
    assert linted == []


def test_a_report_that_fails_its_check_is_a_miss_for_that_page(linted: list[str], capsys) -> None:
    # A well-formed file (signed with the key, as this code signs) whose stored report for one page is of the wrong
    # shape: only that page is linted again.
    first = lint(capsys)
    (cache_file,) = Path("cache").glob("lint-*.json")
    document = json.loads(cache_file.read_text())
    document["payload"]["pages"]["docs/p1.md"][1]["findings"] = [{"rule": 5}]
    lintcache.diskcache.write(cache_file, lintcache.KIND, document["source_sha256"], document["payload"])
    linted.clear()
    assert lint(capsys) == first
    assert linted == ["docs/p1.md"]


def test_a_warm_build_lints_no_unchanged_page(linted: list[str]) -> None:
    def build_once() -> None:
        runner._cache.clear()
        config = load_config("mkdocs.yml", site_dir="site")
        config.plugins.on_startup(command="build", dirty=False)
        build(config)

    build_once()
    assert len(linted) == 3
    linted.clear()
    build_once()
    assert linted == []
    Path("docs/p3.md").write_text(PAGE.format(n=3) + "Heat eases pain.\n", encoding="utf-8")
    build_once()
    assert linted == ["docs/p3.md"]
