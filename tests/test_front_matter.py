"""The one front-matter grammar (:func:`medcite.source.metadata.read_front_matter`) against MkDocs' own.

The differential test feeds each page, as bytes in a file, to MkDocs and ProperDocs exactly as they read a page
(``File.content_string``, then ``utils.meta.get_data``) and to ours as the linter reads a page (``decode_utf8``,
then ``read_front_matter``), and asserts the same split: the same content after the front matter, and the same
data. Then what the linter says about a block MkDocs does not take as front matter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mkdocs.structure.files import File as MkDocsFile
from mkdocs.utils.meta import get_data as mkdocs_get_data
from properdocs.structure.files import File as ProperDocsFile
from properdocs.utils.meta import get_data as properdocs_get_data

from medcite.bib.bibliography import parse_bibliography
from medcite.core.model import decode_utf8
from medcite.lint.checks import LintOptions, check_document
from medcite.source.citations import mask_code
from medcite.source.metadata import FrontMatter, read_front_matter

from .conftest import FRONT, LAUGHS, SMALL_BIB

HOSTILE = Path(__file__).parent / "hostile"

ENGINES = {"mkdocs": (MkDocsFile, mkdocs_get_data), "properdocs": (ProperDocsFile, properdocs_get_data)}

SAME_SPLIT: dict[str, bytes] = {
    "front matter": FRONT.encode() + b"\n# Title\n\nBody.\n",
    "empty block": b"---\n\n---\nBody.\n",
    "no line between the fences": b"---\n---\nBody.\n",
    "a page that is only ---, ---": b"---\n---\n",
    "only a comment": b"---\n# a comment\n---\nBody.\n",
    "an empty mapping": b"---\n{}\n---\nBody.\n",
    "... closes": b"---\ntitle: T\n...\nBody.\n",
    "spaces and tabs after the fences": b"---  \ntitle: T\n--- \t\nBody.\n",
    "CRLF": b"---\r\ntitle: T\r\ndescription: D\r\n---\r\nBody [@a].\r\n",
    "CR alone": b"---\rtitle: T\r---\rBody.\r",
    "no line break after the closing fence": b"---\ntitle: T\n---",
    "closing fence then the end": b"---\ntitle: T\n---\n",
    "blank lines after the block": b"---\ntitle: T\n---\n\n\n# Title\n",
    "a YAML list": b"---\n- Rest helps [@a].\n- b\n---\nBody.\n",
    "a scalar": b"---\nJust a sentence [@a].\n---\nBody.\n",
    "broken YAML": b"---\ntitle: [unclosed\n---\nBody.\n",
    "broken YAML, a citation in it": b"---\ndescription: Back pain [@a]: rest\n---\nBody.\n",
    "a date that does not exist": b"---\ntitle: T\nlast_reviewed: 2026-02-30\n---\nBody.\n",
    "--- inside the body: the first closes": b"---\ntitle: T\n---\nb: c\n---\nBody.\n",
    "--- then a mapping": b"---\n---\ntitle: T\n---\nBody.\n",
    "a second YAML document": b"---\ntitle: T\n--- x\nb: 1\n---\nBody.\n",
    "---- is no fence": b"----\ntitle: T\n----\nBody.\n",
    "no closing fence": b"---\n\nA thematic break, then text.\n",
    "MultiMarkdown meta": b"Title: T\nDescription: D\n    continued\nTitle: again\n\n# Title\n\nBody.\n",
    "MultiMarkdown, no blank line": b"Note: take it [@a].\nmore text\n",
    "MultiMarkdown, the whole page": b"Title: T",
    "MultiMarkdown after a BOM": b"\xef\xbb\xbfTitle: T\n\nBody.\n",
    "BOM": b"\xef\xbb\xbf---\ntitle: T\n---\nBody.\n",
    "no front matter": b"# Title\n\nBody.\n",
    "a blank first line": b"\n---\ntitle: T\n---\nBody.\n",
    "an empty file": b"",
    # Where PyYAML and libyaml (which MkDocs loads with) differ: a lone surrogate libyaml refuses.
    "a surrogate escape": b'---\ntitle: "Back pain \\ud800"\n---\nBody [@a].\n',
    # Blocks our hardening refuses (too deep, too many values) that MkDocs shows as text all the same.
    "a list nested too deep": b"---\n" + b"[" * 60 + b"]" * 60 + b"\n---\nBody.\n",
    "a mapping nested too deep, then broken YAML": b"---\ntitle: T\ndeep:\n"
    + b"".join(b"  " * n + b"k%d:\n" % n for n in range(1, 60)) + b"bad: [\n---\nBody.\n",
    "a billion values, then a date that does not exist": LAUGHS.replace("2026-01-01", "2026-02-30").encode()
    + b"Body.\n",
    "a billion values under a list": b"---\n- " + LAUGHS.split("\n", 1)[1].replace("\n", "\n  ").rstrip(" -\n").encode()
    + b"\n---\nBody.\n",
}
# Mappings MkDocs takes (libyaml builds them) but our hardening refuses: the same split, no data, an error.
REFUSED: dict[str, str] = {
    "a billion values through aliases": LAUGHS,
    "nested 400 deep": "---\ntitle: T\ndeep:\n" + "".join("  " * n + f"k{n}:\n" for n in range(1, 400)) + "---\n",
    "3000 brackets": "---\ntitle: " + "[" * 3000 + "]" * 3000 + "\n---\n",
    "a value holding itself": "---\ntitle: T\nloop: &a [x, *a]\n---\n",
}


def engine_split(engine: str, data: bytes, tmp_path: Path) -> tuple[str, dict[str, Any]]:
    """The engine's (content, meta) for a page file holding ``data``, read as the engine reads a page."""
    file_class, get_data = ENGINES[engine]
    (tmp_path / "page.md").write_bytes(data)
    page = file_class("page.md", str(tmp_path), str(tmp_path / "site"), use_directory_urls=True)
    content, meta = get_data(page.content_string)
    return content, meta


