"""Experiment for issue 25, not part of the suite: what a contextual sentence encoder (all-MiniLM-L6-v2) adds to
the ``meaning`` claim classifier, and whether more labelled data would help (a learning curve).

Runs in the project's venv on the vectors that ``minilm_embed.py`` wrote from the scratch venv (see its header;
that venv lives outside the repository and nothing here is a dependency of the project)::

    .venv/bin/python tests/eval/real/experiments/context_cv.py compare /work/scratch/minilm-dev.npz
    .venv/bin/python tests/eval/real/experiments/context_cv.py curve

Only the dev split of tests/eval/real/labelled.jsonl is read (scripts/train_meaning.py drops the test split as it
reads the file). Everything is cross-validated by site group exactly as train_meaning.py does (its five folds, its
soft targets, its label + kind heads, the older sets at weight 0.3, its thresholds chosen on the pooled out-of-fold
probabilities); ``--salts`` repeats it on other fold assignments (the site groups hashed with a salt). The file
name does not start with ``test_``: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / "scripts"))

import train_meaning as tm  # noqa: E402

from medcite.claims.classify import override  # noqa: E402
from medcite.claims.table import normalise  # noqa: E402

OLDER_WEIGHT, L2 = 0.3, 0.01  # train_meaning.py's chosen values
MINILM_DIM = 384


@dataclass
class Data:
    units: list[tm.Unit]  # every dev unit
    classified: list[int]  # the units the linter classifies (not a heading, no structural override)
    real: tm.Matrix
    older: tm.Matrix


def load() -> Data:
    units = tm.real_dev()
    classified = [i for i, u in enumerate(units) if not u.is_heading and override(normalise(u.text)) is None]
    real = tm.Matrix([units[i] for i in classified])
    older = tm.Matrix([u for u in tm.older_sets() if override(normalise(u.text)) is None])
    return Data(units, classified, real, older)


def minilm(matrix: tm.Matrix, table: dict[str, np.ndarray], scale: float) -> np.ndarray:
    """The sentence's, lead-in's and previous unit's MiniLM vectors, as meaning.embeddings lays out WordLlama's."""
    zero = np.zeros(MINILM_DIM, np.float32)
    rows = []
    for u in matrix.units:
        context = u.context
        lead = table[context.lead_in] if context.is_list_item and context.lead_in else zero
        previous = table[normalise(context.prev)] if context.prev else zero
        rows.append(np.concatenate([table[normalise(u.text)], lead, previous]))
    return np.stack(rows).astype(np.float64) * scale


def folds_of(data: Data, salt: str) -> np.ndarray:
    if not salt:
        return np.array([tm.fold_of(u.group) for u in data.real.units])
    return np.array([int(hashlib.sha256((salt + u.group).encode()).hexdigest(), 16) % tm.FOLDS
                     for u in data.real.units])


Model = Callable[[np.ndarray, tm.Sparse], np.ndarray]  # (dense, sparse) -> P(label)


def lr_heads(dense: np.ndarray, sparse: tm.Sparse, y: np.ndarray, target: np.ndarray, weight: np.ndarray,
             unit_kinds: list[str], kinds: list[tuple[str, str]]) -> Model:
    """train_meaning's label head + kind head (summed by label), averaged: any width of dense columns."""
    width = dense.shape[1]
    w, b = tm.fit(dense, sparse, y, target, weight, L2)
    column = {kind: i for i, (kind, _) in enumerate(kinds)}
    kind_w, kind_b = tm.fit(dense, sparse, y, np.eye(len(kinds))[[column[k] for k in unit_kinds]], weight, L2)
    kind_labels = np.array([tm.LABELS.index(label) for _, label in kinds])

    def predict(d: np.ndarray, s: tm.Sparse) -> np.ndarray:
        p = tm.softmax(d @ w[:width] + s.dot(w[width:]) + b)
        pk = tm.softmax(d @ kind_w[:width] + s.dot(kind_w[width:]) + kind_b)
        by_label = np.stack([pk[:, kind_labels == k].sum(axis=1) for k in range(len(tm.LABELS))], axis=1)
        return (p + by_label) / 2

    return predict


