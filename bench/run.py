"""Build and lint benchmark: plain Material vs our `citations` plugin vs mkdocs-bibtex.

    python -m bench.run [--sizes 100x500,500x2000,1000x5000] [--rounds 3] [--write BENCHMARKS.md]

For each corpus size (pages x bibliography entries) the builds run interleaved, round after
round (plain, ours, bibtex, plain, ours, bibtex, ...), so each ratio compares builds made
side by side. Wall time and peak memory (max RSS of the build process, from wait4) are
reported as medians over rounds; ratios are the median of the per-round ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.corpus import write_corpus

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = {
    "plain": "plugins:\n  - search\n",
    "ours": "plugins:\n  - search\n  - citations:\n      bibliography: references.bib\n",
    "bibtex": "plugins:\n  - search\n  - bibtex:\n      bib_file: references.bib\n",
}
HEADER = ("site_name: Bench\ndocs_dir: docs\ntheme:\n  name: material\n  font: false\n"
          "markdown_extensions:\n  - footnotes\n  - admonition\n")


@dataclass
class Samples:
    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)


def measure(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    # A fresh, empty bibliography cache each time: these are cold-start numbers.
    cache = tempfile.mkdtemp(prefix="medcite-cache-")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "MEDCITE_CACHE_DIR": cache}
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: a chatty build cannot block on it
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=log)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):  # citation-lint exits 1 when it finds errors in the corpus
            log.seek(0)
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{log.read()[-2000:].decode()}")
    shutil.rmtree(cache, ignore_errors=True)
    return seconds, usage.ru_maxrss / 1024


def run_size(pages: int, entries: int, rounds: int, python: str, work: Path) -> dict[str, Samples]:
    corpus = write_corpus(work / f"corpus-{pages}-{entries}", pages, entries)
    for name, plugins in CONFIGS.items():
        (corpus / f"{name}.yml").write_text(HEADER + plugins, encoding="utf-8")
    lint = str(Path(python).with_name("citation-lint"))
    commands = {
        name: [python, "-m", "mkdocs", "build", "-q", "-f", f"{name}.yml", "-d", str(work / f"site-{name}")]
        for name in CONFIGS
    }
    commands["lint"] = [lint, "--bib", "references.bib", "--format", "json", "docs"]
    commands["bibload"] = [python, "-c", "import sys; from medcite.bibliography import load_bibliography as l; "
                           "b, f = l(sys.argv[1], use_disk_cache=False); print(len(b))", "references.bib"]
    measure(commands["plain"], corpus)  # warm the file cache; not counted
    samples = {name: Samples() for name in commands}
    for round_number in range(rounds):
        for name, cmd in commands.items():
            seconds, rss = measure(cmd, corpus)
            samples[name].seconds.append(seconds)
            samples[name].rss_mb.append(rss)
            print(f"  ({pages}, {entries}) round {round_number + 1} {name:8} {seconds:7.2f} s {rss:7.1f} MB",
                  flush=True)
    shutil.rmtree(corpus, ignore_errors=True)
    return samples


def ratio(samples: dict[str, Samples], name: str, attr: str) -> float:
    mine, plain = getattr(samples[name], attr), getattr(samples["plain"], attr)
    return statistics.median(a / b for a, b in zip(mine, plain, strict=True))


def report(results: dict[tuple[int, int], dict[str, Samples]], rounds: int, command: str) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    lines = [
        "# Benchmarks", "",
        f"Measured {dt.date.today().isoformat()} on {os.cpu_count()} cores ({cpu}), Python {platform.python_version()},"
        f" {platform.system()} {platform.release()}. Command: `{command}`.", "",
        f"Each row is the median of {rounds} rounds; builds ran interleaved (plain, ours, mkdocs-bibtex, lint, "
        "bibliography load) and each ratio is the median of the per-round ratios to the plain build of the same "
        "round. Memory is the peak resident set size of the process (the largest process: lint workers are "
        "separate processes). Every run starts with an empty bibliography cache (cold).", "",
        "| pages × entries | build | wall s | ratio | peak MB | ratio |", "| --- | --- | --- | --- | --- | --- |",
    ]
    labels = {"plain": "plain Material", "ours": "with `citations` (checks on)", "bibtex": "with mkdocs-bibtex",
              "lint": "`citation-lint` alone", "bibload": "bibliography load alone"}
    for (pages, entries), samples in results.items():
        for name, label in labels.items():
            s = samples[name]
            lines.append(f"| {pages} × {entries} | {label} | {statistics.median(s.seconds):.2f} | "
                         f"{ratio(samples, name, 'seconds'):.2f}× | {statistics.median(s.rss_mb):.0f} | "
                         f"{ratio(samples, name, 'rss_mb'):.2f}× |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100x500,500x2000,1000x5000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--python", default=sys.executable, help="interpreter with mkdocs, medcite and mkdocs-bibtex")
    parser.add_argument("--write", type=Path, help="write the table to this Markdown file")
    args = parser.parse_args(argv)
    sizes = [tuple(int(n) for n in size.split("x")) for size in args.sizes.split(",")]
    python = os.path.abspath(args.python)  # not resolve(): that would leave the virtual environment
    results = {}
    with tempfile.TemporaryDirectory(prefix="medcite-bench-") as tmp:
        for pages, entries in sizes:
            results[(pages, entries)] = run_size(pages, entries, args.rounds, python, Path(tmp))
    table = report(results, args.rounds, "make bench" if os.environ.get("MAKELEVEL") else " ".join(sys.argv))
    print(table)
    if args.write:
        args.write.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
