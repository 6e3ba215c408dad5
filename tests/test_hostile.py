"""Hostile inputs (tests/hostile/, outcomes in tests/hostile/expected.toml) through the real ``citation-lint``
and real ``mkdocs build --strict`` runs, with the built HTML parsed by BeautifulSoup.

Every case checks: the exit code / build result, the expected messages (file:line and key), no traceback,
and that nothing from the input reaches the HTML as markup or as a javascript:/data: link. Known bugs are
listed per case in expected.toml and run as strict xfails (``test_known_bug``).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from medcite.adapters.cli.main import main as lint_main
from medcite.core.rules import RULES
from medcite.source.citations import SIMPLE_KEY_RE

from .conftest import FRONT, ROOT, SMALL_BIB, run_build, write_project

HOSTILE = Path(__file__).parent / "hostile"
EXPECTED: dict[str, Any] = tomllib.loads((HOSTILE / "expected.toml").read_text(encoding="utf-8"))
CASES: dict[str, dict[str, Any]] = EXPECTED["case"]
HTML_ABSENT: list[str] = EXPECTED["defaults"]["html_absent"]
THEME = {"name": "material", "font": False, "custom_dir": str(ROOT / "overrides")}  # the site's JSON-LD template

URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset",
                            "data"})
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
ACTIVE_TAGS = ("script", "iframe", "svg", "object", "embed", "style", "base", "form", "math", "link", "meta")
FINDING_RE = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+):(?P<column>\d+): ")


# -- the corpus itself ---------------------------------------------------------------------------------

def test_every_corpus_file_has_a_case() -> None:
    used = {spec[key] for spec in CASES.values() for key in ("bib", "page") if key in spec}
    files = {path.name for path in HOSTILE.iterdir() if path.name != "expected.toml"}
    assert files <= used, f"corpus files without a case in expected.toml: {sorted(files - used)}"
    for name, spec in CASES.items():
        assert spec.get("description"), f"{name}: no description"
        if spec.get("bib_setup", "copy") == "copy":
            for key in ("bib", "page"):
                if key in spec:
                    assert (HOSTILE / spec[key]).is_file(), f"{name}: {spec[key]} is missing"


def test_corpus_bytes_are_what_the_cases_claim() -> None:
    """Guard against an editor 'fixing' the files: the encodings and sizes are the point."""
    for name in ("not-utf8.bib", "not-utf8.md"):
        data = (HOSTILE / name).read_bytes()
        assert b"M\xfcller" in data
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    assert (HOSTILE / "empty.bib").read_bytes() == b""
    assert (HOSTILE / "whitespace-only.bib").read_bytes().strip() == b""
    lines = (HOSTILE / "huge-line.md").read_text(encoding="utf-8").splitlines()
    assert len(lines[8]) >= 199_000
    odd = (HOSTILE / "odd-unicode.bib").read_text(encoding="utf-8")
    assert all(ch in odd for ch in ("\u202e", "\u200d", "\u0301", "\U0001F600", "\u0007", "\u001b"))
    assert "\x00" not in odd
    assert (HOSTILE / "crlf-page.md").read_bytes().count(b"\r\n") >= 10
    cr = (HOSTILE / "cr-page.md").read_bytes()
    assert cr.count(b"\r") >= 10 and b"\n" not in cr


# -- laying out and running one case ---------------------------------------------------------------------

def generated_page(keys: list[str]) -> str:
    # A key pandoc cannot read bare ("<img/src=x>", 'k"on…') is cited in braces, as pandoc's manual says.
    cited = [key if SIMPLE_KEY_RE.fullmatch(key) else "{" + key + "}" for key in keys]
    lines = [f"Source number {number} is here [@{key}]." for number, key in enumerate(cited, start=1)]
    return FRONT + "# Hostile bibliography\n\nA page for hostile bibliography tests.\n\n" + "\n\n".join(lines) + "\n"


def lay_out(root: Path, name: str, spec: dict[str, Any]) -> tuple[str, str]:
    """The case's bibliography and page inside ``root``; returns (bibliography, page) as given to the CLI."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    bib = spec.get("bib", "refs.bib")
    setup = spec.get("bib_setup", "copy")
    if setup == "copy":
        if "bib" in spec:
            shutil.copyfile(HOSTILE / bib, root / bib)
        else:
            (root / bib).write_text(SMALL_BIB, encoding="utf-8")
    elif setup == "directory":
        (root / bib).mkdir()
    else:
        assert setup == "missing", setup
        (root / bib).unlink(missing_ok=True)
    page = spec.get("page")
    if page:
        shutil.copyfile(HOSTILE / page, docs / page)  # byte for byte: some pages are not UTF-8 on purpose
    else:
        page = f"{name}.md"
        (docs / page).write_text(generated_page(spec.get("cite", [])), encoding="utf-8")
    return bib, f"docs/{page}"


