"""Real headless Chromium (Debian's package) driven by Playwright, against the served site and the
unzipped offline bundle. Browser downloads are impossible here, so Playwright uses /usr/bin/chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-default-apps"]


def is_local(url: str) -> bool:
    """A request that stays on this machine (the test server, the bundle's files, inline data)."""
    parts = urlsplit(url)
    return parts.scheme in ("file", "data", "blob", "about") or parts.hostname in ("127.0.0.1", "localhost")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Target:
    """Where the pages are: the served site (http://127.0.0.1) or the bundle (file://)."""

    name: str
    base: str
    root: Path
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        """``path`` as a directory URL ("conditions/sciatica/"); the bundle has .html files."""
        if self.name == "bundle":
            path = "index.html" if path in ("", "/") else path.rstrip("/") + ".html"
        return self.base + path


def page_with_a_run(target: Target) -> str:
    """The first page (by path) citing a compressed run such as 1–3: which pages have one is content's business."""
    for html_file in sorted(target.root.glob("**/*.html")):
        if re.search(r'class="medcite-ref"[^>]*>\d+–\d+</a>', html_file.read_text(encoding="utf-8")):
            page = html_file.relative_to(target.root).with_suffix("").as_posix()  # the bundle: a/b.html
            return (page[: -len("index")] if page.endswith("index") else page + "/").lstrip("/")
    raise AssertionError("no page of the site cites a run of sources (1–3) to test the preview with")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@contextlib.contextmanager
def serving(name: str, root: Path) -> Iterator[Target]:
    """``root`` on http://127.0.0.1 (a free port), as a web server would publish it."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Target(name, f"http://127.0.0.1:{server.server_address[1]}/", root)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def served(repo_site: Path) -> Iterator[Target]:
    """The site built by MkDocs."""
    with serving("served", repo_site) as target:
        yield target


@pytest.fixture(scope="session")
def served_properdocs(repo_sites: dict[str, Path]) -> Iterator[Target]:
    with serving("properdocs", repo_sites["properdocs"]) as target:
        yield target


@pytest.fixture(scope="session")
def served_zensical(repo_sites: dict[str, Path]) -> Iterator[Target]:
    with serving("zensical", repo_sites["zensical"]) as target:
        yield target


@pytest.fixture(scope="session")
def bundle(repo_bundle: Path) -> Target:
    return Target("bundle", repo_bundle.as_uri() + "/", repo_bundle)


@pytest.fixture(params=["served", "bundle"])
def target(request: pytest.FixtureRequest) -> Target:
    return request.getfixturevalue(request.param)


@pytest.fixture
def page(browser: Browser, target: Target) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("request", lambda request: target.requests.append(request.url))
    yield page
    context.close()
