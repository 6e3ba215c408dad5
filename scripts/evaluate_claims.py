"""Print recall and precision per label of the claim classifier on the labelled sets.

    .venv/bin/python scripts/evaluate_claims.py [--errors] [FILE.tsv ...]

Default: tests/eval/claims-dev.tsv and claims-dev2.tsv (used while writing the rules) and
tests/eval/claims-test.tsv (held out: scored, never read while writing rules).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from medcite.evaluation import read_labelled, report, score

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT / "tests/eval/claims-dev.tsv", ROOT / "tests/eval/claims-dev2.tsv", ROOT / "tests/eval/claims-test.tsv"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--errors", action="store_true", help="list every misclassified sentence with its rule")
    args = parser.parse_args(argv)
    for path in args.files:
        scores = score(read_labelled(path))
        print(report(path.name, scores))
        if args.errors:
            for gold, kind, sentence, verdict in scores.mistakes:
                print(f"    gold={gold}/{kind} got={verdict.label} via {verdict.why()}: {sentence}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