@dataclass
class CliRun:
    code: int | str | None
    output: str  # stdout + stderr


def run_cli(root: Path, name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> CliRun:
    bib, page = lay_out(root, name, CASES[name])
    monkeypatch.chdir(root)
    capsys.readouterr()
    try:
        code: int | str | None = lint_main(["--jobs", "1", "--bib", bib, page])
    except SystemExit as exc:
        code = exc.code
    except Exception:  # a crash is a failure of the case, reported with its traceback
        out, err = capsys.readouterr()
        pytest.fail(f"citation-lint raised on case {name!r}:\n{traceback.format_exc()}\n{out}{err}")
    out, err = capsys.readouterr()
    return CliRun(code, out + err)


@dataclass
class Built:
    ok: bool
    log: str
    site: Path
    page: str  # docs/NAME.md
    seconds: float

    def html(self) -> dict[str, str]:
        """Raw HTML of the case's page and of the generated bibliography page."""
        stem = Path(self.page).stem
        pages = {}
        for label, path in (("page", self.site / stem / "index.html"),
                            ("bibliography", self.site / "bibliography" / "index.html")):
            assert path.is_file(), f"{path} was not built:\n{self.log}"
            pages[label] = path.read_text(encoding="utf-8")
        return pages


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Built]:
    """One real ``mkdocs build --strict`` per case, shared by that case's build, HTML and bug tests."""
    cache: dict[str, Built] = {}

    def get(name: str) -> Built:
        if name not in cache:
            spec = CASES[name]
            root = tmp_path_factory.mktemp(re.sub(r"\W", "-", name))
            write_project(root, {"index.md": FRONT + "# Home\n\nWelcome.\n"}, SMALL_BIB,
                          plugin_config={"bibliography": spec.get("bib", "refs.bib"), "show": "all"},
                          extra={"theme": THEME, **({"markdown_extensions": spec["extensions"]}
                                                     if "extensions" in spec else {})})
            _, page = lay_out(root, name, spec)
            start = time.perf_counter()
            result = run_build(root, strict=True)
            seconds = time.perf_counter() - start
            print(f"mkdocs build of case {name}: {seconds:.1f} s")
            cache[name] = Built(result.returncode == 0, result.log, result.site, page, seconds)
        return cache[name]

    return get


# -- checks --------------------------------------------------------------------------------------------

def cli_lines(output: str) -> list[str]:
    """``path:line:col: error: message [rule]`` -> ``path:line:col: message [rule]``."""
    return [re.sub(r"^(\S+?:\d+:\d+): (?:error|warning|advice): ", r"\1: ", line) for line in output.splitlines()]


def build_lines(log: str) -> list[str]:
    """``WARNING -  medcite: path:line:col: error: message [rule]`` -> ``path:line:col: message [rule]``."""
    return cli_lines("\n".join(re.sub(r"^(?:DEBUG|INFO|WARNING|ERROR)\s+-\s+(?:medcite: |citations: )?", "", line)
                                for line in log.splitlines()))


def assert_messages(lines: list[str], patterns: list[str], where: str) -> None:
    shown = "\n".join(lines[:60]) + ("\n..." if len(lines) > 60 else "")
    for pattern in patterns:
        assert any(re.search(pattern, line) for line in lines), f"{where}: no line matches {pattern!r} in:\n{shown}"


def assert_no_traceback(text: str, where: str) -> None:
    assert "Traceback (most recent call last)" not in text, f"{where}: Python traceback in output:\n{text[-3000:]}"
    assert not re.search(r"^\w+(?:Error|Exception): ", text, re.MULTILINE), f"{where}: raw exception:\n{text[-3000:]}"


