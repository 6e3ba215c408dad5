"""Score the claim classifier on the labelled sets, side by side, with the targets and the dev-to-test gap.

    .venv/bin/python scripts/evaluate_claims.py                 # every set (make eval)
    .venv/bin/python scripts/evaluate_claims.py [--errors] FILE.tsv ...
    .venv/bin/python scripts/evaluate_claims.py --score-test    # really score the frozen test split

Sets: claims-dev.tsv / claims-dev2.tsv and independent-dev.tsv are training data for the model
(scripts/train_claims.py), so their scores are fits, not estimates; the honest dev estimate is the
cross-validated one (each register scored by a model that never saw it), stored with the model.
claims-test.tsv (old held-out) is scored every time. independent-test.tsv is the frozen test split:
it may be scored at most three times in all, each logged in tests/eval/TEST-SCORING.md, so by default
this prints the last logged scoring and only ``--score-test`` scores it again (never with --errors).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from medcite.claims.classify import CLASSIFIERS
from medcite.claims.evaluation import read_labelled, report, score
from medcite.claims.learnt import MODEL_PATH

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests/eval"
FROZEN = EVAL / "independent-test.tsv"
LOG = EVAL / "TEST-SCORING.md"
SCORED = ("claims-dev.tsv", "claims-dev2.tsv", "claims-test.tsv", "independent-dev.tsv")
GAP_TARGET = 0.02


def logged_scorings() -> dict[str, tuple[str, list[float]]]:
    """The newest logged scoring of the frozen split per classifier ("model" if its code cell says so)."""
    found: dict[str, tuple[str, list[float]]] = {}
    for line in LOG.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\|\s*\d+\s*\|", line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            classifier = "model" if "model" in cells[2].lower() else "rules"
            found[classifier] = (f"#{cells[0]} ({cells[2]})", [float(cells[3]), float(cells[4]), float(cells[5])])
    return found


def table() -> str:
    logged = logged_scorings()
    meta = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["meta"]
    header = f"{'classifier':<11}{'set':<22}{'n':>6}{'must recall':>13}{'must prec.':>12}{'should flagged':>16}" \
             f"{'none FP':>9}"
    lines = [header]

    def row(classifier: str, name: str, n: object, must: float, precision: float | None, should: float,
            fp: float) -> str:
        shown = "-" if precision is None else f"{precision:.3f}"
        return f"{classifier:<11}{name:<22}{n!s:>6}{must:>13.3f}{shown:>12}{should:>16.3f}{fp:>9.3f}"

    for classifier in ("rules", "model"):
        for name in SCORED:
            s = score(read_labelled(EVAL / name), CLASSIFIERS[classifier])
            fit = " (fit)" if classifier == "model" and name != "claims-test.tsv" else ""
            lines.append(row(classifier, name.removesuffix(".tsv") + fit, s.total, s.must_recall,
                             s.precision("must"), s.should_flagged, s.none_false_positives))
        dev: list[float] | None = None
        if classifier == "model":
            n, must, should, fp = meta["cross_validated"]["all"]
            dev = [must, should, fp]
            lines.append(row(classifier, "independent-dev CV", n, must, None, should, fp))
        if classifier in logged:
            _, (must, should, fp) = logged[classifier]
            lines.append(row(classifier, "independent-test *", "", must, None, should, fp))
            if dev is not None:
                gaps = [abs(a - b) for a, b in zip((must, should, fp), dev, strict=True)]
                lines.append(f"{'':<11}{'gap |test - dev CV|':<22}{'':>6}{gaps[0]:>13.3f}{'':>12}{gaps[1]:>16.3f}"
                             f"{gaps[2]:>9.3f}   (target <= {GAP_TARGET})")
        else:
            lines.append(f"{classifier:<11}{'independent-test *':<22}  not scored yet")
    lines.append(f"{'targets':<33}{'>= 0.95':>13}{'':>12}{'>= 0.80':>16}{'<= 0.08':>9}")
    lines.append("")
    lines.append("(fit): the model was trained on this set, so its score is not an estimate; independent-dev CV scores "
                 "each register with a model that never saw it.")
    lines.append("* frozen test split, scored at most three times: the newest logged scoring per classifier, from "
                 f"{LOG.relative_to(ROOT)}: " + "; ".join(f"{c} {v[0]}" for c, v in logged.items()))
    lines.append("model, cross-validated by held-out register (must recall / should flagged / none FP): " + ", ".join(
        f"{r} {v[1]:.3f}/{v[2]:.3f}/{v[3]:.3f}" for r, v in meta["cross_validated"].items() if r != "all"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--errors", action="store_true", help="list every misclassified sentence with its reason")
    parser.add_argument("--score-test", action="store_true", help="score the frozen test split (log it!)")
    parser.add_argument("--claims", choices=sorted(CLASSIFIERS), default="model", help="classifier for FILEs and "
                        "--score-test (default: model)")
    args = parser.parse_args(argv)
    if args.score_test:
        if args.errors or args.files:
            parser.error("--score-test prints only the aggregate figures of the frozen split")
        print(report(f"{FROZEN.name} ({args.claims})", score(read_labelled(FROZEN), CLASSIFIERS[args.claims]),
                     by_kind=False))
        print(f"\nAppend this scoring to {LOG.relative_to(ROOT)}.")
        return 0
    if not args.files:
        print(table())
        return 0
    for path in args.files:
        if path.resolve() == FROZEN.resolve():
            parser.error(f"{FROZEN.name} is frozen: use --score-test (aggregate figures only)")
        scores = score(read_labelled(path), CLASSIFIERS[args.claims])
        print(report(f"{path.name} ({args.claims})", scores))
        if args.errors:
            for gold, kind, sentence, verdict in scores.mistakes:
                print(f"    gold={gold}/{kind} got={verdict.label} via {verdict.why()}: {sentence}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
