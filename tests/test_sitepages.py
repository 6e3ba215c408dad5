"""The "cited on" index read from page sources: titles and links, as the engines make them."""

from __future__ import annotations

import pytest

from medcite.engine.sitepages import page_title, read_page, relative_link


@pytest.mark.parametrize(
    ("target", "source", "link"),
    [
        ("conditions/sciatica.md", "bibliography.md", "conditions/sciatica.md"),
        ("conditions/sciatica.md", "about/bibliography.md", "../conditions/sciatica.md"),
        ("index.md", "about/bibliography.md", "../index.md"),
        ("about/other.md", "about/bibliography.md", "other.md"),
        ("a/b/c.md", "a/x/y/bibliography.md", "../../b/c.md"),
    ],
)
def test_links_name_the_source_relative_to_the_linking_page(target: str, source: str, link: str) -> None:
    assert relative_link(target, source) == link


@pytest.mark.parametrize(
    ("text", "path", "title"),
    [
        ("---\ntitle: From front matter\n---\n# Heading\n", "x.md", "From front matter"),
        ("---\ndescription: no title\n---\n# The heading #\n", "x.md", "The heading"),
        ("```\n# not a heading\n```\n\n# Real one\n", "x.md", "Real one"),
        ("No heading at all.\n", "conditions/low-back-pain.md", "Low back pain"),
        ("No heading.\n", "anatomy/index.md", "Anatomy"),
        ("---\ntitle: [broken\n---\n# Fallback\n", "x.md", "Fallback"),
    ],
)
def test_page_title(text: str, path: str, title: str) -> None:
    assert page_title(text, path) == title


def test_keys_in_order_of_first_citation_skipping_code() -> None:
    page = read_page("p.md", "A [@b; @a]. `[@code]` B [@a, p. 3] [@doi:10.1/x].\n\n    [@indented]\n")
    assert page.keys == ("b", "a", "doi:10.1/x")


def test_keys_of_included_snippets_count_for_the_including_page(tmp_path) -> None:
    """A shared block pulled in with --8<-- renders its citations on the page, so the page cites them."""
    from medcite.engine.sitepages import read_pages

    (tmp_path / "docs").mkdir()
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "block.md").write_text("Call 999 [@gardner2011cauda].\n", encoding="utf-8")
    (tmp_path / "docs" / "a.md").write_text("# A\n\nX [@a].\n\n--8<-- \"includes/block.md\"\n", encoding="utf-8")
    (tmp_path / "docs" / "b.md").write_text("# B\n\n```\n--8<-- \"includes/block.md\"\n```\n", encoding="utf-8")
    pages = {page.src_path: page.keys for page in read_pages(tmp_path / "docs", [tmp_path])}
    assert pages == {"a.md": ("a", "gardner2011cauda"), "b.md": ()}
    assert {page.src_path: page.keys for page in read_pages(tmp_path / "docs")}["a.md"] == ("a",)
