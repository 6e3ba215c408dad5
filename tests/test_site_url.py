"""A newcomer's trap: the placeholder site_url (https://example.org/back-hip-thigh/) is published in canonical
links, the sitemap and the JSON-LD. citation-lint and the build say so, naming the line; the README says to set it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from medcite.adapters.cli.main import main as lint_main
from medcite.core.identifiers import is_placeholder_url

from .conftest import FRONT, ROOT, write_project

PAGE = FRONT + "\n# Page\n\nMost back pain gets better [@machado2015efficacy].\n"


@pytest.mark.parametrize(("url", "placeholder"), [
    ("https://example.org/back-hip-thigh/", True),
    ("https://www.example.com/", True),
    ("http://docs.example/", True),
    ("https://site.test/x/", True),
    ("https://www.nhs.uk/conditions/", False),
    ("https://example.org.uk/", False),
    ("https://myexample.org/", False),
    ("", False),
])
def test_placeholder_addresses(url: str, placeholder: bool) -> None:
    assert is_placeholder_url(url) is placeholder


def test_lint_and_build_name_the_placeholder_site_url(tmp_path: Path, monkeypatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    project = write_project(tmp_path, {"index.md": PAGE}, extra={"site_url": "https://example.org/back-hip-thigh/"})
    line = next(n for n, text in enumerate((project / "mkdocs.yml").read_text().splitlines(), 1)
                if text.startswith("site_url:"))
    monkeypatch.chdir(project)
    assert lint_main(["--jobs", "1"]) == 0  # a warning: drafts and previews still lint clean
    expected = f"mkdocs.yml:{line}: site_url is https://example.org/back-hip-thigh/, an example address"
    assert expected in capsys.readouterr().err
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(project / "site")],
                          cwd=project, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0 and expected in proc.stderr


def test_a_real_site_url_gets_no_notice(tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    project = write_project(tmp_path, {"index.md": PAGE}, extra={"site_url": "https://health.nhs.example.uk/"})
    monkeypatch.chdir(project)
    assert lint_main(["--jobs", "1"]) == 0
    assert "site_url" not in capsys.readouterr().err


def test_the_readme_says_to_set_site_url() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    publishing = readme.split("\n## Publishing\n", 1)[1].split("\n## ", 1)[0]
    assert "site_url" in publishing and "mkdocs.yml" in publishing and "canonical" in publishing
