r"""Code spans found as Python-Markdown (3.6 and later) finds them, for the linter's mask.

Python-Markdown's ``BacktickInlineProcessor`` opens a span at the first backtick of a run that is
not after a backslash (after ``\``` the *second* backtick opens), takes the rest of that run as
the opening, and closes at the next run of exactly that length; failing that, at the longest later
run if it is shorter than the opening (the extra opening backticks become content); failing that,
the run is text and the search goes on after it. It does this within one block, so a span never
crosses a blank line. The same matches are computed here from the list of maximal backtick runs,
in linear time (Markdown's own scan restarts from every unpaired run).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of non-blank lines."""
    start, offset = None, 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            if start is None:
                start = offset
        elif start is not None:
            yield start, offset
            start = None
        offset += len(line)
    if start is not None:
        yield start, offset


def _runs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Maximal backtick runs (start, length) in text[start:end]."""
    runs = []
    index = text.find("`", start, end)
    while index != -1:
        stop = index
        while stop < end and text[stop] == "`":
            stop += 1
        runs.append((index, stop - index))
        index = text.find("`", stop, end)
    return runs


def code_spans(text: str, source: str | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) of every code span, backticks included. ``text`` has escaped backslashes blanked
    (as Python-Markdown's backslash-pair rule leaves them), so a backslash left before a backtick escapes
    it; blocks are read from ``source`` (the text as written, same length), where blank lines are real."""
    for block_start, block_end in _blocks(text if source is None else source):
        runs = _runs(text, block_start, block_end)
        starts_by_length: dict[int, list[int]] = {}
        for run_start, length in runs:
            starts_by_length.setdefault(length, []).append(run_start)
        # longest[j]: the longest run among runs[j:], the first one of that length (Markdown's fallback)
        longest: list[tuple[int, int]] = [(0, -1)] * (len(runs) + 1)
        for j in range(len(runs) - 1, -1, -1):
            longest[j] = (runs[j][1], runs[j][0]) if runs[j][1] >= longest[j + 1][0] else longest[j + 1]
        position = block_start  # where the search resumes
        for j, (run_start, length) in enumerate(runs):
            if run_start + length <= position:
                continue
            opener = next((p for p in range(max(run_start, position), run_start + length)
                           if p == block_start or text[p - 1] != "\\"), None)
            if opener is None:
                continue
            ticks, after = run_start + length - opener, run_start + length
            closings = starts_by_length.get(ticks, [])
            at = bisect_left(closings, after)
            if at < len(closings):
                end = closings[at] + ticks
            elif 0 < longest[j + 1][0] < ticks:
                end = longest[j + 1][1] + longest[j + 1][0]
            else:
                position = after  # unpaired: the run is text
                continue
            yield opener, end
            position = end