def mlp(dense: np.ndarray, sparse: tm.Sparse, y: np.ndarray, target: np.ndarray, weight: np.ndarray,
        unit_kinds: list[str], kinds: list[tuple[str, str]], hidden: int = 64, steps: int = 300,
        l2: float = 0.01, seed: int = 0) -> Model:
    """One hidden layer (ReLU) over the same columns, soft label targets, balanced, full-batch Adam; its
    P(label) is averaged with the linear label + kind heads'."""
    linear = lr_heads(dense, sparse, y, target, weight, unit_kinds, kinds)
    rng = np.random.default_rng(seed)
    balance = np.array([len(y) / (len(tm.LABELS) * max(1, int((y == k).sum()))) for k in range(len(tm.LABELS))])
    sample = weight * balance[y]
    sample = sample / sample.sum()
    width = dense.shape[1]
    w1d = rng.normal(0, 1 / np.sqrt(max(1, width)), (width, hidden))
    w1s = rng.normal(0, 0.05, (sparse.shape[1], hidden))
    b1 = np.zeros(hidden)
    w2 = rng.normal(0, 1 / np.sqrt(hidden), (hidden, len(tm.LABELS)))
    b2 = np.zeros(len(tm.LABELS))
    params = [w1d, w1s, b1, w2, b2]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    rate, beta1, beta2 = 0.01, 0.9, 0.999
    for step in range(1, steps + 1):
        pre = dense @ w1d + sparse.dot(w1s) + b1
        h = np.maximum(pre, 0)
        error = (tm.softmax(h @ w2 + b2) - target) * sample[:, None]
        dh = (error @ w2.T) * (pre > 0)
        grads = [dense.T @ dh + l2 * w1d, sparse.tdot(dh) + l2 * w1s, dh.sum(axis=0), h.T @ error + l2 * w2,
                 error.sum(axis=0)]
        for param, grad, (m, v) in zip(params, grads, moments, strict=True):
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            param -= rate * (m / (1 - beta1 ** step)) / (np.sqrt(v / (1 - beta2 ** step)) + 1e-8)

    def predict(d: np.ndarray, s: tm.Sparse) -> np.ndarray:
        net = tm.softmax(np.maximum(d @ w1d + s.dot(w1s) + b1, 0) @ w2 + b2)
        return (net + linear(d, s)) / 2

    return predict


Trainer = Callable[[np.ndarray, tm.Sparse, np.ndarray, np.ndarray, np.ndarray, list[str], list[tuple[str, str]]],
                   Model]


def cross_validate(data: Data, dense: np.ndarray, older_dense: np.ndarray, symbolic: bool, trainer: Trainer,
                   salt: str = "", keep: float = 1.0, seed: int = 0) -> np.ndarray:
    """Out-of-fold P(label) of the classified units, train_meaning's way; ``keep`` < 1 trains each fold on that
    share of its training site groups (drawn with ``seed``), for the learning curve."""
    real, older = data.real, data.older
    folds = folds_of(data, salt)
    kinds = tm.kind_list([real, older])
    out = np.zeros((len(real.units), len(tm.LABELS)))
    rng = np.random.default_rng(seed)
    for k in range(tm.FOLDS):
        train_rows, held = np.nonzero(folds != k)[0], np.nonzero(folds == k)[0]
        if keep < 1:
            groups = sorted({real.units[r].group for r in train_rows})
            chosen = set(rng.choice(groups, size=max(1, round(keep * len(groups))), replace=False).tolist())
            train_rows = np.array([r for r in train_rows if real.units[r].group in chosen])
        names = tm.vocabulary(real, train_rows) if symbolic else []
        symbols = [real.symbols[r] for r in train_rows] + (older.symbols if symbolic else [[] for _ in older.units])
        y = np.concatenate([real.y[train_rows], older.y])
        target = np.vstack([real.target[train_rows], older.target])
        weight = np.concatenate([np.ones(len(train_rows)), np.full(len(older.units), OLDER_WEIGHT)])
        unit_kinds = [real.kinds[r] for r in train_rows] + older.kinds
        model = trainer(np.vstack([dense[train_rows], older_dense]), tm.Sparse(symbols, names), y, target, weight,
                        unit_kinds, kinds)
        out[held] = model(dense[held], tm.Sparse([real.symbols[r] for r in held] if symbolic
                                                 else [[] for _ in held], names))
    return out


def average_precision(score: np.ndarray, positive: np.ndarray) -> float:
    order = np.argsort(-score, kind="stable")
    hits = positive[order]
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision[hits].sum() / max(1, hits.sum()))


