"""Red team F4 and F15: whoever can write the cache folder (a CI cache restored from another branch) can
recompute any plain digest, so what decides a verdict or what readers see must be keyed (HMAC with a secret kept
outside the cache folder); and a cache made by other code or other library versions is a miss."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

import medcite.app.runner as runner
import medcite.bib.bibliography as bibliography
from medcite.adapters.cli.main import main as lint_main
from medcite.bib.bibliography import load_bibliography
from medcite.core import diskcache
from medcite.style.formatter import ReferenceFormatter
from medcite.style.refcache import FormattedStore

from .conftest import FRONT, SMALL_BIB, write_project

DOSE_BIB = SMALL_BIB + "\n@misc{dose2020, title = {Take 200 mg a day}, year = {2020}}\n"


def _forge(cache_file: Path, edit) -> None:
    """Edit the stored payload and fix up every digest the file carries, as an attacker without the key can."""
    document = json.loads(cache_file.read_text(encoding="utf-8"))
    edit(document["payload"])
    for name, value in list(document.items()):
        if name.startswith("payload_") and isinstance(value, str):
            document[name] = diskcache.digest_of(document["payload"])
    cache_file.write_text(json.dumps(document), encoding="utf-8")


@pytest.fixture
def bib_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MEDCITE_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "refs.bib"
    path.write_text(DOSE_BIB, encoding="utf-8")
    bibliography._cache.clear()
    load_bibliography(path)
    bibliography._cache.clear()
    return path


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = bibliography.parse_bibliography
    monkeypatch.setattr(bibliography, "parse_bibliography", lambda text, path: calls.append(path) or real(text, path))
    return calls


def test_a_forged_bibliography_cache_changes_no_published_text(bib_path: Path) -> None:
    (cache_file,) = bib_path.parent.glob("cache/bibliography-*.json")

    def edit(payload: dict) -> None:
        for ref in payload["references"]:
            if ref["key"] == "dose2020":
                ref["fields"]["title"] = "Take 4000 mg every 2 hours"

    _forge(cache_file, edit)
    assert b"4000 mg" in cache_file.read_bytes()
    bib, _ = load_bibliography(bib_path)
    assert bib.resolve("dose2020").fields["title"] == "Take 200 mg a day"


def test_a_forged_lint_cache_cannot_hide_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MEDCITE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(write_project(tmp_path, {"p.md": FRONT + "\n# P\n\nBack pain [@nosuchkey2020].\n"}))
    assert lint_main(["--jobs", "1"]) == 1
    (cache_file,) = Path("cache").glob("lint-*.json")

    def edit(payload: dict) -> None:
        for item in payload["pages"].values():
            item[1]["findings"] = []

    _forge(cache_file, edit)
    runner._cache.clear()
    bibliography._cache.clear()
    capsys.readouterr()
    assert lint_main(["--jobs", "1"]) == 1
    assert "unknown citation key 'nosuchkey2020'" in capsys.readouterr().out


def test_a_forged_reference_cache_changes_no_reference(tmp_path: Path) -> None:
    bib_path = tmp_path / "refs.bib"
    bib_path.write_text(DOSE_BIB, encoding="utf-8")
    bib, _ = load_bibliography(bib_path)
    first = ReferenceFormatter(FormattedStore())
    honest = {ref.key: first.format(ref) for ref in bib}
    first.save()
    store = FormattedStore()

    def edit(payload: dict) -> None:
        for item in payload["entries"].values():
            if "200 mg" in item[0]:
                item[0] = item[0].replace("200 mg", "4000 mg")
                item[1] = item[1].replace("200 mg", "4000 mg")

    _forge(store.path, edit)
    assert b"4000 mg" in store.path.read_bytes()
    second = ReferenceFormatter(FormattedStore())
    assert {ref.key: second.format(ref) for ref in bib} == honest


def test_the_key_is_private_and_never_in_the_cache_folder(bib_path: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    key = diskcache.key_path()
    assert key.is_file() and stat.S_IMODE(key.stat().st_mode) == 0o600
    cache = diskcache.cache_dir().resolve()
    assert cache not in key.resolve().parents
    # A key file placed in the cache folder (where a restored CI cache could bring its own) is never used.
    monkeypatch.setenv("MEDCITE_CACHE_KEY_FILE", str(tmp_path / "cache" / "key"))
    calls = _parses(monkeypatch)
    bibliography._cache.clear()
    load_bibliography(bib_path)
    bibliography._cache.clear()
    load_bibliography(bib_path)
    assert len(calls) == 2 and not (tmp_path / "cache" / "key").exists()


def test_a_key_others_can_read_is_not_used(bib_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "keys" / "cache-key"
    key.parent.mkdir()
    key.write_text("00" * 32, encoding="utf-8")
    key.chmod(0o644)
    monkeypatch.setenv("MEDCITE_CACHE_KEY_FILE", str(key))
    calls = _parses(monkeypatch)
    bibliography._cache.clear()
    load_bibliography(bib_path)
    bibliography._cache.clear()
    load_bibliography(bib_path)
    assert len(calls) == 2


@pytest.mark.parametrize("library", ["pybtex", "latexcodec", "markdown", "pymdown-extensions"])
def test_another_library_version_is_a_miss(bib_path: Path, monkeypatch: pytest.MonkeyPatch, library: str) -> None:
    calls = _parses(monkeypatch)
    load_bibliography(bib_path)
    assert calls == []  # the warm cache is used
    real = diskcache.metadata.version
    monkeypatch.setattr(diskcache.metadata, "version",
                        lambda name: "999.0" if name.lower() == library else real(name))
    diskcache.code_digest.cache_clear()
    try:
        bibliography._cache.clear()
        load_bibliography(bib_path)
        assert len(calls) == 1
    finally:
        diskcache.code_digest.cache_clear()


def test_other_code_is_a_miss(bib_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _parses(monkeypatch)
    monkeypatch.setattr(diskcache, "code_digest", lambda: "0" * 64)
    load_bibliography(bib_path)
    assert len(calls) == 1


def test_the_readme_says_what_the_cache_trusts() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "MEDCITE_CACHE_KEY_FILE" in readme and "HMAC" in readme

