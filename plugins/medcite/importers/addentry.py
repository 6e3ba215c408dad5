"""Turn imported records (:mod:`medcite.importers.records`) into BibTeX entries and append them to the
bibliography: a stable key, validated identifiers, an evidence level from the publication type, and
a refusal when the DOI or PMID is already there. Used by ``citation-lint add``.

The file is only replaced once the new text parses with pybtex and the new entries read back
unchanged; nothing is written on any refusal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..bib.bibliography import Bibliography, parse_bibliography
from ..core import identifiers as ids
from ..core.errors import MedciteError
from .records import Draft

try:
    import fcntl
except ImportError:  # pragma: no cover (Windows)
    fcntl = None  # type: ignore[assignment]

EVIDENCE_BY_TYPE = (  # first match wins: the strongest design named in the record
    ("practice guideline", "guideline"),
    ("guideline", "guideline"),
    ("systematic review", "systematic-review"),
    ("meta-analysis", "systematic-review"),
    ("randomized controlled trial", "rct"),
    ("review", "review"),
)
KEY_SKIP_WORDS = frozenset({"a", "an", "the"})
FIELD_ORDER = ("title", "booktitle", "journal", "shortjournal", "edition", "address", "publisher", "institution",
               "organization", "year", "month", "volume", "number", "pages", "doi", "pmid", "pmcid", "url",
               "urldate", "evidence")
VERBATIM = frozenset({"doi", "pmid", "pmcid", "url", "urldate", "year", "month", "evidence"})
# What the loader's LaTeX reader would otherwise change; each form reads back as the character itself.
# Braces cannot: BibTeX counts every brace, escaped or not, so a record holding one is refused.
LATEX_SPECIALS = {"\\": r"{\textbackslash}", "%": r"\%", "&": r"\&", "~": r"{\textasciitilde}"}


class AddError(MedciteError):
    """A record that must not be added; the message says why (and names an existing entry)."""


@dataclass(frozen=True)
class NewEntry:
    key: str
    text: str  # the BibTeX, with its comment line
    evidence_source: str  # "publication type", "--evidence", "asked", or "" (left for the editor)


def evidence_for(draft: Draft) -> str:
    types = [kind.strip().lower() for kind in draft.publication_types]
    for name, level in EVIDENCE_BY_TYPE:
        if name in types:
            return level
    return ""


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def make_key(draft: Draft, taken: set[str]) -> str:
    """``surname + year + first title word`` (``chou2007diagnosis``), made unique with b, c, …"""
    people = draft.authors or draft.editors
    if people and people[0][1]:
        who = _ascii_word(people[0][0])
    elif people:  # a group: the initials of its words ("World Health Organization" -> who)
        who = "".join(_ascii_word(word)[:1] for word in people[0][0].split() if word[:1].isupper())
    else:
        who = ""
    words = [_ascii_word(word) for word in draft.fields.get("title", "").split()]
    words = [word for word in words if word and word not in KEY_SKIP_WORDS]
    base = (who or "anon") + draft.fields.get("year", "") + (words[0] if words else "")
    folded = {key.casefold() for key in taken}
    key, suffix = base, ord("b")
    while key.casefold() in folded:
        key, suffix = base + chr(suffix), suffix + 1
    return key


def latex_escape(text: str) -> str:
    return "".join(LATEX_SPECIALS.get(ch, ch) for ch in text)


AND_RE = re.compile(r"\sand\s", re.IGNORECASE)  # where BibTeX splits a list of names


def _name_part(text: str) -> str:
    """A part of a name; braced if it holds " and ", which BibTeX would read as two people."""
    escaped = latex_escape(text)
    return "{" + escaped + "}" if AND_RE.search(escaped) else escaped


def _bibtex_name(family: str, given: str) -> str:
    if not given:
        return "{" + latex_escape(family) + "}"  # an organisation: one name, never split
    return f"{_name_part(family)}, {_name_part(given)}"


def validate(draft: Draft) -> None:
    doi, pmid, pmcid, url = (draft.fields.get(name, "") for name in ("doi", "pmid", "pmcid", "url"))
    if doi:
        doi = draft.fields["doi"] = ids.normalize_doi(doi)
        if not ids.is_doi(doi) or any(ch in doi for ch in "{}\"'<>"):
            raise AddError(f"the DOI '{doi}' does not look like 10.NNNN/suffix; check the record")
    if pmid and not ids.is_pmid(pmid):
        raise AddError(f"the PMID '{pmid}' is not digits only; check the record")
    if pmcid and not ids.is_pmcid(pmcid):
        raise AddError(f"the PMCID '{pmcid}' should be PMC followed by digits; check the record")
    if url and (not ids.is_web_url(url) or any(ch in url for ch in "{}")):
        raise AddError(f"the URL '{url}' is not an http(s) address; check the record")
    if not draft.fields.get("title"):
        raise AddError("the record has no title")
    people = [name for person in draft.authors + draft.editors for name in person]
    for name, value in [*draft.fields.items(), *(("author or editor", name) for name in people)]:
        if "{" in value or "}" in value:
            raise AddError(f"the {name} '{value}' holds a brace, which BibTeX cannot keep as text; edit the record")
        hidden = ids.HIDDEN_CHAR_RE.search(value)
        if hidden:
            raise AddError(f"the {name} holds U+{ord(hidden.group()):04X}, a control or bidirectional character that "
                           "hides or reorders what readers see; edit the record")


def refuse_duplicates(draft: Draft, bib: Bibliography, shown: str) -> None:
    doi = draft.fields.get("doi", "")
    existing = bib.by_doi.get(ids.normalize_doi(doi).casefold()) if doi else None
    if existing is not None:
        raise AddError(f"DOI {doi} is already in {shown} as '{existing.key}' (line {existing.line})")
    pmid = draft.fields.get("pmid", "")
    existing = bib.by_pmid.get(pmid) if pmid else None
    if existing is not None:
        raise AddError(f"PMID {pmid} is already in {shown} as '{existing.key}' (line {existing.line})")


def to_bibtex(draft: Draft, key: str, today: dt.date) -> str:
    lines = [f"% imported by citation-lint add from a {draft.origin} record on {today.isoformat()}; "
             "not yet checked against the source's own page",
             f"@{draft.entry_type}{{{key},"]
    people = [("author", draft.authors), ("editor", draft.editors)]
    values = [(role, " and ".join(_bibtex_name(*person) for person in names)) for role, names in people if names]
    ordered = sorted(draft.fields, key=lambda name: FIELD_ORDER.index(name) if name in FIELD_ORDER else 99)
    values += [(name, draft.fields[name] if name in VERBATIM else latex_escape(draft.fields[name]))
               for name in ordered]
    width = max(len(name) for name, _ in values)
    lines += [f"  {name.ljust(width)} = {{{value}}}," for name, value in values]
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join([*lines, "}"]) + "\n"


def add_entries(drafts: list[Draft], bib: Bibliography, text: str, shown: str, evidence: str = "",
                ask: Callable[[Draft], str] | None = None, today: dt.date | None = None,
                key: str = "") -> tuple[str, list[NewEntry]]:
    """The new bibliography text and the entries added; raises :class:`AddError` without side effects."""
    taken = set(bib.references)
    seen = Bibliography(shown, dict(bib.references))
    added: list[NewEntry] = []
    for draft in drafts:
        validate(draft)
        refuse_duplicates(draft, seen, shown)
        source = "publication type"
        level = evidence_for(draft)
        if not level and evidence:
            level, source = evidence, "--evidence"
        if not level and ask is not None:
            level, source = ask(draft).strip().lower(), "asked"
        if level:
            draft.fields["evidence"] = level
        else:
            source = ""
        if key and len(drafts) == 1:
            if key.casefold() in {k.casefold() for k in taken}:
                raise AddError(f"the key '{key}' is already in {shown}")
            new_key = key
        else:
            new_key = make_key(draft, taken)
        taken.add(new_key)
        added.append(NewEntry(new_key, to_bibtex(draft, new_key, today or dt.date.today()), source))
        probe, _ = parse_bibliography(added[-1].text, shown)  # later drafts must not repeat this one
        seen = Bibliography(shown, {**seen.references, **probe.references})
    new_text = text + ("" if not text or text.endswith("\n") else "\n") + "".join("\n" + e.text for e in added)
    parsed, findings = parse_bibliography(new_text, shown)
    problems = [f.message for f in findings if f.severity == "error" and f.rule in ("bibtex-syntax", "duplicate-key")]
    old_problems = [f.message for f in parse_bibliography(text, shown)[1]
                    if f.severity == "error" and f.rule in ("bibtex-syntax", "duplicate-key")]
    if len(problems) > len(old_problems) or any(e.key not in parsed.references for e in added):
        raise AddError("the new entry would not parse as BibTeX: " + "; ".join(problems[len(old_problems):]))
    for entry, draft in zip(added, drafts, strict=True):  # the names read back as the record gave them
        people = dict(parsed.references[entry.key].people)
        for role, names in (("author", draft.authors), ("editor", draft.editors)):
            if len(people.get(role, ())) != len(names):
                raise AddError(f"'{entry.key}': the record has {len(names)} {role}(s) but BibTeX would read "
                               f"{len(people.get(role, ()))}; check the names")
    return new_text, added


class LockError(MedciteError):
    """The lock file beside the bibliography cannot be made (a folder we cannot write)."""


@contextlib.contextmanager
def locked(path: Path, required: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on the bibliography's lock file (``.NAME.lock`` beside it) while the
    bibliography is read, changed and replaced: two ``add`` runs at once take turns, and the second
    reads what the first wrote, so neither entry is lost. (The bibliography itself cannot carry the
    lock: replacing it makes a new file that a third run would lock separately.)"""
    if fcntl is None:  # no POSIX locks (Windows): one run at a time is the user's to ensure
        yield
        return
    lock = path.with_name(f".{path.name}.lock")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as exc:
        if required:
            raise LockError(f"{lock}: cannot lock the bibliography: {exc.strerror or exc}") from None
        yield  # only reading (--dry-run): nothing to protect
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
