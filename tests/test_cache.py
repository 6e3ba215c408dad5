"""The bibliography disk cache holds data only, and nothing read back from it is trusted."""

from __future__ import annotations

import json
import os
import pickle
import stat
import time
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import medcite.bib.bibliography as bibliography
from medcite.bib.bibliography import load_bibliography
from medcite.core import diskcache

from .conftest import SMALL_BIB

DOSE_BIB = SMALL_BIB + "\n@misc{dose2020, title = {Take 200 mg a day}, year = {2020}}\n"


def _snapshot(bib: bibliography.Bibliography) -> list[tuple[object, ...]]:
    return [(r.key, r.entry_type, r.line, r.fields, r.authors, r.source, r.people) for r in bib]


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, list[tuple[object, ...]]]:
    """A bibliography, its cache file written by a first load, and what a fresh parse gives."""
    monkeypatch.setenv("MEDCITE_CACHE_DIR", str(tmp_path / "cache"))
    bib_path = tmp_path / "refs.bib"
    bib_path.write_text(DOSE_BIB, encoding="utf-8")
    bibliography._cache.clear()
    fresh, _ = load_bibliography(bib_path, use_disk_cache=False)
    bibliography._cache.clear()
    load_bibliography(bib_path)
    files = list((tmp_path / "cache").glob("bibliography-*.json"))
    assert len(files) == 1
    bibliography._cache.clear()
    return bib_path, files[0], _snapshot(fresh)


class _RunsCode:
    """A pickle whose loading runs a command: what an attacker would plant."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_planted_pickle_is_never_executed(cached, tmp_path: Path) -> None:
    bib_path, cache_file, fresh = cached
    marker = tmp_path / "pwned"
    cache_file.write_bytes(pickle.dumps(_RunsCode(marker)))
    bib, _ = load_bibliography(bib_path)
    assert not marker.exists()
    assert _snapshot(bib) == fresh


def test_cache_is_json_with_digests_in_a_private_folder(cached) -> None:
    _bib_path, cache_file, _fresh = cached
    assert stat.S_IMODE(cache_file.parent.stat().st_mode) == 0o700
    text = cache_file.read_text(encoding="utf-8")
    assert text.startswith("{") and '"source_sha256"' in text and '"payload_hmac"' in text


def test_an_edited_value_is_a_miss_not_a_wrong_page(cached) -> None:
    bib_path, cache_file, fresh = cached
    cache_file.write_bytes(cache_file.read_bytes().replace(b"200 mg", b"800 mg"))
    bib, _ = load_bibliography(bib_path)
    assert bib.resolve("dose2020").fields["title"] == "Take 200 mg a day"
    assert _snapshot(bib) == fresh
    bibliography._cache.clear()  # the miss rewrote the file: the next run reads it back
    assert b"200 mg" in cache_file.read_bytes()


def test_a_cache_from_another_bibliography_is_not_used(cached) -> None:
    bib_path, cache_file, _fresh = cached
    planted = cache_file.read_bytes()
    bib_path.write_text(DOSE_BIB.replace("200 mg", "250 mg"), encoding="utf-8")
    bibliography._cache.clear()
    load_bibliography(bib_path)  # writes the new digest's file
    new_file = next(p for p in cache_file.parent.glob("bibliography-*.json") if p != cache_file)
    new_file.write_bytes(planted)  # the old content under the new name
    bibliography._cache.clear()
    bib, _ = load_bibliography(bib_path)
    assert bib.resolve("dose2020").fields["title"] == "Take 250 mg a day"


def test_a_folder_others_can_write_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "shared-cache"
    folder.mkdir()
    folder.chmod(0o777)
    monkeypatch.setenv("MEDCITE_CACHE_DIR", str(folder))
    bib_path = tmp_path / "refs.bib"
    bib_path.write_text(DOSE_BIB, encoding="utf-8")
    bibliography._cache.clear()
    load_bibliography(bib_path)
    assert list(folder.iterdir()) == []


def test_a_fifo_or_symlink_in_the_cache_is_a_miss(cached, tmp_path: Path) -> None:
    bib_path, cache_file, fresh = cached
    cache_file.unlink()
    os.mkfifo(cache_file)  # reading a FIFO would block forever
    assert _snapshot(load_bibliography(bib_path)[0]) == fresh
    bibliography._cache.clear()
    cache_file.unlink(missing_ok=True)
    (tmp_path / "elsewhere.json").write_text("{}", encoding="utf-8")
    cache_file.symlink_to(tmp_path / "elsewhere.json")
    assert _snapshot(load_bibliography(bib_path)[0]) == fresh


def test_a_failed_write_leaves_no_partial_file(cached, monkeypatch: pytest.MonkeyPatch) -> None:
    bib_path, cache_file, fresh = cached
    cache_file.unlink()

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(diskcache.os, "replace", disk_full)
    assert _snapshot(load_bibliography(bib_path)[0]) == fresh
    assert [p.name for p in cache_file.parent.iterdir()] == []


def test_partial_files_a_killed_run_left_are_removed(cached) -> None:
    bib_path, cache_file, _fresh = cached
    stale = cache_file.parent / "bibliography-0123.4567.partial"
    stale.write_text("half", encoding="utf-8")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    bib_path.write_text(DOSE_BIB + "\n@misc{more, title={More}, year={2021}}\n", encoding="utf-8")
    load_bibliography(bib_path)  # a write
    assert not stale.exists()


_VALID: dict[str, bytes] = {}


def _valid_cache_bytes(cached) -> bytes:
    _bib_path, cache_file, _fresh = cached
    return _VALID.setdefault("bytes", cache_file.read_bytes())


@st.composite
def _damaged(draw: st.DrawFn, length: int) -> tuple[str, int, bytes]:
    how = draw(st.sampled_from(["truncate", "flip", "overwrite", "insert"]))
    at = draw(st.integers(0, max(0, length - 1)))
    data = draw(st.binary(min_size=1, max_size=8))
    return how, at, data


def _apply(valid: bytes, damage: tuple[str, int, bytes]) -> bytes:
    how, at, data = damage
    if how == "truncate":
        return valid[:at]
    if how == "flip":
        out = bytearray(valid)
        for offset, byte in enumerate(data[:4]):
            if at + offset < len(out):
                out[at + offset] ^= byte or 1
        return bytes(out)
    if how == "overwrite":
        return valid[:at] + data + valid[at + len(data):]
    return valid[:at] + data + valid[at:]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=_damaged(length=4000))
@example(damage=("overwrite", 0, b"\xff" * 8))  # a pickle frame length that made every build fail
@example(damage=("truncate", 10, b"x"))
@example(damage=("overwrite", 0, b"[" * 8))
def test_damaged_cache_bytes_give_the_fresh_parse(cached, damage: tuple[str, int, bytes]) -> None:
    """Any truncation, flip or overwrite: the result is the freshly parsed bibliography, never an error."""
    bib_path, cache_file, fresh = cached
    valid = _valid_cache_bytes(cached)
    damaged = _apply(valid, damage)
    cache_file.write_bytes(damaged)
    bibliography._cache.clear()
    with mock.patch.object(bibliography, "parse_bibliography", wraps=bibliography.parse_bibliography) as parse:
        bib, _ = load_bibliography(bib_path)
    assert _snapshot(bib) == fresh
    # A miss re-parses and replaces the file; a hit (damage JSON ignores, such as whitespace) leaves it alone.
    assert cache_file.read_bytes() == (valid if parse.called else damaged)
    if damaged != valid and parse.called is False:
        assert json.loads(damaged) == json.loads(valid)  # a hit only on the same data
