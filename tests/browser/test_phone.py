"""Reading on a phone (issue 23), in real Chromium at 390x844 with touch, on the MkDocs, ProperDocs and
Zensical builds (served over http) and on the offline bundle (opened from disk): citation numbers are
24x24 px targets that leave the lines of text as they were, a tap opens the reference(s) in a drawer without
moving the page or its address, the drawer closes by Escape, its Close button or a tap outside and gives focus
back to the number, warning boxes are read at body size, and "Get help now" is in every page's header."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import ARTIFACTS, Target, is_local, page_with_a_run

ARTICLE = "conditions/sciatica/"  # many citations and red-flag boxes; a run (3–5) is found by page_with_a_run
PHONE = {"width": 390, "height": 844}
TARGET_PX = 24  # WCAG 2.2, 2.5.8 (target size, minimum)
URGENT_TITLE = "When to get urgent help"

# Every citation link, each scrolled to the middle of the screen: its box, and whether the points of a
# 24x24 px square centred on it (the centre and four corners, 0.5 px inside) hit that link.
MEASURE_TARGETS = """(half) => [...document.querySelectorAll("sup.medcite-citation a.medcite-ref")].map((link) => {
  link.scrollIntoView({block: "center", inline: "nearest"});
  const box = link.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const missed = [[0, 0], [-half, -half], [half, -half], [-half, half], [half, half]].filter(([dx, dy]) => {
    const hit = document.elementFromPoint(x + dx, y + dy);
    return !(hit && hit.closest("a") === link);
  });
  return {label: link.textContent, width: box.width, height: box.height, missed: missed.length};
})"""

# Each paragraph holding a citation: its height against (lines of its own text) x (its line height). A
# citation that made its line taller would make the paragraph taller than that.
MEASURE_LINES = """() => [...document.querySelectorAll("article p")]
  .filter((p) => p.querySelector("sup.medcite-citation") && p.getClientRects().length)
  .map((p) => {
    const bottoms = [];
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || node.parentElement.closest("sup")) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) if (rect.width > 0) bottoms.push(rect.bottom);
    }
    const lineHeight = parseFloat(getComputedStyle(p).lineHeight);
    bottoms.sort((a, b) => a - b);
    const lines = bottoms.filter((b, i) => i === 0 || b - bottoms[i - 1] > lineHeight / 2).length;
    return {text: p.textContent.slice(0, 60), lines, lineHeight, height: p.getBoundingClientRect().height};
  })"""

# The smallest text in any danger or warning box or red-flag block, and the body text's size.
MEASURE_BOXES = """() => {
  const body = document.querySelector("article.md-typeset > p:not(.medcite-review)");
  const boxes = [...document.querySelectorAll(
    "article .admonition.danger, article .admonition.warning, article .red-flag")];
  const texts = boxes.flatMap((box) => [...box.querySelectorAll("p, li")]);
  const sizes = texts.map((el) => parseFloat(getComputedStyle(el).fontSize));
  return {body: parseFloat(getComputedStyle(body).fontSize), boxes: boxes.length, smallest: Math.min(...sizes)};
}"""


@pytest.fixture(params=["served", "served_properdocs", "served_zensical", "bundle"])
def site(request: pytest.FixtureRequest) -> Target:
    """MkDocs, ProperDocs and Zensical builds over http, and the offline bundle from file://."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    yield page
    context.close()
    assert errors == [], f"script errors on the page: {errors}"
    assert [url for url in requests if not is_local(url)] == [], "a request left this machine"


def group_citation(page: Page) -> Locator:
    """The first citation number that stands for a run of references ("3–5"), in the middle of the screen."""
    link = page.locator("sup.medcite-citation a.medcite-ref", has_text="–").first
    link.evaluate("(a) => a.scrollIntoView({block: 'center'})")
    return link


def entries_of(link: Locator) -> list[str]:
    """The ids of the References list entries a run ("3–5") stands for."""
    first, last = (int(n) for n in link.inner_text().split("–"))
    return [f"ref-{n}" for n in range(first, last + 1)]