def score(data: Data, p: np.ndarray) -> dict[str, float]:
    """train_meaning's figures over every dev unit (headings and structurally decided units not flagged) and the
    average precision of P(must) for must against the rest."""
    gold = [u.label for u in data.units]
    full = np.zeros((len(data.units), len(tm.LABELS)))
    full[:, 2] = 1.0
    full[data.classified] = p
    chosen = tm.thresholds(full, gold)
    result = tm.figures(gold, tm.decide(full, *chosen))
    result["ap"] = average_precision(full[:, 0], np.array(gold) == "must")
    result["ap_classified"] = average_precision(p[:, 0], data.real.y == 0)
    return result


def line(name: str, results: list[dict[str, float]]) -> str:
    def cell(key: str) -> str:
        values = [r[key] for r in results]
        return f"{np.mean(values):.3f} ({' / '.join(f'{v:.3f}' for v in values)})"

    return (f"| {name} | {cell('ap')} | {cell('must_recall')} | {cell('must_precision')} | {cell('should_flagged')} "
            f"| {cell('none_flagged')} |")


HEADER = ("| variant | AP must-vs-rest | must recall at error level | error precision | should flagged | "
          "none flagged |\n|---|---|---|---|---|---|")


def compare(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    data = load()
    with np.load(args.vectors, allow_pickle=False) as arrays:
        table = dict(zip(arrays["texts"].tolist(), arrays["vectors"], strict=True))
    print(f"loaded in {time.perf_counter() - started:.0f} s: {len(data.units)} dev units, {len(data.classified)} "
          f"classified, {len(data.older.units)} older rows", flush=True)
    wl, wl_older = data.real.dense, data.older.dense
    variants: dict[str, tuple[np.ndarray, np.ndarray, bool, Trainer]] = {}
    for scale in args.scales:
        ml, ml_older = minilm(data.real, table, scale), minilm(data.older, table, scale)
        variants[f"(b) MiniLM x{scale:g} + rule/context features"] = (ml, ml_older, True, lr_heads)
        variants[f"(c) MiniLM x{scale:g} alone (sentence, lead-in, previous unit)"] = (ml, ml_older, False, lr_heads)
        variants[f"(b+) MiniLM x{scale:g} + WordLlama + rule/context features"] = (
            np.hstack([ml, wl]), np.hstack([ml_older, wl_older]), True, lr_heads)
        if args.mlp:
            variants[f"(d) MLP(64) + linear on (b) MiniLM x{scale:g}"] = (ml, ml_older, True, mlp)
    variants = {"(a) today: WordLlama + rule/context features": (wl, wl_older, True, lr_heads), **variants}
    if args.mlp:
        variants["(d0) MLP(64) + linear on (a) today's features"] = (wl, wl_older, True, mlp)
    if args.only:
        variants = {name: v for name, v in variants.items() if any(name.startswith(o) for o in args.only)}
    print(HEADER)
    for name, (dense, older_dense, symbolic, trainer) in variants.items():
        t = time.perf_counter()
        results = []
        for salt in args.salts:  # a line per fold assignment as it comes, then their mean
            results.append(score(data, cross_validate(data, dense, older_dense, symbolic, trainer, salt)))
            print(line(f"{name} [folds {salt or 'default'}]", results[-1:]), flush=True)
        if len(results) > 1:
            print(line(name, results) + f" <!-- {time.perf_counter() - t:.0f} s -->", flush=True)


def curve(args: argparse.Namespace) -> None:
    data = load()
    print("| share of training site groups per fold | AP must-vs-rest | must recall at error level | error precision "
          "| should flagged | none flagged |\n|---|---|---|---|---|---|")
    for keep in args.shares:
        results = []
        for salt in args.salts:
            for seed in range(args.seeds if keep < 1 else 1):
                p = cross_validate(data, data.real.dense, data.older.dense, True, lr_heads, salt, keep, seed)
                results.append(score(data, p))
                print(line(f"{keep:.0%} [folds {salt or 'default'}, draw {seed}]", results[-1:]), flush=True)
        print(line(f"{keep:.0%}", results), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("compare")
    one.add_argument("vectors", type=Path)
    one.add_argument("--scales", type=float, nargs="+", default=[3.0])
    one.add_argument("--salts", nargs="+", default=[""])
    one.add_argument("--mlp", action="store_true")
    one.add_argument("--only", nargs="*", default=[])
    two = sub.add_parser("curve")
    two.add_argument("--shares", type=float, nargs="+", default=[0.25, 0.5, 0.75, 1.0])
    two.add_argument("--salts", nargs="+", default=[""])
    two.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    compare(args) if args.command == "compare" else curve(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
