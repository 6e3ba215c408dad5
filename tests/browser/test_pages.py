"""What a reader does: read an article, follow a citation and back, preview a reference, search,
all with no request leaving this machine; plus an accessibility scan and screenshots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from .conftest import ARTIFACTS, Target, is_local, page_with_a_run

ARTICLE = "conditions/low-back-pain/"
CONTENT = Path(__file__).resolve().parents[2] / "content"
ARTICLES = [
    *sorted(str(p.relative_to(CONTENT).with_suffix("")) + "/" for p in CONTENT.glob("[acps]*/*.md")
            if p.parent.name != "about"),
    "urgent-help/",
]


def open_search(page: Page, query: str) -> None:
    """The search box is in the header on a wide screen and behind a button on a phone."""
    button = page.locator("label.md-header__button[for='__search']")
    if button.is_visible():
        button.click()
    page.wait_for_load_state("networkidle")
    box = page.locator("input.md-search__input")
    box.click()
    page.keyboard.type(query, delay=40)  # as a reader types: the index may still be loading


def test_article_renders_with_numbered_citations(page: Page, target: Target) -> None:
    page.goto(target.url(ARTICLE))
    expect(page.locator("h1")).to_contain_text("Low back pain")
    expect(page.locator("sup.medcite-citation a").first).to_have_text("1")
    expect(page.locator("#references")).to_be_visible()
    assert page.locator("ol.medcite-references > li").count() >= 5
    expect(page.locator(".medcite-review")).to_contain_text("Reading level")


def test_citation_click_lands_on_reference_and_back_link_returns(page: Page, target: Target) -> None:
    page.goto(target.url(ARTICLE))
    link = page.locator("sup.medcite-citation a").nth(2)
    ref_id = link.get_attribute("href").lstrip("#")
    cite_id = link.locator("xpath=ancestor::sup").get_attribute("id")
    link.click()
    expect(page).to_have_url(re.compile(f"#{ref_id}$"))
    reference = page.locator(f"li#{ref_id}")
    expect(reference).to_be_in_viewport()
    back = reference.locator(f".medcite-backlinks a[href='#{cite_id}']")
    back.click()
    expect(page).to_have_url(re.compile(f"#{cite_id}$"))
    expect(page.locator(f"sup#{cite_id}")).to_be_in_viewport()


def test_hover_and_keyboard_focus_show_the_reference(page: Page, target: Target) -> None:
    page.goto(target.url(ARTICLE))
    link = page.locator("sup.medcite-citation a").first
    expected = page.locator("li#ref-1 .medcite-reference-text").inner_text()[:40]
    link.hover()
    tooltip = page.locator(".md-tooltip2--active")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(expected)
    page.mouse.move(0, 0)
    expect(tooltip).to_have_count(0)
    # Keyboard: Tab through the page until the first citation has focus.
    page.locator("h1").click()
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement?.classList.contains('medcite-ref')"):
            break
    else:
        pytest.fail("Tab never reached a citation link")
    expect(page.locator(".md-tooltip2--active")).to_contain_text(expected[:20])
    # Screen readers: the focused link is described by an element holding the full reference
    # (our list item, or Material's tooltip, which takes over aria-describedby when it shows).
    described = page.evaluate("() => document.activeElement.getAttribute('aria-describedby')")
    texts = [page.locator(f"[id='{ident}']").inner_text() for ident in described.split()]
    assert any(expected[:20] in text for text in texts)


def test_the_preview_of_a_group_is_readable_one_reference_per_line(page: Page, target: Target) -> None:
    page.goto(target.url(page_with_a_run(target)))
    group = page.locator("sup.medcite-citation a.medcite-ref", has_text="\u2013").first
    first, last = (int(n) for n in group.inner_text().split("\u2013"))
    group.hover()
    inner = page.locator(".md-tooltip2--active .md-tooltip2__inner")
    expect(inner).to_be_visible()
    assert inner.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)") >= 14
    lines = [line for line in inner.inner_text().splitlines() if line.strip()]
    assert [line.split(".")[0] for line in lines] == [str(n) for n in range(first, last + 1)], lines


def test_glossary_terms_show_tooltips(page: Page, target: Target) -> None:
    page.goto(target.url("conditions/sciatica/"))
    term = page.locator("article abbr").first
    title = term.get_attribute("title")
    assert title
    term.hover()
    expect(page.locator(".md-tooltip2--active")).to_contain_text(title[:30])


def test_search_finds_an_article_by_a_word_from_its_body(page: Page, target: Target) -> None:
    page.goto(target.url(""))
    open_search(page, "kyphoplasty")
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible(timeout=15000)
    expect(page.locator(".md-search-result__list")).to_contain_text("Vertebroplasty")


def test_navigation_between_pages_and_diagrams(page: Page, target: Target) -> None:
    page.goto(target.url(""))
    page.locator("article a", has_text="The hamstrings").first.click()
    expect(page.locator("h1")).to_contain_text("hamstrings")
    image = page.locator("article img").first
    expect(image).to_be_visible()
    assert image.get_attribute("alt")
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", image.element_handle())


def test_no_request_leaves_this_machine(browser: Browser, target: Target) -> None:
    context = browser.new_context()
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    for path in ["", ARTICLE, "anatomy/hamstrings/", "bibliography/", "glossary/"]:
        page.goto(target.url(path))
        page.wait_for_load_state("networkidle")
    open_search(page, "hip")
    page.wait_for_timeout(1000)
    context.close()
    outside = [url for url in seen if not is_local(url)]
    print(f"{target.name}: {len(seen)} requests, {len(outside)} to other hosts")
    assert seen and outside == []




@pytest.mark.parametrize("article", ARTICLES)
def test_accessibility_no_serious_violations(browser: Browser, served: Target, article: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(served.url(article))
    results = Axe().run(page)
    context.close()
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], "\n".join(f"{v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}" for v in bad)


@pytest.mark.parametrize(("name", "size"), [("desktop", (1280, 900)), ("phone", (390, 844))])
def test_screenshots(browser: Browser, target: Target, name: str, size: tuple[int, int]) -> None:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, device_scale_factor=1,
                                  is_mobile=name == "phone")
    page = context.new_page()
    for path in ["", ARTICLE, "anatomy/hamstrings/"]:
        page.goto(target.url(path))
        page.wait_for_load_state("networkidle")
        slug = (path.strip("/").replace("/", "-") or "home")
        shot = folder / f"{target.name}-{name}-{slug}.png"
        page.screenshot(path=str(shot), full_page=False)
        assert shot.stat().st_size > 10_000
    context.close()
