"""number-not-in-source, wired into the one lint service: planted changes on this site's own cited claims,
the site as it stands, bad findings files, the shard/cache codec, and a real strict build."""

from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from medcite.adapters.cli.main import main
from medcite.app.project import read_project
from medcite.app.shards import _Reader, report_to_dict
from medcite.bib.bibliography import load_bibliography
from medcite.bib.findings import parse_findings
from medcite.core.quantities import Quantity, read_quantities
from medcite.lint.checks import DocumentReport, NumberClaim, check_document
from medcite.lint.numbers import check_numbers, load_findings

from .conftest import FRONT, ROOT, SMALL_BIB, run_build, write_project

WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
         "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "a": 1, "an": 1}
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?|\b(?:" + "|".join(WORDS) + r")\b", re.IGNORECASE)
# Simple fractions as words: (up, down) as the same proportion x1.5 and x0.5, written "N in 100".
FRACTIONS = {"half": ("75 in 100", "25 in 100"), "a third": ("50 in 100", "17 in 100"),
             "a quarter": ("38 in 100", "13 in 100")}
UNITS = {"minute": "hour", "hour": "day", "day": "week", "week": "month", "month": "year", "year": "month"}
HALF = {"minute": "30 seconds", "hour": "30 minutes", "day": "12 hours", "week": "3 days", "month": "2 weeks",
        "year": "6 months"}
