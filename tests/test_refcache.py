"""Formatted references persist between builds: an unchanged entry is not formatted again, an
edited one is, and nothing read back is pasted into a page unless it is HTML our backend writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

import medcite.app.runner as runner
import medcite.bib.bibliography as bibliography
import medcite.core.diskcache as diskcache
import medcite.engine.extension as medcite_markdown
from medcite.bib.bibliography import load_bibliography
from medcite.core.model import Reference
from medcite.style.formatter import ReferenceFormatter
from medcite.style.refcache import FormattedStore, entry_digest, safe_reference_html

from .conftest import FRONT, ROOT, SMALL_BIB, write_project


def refs(text: str, tmp_path: Path) -> list[Reference]:
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    bib, _ = load_bibliography(path, "refs.bib", use_disk_cache=False)
    return sorted(bib, key=lambda ref: ref.key)


def test_the_check_accepts_everything_the_backend_writes(tmp_path: Path) -> None:
    """Every entry of the site's bibliography (every type and form we print) passes the read check."""
    bib, _ = load_bibliography(ROOT / "references.bib", "references.bib", use_disk_cache=False)
    formatter = ReferenceFormatter()
    entries = list(bib)
    assert len(entries) > 50
    rejected = [ref.key for ref in entries if not safe_reference_html(formatter.format(ref).html)]
    assert rejected == []
    assert any("<a href=" in formatter.format(ref).html for ref in entries)  # links are part of what is checked


@pytest.mark.parametrize("stored", [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)" rel="noopener">x</a>',
    '<a href="https://example.org" rel="noopener" onclick="alert(1)">x</a>',
    '<a href="https://example.org">x</a>',  # not the form the backend writes
    '<a href="https://a.example" rel="noopener"><a href="https://b.example" rel="noopener">x</a></a>',
    "<em>never closed",
    "closed </em> never opened",
    "<em><strong>crossed</em></strong>",
    '<em onclick="alert(1)">x</em>',
    "<span>x</span>",
    'a "raw" quote',
    "an &unknown; entity",
    "a raw < sign",
    "<!-- a comment -->",
])
def test_the_check_rejects_what_the_backend_never_writes(stored: str) -> None:
    assert not safe_reference_html(stored)


def test_formatted_entries_are_read_back_instead_of_formatted(tmp_path: Path, monkeypatch) -> None:
    entries = refs(SMALL_BIB, tmp_path)
    first = ReferenceFormatter(FormattedStore())
    formatted = [first.format(ref) for ref in entries]
    first.save()
    monkeypatch.setattr(ReferenceFormatter, "_format", lambda self, ref: pytest.fail(f"formatted {ref.key} again"))
    second = ReferenceFormatter(FormattedStore())
    assert [second.format(ref) for ref in entries] == formatted


def test_an_edited_entry_is_formatted_again_and_only_it(tmp_path: Path, monkeypatch) -> None:
    first = ReferenceFormatter(FormattedStore())
    for ref in refs(SMALL_BIB, tmp_path):
        first.format(ref)
    first.save()
    edited = refs(SMALL_BIB.replace("Efficacy and safety of paracetamol", "Safety of paracetamol"), tmp_path)
    calls: list[str] = []
    real = ReferenceFormatter._format
    monkeypatch.setattr(ReferenceFormatter, "_format", lambda self, ref: calls.append(ref.key) or real(self, ref))
    second = ReferenceFormatter(FormattedStore())
    texts = {ref.key: second.format(ref).text for ref in edited}
    assert calls == ["machado2015efficacy"]
    assert "Safety of paracetamol" in texts["machado2015efficacy"]


def test_another_code_version_formats_everything_again(tmp_path: Path, monkeypatch) -> None:
    entries = refs(SMALL_BIB, tmp_path)
    first = ReferenceFormatter(FormattedStore())
    for ref in entries:
        first.format(ref)
    first.save()
    monkeypatch.setattr(diskcache, "code_digest", lambda: "another style")
    calls: list[str] = []
    real = ReferenceFormatter._format
    monkeypatch.setattr(ReferenceFormatter, "_format", lambda self, ref: calls.append(ref.key) or real(self, ref))
    second = ReferenceFormatter(FormattedStore())
    for ref in entries:
        second.format(ref)
    assert sorted(calls) == sorted(ref.key for ref in entries)


def test_a_planted_entry_is_never_pasted_into_a_page(tmp_path: Path) -> None:
    """Someone who can write the cache folder (a poisoned CI cache) rewrites an entry's HTML and
    fixes up the file's checksums: the check on read still refuses it, and the entry is formatted."""
    entries = refs(SMALL_BIB, tmp_path)
    first = ReferenceFormatter(FormattedStore())
    honest = {ref.key: first.format(ref) for ref in entries}
    first.save()
    store = FormattedStore()
    document = json.loads(store.path.read_text(encoding="utf-8"))
    target = entry_digest(next(ref for ref in entries if ref.key == "chou2007diagnosis"))
    document["payload"]["entries"][target][0] = '<img src="x" onerror="alert(1)">Chou R'
    diskcache.write(store.path, "formatted-references", store.context, document["payload"])
    second = ReferenceFormatter(FormattedStore())
    assert {ref.key: second.format(ref) for ref in entries} == honest


def test_a_warm_build_formats_no_entry_and_prints_the_same_pages(tmp_path: Path, monkeypatch) -> None:
    page = FRONT + "\n# Page\n\nParacetamol did not help [@machado2015efficacy]. See the guideline [@nice2016low].\n"
    project = write_project(tmp_path, {"index.md": page, "bibliography.md": "# Bibliography\n\n"
                                       "<!-- medcite:bibliography -->\n"})
    monkeypatch.chdir(project)
    calls: list[str] = []  # entries the pages' formatter formats (lint's own, one entry per shape, aside)
    real = ReferenceFormatter._format
    monkeypatch.setattr(ReferenceFormatter, "_format",
                        lambda self, ref: (self.store is not None and calls.append(ref.key)) or real(self, ref))

    def build_once() -> dict[str, str]:
        # As in a new process: only the disk caches survive.
        runner._cache.clear()
        bibliography._cache.clear()
        medcite_markdown._formatters.clear()
        config = load_config("mkdocs.yml", site_dir="site")
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        return {name: (project / "site" / name).read_text(encoding="utf-8")
                for name in ("index.html", "bibliography/index.html")}

    first = build_once()
    assert sorted(set(calls)) == sorted(["chou2007diagnosis", "genevay2020", "machado2015efficacy", "nice2016low"])
    calls.clear()
    assert build_once() == first
    assert calls == []
