"""Plain data shared by every part of the core."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import MedciteError

Severity = Literal["error", "warning", "advice"]
# Most serious first: errors fail `citation-lint` and `mkdocs build --strict`; warnings and
# advice never do (advice is about the sources' age and strength, not a missing citation).
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "advice")
Category = Literal["bibliography", "citation", "claim", "metadata", "readability"]


class InputError(MedciteError):
    """A file that cannot be used at all; the message names the file and line."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


def decode_utf8(data: bytes, path: str) -> str:
    """Text files (pages and bibliographies) must be UTF-8; a byte-order mark is allowed.

    Windows (CRLF) and old Mac (CR) line endings become LF, as when MkDocs reads a page in text
    mode, so the linter and the build see the same lines.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, line, f"byte 0x{data[exc.start]:02x} is not valid UTF-8; save the file as UTF-8") \
            from None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def read_regular_file(path: str | Path) -> bytes:
    """The bytes of a regular file; a FIFO, device or folder raises OSError instead of blocking.

    Opened non-blocking, so naming a FIFO fails at once rather than waiting for a writer.
    Raises FileNotFoundError, or OSError with ``strerror`` set for every other problem.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(0, "not a regular file")
        return handle.read()


def read_json_file(path: Path, missing: str, unreadable: str, invalid: str) -> object:
    """Parsed JSON from a file a user names; every failure is an :class:`InputError` saying why.

    ``missing`` is the whole message for a file that is not there; ``unreadable`` and ``invalid``
    are followed by the reason (the system's, or the JSON parser's with its line).
    """
    shown = path.as_posix()
    try:
        return json.loads(read_regular_file(path).decode("utf-8"))  # a FIFO fails, never blocks
    except FileNotFoundError:
        raise InputError(shown, 0, missing) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(shown, 0, f"{unreadable}: {getattr(exc, 'strerror', None) or exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(shown, exc.lineno, f"{invalid}: {exc.msg}") from None


@dataclass(frozen=True)
class Finding:
    """One problem, located in a source file (1-based line and column)."""

    path: str
    line: int
    column: int
    rule: str
    severity: Severity
    category: Category
    message: str
    claim_kind: str | None = None
    text: str | None = None  # the words the finding is about: a sentence, a paragraph or a source key
    related: tuple[str, ...] = ()  # other places it covers, as "path:line:column"

    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def as_text(self) -> str:
        """The one-line form shared by ``citation-lint`` and the build log."""
        return f"{self.location()}: {self.severity}: {self.message} [{self.rule}]"


@dataclass(frozen=True)
class CiteItem:
    """One ``@key`` inside a citation: ``[see -@key, p. 12]`` has the prefix ``see``, the locator ``p. 12``
    and a suppressed author (which a numeric style has no author to suppress from)."""

    key: str
    locator: str = ""
    prefix: str = ""
    suppress_author: bool = False
    attached: bool = False  # the suffix was written against the key ("[@key.]"): shown against the number


@dataclass(frozen=True)
class Citation:
    """A bracketed citation found in Markdown: ``[@a; @b, p. 3]``.

    ``start``/``end`` are offsets into the text it was found in; ``line``/``column``
    are 1-based positions in the Markdown source (set by the source scanner).
    ``problem`` is set when the brackets look like a citation but are malformed.
    """

    raw: str
    items: tuple[CiteItem, ...]
    start: int
    end: int
    line: int = 0
    column: int = 0
    problem: str | None = None


@dataclass(frozen=True, eq=False)
class Reference:
    """One bibliography entry, with fields already LaTeX-decoded to plain Unicode."""

    key: str
    entry_type: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    authors: tuple[str, ...] = ()
    # The entry as written (crossref parent merged in), for the formatting style. Plain strings
    # rather than pybtex objects: a 5,000-entry bibliography stays small in memory and on disk.
    source: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    people: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(), repr=False)

    @property
    def evidence(self) -> str:
        return self.fields.get("evidence", "").strip().lower()

    @property
    def year(self) -> int | None:
        """The year of ``year``, else of a biblatex ``date`` (``2021-05-14``)."""
        digits = "".join(ch for ch in self.year_text[:4] if ch.isdigit())
        return int(digits) if len(digits) == 4 else None

    @property
    def year_text(self) -> str:
        return self.fields.get("year", "").strip() or self.fields.get("date", "").strip()[:4]

    @property
    def sort_key(self) -> tuple[str, str, str]:
        first = self.authors[0] if self.authors else self.fields.get("title", "")
        return (first.casefold(), self.year_text, self.key.casefold())
