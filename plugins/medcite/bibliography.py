"""Load a BibTeX file with pybtex, keeping the line of every entry.

Problems in the file become :class:`Finding` objects; only a file that cannot be read
at all raises :class:`BibliographyError`. Results are cached by content hash, so a
``mkdocs serve`` rebuild or a second run on an unchanged file does no parsing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import sys
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pybtex.bibtex.utils import split_name_list
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import LowLevelParser, Parser
from pybtex.exceptions import PybtexError
from pybtex.scanner import PybtexSyntaxError

from . import __version__
from .identifiers import normalize_doi
from .model import Finding, InputError, Reference, decode_utf8
from .names import latex_plain, vancouver_name

# Fields holding identifiers or codes: kept verbatim, never LaTeX-decoded.
RAW_FIELDS = frozenset({"doi", "pmid", "pmcid", "url", "urldate", "year", "evidence", "isbn", "issn"})
_CACHE_SIZE = 8


class BibliographyError(InputError):
    """The bibliography cannot be used at all (missing, unreadable, not UTF-8)."""


@dataclass
class Bibliography:
    """Entries by key, plus look-ups by DOI and PMID for ``[@doi:…]`` / ``[@pmid:…]``."""

    path: str
    references: dict[str, Reference] = field(default_factory=dict)
    digest: str = ""

    def __post_init__(self) -> None:
        self._folded = {key.casefold(): ref for key, ref in self.references.items()}
        self.by_doi: dict[str, Reference] = {}
        self.by_pmid: dict[str, Reference] = {}
        for ref in self.references.values():
            doi = normalize_doi(ref.fields.get("doi", "")).casefold()
            if doi:
                self.by_doi.setdefault(doi, ref)
            pmid = ref.fields.get("pmid", "").strip()
            if pmid:
                self.by_pmid.setdefault(pmid, ref)

    def __len__(self) -> int:
        return len(self.references)

    def __iter__(self) -> Iterator[Reference]:
        return iter(self.references.values())

    def resolve(self, key: str) -> Reference | None:
        """Find an entry by key, ``doi:<doi>`` or ``pmid:<digits>``."""
        found = self.references.get(key) or self._folded.get(key.casefold())
        if found is not None:
            return found
        scheme, _, value = key.partition(":")
        if scheme.lower() == "doi" and value:
            return self.by_doi.get(normalize_doi(value).casefold())
        if scheme.lower() == "pmid" and value:
            return self.by_pmid.get(value.strip())
        return None


_cache: dict[tuple[str, str], tuple[Bibliography, tuple[Finding, ...]]] = {}


def load_bibliography(path: str | Path, display_path: str | None = None,
                      use_disk_cache: bool = True) -> tuple[Bibliography, list[Finding]]:
    """Read and parse ``path``; raises :class:`BibliographyError` only if it is unusable.

    Parsed results are kept in memory (``mkdocs serve`` rebuilds) and on disk (later runs),
    both keyed by the file's content hash, so an edit always invalidates them.
    """
    shown = display_path or str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise BibliographyError(shown, 0, "bibliography file not found") from None
    except OSError as exc:
        raise BibliographyError(shown, 0, f"cannot read bibliography: {exc.strerror}") from None
    digest = hashlib.sha256(data).hexdigest()
    cached = _cache.get((shown, digest))
    if cached is not None:
        return cached[0], list(cached[1])
    stored = _disk_cache_path(shown, digest) if use_disk_cache else None
    loaded = _read_disk_cache(stored) if stored else None
    if loaded is not None:
        bib, findings = loaded
    else:
        text = decode_bibtex(data, shown)
        bib, findings = parse_bibliography(text, shown)
        bib.digest = digest
        if stored:
            _write_disk_cache(stored, bib, findings)
    if len(_cache) >= _CACHE_SIZE:
        _cache.pop(next(iter(_cache)))
    _cache[(shown, digest)] = (bib, tuple(findings))
    return bib, findings


def cache_dir() -> Path:
    configured = os.environ.get("MEDCITE_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "medcite"


def _disk_cache_path(shown: str, digest: str) -> Path:
    # The layout of Reference is part of the key: a cache written by another version is never read.
    layout = ",".join(f.name for f in dataclasses.fields(Reference))
    key = hashlib.sha256(f"{__version__}|{layout}|{sys.version_info[:2]}|{shown}|{digest}".encode()).hexdigest()[:32]
    return cache_dir() / f"bibliography-{key}.pickle"


def _read_disk_cache(path: Path) -> tuple[Bibliography, list[Finding]] | None:
    try:
        with path.open("rb") as handle:
            bib, findings = pickle.load(handle)  # our own cache, in the user's cache directory
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return None
    return (bib, list(findings)) if isinstance(bib, Bibliography) else None


def _write_disk_cache(path: Path, bib: Bibliography, findings: list[Finding]) -> None:
    """Best effort: an unwritable cache only costs the next run a parse."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        old = sorted(path.parent.glob("bibliography-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-(_CACHE_SIZE - 1)] if len(old) >= _CACHE_SIZE else []:
            stale.unlink(missing_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        with partial.open("wb") as handle:
            pickle.dump((bib, tuple(findings)), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
    except (OSError, pickle.PickleError, RecursionError):
        pass


def decode_bibtex(data: bytes, path: str) -> str:
    try:
        return decode_utf8(data, path)
    except InputError as exc:
        raise BibliographyError(exc.path, exc.line, exc.message) from None


def parse_bibliography(text: str, path: str) -> tuple[Bibliography, list[Finding]]:
    """Parse BibTeX source text; never raises for bad content."""
    parser = _LocatingParser(path)
    parser.run(text)
    references: dict[str, Reference] = {}
    for key, (entry, line) in parser.entries.items():
        references[key] = _to_reference(key, entry, line, parser.data)
        crossref = entry.fields.get("crossref", "").strip()
        if crossref and crossref not in parser.data.entries:
            parser.findings.append(_finding(path, line, "unknown-crossref", "error",
                                            f"'{key}': crossref '{crossref}' is not in the bibliography"))
    if not text.strip():
        parser.findings.append(_finding(path, 1, "empty-bibliography", "warning", "the bibliography file is empty"))
    return Bibliography(path, references), parser.findings


class _LocatingParser(Parser):
    """pybtex's parser, driven entry by entry so each entry keeps its line number."""

    def __init__(self, path: str) -> None:
        super().__init__(encoding="utf-8")
        self.path = path
        self.entries: dict[str, tuple[Entry, int]] = {}
        self.findings: list[Finding] = []
        self._folded_keys: dict[str, int] = {}
        self._line = 1

    def run(self, text: str) -> None:
        starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.unnamed_entry_counter = 1
        scanner = LowLevelParser(text, handle_error=self.handle_error, filename=self.path, macros=self.macros)
        self._scanner, self._starts = scanner, starts
        for command, body in scanner:
            self._line = bisect_right(starts, scanner.command_start)
            kind = command.lower()
            if kind == "preamble" or kind == "string":
                continue
            key, fields = body
            if not key:
                self.findings.append(_finding(self.path, self._line, "bibtex-syntax", "error", "entry has no key"))
                continue
            self._add(command, key, fields)

    def _add(self, entry_type: str, key: str, fields: list[tuple[str, list[str]]]) -> None:
        first = self._folded_keys.get(key.casefold())
        if first is not None:
            self.findings.append(
                _finding(self.path, self._line, "duplicate-key", "error",
                         f"duplicate key '{key}' (first defined on line {first}); this entry is ignored")
            )
            return
        entry = Entry(entry_type.lower())
        seen: set[str] = set()
        for name, parts in fields:
            lower = name.lower()
            if lower in seen:
                self.findings.append(
                    _finding(self.path, self._line, "duplicate-field", "error",
                             f"entry '{key}' has the field '{name}' twice; the first is used")
                )
                continue
            seen.add(lower)
            value = " ".join("".join(parts).split())
            if lower in self.person_fields:
                try:
                    for person in _split_names(value):
                        entry.add_person(Person(person), lower)
                except PybtexError as exc:
                    self.findings.append(_finding(self.path, self._line, "bibtex-syntax", "error",
                                                  f"entry '{key}': cannot read {lower}: {exc}"))
            else:
                entry.fields[lower] = value
        self._folded_keys[key.casefold()] = self._line
        self.data.add_entry(key, entry)
        self.entries[key] = (entry, self._line)

    def handle_error(self, error: Exception) -> None:
        if isinstance(error, PybtexSyntaxError):
            line = error.lineno or self._line
            message = str(PybtexError.__str__(error))
            scanner = getattr(self, "_scanner", None)
            key = getattr(scanner, "current_entry_key", None)
            where = ""
            if key and scanner is not None:  # point at the entry, where the author has to look
                start = bisect_right(self._starts, scanner.command_start)
                where = f" in entry '{key}'" + (f" (noticed on line {line})" if line != start else "")
                line = start
            self.findings.append(_finding(self.path, line, "bibtex-syntax", "error",
                                          f"BibTeX {error.error_type}{where}: {message}"))
        else:
            self.findings.append(_finding(self.path, self._line, "bibtex-syntax", "error", str(error)))


def _split_names(value: str) -> list[str]:
    return [name for name in split_name_list(value) if name.strip()]


def _to_reference(key: str, entry: Entry, line: int, data: BibliographyData) -> Reference:
    fields: dict[str, str] = {}
    parent = None
    crossref = entry.fields.get("crossref", "").strip()
    if crossref:
        parent = data.entries.get(crossref)
    merged = dict(parent.fields) if parent is not None else {}
    merged.update(entry.fields)
    for name, value in merged.items():
        fields[name.lower()] = value.strip() if name.lower() in RAW_FIELDS else latex_to_text(value)
    roles = dict(parent.persons) if parent is not None else {}
    roles.update(entry.persons)
    people = tuple((role.lower(), tuple(str(person) for person in persons))
                   for role, persons in roles.items() if persons)
    authors = tuple(vancouver_name(person) for person in roles.get("author", []))
    return Reference(key=key, entry_type=entry.type.lower(), line=line, fields=fields, authors=authors,
                     source=tuple(merged.items()), people=people)


def to_pybtex(ref: Reference) -> Entry:
    """A pybtex Entry for the formatting style, rebuilt from the plain strings kept in ``ref``."""
    entry = Entry(ref.entry_type, fields=dict(ref.source))
    for role, names in ref.people:
        for name in names:
            entry.add_person(Person(name), role)
    entry.key = ref.key
    return entry


def latex_to_text(value: str) -> str:
    """Decode LaTeX accents and braces to plain Unicode; fall back to the raw value."""
    return " ".join(latex_plain(value).split())


def _finding(path: str, line: int, rule: str, severity: str, message: str) -> Finding:
    return Finding(path=path, line=line, column=1, rule=rule, severity=severity,  # type: ignore[arg-type]
                   category="bibliography", message=message)
