"""Build the site with one engine, after the lint gate (what ``make site ENGINE=…`` runs).

    python scripts/build_site.py [--engine mkdocs|properdocs|zensical] [--config mkdocs.yml] [--site-dir site]

1. ``citation-lint --errors-only`` (errors and the count) on the config's docs_dir; any error-level
   finding stops here. Zensical runs no MkDocs plugin, so for it this is the only check; under
   MkDocs and ProperDocs the plugin repeats the checks inside the build.
2. ``<engine> build --strict`` with the same ``mkdocs.yml``. Zensical has no site-dir option: it
   writes to the config's ``site_dir`` (``site``, beside the config), which is emptied first, and the
   result is moved when another folder was asked for; its page cache is not used (``--clean``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from medcite.adapters.cli.main import main as citation_lint

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("mkdocs", "properdocs", "zensical")


def engine_command(engine: str, config: Path, site_dir: Path) -> list[str]:
    base = [sys.executable, "-m", engine, "build", "--strict", "--config-file", str(config)]
    # Zensical re-renders a page only when its inputs change, and the code of Markdown extensions
    # is not one of them: a published build starts from an empty cache (--clean).
    return [*base, "--clean"] if engine == "zensical" else [*base, "--site-dir", str(site_dir)]


def build(engine: str, config: Path, site_dir: Path) -> int:
    lint = citation_lint(["--errors-only", "--config", str(config)])
    if lint != 0:
        print(f"build_site: citation-lint failed (exit {lint}); the site was not built with {engine}", file=sys.stderr)
        return lint
    zensical_out = config.parent / "site"
    if engine == "zensical":
        shutil.rmtree(zensical_out, ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(engine_command(engine, config, site_dir), cwd=config.parent, env=env, check=False)
    if proc.returncode != 0:
        return proc.returncode
    if engine == "zensical" and zensical_out.resolve() != site_dir.resolve():
        shutil.rmtree(site_dir, ignore_errors=True)
        shutil.move(str(zensical_out), str(site_dir))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=ENGINES, default="mkdocs")
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("--site-dir", type=Path)
    args = parser.parse_args(argv)
    config = args.config.resolve()
    site_dir = (args.site_dir or config.parent / "site").resolve()
    return build(args.engine, config, site_dir)


if __name__ == "__main__":
    sys.exit(main())
