"""The red-flag boxes on every engine: a Python-Markdown preprocessor that replaces each include line
naming a block of the red-flag data (``--8<-- "includes/red-flags/cancer.md"``) by the box made from
the data, before pymdownx.snippets would look for a file. No box is ever written by hand.

A data file that cannot be read, or a block the data does not have, shows a visible warning box in
place of the signs (citation-lint reports the same problem with file and line); the build goes on.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from markdown import Markdown
from markdown.preprocessors import Preprocessor

from ..core.model import InputError
from ..source.redflags import RedFlags, load_red_flags, missing_block, render_block
from ..source.snippets import inline_include
from .context import find_context

log = logging.getLogger("medcite")
_loaded: dict[tuple[str, int, int], RedFlags | str] = {}  # (path, mtime, size) -> data or the problem
_reported: set[str] = set()


def red_flags_at(path: str, shown: str) -> RedFlags | str:
    """The data at ``path`` (read once per version of the file), or why it cannot be used."""
    try:
        stat = os.stat(path)
    except OSError:
        return f"{shown}: red-flag data file not found"
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _loaded:
        try:
            _loaded[key] = load_red_flags(path, shown)
        except InputError as exc:
            _loaded[key] = str(exc)
    return _loaded[key]


class RedFlagPreprocessor(Preprocessor):
    """Include lines of red-flag blocks -> the blocks' Markdown."""

    def __init__(self, md: Markdown, option: Any) -> None:
        super().__init__(md)
        self.option = option  # a callable giving the data file option (the extension's config)

    def run(self, lines: list[str]) -> list[str]:
        option = str(self.option() or "")
        if not option or not any("8<-" in line for line in lines):
            return lines
        context = find_context(self.md)
        base = context.site.root_dir if context is not None else os.getcwd()
        path = os.path.join(base, os.path.expanduser(option))
        data = red_flags_at(path, os.path.relpath(path, base).replace(os.sep, "/"))
        out: list[str] = []
        for line in lines:
            name = inline_include(line)
            block = self._block(data, name) if name is not None else None
            if block is None:
                out.append(line)
                continue
            lead = line[: len(line) - len(line.lstrip())]
            out.extend(lead + text if text else "" for text in block.split("\n"))
        return out

    def _block(self, data: RedFlags | str, name: str) -> str | None:
        if isinstance(data, str):
            if "red-flag" not in name:  # not ours to judge: leave it to pymdownx.snippets
                return None
            if data not in _reported:
                _reported.add(data)
                log.error("medcite: %s", data)
            return missing_block(name, data)
        block = data.block_name(name)
        if block is None:
            return None
        if block not in data.blocks:
            return missing_block(name, f"{data.path} has no block '{block}'")
        return render_block(data, block)