def assert_findings_located(lines: list[str], where: str) -> None:
    """Every rule-tagged line names a file and a real (1-based) line."""
    for line in lines:
        rule = re.search(r"\[([a-z-]+)\]$", line)
        if rule and rule.group(1) in RULES:
            located = FINDING_RE.match(line)
            assert located, f"{where}: finding without file:line:column: {line!r}"
            assert int(located["line"]) >= 1 and int(located["column"]) >= 1, f"{where}: bad position: {line!r}"


def assert_html_safe(raw: str, where: str, skip: frozenset[str] = frozenset()) -> None:
    """Nothing from a field, key or locator is live markup; links are http(s) or in-page anchors."""
    for needle in HTML_ABSENT:
        if needle not in skip:
            assert needle not in raw, f"{where}: {needle!r} reached the HTML: ...{_around(raw, needle)}..."
    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup.find_all(True):
        for attr, value in tag.attrs.items():
            assert not attr.lower().startswith("on"), f"{where}: event attribute {attr}= on <{tag.name}>: {tag}"[:600]
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attr.lower() in URL_ATTRIBUTES:
                squashed = re.sub(r"[\x00-\x20]", "", text).lower()
                assert not squashed.startswith(BAD_SCHEMES), f"{where}: {attr}={text!r} on <{tag.name}>"
    for script in soup.find_all("script"):
        body = script.string or ""
        if script.get("type") == "application/ld+json":
            json.loads(body)  # the JSON-LD stays valid JSON ...
            assert "<" not in body and ">" not in body, f"{where}: '<' or '>' inside JSON-LD: {body[:300]}"
        else:
            assert "alert" not in body, f"{where}: script with input in it: {body[:300]}"
    content = soup.select_one("article") or soup
    for name in ACTIVE_TAGS:
        assert not content.find_all(name), f"{where}: <{name}> in the page content: {content.find(name)}"[:600]
    for img in content.find_all("img"):
        assert img.get("src") != "x", f"{where}: image from the input: {img}"
    for link in content.select(".medcite-reference-text a[href], .medcite-bibliography a[href]"):
        href = link["href"]
        assert href.startswith(("https://", "http://")) or (href.startswith("../") and "#source-" in href), \
            f"{where}: reference link {href!r} is not http(s)"
        assert not re.search(r"[\s\"'<>`]", href), f"{where}: unencoded character in link {href!r}"


def assert_links_resolve(soup: BeautifulSoup, where: str) -> None:
    ids = {element["id"] for element in soup.find_all(id=True)}
    for link in soup.select("a.medcite-ref"):
        assert link["href"].startswith("#ref-") and link["href"][1:] in ids, f"{where}: dangling {link}"
        for target in link.get("aria-describedby", "").split():
            assert target in ids, f"{where}: aria-describedby={target} does not exist"
    for link in soup.select(".medcite-backlinks a[href]"):
        assert link["href"][1:] in ids, f"{where}: dangling back link {link}"


def _around(raw: str, needle: str, width: int = 80) -> str:
    at = raw.find(needle)
    return raw[max(0, at - width): at + len(needle) + width]


def page_soup(built_case: Built) -> BeautifulSoup:
    soup = BeautifulSoup(built_case.html()["page"], "html.parser")
    return soup.select_one("article") or soup


def run_check(name: str, mode: str, check: str, value: Any, cli: Callable[[], CliRun],
              built: Callable[[str], Built]) -> None:
    """One named check (used for the known-bug entries of expected.toml)."""
    where = f"{name} [{mode}]"
    if mode == "cli":
        result = cli()
        if check == "message":
            assert_messages(cli_lines(result.output), [value], where)
        elif check == "absent":
            assert value not in result.output, f"{where}: {value!r} in output:\n{result.output[:3000]}"
        elif check == "exit":
            assert result.code == value, f"{where}: exit {result.code}, expected {value}:\n{result.output[:3000]}"
        else:
            raise AssertionError(f"unknown cli check {check!r}")
    elif mode == "build":
        result_b = built(name)
        if check == "message":
            assert_messages(build_lines(result_b.log), [value], where)
        elif check == "absent":
            assert value not in result_b.log, f"{where}: {value!r} in the build log"
        elif check == "ok":
            assert result_b.ok is value, f"{where}: build ok={result_b.ok}, expected {value}:\n{result_b.log[-3000:]}"
        else:
            raise AssertionError(f"unknown build check {check!r}")
    else:
        assert mode == "html", mode
        case = built(name)
        soup = page_soup(case)
        if check == "absent":
            for label, raw in case.html().items():
                assert value not in raw, f"{where}: {value!r} in the {label} HTML: ...{_around(raw, value)!r}..."
        elif check == "visible":
            assert value in soup.get_text(), f"{where}: {value!r} not visible"
        elif check == "references":
            assert len(soup.select("ol.medcite-references > li")) == value
        elif check == "citations":
            assert len(soup.select("sup.medcite-citation")) == value
        else:
            raise AssertionError(f"unknown html check {check!r}")


