"""Shared fixtures: a small bibliography and real ``mkdocs build`` runs in tmp_path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import settings

# Property tests draw the same examples on every run and machine, so a submission never fails on a new
# random draw; the examples that found bugs are pinned with @example in the tests themselves.
settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True)
settings.load_profile("repeatable")

ROOT = Path(__file__).resolve().parents[1]
# Tests (and the builds they start) keep their parsed-bibliography cache out of the user's home.
os.environ.setdefault("MEDCITE_CACHE_DIR", tempfile.mkdtemp(prefix="medcite-cache-"))
# ... and the key that signs cache files (kept outside every cache folder) out of the user's config folder.
os.environ.setdefault("MEDCITE_CACHE_KEY_FILE", os.path.join(tempfile.mkdtemp(prefix="medcite-key-"), "cache-key"))



@pytest.fixture(autouse=True)
def _own_cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own cache folder: lint results persist by page path and text, and two tests may
    lint the same page text under the same path while patching the checks differently."""
    monkeypatch.setenv("MEDCITE_CACHE_DIR", str(tmp_path_factory.mktemp("medcite-cache")))


# Front matter whose title is a billion values through YAML aliases (the "billion laughs"); a3 (line 5) is the
# first value over 10,000.
LAUGHS = ("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
          + "".join(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 9))
          + "title: *a8\ndescription: D\nlast_reviewed: 2026-01-01\nnext_review: 2027-01-01\n---\n")
FRONT = "---\ntitle: Test page\ndescription: A page for tests.\nlast_reviewed: 2026-01-01\nnext_review: 2028-01-01\n---\n"

SMALL_BIB = r"""
@article{chou2007diagnosis,
  author  = {Chou, Roger and Qaseem, Amir and Snow, Vincenza and Casey, Donald and Cross, Jr., J. Thomas and Shekelle, Paul and Owens, Douglas K.},
  title   = {Diagnosis and Treatment of Low Back Pain},
  journal = {Annals of Internal Medicine},
  shortjournal = {Ann Intern Med},
  year    = {2007}, volume = {147}, number = {7}, pages = {478--491},
  doi     = {10.7326/0003-4819-147-7-200710020-00006}, pmid = {17909209},
  evidence = {guideline}
}
@article{machado2015efficacy,
  author  = {Machado, Gustavo C. and Maher, Chris G.},
  title   = {Efficacy and safety of paracetamol for spinal pain},
  journal = {BMJ}, year = {2015}, volume = {350}, pages = {h1225},
  doi     = {10.1136/bmj.h1225}, pmid = {25828856}, pmcid = {PMC4381278},
  evidence = {systematic-review}
}
@article{genevay2020,
  author  = {Genevay, St{\'e}phane and Chenot, Jean-Fran{\c{c}}ois and M{\"u}ller, Anna},
  title   = {Accents in names},
  journal = {Spine}, year = {2020}, volume = {1}, pages = {1--9},
  pmid    = {11111111}, evidence = {cohort}
}
@misc{nice2016low,
  author = {{National Institute for Health and Care Excellence}},
  title  = {Low back pain and sciatica in over 16s},
  howpublished = {NICE guideline NG59}, year = {2016},
  url    = {https://www.nice.org.uk/guidance/ng59}, urldate = {2026-11-01},
  evidence = {guideline}
}
"""


