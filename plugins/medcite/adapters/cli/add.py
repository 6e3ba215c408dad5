"""``citation-lint add``: import a reference from PubMed (.nbib), RIS or CSL-JSON into the bibliography.

Exit status: 0 added (or shown, with --dry-run), 1 refused (duplicate DOI/PMID, invalid identifier),
2 usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ...app.project import read_project
from ...app.project import shown as _shown
from ...bib.bibliography import Bibliography, decode_bibtex, load_bibliography, parse_bibliography
from ...bib.findings import suggest_stub
from ...core.errors import MedciteError
from ...core.model import InputError, decode_utf8
from ...core.vocab import EVIDENCE_LABELS
from ...importers.addentry import AddError, add_entries, locked, write_atomically
from ...importers.records import FORMATS, Draft, RecordError, read_records
from ...lint.checks import LintOptions, check_bibliography
from . import UsageError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citation-lint add",
        description="Append a reference exported from PubMed ('Cite' -> .nbib), Zotero or Mendeley (RIS or "
                    "CSL-JSON) to the bibliography. Works offline; never looks anything up.")
    parser.add_argument("source", nargs="?", default="-", help="record file (default: standard input)")
    parser.add_argument("--bib", type=Path, help="bibliography to append to (default: the one in mkdocs.yml)")
    parser.add_argument("--config", type=Path, help="mkdocs.yml to read the bibliography path from")
    parser.add_argument("--format", choices=FORMATS, help="input format (default: detected)")
    parser.add_argument("--evidence", choices=sorted(EVIDENCE_LABELS),
                        help="evidence level when the record's publication type does not say")
    parser.add_argument("--key", help="citation key to use instead of surname+year+first title word")
    parser.add_argument("--dry-run", action="store_true", help="print the entry without changing the file")
    return parser


def _bib_path(args: argparse.Namespace) -> Path:
    if args.bib:
        return Path(args.bib)
    project = read_project(args.config or Path("mkdocs.yml"), required=args.config is not None)
    if project.bibliography is None:
        raise UsageError("no bibliography: pass --bib FILE or configure the citations plugin in mkdocs.yml")
    return project.bibliography


def _read_source(source: str) -> str:
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{source}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{source}: cannot read: {exc.strerror}") from None
    try:
        return decode_utf8(data, "standard input" if source == "-" else source)
    except InputError as exc:
        raise UsageError(str(exc)) from None


def _asker(source: str) -> object:
    """Ask for the evidence level only when a person is at the terminal (and the record is not on stdin)."""
    if source == "-" or not sys.stdin.isatty():
        return None

    def ask(draft: Draft) -> str:
        choices = ", ".join(EVIDENCE_LABELS)
        answer = input(f"Evidence level for '{draft.fields.get('title', '')[:60]}' ({choices}; Enter to leave "
                       "it for later): ")
        return answer if answer.strip().lower() in EVIDENCE_LABELS else ""

    return ask


def _add(args: argparse.Namespace, drafts: list[Draft], bib_path: Path, shown: str) -> tuple[int, str, list[Any]]:
    """Read the bibliography, add the records and write it (the caller holds the lock): (exit code, text, added)."""
    bib, _ = load_bibliography(bib_path, shown, use_disk_cache=False)
    old_text = decode_bibtex(bib_path.read_bytes(), shown)
    try:
        new_text, added = add_entries(drafts, bib, old_text, shown, evidence=args.evidence or "",
                                      ask=_asker(args.source), key=args.key or "")  # type: ignore[arg-type]
    except AddError as exc:
        print(f"citation-lint add: refused: {exc}; nothing was written", file=sys.stderr)
        return 1, old_text, []
    for entry in added:
        print(entry.text, end="")
    for entry, draft in zip(added, drafts, strict=True):
        stub = suggest_stub(entry.key, draft.abstract)
        if stub:  # printed, never written: an editor checks each finding against the source first
            print("\n" + stub, end="")
    if not args.dry_run:
        try:
            write_atomically(bib_path, new_text)
        except OSError as exc:
            print(f"citation-lint add: error: {shown}: cannot write: {exc.strerror}", file=sys.stderr)
            return 2, old_text, []
    return 0, new_text, added


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        bib_path = _bib_path(args)
        shown = _shown(bib_path)
        text = _read_source(args.source)
        drafts = read_records(text, args.format)
        with locked(bib_path, required=not args.dry_run):  # read, change, replace as one step: a concurrent add waits
            code, new_text, added = _add(args, drafts, bib_path, shown)
    except RecordError as exc:
        print(f"citation-lint add: error: {'standard input' if args.source == '-' else args.source}: {exc}",
              file=sys.stderr)
        return 2
    except MedciteError as exc:  # a usage problem, an unusable bibliography or config, a locked file
        print(f"citation-lint add: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"citation-lint add: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if code:
        return code
    parsed, _ = parse_bibliography(new_text, shown)
    news = {entry.key for entry in added}
    notes = check_bibliography(Bibliography(shown, {k: v for k, v in parsed.references.items() if k in news}),
                               None, LintOptions())
    for finding in notes:
        print(f"{finding.location()}: {finding.severity}: {finding.message} [{finding.rule}]", file=sys.stderr)
    verb = "would add" if args.dry_run else "added"
    for entry in added:
        how = f"evidence from the {entry.evidence_source}" if entry.evidence_source else "no evidence level yet"
        print(f"{verb} '{entry.key}' to {shown} ({how}); check it against the source's own page before citing it",
              file=sys.stderr)
    return 0
