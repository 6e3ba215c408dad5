"""Load a BibTeX file with pybtex, keeping the line of every entry.

Problems in the file become :class:`Finding` objects; only a file that cannot be read
at all raises :class:`BibliographyError`. Results are cached by content hash, so a
``mkdocs serve`` rebuild or a second run on an unchanged file does no parsing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import multiprocessing.process
import re
import sys
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar, cast

from pybtex.bibtex.utils import split_name_list
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import LowLevelParser, Parser
from pybtex.exceptions import PybtexError
from pybtex.scanner import PybtexSyntaxError

from .. import __version__
from ..core import diskcache
from ..core.codec import CodecError, finding_from_json, finding_to_json
from ..core.identifiers import normalize_doi
from ..core.memo import Memo
from ..core.model import Finding, InputError, Reference, decode_utf8, read_regular_file
from ..core.rules import RULES
from .names import is_others, latex_plain, vancouver_name

# Fields holding identifiers or codes: kept verbatim, never LaTeX-decoded.
RAW_FIELDS = frozenset({"doi", "pmid", "pmcid", "url", "urldate", "year", "evidence", "isbn", "issn"})
_CACHE_SIZE = 8
T = TypeVar("T")
HOWPUBLISHED_URL_RE = re.compile(r"\\url\s*+\{(?P<url>[^{}\s]++)\}")
URL_LEAD_IN_RE = re.compile(r"(?:available|accessible|retrieved|published|online|on ?line|on the (?:web|internet)"
                            r"|internet|web(?: ?site| ?page)?|url|at|from|via|in|[\s.:,;\[\]])++", re.IGNORECASE)


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


_cache: Memo[tuple[str, str], tuple[Bibliography, tuple[Finding, ...]]] = Memo(_CACHE_SIZE)


def load_bibliography(path: str | Path, display_path: str | None = None,
                      use_disk_cache: bool = True) -> tuple[Bibliography, list[Finding]]:
    """Read and parse ``path``; raises :class:`BibliographyError` only if it is unusable.

    Parsed results are kept in memory (``mkdocs serve`` rebuilds) and on disk (later runs),
    both keyed by the file's content hash, so an edit always invalidates them.
    """
    return start_bibliography(path, display_path, use_disk_cache, background=False).result()


class PendingBibliography:
    """A bibliography being loaded: already in hand (a cache hit, or parsed here), or being parsed in a forked
    child process, so the caller can do other work on the second core meanwhile (``citation-lint`` splits
    pages while a cold bibliography is parsed). :meth:`result` is what :func:`load_bibliography` returns."""

    def __init__(self, loaded: tuple[Bibliography, list[Finding]] | None, text: str = "", shown: str = "",
                 digest: str = "", stored: Path | None = None) -> None:
        self._loaded = loaded
        self._text, self._shown, self._digest, self._stored = text, shown, digest, stored
        self._child: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def _fork(self) -> None:
        """Parse in a forked child, which sends the result back and then writes the disk cache itself."""
        receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)
        child = multiprocessing.get_context("fork").Process(
            target=_parse_in_child, args=(sender, self._text, self._shown, self._digest, self._stored),
            name="medcite-bibliography", daemon=False)
        child.start()
        sender.close()
        self._child, self._conn = child, receiver

    def done(self) -> bool:
        """Is the result ready (never waits)?"""
        return self._loaded is not None or self._conn is None or self._conn.poll()

    def result(self) -> tuple[Bibliography, list[Finding]]:
        """The bibliography and its problems (waits for the child; parses here if the child failed)."""
        if self._loaded is None:
            parsed: tuple[Bibliography, list[Finding]] | None = None
            if self._conn is not None:
                try:
                    parsed = self._conn.recv()
                except (EOFError, OSError):
                    parsed = None  # the child died: parse here instead
                finally:
                    self._conn.close()
                    self._conn = None
            if parsed is None:
                parsed = _parse(self._text, self._shown, self._digest)
                if self._stored:
                    _write_disk_cache(self._stored, *parsed)
            _cache.put((self._shown, self._digest), (parsed[0], tuple(parsed[1])))
            self._loaded = parsed[0], list(parsed[1])
            self._text = ""
        return self._loaded[0], list(self._loaded[1])


def _parse(text: str, shown: str, digest: str) -> tuple[Bibliography, list[Finding]]:
    bib, findings = parse_bibliography(text, shown)
    bib.digest = digest
    return bib, findings


def _parse_in_child(conn: Connection, text: str, shown: str, digest: str, stored: Path | None) -> None:
    parsed = _parse(text, shown, digest)
    conn.send(parsed)
    conn.close()
    if stored:
        _write_disk_cache(stored, *parsed)


# Below this size a bibliography parses in well under the cost of forking a child for it.
MIN_BYTES_FOR_CHILD = 64 * 1024


def start_bibliography(path: str | Path, display_path: str | None = None, use_disk_cache: bool = True,
                       background: bool = True) -> PendingBibliography:
    """Start loading ``path`` as :func:`load_bibliography` does: read, look up in the caches (raising
    :class:`BibliographyError` now if the file is unusable); a miss on a large file is parsed in a forked child
    when ``background`` (and the platform can fork), else here."""
    shown = display_path or str(path)
    try:
        data = read_regular_file(path)
    except FileNotFoundError:
        raise BibliographyError(shown, 0, "bibliography file not found") from None
    except OSError as exc:
        raise BibliographyError(shown, 0, f"cannot read bibliography: {exc.strerror or exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    cached = _cache.peek((shown, digest))
    if cached is not None:
        return PendingBibliography((cached[0], list(cached[1])))
    stored = _disk_cache_path(shown, digest) if use_disk_cache else None
    loaded = _read_disk_cache(stored, shown, digest, len(data)) if stored else None
    if loaded is not None:
        _cache.put((shown, digest), (loaded[0], tuple(loaded[1])))
        return PendingBibliography(loaded)
    pending = PendingBibliography(None, decode_bibtex(data, shown), shown, digest, stored)
    if background and len(data) >= MIN_BYTES_FOR_CHILD and "fork" in multiprocessing.get_all_start_methods():
        pending._fork()
    return pending


_CACHE_KIND = "bibliography"
_PARSE_FORMAT = 3  # raised when parsing gives other fields for the same file (3: \url in howpublished -> url)


def _disk_cache_path(shown: str, digest: str) -> Path:
    # The layout of Reference is part of the key: a cache written by another version is never read.
    layout = ",".join(f.name for f in dataclasses.fields(Reference))
    code = diskcache.code_digest()  # this code and the library versions: a parser fix or upgrade is a miss
    key = hashlib.sha256(f"{__version__}|{_PARSE_FORMAT}|{layout}|{code}|{sys.version_info[:2]}|{shown}|{digest}"
                         .encode()).hexdigest()[:32]
    return diskcache.cache_dir() / f"bibliography-{key}.json"


def _read_disk_cache(path: Path, shown: str, digest: str,
                     source_size: int) -> tuple[Bibliography, list[Finding]] | None:
    """The cached parse of the bibliography with this digest, or None: any doubt is a miss."""
    # A parse is a few times the size of its source; anything far bigger is not ours.
    payload = diskcache.read(path, _CACHE_KIND, digest, max_bytes=16 * source_size + (1 << 20))
    if not isinstance(payload, dict):
        return None
    references = payload.get("references")
    findings = payload.get("findings")
    if payload.get("path") != shown or not isinstance(references, list) or not isinstance(findings, list):
        return None
    refs: dict[str, Reference] = {}
    for item in references:
        ref = _reference_from_json(item)
        if ref is None or ref.key in refs:
            return None
        refs[ref.key] = ref
    try:
        loaded = [finding_from_json(item) for item in findings]
    except CodecError:
        return None
    return Bibliography(shown, refs, digest), loaded


def _write_disk_cache(path: Path, bib: Bibliography, findings: list[Finding]) -> None:
    payload = {"path": bib.path,
               "references": [_reference_to_json(ref) for ref in bib.references.values()],
               "findings": [finding_to_json(finding) for finding in findings]}
    diskcache.write(path, _CACHE_KIND, bib.digest, payload, keep=_CACHE_SIZE)


def _reference_to_json(ref: Reference) -> dict[str, object]:
    return {"key": ref.key, "entry_type": ref.entry_type, "line": ref.line, "fields": ref.fields,
            "authors": list(ref.authors), "source": [list(pair) for pair in ref.source],
            "people": [[role, list(names)] for role, names in ref.people]}


def _strings(value: object) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def _reference_from_json(item: object) -> Reference | None:
    """Rebuild one Reference, checking every type; None if anything is off."""
    if not isinstance(item, dict) or set(item) != {"key", "entry_type", "line", "fields", "authors", "source",
                                                    "people"}:
        return None
    key, entry_type, line, fields = item["key"], item["entry_type"], item["line"], item["fields"]
    if not (isinstance(key, str) and key and isinstance(entry_type, str) and type(line) is int and line >= 0):
        return None
    if not isinstance(fields, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items()):
        return None
    authors = _strings(item["authors"])
    pairs = [_strings(pair) for pair in item["source"]] if isinstance(item["source"], list) else None
    people_in = item["people"] if isinstance(item["people"], list) else None
    if authors is None or pairs is None or people_in is None or any(p is None or len(p) != 2 for p in pairs):
        return None
    people: list[tuple[str, tuple[str, ...]]] = []
    for entry in people_in:
        names = _strings(entry[1]) if isinstance(entry, list) and len(entry) == 2 else None
        if names is None or not isinstance(entry[0], str):
            return None
        people.append((entry[0], names))
    source = tuple((p[0], p[1]) for p in pairs if p is not None)
    return Reference(key=key, entry_type=entry_type, line=line, fields=dict(fields), authors=authors,
                     source=source, people=tuple(people))


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
    names = _Names()
    for key, (entry, line) in parser.entries.items():
        references[key] = _to_reference(key, entry, line, parser.data, names)
        crossref = entry.fields.get("crossref", "").strip()
        if crossref and crossref not in parser.data.entries:
            parser.findings.append(_finding(path, line, "unknown-crossref",
                                            f"'{key}': crossref '{crossref}' is not in the bibliography"))
        elif crossref and (cycle := _crossref_cycle(key, parser.data)):
            parser.findings.append(_finding(path, line, "crossref-cycle",
                                            f"'{key}': crossref goes round in a circle ({' -> '.join(cycle)})"))
    if not text.strip():
        parser.findings.append(_finding(path, 1, "empty-bibliography", "the bibliography file is empty"))
    parser.findings.extend(_check_keys(path, {key: line for key, (_entry, line) in parser.entries.items()}))
    return Bibliography(path, references), parser.findings


def _crossref_cycle(key: str, data: BibliographyData) -> list[str]:
    """The chain of crossrefs from ``key`` if it comes back to an entry already on it, else []."""
    chain = [key]
    current = data.entries.get(key)
    while current is not None:
        parent = current.fields.get("crossref", "").strip()
        if not parent:
            return []
        if parent in chain:
            return [*chain, parent]
        chain.append(parent)
        current = data.entries.get(parent)
    return []


_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp", "Zs"})


def _char_name(ch: str) -> str:
    fallback = "control character" if unicodedata.category(ch) == "Cc" else "unnamed character"
    return f"U+{ord(ch):04X} {unicodedata.name(ch, fallback)}"


@lru_cache(maxsize=4096)
def _skeleton_char(ch: str) -> str:
    """The ASCII letter or digit a character is confused with (Unicode TR39 data), else itself."""
    if ch.isascii():
        return ch
    # Imported here: the TR39 table costs about 9 MB, and a bibliography of ASCII keys never needs it.
    from confusable_homoglyphs import confusables

    for found in confusables.is_confusable(ch, preferred_aliases=["latin"], greedy=True) or []:
        for glyph in found.get("homoglyphs", []):
            if glyph["c"].isascii():
                return glyph["c"].casefold()
    return ch


def key_skeleton(key: str) -> str:
    """What a key looks like on screen: NFKC, case-folded, confusables mapped, invisibles dropped."""
    folded = unicodedata.normalize("NFKC", key).casefold()
    return "".join(_skeleton_char(ch) for ch in folded if unicodedata.category(ch) not in _INVISIBLE)


def _check_keys(path: str, keys: dict[str, int]) -> Iterator[Finding]:
    """Keys an author cannot tell apart: invisible characters, or look-alikes of another key."""
    seen: dict[str, str] = {}
    for key, line in keys.items():
        hidden = [ch for ch in key if unicodedata.category(ch) in _INVISIBLE]
        if hidden:
            yield _finding(path, line, "suspicious-key",
                           f"key {key!r} holds an invisible or control character ({_char_name(hidden[0])}); "
                           "retype the key")
        skeleton = key_skeleton(key) if not key.isascii() or hidden else key.casefold()
        other = seen.setdefault(skeleton, key)
        if other != key:
            odd = next((ch for ch in key + other if not ch.isascii() or unicodedata.category(ch) in _INVISIBLE),
                       "")
            detail = f": they differ in {_char_name(odd)}" if odd else ""
            yield _finding(path, line, "lookalike-key",
                           f"key {key!r} looks the same as {other!r} (line {keys[other]}){detail}; "
                           "rename one of them")


class _LocatingParser(Parser):
    """pybtex's parser, driven entry by entry so each entry keeps its line number."""

    def __init__(self, path: str) -> None:
        super().__init__(encoding="utf-8")
        self.path = path
        self.entries: dict[str, tuple[Entry, int]] = {}
        self.findings: list[Finding] = []
        self._folded_keys: dict[str, int] = {}
        self._line = 1
        # Each distinct name is read once: the same author on many entries is one Person (never changed after).
        self._people: dict[str, Person] = {}

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
                self.findings.append(_finding(self.path, self._line, "bibtex-syntax", "entry has no key"))
                continue
            self._add(command, key, fields)

    def _add(self, entry_type: str, key: str, fields: list[tuple[str, list[str]]]) -> None:
        first = self._folded_keys.get(key.casefold())
        if first is not None:
            self.findings.append(
                _finding(self.path, self._line, "duplicate-key",
                         f"duplicate key '{key}' (first defined on line {first}); this entry is ignored")
            )
            return
        entry = Entry(entry_type.lower())
        seen: set[str] = set()
        for name, parts in fields:
            lower = name.lower()
            if lower in seen:
                self.findings.append(
                    _finding(self.path, self._line, "duplicate-field",
                             f"entry '{key}' has the field '{name}' twice; the first is used")
                )
                continue
            seen.add(lower)
            value = " ".join("".join(parts).split())
            if lower in self.person_fields:
                try:
                    for person in _split_names(value):
                        entry.add_person(self._person(person), lower)
                except PybtexError as exc:
                    self.findings.append(_finding(self.path, self._line, "bibtex-syntax",
                                                  f"entry '{key}': cannot read {lower}: {exc}"))
            else:
                entry.fields[lower] = value
        self._folded_keys[key.casefold()] = self._line
        self.data.add_entry(key, entry)
        self.entries[key] = (entry, self._line)

    def _person(self, name: str) -> Person:
        known = self._people.get(name)
        if known is None:
            known = self._people[name] = Person(name)  # a PybtexError is raised again for every use of the name
        return known

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
            self.findings.append(_finding(self.path, line, "bibtex-syntax",
                                          f"BibTeX {error.error_type}{where}: {message}"))
        else:
            self.findings.append(_finding(self.path, self._line, "bibtex-syntax", str(error)))


