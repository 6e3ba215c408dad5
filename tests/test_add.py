"""``citation-lint add``: PubMed .nbib, RIS and CSL-JSON records (invented, in tests/records/) become
entries that parse, format and build; duplicates and bad input are refused with a clear message."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from medcite.adapters.cli.main import main
from medcite.bib.bibliography import load_bibliography, parse_bibliography
from medcite.importers.addentry import AddError, add_entries, evidence_for, latex_escape, make_key
from medcite.importers.records import Draft, RecordError, detect_format, full_pages, read_records
from medcite.style.formatter import ReferenceFormatter

from .conftest import FRONT, ROOT, SMALL_BIB, run_build, write_project

RECORDS = ROOT / "tests" / "records"
TODAY = dt.date(2026, 1, 1)


def _add(text: str, bib_text: str = SMALL_BIB, **kwargs: object) -> tuple[str, list]:
    bib, _ = parse_bibliography(bib_text, "refs.bib")
    return add_entries(read_records(text), bib, bib_text, "refs.bib", today=TODAY, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sample", "key", "expected"),
    [
        ("sample.nbib", "rahman2023walking",
         "Rahman N, Fisher OJ. Walking programmes for people with chronic low back pain: a randomized controlled trial "
         "in primary care. Ex J Back Pain. 2023 Apr;12(4):201-9. doi:10.5555/ejbp.2023.0201. PMID: 99000001."),
        ("sample.ris", "lund2021heat",
         "Lund E, Kowalski P. Heat or cold for acute low back pain: a systematic review. Ex Rev Spine Care. "
         "2021;7(2):55-67. doi:10.5555/ersc.2021.055."),
        ("sample.json", "ess2022sciatica",
         "Example Spine Society. Sciatica: self-care at home [Internet]. Leeds: Example Spine Society; 2022 May "
         "[cited 2024 Mar 1]. Available from: https://example.org/sciatica-self-care"),  # the month: any entry
    ],
)
def test_each_format_becomes_an_entry_in_citing_medicine_form(sample: str, key: str, expected: str) -> None:
    new_text, added = _add((RECORDS / sample).read_text(encoding="utf-8"))
    assert [entry.key for entry in added] == [key]
    bib, findings = parse_bibliography(new_text, "refs.bib")
    assert [f for f in findings if f.severity == "error"] == []
    assert ReferenceFormatter().format(bib.references[key]).text == expected
    assert new_text.startswith(SMALL_BIB)  # appended; nothing before it changed
    assert "not yet checked against the source's own page" in added[0].text


def test_medline_fields_evidence_and_shortjournal() -> None:
    _, (entry,) = _add((RECORDS / "sample.nbib").read_text(encoding="utf-8"))
    bib, _ = parse_bibliography(entry.text, "x.bib")
    ref = bib.references["rahman2023walking"]
    assert ref.fields["shortjournal"] == "Ex J Back Pain"  # from TA
    assert ref.fields["evidence"] == "rct"  # from PT "Randomized Controlled Trial"
    assert ref.fields["pages"] == "201--209"
    assert entry.evidence_source == "publication type"


@pytest.mark.parametrize(
    ("types", "level"),
    [(["Journal Article", "Practice Guideline"], "guideline"), (["Meta-Analysis", "Randomized Controlled Trial"],
     "systematic-review"), (["Systematic Review"], "systematic-review"), (["Randomized Controlled Trial"], "rct"),
     (["Journal Article", "Review"], "review"), (["Journal Article"], ""), ([], "")],
)
def test_evidence_from_publication_type(types: list[str], level: str) -> None:
    assert evidence_for(Draft("article", publication_types=types)) == level


def test_evidence_is_asked_or_left_for_the_editor() -> None:
    text = (RECORDS / "sample.ris").read_text(encoding="utf-8")
    _, (left,) = _add(text)
    assert "evidence" not in left.text and left.evidence_source == ""
    _, (given,) = _add(text, evidence="review")
    assert "evidence     = {review}" in given.text and given.evidence_source == "--evidence"
    _, (asked,) = _add(text, ask=lambda draft: "systematic-review")
    assert "{systematic-review}" in asked.text and asked.evidence_source == "asked"


def test_keys_are_stable_and_deduplicated() -> None:
    draft = Draft("article", fields={"title": "The Prognosis of Back Pain", "year": "2012"},
                  authors=[("Menezes Costa", "Luciola"), ("Maher", "Chris")])
    assert make_key(draft, set()) == "menezescosta2012prognosis"
    assert make_key(draft, {"menezescosta2012prognosis"}) == "menezescosta2012prognosisb"
    assert make_key(draft, {"MenezesCosta2012Prognosis", "menezescosta2012prognosisb"}) == "menezescosta2012prognosisc"
    group = Draft("online", fields={"title": "Low back pain", "year": "2016"},
                  authors=[("World Health Organization", "")])
    assert make_key(group, set()) == "who2016low"
    accents = Draft("article", fields={"title": "Über Rückenschmerz", "year": "2020"}, authors=[("Müller", "Jörg")])
    assert make_key(accents, set()) == "muller2020uber"


def test_two_records_with_the_same_key_in_one_input() -> None:
    one = json.loads((RECORDS / "sample.json").read_text(encoding="utf-8"))[0]
    two = {**one, "URL": "https://example.org/other"}
    new_text, added = _add(json.dumps([one, two]))
    assert [e.key for e in added] == ["ess2022sciatica", "ess2022sciaticab"]
    assert set(parse_bibliography(new_text, "r.bib")[0].references) >= {"ess2022sciatica", "ess2022sciaticab"}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ("PMID- 25828856\nTI  - Same PMID\nDP  - 2015\nFAU - Doe, Jane\n", "PMID 25828856 is already in refs.bib as "
         "'machado2015efficacy'"),
        ('[{"type": "article-journal", "title": "Same DOI", "DOI": "https://doi.org/10.1136/BMJ.H1225"}]',
         "DOI 10.1136/BMJ.H1225 is already in refs.bib as 'machado2015efficacy'"),
        ('[{"type": "article-journal", "title": "Bad DOI", "DOI": "doi-less"}]', "the DOI 'doi-less' does not look"),
        ("PMID- 12ab\nTI  - Bad PMID\nDP  - 2015\n", "the PMID '12ab' is not digits only"),
        ('[{"type": "webpage", "title": "Bad URL", "URL": "javascript:alert(1)"}]', "is not an http(s) address"),
    ],
)
def test_refusals_name_the_reason(record: str, message: str) -> None:
    with pytest.raises(AddError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        _add(record)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "cannot tell the format"),
        ("hello world\n", "cannot tell the format"),
        ("[1, 2]", "CSL-JSON item 1 is not an object with a title"),
        ("{not json", "cannot read the CSL-JSON: Expecting property name"),
        ("TY  - JOUR\nAU  - Doe, J\nER  - \n", "RIS record 1 has no title"),
        ("PMID- 1\nAU  - Doe J\n", "MEDLINE record 1 has no title"),
        ('{"title": "x", "issued": {"date-parts": "nonsense"}, "author": "not a list"}', None),
    ],
)
def test_bad_records_raise_a_clear_error(text: str, message: str | None) -> None:
    if message is None:  # odd values are skipped, not a traceback
        assert read_records(text)[0].fields == {"title": "x"}
        return
    with pytest.raises(RecordError, match=message):
        read_records(text)


def test_hostile_text_is_escaped_and_reads_back_unchanged() -> None:
    title = "Pain relief & 100% of $cost #1 under_score ~ ^ back\\slash"
    record = json.dumps([{"type": "webpage", "title": title, "URL": "https://example.org/a?b=1%20c&d",
                          "author": [{"family": "O'Brien", "given": "Ann"}]}])
    new_text, (entry,) = _add(record)
    bib, findings = parse_bibliography(new_text, "r.bib")
    assert [f for f in findings if f.severity == "error"] == []
    ref = bib.references[entry.key]
    assert ref.fields["title"] == title
    assert ref.fields["url"] == "https://example.org/a?b=1%20c&d"
    assert latex_escape("a&b") == r"a\&b"
    braced = json.dumps([{"type": "webpage", "title": "A {braced} title", "URL": "https://example.org/"}])
    with pytest.raises(AddError, match="holds a brace"):
        _add(braced)


def test_format_detection_and_page_ranges() -> None:
    assert detect_format("\ufeffTY  - JOUR\n") == "ris"
    assert detect_format("PMID- 1\n") == "nbib"
    assert detect_format('  [{"title": 1}]') == "csl-json"
    assert full_pages("478-91") == "478--491" and full_pages("E613-24") == "E613--E624"
    assert full_pages("1512-1521") == "1512--1521" and full_pages("e0229823") == "e0229823"


# -- the command --------------------------------------------------------------------------------
@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "refs.bib").write_text(SMALL_BIB, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - citations:\n      bibliography: refs.bib\n",
                                         encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_command_appends_and_refuses_a_second_time(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", str(RECORDS / "sample.nbib")]) == 0
    out, err = capsys.readouterr()
    assert "@article{rahman2023walking," in out
    assert "added 'rahman2023walking' to refs.bib (evidence from the publication type)" in err
    assert "rahman2023walking" in (project / "refs.bib").read_text(encoding="utf-8")
    before = (project / "refs.bib").read_bytes()
    assert main(["add", str(RECORDS / "sample.nbib")]) == 1
    _, err = capsys.readouterr()
    assert "refused: DOI 10.5555/ejbp.2023.0201 is already in refs.bib as 'rahman2023walking'" in err
    assert "nothing was written" in err and "Traceback" not in err
    assert (project / "refs.bib").read_bytes() == before


def test_command_reads_standard_input_and_dry_run_writes_nothing(project: Path, capsys, monkeypatch) -> None:
    data = (RECORDS / "sample.ris").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["add", "--dry-run", "--bib", "refs.bib"]) == 0
    out, err = capsys.readouterr()
    assert "@article{lund2021heat," in out and "would add 'lund2021heat'" in err
    assert "[sentence-case-changed]" in err and "[missing-evidence]" in err  # advice for the editor
    assert (project / "refs.bib").read_text(encoding="utf-8") == SMALL_BIB


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "missing.nbib"], "missing.nbib: no such file"),
        (["add", str(RECORDS / "sample.nbib"), "--bib", "nope.bib"], "nope.bib:0: bibliography file not found"),
        (["add", "bad.json"], "bad.json: cannot read the CSL-JSON"),
        (["add", "latin1.ris"], "latin1.ris:2: byte 0xe9 is not valid UTF-8"),
    ],
)
def test_command_bad_input_is_a_message_not_a_traceback(project: Path, capsys, argv: list[str], message: str) -> None:
    (project / "bad.json").write_text('{"title": ', encoding="utf-8")
    (project / "latin1.ris").write_bytes("TY  - JOUR\nTI  - Caf\u00e9\nER  - \n".encode("latin-1"))
    assert main(argv) == 2
    _, err = capsys.readouterr()
    assert message in err and "Traceback" not in err


def test_imported_entries_build(tmp_path: Path) -> None:
    """The three sample records, added with the command, are cited on a page that builds with --strict."""
    project = write_project(tmp_path, {"index.md": FRONT + "\n# Imported\n\nWalking helps some people "
                                       "[@rahman2023walking]. Heat may help [@lund2021heat]. Self-care guide "
                                       "[@ess2022sciatica].\n"})
    for sample in ("sample.nbib", "sample.ris", "sample.json"):
        assert main(["add", str(RECORDS / sample), "--bib", str(project / "refs.bib"), "--evidence", "review"]) == 0
    _, findings = load_bibliography(project / "refs.bib", use_disk_cache=False)
    assert [f for f in findings if f.severity == "error"] == []
    result = run_build(project)
    assert result.returncode == 0, result.log
    items = [li.get_text(" ", strip=True) for li in result.page("index.html").select("li.medcite-reference")]
    assert len(items) == 3
    assert "Ex J Back Pain. 2023 Apr;12(4):201-9." in items[0]
    assert "Ex Rev Spine Care. 2021;7(2):55-67." in items[1]
    assert "Sciatica: self-care at home [Internet]" in items[2] and "[cited 2024 Mar 1]" in items[2]


# -- red team F9: concurrent adds ----------------------------------------------------------------------------------
def _add_in_child(bib: str, record: str, start: object, results: object) -> None:
    """One `citation-lint add` in a forked process, with the read-to-write window made wide (as on a loaded machine)."""
    import time

    import medcite.adapters.cli.add as addcmd

    real = addcmd.add_entries

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(0.3)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    addcmd.add_entries = slow  # type: ignore[assignment]
    start.wait()  # type: ignore[attr-defined]
    results.put(addcmd.main(["--bib", bib, "--evidence", "rct", record]))  # type: ignore[attr-defined]


def test_concurrent_adds_lose_no_entry(tmp_path: Path) -> None:
    import multiprocessing

    bib = tmp_path / "refs.bib"
    bib.write_text(SMALL_BIB, encoding="utf-8")
    count = 8
    records = []
    for n in range(count):
        record = tmp_path / f"r{n}.json"
        record.write_text(json.dumps([{"type": "article-journal", "title": f"Trial number {n} of walking",
                                       "author": [{"family": f"Author{chr(97 + n)}", "given": "A"}],
                                       "container-title": "J Test", "issued": {"date-parts": [[2020]]},
                                       "DOI": f"10.5555/test.{n}"}]), encoding="utf-8")
        records.append(record)
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    children = [context.Process(target=_add_in_child, args=(str(bib), str(record), start, results))
                for record in records]
    for child in children:
        child.start()
    start.set()
    for child in children:
        child.join(120)
    assert [results.get(timeout=5) for _ in children] == [0] * count
    parsed, _ = parse_bibliography(bib.read_text(encoding="utf-8"), "refs.bib")
    assert {f"10.5555/test.{n}" for n in range(count)} <= {ref.fields.get("doi") for ref in parsed}
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob(".*.partial"))


@pytest.mark.parametrize(("item", "words"), [
    ({"title": "Take \u202e01\u202c mg daily"}, "U+202E"),
    ({"title": "Nul\u0000byte"}, "U+0000"),
    ({"title": "T", "PMID": "\u0661\u0662\u0663"}, "is not digits only"),
])
def test_add_refuses_hidden_characters_and_non_ascii_identifiers(tmp_path: Path, capsys, item: dict,
                                                                 words: str) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(SMALL_BIB, encoding="utf-8")
    record = tmp_path / "r.json"
    record.write_text(json.dumps([{"type": "article-journal", "author": [{"family": "Smith", "given": "A"}],
                                   "issued": {"date-parts": [[2020]]}, "DOI": "10.5555/x.1", **item}]),
                      encoding="utf-8")
    assert main(["add", "--bib", str(bib), "--evidence", "rct", str(record)]) == 1
    assert words in capsys.readouterr().err
    assert bib.read_text(encoding="utf-8") == SMALL_BIB


# -- red team F12 and F13 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("record", [
    "PMID- 99000009\nTI  - A trial of walking.\nFAU - Smith and Jones, Ann\nAU  - Smith and Jones A\nDP  - 2020\n"
    "TA  - J Test\nJT  - Journal of Tests\nAID - 10.5555/x.9 [doi]\n",
    json.dumps([{"type": "article-journal", "title": "A trial of walking", "container-title": "J Test",
                 "author": [{"family": "Smith and Jones", "given": "Ann"}, {"family": "Lee", "given": "Bo and Al"}],
                 "issued": {"date-parts": [[2020]]}, "DOI": "10.5555/x.9"}]),
])
def test_a_name_holding_and_stays_one_author(record: str) -> None:
    new_text, added = _add(record)
    bib, _ = parse_bibliography(new_text, "refs.bib")
    ref = bib.references[added[0].key]
    authors = [name for role, names in ref.people if role == "author" for name in names]
    assert ref.authors[0].startswith("Smith and Jones") and len(authors) == (1 if "PMID" in record else 2)


@pytest.mark.parametrize(("data", "words"), [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('[{"title": "bad \\ud800 surrogate"}]', "lone surrogate"),
    ('{"title": "x", "author": ' + "[" * 50_000 + "]" * 50_000 + "}", "nested too deeply"),
])
def test_hostile_csl_json_is_a_clear_error(tmp_path: Path, capsys, data: str, words: str) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(SMALL_BIB, encoding="utf-8")
    record = tmp_path / "r.json"
    record.write_text(data, encoding="utf-8")
    assert main(["add", "--bib", str(bib), "--format", "csl-json", str(record)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"citation-lint add: error: {record}: ") and words in err and "Traceback" not in err
    assert bib.read_text(encoding="utf-8") == SMALL_BIB


def test_dry_run_needs_no_lock_file(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bibliography in a folder we cannot write: --dry-run still shows the entry (the lock file cannot be made)."""
    import medcite.importers.addentry as addentry

    bib = tmp_path / "refs.bib"
    bib.write_text(SMALL_BIB, encoding="utf-8")
    real_open = addentry.os.open

    def read_only(path, flags, *args):  # type: ignore[no-untyped-def]
        if str(path).endswith(".lock"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(addentry.os, "open", read_only)
    code = main(["add", "--bib", str(bib), "--dry-run", "--evidence", "rct", str(RECORDS / "sample.ris")])
    assert code == 0 and "would add 'lund2021heat'" in capsys.readouterr().err
    code = main(["add", "--bib", str(bib), "--evidence", "rct", str(RECORDS / "sample.ris")])
    assert code == 2 and "cannot lock" in capsys.readouterr().err and bib.read_text(encoding="utf-8") == SMALL_BIB


def test_add_suggests_a_findings_stub_from_the_abstract_and_writes_no_findings_file(project: Path, capsys) -> None:
    """Sentences of the abstract that hold a number, word for word: no figure the abstract does not hold."""
    from medcite.bib.findings import parse_findings
    from medcite.core.quantities import read_quantities

    assert main(["add", str(RECORDS / "abstract.nbib")]) == 0
    out, _ = capsys.readouterr()
    stub = out[out.index("# Suggested for findings.yml"):]
    parsed = parse_findings(stub, {"rahman2023walking"})
    assert parsed.problems == []
    found = parsed.by_key["rahman2023walking"]
    assert [f.text for f in found] == [
        "We randomised 120 adults with back pain lasting more than 12 weeks.",
        "After 6 months, 58% of the walking group and 41% of the usual-care group had improved."]
    assert all(f.where == "abstract" for f in found)
    assert stub.count("# check against the source") == 2
    abstract = "An invented abstract for a test record. " + " ".join(f.text for f in found)
    said = {q.text for q in read_quantities(abstract)}
    assert {fig.text for f in found for fig in f.figures} <= said
    assert not (project / "findings.yml").exists()


def test_add_suggests_no_stub_without_an_abstract_number(project: Path, capsys) -> None:
    assert main(["add", str(RECORDS / "sample.nbib")]) == 0
    assert "Suggested for findings.yml" not in capsys.readouterr().out
