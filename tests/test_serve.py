"""The preview forgives drafts: a real ``mkdocs serve`` on a free port keeps serving a page with an
unknown key, shows the error in place, lists the finding in its log, and picks up a new error."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import FRONT, write_project

DRAFT = FRONT + "\n# Draft\n\nMost people get better within weeks [@machado2015eficacy].\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, timeout: float = 90) -> str:
    """The page once the server answers with it (the first build takes a few seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    # site_url has a path, as the repository's does: serve mounts the site under it.
    project = write_project(tmp_path, {"index.md": FRONT + "# Home\n\nWelcome.\n", "draft.md": DRAFT},
                            extra={"site_url": "https://example.org/sub/"})
    port = _free_port()
    log = (tmp_path / "serve.log").open("w", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}",
                             "--config-file", str(project / "mkdocs.yml")], cwd=project, stdout=log,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        yield project, f"http://127.0.0.1:{port}/sub/", proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _errors(html: str) -> list[str]:
    return [span.get_text() for span in BeautifulSoup(html, "html.parser").select("article .medcite-error")]


def test_serve_shows_draft_errors_in_place_and_keeps_serving(server) -> None:
    project, url, proc = server
    assert _errors(_get(url + "draft/")) == ["[@machado2015eficacy]"]
    assert proc.poll() is None, "mkdocs serve exited"
    log = project / "serve.log"
    deadline = time.monotonic() + 30
    expected = ("docs/draft.md:10:37: error: unknown citation key 'machado2015eficacy'; "
                "did you mean 'machado2015efficacy'? [unknown-key]")
    while expected not in log.read_text(encoding="utf-8") and time.monotonic() < deadline:
        time.sleep(0.3)
    assert expected in log.read_text(encoding="utf-8")

    # A second error typed while serving: the page is rebuilt and still served, with both errors shown.
    (project / "docs" / "draft.md").write_text(DRAFT + "\nIt may come back [@nosuchkey].\n", encoding="utf-8")
    deadline = time.monotonic() + 60
    while len(_errors(_get(url + "draft/"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _errors(_get(url + "draft/")) == ["[@machado2015eficacy]", "[@nosuchkey]"]
    assert proc.poll() is None
    assert "appear stuck" not in log.read_text(encoding="utf-8")
