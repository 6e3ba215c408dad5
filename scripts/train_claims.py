"""Train the claim model (plugins/medcite/claims/assets/claims-model.json) on the labelled dev sets.

    .venv/bin/python scripts/train_claims.py [--check] [--report FILE]

Data: tests/eval/independent-dev.tsv (six writers, one register each) and the older
claims-dev.tsv / claims-dev2.tsv (this site's own style, register "site"). Never the test
splits (independent-test.tsv, claims-test.tsv).

Method: multinomial logistic regression with L2 regularisation over the features of
medcite.claims.learnt.features, fitted by AdaGrad SGD in a fixed order (deterministic). The L2
strength and the two decision thresholds are chosen by cross-validation that holds one
register out at a time, so every dev figure reported is for a register the model did not see.
``--check`` retrains and fails if the result differs from the committed model.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from medcite.claims.classify import override
from medcite.claims.learnt import LABELS, MODEL_PATH, LinearModel, features
from medcite.claims.table import normalise

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests/eval"
TRAINING_SETS = (("independent-dev.tsv", None), ("claims-dev.tsv", "site"), ("claims-dev2.tsv", "site"))
EPOCHS = 25
L2_GRID = (1e-4, 3e-4, 1e-3)
MIN_COUNT = 2  # a feature seen in fewer training sentences gets no weight
# Targets (issue 10) and the margins kept on dev so that the test split has room to differ.
MUST_RECALL_TARGET, SHOULD_FLAGGED_TARGET = 0.95, 0.80
MARGIN = 0.01
# When the targets cannot all be met on held-out registers (so far they cannot), keep false alarms at or
# below this share and flag as many must-cite claims as that allows: an editor stops reading a linter that
# cries wolf, and the baseline rules raised 0.27.
MAX_FALSE_POSITIVES = 0.20


@dataclass(frozen=True)
class Row:
    label: str
    kind: str
    sentence: str
    register: str
    features: tuple[str, ...]
    fixed: bool = False  # decided by a structural override, so never seen by the model


def load_rows() -> list[Row]:
    rows = []
    for name, register in TRAINING_SETS:
        for line in (EVAL / name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#") or line.startswith("label\t"):
                continue
            cells = line.split("\t")
            text = normalise(cells[2])
            fixed = override(text) is not None  # decided by a structural rule (always "none")
            rows.append(Row(cells[0], cells[1], cells[2], register or cells[3], tuple(features(text)), fixed))
    return rows


def train(rows: list[Row], l2: float, epochs: int = EPOCHS) -> dict[str, list[float]]:
    rows = [row for row in rows if not row.fixed]
    counts = Counter(name for row in rows for name in row.features)
    vocabulary = sorted(name for name, n in counts.items() if n >= MIN_COUNT)
    index = {name: i for i, name in enumerate(vocabulary)}
    data = [([index[n] for n in row.features if n in index], LABELS.index(row.label)) for row in rows]
    by_label = Counter(label for _, label in data)
    balance = [len(data) / (len(LABELS) * max(1, by_label[i])) for i in range(len(LABELS))]
    weights = [[0.0, 0.0, 0.0] for _ in vocabulary]
    squares = [[1e-8, 1e-8, 1e-8] for _ in vocabulary]
    rate = 0.5
    order = list(range(len(data)))
    shuffle = random.Random(20261202)
    for _ in range(epochs):
        shuffle.shuffle(order)
        for position in order:
            active, gold = data[position]
            scores = [0.0, 0.0, 0.0]
            for f in active:
                row = weights[f]
                scores[0] += row[0]
                scores[1] += row[1]
                scores[2] += row[2]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            scale = balance[gold]
            gradient = [(exps[c] / total - (1.0 if c == gold else 0.0)) * scale for c in range(3)]
            for f in active:
                row, square = weights[f], squares[f]
                for c in range(3):
                    g = gradient[c] + l2 * row[c] * len(data) / max(1, counts[vocabulary[f]])
                    square[c] += g * g
                    row[c] -= rate * g / math.sqrt(square[c])
    return {name: weights[i] for i, name in enumerate(vocabulary)}


def as_model(weights: dict[str, list[float]], must_threshold: float = 1.0, flag_threshold: float = 1.0) -> LinearModel:
    return LinearModel({k: (v[0], v[1], v[2]) for k, v in weights.items()}, must_threshold, flag_threshold)


OVERRIDDEN = {"must": 0.0, "should": 0.0, "none": 1.0}


@dataclass(frozen=True)
class Figures:
    n: int
    must_recall: float
    should_flagged: float
    none_fp: float


def figures(pairs: list[tuple[str, str]]) -> Figures:
    def share(gold: str, predicted: set[str]) -> float:
        golds = [p for g, p in pairs if g == gold]
        return sum(1 for p in golds if p in predicted) / max(1, len(golds))

    return Figures(len(pairs), share("must", {"must"}), share("should", {"must", "should"}),
                   share("none", {"must", "should"}))


def decide(probs: dict[str, float], must_threshold: float, flag_threshold: float) -> str:
    return LinearModel({}, must_threshold, flag_threshold).decide(probs)


def choose_thresholds(scored: list[tuple[str, dict[str, float]]]) -> tuple[float, float]:
    """Thresholds meeting the targets with the fewest false positives; failing that, the most must recall
    with should flagged on target and false positives at most MAX_FALSE_POSITIVES."""
    meeting: tuple[float, float, float] | None = None
    capped: tuple[float, float, float, float] | None = None
    grid = [i / 100 for i in range(2, 98)]
    for must_threshold in grid:
        for flag_threshold in grid:
            if flag_threshold > must_threshold:
                continue
            result = figures([(gold, decide(p, must_threshold, flag_threshold)) for gold, p in scored])
            if result.should_flagged < SHOULD_FLAGGED_TARGET + MARGIN:
                continue
            if result.must_recall >= MUST_RECALL_TARGET + MARGIN:
                key = (result.none_fp, -must_threshold, -flag_threshold)
                if meeting is None or key < meeting:
                    meeting = key
            if result.none_fp <= MAX_FALSE_POSITIVES:
                candidate = (-result.must_recall, result.none_fp, -must_threshold, -flag_threshold)
                if capped is None or candidate < capped:
                    capped = candidate
    if meeting is not None and meeting[0] <= MAX_FALSE_POSITIVES:
        return -meeting[1], -meeting[2]
    if capped is None:
        raise SystemExit("no thresholds keep should flagged on target within the false-positive cap")
    return -capped[2], -capped[3]


def cross_validate(rows: list[Row], l2: float) -> dict[str, list[tuple[str, dict[str, float]]]]:
    """Out-of-register probabilities: each independent register scored by a model trained without it."""
    held: dict[str, list[tuple[str, dict[str, float]]]] = {}
    for register in sorted({row.register for row in rows} - {"site"}):
        model = as_model(train([row for row in rows if row.register != register], l2))
        held[register] = [(row.label, OVERRIDDEN if row.fixed else model.predict(list(row.features)).probabilities)
                          for row in rows if row.register == register]
    return held


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if retraining changes the committed model")
    parser.add_argument("--l2", type=float, help="skip the search and use this L2 strength")
    args = parser.parse_args(argv)
    rows = load_rows()
    print(f"{len(rows)} sentences ({sum(r.fixed for r in rows)} decided by structural overrides): "
          + ", ".join(f"{r} {n}" for r, n in sorted(Counter(row.register for row in rows).items())))
    best: tuple[tuple[float, float], float, float, float, dict[str, list[tuple[str, dict[str, float]]]]] | None = None
    for l2 in ([args.l2] if args.l2 else L2_GRID):
        held = cross_validate(rows, l2)
        pooled = [pair for pairs in held.values() for pair in pairs]
        must_threshold, flag_threshold = choose_thresholds(pooled)
        result = figures([(g, decide(p, must_threshold, flag_threshold)) for g, p in pooled])
        print(f"l2={l2:g}: thresholds must {must_threshold:.2f} flag {flag_threshold:.2f} -> must recall "
              f"{result.must_recall:.3f}, should flagged {result.should_flagged:.3f}, none FP {result.none_fp:.3f}")
        key = (result.must_recall, -result.none_fp)
        if best is None or key > best[0]:
            best = (key, l2, must_threshold, flag_threshold, held)
    assert best is not None
    _, l2, must_threshold, flag_threshold, held = best
    print(f"\nchosen l2={l2:g}; held-out-register figures (model trained on the other registers + site):")
    print(f"  {'register':<14}{'n':>5}{'must recall':>13}{'should flagged':>16}{'none FP':>9}")
    cross_validated: dict[str, list[float]] = {}
    pooled = [pair for pairs in held.values() for pair in pairs]
    for register, pairs in [*sorted(held.items()), ("all", pooled)]:
        result = figures([(g, decide(p, must_threshold, flag_threshold)) for g, p in pairs])
        cross_validated[register] = [result.n, round(result.must_recall, 3), round(result.should_flagged, 3),
                                     round(result.none_fp, 3)]
        print(f"  {register:<14}{result.n:>5}{result.must_recall:>13.3f}{result.should_flagged:>16.3f}"
              f"{result.none_fp:>9.3f}")
    weights = train(rows, l2)
    digest = hashlib.sha256("".join(f"{r.label}\t{r.sentence}\n" for r in rows).encode()).hexdigest()
    meta = {"trained_on": [name for name, _ in TRAINING_SETS], "sentences": sum(not r.fixed for r in rows), "l2": l2,
            "epochs": EPOCHS, "min_count": MIN_COUNT, "data_sha256": digest,
            "script": "scripts/train_claims.py",
            "cross_validated": cross_validated,  # register -> [n, must recall, should flagged, none FP]
            "max_false_positives": MAX_FALSE_POSITIVES}
    model = as_model(weights, must_threshold, flag_threshold)
    text = model.to_json(meta)
    if args.check:
        same = MODEL_PATH.exists() and MODEL_PATH.read_text(encoding="utf-8") == text
        print("committed model matches retraining" if same else "committed model differs from retraining")
        return 0 if same else 1
    MODEL_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {MODEL_PATH.relative_to(ROOT)} ({len(weights)} features, {len(text) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
