"""Carry code written against the old flat ``plugins/medcite/`` layout into the subpackages.

    python scripts/relocate_imports.py [--move NAME=SUBPACKAGE ...] [FILE ...]

Every module of the flat layout now lives in a subpackage (``medcite.lint`` -> ``medcite.lint.checks``,
``medcite.model`` -> ``medcite.core.model``, ...; the table is ``MOVED`` below). A branch started before the
move may add a module at the top of the package or import the old paths. This script

1. moves each ``--move NAME=SUBPACKAGE`` module (``plugins/medcite/NAME.py``) into ``SUBPACKAGE/`` with
   ``git mv`` (``redflags=lint`` puts ``redflags.py`` in ``lint/``);
2. rewrites, in the given files (those the branch added or changed) and the moved modules,
   the package's relative imports (``from .model import Finding`` -> ``from ..core.model import Finding``)
   and absolute ``medcite.<old>`` paths to the new ones.

The user-facing old paths (``medcite.markdown``, ``medcite.plugin``, ``medcite.cli``, ``medcite.style``) keep
working as they are; in the code they are rewritten too. Run ruff's import sorting afterwards
(``ruff check --select I --fix``).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "plugins" / "medcite"
MOVED: dict[str, str] = {
    "model": "core.model", "identifiers": "core.identifiers", "diskcache": "core.diskcache", "nlm": "core.nlm",
    "rules": "core.rules",
    **{name: f"source.{name}" for name in
       ("codespans", "citations", "prose", "metadata", "snippets", "barekeys", "readability")},
    "bibliography": "bib.bibliography", "names": "bib.names",
    "style": "style.vancouver", "casing": "style.casing", "refcache": "style.refcache",
    "claims": "claims.classify", "claimrules": "claims.table", "claimmodel": "claims.learnt",
    "evaluation": "claims.evaluation",
    "lint": "lint.checks", "advice": "lint.advice", "sources": "lint.sources", "baseline": "lint.baseline",
    **{name: f"app.{name}" for name in ("runner", "shards", "lintcache", "formats")},
    "render": "render.html", "lists": "render.lists", "locators": "render.locators",
    "markdown": "engine.extension", **{name: f"engine.{name}" for name in ("context", "pageparts", "sitepages")},
    "plugin": "adapters.mkdocs.plugin", "config": "adapters.mkdocs.config",
    "cli": "adapters.cli.main", "addcmd": "adapters.cli.add",
    "records": "importers.records", "addentry": "importers.addentry",
}
# Names that moved out of render.py when the linter stopped importing the renderer.
MOVED_NAMES = {"EVIDENCE_LABELS": "core.vocab", "ReferenceFormatter": "style.formatter",
               "FormattedReference": "style.formatter", "SafeHtmlBackend": "style.formatter"}


def relative(from_module: str, target: str) -> str:
    """The ``from X import`` prefix naming ``target`` (dotted inside medcite; "" is the package root) from
    the module ``from_module``."""
    here = from_module.split(".")[:-1]
    parts = target.split(".") if target else []
    common = 0
    while common < len(here) and common < len(parts) and here[common] == parts[common]:
        common += 1
    return "." * (len(here) - common + 1) + ".".join(parts[common:])


def rewrite_package_file(text: str, module: str, moved: dict[str, str]) -> str:
    """In the module ``module`` (dotted, inside medcite), the one-dot imports written for the flat layout
    (``from .model import``, ``from . import nlm``) name their modules' new places; imports of a sibling
    in the same subpackage and imports already in the new form stay as they are."""
    package = module.rpartition(".")[0]

    def sibling(name: str) -> bool:
        return bool(package) and (PACKAGE / package.replace(".", "/") / f"{name}.py").is_file()

    def target(name: str) -> str | None:
        if sibling(name):
            return None
        if name in moved:
            return moved[name]
        if package and (PACKAGE / f"{name}.py").is_file():
            return name  # a module still at the top of the package
        placed = [p for p in PACKAGE.glob(f"*/{name}.py")] + [p for p in PACKAGE.glob(f"*/*/{name}.py")]
        if len(placed) == 1:  # a branch's module placed by an earlier --move
            return ".".join(placed[0].relative_to(PACKAGE).with_suffix("").parts)
        return None

    def from_module(match: re.Match[str]) -> str:
        indent, name, rest = match.groups()
        where = target(name)
        if where is None:
            return match.group(0)
        if name == "render" and any(n.strip().split(" as ")[0] in MOVED_NAMES for n in rest.split(",")):
            items = [n.strip() for n in rest.strip("()").split(",") if n.strip()]
            out = [f"{indent}from {relative(module, MOVED_NAMES[n.split(' as ')[0]])} import {n}"
                   for n in items if n.split(" as ")[0] in MOVED_NAMES]
            kept = [n for n in items if n.split(" as ")[0] not in MOVED_NAMES]
            if kept:
                out.append(f"{indent}from {relative(module, where)} import {', '.join(kept)}")
            return "\n".join(out)
        return f"{indent}from {relative(module, where)} import {rest}"

    def from_package(match: re.Match[str]) -> str:
        indent, names = match.groups()
        kept, out = [], []
        for item in (n.strip() for n in names.split(",")):
            name, _, alias = item.partition(" as ")
            where = "" if name == "__version__" else target(name)
            if where is None:
                kept.append(item)
            elif where == "":
                out.append(f"{indent}from {relative(module, '')} import {item}")
            else:
                parent, _, leaf = where.rpartition(".")
                as_name = alias or (name if leaf != name else "")
                out.append(f"{indent}from {relative(module, parent)} import {leaf}"
                           + (f" as {as_name}" if as_name else ""))
        if kept:
            out.insert(0, f"{indent}from . import {', '.join(kept)}")
        return "\n".join(out)

    text = re.sub(r"^([ \t]*)from \.([a-z_]+) import (.*)$", from_module, text, flags=re.M)
    return re.sub(r"^([ \t]*)from \. import (.*)$", from_package, text, flags=re.M)


SUBPACKAGES = ("core", "source", "bib", "style", "claims", "lint", "app", "render", "engine", "adapters", "importers")


def _split_render_imports(text: str) -> str:
    """``from medcite.render import ReferenceFormatter, …``: the names that left render.py, from their new homes."""

    def split(match: re.Match[str]) -> str:
        indent, names = match.groups()
        items = [n.strip() for n in names.split(",") if n.strip()]
        out = [f"{indent}from medcite.{MOVED_NAMES[n.split(' as ')[0]]} import {n}"
               for n in items if n.split(" as ")[0] in MOVED_NAMES]
        kept = [n for n in items if n.split(" as ")[0] not in MOVED_NAMES]
        if kept:
            out.append(f"{indent}from medcite.render import {', '.join(kept)}")
        return "\n".join(out)

    return re.sub(r"^([ \t]*)from medcite\.render import ([^()\n]+)$", split, text, flags=re.M)


def _split_package_imports(text: str, moved: dict[str, str]) -> str:
    """``from medcite import nlm, diskcache`` -> ``from medcite.core import nlm`` and so on."""

    def split(match: re.Match[str]) -> str:
        indent, names = match.groups()
        out, kept = [], []
        for item in (n.strip() for n in names.split(",") if n.strip()):
            name, _, alias = item.partition(" as ")
            if name not in moved:
                kept.append(item)
                continue
            package, _, leaf = moved[name].rpartition(".")
            as_name = alias or (name if leaf != name else "")
            out.append(f"{indent}from medcite.{package} import {leaf}" + (f" as {as_name}" if as_name else ""))
        if kept:
            out.insert(0, f"{indent}from medcite import {', '.join(kept)}")
        return "\n".join(out)

    return re.sub(r"^([ \t]*)from medcite import ([^()\n]+)$", split, text, flags=re.M)


def rewrite_absolute(text: str, moved: dict[str, str]) -> str:
    """``medcite.<old>`` -> ``medcite.<new>``; a path already in the new layout (``medcite.lint.checks``) stays."""
    text = _split_render_imports(text)
    pattern = r"\bmedcite\.(" + "|".join(sorted(moved, key=len, reverse=True)) + r")\b(?![\w-]|\.css)(\.[a-z_]+)?"

    def new(match: re.Match[str]) -> str:
        name, rest = match.group(1), match.group(2) or ""
        if name in SUBPACKAGES and rest:
            return match.group(0)
        return "medcite." + moved[name] + rest

    # Last: "from medcite import claimrules" becomes "from medcite.claims import table", which the line above
    # would read as the old module medcite/claims.py.
    return _split_package_imports(re.sub(pattern, new, text), moved)


CONFLICT_RE = re.compile(r"^<<<<<<< [^\n]*\n(?P<ours>.*?)^=======\n(?P<theirs>.*?)^>>>>>>> [^\n]*\n", re.M | re.S)
IMPORT_RE = re.compile(r"^from (?P<module>\S+) import (?P<names>.+)$")


def resolve_import_conflicts(text: str, module: str | None, moved: dict[str, str]) -> str:
    """Conflict hunks made only of ``from X import ...`` lines (the usual merge of a flat-layout branch):
    this side's imports, with the names the other side adds (its paths carried into the new layout).
    Unused names are left for ``ruff check --fix`` to drop; any other hunk is left as it is."""

    def resolve(match: re.Match[str]) -> str:
        theirs = match["theirs"] if module is None else rewrite_package_file(match["theirs"], module, moved)
        theirs = rewrite_absolute(theirs, moved)
        sides = [[line for line in side.splitlines() if line.strip()] for side in (match["ours"], theirs)]
        if not all(IMPORT_RE.match(line) and "(" not in line and ")" not in line for side in sides for line in side):
            return match.group(0)
        merged: dict[str, list[str]] = {}
        for line in sides[0] + sides[1]:
            found = IMPORT_RE.match(line)
            assert found is not None
            names = merged.setdefault(found["module"], [])
            names.extend(n.strip() for n in found["names"].split(",") if n.strip() not in names)
        return "".join(f"from {name} import {', '.join(names)}\n" for name, names in merged.items())

    return CONFLICT_RE.sub(resolve, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--move", action="append", default=[], metavar="NAME=SUBPACKAGE")
    parser.add_argument("--resolve-imports", action="store_true",
                        help="also resolve merge conflicts that are only import lines (see resolve_import_conflicts)")
    parser.add_argument("files", nargs="*", type=Path, help="files of the branch (git diff --name-only main...B)")
    args = parser.parse_args(argv)
    moved = dict(MOVED)
    placed: set[Path] = set()
    for item in args.move:
        name, _, package = item.partition("=")
        source, target = PACKAGE / f"{name}.py", PACKAGE / package / f"{name}.py"
        if not source.is_file() or not (PACKAGE / package / "__init__.py").is_file():
            print(f"relocate_imports: {source} or the subpackage {package} does not exist", file=sys.stderr)
            return 2
        subprocess.run(["git", "mv", str(source), str(target)], cwd=ROOT, check=True)
        moved[name] = f"{package}.{name}"
        placed.add(target.resolve())
    files = {p.resolve() for p in args.files if p.suffix == ".py"} | set(placed)
    for path in sorted(files):
        if not path.is_file() or path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8")
        new = text
        in_package = PACKAGE in path.parents
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts) if in_package else None
        if args.resolve_imports:
            new = resolve_import_conflicts(new, module, moved)
        new = rewrite_package_file(new, module, moved) if module is not None else rewrite_absolute(new, moved)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
