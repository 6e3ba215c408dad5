"""Per-sentence cost of each claim classifier, uncached (prints numbers; not a timed test).

    .venv/bin/python scripts/bench_claims.py [--repeat N]

Sentences: the labelled dev sets (never the frozen test split). Each classifier's cache is
bypassed, so every call does the full work a first lint of a page does.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from medcite.claims.classify import classify_model
from medcite.claims.evaluation import read_labelled
from medcite.claims.table import rule_verdict

EVAL = Path(__file__).resolve().parents[1] / "tests/eval"
SETS = ("claims-dev.tsv", "claims-dev2.tsv", "independent-dev.tsv")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sentences = [sentence for name in SETS for _, _, sentence in read_labelled(EVAL / name)]
    classify_model.__wrapped__(sentences[0])  # load the model once, outside the timing
    for name, function in (("rules", rule_verdict.__wrapped__), ("model", classify_model.__wrapped__)):
        best = float("inf")
        for _ in range(args.repeat):
            rule_verdict.cache_clear()  # the model calls the rule table too: no warm cache
            start = time.perf_counter()
            for sentence in sentences:
                function(sentence)
            best = min(best, time.perf_counter() - start)
        print(f"{name:<6} {best / len(sentences) * 1e6:8.1f} µs/sentence ({len(sentences)} sentences, best of "
              f"{args.repeat}, uncached)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
