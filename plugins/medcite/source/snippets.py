"""Files a page pulls in with pymdownx.snippets (``--8<-- "includes/red-flags/x.md"``).

The shared red-flag blocks live in such files, so the linter checks each included file once, as a
fragment (no front matter of its own), with findings at the included file's own lines: a typo in a
block's citation fails the build like a typo on a page. Engine-neutral: this reads Markdown only.

One resolver (:func:`resolve_include`) decides, for the linter, the MkDocs plugin and the Markdown
extension alike, which file an include line may read: the file pymdownx.snippets would pick, and
only if it is a regular file whose real path (symlinks resolved) is inside the base path. Anything
else (missing, a folder, a FIFO, a URL, absolute, ``../``, a symlink out of the project) is an
:class:`IncludeError` at the include line, and the file is never opened.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import MedciteError
from ..core.model import Finding, InputError, decode_utf8, read_regular_file
from ..core.rules import RULES
from .citations import mask_code

# Every line pymdownx.snippets acts on (its own notation, at any indentation, in code too: it runs
# before any other Markdown processing): an inline include, or a block marker opening or closing
# a list of paths, one a line. A leading ";" escapes the line.
SNIPPET_LINE_RE = re.compile(r"^[ \t]*+(?P<escape>;*)(?:(?P<marker>-{1,}8<-{1,})[ \t]++"
                             r"(?P<quoted>\"(?:\\\"|[^\"\n\r])+?\"|'(?:\\'|[^'\n\r])+?')(?![ \t])"
                             r"|(?P<block>-{1,}8<-{1,})(?![ \t]))\r?$")
RANGE_RE = re.compile(r"(?:(?::-?[0-9]*+){1,2}(?:,-?[0-9]*+(?::-?[0-9]*+)?)*+|:[A-Za-z][-_0-9A-Za-z]*+)$")
MAX_DEPTH = 20


class IncludeError(MedciteError):
    """An include line that may not be read; the message says why (without the location)."""


@dataclass(frozen=True)
class IncludeLine:
    """One file a page's text includes, where it is written (1-based line and column)."""

    line: int
    column: int
    name: str  # the path as written, without a line range or section
    in_code: bool  # inside fenced code or a code span: included as code, not linted as Markdown


def inline_include(line: str) -> str | None:
    """The name an inline include line (``--8<-- "name"``) names, as pymdownx.snippets reads it; else None."""
    match = SNIPPET_LINE_RE.match(line.rstrip("\r\n"))
    if match is None or match["escape"] or not match["quoted"]:
        return None
    name = match["quoted"][1:-1].strip()
    return RANGE_RE.sub("", name).strip() if not name.lower().startswith(("http://", "https://")) else name


def included_names(text: str, masked: str | None = None) -> list[str]:
    """Snippet names a page includes, outside code, in order, without line ranges or sections."""
    return [include.name for include in include_lines(text, masked) if not include.in_code]


def include_lines(text: str, masked: str | None = None) -> list[IncludeLine]:
    """Every include pymdownx.snippets would act on in ``text``, inline and block form, as it reads them
    (``masked``: the text's :func:`mask_code`, when the caller has it, as the page model does)."""
    masked = mask_code(text) if masked is None else masked
    found: list[IncludeLine] = []
    block = False
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        start, offset = offset, offset + len(line)
        body = line.rstrip("\r\n")
        in_code = masked[start:start + len(body)] != body
        match = SNIPPET_LINE_RE.match(body)
        if match:
            if match["escape"]:
                continue
            if match["block"]:
                block = not block
                continue
            if block:
                continue  # pymdownx ignores inline notation directly inside a block
            name = match["quoted"][1:-1].strip()
            column = match.start("quoted") + 2
        elif block:
            name = body.strip()
            column = len(body) - len(body.lstrip()) + 1
            if not name or name.startswith(";"):
                continue
        else:
            continue
        if name.startswith(";"):
            continue  # pymdownx.snippets' comment
        name = RANGE_RE.sub("", name).strip() if not name.lower().startswith(("http://", "https://")) else name
        found.append(IncludeLine(number, column, name, in_code))  # an empty name too: the build would stop on it
    return found


def base_paths(configured: object, config_dir: Path) -> list[Path]:
    """pymdownx.snippets' ``base_path`` (a path or a list of them), relative to the config file."""
    values: Iterable[object] = configured if isinstance(configured, list) else [configured]
    bases = [config_dir / value for value in values if isinstance(value, str) and value]
    return bases or [config_dir]


