"""Capture what a reader and a CI run see, and compare two captures (for refactors that must not change them).

    python scripts/compare_builds.py capture OUT [--engines mkdocs properdocs zensical]
    python scripts/compare_builds.py compare BEFORE AFTER

``capture`` builds the site with each engine into ``OUT/<engine>/`` (``scripts/build_site.py``, the lint gate
included), and writes ``citation-lint --format json`` on the site to ``OUT/lint-site.json`` and on every case
of ``tests/hostile`` (laid out as ``tests/test_hostile.py`` lays it out) to ``OUT/lint-hostile.json``. Each
capture uses a fresh, empty disk cache, so cached results cannot hide a difference.

``compare`` parses every HTML page of both captures with BeautifulSoup and compares, page by page and engine by
engine, the article body, every reference list and the bibliography page; then the JSON findings. It prints
each difference (page, part, first differing line) and exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "hostile"
ENGINES = ("mkdocs", "properdocs", "zensical")
SMALL_BIB_SOURCE = ROOT / "tests" / "conftest.py"


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "MEDCITE_CACHE_DIR": str(cache), "NO_MKDOCS_2_WARNING": "1"}


def _lint_json(args: list[str], cwd: Path, cache: Path) -> Any:
    script = Path(sys.executable).with_name("citation-lint")
    proc = subprocess.run([str(script), "--format", "json", "--jobs", "1", *args], cwd=cwd, env=_env(cache),
                          capture_output=True, text=True, check=False)
    try:
        findings = json.loads(proc.stdout) if proc.stdout.strip() else None
    except json.JSONDecodeError:
        findings = {"stdout": proc.stdout}
    return {"exit": proc.returncode, "findings": findings, "stderr": proc.stderr.strip().splitlines()}


def _hostile_cases(cache: Path) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from tests.test_hostile import lay_out  # each case laid out exactly as the hostile tests lay it out

    spec_all: dict[str, Any] = tomllib.loads((HOSTILE / "expected.toml").read_text(encoding="utf-8"))["case"]
    results: dict[str, Any] = {}
    for name, spec in sorted(spec_all.items()):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            bib, page = lay_out(root, name, spec)
            results[name] = _lint_json(["--bib", bib, page], root, cache)
    return results


def capture(out: Path, engines: list[str]) -> int:
    out.mkdir(parents=True, exist_ok=True)
    cache = Path(tempfile.mkdtemp(prefix="medcite-capture-cache-"))
    try:
        for engine in engines:
            proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_site.py"), "--engine", engine,
                                   "--site-dir", str(out / engine)], cwd=ROOT, env=_env(cache), check=False)
            if proc.returncode != 0:
                print(f"capture: the {engine} build failed (exit {proc.returncode})", file=sys.stderr)
                return 1
        site = _lint_json(["--config", str(ROOT / "mkdocs.yml")], ROOT, cache)
        (out / "lint-site.json").write_text(json.dumps(site, indent=1, sort_keys=True), encoding="utf-8")
        hostile = _hostile_cases(cache)
        (out / "lint-hostile.json").write_text(json.dumps(hostile, indent=1, sort_keys=True), encoding="utf-8")
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return 0


def page_parts(html: str) -> dict[str, str]:
    """The parts of one page a reader reads: the article body, each reference list, the bibliography."""
    soup = BeautifulSoup(html, "html.parser")
    parts: dict[str, str] = {}
    article = soup.find("article") or soup.find(attrs={"role": "main"}) or soup.body
    if article is not None:
        parts["article"] = article.prettify()
    for index, refs in enumerate(soup.select(".medcite-references, .references, ol.references")):
        parts[f"references[{index}]"] = refs.prettify()
    for index, bib in enumerate(soup.select(".medcite-bibliography, .bibliography")):
        parts[f"bibliography[{index}]"] = bib.prettify()
    head = soup.find("head")
    if head is not None:
        for index, script in enumerate(head.find_all("script", attrs={"type": "application/ld+json"})):
            parts[f"json-ld[{index}]"] = script.get_text()
    return parts


def _first_difference(before: str, after: str) -> str:
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1))
    return "\n      ".join(diff[2:12])


def compare(before: Path, after: Path) -> list[str]:
    problems: list[str] = []
    for engine in ENGINES:
        a_root, b_root = before / engine, after / engine
        if not a_root.is_dir() and not b_root.is_dir():
            continue
        a_pages = {p.relative_to(a_root) for p in a_root.rglob("*.html")}
        b_pages = {p.relative_to(b_root) for p in b_root.rglob("*.html")}
        for missing in sorted(a_pages ^ b_pages):
            problems.append(f"{engine}: {missing} is in only one build")
        compared = 0
        for page in sorted(a_pages & b_pages):
            a_parts = page_parts((a_root / page).read_text(encoding="utf-8"))
            b_parts = page_parts((b_root / page).read_text(encoding="utf-8"))
            for name in sorted(set(a_parts) | set(b_parts)):
                if a_parts.get(name) != b_parts.get(name):
                    problems.append(f"{engine}: {page} {name} differs:\n      "
                                    + _first_difference(a_parts.get(name, ""), b_parts.get(name, "")))
            compared += 1
        print(f"{engine}: {compared} pages compared")
    for name in ("lint-site.json", "lint-hostile.json"):
        a_json = json.loads((before / name).read_text(encoding="utf-8"))
        b_json = json.loads((after / name).read_text(encoding="utf-8"))
        if a_json != b_json:
            problems.append(f"{name} differs:\n      " + _first_difference(
                json.dumps(a_json, indent=1, sort_keys=True), json.dumps(b_json, indent=1, sort_keys=True)))
        else:
            print(f"{name}: same findings")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    cap = sub.add_parser("capture")
    cap.add_argument("out", type=Path)
    cap.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "capture":
        return capture(args.out.resolve(), args.engines)
    problems = compare(args.before, args.after)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