# -- the tests ------------------------------------------------------------------------------------------

def _mode_params(mode: str) -> list[Any]:
    params = []
    for name, spec in CASES.items():
        section = spec.get(mode)
        if section is None:
            continue
        marks = [pytest.mark.xfail(strict=True, reason=section["xfail"])] if "xfail" in section else []
        params.append(pytest.param(name, id=name, marks=marks))
    return params


def _bug_params() -> list[Any]:
    params = []
    for name, spec in CASES.items():
        for index, bug in enumerate(spec.get("bug", [])):
            params.append(pytest.param(name, bug, id=f"{name}-{bug['mode']}-{index}",
                                       marks=pytest.mark.xfail(strict=True, reason=bug["reason"])))
    return params


@pytest.mark.parametrize("name", _mode_params("cli"))
def test_cli(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    spec = CASES[name]
    expected = spec["cli"]
    result = run_cli(tmp_path, name, monkeypatch, capsys)
    where = f"citation-lint on {name}"
    assert_no_traceback(result.output, where)
    lines = cli_lines(result.output)
    assert_findings_located(lines, where)
    if "exit" in expected:
        assert result.code == expected["exit"], f"{where}: exit {result.code}, expected {expected['exit']}:\n" \
                                                 f"{result.output[:3000]}"
    assert_messages(lines, spec.get("messages", []) + expected.get("messages", []), where)
    for needle in expected.get("absent", []):
        assert needle not in result.output, f"{where}: {needle!r} in output"


@pytest.mark.parametrize("name", _mode_params("build"))
def test_build(name: str, built: Callable[[str], Built]) -> None:
    spec = CASES[name]
    expected = spec["build"]
    result = built(name)
    where = f"mkdocs build --strict on {name}"
    assert_no_traceback(result.log, where)
    lines = build_lines(result.log)
    assert_findings_located(lines, where)
    if "ok" in expected:
        assert result.ok is expected["ok"], f"{where}: ok={result.ok}, expected {expected['ok']}:\n{result.log[-3000:]}"
    assert_messages(lines, spec.get("messages", []) + expected.get("messages", []), where)
    for needle in expected.get("absent", []):
        assert needle not in result.log, f"{where}: {needle!r} in the log"


@pytest.mark.parametrize("name", _mode_params("html"))
def test_html(name: str, built: Callable[[str], Built]) -> None:
    spec = CASES[name]
    expected = spec["html"]
    case = built(name)
    skip = frozenset(bug["value"] for bug in spec.get("bug", []) if bug["mode"] == "html" and bug["check"] == "absent")
    for label, raw in case.html().items():
        where = f"{name}: {label} page"
        assert_html_safe(raw, where, skip)
        assert_links_resolve(BeautifulSoup(raw, "html.parser"), where)
        for needle in expected.get("absent", []):
            assert needle not in raw, f"{where}: {needle!r} in the HTML"
    soup = page_soup(case)
    text = soup.get_text()
    for needle in expected.get("visible", []):
        assert needle in text, f"{name}: {needle!r} is not visible on the page"
    code = [element.get_text() for element in soup.find_all("code")]
    for needle in expected.get("in_code", []):
        assert any(needle in block for block in code), f"{name}: {needle!r} is not shown as code: {code}"
    counts = {"references": "ol.medcite-references > li", "citations": "sup.medcite-citation",
              "errors": ".medcite-error"}
    for key, selector in counts.items():
        if key in expected:
            found = len(soup.select(selector))
            assert found == expected[key], f"{name}: {found} {key} ({selector}), expected {expected[key]}"
    hrefs = {link["href"] for link in soup.select(".medcite-reference-text a[href]")}
    for href in expected.get("links", []):
        assert href in hrefs, f"{name}: no link to {href!r} (links: {sorted(hrefs)})"
    for href in expected.get("no_links", []):
        assert href not in hrefs, f"{name}: {href!r} became a link"
    if expected.get("references", 0):
        items = soup.select("ol.medcite-references > li")
        assert [item["id"] for item in items] == [f"ref-{n}" for n in range(1, len(items) + 1)]
    # The page's schema.org JSON-LD (overrides/main.html) carries the same sources, as data.
    full = BeautifulSoup(case.html()["page"], "html.parser")
    (jsonld,) = full.find_all("script", attrs={"type": "application/ld+json"})
    data = json.loads(jsonld.string)
    assert len(data.get("citation", [])) == len(soup.select("ol.medcite-references > li"))


KNOWN_BUGS = _bug_params()
if KNOWN_BUGS:  # every bug found so far is fixed; a new one is added to expected.toml as [[case.X.bug]]

    @pytest.mark.parametrize(("name", "bug"), KNOWN_BUGS)
    def test_known_bug(name: str, bug: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str], built: Callable[[str], Built]) -> None:
        run_check(name, bug["mode"], bug["check"], bug["value"],
                  lambda: run_cli(tmp_path, name, monkeypatch, capsys), built)


