"""Red flags are data: every warning sign, its one urgency and its sources live in red-flags.yml; the
boxes on the pages are generated from it (medcite.source.redflags + the medcite extension), and the
red-flag-urgency rule (medcite.lint.redflagcheck) reports prose that gives a sign another urgency.

The urgency scale (one wording everywhere):
  emergency  - "call 999 or go to the emergency department now"  (admonition type: danger)
  same-day   - "get seen by a doctor the same day"                (admonition type: warning)
  days       - "see a doctor within a few days"                   (admonition type: note)
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup

from medcite.bib.bibliography import load_bibliography
from medcite.engine.extension import CitationsExtension
from medcite.lint.checks import LintOptions, check_document
from medcite.lint.redflagcheck import check_red_flags, load_for_lint, matcher
from medcite.source.prose import parse_document
from medcite.source.redflags import LEVELS, load_red_flags, parse_red_flags, render_block
from medcite.source.snippets import included_names

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
DATA = load_red_flags(ROOT / "red-flags.yml", "red-flags.yml")
BIB = load_bibliography(ROOT / "references.bib", "references.bib")[0]
OPTIONS = LintOptions(select=frozenset({"red-flag-urgency", "red-flag-data"}), red_flags=DATA)
TITLES = {
    "emergency": ("danger", "Emergency: call 999 or go to the emergency department now"),
    "same-day": ("warning", "Urgent: get seen by a doctor the same day"),
    "days": ("note", "See a doctor within a few days"),
}
PAGES: dict[str, list[str]] = {}
for _name, _block in DATA.blocks.items():
    for _page in _block.pages:
        PAGES.setdefault(_page, []).append(_name)
HEAD_RE = re.compile(r'^!!! (?P<type>\w+) red-flag red-flag-(?P<name>[a-z-]+) red-flag-(?P<level>[a-z-]+) '
                     r'"(?P<title>[^"]+)"$')


# -- the data and the boxes made from it ----------------------------------------------------------
def test_the_site_keeps_its_scale_and_every_sign_has_sources_in_the_bibliography() -> None:
    assert {name: (level.admonition, level.title) for name, level in DATA.levels.items()} == TITLES
    for sign in DATA.signs:
        assert sign.sources and all(BIB.resolve(key) is not None for key in sign.sources), sign.id
    assert not (ROOT / "includes" / "red-flags").exists(), "boxes are generated from red-flags.yml, not files"


@pytest.mark.parametrize("name", sorted(DATA.blocks))
def test_block_has_one_box_per_level_with_the_levels_title_and_first_sentence(name: str) -> None:
    text = render_block(DATA, name)
    heads = [HEAD_RE.match(line) for line in text.splitlines() if line.startswith("!!! ")]
    levels = sorted({sign.urgency for sign in DATA.block_signs(name)}, key=LEVELS.index)
    assert [head["level"] for head in heads if head] == levels and len(heads) == len(levels)
    match = matcher(DATA)
    for head, body in zip(heads, re.split(r"^!!! .*$", text, flags=re.M)[1:], strict=True):
        assert head is not None and head["name"] == name
        assert (head["type"], head["title"]) == TITLES[head["level"]]
        first = next(line for line in body.splitlines() if line.strip())
        assert match.stated(first) == {head["level"]}, f"{name}: first sentence must say only its level: {first}"
        items = [line for line in body.splitlines() if line.startswith("    - ")]
        assert items and all("[@" in item for item in items), f"{name}: every sign is listed with its sources"
        assert all(not line.strip() or line.startswith("    ") for line in body.splitlines()[1:])


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_includes_exactly_the_blocks_the_data_gives_it(page: str) -> None:
    text = (CONTENT / page).read_text(encoding="utf-8")
    included = [DATA.block_name(name) for name in included_names(text)]
    included = [name for name in included if name is not None]
    assert sorted(included) == sorted(PAGES[page]), page
    assert len(included) == len(set(included)), f"{page} includes a block twice"


def test_no_page_includes_a_block_the_data_does_not_list_for_it() -> None:
    for path in sorted(CONTENT.rglob("*.md")):
        page = path.relative_to(CONTENT).as_posix()
        for name in included_names(path.read_text(encoding="utf-8")):
            block = DATA.block_name(name)
            assert block is None or block in PAGES.get(page, []), f"{page} includes {block}; list it in the data"


def test_every_procedure_page_has_after_care_warning_signs() -> None:
    for path in sorted((CONTENT / "procedures").glob("*.md")):
        assert "after-procedure" in PAGES[path.relative_to(CONTENT).as_posix()]


def test_one_sign_one_urgency_steroids_and_leg_weakness() -> None:
    """Audit S4/S5: long-term steroid tablets and leg weakness each have one urgency everywhere."""
    by_id = {sign.id: sign for sign in DATA.signs}
    assert by_id["long-term-steroids"].urgency == "same-day"
    assert by_id["leg-weakness-worse"].urgency == "emergency" and by_id["leg-weakness-mild"].urgency == "days"
    steroids = [sign.id for sign in DATA.signs if re.search(r"steroid", sign.words, re.I)]
    assert steroids == ["long-term-steroids"]


def test_citation_lint_checks_the_generated_boxes_at_their_data_lines() -> None:
    script = Path(sys.executable).with_name("citation-lint")
    proc = subprocess.run([str(script), "--format", "json", "--jobs", "1", "content/index.md"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    data = json.loads(proc.stdout)
    errors = [f"{f['path']}:{f['line']}: {f['message']}" for f in data["findings"] if f["severity"] == "error"]
    assert proc.returncode == 0 and not errors, "\n".join(errors) or proc.stderr
    boxes = data["summary"]["pages"]["red-flags.yml"]
    assert boxes["citations"] >= len(DATA.signs)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_rendered_blocks_number_their_citations(repo_site: Path, page: str) -> None:
    stem = page.removesuffix(".md")
    html = repo_site / "index.html" if stem == "index" else repo_site / stem / "index.html"
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    numbers = {li.get("id") for li in soup.select("ol.medcite-references > li")}
    for name in PAGES[page]:
        boxes = soup.select(f"div.admonition.red-flag.red-flag-{name}")
        levels = [next(c.removeprefix("red-flag-") for c in box["class"] if c.removeprefix("red-flag-") in LEVELS)
                  for box in boxes]
        assert levels == sorted({s.urgency for s in DATA.block_signs(name)}, key=LEVELS.index), f"{page}: {name}"
        for box, level in zip(boxes, levels, strict=True):
            assert box.select_one(".admonition-title").get_text(strip=True) == TITLES[level][1]
            refs = box.select("sup.medcite-citation a.medcite-ref")
            assert refs, f"{page}: block {name} has no numbered citation"
            for ref in refs:
                assert ref["href"].lstrip("#") in numbers, f"{page}: {ref['href']} has no reference entry"
            assert "[@" not in box.get_text() and "<!--" not in box.get_text()


# -- the red-flag-urgency rule ---------------------------------------------------------------------
def _urgency_findings(page: str, text: str) -> list[str]:
    report = check_document(page, text, BIB, OPTIONS)
    return [f"{f.line}: {f.message}" for f in report.findings if f.rule == "red-flag-urgency"]


def test_the_fixed_site_passes() -> None:
    found = []
    for path in sorted(CONTENT.rglob("*.md")):
        page = path.relative_to(CONTENT).as_posix()
        found += [f"{page}:{line}" for line in _urgency_findings(page, path.read_text(encoding="utf-8"))]
    assert not found, "\n".join(found)


# The nine audit findings (content-audit-2026-12.md S1-S9) as prose, planted in the page they were found on.
PLANTED = [
    ("S1 cancer nerve symptoms", "urgent-help.md", "If you have had cancer and you get numbness or pins and needles "
     "in your legs, ask to be seen the same day.", "'cancer-nerve-symptoms', which red-flags.yml gives as emergency"),
    ("S2 chest pain", "conditions/low-back-pain.md", "If you have chest pain as well as back pain, see a GP within "
     "a few days.", "'chest-pain', which red-flags.yml gives as emergency"),
    ("S3 NHS urgent signs", "conditions/low-back-pain.md", '!!! note "See a doctor within a few days"\n\n'
     "    Make an appointment to see a doctor within a few days if you have back pain and:\n\n"
     "    - you are losing weight without trying\n", "'weight-loss', which red-flags.yml gives as same-day"),
    ("S3 missing: straining", "conditions/sciatica.md", "Pain that gets worse when you cough or sneeze can wait a "
     "day or two.", "'straining-pain', which red-flags.yml gives as same-day"),
    ("S4 steroids", "conditions/compression-fractures.md", "Tell your doctor if any of these apply to you:\n\n"
     "- you take, or have taken, steroid tablets for a long time\n", "'long-term-steroids'"),
    ("S5 leg weakness", "conditions/sciatica.md", "See your doctor if leg pain is very bad, is not improving after a "
     "few weeks, or you have numbness or weakness in your leg.", "'leg-weakness-worse', which red-flags.yml "
     "gives as emergency"),
    ("S6 sepsis", "conditions/low-back-pain.md", "If you have back pain and a rash that does not fade when you "
     "press it, get seen by a doctor the same day.", "'sepsis', which red-flags.yml gives as emergency"),
    ("S6 after care", "procedures/epidural-steroid-injections.md", "After the injection, if you get new numbness "
     "in your legs, make an appointment to see a GP within a few days.", "'after-procedure-nerves'"),
    ("S7 child limp with night pain", "conditions/hip-pain.md", "A child with a limp that wakes them at night "
     "should see a GP within a few days.", "'child-limp-night-pain', which red-flags.yml gives as same-day"),
    ("S7 child back pain", "conditions/scoliosis.md", "A child with back pain and a fever can wait to see a doctor "
     "within a few days.", "'child-back-pain-flags', which red-flags.yml gives as same-day"),
    ("S8 adult hot swollen hip", "conditions/hip-pain.md", "If your hip is hot, swollen and very painful, see a GP "
     "within a few days.", "'hot-swollen-hip', which red-flags.yml gives as same-day"),
    ("S9 outside the scale", "conditions/lumbar-strain.md", "If you have any of the signs in the box at the top of "
     "the page, get help urgently.", "'urgently' is not a level of the urgency scale"),
    ("S9 at once", "conditions/spina-bifida.md", "If you have back pain with any urgent warning signs, get help at "
     "once.", "'at once' is not a level"),
    ("admonition title", "conditions/low-back-pain.md", '!!! tip "See a GP within a few days"\n\n'
     "    - you are losing weight without trying\n", "'weight-loss', which red-flags.yml gives as same-day"),
    ("issue example", "conditions/low-back-pain.md", "If you have numbness around your bottom, book a routine "
     "appointment.", "'saddle-numbness', which red-flags.yml gives as emergency"),
]


def _plant(page: str, text: str) -> tuple[str, int]:
    """The page with ``text`` added as its own paragraph at the end, and the line the text starts on."""
    source = (CONTENT / page).read_text(encoding="utf-8").rstrip("\n")
    return f"{source}\n\n{text}\n", source.count("\n") + 3


@pytest.mark.parametrize(("finding", "page", "text", "expected"), PLANTED, ids=[row[0] for row in PLANTED])
def test_each_planted_audit_finding_is_caught(finding: str, page: str, text: str, expected: str) -> None:
    planted, line = _plant(page, text)
    found = _urgency_findings(page, planted)
    assert any(expected in message and int(message.split(":")[0]) >= line for message in found), (finding, found)


RIGHT = [
    ("conditions/low-back-pain.md", "If you have chest pain as well as back pain, call 999 now."),
    ("conditions/low-back-pain.md", "If you have numbness around your bottom, go to the emergency department now."),
    ("conditions/low-back-pain.md", "If you are losing weight without trying, get seen by a doctor the same day."),
    ("conditions/sciatica.md", "Mild weakness in one leg that is not getting worse needs a GP within a few days."),
    ("conditions/compression-fractures.md", "If you take steroid tablets for a long time and get new back pain, "
     "call NHS 111 today."),
    ("conditions/hip-pain.md", "A child with a limp that wakes them at night needs to see a doctor the same day."),
    ("conditions/lumbar-strain.md", "If you have any of the signs in the box at the top of the page, follow the "
     "advice in that box."),
]


@pytest.mark.parametrize(("page", "text"), RIGHT)
def test_the_same_sign_with_the_right_urgency_is_not_reported(page: str, text: str) -> None:
    planted, _ = _plant(page, text)
    assert _urgency_findings(page, planted) == []


def test_a_planted_site_fails_citation_lint_with_file_and_line(tmp_path: Path) -> None:
    """A copy of the site with every audit finding planted: citation-lint fails and names each place."""
    for name in ("content", "includes"):
        shutil.copytree(ROOT / name, tmp_path / name)
    for name in ("mkdocs.yml", "references.bib", "red-flags.yml", "findings.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    expected = []
    for finding, page, text, _ in PLANTED:
        path = tmp_path / "content" / page
        source = path.read_text(encoding="utf-8").rstrip("\n")
        path.write_text(f"{source}\n\n{text}\n", encoding="utf-8")
        expected.append((finding, f"content/{page}:"))
    script = Path(sys.executable).with_name("citation-lint")
    proc = subprocess.run([str(script), "--format", "json", "--select", "red-flag-urgency", "--jobs", "2"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr
    found = json.loads(proc.stdout)["findings"]
    assert all(f["rule"] == "red-flag-urgency" and f["line"] > 1 for f in found)
    for finding, where in expected:
        assert any(f["path"] + ":" == where for f in found), finding
    assert len(found) >= len(PLANTED)


# -- a broken data file: a finding with file and line, never a traceback --------------------------
GOOD = (ROOT / "red-flags.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("change", "line", "message"), [
    (lambda text: text.replace("include_path: includes/red-flags", "include_path: [includes"), 14,
     "not valid YAML: expected ',' or ']', but got '<scalar>' (while parsing a flow sequence that starts at line 12)"),
    (lambda text: text.replace("    urgency: same-day\n", "    urgency: tomorrow\n", 1), None,
     "unknown urgency 'tomorrow'"),
    (lambda text: text.replace("    who: [adult, child]\n", "    who: [adult, child]\n    colour: red\n", 1), None,
     "unknown key 'colour'"),
    (lambda text: text.replace("    blocks: [chest-aorta]\n", "    blocks: [chest]\n", 1), None,
     "unknown block 'chest'"),
    (lambda text: text.replace("  - id: saddle-numbness", "  - id: both-legs", 1), None, "defined twice"),
])
def test_a_broken_data_file_is_a_finding_with_file_and_line(tmp_path: Path, change, line: int | None,
                                                              message: str) -> None:
    broken = change(GOOD)
    assert broken != GOOD
    path = tmp_path / "red-flags.yml"
    path.write_text(broken, encoding="utf-8")
    data, findings = load_for_lint(path, "red-flags.yml")
    assert data is None and len(findings) == 1
    finding = findings[0]
    assert finding.rule == "red-flag-data" and finding.path == "red-flags.yml" and message in finding.message
    expected_line = line or next(number for number, (old, new) in
                                 enumerate(zip(GOOD.splitlines(), broken.splitlines(), strict=False), start=1) if old != new)
    assert finding.line == expected_line, finding


def test_a_broken_data_file_fails_citation_lint_without_a_traceback(tmp_path: Path) -> None:
    project = tmp_path / "site"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("---\ntitle: T\ndescription: D.\nlast_reviewed: 2026-01-01\n"
                                               "next_review: 2028-01-01\n---\n\n# T\n", encoding="utf-8")
    shutil.copy(ROOT / "references.bib", project / "references.bib")
    (project / "red-flags.yml").write_text(GOOD.replace("    urgency: days\n", "    urgency: later\n", 1),
                                           encoding="utf-8")
    (project / "mkdocs.yml").write_text("site_name: T\nmarkdown_extensions:\n  - medcite:\n"
                                        "      bibliography: references.bib\n      red_flags: red-flags.yml\n",
                                        encoding="utf-8")
    script = Path(sys.executable).with_name("citation-lint")
    proc = subprocess.run([str(script), "-q", "--jobs", "1"], cwd=project, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr + proc.stdout
    assert re.search(r"^red-flags\.yml:\d+:1: error: sign '[a-z-]+': unknown urgency 'later'.*\[red-flag-data\]$",
                     proc.stdout, re.M), proc.stdout


def test_a_broken_data_file_shows_a_warning_box_not_nothing(tmp_path: Path) -> None:
    (tmp_path / "red-flags.yml").write_text("signs: [\n", encoding="utf-8")
    md = markdown.Markdown(extensions=["admonition", CitationsExtension(bibliography=BIB,
                                                                        red_flags=str(tmp_path / "red-flags.yml"))])
    html = md.convert('# Page\n\n--8<-- "includes/red-flags/cauda-equina.md"\n')
    soup = BeautifulSoup(html, "html.parser")
    box = soup.select_one("div.admonition.danger.red-flag-missing")
    assert box is not None and "could not be shown" in box.get_text() and "999" in box.get_text()


def test_an_unknown_block_is_reported_and_shown(tmp_path: Path) -> None:
    page = "---\ntitle: T\n---\n\n--8<-- \"includes/red-flags/no-such-box.md\"\n"
    report = check_document("page.md", page, BIB, OPTIONS)
    assert [(f.line, f.rule) for f in report.findings] == [(5, "red-flag-data")]
    md = markdown.Markdown(extensions=["admonition", CitationsExtension(bibliography=BIB,
                                                                        red_flags=str(ROOT / "red-flags.yml"))])
    assert "red-flag-missing" in md.convert(page.split("---\n", 2)[2])


def test_the_data_renders_the_same_through_plain_python_markdown() -> None:
    md = markdown.Markdown(extensions=["admonition", CitationsExtension(bibliography=BIB,
                                                                        red_flags=str(ROOT / "red-flags.yml"))])
    soup = BeautifulSoup(md.convert('--8<-- "includes/red-flags/cancer.md"\n'), "html.parser")
    boxes = soup.select("div.admonition.red-flag.red-flag-cancer")
    assert [box["class"][1] for box in boxes] == ["danger", "warning"]
    assert len(soup.select("div.red-flag-cancer li")) == len(DATA.block_signs("cancer"))


def test_parse_rejects_an_empty_phrase_with_its_line() -> None:
    text = GOOD.replace('phrases: ["inject drugs"]', 'phrases: ["..."]')
    with pytest.raises(Exception) as caught:
        parse_red_flags(text, "red-flags.yml")
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if row.strip() == 'phrases: ["..."]')
    assert str(caught.value).startswith(f"red-flags.yml:{line}: phrase")


def test_the_bibliography_lists_the_pages_whose_boxes_cite_a_source(repo_site: Path) -> None:
    """A source cited only in red-flag boxes is "cited on" every page that shows those boxes."""
    soup = BeautifulSoup((repo_site / "bibliography" / "index.html").read_text(encoding="utf-8"), "html.parser")
    entry = soup.find(id=re.compile("patientinfo2026sepsis"))
    assert entry is not None
    text = entry.get_text(" ", strip=True)
    for title in ("Low back pain", "Hip pain", "When to get urgent help"):
        assert title in text, text[-400:]


@pytest.mark.parametrize("unit", ["numbness around your bottom cancer weak leg ", "- a ", "!!! note \"x\"\n    - ",
                                  "- see your doctor, numbness around your bottom:\n", "    - leg\n" * 3 + "x:\n"])
def test_the_rule_stays_fast_on_long_repetitive_text(unit: str) -> None:
    """Linear in the page: about 20,000 lines take about a second (bound: 5 s, for a busy machine)."""
    text = "---\ntitle: T\n---\n\n" + unit * (20000 // max(1, unit.count("\n"))) + "\n"
    document = parse_document(text)
    started = time.monotonic()
    check_red_flags("long.md", text, document, DATA)
    assert time.monotonic() - started < 5


US_FLAGS = """\
include_path: partials/warnings
levels:
  emergency:
    title: "Emergency: call 911 now"
    action: "Call 911 now."
    words: ["911", "emergency room"]
