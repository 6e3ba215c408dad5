"""Build the offline bundle: the whole site as one zip that works opened from disk.

    python scripts/build_offline.py [--out dist] [--name back-hip-thigh-health]

Builds with Material's offline plugin (MEDCITE_OFFLINE=true) into a temporary folder, zips
it into a temporary file next to the target, and moves it into place only when every step
succeeded, so a failed build never leaves a half bundle.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OMITTED = frozenset({"404.html"})


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def build_bundle(out_dir: Path, name: str, config: Path = ROOT / "mkdocs.yml") -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}-offline.zip"
    with tempfile.TemporaryDirectory(prefix="offline-") as tmp:
        site = Path(tmp) / name
        env = {**os.environ, "MEDCITE_OFFLINE": "true", "NO_MKDOCS_2_WARNING": "1"}
        cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
               "--site-dir", str(site)]
        proc = subprocess.run(cmd, cwd=config.parent, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"offline build failed:\n{proc.stdout}{proc.stderr}")
        handle, partial = tempfile.mkstemp(dir=out_dir, prefix=f".{name}-", suffix=".zip.partial")
        os.close(handle)
        try:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
                for path in sorted(site.rglob("*")):
                    # 404.html is only ever shown by a web server; from disk its absolute links break.
                    if path.is_file() and path.relative_to(site).as_posix() not in OMITTED:
                        bundle.write(path, Path(name) / path.relative_to(site))
            os.chmod(partial, 0o666 & ~_umask())  # mkstemp makes it 0600; a bundle is for sharing
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--name", default="back-hip-thigh-health")
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml")
    args = parser.parse_args(argv)
    try:
        target = build_bundle(args.out, args.name, args.config.resolve())
    except RuntimeError as exc:
        print(f"build_offline: {exc}", file=sys.stderr)
        return 1
    with zipfile.ZipFile(target) as bundle:
        pages = sum(1 for n in bundle.namelist() if n.endswith(".html"))
    shown = target.relative_to(Path.cwd()) if target.is_relative_to(Path.cwd()) else target
    print(f"{shown}: {target.stat().st_size / 1e6:.1f} MB, {pages} HTML pages; "
          f"open {args.name}/index.html from the unzipped folder")
    return 0


if __name__ == "__main__":
    sys.exit(main())