def _display(base: Path) -> str:
    """A base path as a reader knows it: relative to the folder the command runs in when inside it."""
    absolute = os.path.abspath(base)
    return os.path.relpath(absolute).replace(os.sep, "/") if _inside(absolute, os.getcwd()) else base.as_posix()


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def resolve_include(name: str, bases: Sequence[Path]) -> Path:
    """The file ``name`` includes: the one pymdownx.snippets would pick (the first base path under
    which it exists), refused unless it is a regular file really inside that base path."""
    if name.lower().startswith(("http://", "https://")):
        raise IncludeError(f"'{name}' is a URL; include files from the project only")
    if not name:
        raise IncludeError("names no file")
    if "\x00" in name:
        raise IncludeError(f"{name!r} holds a NUL character")
    shown = ", ".join(_display(base) for base in bases)
    for base in bases:
        folder = os.path.abspath(base)
        if os.path.isdir(folder):
            candidate = os.path.abspath(os.path.join(folder, name))
            if not _inside(candidate, folder):
                continue  # pymdownx.snippets' own rule (restrict_base_path)
        elif os.path.isfile(folder):  # a base that is a file includes only itself
            candidate = os.path.join(os.path.dirname(folder), name)
            if not (os.path.exists(candidate) and os.path.samefile(candidate, folder)):
                continue
            folder = os.path.dirname(folder)
        else:
            continue
        try:
            mode = os.stat(candidate).st_mode
        except OSError:
            continue  # missing, or a broken symlink: pymdownx.snippets looks in the next base
        if not _inside(os.path.realpath(candidate), os.path.realpath(folder)):
            raise IncludeError(f"'{name}' is a symlink to a file outside the base path {_display(base)}")
        if stat.S_ISDIR(mode):
            raise IncludeError(f"'{name}' is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise IncludeError(f"'{name}' is not a regular file")
        return Path(candidate)
    if os.path.isabs(name) or not any(_inside(os.path.abspath(os.path.join(b, name)), os.path.abspath(b))
                                      for b in bases):
        raise IncludeError(f"'{name}' is outside the base path ({shown}); include files under it only")
    raise IncludeError(f"'{name}' does not exist under the base path ({shown})")


def read_include(path: Path, shown: str) -> str:
    """The text of a file :func:`resolve_include` returned (never blocks: a FIFO swapped in fails)."""
    try:
        return decode_utf8(read_regular_file(path), shown)
    except OSError as exc:
        raise IncludeError(f"'{shown}' cannot be read: {exc.strerror or exc}") from None
    except InputError as exc:
        raise IncludeError(f"'{shown}': {exc.message}") from None


def source_problem(path: str | Path, root: str | Path) -> str | None:
    """Why a page (or any file under docs_dir) may not be read or published: a FIFO, device or
    folder, or a file inside the project folder ``root`` whose real path (symlinks resolved) is
    outside it; else None."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if (_inside(os.path.abspath(path), os.path.abspath(root))
            and not _inside(os.path.realpath(path), os.path.realpath(root))):
        return "a symlink leading outside the project"
    return None if stat.S_ISREG(mode) else "not a regular file"


def include_finding(path: str, include: IncludeLine, problem: str) -> Finding:
    return RULES["bad-include"].finding(path, include.line, include.column, f"include {problem}", text=include.name)


@dataclass
class IncludeScan:
    """What the pages include: each file once, and every include line that may not be read."""

    fragments: list[tuple[str, str]]  # (shown path, text) of files included outside code, to lint
    findings: list[Finding]


def scan_includes(documents: Sequence[tuple[str, str]], bases: Sequence[Path],
                  shown: Callable[[Path], str], handled: Callable[[str], bool] = lambda name: False,
                  lines_of: Callable[[str], list[IncludeLine]] = include_lines) -> IncludeScan:
    """Follow the include lines of ``documents`` ([(path, text)]) and of the files they include,
    as pymdownx.snippets would; refused lines become ``bad-include`` errors at their own line. Lines whose
    name ``handled`` claims (a red-flag block, which the extension makes from its data) are no files."""
    scan = IncludeScan([], [])
    if not bases:
        return scan
    seen: set[str] = {path for path, _ in documents}
    queue: list[tuple[str, str, int]] = [(path, text, 0) for path, text in documents]
    while queue:
        path, text, depth = queue.pop(0)
        for include in lines_of(text):
            if handled(include.name):
                continue
            try:
                target = resolve_include(include.name, bases)
            except IncludeError as exc:
                scan.findings.append(include_finding(path, include, str(exc)))
                continue
            name = shown(target)
            if name in seen or depth >= MAX_DEPTH:
                continue
            seen.add(name)
            try:
                fragment = read_include(target, name)
            except IncludeError as exc:
                scan.findings.append(include_finding(path, include, str(exc)))
                continue
            if not include.in_code:
                scan.fragments.append((name, fragment))
            queue.append((name, fragment, depth + 1))
    return scan


def include_problems(text: str, bases: Sequence[Path], depth: int = 0, seen: frozenset[str] = frozenset(),
                     lines_of: Callable[[str], list[IncludeLine]] = include_lines) -> Iterator[tuple[IncludeLine, str]]:
    """The include lines of ``text`` that may not be read, or that include (at any depth) a file
    that may not be: each with the reason. For the Markdown extension, which sees one page."""
    for include in lines_of(text):
        try:
            target = resolve_include(include.name, bases)
            key = os.path.realpath(target)
            if key in seen or depth >= MAX_DEPTH:
                continue
            nested = next(include_problems(read_include(target, include.name), bases, depth + 1, seen | {key},
                                           lines_of), None)
        except IncludeError as exc:
            yield include, str(exc)
            continue
        if nested is not None:
            yield include, f"'{include.name}' line {nested[0].line}: {nested[1]}"


def appended_problems(names: Iterable[object], bases: Sequence[Path]) -> list[tuple[str, str]]:
    """pymdownx.snippets' ``auto_append`` files (added to every page) that may not be read, each with the reason."""
    found = []
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        problem = next(include_problems(f'--8<-- "{name.strip()}"', bases), None)
        if problem is not None:
            found.append((name, problem[1]))
    return found


def config_line(config_text: str, needle: str) -> int:
    """The first line of a config file that holds ``needle`` (0 if none), to locate a finding."""
    return next((number for number, text in enumerate(config_text.splitlines(), start=1) if needle in text), 0)


def resolve_includes(texts: Sequence[str], bases: Sequence[Path],
                     lines_of: Callable[[str], list[IncludeLine]] = include_lines) -> list[Path]:
    """Every distinct file the pages include outside code that may be read (first base wins)."""
    found: dict[Path, None] = {}
    for text in texts:
        for include in lines_of(text):
            if include.in_code:
                continue
            try:
                found.setdefault(resolve_include(include.name, bases).resolve(), None)
            except IncludeError:
                continue
    return list(found)
