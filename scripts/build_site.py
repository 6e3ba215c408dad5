"""Build the site with one engine, after the lint gate (what ``make site ENGINE=…`` runs).

    python scripts/build_site.py [--engine mkdocs|properdocs|zensical] [--config mkdocs.yml] [--site-dir site]

1. ``citation-lint --errors-only`` (errors and the count) on the config's docs_dir; any error-level
   finding stops here. Zensical runs no MkDocs plugin, so for it this is the only check; under
   MkDocs and ProperDocs the plugin repeats the checks inside the build.
2. ``<engine> build --strict`` with the same ``mkdocs.yml``, into a temporary folder beside the
   target, swapped in only when the build succeeds: a failed build leaves the last site in place
   (as the offline bundle does). Zensical has no site-dir option: it writes to the config's
   ``site_dir`` (``site``, beside the config), so that folder is moved aside first and put back if
   the build fails; its page cache is not used (``--clean``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
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
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=site_dir.parent, prefix=f".{site_dir.name}-new-"))
    try:
        code = _build_into(engine, config, staging)
        if code != 0:
            print(f"build_site: {engine} build failed (exit {code}); {_shown(site_dir)} was left as it was",
                  file=sys.stderr)
            return code
        _swap(staging, site_dir)
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _build_into(engine: str, config: Path, staging: Path) -> int:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if engine != "zensical":
        return subprocess.run(engine_command(engine, config, staging), cwd=config.parent, env=env,
                              check=False).returncode
    # Zensical writes to <config folder>/site: keep what is there aside, and put it back whatever happens.
    zensical_out = config.parent / "site"
    kept = Path(tempfile.mkdtemp(dir=config.parent, prefix=".site-kept-")) / "site"
    if zensical_out.exists():
        os.replace(zensical_out, kept)
    try:
        code = subprocess.run(engine_command(engine, config, staging), cwd=config.parent, env=env,
                              check=False).returncode
        if code == 0:
            shutil.rmtree(staging)
            os.replace(zensical_out, staging)
        return code
    finally:
        shutil.rmtree(zensical_out, ignore_errors=True)
        if kept.exists():
            os.replace(kept, zensical_out)
        shutil.rmtree(kept.parent, ignore_errors=True)


def _swap(staging: Path, site_dir: Path) -> None:
    """Put the new build in place of the old one (two renames; the old one is then removed)."""
    old = Path(tempfile.mkdtemp(dir=site_dir.parent, prefix=f".{site_dir.name}-old-")) / "site"
    try:
        if site_dir.exists():
            os.replace(site_dir, old)
        os.replace(staging, site_dir)
    finally:
        shutil.rmtree(old.parent, ignore_errors=True)


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


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
