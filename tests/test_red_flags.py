"""Red flags are single-sourced: every page pulls the shared blocks in includes/red-flags/ (pymdownx.snippets),
each block states one urgency on one scale, and no page states a different urgency for the same red flag.

The urgency scale (one wording everywhere):
  emergency  - "call 999 or go to the emergency department now"  (admonition type: danger)
  same-day   - "get seen by a doctor the same day"                (admonition type: warning)
  days       - "see a doctor within a few days"                   (admonition type: note)
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from medcite.source.prose import parse_document

ROOT = Path(__file__).resolve().parents[1]
BLOCKS_DIR = ROOT / "includes" / "red-flags"
CONTENT = ROOT / "content"

TITLES = {
    "emergency": ("danger", "Emergency: call 999 or go to the emergency department now"),
    "same-day": ("warning", "Urgent: get seen by a doctor the same day"),
    "days": ("note", "See a doctor within a few days"),
}

# One urgency per red flag, and the words that show a sentence is about that red flag.
RED_FLAGS: dict[str, tuple[str, str]] = {
    "cauda-equina": ("emergency", r"both legs|both sides|saddle|cauda equina|\bbladder|\bbowel|pass(ing)? urine|genital"),
    "leg-weakness": ("emergency", r"\bweak(ness|er)?\b[^.]*\blegs?\b|\blegs?\b[^.]*\bweak(ness|er)?\b|foot (drags|drop)"),
    "fracture": ("emergency", r"\bfall\b|\bfalls\b|accident|osteoporosis|broken bone|fracture"),
    "child-limp-fever": ("emergency", r"(child|teen)[^.]*(fever|high temperature|cannot put (any )?weight)"),
    "infection": ("same-day", r"\bfever|high temperature|infection|inject drugs|immune"),
    "cancer": ("same-day", r"\bcancer"),
    "child-hip-pain": ("same-day", r"(child|teen)[^.]*(hip|knee|thigh|limp)"),
    "scoliosis": ("days", r"\bcurve|scoliosis"),
    "other-warning-signs": ("days", r"weight without trying|losing weight|worse at night|steroid tablets|middle or upper back"),
}

URGENCY_WORDS = {
    "emergency": r"emergency department|\b999\b|ambulance|\bA&E\b",
    "same-day": r"same[- ]day|\btoday\b|within 24 hours|within a day\b",
    "days": r"within a few days|within days|a day or two|\bsoon\b|\bprompt(ly)?\b",
}

# Every page and the blocks it must include.
BACK = ["cauda-equina", "leg-weakness", "infection", "cancer", "fracture", "other-warning-signs"]
HIP = ["fracture", "child-limp-fever", "child-hip-pain"]
PAGES: dict[str, list[str]] = {
    "conditions/low-back-pain.md": BACK,
    "conditions/lumbar-strain.md": BACK,
    "conditions/sciatica.md": BACK,
    "conditions/spinal-stenosis.md": BACK,
    "conditions/degenerative-disc-disease.md": BACK,
    "conditions/myofascial-pain.md": BACK,
    "conditions/compression-fractures.md": ["fracture", "cauda-equina", "leg-weakness", "cancer", "infection"],
    "conditions/spina-bifida.md": ["cauda-equina", "leg-weakness"],
    "conditions/scoliosis.md": ["scoliosis", "cauda-equina", "leg-weakness", "infection", "cancer"],
    "conditions/hip-pain.md": [*HIP, "infection"],
    "conditions/trochanteric-pain.md": HIP,
    "conditions/hip-flexor-strain.md": HIP,
    "conditions/hip-fracture.md": ["fracture"],
    "conditions/hip-osteoarthritis.md": HIP,
    "conditions/hamstring-strain.md": ["child-hip-pain", "child-limp-fever"],
    "procedures/epidural-steroid-injections.md": BACK,
    "procedures/spinal-fusion.md": BACK,
    "procedures/vertebroplasty-kyphoplasty.md": ["fracture", "cauda-equina", "leg-weakness", "infection", "cancer"],
    "self-care/staying-active.md": BACK,
    "self-care/exercise-for-back-pain.md": BACK,
    "self-care/stretches-and-strengthening.md": BACK,
    "self-care/medicines-for-back-pain.md": BACK,
    "self-care/heat-cold-and-other-therapies.md": BACK,
    "self-care/sitting-and-posture.md": BACK,
    "urgent-help.md": list(RED_FLAGS),
    "index.md": ["cauda-equina", "leg-weakness"],
    "anatomy/lumbar-spine.md": ["cauda-equina", "leg-weakness"],
}
INCLUDE_RE = re.compile(r'^--8<-- "includes/red-flags/(?P<name>[a-z-]+)\.md"\s*$', re.M)
ADMONITION_RE = re.compile(r'^!!! (?P<type>\w+) red-flag red-flag-(?P<name>[a-z-]+) "(?P<title>[^"]+)"\s*$')


def _levels(text: str) -> set[str]:
    return {level for level, words in URGENCY_WORDS.items() if re.search(words, text, re.I)}


def _flags(text: str) -> set[str]:
    return {name for name, (_, words) in RED_FLAGS.items() if re.search(words, text, re.I)}


def test_every_red_flag_has_one_block_and_every_block_is_known() -> None:
    assert {p.stem for p in BLOCKS_DIR.glob("*.md")} == set(RED_FLAGS)


@pytest.mark.parametrize("name", sorted(RED_FLAGS))
def test_block_states_its_own_urgency_in_title_and_first_paragraph(name: str) -> None:
    level = RED_FLAGS[name][0]
    lines = (BLOCKS_DIR / f"{name}.md").read_text(encoding="utf-8").splitlines()
    head = ADMONITION_RE.match(lines[0])
    assert head, f"{name}.md must start with '!!! TYPE red-flag red-flag-{name} \"TITLE\"'"
    assert head["name"] == name
    assert (head["type"], head["title"]) == TITLES[level]
    first = next(line for line in lines[1:] if line.strip())
    assert _levels(first) == {level}, f"{name}.md: first paragraph must use only the {level} wording: {first!r}"
    assert all(not line.strip() or line.startswith("    ") for line in lines[1:]), "the whole block is the admonition"


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_includes_its_blocks(page: str) -> None:
    text = (CONTENT / page).read_text(encoding="utf-8")
    included = INCLUDE_RE.findall(text)
    missing = [name for name in PAGES[page] if name not in included]
    assert not missing, f"{page} does not include: {', '.join(missing)}"
    assert len(included) == len(set(included)), f"{page} includes a block twice"


def _page_sentences() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(CONTENT.rglob("*.md")):
        text = INCLUDE_RE.sub("", path.read_text(encoding="utf-8"))
        for _, sentence in parse_document(text).sentences():
            found.append((path.relative_to(CONTENT).as_posix(), sentence.line, sentence.text))
    return found


def test_no_page_states_a_different_urgency_for_a_red_flag() -> None:
    wrong = []
    for page, line, sentence in _page_sentences():
        flags, levels = _flags(sentence), _levels(sentence)
        if not flags or not levels:
            continue
        allowed = {RED_FLAGS[name][0] for name in flags}
        if levels - allowed:
            wrong.append(f"{page}:{line}: says {'/'.join(sorted(levels - allowed))} for "
                         f"{', '.join(sorted(flags))}: {sentence}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("sentence", "bad"), [
    ("Weakness in your leg that is severe or getting worse also needs a prompt check.", True),
    ("If you have had cancer, make an appointment within a day or two.", True),
    ("Go to the emergency department now if you have numbness in both legs.", False),
    ("Exercise helps most people with back pain.", False),
])
def test_urgency_check_catches_a_mismatch(sentence: str, bad: bool) -> None:
    flags, levels = _flags(sentence), _levels(sentence)
    allowed = {RED_FLAGS[name][0] for name in flags}
    assert bool(flags and levels and levels - allowed) is bad


def test_citation_lint_checks_the_blocks() -> None:
    """The blocks are linted as documents of their own (they carry no front matter: they are fragments)."""
    script = Path(sys.executable).with_name("citation-lint")
    proc = subprocess.run([str(script), "--format", "json", "--ignore", "missing-front-matter",
                           str(BLOCKS_DIR)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    data = json.loads(proc.stdout)
    errors = [f"{f['path']}:{f['line']}: {f['message']}" for f in data["findings"] if f["severity"] == "error"]
    assert proc.returncode == 0 and not errors, "\n".join(errors) or proc.stderr
    pages = data["summary"]["pages"]
    assert len(pages) == len(RED_FLAGS)
    assert all(info["citations"] >= 1 for info in pages.values())


@pytest.mark.parametrize("page", sorted(PAGES))
def test_rendered_blocks_number_their_citations(repo_site: Path, page: str) -> None:
    stem = page.removesuffix(".md")
    html = repo_site / "index.html" if stem == "index" else repo_site / stem / "index.html"
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    numbers = {li.get("id") for li in soup.select("ol.medcite-references > li")}
    for name in PAGES[page]:
        box = soup.select_one(f"div.admonition.red-flag-{name}")
        assert box is not None, f"{page}: block {name} not rendered"
        assert box.select_one(".admonition-title").get_text(strip=True) == TITLES[RED_FLAGS[name][0]][1]
        refs = box.select("sup.medcite-citation a.medcite-ref")
        assert refs, f"{page}: block {name} has no numbered citation"
        for ref in refs:
            assert ref["href"].lstrip("#") in numbers, f"{page}: {ref['href']} has no reference entry"
        assert "[@" not in box.get_text(), f"{page}: an unrendered citation in {name}"