UNIT = re.compile(r"\b(minute|hour|day|week|month|year)(s?)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def site() -> tuple[list[DocumentReport], object]:
    """This site's pages, linted once, and its findings file."""
    project = read_project(ROOT / "mkdocs.yml", required=True)
    assert project.bibliography is not None and project.docs_dir is not None and project.findings is not None
    bib, _ = load_bibliography(project.bibliography, "references.bib")
    options = project.settings.lint_options()
    reports = [check_document(page.relative_to(ROOT).as_posix(), page.read_text(encoding="utf-8"), bib, options)
               for page in sorted(project.docs_dir.rglob("*.md"))]
    data, problems = load_findings(project.findings, "findings.yml", bib.references)
    assert problems == []
    return reports, data


def _scaled(value: float, factor: float) -> str:
    new = round(value * factor)
    if new == value:
        new = value + 1 if factor > 1 else value - 1
    if new <= 0:
        return f"{value * factor:g}"
    return f"{new:,.0f}" if value >= 1000 else f"{new:g}"


def planted(q: Quantity) -> list[tuple[str, str]]:
    """Changed copies of one quantity as written: (how, new text): up x1.5 and down x0.5 (every number of it,
    so a range moves as a whole), and another form that means something else (another unit or denominator)."""
    text = q.text
    out: list[tuple[str, str]] = []
    low = text.lower()
    fraction = next((f for f in FRACTIONS if f in low), None) if q.dim == "proportion" else None
    if fraction is not None:
        at = low.index(fraction)
        up, down = FRACTIONS[fraction]
        out += [("up", text[:at] + up + text[at + len(fraction):]),
                ("down", text[:at] + down + text[at + len(fraction):])]
    elif NUMBER.search(text) is not None:
        per = re.search(r"\bin (every )?[\d,]+\b", text)  # "3 in 100": the count changes, not the denominator
        head, tail = (text[:per.start()], text[per.start():]) if per else (text, "")
        for how, factor in (("up", 1.5), ("down", 0.5)):
            def scale(match: re.Match[str], factor: float = factor) -> str:
                word = match.group(0)
                value = WORDS.get(word.lower()) or float(word.replace(",", ""))
                return _scaled(value, factor)

            unit = UNIT.search(text)
            one = NUMBER.fullmatch(text[:unit.start()].split()[-1]) if unit and text[:unit.start()].split() else None
            if one and factor < 1 and (WORDS.get(one.group(0).lower()) or float(one.group(0).replace(",", ""))) == 1:
                assert unit is not None  # "a year" -> "6 months": half of one unit, in the next smaller unit
                at = text[:unit.start()].rstrip().rfind(one.group(0))
                out.append((how, text[:at] + HALF[unit.group(1).lower()] + text[unit.end():]))
                continue
            out.append((how, NUMBER.sub(scale, head) + tail))
    unit = UNIT.search(text)
    denominator = re.search(r"\bin (every )?([\d,]+)\b", text)
    if unit is not None:
        swapped = UNITS[unit.group(1).lower()] + unit.group(2)
        out.append(("other form", text[:unit.start()] + swapped + text[unit.end():]))
    elif denominator is not None:
        bigger = f"{int(denominator.group(2).replace(',', '')) * 10:,}"
        out.append(("other form", text[:denominator.start(2)] + bigger + text[denominator.end(2):]))
    elif q.dim == "number":
        out.append(("other form", text + "%"))
    elif "%" in text:
        out.append(("other form", text.replace("%", " in 1,000")))
    return out


def _same(said: Quantity, figure: Quantity) -> bool:
    """The same value exactly (not by the matcher's tolerance): a planted number that another recorded figure
    of the cited sources states, which no check against those figures can tell from a true one."""
    return said.dim == figure.dim and math.isclose(said.low, figure.low) and math.isclose(said.high, figure.high)


def _changed(claim: NumberClaim, q: Quantity, new: str) -> NumberClaim:
    """The claim with quantity ``q`` written as ``new``; its citations keep their places after it."""
    shift = len(new) - (q.end - q.start)
    cites = tuple((offset + shift if offset >= q.end else offset, keys) for offset, keys in claim.cites)
    return NumberClaim(claim.line, claim.column, claim.text[:q.start] + new + claim.text[q.end:], claim.keys, cites)


def planted_recall(site) -> float:
    reports, data = site
    claims = [(report.path, claim) for report in reports for claim in report.numbers]
    assert len(claims) >= 100, "this site's cited claims that give a number"
    planted_count = 0
    missed: list[str] = []
    collisions = 0  # missed, and the new number is exactly another figure the cited sources recorded
    for path, claim in claims:
        for q in read_quantities(claim.text):
            for how, new in planted(q):
                report = DocumentReport(path, numbers=[_changed(claim, q, new)])
                planted_count += 1
                if not any(f.rule == "number-not-in-source" for f in check_numbers([report], data)):
                    said = read_quantities(new)
                    figures = [fig for key in claim.keys for f in data.by_key.get(key, []) for fig in f.figures]
                    collision = bool(said) and any(_same(said[0], fig) for fig in figures)
                    collisions += collision
                    missed.append(f"{path}:{claim.line} {how}: {q.text!r} -> {new!r}"
                                  + (" (another recorded figure)" if collision else ""))
    recall = 1 - len(missed) / planted_count
    catchable = planted_count - collisions
    recall_catchable = 1 - (len(missed) - collisions) / catchable
    print(f"\nplanted number changes: {planted_count} in {len(claims)} cited claims; reported "
          f"{planted_count - len(missed)}; recall {recall:.3f}; {collisions} changed numbers equal another figure "
          f"of the same sources; recall over the other {catchable}: {recall_catchable:.3f}")
    print("\n".join(missed))
    assert planted_count >= 300
    return recall


def test_planted_changes_on_this_sites_cited_numbers_are_reported(site) -> None:
    """Measured 0.959 of 1,006 changes in 216 cited sentences (0.958 of 982 while only the rule table's claims were
    checked; 0.894 before a count of a unit, "N in 100", hedges, bounds and ranges were
    held to what they say, and a figure to the citation that follows it). Most of the 41 misses are another
    figure the same source recorded (a year changed to "a month" where the source also reports one month; "6
    months" and its "26 weeks"), or a figure near one ("about 4 days" and its 4.1 days); this floor catches
    a regression."""
    assert planted_recall(site) >= 0.955


def test_planted_recall_meets_the_goal(site) -> None:
    """Issue 24's goal."""
    assert planted_recall(site) >= 0.95


def test_the_site_as_it_stands_has_no_number_findings(site, capsys) -> None:
    reports, data = site
    assert sum(len(r.numbers) for r in reports) >= 100
    assert check_numbers(reports, data) == []
    code = main(["--config", str(ROOT / "mkdocs.yml"), "--select",
                 "number-not-in-source,source-findings-missing,invalid-findings", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "number-not-in-source" not in out and "source-findings-missing" not in out


def test_check_numbers_names_number_keys_and_nearest_figure() -> None:
    data = parse_findings("a2020:\n  - finding: 73% had a recurrence within 12 months.\n    where: abstract\n")
    report = DocumentReport("docs/p.md", numbers=[
        NumberClaim(4, 1, "About 9 in 10 have another episode within a year.", ("a2020",)),
        NumberClaim(5, 1, "About 7 in 10 have another episode within a year.", ("a2020",)),
        NumberClaim(6, 1, "About 9 in 10 have another episode within a year.", ("a2020", "b2021")),
    ])
    found = check_numbers([report], data)
    assert [(f.rule, f.line) for f in found] == [("number-not-in-source", 4), ("source-findings-missing", 6)]
    assert "'About 9 in 10'" in found[0].message and "@a2020" in found[0].message and "'73%'" in found[0].message
    assert found[1].severity == "warning" and "@b2021" in found[1].message
    assert check_numbers([report], None) == []  # no findings file: the rule does nothing


def test_number_claims_round_trip_through_the_shard_and_cache_codec() -> None:
    bib, _ = load_bibliography(ROOT / "references.bib", "references.bib")
    text = FRONT + "# T\n\nAbout 7 in 10 people have another episode within a year [@pengel2003acute].\n"
    report = check_document("docs/t.md", text, bib, read_project(ROOT / "mkdocs.yml", True).settings.lint_options())
    said = "About 7 in 10 people have another episode within a year."
    # the citation stood before the full stop: rule 7 holds the sentence's figures against it
    assert report.numbers == [NumberClaim(9, 1, said, ("pengel2003acute",), ((len(said) - 1, ("pengel2003acute",)),))]
    back = _Reader("shard.json").report(report_to_dict(report), "reports[0]")
    assert back.numbers == report.numbers


def test_a_bad_citation_place_in_a_shard_is_named() -> None:
    from medcite.core.model import InputError

    bib, _ = load_bibliography(ROOT / "references.bib", "references.bib")
    text = FRONT + "# T\n\nAbout 7 in 10 people have another episode within a year [@pengel2003acute].\n"
    data = report_to_dict(check_document("docs/t.md", text, bib,
                                         read_project(ROOT / "mkdocs.yml", True).settings.lint_options()))
    data["numbers"][0]["cites"][0]["offset"] = "55"
    with pytest.raises(InputError) as caught:
        _Reader("shard.json").report(data, "reports[0]")
    assert "reports[0].numbers[0].cites[0].offset: expected int" in caught.value.message


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        (lambda n: n["cites"][0].update(offset=-5), "cites[0].offset", "an offset in the claim's text"),
        (lambda n: n["cites"][0].update(offset=10**30), "cites[0].offset", "an offset in the claim's text"),
        (lambda n: n["cites"][0].update(keys=[]), "cites[0].keys", "one or more of the claim's keys"),
        (lambda n: n["cites"][0].update(keys=["nosuch"]), "cites[0].keys", "one or more of the claim's keys"),
        (lambda n: n["cites"].insert(0, {"offset": 56, "keys": ["pengel2003acute"]}), "cites[1].offset",
         "an offset in the claim's text"),
        (lambda n: n.update(keys=[]), "keys", "a list of one or more keys"),
    ],
)
def test_a_citation_place_out_of_range_in_a_shard_is_named(change, field: str, expected: str) -> None:
    """A tampered shard or cache file: a citation place outside its sentence, out of order, or naming no
    source or one the claim does not cite would hold a figure to the wrong sources (or none) in silence."""
    from medcite.core.model import InputError

    bib, _ = load_bibliography(ROOT / "references.bib", "references.bib")
    text = FRONT + "# T\n\nAbout 7 in 10 people have another episode within a year [@pengel2003acute].\n"
    data = report_to_dict(check_document("docs/t.md", text, bib,
                                         read_project(ROOT / "mkdocs.yml", True).settings.lint_options()))
    change(data["numbers"][0])
    with pytest.raises(InputError) as caught:
        _Reader("shard.json").report(data, "reports[0]")
    assert caught.value.path == "shard.json"
    assert f"reports[0].numbers[0].{field}: expected {expected}" in caught.value.message


def test_page_report_does_not_depend_on_the_findings_file() -> None:
    """The lint cache key is the page text, the bibliography and the options: findings are not in them."""
    import dataclasses

    from medcite.lint.checks import LintOptions

    assert "findings" not in {f.name for f in dataclasses.fields(LintOptions)}


def _lint(capsys, tmp_path: Path, findings: str, page: str = "", *extra: str) -> tuple[int, str, str]:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "p.md").write_text(FRONT + "# T\n\n" + (page or "Back pain is common [@chou2007diagnosis].\n"),
                               encoding="utf-8")
    (tmp_path / "refs.bib").write_text(SMALL_BIB, encoding="utf-8")
    (tmp_path / "findings.yml").write_text(findings, encoding="utf-8")
    code = main([str(docs), "--bib", str(tmp_path / "refs.bib"), "--findings", str(tmp_path / "findings.yml"),
                 *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(("text", "where", "words"), [
    ("chou2007diagnosis:\n  - finding: [unclosed\n", "findings.yml:3:1", "not valid YAML"),
    ("nosuchkey2020:\n  - finding: 40% got better.\n    where: abstract\n", "findings.yml:1:1",
     "not a key of the bibliography"),
    ("chou2007diagnosis:\n  - finding: Most got better.\n    where: abstract\n    figures: [lots]\n",
     "findings.yml:4:15", "cannot read the figure"),
    ("chou2007diagnosis:\n  - finding: 40% got better.\n    where: abstract\n    seen: yes\n", "findings.yml:4:5",
     "unknown field"),
])
def test_bad_findings_file_is_a_located_finding(capsys, tmp_path, monkeypatch, text, where, words) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _lint(capsys, tmp_path, text)
    assert code == 1
    line = next(line for line in out.splitlines() if "invalid-findings" in line)
    assert line.startswith(where + ": error:") and words in line, out
    assert "Traceback" not in out + err


CHOU = ("chou2007diagnosis:\n  - finding: About a quarter of US adults said they had low back pain lasting at least "
        "a day in the past 3 months.\n    where: introduction\n")


@pytest.mark.parametrize("claims", [None, "rules", "model", "meaning"])
@pytest.mark.parametrize("sentence", ["Most of them were women aged 40 to 60 [@chou2007diagnosis].",
                                      "It included 242 adults with back pain [@chou2007diagnosis]."])
def test_numbers_of_every_cited_sentence_are_checked_whatever_the_classifier_says(
        capsys, tmp_path, monkeypatch, claims, sentence) -> None:
    """The meaning classifier (the default) and the word model call study descriptions like these "none"; their
    numbers are still the cited source's figures, so number-not-in-source checks them (None: the default)."""
    monkeypatch.chdir(tmp_path)
    code, out, _ = _lint(capsys, tmp_path, CHOU, sentence + "\n", *(["--claims", claims] if claims else []))
    assert code == 1, out
    assert "docs/p.md:9:1: error: " in out and "is not a figure that @chou2007diagnosis reported" in out, out


def test_missing_findings_file_named_in_config_is_a_finding_at_line_1(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "p.md").write_text(FRONT + "# T\n\nBack pain is common [@chou2007diagnosis].\n")
    (tmp_path / "refs.bib").write_text(SMALL_BIB, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: T
        docs_dir: docs
        markdown_extensions:
          - medcite:
              bibliography: refs.bib
              findings: nowhere.yml
        """), encoding="utf-8")
    code = main([])
    out = capsys.readouterr().out
    assert code == 1
    assert "nowhere.yml:1:1: error: cannot read the findings file" in out, out


FIXTURE_BIB = (ROOT / "references.bib").read_text(encoding="utf-8")
FINDINGS = "pengel2003acute:\n  - finding: 73% had at least one recurrence within 12 months.\n    where: abstract (results)\n"
PAGE = FRONT + "# Back pain\n\nAbout {n} in 10 people have another episode within a year [@pengel2003acute].\n"


def _fixture_site(tmp_path: Path, n: int) -> Path:
    project = write_project(tmp_path, {"index.md": PAGE.format(n=n),
                                       "bibliography.md": FRONT + "# Bibliography\n\n<!-- medcite:bibliography -->\n"},
                            FIXTURE_BIB, extra={"markdown_extensions": [
                                "admonition", "attr_list", "toc",
                                {"medcite": {"bibliography": "refs.bib", "findings": "findings.yml"}}]})
    (project / "findings.yml").write_text(FINDINGS, encoding="utf-8")
    return project


def test_strict_build_fails_on_a_changed_number_and_passes_when_it_matches(tmp_path) -> None:
    bad = run_build(_fixture_site(tmp_path / "bad", 9))
    assert bad.returncode != 0
    assert "docs/index.md:9:1: error: 'About 9 in 10' is not a figure that @pengel2003acute reported" in bad.log
    good = run_build(_fixture_site(tmp_path / "good", 7))
    assert good.returncode == 0, good.log
    page = (tmp_path / "good" / "site" / "bibliography" / "index.html").read_text(encoding="utf-8")
    entry = BeautifulSoup(page, "html.parser").find(id="bib-pengel2003acute")
    assert entry is not None
    box = entry.find(class_="medcite-source-findings")
    assert box is not None and "What this source found" in box.get_text()
    items = [li.get_text(" ", strip=True) for li in box.find_all("li")]
    assert items == ["73% had at least one recurrence within 12 months. (seen in: abstract (results))"]


def test_recorded_findings_are_escaped_on_the_bibliography_page(tmp_path) -> None:
    project = _fixture_site(tmp_path, 7)
    (project / "findings.yml").write_text(FINDINGS.replace("12 months.", "12 months <script>x()</script>."))
    result = run_build(project)
    assert result.returncode == 0, result.log
    page = (project / "site" / "bibliography" / "index.html").read_text(encoding="utf-8")
    assert "<script>x()" not in page and "&lt;script&gt;x()" in page


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs", "zensical"])
def test_this_sites_bibliography_shows_what_each_source_found(repo_sites, engine) -> None:
    page = (repo_sites[engine] / "bibliography" / "index.html").read_text(encoding="utf-8")
    entry = BeautifulSoup(page, "html.parser").find(id="bib-pengel2003acute")
    assert entry is not None
    box = entry.find(class_="medcite-source-findings")
    assert box is not None and box.find("p").get_text(strip=True) == "What this source found:"
    items = [li.get_text(" ", strip=True) for li in box.find_all("li")]
    assert "73% had at least one recurrence within 12 months. (seen in: abstract (results))" in items