def our_split(front: FrontMatter, text: str) -> tuple[str, dict[str, Any]]:
    start, end = front.span
    assert start == 0
    return text[end:].lstrip("\n"), front.data if end and not front.error else {}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", SAME_SPLIT)
def test_the_split_is_mkdocs_own(name: str, engine: str, tmp_path: Path) -> None:
    text = decode_utf8(SAME_SPLIT[name], "page.md")
    front = read_front_matter(text)
    assert our_split(front, text) == engine_split(engine, SAME_SPLIT[name], tmp_path)
    if not front.end:
        assert front.data == {}, "no data from a block the engine shows as text"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", REFUSED)
def test_a_block_the_hardening_refuses_is_hidden_as_mkdocs_hides_it(name: str, engine: str, tmp_path: Path) -> None:
    text = REFUSED[name] + "\nBody.\n"
    front = read_front_matter(text)
    content, meta = engine_split(engine, text.encode(), tmp_path)
    assert meta and content == text[front.end:].lstrip("\n") == "Body.\n"
    assert front.error and front.data == {}


def test_the_grammar_is_the_one_the_masking_uses() -> None:
    """The masking blanks exactly the block MkDocs takes; a block it shows as text stays readable."""
    taken = "---\ntitle: T [@a]\n---\nBody [@b].\n"
    assert mask_code(taken) == "   \n" + " " * len("title: T [@a]") + "\n   \nBody [@b].\n"
    shown = "---\n- Rest helps [@a].\n---\nBody [@b].\n"
    assert mask_code(shown) == shown
    multimarkdown = "Note: rest helps [@a].\n\nBody.\n"
    assert mask_code(multimarkdown) == multimarkdown  # hidden by MkDocs, shown by Zensical: checked


# -- what the linter says -------------------------------------------------------------------------------------

BIB, _ = parse_bibliography(SMALL_BIB, "refs.bib")
OPTIONS = LintOptions(select=frozenset({"missing-front-matter", "invalid-front-matter", "missing-metadata",
                                        "missing-review-date", "unknown-key", "malformed-citation"}))


def lint(text: str) -> list[tuple[str, int, str]]:
    report = check_document("p.md", text, BIB, OPTIONS)
    return sorted((f.rule, f.line, f.message) for f in report.findings)