def where(page: Page) -> tuple[str, float]:
    return page.url, page.evaluate("() => window.scrollY")


def focused(page: Page, link: Locator) -> bool:
    """Whether focus is (or within 2 s comes) back on ``link``: a dialog's close event, where the script
    gives focus back, is fired in a task after the dialog is already hidden."""
    try:
        page.wait_for_function("(a) => document.activeElement === a", arg=link.element_handle(), timeout=2000)
    except PlaywrightTimeoutError:
        return False
    return True


def drawer_of(page: Page, link: Locator) -> Locator:
    """The drawer, a dialog named as the number is ("References 3 to 5")."""
    return page.get_by_role("dialog", name=link.get_attribute("aria-label"), exact=True)


def open_drawer(page: Page, site: Target) -> tuple[Locator, Locator, tuple[str, float]]:
    page.goto(site.url(page_with_a_run(site)))
    link = group_citation(page)
    page.wait_for_timeout(200)  # let the page settle where it was scrolled to
    before = where(page)
    link.tap()
    drawer = drawer_of(page, link)
    expect(drawer).to_be_visible()
    return link, drawer, before


def test_citation_numbers_are_24px_targets_and_leave_the_lines_alone(phone: Page, site: Target) -> None:
    phone.goto(site.url(ARTICLE))
    targets = phone.evaluate(MEASURE_TARGETS, TARGET_PX / 2 - 0.5)
    assert len(targets) >= 50
    small = [t for t in targets if t["width"] < TARGET_PX or t["height"] < TARGET_PX or t["missed"]]
    print(f"{site.name}: {len(targets)} citation numbers, smallest "
          f"{min(t['width'] for t in targets):.1f}x{min(t['height'] for t in targets):.1f} px")
    assert small == [], f"{len(small)} of {len(targets)} numbers are under {TARGET_PX}x{TARGET_PX} px: {small[:5]}"
    lines = phone.evaluate(MEASURE_LINES)
    assert len(lines) >= 10
    taller = [p for p in lines if abs(p["height"] - p["lines"] * p["lineHeight"]) > 1]
    assert taller == [], f"paragraphs whose lines the citations made taller: {taller[:3]}"


def test_a_tap_shows_the_references_in_place(phone: Page, site: Target) -> None:
    link, drawer, before = open_drawer(phone, site)
    assert where(phone) == before, "the page scrolled or its address changed"
    ids = entries_of(link)
    assert len(ids) >= 2
    entries = drawer.locator("li")
    expect(entries).to_have_count(len(ids))
    for entry, ident in zip(entries.all(), ids, strict=True):
        source = phone.locator(f"li#{ident}")
        expect(entry).to_contain_text(source.locator(".medcite-reference-text").inner_text())
        links = source.locator(".medcite-reference-text a").evaluate_all("(all) => all.map((a) => a.href)")
        assert links, f"{ident} has no DOI or PubMed link to show"
        assert entry.locator("a").evaluate_all("(all) => all.map((a) => a.href)") == links
        label = source.locator(".medcite-evidence")
        if label.count():
            expect(entry.locator(".medcite-evidence")).to_have_text(label.inner_text())
        assert float(entry.evaluate("(li) => parseFloat(getComputedStyle(li).fontSize)")) >= 14
    box = drawer.bounding_box()
    assert box and box["y"] > 0 and abs(box["y"] + box["height"] - PHONE["height"]) <= 1, box
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / f"{site.name}-phone-drawer.png"
    phone.screenshot(path=str(shot))
    print(f"screenshot of the open drawer: {shot}")
    assert where(phone) == before


def test_escape_closes_the_drawer_and_focus_returns_to_the_number(phone: Page, site: Target) -> None:
    link, drawer, before = open_drawer(phone, site)
    phone.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    assert focused(phone, link)
    assert where(phone) == before
    # The drawer is the preview on a phone: no tooltip pops up over the text when focus comes back.
    phone.wait_for_timeout(500)
    expect(phone.locator(".md-tooltip2--active")).to_have_count(0)


