"""A cold ``citation-lint``: the bibliography parsed in a child process while pages are split. Same results as
before, to the byte."""

from __future__ import annotations

import dataclasses
import json
import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import medcite.bib.bibliography as bibliography
from medcite.adapters.cli.main import main
from medcite.app.service import prepare
from medcite.bib.bibliography import load_bibliography, parse_bibliography, start_bibliography
from medcite.core import quantities
from medcite.core.model import Reference
from medcite.lint.checks import LintOptions
from medcite.source import metadata
from medcite.source.document import read_document

from .conftest import FRONT, ROOT, SMALL_BIB

# A bibliography big enough to be parsed in a child, with a syntax error and a duplicate key among its entries.
BIG_BIB = SMALL_BIB + "".join(
    f"@article{{big{n:04d},\n  author = {{Smith, Jane and Jones, Bob}},\n  title = {{Entry {n} on back pain}},\n"
    f"  journal = {{BMJ}}, year = {{2020}}, doi = {{10.1/{n}}}\n}}\n\n" for n in range(500)
) + "@misc{big0001, title={Again}, year={2021}}\n\n@article{broken,\n  title = {No end\n"


def _data(ref: Reference) -> tuple[object, ...]:
    return tuple(getattr(ref, f.name) for f in dataclasses.fields(ref))  # References compare by identity


def _same(a: tuple[bibliography.Bibliography, list], b: tuple[bibliography.Bibliography, list]) -> None:
    assert [(key, _data(ref)) for key, ref in a[0].references.items()] == [
        (key, _data(ref)) for key, ref in b[0].references.items()]
    assert a[0].digest == b[0].digest and a[0].path == b[0].path
    assert a[1] == b[1]