def cpu_seconds(call: Callable[[], object], repeat: int = 3) -> float:
    """CPU time of ``call`` (best of ``repeat``): other jobs on a shared machine barely change it."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        call()
        best = min(best, time.process_time() - start)
    return best


def assert_linear(work: Callable[[int], object], scale: int = 8, slack: float = 2.5) -> None:
    """``work(1)`` is the calibration run, ``work(scale)`` the same on an input ``scale`` times larger: a linear
    one takes ``scale`` times longer, a quadratic one ``scale**2`` times; the bound is ``slack * scale`` times
    (20 by default, against 64), whatever the speed or load of the machine."""
    small = cpu_seconds(lambda: work(1))
    large = cpu_seconds(lambda: work(scale))
    assert large <= slack * scale * max(small, 0.001), f"{scale}x the input took {large / max(small, 1e-9):.0f}x " \
                                                        f"the time ({small:.4f} s -> {large:.4f} s)"


@dataclass
class BuildResult:
    returncode: int
    log: str
    site: Path

    def page(self, path: str) -> BeautifulSoup:
        return BeautifulSoup((self.site / path).read_text(encoding="utf-8"), "html.parser")


def write_project(tmp_path: Path, pages: dict[str, str], bib: str | bytes = SMALL_BIB,
                  plugin_config: dict | None = None, extra: dict | None = None) -> Path:
    """A minimal MkDocs + Material project using the citations plugin."""
    docs = tmp_path / "docs"
    for name, text in pages.items():
        target = docs / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    bib_bytes = bib if isinstance(bib, bytes) else bib.encode("utf-8")
    (tmp_path / "refs.bib").write_bytes(bib_bytes)
    config = {
        "site_name": "Test site",
        "docs_dir": "docs",
        "theme": {"name": "material", "font": False},
        "plugins": ["search", {"citations": {"bibliography": "refs.bib", **(plugin_config or {})}}],
        "markdown_extensions": ["admonition", "attr_list", "toc"],
        **(extra or {}),
    }
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return tmp_path


def run_build(project: Path, strict: bool = True) -> BuildResult:
    """A real ``mkdocs build`` in a subprocess, as an editor or CI would run it."""
    site = project / "site"
    cmd = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site), "--config-file",
           str(project / "mkdocs.yml")]
    cmd.append("--strict" if strict else "--no-strict")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # One stream, so the log keeps its order (MkDocs' "Aborted ..." verdict comes last).
    proc = subprocess.run(cmd, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                          timeout=300)
    return BuildResult(proc.returncode, proc.stdout, site)


@pytest.fixture
def build(tmp_path: Path):
    def _build(pages: dict[str, str], bib: str | bytes = SMALL_BIB, strict: bool = True, **kwargs) -> BuildResult:
        return run_build(write_project(tmp_path, pages, bib, **kwargs), strict=strict)

    return _build


@pytest.fixture(scope="session")
def repo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site, built with ``mkdocs build --strict`` (as ``make site`` does)."""
    site = tmp_path_factory.mktemp("repo-site") / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (site.parent / "build.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")  # for test_repo
    return site


@pytest.fixture(scope="session")
def repo_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline bundle, built by the same script as ``make site``, and unzipped."""
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_offline.py"), "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (bundle,) = out.glob("*-offline.zip")
    unzipped = tmp_path_factory.mktemp("unzipped")
    import zipfile

    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(unzipped)
    (root,) = [p for p in unzipped.iterdir() if p.is_dir()]
    return root


BUILD_SITE = ROOT / "scripts" / "build_site.py"


def build_site(engine: str, config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """``make site ENGINE=engine`` for ``config``: citation-lint, then the engine's strict build into ``site``."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, str(BUILD_SITE), "--engine", engine, "--config", str(config),
                           "--site-dir", str(site)], cwd=config.parent, capture_output=True, text=True, env=env,
                          timeout=600)


@pytest.fixture(scope="session")
def repo_sites(repo_site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """This repository's site: MkDocs' build (``repo_site``), then ProperDocs and Zensical. Zensical
    writes beside its config, so it builds a copy of the project (the worktree's site/ stays)."""
    sites = {"mkdocs": repo_site}
    out = tmp_path_factory.mktemp("repo-engines")
    proc = build_site("properdocs", ROOT / "mkdocs.yml", out / "properdocs")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    sites["properdocs"] = out / "properdocs"
    copy = out / "project"
    copy.mkdir()
    for name in ("content", "includes", "overrides", "hooks"):
        shutil.copytree(ROOT / name, copy / name)
    for name in ("mkdocs.yml", "references.bib", "red-flags.yml", "findings.yml"):
        shutil.copy2(ROOT / name, copy / name)
    proc = build_site("zensical", copy / "mkdocs.yml", out / "zensical")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    sites["zensical"] = out / "zensical"
    return sites
