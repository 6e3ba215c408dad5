"""The linter's code spans are Python-Markdown's: compared with its own BACKTICK_RE, searched the way its
inline processor searches (leftmost match, matched text replaced by a placeholder)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.inlinepatterns import BACKTICK_RE, BacktickInlineProcessor

from medcite.source.citations import ESCAPED_BACKSLASH_RE
from medcite.source.codespans import code_spans

from .conftest import assert_linear

PROCESSOR = BacktickInlineProcessor(BACKTICK_RE)


def markdown_spans(block: str) -> list[tuple[int, int]]:
    """Python-Markdown's own search: its pattern, its find_code_spans, matched text replaced by a placeholder."""
    pattern = PROCESSOR.getCompiledRegExp()
    spans, position, work = [], 0, block
    while (match := pattern.search(work, position)) is not None:
        if match.group(1):  # escaped backslashes before a backtick
            end = match.end()
        else:
            start, close = PROCESSOR.find_code_spans(match.start(), work)
            if close is None:
                position = start
                continue
            end = close + (start - match.start())
            spans.append((match.start(), end))
        work = work[:match.start()] + "\x00" * (end - match.start()) + work[end:]
        position = end
    return spans


def ours(block: str) -> list[tuple[int, int]]:
    return list(code_spans(ESCAPED_BACKSLASH_RE.sub("  ", block), block))


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.text(alphabet="`\\a \n", max_size=40).filter(lambda s: all(line.strip() for line in s.split("\n"))))
def test_same_spans_as_python_markdown(block: str) -> None:
    assert ours(block) == markdown_spans(block)


def test_known_cases() -> None:
    text = "\\``[@a]`` [@b] `[@c]`"
    assert ours(text) == markdown_spans(text) == [(2, 16)]  # "`[@a]`` [@b] `" is code, [@c] is not
    assert ours("a `b` c ``d ` e`` f") == [(2, 5), (8, 17)]
    assert ours("a \\`b` c") == []  # escaped, and the closing backtick has no partner
    assert list(code_spans("`a\n\nb`")) == []  # a span never crosses a blank line


@pytest.mark.parametrize(("unit", "count"), [("` a ", 50000), ("`", 100000), ("`a``", 30000), ("\\`", 50000)])
def test_linear_time_on_unpaired_backticks(unit: str, count: int) -> None:
    assert_linear(lambda k: list(code_spans(unit * (count // 4 * k))))