@pytest.mark.parametrize("child", [True, False])
def test_a_bibliography_parsed_in_a_child_is_the_one_parsed_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   child: bool) -> None:
    monkeypatch.setenv("MEDCITE_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "refs.bib"
    path.write_text(BIG_BIB, encoding="utf-8")
    assert path.stat().st_size >= bibliography.MIN_BYTES_FOR_CHILD
    here = parse_bibliography(BIG_BIB, "refs.bib")
    assert {f.rule for f in here[1]} >= {"bibtex-syntax", "duplicate-key"}
    bibliography._cache.clear()
    pending = start_bibliography(path, "refs.bib", background=child)
    assert (pending._child is not None) is child
    loaded = pending.result()
    here[0].digest = loaded[0].digest
    _same(loaded, here)
    assert loaded[0].resolve("doi:10.1/7") is loaded[0].references["big0007"]
    if pending._child is not None:
        pending._child.join()  # the child writes the disk cache after sending the result
    bibliography._cache.clear()  # a new process: the disk cache written (by the child) is read, no parse
    again = start_bibliography(path, "refs.bib")
    assert again.done() and again._child is None
    _same(again.result(), loaded)


def test_a_small_bibliography_is_parsed_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDCITE_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "refs.bib"
    path.write_text(SMALL_BIB, encoding="utf-8")
    pending = start_bibliography(path, "refs.bib")
    assert pending._child is None
    assert pending.result()[0].resolve("genevay2020") is not None


def _dies(*_args: object) -> None:
    os._exit(3)


def test_a_child_that_dies_leaves_the_parse_to_the_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDCITE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(bibliography, "_parse_in_child", _dies)
    bibliography._cache.clear()
    path = tmp_path / "refs.bib"
    path.write_text(BIG_BIB, encoding="utf-8")
    pending = start_bibliography(path, "refs.bib")
    assert pending._child is not None
    loaded = pending.result()
    assert "big0499" in loaded[0].references and any(f.rule == "duplicate-key" for f in loaded[1])
    assert list((tmp_path / "cache").glob("bibliography-*.json"))  # written here instead
    bibliography._cache.clear()
    _same(load_bibliography(path, "refs.bib"), loaded)


def test_prepare_splits_pages_until_told_to_stop() -> None:
    pages = [(f"docs/p{n}.md", FRONT + f"\n# Page {n}\n\nFirst sentence {n} here. Second one follows it.\n")
             for n in range(5)]
    calls = iter([False, False, True])
    assert prepare(pages, LintOptions(), stop=lambda: next(calls)) == 2
    split = ["prose" in read_document(text).__dict__ for _, text in pages]
    assert split == [True, True, False, False, False]
    assert [s.text for _, s in read_document(pages[0][1]).prose.sentences()] == ["First sentence 0 here.",
                                                                                "Second one follows it."]


def _big_project(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    for n in range(45):  # enough pages for the workers
        (tmp_path / "docs" / f"p{n:02d}.md").write_text(
            FRONT + f"\n# Page {n}\n\nAbout {n}% of adults have back pain [@big{n:04d}]. Exercise helps most people."
            f" Paracetamol is no better than placebo [@nosuch{n}].\n", encoding="utf-8")
    (tmp_path / "refs.bib").write_text(BIG_BIB, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\ndocs_dir: docs\nplugins:\n  - citations:\n"
                                         "      bibliography: refs.bib\n", encoding="utf-8")


def test_cold_json_report_is_the_same_with_the_bibliography_parsed_in_a_child(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _big_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    reports = []
    for minimum in (10**9, 0):  # parsed here, then in a child
        monkeypatch.setattr(bibliography, "MIN_BYTES_FOR_CHILD", minimum)
        monkeypatch.setenv("MEDCITE_CACHE_DIR", str(tmp_path / f"cache{minimum}"))
        bibliography._cache.clear()
        read_document.__globals__["_documents"].clear()
        code = main(["--format", "json", "--claims", "rules", "--jobs", "2"])
        reports.append((code, capsys.readouterr().out))
    assert reports[0] == reports[1]
    assert reports[0][0] == 2  # the bibliography's syntax error
    found = json.loads(reports[0][1])
    assert any(f["rule"] == "duplicate-key" for f in found["findings"])
    assert any(f["rule"] == "unknown-key" for f in found["findings"])



@pytest.mark.parametrize(("jobs", "children"), [("1", 0), ("2", 1)])
def test_one_job_keeps_the_bibliography_in_the_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str], jobs: str,
                                                       children: int) -> None:
    _big_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MEDCITE_CACHE_DIR", str(tmp_path / "cache"))
    bibliography._cache.clear()
    forked: list[object] = []
    fork = bibliography.PendingBibliography._fork
    monkeypatch.setattr(bibliography.PendingBibliography, "_fork", lambda self: (forked.append(self), fork(self)))
    assert main(["--format", "json", "--claims", "rules", "--jobs", jobs]) == 2
    assert len(forked) == children
    assert '"duplicate-key"' in capsys.readouterr().out


SHARED_NAMES_BIB = r"""
@article{a1, author = {Smith, Jane and van der Berg, Jan and others}, title = {One}, journal = {BMJ}, year = {2020}}
@article{a2, author = {Smith, Jane and M{\"u}ller, Hans}, editor = {Smith, Jane}, title = {Two}, year = {2021},
  journal = {BMJ}}
@book{b1, author = {One, Two, Three, Four}, title = {Bad name}, year = {2019}, publisher = {P}}
@book{b2, author = {One, Two, Three, Four and Smith, Jane}, title = {Bad name again}, year = {2019}, publisher = {P}}
@incollection{c1, crossref = {b3}, author = {M{\"u}ller, Hans}, title = {Chapter}}
@book{b3, editor = {Smith, Jane and others}, title = {Parent}, year = {2018}, publisher = {P}, booktitle = {Parent}}
"""


def test_a_name_read_once_for_many_entries_gives_what_reading_it_each_time_gives(
        monkeypatch: pytest.MonkeyPatch) -> None:
    shared = parse_bibliography(SHARED_NAMES_BIB, "refs.bib")
    bibliography.latex_plain.cache_clear()
    monkeypatch.setattr(bibliography._LocatingParser, "_person", lambda self, name: bibliography.Person(name))
    monkeypatch.setattr(bibliography, "_Names", _FreshNames)
    each = parse_bibliography(SHARED_NAMES_BIB, "refs.bib")
    _same(shared, each)
    assert [f.rule for f in shared[1]].count("bibtex-syntax") == 2  # the bad name, on each entry naming it
    assert shared[0].references["a1"].authors == ("Smith J", "van der Berg J")
    assert shared[0].references["c1"].people == (("editor", ("Smith, Jane", "others")), ("author", ('M{\\"u}ller, Hans',)))


class _FreshNames:
    """Every person worked out again, as before names were shared."""

    def text(self, person: object) -> str:
        return str(person)

    def vancouver(self, person: object) -> str:
        return bibliography.vancouver_name(person)  # type: ignore[arg-type]

    def is_others(self, person: object) -> bool:
        return bibliography.is_others(person)  # type: ignore[arg-type]


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


def _sentences() -> list[str]:
    """Every sentence of this site's pages and of 20 bench prose pages, and the quantity tests' phrases."""
    from bench import prose as bench_prose

    from . import test_quantities

    texts = [page.read_text(encoding="utf-8") for page in sorted((ROOT / "content").rglob("*.md"))]
    texts += [bench_prose.page(n, 2000, random.Random(n)) for n in range(20)]
    sentences = [s.text for text in texts for _, s in read_document(text).prose.sentences()]
    for mark in test_quantities.test_reads_each_form.pytestmark + test_quantities.test_not_quantities.pytestmark:
        sentences += [case[0] if isinstance(case, tuple) else case for case in mark.args[1]]
    return sentences


def test_quantities_read_with_the_start_words_shortcut_are_those_read_without(monkeypatch: pytest.MonkeyPatch) -> None:
    sentences = _sentences()
    assert len(sentences) > 2000
    fast = [quantities.read_quantities(s) for s in sentences]
    found = [quantities.has_quantity(s) for s in sentences]
    monkeypatch.setattr(quantities, "MAY_START", _Everything())  # every token tried in full, as before
    slow = [quantities.read_quantities(s) for s in sentences]
    assert fast == slow
    assert found == [bool(q) for q in slow]
    assert 0 < sum(found) < len(found)


@pytest.mark.parametrize("body", [
    "title: a\ndescription: b\nlast_reviewed: 2026-01-01\n", "a: &x [1, 2]\nb: *x\n", "a: *y\n", "a: 1\n---\nb: 2\n",
    "- 1\n- 2\n", "a: {b: [1, {c: d}]}\n", "", "# only a comment\n", "a: !!str 3\nb: !!binary aGVsbG8=\n",
    "a: 2026-02-30\n", "? [a]\n: b\n", "a: &x 1\nb: &x 2\nc: *x\n", "a: !custom 1\n", "a: |\n  text\n  more\n",
    "a0: &a0 [x, x]\na1: &a1 [*a0, *a0]\ntitle: *a1\n",  # aliases of aliases (a small "billion laughs")
])
def test_front_matter_composed_from_the_parsed_events_is_what_a_second_parse_composes(body: str) -> None:
    def composed(compose: Callable[[], object]) -> tuple[str, str]:
        try:
            return "node", repr(compose())
        except yaml.YAMLError as exc:
            return "error", str(exc)

    events: list[yaml.Event] = []
    metadata._check_depth(body, events)
    assert composed(lambda: metadata._Replay(events).get_single_node()) == composed(
        lambda: yaml.compose(body, Loader=yaml.SafeLoader))
