"""The benchmark harness itself: it measures real builds of both corpora and writes its tables between
its own markers, leaving the prose of BENCHMARKS.md (and any other section) as it was."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench import run

from .conftest import ROOT


@pytest.fixture
def restore_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "RUNS", list(run.RUNS))  # main() narrows them to the runs asked for
    monkeypatch.setattr(run, "TARGETS", list(run.TARGETS))


def test_a_tiny_round_of_both_corpora_reports_every_run_and_target(tmp_path: Path, restore_tables, monkeypatch,
                                                                   capsys) -> None:
    monkeypatch.chdir(ROOT)
    notes = tmp_path / "BENCHMARKS.md"
    notes.write_text("# Benchmarks\n\nProse before.\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\n"
                     "Prose after.\n", encoding="utf-8")
    assert run.main(["--python", sys.executable, "--sizes", "patient:6x30,prose:6x30", "--rounds", "1",
                     "--runs", "plain:cold,ours:cold,ours:warm,lint:cold,lint:warm", "--prune-nav",
                     "--section", "bench-scale", "--write", str(notes)]) == 0
    text = notes.read_text(encoding="utf-8")
    assert "Prose before." in text and "Prose after." in text and "\nold\n" in text  # the other section is kept
    scale = text.split("<!-- bench-scale:start -->", 1)[1].split("<!-- bench-scale:end -->", 1)[0]
    for corpus in ("patient | 6 × 30", "prose | 6 × 30"):
        rows = [line for line in scale.splitlines() if f"| {corpus} |" in line]
        assert len(rows) == 5 + 5  # plain, ours cold and warm, lint cold and warm; then the five targets
        assert all("×" in row for row in rows)
    assert "with mkdocs-bibtex" not in scale  # its runs were not asked for
    assert "--prune-nav" in scale  # the command that made the table is in it
    assert "round 1" in capsys.readouterr().out


def test_a_baseline_install_is_measured_in_the_same_rounds(tmp_path: Path, restore_tables, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    notes = tmp_path / "BENCHMARKS.md"
    assert run.main(["--python", sys.executable, "--baseline-python", sys.executable, "--sizes", "patient:5x20",
                     "--rounds", "1", "--runs", "plain:cold,ours:cold,lint:cold", "--write", str(notes)]) == 0
    table = notes.read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if "baseline version" in line]
    assert [row.split("|")[3].strip() for row in rows] == [label for label, _, _ in run.BASELINE_RUNS]
    assert all("×" in row for row in rows)
