"""Citation syntax: what counts, where it is found, what is malformed."""

from __future__ import annotations

import pytest

from medcite.core.model import CiteItem
from medcite.source.citations import find_citations, mask_code, parse_citation

from .conftest import assert_linear


@pytest.mark.parametrize(
    ("body", "items", "problem"),
    [
        ("@a", [CiteItem("a")], None),
        ("@a; @b", [CiteItem("a"), CiteItem("b")], None),
        ("@a, p. 12", [CiteItem("a", "p. 12")], None),
        (" @a ;@b, pp. 3-4 ", [CiteItem("a"), CiteItem("b", "pp. 3-4")], None),
        ("@doi:10.1136/bmj.h1225", [CiteItem("doi:10.1136/bmj.h1225")], None),
        ("@doi:10.1016/S0140-6736(18)30480-X", [CiteItem("doi:10.1016/S0140-6736(18)30480-X")], None),
        ("@pmid:25828856", [CiteItem("pmid:25828856")], None),
        ("@", [], "no key after '@'"),
        ("@a;;", [CiteItem("a")], "empty item 2"),
        # pandoc's forms: a prefix, a suppressed author, brackets and escapes in a locator
        ("@a; see @b", [CiteItem("a"), CiteItem("b", prefix="see")], None),
        ("see @a, p. 3; also @b", [CiteItem("a", "p. 3", "see"), CiteItem("b", prefix="also")], None),
        ("-@a", [CiteItem("a", suppress_author=True)], None),
        ("see -@a, ch. 2", [CiteItem("a", "ch. 2", "see", True)], None),
        ("@a, p. 3 [fig. 2]", [CiteItem("a", "p. 3 [fig. 2]")], None),
        ("@a, `x; y`; @b", [CiteItem("a", "`x; y`"), CiteItem("b")], None),
        ("@a, p. 3\\; 4", [CiteItem("a", "p. 3\\; 4")], None),
        ("see only words", [], "cannot read citation item 'see only words'"),
        ("mail a@b", [], "cannot read citation item 'mail a@b'"),
        # a suffix without a comma is pandoc's too: its locator ("[@a p. 33]", in pandoc's own tests)
        ("@a p. 33", [CiteItem("a", "p. 33")], None),
        ("see @a chap. 3", [CiteItem("a", "chap. 3", "see")], None),
        ("-@a p. 44", [CiteItem("a", "p. 44", suppress_author=True)], None),
        ("@a b", [CiteItem("a", "b")], None),
        ("@a; @b p. 3", [CiteItem("a"), CiteItem("b", "p. 3")], None),
        # a key ends as pandoc's does: a final mark is the suffix, written against the number
        ("@key.", [CiteItem("key", ".", attached=True)], None),
        ("@key.; @b", [CiteItem("key", ".", attached=True), CiteItem("b")], None),
        ("@a's", [CiteItem("a", "'s", attached=True)], None),
        ("@key.x", [CiteItem("key.x")], None),
        ("@a.b, p. 3", [CiteItem("a.b", "p. 3")], None),
        ("@a--b", [CiteItem("a", "--b", attached=True)], None),
        ("@https://x.org/a", [CiteItem("https://x.org/a")], None),
        # braced keys: any marks but no space, braces balanced
        ("@{weird}", [CiteItem("weird")], None),
        ("@{a;b}; @c", [CiteItem("a;b"), CiteItem("c")], None),
        ("@{https://ex.org/a?b=c&d}, p. 3", [CiteItem("https://ex.org/a?b=c&d", "p. 3")], None),
        ("see -@{a{b}c}.", [CiteItem("a{b}c", ".", "see", True, True)], None),
        ("@{weird key}", [], "a key in braces holds no space"),
        ("@{}", [], "no key in '@{}'"),
        # a second key in one item would be lost: reported
        ("@a @b", [], "separate two sources with ';'"),
        ("@a, see @b", [], "separate two sources with ';'"),
        ("@a, ", [], "cannot read citation item '@a,'"),
    ],
)
def test_parse_citation(body: str, items: list[CiteItem], problem: str | None) -> None:
    got_items, got_problem = parse_citation(body)
    assert list(got_items) == items
    if problem is None:
        assert got_problem is None
    else:
        assert got_problem is not None and problem in got_problem


SOURCE = """---
title: About [@front]
---
# Heading [@h1]

Text [@a] and `[@span]` and ``x [@span2] x`` and \\[@literal] and [link](x) and [@l](url).
A second line [@b; @c, p. 2] <!-- [@comment] -->

```python
code = "[@fenced]"
```

!!! note
    Inside an admonition [@adm].

    ~~~
    [@indented-fence]
    ~~~

Email [me@example.org] and [@] end.
"""


def test_find_citations_positions_and_skips() -> None:
    found = [(c.raw, c.line, c.column) for c in find_citations(SOURCE)]
    assert found == [
        ("[@h1]", 4, 11),
        ("[@a]", 6, 6),
        ("[@b; @c, p. 2]", 7, 15),
        ("[@adm]", 14, 26),
        ("[@]", 20, 28),
    ]


def test_mask_keeps_offsets_and_lines() -> None:
    masked = mask_code(SOURCE)
    assert len(masked) == len(SOURCE)
    assert masked.count("\n") == SOURCE.count("\n")
    assert "[@fenced]" not in masked and "[@span]" not in masked and "[@front]" not in masked


def test_unclosed_fence_masks_to_the_end() -> None:
    assert find_citations("A [@a]\n```\n[@b]\n") [0].raw == "[@a]"
    assert len(find_citations("A [@a]\n```\n[@b]\n")) == 1


def test_citation_before_a_colon_is_still_a_citation() -> None:
    assert [c.raw for c in find_citations("Signs of an emergency [@gardner2011cauda]:\n\n- numbness\n")] == [
        "[@gardner2011cauda]"
    ]


@pytest.mark.parametrize(
    ("unit", "count"),
    [("[", 20000), ("[@a ", 20000), ("[see [x] ", 10000), ("[@a, \\", 15000), ("@a ", 30000), ("[ a@b ", 15000),
     ("`[@a ", 15000), ("[@a, [b [c ", 8000), ("[x] " * 50 + "\n", 400),
     ("@{", 20000), ("[@{a", 10000), ("[@{{{{", 10000)],
)
def test_patterns_stay_linear_on_long_repetitive_input(unit: str, count: int) -> None:
    """Citation, unclosed-citation, bare-key and code-span scanning on hostile repetition (linear time)."""

    from medcite.source.barekeys import find_bare_keys

    def scan(k: int) -> None:
        text = unit * (count // 4 * k)
        masked = mask_code(text)
        found = find_citations(text, masked)
        list(find_bare_keys(masked, found, lambda key: True))
        parse_citation(text[:5000 * k])

    assert_linear(scan)
