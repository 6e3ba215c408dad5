"""Files a page pulls in with pymdownx.snippets (``--8<-- "includes/red-flags/x.md"``).

The shared red-flag blocks live in such files, so the linter checks each included file once, as a
fragment (no front matter of its own), with findings at the included file's own lines: a typo in a
block's citation fails the build like a typo on a page. Engine-neutral: this reads Markdown only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .citations import mask_code

# The single-line form; ";--8<--" is an escaped (literal) include. Quoted path, optionally with a
# ":start:end" line range or a ":section" name after it.
INCLUDE_RE = re.compile(r"^[ \t]{0,3}+-{1,}8<-{1,}[ \t]++(?P<quote>[\"'])(?P<name>[^\"'\n]++)(?P=quote)[ \t]*+$",
                        re.MULTILINE)
SUFFIX_RE = re.compile(r"(\.[A-Za-z0-9]{1,8}):[\w:-]*+$")


def included_names(text: str, masked: str | None = None) -> list[str]:
    """Snippet names a page includes, outside code, in order, without line ranges or sections."""
    masked = mask_code(text) if masked is None else masked
    return [SUFFIX_RE.sub(r"\1", match["name"].strip()) for match in INCLUDE_RE.finditer(masked)]


def base_paths(configured: object, config_dir: Path) -> list[Path]:
    """pymdownx.snippets' ``base_path`` (a path or a list of them), relative to the config file."""
    values: Iterable[object] = configured if isinstance(configured, list) else [configured]
    bases = [config_dir / value for value in values if isinstance(value, str) and value]
    return bases or [config_dir]


def resolve_includes(texts: Sequence[str], bases: Sequence[Path],
                     names: Callable[[str], list[str]] = included_names) -> list[Path]:
    """Every distinct file the pages include that exists under a base path (first base wins)."""
    found: dict[Path, None] = {}
    for text in texts:
        for name in names(text):
            for base in bases:
                candidate = (base / name).resolve()
                if candidate.is_file():
                    found.setdefault(candidate, None)
                    break
    return list(found)
