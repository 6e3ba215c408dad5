"""Markdown -> sentences with true positions; segmentation; exemptions."""

from __future__ import annotations

import pytest

from medcite.source.prose import parse_document

DOC = """---
title: X
---
# Heading is skipped

First sentence, e.g. with approx. 2.5 mg here [@a]. Smith et al. found 3.5% fewer falls vs. placebo.
Second line of the same paragraph.

- A list item [@b].
- lower-case continuation

!!! danger "Title is skipped"

    Inside an admonition sentence.

```
Code is skipped.
```

![An image alt is skipped](x.svg)

[A link-only line](x.md)

| Cell one text. | Cell two text. |
| --- | --- |
"""


def test_sentences_positions_and_citations() -> None:
    doc = parse_document(DOC)
    got = [(s.line, s.column, s.text, s.cited) for _, s in doc.sentences()]
    assert got == [
        (6, 1, "First sentence, e.g. with approx. 2.5 mg here.", True),
        (6, 53, "Smith et al. found 3.5% fewer falls vs. placebo.", False),
        (7, 1, "Second line of the same paragraph.", False),
        (9, 3, "A list item.", True),
        (10, 3, "lower-case continuation", False),
        (14, 5, "Inside an admonition sentence.", False),
        (24, 3, "Cell one text.", False),
        (24, 20, "Cell two text.", False),
    ]


@pytest.mark.parametrize(
    ("source", "scope", "reason", "exempt_texts"),
    [
        ("Claim one. Claim two. <!-- no-cite: a quoted title -->\n", "sentence", "a quoted title", ["Claim two."]),
        ("<!-- no-cite: editors' definitions -->\n- One.\n- Two.\n\nThree.\n", "block", "editors' definitions",
         ["One.", "Two."]),
        ("<!-- no-cite -->\nOne.\n", "block", "", ["One."]),
    ],
)
def test_exemptions(source: str, scope: str, reason: str, exempt_texts: list[str]) -> None:
    doc = parse_document(source)
    assert [(e.scope, e.reason) for e in doc.exemptions] == [(scope, reason)]
    exempt = [s.text for b, s in doc.sentences() if s.exemption or b.exemption]
    assert exempt == exempt_texts
