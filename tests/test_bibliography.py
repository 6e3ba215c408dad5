"""Loading BibTeX: line numbers, look-ups, and bad input as findings (never tracebacks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcite.bib.bibliography import BibliographyError, load_bibliography, parse_bibliography

from .conftest import SMALL_BIB


def test_entries_keep_their_line_and_decoded_fields() -> None:
    bib, findings = parse_bibliography(SMALL_BIB, "refs.bib")
    assert findings == []
    assert [r.key for r in bib] == ["chou2007diagnosis", "machado2015efficacy", "genevay2020", "nice2016low"]
    assert bib.resolve("chou2007diagnosis").line == 2
    assert bib.resolve("genevay2020").line == 18
    assert bib.resolve("genevay2020").authors == ("Genevay S", "Chenot JF", "Müller A")
    assert bib.resolve("nice2016low").authors == ("National Institute for Health and Care Excellence",)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("chou2007diagnosis", "chou2007diagnosis"),
        ("CHOU2007DIAGNOSIS", "chou2007diagnosis"),
        ("doi:10.1136/bmj.h1225", "machado2015efficacy"),
        ("doi:10.1136/BMJ.H1225", "machado2015efficacy"),
        ("doi:https://doi.org/10.1136/bmj.h1225", "machado2015efficacy"),
        ("pmid:17909209", "chou2007diagnosis"),
        ("pmid:99999999", None),
        ("doi:", None),
        ("nope", None),
    ],
)
def test_resolve_by_key_doi_and_pmid(key: str, expected: str | None) -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    found = bib.resolve(key)
    assert (found.key if found else None) == expected


@pytest.mark.parametrize(
    ("text", "rule", "line", "words"),
    [
        ("@article{a, title={One}}\n\n@article{a, title={Two}}\n", "duplicate-key", 3, "first defined on line 1"),
        ("@article{A, title={One}}\n@article{a, title={Two}}\n", "duplicate-key", 2, "duplicate key 'a'"),
        ("@article{a,\n  title = {Unbalanced,\n  year = 2020\n}\n", "bibtex-syntax", 1,
         "in entry 'a' (noticed on line 5): premature end of file"),
        ("@article{a, title={x}, title={y}}\n", "duplicate-field", 1, "field 'title' twice"),
        ("@article{a,\n title = undefinedmacro}\n", "bibtex-syntax", 1, "in entry 'a' (noticed on line 2): undefinedmacro"),
        ("", "empty-bibliography", 1, "empty"),
    ],
)
def test_bad_bibtex_becomes_a_located_finding(text: str, rule: str, line: int, words: str) -> None:
    _, findings = parse_bibliography(text, "refs.bib")
    assert [(f.rule, f.line) for f in findings] == [(rule, line)]
    assert words in findings[0].message
    assert findings[0].path == "refs.bib"


def test_entries_after_a_syntax_error_are_still_loaded() -> None:
    text = "@article{bad, title = {x} year = 1}\n@article{good, title={Fine}, year={2020}}\n"
    bib, findings = parse_bibliography(text, "refs.bib")
    assert findings and findings[0].rule == "bibtex-syntax"
    assert bib.resolve("good") is not None


def test_string_macros_and_crossref_are_resolved() -> None:
    text = (
        '@string{bmj = "British Medical Journal"}\n'
        "@book{parent, title={Big Book}, publisher={Pub}, year={2001}}\n"
        "@incollection{child, author={Doe, Jane}, title={Chapter}, crossref={parent}, journal=bmj}\n"
    )
    bib, findings = parse_bibliography(text, "refs.bib")
    assert findings == []
    child = bib.resolve("child")
    assert child.fields["journal"] == "British Medical Journal"
    assert child.fields["publisher"] == "Pub"


def test_missing_file_and_non_utf8_raise_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BibliographyError, match=r"missing\.bib:0: bibliography file not found"):
        load_bibliography(tmp_path / "missing.bib", "missing.bib")
    latin = tmp_path / "latin.bib"
    latin.write_bytes(b"@article{a,\n title={M\xfcller}}\n")
    with pytest.raises(BibliographyError, match=r"latin\.bib:2: byte 0xfc is not valid UTF-8"):
        load_bibliography(latin, "latin.bib")


def test_load_is_cached_by_content(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(SMALL_BIB, encoding="utf-8")
    first, _ = load_bibliography(path)
    assert load_bibliography(path)[0] is first
    path.write_text(SMALL_BIB + "\n@misc{extra, title={Extra}, year={2020}}\n", encoding="utf-8")
    changed, _ = load_bibliography(path)
    assert changed is not first and changed.resolve("extra") is not None


def test_disk_cache_survives_a_new_process_and_follows_content(tmp_path: Path, monkeypatch) -> None:
    import medcite.bib.bibliography as bibliography

    monkeypatch.setenv("MEDCITE_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "refs.bib"
    path.write_text(SMALL_BIB, encoding="utf-8")
    first, _ = load_bibliography(path)
    assert len(list((tmp_path / "cache").glob("bibliography-*.json"))) == 1
    bibliography._cache.clear()  # as in a new process
    again, _ = load_bibliography(path)
    assert again is not first and [r.key for r in again] == [r.key for r in first]
    bibliography._cache.clear()
    path.write_text(SMALL_BIB.replace("Accents in names", "Changed title"), encoding="utf-8")
    changed, _ = load_bibliography(path)
    assert changed.resolve("genevay2020").fields["title"] == "Changed title"


# -- red team F11: bidi controls, NUL and non-ASCII digits in fields ---------------------------------------------
def _entry_findings(fields: str) -> list:
    from medcite.lint.checks import LintOptions, check_bibliography

    text = SMALL_BIB + "\n@misc{odd2020,\n  " + fields + ",\n  year = {2020}, evidence = {guideline}\n}\n"
    bib, load = parse_bibliography(text, "refs.bib")
    return load + check_bibliography(bib, None, LintOptions())


ODD_LINE = (SMALL_BIB + "\n").count("\n") + 1  # the line of @misc{odd2020


@pytest.mark.parametrize(("fields", "named"), [
    ("title = {Take \u202e01\u202c mg daily}", "U+202E"),
    ("title = {Nul\x00byte}", "U+0000"),
    ("title = {Isolate \u2067x\u2069}", "U+2067"),
    ("author = {Sm\u202eith, Ann}, title = {T}", "U+202E"),
    ("title = {T}, note = {bell \x07}", "U+0007"),
])
def test_a_control_or_bidi_character_in_a_field_is_an_error(fields: str, named: str) -> None:
    found = [f for f in _entry_findings(fields) if f.rule == "control-character"]
    assert len(found) == 1 and found[0].severity == "error" and found[0].line == ODD_LINE and named in found[0].message


def test_plain_fields_have_no_control_character_finding() -> None:
    assert [f for f in _entry_findings("title = {Take 10 mg daily \u2013 caf\u00e9}") if f.rule == "control-character"] == []


@pytest.mark.parametrize(("field", "value", "rule"), [
    ("pmid", "\u0661\u0662\u0663", "invalid-pmid"),       # Arabic-Indic digits
    ("pmid", "\uff11\uff12\uff13", "invalid-pmid"),       # fullwidth digits
    ("pmcid", "PMC\u0661\u0662\u0663", "invalid-pmcid"),
    ("doi", "10.\u0661\u0662\u0663\u0664/x", "invalid-doi"),
])
def test_an_identifier_in_non_ascii_digits_is_invalid_and_never_linked(field: str, value: str, rule: str) -> None:
    from medcite.style.formatter import ReferenceFormatter

    assert rule in {f.rule for f in _entry_findings(f"title = {{T}}, {field} = {{{value}}}")}
    bib, _ = parse_bibliography(SMALL_BIB + f"\n@misc{{odd2020, title = {{T}}, year = {{2020}}, {field} = {{{value}}}}}\n",
                                "refs.bib")
    assert "href" not in ReferenceFormatter().format(bib.references["odd2020"]).html
