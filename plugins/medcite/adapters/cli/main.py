"""``citation-lint``: check that every claim is cited and every reference is sound.

Exit status: 0 no error-level finding (after the baseline, if one is given), 1 error-level
findings, 2 usage error, unreadable file or unparsable bibliography.

``citation-lint merge SHARD.json ...`` combines ``--shard K/N --format json`` runs into the
output one run over the whole site would give.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import sys
from pathlib import Path

from ...app.formats import FORMATTERS, Outcome, Show
from ...app.project import Project, read_project, shown
from ...app.runner import LintRun
from ...app.service import prepare, read_text, site_outcome, with_fragments
from ...app.shards import read_shard, select_shard
from ...bib.bibliography import Bibliography, PendingBibliography, start_bibliography
from ...bib.findings import Findings
from ...claims.classify import ready
from ...core.errors import MedciteError
from ...core.model import SEVERITIES, Finding, Severity
from ...core.rules import RULES
from ...lint.baseline import baseline_json
from ...lint.checks import DocumentReport, LintOptions, filter_findings
from ...lint.numbers import load_findings as load_recorded
from ...lint.redflagcheck import lint_documents, load_for_lint, red_flag_block_names
from ...source.snippets import source_problem
from . import UsageError


def _rules(values: list[str]) -> frozenset[str]:
    rules = frozenset(rule.strip() for value in values for rule in value.split(",") if rule.strip())
    unknown = sorted(rules - set(RULES))
    if unknown:
        raise UsageError(f"unknown rule id(s): {', '.join(unknown)} (see citation-lint --list-rules)")
    return rules


def _markdown_files(paths: list[Path], root: Path) -> list[Path]:
    """The pages under ``paths``; a FIFO, or a symlink out of the project ``root``, is refused (the
    build would hang on it or publish the file it points to)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.md") if not p.is_dir()))
            # MkDocs follows symlinked folders (pathlib's rglob does not): one leading out of the project
            # would publish what it holds.
            for folder, names, _ in os.walk(path):
                linked = [Path(folder) / name for name in names if os.path.islink(os.path.join(folder, name))]
                for link in linked:
                    if source_problem(link, root) == "a symlink leading outside the project":
                        raise UsageError(f"{shown(link)}: a symlink leading outside the project")
        elif path.exists():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory")
    for file in files:
        problem = source_problem(file, root)
        if problem is not None:
            raise UsageError(f"{shown(file)}: {problem}")
    return files


def _read(path: Path) -> str:
    return read_text(path, shown(path))


