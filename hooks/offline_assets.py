"""MkDocs hook for the offline bundle: serve Material's Worker shim from the bundle itself.

Material's ``offline`` plugin points ``extra.polyfills`` at a CDN copy of ``iframe-worker``
(needed for search from ``file://``). We install the same package from the npm registry
(``package.json``; ``npm ci``) and ship its shim inside the site, so the bundle makes no
request to any other host.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

SHIM_URI = "assets/javascripts/iframe-worker/shim.js"
SHIM_SOURCE = Path(__file__).resolve().parents[1] / "node_modules" / "iframe-worker" / "shim" / "index.js"


def _offline(config: MkDocsConfig) -> bool:
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return bool(plugin and plugin.config.enabled)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if _offline(config):
        polyfills = [url for url in config.extra.get("polyfills", []) if "iframe-worker" not in url]
        config.extra["polyfills"] = [*polyfills, SHIM_URI]
        features = config.theme.get("features") or []
        config.theme["features"] = [f for f in features if f != "navigation.instant"]  # needs a server
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    if _offline(config):
        if not SHIM_SOURCE.is_file():
            raise PluginError(f"{SHIM_SOURCE} is missing: run 'npm ci' (make site does) to fetch iframe-worker")
        files.append(File.generated(config, SHIM_URI, abs_src_path=str(SHIM_SOURCE)))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """In the bundle, rel=canonical and the JSON-LD url name the page's address on the web.

    The offline build writes ``page.html`` files, but those addresses do not exist online.
    """
    if _offline(config) and config.site_url:
        online = File(page.file.src_uri, config.docs_dir, config.site_dir, use_directory_urls=True)
        page.canonical_url = urljoin(config.site_url, online.url)
    return markdown
