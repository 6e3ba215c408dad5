"""Build and lint benchmark: plain Material vs our `citations` plugin vs mkdocs-bibtex, on two corpora.

    python -m bench.run [--sizes patient:1000x5000,prose:1000x2000] [--rounds 3] [--write BENCHMARKS.md]

Corpora: ``patient`` (bench/corpus.py: short sections of templated patient-education text) and
``prose`` (bench/prose.py: ~600 words a page of dense, almost never repeated health prose).

Every round runs every command once, interleaved (plain, ours cold, ours warm, mkdocs-bibtex cold
and warm, citation-lint cold and warm, bibliography load), so each ratio compares runs made side
by side on a shared machine; ratios are the median of the per-round ratios to that round's plain
build, times the median over rounds. "Cold" starts with an empty cache folder; "warm" is the same
command again with the caches the cold run left (our bibliography and lint caches; MkDocs and
mkdocs-bibtex keep none, so theirs differ from cold only by the OS file cache).

Memory, two figures per run:
- largest process: ``ru_maxrss`` from ``wait4`` on the command; Linux reports the peak RSS of the
  largest of the command and every descendant it waited for (lint workers), exact.
- all processes: the peak over time of the summed PSS (proportional set size, from
  /proc/PID/smaps_rollup) of every process in the command's session, sampled every 50 ms. PSS
  splits pages shared after fork() between the processes sharing them, so the sum is what the
  process tree really holds (a sum of RSS would count the parent's copy-on-write pages once per
  worker). Sampling can miss a peak shorter than 50 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import corpus, prose

CORPORA: dict[str, Callable[[Path, int, int], Path]] = {"patient": corpus.write_corpus, "prose": prose.write_corpus}
CONFIGS = {
    "plain": "plugins:\n  - search\n",
    "ours": "plugins:\n  - search\n  - citations:\n      bibliography: references.bib\n",
    "bibtex": "plugins:\n  - search\n  - bibtex:\n      bib_file: references.bib\n",
}
HEADER = ("site_name: Bench\ndocs_dir: docs\ntheme:\n  name: material\n  font: false\n"
          "markdown_extensions:\n  - footnotes\n  - admonition\n")
# (label, command name, cache state) in the order they run in each round.
RUNS = [
    ("plain Material", "plain", "cold"),
    ("with `citations` (checks on), cold", "ours", "cold"),
    ("with `citations`, warm", "ours", "warm"),
    ("with mkdocs-bibtex, cold", "bibtex", "cold"),
    ("with mkdocs-bibtex, warm", "bibtex", "warm"),
    ("`citation-lint` alone, cold", "lint", "cold"),
    ("`citation-lint` alone, warm", "lint", "warm"),
    ("bibliography load alone", "bibload", "cold"),
]
# With --baseline-python (another installed version of medcite, e.g. the commit before a redesign), these
# runs are added to every round, so "before" and "after" are measured side by side in the same run.
BASELINE_RUNS = [
    ("with `citations`, baseline version, cold", "base-ours", "cold"),
    ("with `citations`, baseline version, warm", "base-ours", "warm"),
    ("`citation-lint` alone, baseline version, cold", "base-lint", "cold"),
]
TARGETS = [  # (what, run key, measure, limit)
    ("cold build ≤ 1.3× plain", ("ours", "cold"), "seconds", 1.3),
    ("warm build ≤ 1.15× plain", ("ours", "warm"), "seconds", 1.15),
    ("`citation-lint` cold ≤ 0.15× plain", ("lint", "cold"), "seconds", 0.15),
    ("peak memory, largest process ≤ 1.5× plain", ("ours", "cold"), "rss_mb", 1.5),
    ("peak memory, all processes ≤ 1.5× plain", ("ours", "cold"), "pss_mb", 1.5),
]
# Material renders the whole navigation into every page, so a plain build grows with pages²; a large
# site is split into sections and prunes the navigation to the current one (``navigation.prune``), and
# the scale point is measured so: SECTION_PAGES pages a folder.
PRUNED_NAV = "  features:\n    - navigation.prune\n"
SECTION_PAGES = 100
SECTION = "bench"  # the tables go between <!-- SECTION:start --> and <!-- SECTION:end -->
SAMPLE_SECONDS = 0.05


@dataclass
class Samples:
    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    pss_mb: list[float] = field(default_factory=list)


def _session_pss_kb(sid: int) -> int:
    """Summed PSS (kB) of every process whose session id is ``sid``."""
    total = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
            # Fields after the command name (which may hold spaces): state ppid pgrp session ...
            if int(stat[stat.rindex(b")") + 2:].split()[3]) != sid:
                continue
            with open(f"/proc/{name}/smaps_rollup", "rb") as handle:
                found = re.search(rb"^Pss:\s+(\d+) kB", handle.read(), re.MULTILINE)
            total += int(found.group(1)) if found else 0
        except (OSError, ValueError, IndexError):  # the process ended meanwhile
            continue
    return total


class _Sampler(threading.Thread):
    def __init__(self, sid: int) -> None:
        super().__init__(daemon=True)
        self.sid, self.peak_kb, self.stop = sid, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak_kb = max(self.peak_kb, _session_pss_kb(self.sid))
            self.stop.wait(SAMPLE_SECONDS)


def measure(cmd: list[str], cwd: Path, cache: Path) -> tuple[float, float, float]:
    """Wall seconds, peak RSS of the largest process (MB) and peak summed PSS of all (MB)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "MEDCITE_CACHE_DIR": str(cache)}
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: a chatty build cannot block on it
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
        sampler = _Sampler(proc.pid)  # a new session: its id is the child's pid, inherited by its workers
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        sampler.stop.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):  # citation-lint exits 1 when it finds errors in the corpus
            log.seek(0)
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{log.read()[-2000:].decode()}")
    return seconds, usage.ru_maxrss / 1024, sampler.peak_kb / 1024