def test_focus_returns_to_the_number_when_the_tap_did_not_focus_it(phone: Page, site: Target) -> None:
    """Safari on iOS does not focus a link on a tap, so the browser's own focus restoring, which gives focus
    back to what had it before the dialog, would leave it on the page: the script puts it on the number."""
    phone.goto(site.url(page_with_a_run(site)))
    link = group_citation(phone)
    link.evaluate("""(a) => a.dispatchEvent(new PointerEvent("click", {bubbles: true, cancelable: true, detail: 1,
                                                                     pointerType: "touch"}))""")
    drawer = drawer_of(phone, link)
    expect(drawer).to_be_visible()
    phone.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    assert focused(phone, link)


def test_the_close_button_closes_the_drawer(phone: Page, site: Target) -> None:
    link, drawer, before = open_drawer(phone, site)
    drawer.get_by_role("button", name="Close").tap()
    expect(drawer).to_be_hidden()
    assert focused(phone, link)
    assert where(phone) == before


def test_a_tap_outside_closes_the_drawer(phone: Page, site: Target) -> None:
    link, drawer, before = open_drawer(phone, site)
    box = drawer.bounding_box()
    assert box and box["y"] > 100
    phone.touchscreen.tap(PHONE["width"] / 2, box["y"] / 2)
    expect(drawer).to_be_hidden()
    assert focused(phone, link)
    assert where(phone) == before


def test_the_keyboard_still_follows_a_citation_to_the_list(phone: Page, site: Target) -> None:
    phone.goto(site.url(page_with_a_run(site)))
    link = group_citation(phone)
    link.focus()
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(re.escape(link.get_attribute("href")) + "$"))
    expect(phone.locator("dialog[open]")).to_have_count(0)


def test_without_javascript_a_tap_follows_the_number_to_the_list(browser: Browser, site: Target) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url(page_with_a_run(site)))
    link = group_citation(page)
    link.tap()
    expect(page).to_have_url(re.compile(re.escape(link.get_attribute("href")) + "$"))
    expect(page.locator(f"li{link.get_attribute('href')}")).to_be_in_viewport()
    context.close()


def test_no_serious_accessibility_problem_with_the_drawer_shut_or_open(phone: Page, site: Target) -> None:
    phone.goto(site.url(page_with_a_run(site)))
    for state in ("shut", "open"):
        if state == "open":
            link = group_citation(phone)
            link.tap()
            expect(drawer_of(phone, link)).to_be_visible()
        results = Axe().run(phone)
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == [], state + ": " + "\n".join(f"{v['id']} ({v['impact']}): {v['help']}" for v in bad)


@pytest.mark.parametrize("path", [ARTICLE, "urgent-help/"])
def test_warning_boxes_are_at_least_body_size(phone: Page, site: Target, path: str) -> None:
    phone.goto(site.url(path))
    sizes = phone.evaluate(MEASURE_BOXES)
    print(f"{site.name} {path}: {sizes}")
    assert sizes["boxes"] >= 2
    assert sizes["smallest"] >= sizes["body"]


@pytest.mark.parametrize("path", ["", ARTICLE, "glossary/"])
def test_the_header_leads_to_urgent_help(phone: Page, site: Target, path: str) -> None:
    phone.goto(site.url(path))
    link = phone.locator("header").get_by_role("link", name="Get help now")
    expect(link).to_be_visible()
    expect(link).to_be_in_viewport()
    box, header = link.bounding_box(), phone.locator("header").bounding_box()
    assert box and header and box["y"] >= header["y"] and box["y"] + box["height"] <= header["y"] + header["height"]
    assert box["width"] >= TARGET_PX and box["height"] >= TARGET_PX
    expect(link).not_to_have_attribute("aria-current", "page")
    link.tap()
    expect(phone.locator("h1")).to_contain_text(URGENT_TITLE)
    expect(phone.locator("header").get_by_role("link", name="Get help now")).to_have_attribute("aria-current", "page")
