"""A newcomer's first trap: `make site` with a Python too old for the lock (Debian 12's 3.11.2) must say what to do
in one line before pip runs, and a .venv made by another Python is rebuilt, not reused (scripts/check_python.sh)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT

CHECK = ROOT / "scripts" / "check_python.sh"


def _fake_python(folder: Path, version: str) -> Path:
    """A stand-in interpreter that reports ``version`` and does nothing else (it records being run)."""
    path = folder / f"python-{version}"
    path.write_text(f'#!/bin/sh\necho "$@" >> "{folder}/calls"\ncase "$*" in *version_info*) echo {version};; esac\n',
                    encoding="utf-8")
    path.chmod(0o755)
    return path


def _venv(folder: Path, version: str) -> Path:
    venv = folder / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(f"home = /usr/bin\nversion = {version}\n", encoding="utf-8")
    return venv


def _check(python: Path, venv: Path, origin: str = "command line") -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", str(CHECK), str(python), str(venv), origin], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "MAKE_TARGET": "site"})


def test_make_stops_before_pip_with_one_line_on_a_python_too_old(tmp_path: Path) -> None:
    old = _fake_python(tmp_path, "3.11.2")
    proc = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), f"VENV={tmp_path / 'venv'}",
                           f"PYTHON={old}", str(tmp_path / "venv" / ".installed")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.startswith("make: ") and "Error" not in line]
    assert len(lines) == 1, proc.stderr
    assert "is Python 3.11.2" in lines[0] and "3.11.5 or newer" in lines[0] and "PYTHON=" in lines[0]
    assert "-m" not in (tmp_path / "calls").read_text()  # neither venv nor pip was run with it


def test_a_venv_made_by_an_old_python_is_rebuilt_with_the_one_named(tmp_path: Path) -> None:
    venv = _venv(tmp_path, "3.11.2")
    proc = _check(_fake_python(tmp_path, "3.12.1"), venv)
    assert proc.returncode == 0 and not venv.exists()
    assert "made by Python 3.11.2" in proc.stderr and "rebuilding" in proc.stderr


def test_a_venv_made_by_another_python_is_rebuilt_when_a_python_is_named(tmp_path: Path) -> None:
    venv = _venv(tmp_path, "3.11.7")
    assert _check(_fake_python(tmp_path, "3.12.1"), venv).returncode == 0 and not venv.exists()


@pytest.mark.parametrize("python_version", ["3.11.2", "3.12.1"])
def test_a_good_venv_is_kept_when_no_python_is_named(tmp_path: Path, python_version: str) -> None:
    venv = _venv(tmp_path, "3.11.7")
    proc = _check(_fake_python(tmp_path, python_version), venv, origin="default")
    assert proc.returncode == 0 and venv.exists() and proc.stderr == ""


def test_an_old_venv_and_an_old_python_give_the_one_line(tmp_path: Path) -> None:
    venv = _venv(tmp_path, "3.11.2")
    proc = _check(_fake_python(tmp_path, "3.11.2"), venv, origin="default")
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1 and venv.exists()