def run_size(kind: str, pages: int, entries: int, rounds: int, python: str, work: Path, prune: bool = False,
             baseline: str | None = None) -> dict[tuple[str, str], Samples]:
    folder = CORPORA[kind](work / f"{kind}-{pages}-{entries}", pages, entries)
    header = HEADER
    if prune:
        header = HEADER.replace("  font: false\n", "  font: false\n" + PRUNED_NAV)
        for number, page in enumerate(sorted((folder / "docs").glob("page*.md"))):
            section = folder / "docs" / f"section{number // SECTION_PAGES:03d}"
            section.mkdir(exist_ok=True)
            page.rename(section / page.name)
    for name, plugins in CONFIGS.items():
        (folder / f"{name}.yml").write_text(header + plugins, encoding="utf-8")
    lint = str(Path(python).with_name("citation-lint"))
    commands = {
        name: [python, "-m", "mkdocs", "build", "-q", "-f", f"{name}.yml", "-d", str(work / f"site-{name}")]
        for name in CONFIGS
    }
    commands["lint"] = [lint, "--bib", "references.bib", "--format", "json", "docs"]
    commands["bibload"] = [python, "-c", "import sys; from medcite.bibliography import load_bibliography as l; "
                           "b, f = l(sys.argv[1], use_disk_cache=False); print(len(b))", "references.bib"]
    runs = list(RUNS)
    if baseline is not None:
        commands["base-ours"] = [baseline, *commands["ours"][1:-1], str(work / "site-base-ours")]
        commands["base-lint"] = [str(Path(baseline).with_name("citation-lint")), *commands["lint"][1:]]
        runs += BASELINE_RUNS
    measure(commands["plain"], folder, work / "unused-cache")  # warm the OS file cache; not counted
    samples = {(name, state): Samples() for _, name, state in runs}
    for round_number in range(rounds):
        caches: dict[str, Path] = {}
        for _, name, state in runs:
            if state == "cold":
                shutil.rmtree(caches.get(name, work / "none"), ignore_errors=True)
                caches[name] = Path(tempfile.mkdtemp(prefix=f"cache-{name}-", dir=work))
            seconds, rss, pss = measure(commands[name], folder, caches[name])
            s = samples[(name, state)]
            s.seconds.append(seconds)
            s.rss_mb.append(rss)
            s.pss_mb.append(pss)
            print(f"  {kind} {pages}x{entries} round {round_number + 1} {name:8} {state}  {seconds:7.2f} s "
                  f"{rss:7.1f} MB largest {pss:7.1f} MB all", flush=True)
        for path in caches.values():
            shutil.rmtree(path, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    return samples


def ratio(samples: dict[tuple[str, str], Samples], key: tuple[str, str], attr: str) -> float:
    mine, plain = getattr(samples[key], attr), getattr(samples[("plain", "cold")], attr)
    return statistics.median(a / b for a, b in zip(mine, plain, strict=True))


Results = dict[tuple[str, int, int], dict[tuple[str, str], Samples]]


def report(results: Results, rounds: int, command: str) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    lines = [
        f"Measured {dt.date.today().isoformat()} on {os.cpu_count()} cores ({cpu}), Python {platform.python_version()},"
        f" {platform.system()} {platform.release()}. Command: `{command}`.", "",
        f"Each row is the median of {rounds} interleaved rounds; each ratio is the median of the per-round ratios to "
        "the plain build of the same round (the machine is shared: absolute times move between runs, ratios measured "
        "side by side much less). Cold: empty cache folder; warm: the same command again with the caches of the cold "
        "run. Memory: *largest* is the peak RSS of the largest single process (wait4); *all* is the sampled peak of "
        "the summed PSS of every process of the run (see `bench/run.py`).", "",
        "| corpus | pages × entries | run | wall s | ratio | largest MB | ratio | all MB | ratio |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for (kind, pages, entries), samples in results.items():
        for label, name, state in RUNS + BASELINE_RUNS:
            if (name, state) not in samples:
                continue
            s = samples[(name, state)]
            lines.append(
                f"| {kind} | {pages} × {entries} | {label} | {statistics.median(s.seconds):.2f} | "
                f"{ratio(samples, (name, state), 'seconds'):.2f}× | {statistics.median(s.rss_mb):.0f} | "
                f"{ratio(samples, (name, state), 'rss_mb'):.2f}× | {statistics.median(s.pss_mb):.0f} | "
                f"{ratio(samples, (name, state), 'pss_mb'):.2f}× |")
    lines += ["", "| target | corpus | pages × entries | measured | mkdocs-bibtex | status |",
              "| --- | --- | --- | --- | --- | --- |"]
    for what, key, attr, limit in TARGETS:
        for (kind, pages, entries), samples in results.items():
            value = ratio(samples, key, attr)
            peer = f"{ratio(samples, ('bibtex', key[1]), attr):.2f}×" if ("bibtex", key[1]) in samples \
                and key[0] == "ours" else "—"
            status = "met" if value <= limit else f"missed by {value - limit:.2f}×"
            lines.append(f"| {what} | {kind} | {pages} × {entries} | {value:.2f}× | "
                         f"{peer} | {status} |")
    return "\n".join(lines) + "\n"


def write_section(path: Path, table: str, section: str = SECTION) -> None:
    """Replace the generated part of ``path`` (between the markers), keeping the prose around it."""
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{start}\n{end}\n"
    if start not in text or end not in text:
        text = text.rstrip("\n") + f"\n\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    path.write_text(f"{head}{start}\n{table}{end}{tail}", encoding="utf-8")


def _size(value: str) -> tuple[str, int, int]:
    kind, _, size = value.rpartition(":")
    pages, _, entries = size.partition("x")
    if (kind or "patient") not in CORPORA:
        raise SystemExit(f"unknown corpus {kind!r}: one of {', '.join(CORPORA)}")
    return kind or "patient", int(pages), int(entries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="patient:1000x5000,prose:1000x2000",
                        help="comma-separated CORPUS:PAGESxENTRIES (corpora: " + ", ".join(CORPORA) + ")")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--python", default=sys.executable, help="interpreter with mkdocs, medcite and mkdocs-bibtex")
    parser.add_argument("--runs", help="only these runs, e.g. plain:cold,ours:cold,lint:cold (plain is always run)")
    parser.add_argument("--write", type=Path, help="write the tables into this Markdown file (between its markers)")
    parser.add_argument("--section", default=SECTION, help="the markers' name: <!-- SECTION:start --> … :end")
    parser.add_argument("--prune-nav", action="store_true",
                        help="pages in sections of SECTION_PAGES and Material's navigation.prune (large sites)")
    parser.add_argument("--baseline-python", help="interpreter of another medcite install (e.g. the commit before a "
                        "change): its build and lint run in the same rounds, so before and after are side by side")
    args = parser.parse_args(argv)
    sizes = [_size(size) for size in args.sizes.split(",")]
    if args.runs:
        wanted = {tuple(run.split(":")) for run in args.runs.split(",")} | {("plain", "cold")}
        RUNS[:] = [run for run in RUNS if run[1:] in wanted]
        TARGETS[:] = [target for target in TARGETS if target[1] in wanted]
    python = os.path.abspath(args.python)  # not resolve(): that would leave the virtual environment
    results: Results = {}
    with tempfile.TemporaryDirectory(prefix="medcite-bench-") as tmp:
        for kind, pages, entries in sizes:
            baseline = os.path.abspath(args.baseline_python) if args.baseline_python else None
            results[(kind, pages, entries)] = run_size(kind, pages, entries, args.rounds, python, Path(tmp),
                                                       args.prune_nav, baseline)
    command = " ".join(["python -m bench.run", *(sys.argv[1:] if argv is None else argv)])
    table = report(results, args.rounds, command)
    print(table)
    if args.write:
        write_section(args.write, table, args.section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
