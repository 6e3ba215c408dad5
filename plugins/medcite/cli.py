"""``citation-lint``: check that every claim is cited and every reference is sound.

Exit status: 0 no error-level finding, 1 error-level findings, 2 usage error, unreadable
file or unparsable bibliography.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .bibliography import BibliographyError, load_bibliography
from .formats import FORMATTERS
from .lint import LintOptions, check_bibliography, filter_findings
from .model import Finding, InputError, decode_utf8, read_regular_file
from .rules import RULES
from .runner import LintRun


class UsageError(Exception):
    pass


class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml may hold tags such as !!python/name:… or !ENV; they are not needed here."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


@dataclass
class Settings:
    bibliography: Path | None = None
    docs_dir: Path | None = None
    plugin: dict[str, Any] = field(default_factory=dict)


def read_settings(config: Path, required: bool) -> Settings:
    if not config.is_file():
        if required:
            raise UsageError(f"{config}: config file not found")
        return Settings()
    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UsageError(f"{config}: cannot read YAML: {exc}") from None
    base = config.parent
    plugin: dict[str, Any] = {}
    for item in data.get("plugins") or []:
        if item == "citations":
            plugin = {}
        elif isinstance(item, dict) and "citations" in item:
            plugin = item["citations"] or {}
    bib = plugin.get("bibliography")
    return Settings(bibliography=base / bib if bib else None, docs_dir=base / data.get("docs_dir", "docs"),
                    plugin=plugin)


def _rules(values: list[str]) -> frozenset[str]:
    rules = frozenset(rule.strip() for value in values for rule in value.split(",") if rule.strip())
    unknown = sorted(rules - set(RULES))
    if unknown:
        raise UsageError(f"unknown rule id(s): {', '.join(unknown)} (see citation-lint --list-rules)")
    return rules


def _markdown_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.md") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory")
    return files


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return path.as_posix()


def _read(path: Path) -> str:
    try:
        return decode_utf8(read_regular_file(path), _shown(path))
    except InputError as exc:
        raise UsageError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="citation-lint", description="Check that every health claim is cited "
                                     "and every reference is sound.")
    parser.add_argument("paths", nargs="*", type=Path, help="Markdown files or folders (default: docs_dir of the "
                        "config)")
    parser.add_argument("--config", type=Path, help="mkdocs.yml to read settings from (default: ./mkdocs.yml)")
    parser.add_argument("--bib", type=Path, help="bibliography file (overrides the configured one)")
    parser.add_argument("--format", choices=sorted(FORMATTERS), default="text")
    parser.add_argument("--select", action="append", default=[], help="only these rule ids (comma-separated)")
    parser.add_argument("--ignore", action="append", default=[], help="skip these rule ids (comma-separated)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes for large sites (default: one per CPU)")
    parser.add_argument("--list-rules", action="store_true", help="print every rule id and exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list_rules:
        print("\n".join(f"{rule:26} {text}" for rule, text in RULES.items()))
        return 0
    try:
        return _run(args)
    except UsageError as exc:
        print(f"citation-lint: error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    settings = read_settings(args.config or Path("mkdocs.yml"), required=args.config is not None)
    bib_path = args.bib or settings.bibliography
    if bib_path is None:
        raise UsageError("no bibliography: pass --bib FILE or configure the citations plugin in mkdocs.yml")
    plugin = settings.plugin
    options = LintOptions(
        select=_rules(args.select or list(plugin.get("select") or [])),
        ignore=_rules(args.ignore or list(plugin.get("ignore") or [])),
        readability_target=float(plugin.get("readability_target", 8.0)),
        max_source_age=int(plugin.get("max_source_age", 10)),
    )
    try:
        bib, load_findings = load_bibliography(bib_path, _shown(bib_path))
    except BibliographyError as exc:
        raise UsageError(str(exc)) from None
    whole_site = not args.paths
    paths = args.paths or ([settings.docs_dir] if settings.docs_dir else [])
    if not paths:
        raise UsageError("no files to check: pass PATH or run next to mkdocs.yml")
    documents: list[tuple[str, str]] = []
    for path in _markdown_files(paths):
        try:
            documents.append((_shown(path), _read(path)))
        except OSError as exc:
            raise UsageError(f"{_shown(path)}: cannot read: {exc.strerror}") from None
    reports = LintRun(documents, bib, options, args.jobs).reports()
    cited = set().union(*(r.cited_keys for r in reports)) if whole_site else None
    findings: list[Finding] = filter_findings(load_findings, options) + check_bibliography(bib, cited, options)
    for report in reports:
        findings.extend(report.findings)
    findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
    print(FORMATTERS[args.format](findings, reports))
    if any(f.rule == "bibtex-syntax" for f in load_findings):
        return 2
    return 1 if any(f.severity == "error" for f in findings) else 0


if __name__ == "__main__":
    sys.exit(main())
