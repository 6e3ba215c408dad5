"""Citation syntax: what counts, where it is found, what is malformed."""

from __future__ import annotations

import pytest

from medcite.citations import find_citations, mask_code, parse_citation
from medcite.model import CiteItem


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
        ("@a; see @b", [CiteItem("a")], "cannot read citation item 'see @b'"),
        ("@a b", [], "cannot read citation item '@a b'"),
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