def build_parser(merge: bool = False) -> argparse.ArgumentParser:
    if merge:
        parser = argparse.ArgumentParser(prog="citation-lint merge", description="Merge the JSON of sharded runs "
                                         "(citation-lint --shard K/N --format json) into one report.")
        parser.add_argument("shards", nargs="+", type=Path, help="JSON files written by the shard runs")
    else:
        parser = argparse.ArgumentParser(prog="citation-lint", description="Check that every health claim is "
                                         "cited and every reference is sound.",
                                         epilog="citation-lint merge SHARD.json ... combines sharded runs; "
                                         "citation-lint add FILE imports a reference (see add --help).")
        parser.add_argument("paths", nargs="*", type=Path, help="Markdown files or folders (default: docs_dir of "
                            "the config)")
    parser.add_argument("--config", type=Path, help="mkdocs.yml to read settings from (default: ./mkdocs.yml)")
    parser.add_argument("--bib", type=Path, help="bibliography file (overrides the configured one)")
    parser.add_argument("--red-flags", type=Path, metavar="FILE", help="red-flag data file (YAML) for the "
                        "red-flag-urgency rule (overrides the medcite extension's red_flags option)")
    parser.add_argument("--findings", type=Path, metavar="FILE", help="each source's recorded findings (YAML) for "
                        "the number-not-in-source rule (overrides the medcite extension's findings option)")
    parser.add_argument("--format", choices=sorted(FORMATTERS), default="text")
    parser.add_argument("--select", action="append", default=[], help="only these rule ids (comma-separated)")
    parser.add_argument("--ignore", action="append", default=[], help="skip these rule ids (comma-separated)")
    parser.add_argument("--severity", action="append", default=[], metavar="RULE=LEVEL",
                        help="report RULE at LEVEL (error, warning or advice), e.g. old-sources=warning")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--errors-only", action="store_true", help="list only errors (and the count)")
    shown.add_argument("-q", "--quiet", action="store_true", help="list only errors, and nothing else")
    parser.add_argument("--baseline", type=Path, metavar="FILE",
                        help="accepted findings (from --write-baseline): only new ones are listed and fail the run")
    parser.add_argument("--write-baseline", type=Path, metavar="FILE",
                        help="write every current finding to FILE as the accepted baseline, and exit 0")
    if not merge:
        parser.add_argument("--shard", metavar="K/N", help="lint only the K-th of N equal slices of the pages "
                            "(for parallel CI jobs; merge their --format json output with citation-lint merge)")
        parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                            help="worker processes for large sites (default: one per CPU)")
        parser.add_argument("--claims", choices=("rules", "model", "meaning"), help="claim classifier (default: the "
                            "config's 'claims', else meaning: pretrained meaning + the rule table + page context; "
                            "'rules': the rule table alone; 'model': learnt from words)")
        parser.add_argument("--list-rules", action="store_true", help="print every rule id and exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["add"]:  # `citation-lint add`: import a reference (a page named "add" is ./add)
        from .add import main as add_main

        return add_main(argv[1:])
    merge = bool(argv) and argv[0] == "merge"
    args = build_parser(merge).parse_args(argv[1:] if merge else argv)
    if not merge and args.list_rules:
        print("\n".join(f"{rule.id:26} {rule.severity:8} {rule.category:13} {rule.summary}" for rule in RULES.values()))
        return 0
    try:
        return _merge(args) if merge else _run(args)
    except MedciteError as exc:  # the one place an error becomes the message and exit status 2
        print(f"citation-lint: error: {exc}", file=sys.stderr)
        return 2


def _severities(values: list[str]) -> dict[str, Severity]:
    """``--severity RULE=LEVEL`` flags (they win over the config's ``severity`` for their rules)."""
    pairs: dict[str, str] = {}
    for value in values:
        for item in value.split(","):
            rule, sep, level = item.partition("=")
            if not sep:
                raise UsageError(f"--severity {item!r}: write RULE=LEVEL, e.g. old-sources=warning")
            pairs[rule.strip()] = level.strip()
    unknown = sorted(set(pairs) - set(RULES))
    if unknown:
        raise UsageError(f"unknown rule id(s) in severity: {', '.join(unknown)} (see citation-lint --list-rules)")
    levels: dict[str, Severity] = {}
    for rule, level in pairs.items():
        for known in SEVERITIES:
            if level == known:
                levels[rule] = known
                break
        else:
            raise UsageError(f"severity of {rule}: {level!r} is not one of {', '.join(SEVERITIES)}")
    return levels


def _setup(args: argparse.Namespace) -> tuple[Project, LintOptions, Bibliography, list[Finding], Findings | None]:
    project, options, pending, problems = _start(args)
    return (project, *_loaded(args, project, options, pending, problems))


def _start(args: argparse.Namespace) -> tuple[Project, LintOptions, PendingBibliography, list[Finding]]:
    """The project, the options (with the red flags), the bibliography being loaded (parsed in a child process
    when that pays: the caller can split pages meanwhile) and the red-flag data's problems."""
    project = read_project(args.config or Path("mkdocs.yml"), required=args.config is not None)
    bib_path = args.bib or project.bibliography
    if bib_path is None:
        raise UsageError("no bibliography: pass --bib FILE or set it on the medcite Markdown extension in mkdocs.yml")
    options = project.settings.lint_options(
        select=_rules(args.select) if args.select else None,
        ignore=_rules(args.ignore) if args.ignore else None,
        severity=_severities(args.severity),
        claims=getattr(args, "claims", None),
    )
    # With workers (--jobs 2 or more, the default on a multi-core machine) a cold bibliography is parsed in a
    # child process of its own; --jobs 1 keeps the run in one process.
    pending = start_bibliography(bib_path, shown(bib_path), background=getattr(args, "jobs", 1) > 1)
    problems: list[Finding] = []
    red_flags_path = args.red_flags or project.red_flags
    if red_flags_path is not None:
        red_flags, problems = load_for_lint(red_flags_path, shown(red_flags_path))
        options = dataclasses.replace(options, red_flags=red_flags)
    return project, options, pending, problems


def _loaded(args: argparse.Namespace, project: Project, options: LintOptions, pending: PendingBibliography,
            red_flag_problems: list[Finding]) -> tuple[LintOptions, Bibliography, list[Finding], Findings | None]:
    """The bibliography (waiting for it), the load findings (its own, then the red-flag data's, then the recorded
    findings'), and the recorded findings."""
    bib, load_findings = pending.result()
    load_findings = load_findings + red_flag_problems
    recorded: Findings | None = None
    findings_path = args.findings or project.findings
    if findings_path is not None:
        recorded, problems = load_recorded(findings_path, shown(findings_path), bib.references)
        load_findings = load_findings + filter_findings(problems, options)
    if args.baseline is None and project.baseline is not None and not args.write_baseline:
        args.baseline = project.baseline
    return options, bib, load_findings, recorded


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    number, sep, total = value.partition("/")
    if not (sep and number.isdigit() and total.isdigit() and 1 <= int(number) <= int(total)):
        raise UsageError(f"--shard {value!r}: write K/N with 1 <= K <= N, e.g. --shard 2/4")
    return int(number), int(total)


def _run(args: argparse.Namespace) -> int:
    project, options, pending, red_flag_problems = _start(args)
    if project.notice and not args.quiet:
        print(f"citation-lint: warning: {project.notice}", file=sys.stderr)
    shard = _shard(args.shard)
    whole_site = not args.paths and shard is None
    paths = args.paths or ([project.docs_dir] if project.docs_dir else [])
    if not paths:
        raise UsageError("no files to check: pass PATH or run next to mkdocs.yml")
    documents: list[tuple[str, str]] = []
    for path in select_shard(_markdown_files(paths, project.root), shard):
        try:
            documents.append((shown(path), _read(path)))
        except OSError as exc:
            raise UsageError(f"{shown(path)}: cannot read: {exc.strerror}") from None
    # The snippet files the pages include (pymdownx.snippets), each once, to lint as fragments; an
    # include the build may not read is an error at its line, and the file is never opened. Include lines
    # naming a red-flag block are the data's (the extension turns them into boxes), not files. The generated
    # red-flag boxes are linted once (in the first shard).
    generated = lint_documents(options.red_flags) if shard is None or shard[0] == 1 else []
    documents, options, include_findings = with_fragments(
        documents, project.snippet_bases if project.snippets else [], shown, options, generated=generated,
        handled=red_flag_block_names(options.red_flags))
    ready(options.claims)  # the claim model (LintRun would load it first), while the bibliography may be parsing
    if not pending.done():  # it is being parsed on the other core: split pages meanwhile
        prepare(documents, options, stop=pending.done)
    options, bib, load_findings, recorded = _loaded(args, project, options, pending, red_flag_problems)
    # What is loaded now (modules, the bibliography, the claim model, the pages) lives until the process ends: out
    # of the garbage collector's sight, its full collections no longer walk it (0.2-0.4 s of a cold 300-page run).
    gc.freeze()
    reports = LintRun(documents, bib, options, args.jobs).reports()
    found = load_findings + filter_findings(project.appended + include_findings, options)
    outcome = _outcome(reports, bib, options, found, whole_site, args.baseline, recorded)
    outcome.shard = shard
    return _finish(args, outcome, load_findings)


def _merge(args: argparse.Namespace) -> int:
    """Shard outputs -> the outcome of one whole-site run (site-wide checks run once, here)."""
    _, options, bib, load_findings, recorded = _setup(args)
    shards = []
    for path in args.shards:
        shards.append(read_shard(path))
    reports: dict[str, DocumentReport] = {}
    for shard in shards:
        if shard.digest != bib.digest:
            raise UsageError(f"{shard.path}: linted against another version of {shard.bibliography}; "
                             "run every shard on the same commit")
        for report in shard.reports:
            if report.path in reports:
                raise UsageError(f"{shard.path}: {report.path} is also in another shard")
            report.findings = filter_findings(report.findings, options)
            reports[report.path] = report
    whole_site = any(shard.whole_site for shard in shards) or _complete({shard.shard for shard in shards})
    ordered = [reports[path] for path in sorted(reports)]
    return _finish(args, _outcome(ordered, bib, options, load_findings, whole_site, args.baseline, recorded),
                   load_findings)


def _complete(parts: set[tuple[int, int] | None]) -> bool:
    """Do these shards (K of N) cover every slice 1..N of one split?"""
    if None in parts or not parts:
        return False
    totals = {part[1] for part in parts if part is not None}
    return len(totals) == 1 and {part[0] for part in parts if part is not None} == set(range(1, totals.pop() + 1))


def _outcome(reports: list[DocumentReport], bib: Bibliography, options: LintOptions, load_findings: list[Finding],
             whole_site: bool, baseline: Path | None, recorded: Findings | None = None) -> Outcome:
    return site_outcome(reports, bib, options, load_findings, whole_site=whole_site, baseline=baseline,
                        findings_data=recorded)


def _finish(args: argparse.Namespace, outcome: Outcome, load_findings: list[Finding]) -> int:
    if args.write_baseline is not None:
        try:
            args.write_baseline.write_text(baseline_json(outcome.findings), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{shown(args.write_baseline)}: cannot write: {exc.strerror}") from None
        print(f"citation-lint: wrote {len(outcome.findings)} finding(s) to {shown(args.write_baseline)}")
        return 0
    show: Show = "quiet" if args.quiet else "errors" if args.errors_only else "all"
    text = FORMATTERS[args.format](outcome, show)
    if text:
        print(text)
    if any(f.rule == "bibtex-syntax" for f in load_findings):
        return 2
    return 1 if outcome.counts["error"] else 0


if __name__ == "__main__":
    sys.exit(main())