blocks:
  chest:
    when: "If you have any of these:"
    pages: [index.md]
signs:
  - id: chest-pain
    words: "chest pain with back pain"
    urgency: emergency
    who: [adult]
    blocks: [chest]
    sources: [chou2007diagnosis]
    phrases: ["chest pain"]
"""


def test_another_site_uses_its_own_data_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from medcite.adapters.cli.main import main as lint_main

    from .conftest import FRONT, run_build, write_project

    page = FRONT + '\n# Page\n\n--8<-- "partials/warnings/chest.md"\n\nIf you have chest pain, see your doctor.\n'
    extension = {"medcite": {"bibliography": "refs.bib", "red_flags": "flags.yml"}}
    project = write_project(tmp_path, {"index.md": page},
                            extra={"markdown_extensions": ["admonition", "attr_list", "toc", extension]})
    (project / "flags.yml").write_text(US_FLAGS, encoding="utf-8")
    monkeypatch.chdir(project)
    assert lint_main(["--jobs", "1", "--select", "red-flag-urgency,red-flag-data"]) == 1
    out = capsys.readouterr().out
    assert ("docs/index.md:12:1: error: says 'see your doctor' with no time frame for 'chest-pain', which flags.yml "
            "gives as emergency (Emergency: call 911 now) [red-flag-urgency]") in out
    failed = run_build(project)
    assert failed.returncode != 0 and "docs/index.md:12:1: error: says 'see your doctor'" in failed.log
    (project / "docs" / "index.md").write_text(page.replace("see your doctor", "call 911"), encoding="utf-8")
    assert lint_main(["--jobs", "1", "--select", "red-flag-urgency,red-flag-data"]) == 0
    built = run_build(project, strict=False)
    box = built.page("index.html").select_one("div.admonition.danger.red-flag.red-flag-chest.red-flag-emergency")
    assert box is not None and box.select_one(".admonition-title").get_text(strip=True) == "Emergency: call 911 now"
    assert box.select_one("sup.medcite-citation") is not None
    (project / "flags.yml").write_text(US_FLAGS.replace("urgency: emergency", "urgency: soonish"), encoding="utf-8")
    broken = run_build(project)
    assert broken.returncode != 0 and "Traceback" not in broken.log
    assert "flags.yml:14:1: error: sign 'chest-pain': unknown urgency 'soonish'" in broken.log, broken.log


def test_a_box_text_in_the_data_that_contradicts_a_sign_is_reported_at_its_data_line() -> None:
    """The generated boxes are linted too: an 'about' paragraph is checked like any page's prose, and the
    finding points at the line of the data file where that paragraph starts."""
    text = GOOD.replace("These can be signs of cauda equina syndrome", "With numbness around your bottom, book a "
                        "routine appointment. These can be signs of cauda equina syndrome", 1)
    assert text != GOOD
    data = parse_red_flags(text, "red-flags.yml")
    rows = text.splitlines()
    changed = next(n for n, row in enumerate(rows, start=1) if "book a routine appointment" in row)
    about = max(n for n, row in enumerate(rows[:changed], start=1) if row.strip().startswith("about:"))
    from medcite.source.redflags import lint_text

    report = check_document("red-flags.yml", lint_text(data), BIB,
                            LintOptions(select=frozenset({"red-flag-urgency"}), red_flags=data,
                                        fragments=frozenset({"red-flags.yml"})))
    assert [(f.line, "'saddle-numbness'" in f.message) for f in report.findings] == [(about, True)]


@pytest.mark.parametrize("name", sorted(DATA.blocks))
def test_every_box_reads_at_grade_8_or_below(name: str) -> None:
    from medcite.source.readability import measure

    sentences = [sentence.text for _, sentence in parse_document(render_block(DATA, name)).sentences()]
    assert measure(sentences).grade <= 8.0


@pytest.mark.parametrize(("text", "found"), [
    ("If you take steroid tablets, ask your doctor about your bone health.", []),
    ("If you take steroid tablets, ask your doctor if new back pain starts.", ["'long-term-steroids'"]),
    ("If you have numbness around your bottom, see your doctor. <!-- red-flag-ok: quoting an old leaflet -->", []),
    ("If you have numbness around your bottom, see your doctor. <!-- red-flag-ok -->", ["needs a reason"]),
    ("Walking helps. <!-- red-flag-ok: x --> If you have numbness around your bottom, see your doctor.",
     ["'saddle-numbness'"]),
])
def test_asking_for_information_and_exemptions(text: str, found: list[str]) -> None:
    planted, _ = _plant("conditions/low-back-pain.md", text)
    messages = _urgency_findings("conditions/low-back-pain.md", planted)
    assert len(messages) == len(found) and all(word in message for word, message in zip(found, messages, strict=True))
