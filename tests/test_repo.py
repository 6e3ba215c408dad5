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