def _split_names(value: str) -> list[str]:
    return [name for name in split_name_list(value) if name.strip()]


class _Names:
    """A parse's people as text, as Vancouver names and as "and others", each Person worked out once (the parser
    shares one Person among the entries naming it)."""

    def __init__(self) -> None:
        # by (what, id); the Person is kept with its answer, so its id is never reused meanwhile
        self._known: dict[tuple[Callable[[Person], object], int], tuple[Person, object]] = {}

    def _once(self, work: Callable[[Person], T], person: Person) -> T:
        known = self._known.get((work, id(person)))
        if known is None:
            known = self._known[(work, id(person))] = (person, work(person))
        return cast(T, known[1])

    def text(self, person: Person) -> str:
        return self._once(str, person)

    def vancouver(self, person: Person) -> str:
        return self._once(vancouver_name, person)

    def is_others(self, person: Person) -> bool:
        return self._once(is_others, person)


def _to_reference(key: str, entry: Entry, line: int, data: BibliographyData, names: _Names | None = None) -> Reference:
    names = names or _Names()
    fields: dict[str, str] = {}
    parent = None
    crossref = entry.fields.get("crossref", "").strip()
    if crossref:
        parent = data.entries.get(crossref)
    merged = dict(parent.fields) if parent is not None else {}
    merged.update(entry.fields)
    _url_from_howpublished(merged)
    for name, value in merged.items():
        fields[name.lower()] = value.strip() if name.lower() in RAW_FIELDS else latex_to_text(value)
    roles = dict(parent.persons) if parent is not None else {}
    roles.update(entry.persons)
    people = tuple((role.lower(), tuple(names.text(person) for person in persons))
                   for role, persons in roles.items() if persons)
    authors = tuple(names.vancouver(person) for person in roles.get("author", []) if not names.is_others(person))
    return Reference(key=key, entry_type=entry.type.lower(), line=line, fields=fields, authors=authors,
                     source=tuple(merged.items()), people=people)


def _url_from_howpublished(fields: dict[str, str]) -> None:
    """``howpublished = {\\url{…}}``, BibTeX's usual way to give a web address, is the entry's ``url``: the
    entry is a web source (``[Internet]``, ``[cited …]``, ``Available from:``) like one with a ``url`` field.
    Words around it that only announce it ("Available at", "Online") go; other words stay."""
    value = fields.get("howpublished", "")
    match = HOWPUBLISHED_URL_RE.search(value)
    if match is None:
        return
    url = fields.get("url", "").strip()
    if url and url != match["url"]:
        return  # two different addresses: both stay as written
    fields["url"] = match["url"]
    rest = (value[:match.start()] + value[match.end():]).strip(" \t:;,.")
    if not rest or URL_LEAD_IN_RE.fullmatch(rest):
        del fields["howpublished"]
    else:
        fields["howpublished"] = rest


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


def _finding(path: str, line: int, rule: str, message: str) -> Finding:
    return RULES[rule].finding(path, line, 1, message)
