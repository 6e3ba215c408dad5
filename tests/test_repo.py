"""The repository's own site: citation-lint passes, and a strict build renders the articles."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]


def test_citation_lint_passes_on_the_repo() -> None:
    script = Path(sys.executable).with_name("citation-lint")
    proc = subprocess.run([str(script), "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    data = json.loads(proc.stdout)
    errors = [f"{f['path']}:{f['line']}: {f['message']}" for f in data["findings"] if f["severity"] == "error"]
    assert proc.returncode == 0, "\n".join(errors) or proc.stderr
    assert data["summary"]["files"] >= 30


@pytest.fixture
def built_site(repo_site: Path) -> Path:
    return repo_site


@pytest.mark.parametrize("page", ["conditions/low-back-pain/index.html", "anatomy/hamstrings/index.html"])
def test_starter_articles_are_cited(built_site: Path, page: str) -> None:
    soup = BeautifulSoup((built_site / page).read_text(encoding="utf-8"), "html.parser")
    numbers = [a.get_text() for a in soup.select("sup.medcite-citation a.medcite-ref")]
    assert numbers and numbers[0].startswith("1")
    refs = soup.select("ol.medcite-references > li")
    assert len(refs) >= 4
    links = [a["href"] for a in soup.select("ol.medcite-references a[href^='https://']")]
    assert any(h.startswith("https://doi.org/10.") for h in links)
    assert any(h.startswith("https://pubmed.ncbi.nlm.nih.gov/") for h in links)
    for li in refs:
        for back in li.select(".medcite-backlinks a"):
            assert soup.select_one(back["href"]) is not None
    assert all(a.get("title") for a in soup.select("a.medcite-ref"))


def test_bibliography_page_lists_every_entry(built_site: Path) -> None:
    soup = BeautifulSoup((built_site / "bibliography/index.html").read_text(encoding="utf-8"), "html.parser")
    entries = (ROOT / "references.bib").read_text(encoding="utf-8").count("\n@")
    assert len(soup.select("ul.medcite-bibliography > li")) == entries


def test_clean_build_of_the_repo_is_quiet(repo_site: Path) -> None:
    """At most 20 lines, no warning; the findings are counted in one line, not listed."""
    lines = (repo_site.parent / "build.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 20, "\n".join(lines)
    assert not [line for line in lines if line.startswith(("WARNING", "ERROR"))]
    (count,) = [line for line in lines if "medcite:" in line]
    assert "medcite: 0 errors, " in count and " pages" in count


def test_repo_lint_is_short_and_every_old_source_is_one_finding() -> None:
    script = Path(sys.executable).with_name("citation-lint")
    proc = subprocess.run([str(script), "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    findings = json.loads(proc.stdout)["findings"]
    old = [f["text"] for f in findings if f["rule"] == "old-sources"]
    assert len(old) == len(set(old)), "an old source reported more than once"
    assert all(f["severity"] == "advice" for f in findings if f["rule"] == "old-sources")
    fingerprints = [f["fingerprint"] for f in findings]
    assert len(fingerprints) == len(set(fingerprints))


def test_serving_is_not_strict_building_is() -> None:
    """`mkdocs serve` must keep serving drafts with errors; strictness comes from the command line."""
    from mkdocs.config import load_config

    assert load_config(str(ROOT / "mkdocs.yml"))["strict"] is False
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    site_recipe = makefile.split("\nsite:", 1)[1].split("\n\n", 1)[0]
    assert "scripts/build_site.py --engine $(ENGINE)" in site_recipe
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from build_site import ENGINES, engine_command
    finally:
        sys.path.pop(0)
    for engine in ENGINES:  # every engine builds strictly
        assert engine_command(engine, ROOT / "mkdocs.yml", ROOT / "site")[2:4] == [engine, "build"]
        assert "--strict" in engine_command(engine, ROOT / "mkdocs.yml", ROOT / "site")


def test_readme_gives_the_url_serve_really_uses() -> None:
    """MkDocs serves under the path of site_url (checked on a real server in test_serve.py)."""
    from urllib.parse import urlsplit

    from mkdocs.config import load_config

    path = urlsplit(load_config(str(ROOT / "mkdocs.yml"))["site_url"]).path
    assert f"http://127.0.0.1:8000{path}" in (ROOT / "README.md").read_text(encoding="utf-8")