@pytest.mark.parametrize(("text", "expected"), [
    # A block MkDocs shows as text: the clinician is told, at the line, and its citations are checked.
    ("---\n- Rest helps [@nope].\n---\n\n# T\n",
     [("invalid-front-matter", 2, "front matter must be a mapping of keys to values (MkDocs shows this block as "
                                  "text)"), ("unknown-key", 2, "unknown citation key 'nope'")]),
    ("---\ndescription: Back pain [@nope]: rest\n---\n\n# T\n",
     [("invalid-front-matter", 2, "front matter is not valid YAML: mapping values are not allowed here"),
      ("unknown-key", 2, "unknown citation key 'nope'")]),
    ("---\ntitle: T [@nope]\nlast_reviewed: 2026-02-30\n---\n\n# T\n",
     [("invalid-front-matter", 3, "front matter is not valid YAML: '2026-02-30' cannot be read: day is out of "
                                  "range for month"), ("unknown-key", 2, "unknown citation key 'nope'")]),
    ("---\ntitle: T\ndescription: D [@nope]\n---",
     [("invalid-front-matter", 4, "the front matter's closing line needs a line break after it: without one "
                                  "MkDocs shows the block as text"), ("unknown-key", 3, "unknown citation key 'nope'")]),
    ("---\n---\n\n# T\n", [("invalid-front-matter", 1, "front matter is empty: write title, description, "
                                                       "last_reviewed and next_review between the '---' lines "
                                                       "(MkDocs shows an empty block as text)")]),
    ("---\n# only a comment\n---\n\n# T\n", [("invalid-front-matter", 1, "front matter is empty: write title, "
                                                                        "description, last_reviewed and next_review "
                                                                        "between the '---' lines (MkDocs shows an "
                                                                        "empty block as text)")]),
    # libyaml, which MkDocs loads with, refuses a lone surrogate that PyYAML takes: shown as text
    ('---\ntitle: "Back pain \\ud800 [@nope]"\n---\n\n# T\n',
     [("invalid-front-matter", 2, "front matter is not valid YAML: found invalid Unicode character escape code"),
      ("unknown-key", 2, "unknown citation key 'nope'")]),
    # refused by our hardening, but MkDocs shows it as text: a list, broken YAML, a value YAML cannot build
    ("---\n" + "[" * 60 + "]" * 60 + "\n---\n\nRest [@nope].\n",
     [("invalid-front-matter", 2, "front matter must be a mapping"), ("unknown-key", 5, "unknown citation key")]),
    ("---\ntitle: T [@nope]\ndeep:\n" + "".join("  " * n + f"k{n}:\n" for n in range(1, 60)) + "bad: [\n---\n",
     [("invalid-front-matter", 64, "front matter is not valid YAML: "), ("unknown-key", 2, "unknown citation key")]),
    (LAUGHS.replace("last_reviewed: 2026-01-01", "last_reviewed: 2026-02-30") + "\n# T\n",
     [("invalid-front-matter", 13, "front matter is not valid YAML: '2026-02-30' cannot be read")]),
    # MultiMarkdown metadata: hidden by MkDocs, shown by Zensical; its citations are checked.
    ("Title: T\nDescription: D [@nope]\n\n# T\n",
     [("missing-front-matter", 1, "no front matter: MkDocs reads lines 1-2 as MultiMarkdown metadata and does not "
                                  "show them (Zensical shows them): put title, description, last_reviewed and "
                                  "next_review between '---' lines"), ("unknown-key", 2, "unknown citation key 'nope'")]),
    # A block MkDocs takes: masked, as before.
    ("---\ntitle: T [@nope]\ndescription: D\n---\n\n# T\n", [("missing-review-date", 1, "front matter has no "
                                                                                       "'last_reviewed'"),
                                                           ("missing-review-date", 1, "front matter has no "
                                                                                      "'next_review'")]),
])
def test_what_the_linter_says_about_front_matter(text: str, expected: list[tuple[str, int, str]]) -> None:
    found = lint(text)
    assert [(rule, line) for rule, line, _ in found] == [(rule, line) for rule, line, _ in expected]
    for (_, _, message), (_, _, start) in zip(found, expected, strict=True):
        assert message.startswith(start), message


def test_a_citation_in_a_block_shown_as_text_counts_as_cited() -> None:
    """MkDocs renders it, and numbers it in the References list: the source is cited on this page."""
    report = check_document("p.md", "---\n- Rest helps [@chou2007diagnosis].\n---\n\n# T\n", BIB, OPTIONS)
    assert report.citations == 1 and report.cited_keys == {"chou2007diagnosis"}


def test_the_build_and_the_linter_agree_on_a_block_shown_as_text(build) -> None:
    """MkDocs renders the block and numbers its citation; the linter checks it and says the front matter is
    broken, and the bibliography page lists the page among those citing the source."""
    page = (HOSTILE / "front-matter-as-text.md").read_text(encoding="utf-8")
    result = build({"index.md": FRONT + "# Home\n\nWelcome.\n", "x.md": page}, strict=False)
    assert result.returncode == 0, result.log
    assert "docs/x.md:2:1: error: front matter must be a mapping" in result.log
    assert "docs/x.md:3:93: error: unknown citation key 'nosuchkey2024'" in result.log
    shown = result.page("x/index.html")
    assert "Back pain usually gets better within six weeks" in shown.get_text()
    assert len(shown.select("sup.medcite-citation")) == 2  # chou2007diagnosis in the block, machado2015efficacy
    bibliography = (result.site / "bibliography" / "index.html").read_text(encoding="utf-8")
    assert 'href="../x/#source-chou2007diagnosis"' in bibliography