# -- cases that cannot be files in the corpus -------------------------------------------------------------

def test_unreadable_bibliography(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                 caplog: pytest.LogCaptureFixture) -> None:
    """A permission error (simulated: tests may run as root) is a clear one-line error, in the CLI and the plugin."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, PluginError

    write_project(tmp_path, {"index.md": FRONT + "# Home\n\nWelcome [@chou2007diagnosis].\n"})
    import medcite.core.model as model

    bib = (tmp_path / "refs.bib").resolve()
    real_os_open = model.os.open

    def os_open(path: str | Path, flags: int, *args: int) -> int:
        if Path(path).resolve() == bib:
            raise PermissionError(13, "Permission denied", str(path))
        return real_os_open(path, flags, *args)

    monkeypatch.setattr(model.os, "open", os_open)
    monkeypatch.chdir(tmp_path)
    code = lint_main(["--jobs", "1", "--bib", "refs.bib", "docs/index.md"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "citation-lint: error: refs.bib:" in err and "cannot read bibliography: Permission denied" in err
    assert "Traceback" not in out + err
    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    with caplog.at_level(logging.ERROR), pytest.raises((Abort, PluginError)) as raised:
        mkdocs_build(config)  # MkDocs logs a BuildError and aborts cleanly; any other exception is a crash
    logged = [record.getMessage() for record in caplog.records] + [str(raised.value)]
    assert any(re.search(r"refs\.bib:\d+: cannot read bibliography: Permission denied", line) for line in logged), logged
    if hasattr(os, "geteuid") and os.geteuid() != 0:  # a real unreadable file, where permissions apply
        monkeypatch.setattr(model.os, "open", real_os_open)  # undo the simulated failure
        bib.chmod(0)
        try:
            assert lint_main(["--jobs", "1", "--bib", "refs.bib", "docs/index.md"]) == 2
            assert "Permission denied" in capsys.readouterr().err
        finally:
            bib.chmod(0o644)


@pytest.mark.parametrize("name", ["not-utf8-page", "unbalanced-braces", "script-in-fields"])
def test_console_script(name: str, tmp_path: Path) -> None:
    """The installed ``citation-lint`` entry point, as CI runs it: same messages, no traceback."""
    spec = CASES[name]
    bib, page = lay_out(tmp_path, name, spec)
    script = Path(sys.executable).with_name("citation-lint")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "medcite.adapters.cli.main"]
    proc = subprocess.run([*command, "--jobs", "1", "--bib", bib, page], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    output = proc.stdout + proc.stderr
    assert_no_traceback(output, name)
    assert proc.returncode == spec["cli"]["exit"], output
    assert_messages(cli_lines(output), spec.get("messages", []) + spec["cli"].get("messages", []), name)


# -- a 10 MB bibliography, generated (never committed) --------------------------------------------------------

ENTRY = """@article{{bulk{n:06d},
  author  = {{M{{\\"u}}ller, Anna and O'Brien, Patrick and Smith, John and Nakamura, Yuki}},
  title   = {{Entry {n} on low back pain, paracetamol and exercise in adults: a randomised trial}},
  journal = {{Journal of Spine Research}}, year = {{2020}}, volume = {{12}}, number = {{3}}, pages = {{100--110}},
  doi     = {{10.1000/bulk.{n}}}, pmid = {{{pmid}}}, evidence = {{rct}}
}}

"""


def ten_megabytes(path: Path) -> tuple[int, int]:
    """~10 MB of valid entries, then one broken entry; returns (entries, line of the broken entry)."""
    parts, size, n = [], 0, 0
    while size < 10 * 1024 * 1024:
        part = ENTRY.format(n=n, pmid=20_000_000 + n)
        parts.append(part)
        size += len(part)
        n += 1
    text = "".join(parts)
    broken_line = text.count("\n") + 1
    text += "@misc{brokenlast,\n  title = {Unclosed,\n  year = {2024}\n"
    path.write_text(text, encoding="utf-8")
    return n, broken_line


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    root = tmp_path_factory.mktemp("ten-megabytes")
    entries, broken_line = ten_megabytes(root / "big.bib")
    page = FRONT + f"# Home\n\nFirst [@bulk000001]. Last [@bulk{entries - 1:06d}]. Unknown [@nosuchbulk].\n"
    write_project(root, {"index.md": page}, SMALL_BIB,
                  plugin_config={"bibliography": "big.bib", "ignore": ["uncited-entry"]}, extra={"theme": THEME})
    assert (root / "big.bib").stat().st_size >= 10 * 1024 * 1024
    return root, entries, broken_line


def test_ten_megabyte_bibliography_cli(big_project: tuple[Path, int, int], monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    root, entries, broken_line = big_project
    monkeypatch.chdir(root)
    capsys.readouterr()
    start = time.perf_counter()
    # (advice on how each of the 27,000 entries reads would name them all; not what this test is about)
    code = lint_main(["--jobs", "1", "--bib", "big.bib", "docs/index.md", "--ignore",
                      "sentence-case-changed,no-journal-abbreviation,missing-urldate,missing-evidence"])
    seconds = time.perf_counter() - start
    out, err = capsys.readouterr()
    with capsys.disabled():
        print(f"\ncitation-lint on a {(root / 'big.bib').stat().st_size / 2**20:.1f} MB bibliography "
              f"({entries} entries): {seconds:.1f} s")
    assert_no_traceback(out + err, "10 MB bibliography")
    assert code == 2  # the broken last entry is a BibTeX syntax error
    lines = cli_lines(out)
    assert_findings_located(lines, "10 MB bibliography")
    near_end = "|".join(str(line) for line in range(broken_line, broken_line + 4))
    assert_messages(lines, [rf"big\.bib:(?:{near_end}):\d+: BibTeX syntax error",
                            r"docs/index\.md:9:\d+: unknown citation key 'nosuchbulk'"], "10 MB bibliography")
    assert "bulk000001" not in out and f"bulk{entries - 1:06d}" not in out  # both resolve


def test_ten_megabyte_bibliography_build(big_project: tuple[Path, int, int], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root, entries, _ = big_project
    monkeypatch.setenv("MEDCITE_CACHE_DIR", str(tmp_path / "cache"))  # parse it, not the CLI test's cached copy
    start = time.perf_counter()
    result = run_build(root, strict=False)
    seconds = time.perf_counter() - start
    print(f"mkdocs build with a 10 MB bibliography ({entries} entries): {seconds:.1f} s")
    assert_no_traceback(result.log, "10 MB build")
    assert result.returncode == 0, result.log[-3000:]
    assert_messages(build_lines(result.log), [r"big\.bib:\d+:\d+: BibTeX syntax error"], "10 MB build")
    assert "unknown citation key 'nosuchbulk'" in result.log
    page = result.page("index.html")
    assert [li["id"] for li in page.select("ol.medcite-references > li")] == ["ref-1", "ref-2"]
    bibliography = (result.site / "bibliography" / "index.html").read_text(encoding="utf-8")
    # every entry is listed, and the broken last one with what could be read of it (as parse_bibliography keeps it)
    assert bibliography.count('class="medcite-reference"') == entries + 1
